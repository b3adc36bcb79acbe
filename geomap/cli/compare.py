import click

from geomap.cli.options import PERIOD, output_options, scenario_option


@click.command()
@click.argument("first", type=PERIOD)
@click.argument("second", type=PERIOD)
@scenario_option
@output_options
def compare(first, second, scenario, fmt, out, dpi, size, force):
    """Before/after figure: the maps as of FIRST and SECOND side by side, with what changed.

    \b
    Example: geomap compare 2015-01 2017-11      # writes geomap-2015-01-31-vs-2017-11-30.png
    """
    from geomap.errors import display_path
    from geomap.output.files import check_writable
    from geomap.products.compare import build_comparison, write_comparison
    from geomap.products.map import output_path
    from geomap.scenario.project import open_project

    project = open_project(scenario)
    loaded, style = project.scenario, project.style
    day_1, day_2 = loaded.timeline.as_of(first), loaded.timeline.as_of(second)
    path, chosen = output_path(out, f"geomap-{day_1.isoformat()}-vs-{day_2.isoformat()}", fmt)
    check_writable(path, force)
    figure = build_comparison(loaded, style, day_1, day_2, size_px=size, dpi=dpi)
    click.echo(display_path(write_comparison(figure, path, chosen, style)))
