import click

from geomap.cli.options import range_options, scenario_option


@click.command(name="html")
@range_options
@scenario_option
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=True),
    default=None,
    help="The page to write (default: geomap-FIRST-to-LAST.html here); a folder puts it there.",
)
@click.option("--force", is_flag=True, help="Replace a file that geomap did not write.")
def html(start, end, every, scenario, out, force):
    """Write ONE offline HTML page: the map with a time slider, play button and sources.

    The page needs no server and makes no request: scripts, styles and fonts are inline. Open
    it at a day with #YYYY-MM-DD; the address follows the slider.

    Example: geomap html --from 2014-06 --to 2017-11 --out isis.html
    """
    from pathlib import Path

    from geomap.errors import display_path
    from geomap.output.files import check_writable
    from geomap.products.html import write_html
    from geomap.scenario.project import open_project
    from geomap.series.plan import series_dates

    project = open_project(scenario)
    loaded, style = project.scenario, project.style
    days = series_dates(loaded.timeline, start, end, every)
    name = f"geomap-{days[0].isoformat()}-to-{days[-1].isoformat()}.html"
    path = Path(out) if out else Path(name)
    if path.is_dir():
        path = path / name
    check_writable(path, force)
    click.echo(display_path(write_html(loaded, style, days, path)))
