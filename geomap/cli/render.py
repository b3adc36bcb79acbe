import click

from geomap.cli.options import date_option, output_options, scenario_option


@click.command()
@date_option
@scenario_option
@output_options
def render(period, scenario, fmt, out, dpi, size, force):
    """Render the map as of a date and print the path written.

    \b
    Example: geomap render --date 2017-11        # writes geomap-2017-11-30.png
    """
    from geomap.errors import display_path
    from geomap.products.map import render_map

    path = render_map(scenario, period, fmt=fmt, out=out, dpi=dpi, size_px=size, force=force)
    click.echo(display_path(path))
