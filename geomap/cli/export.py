import click

from geomap.cli.options import EVERY_CHOICES, PERIOD, scenario_option


@click.command()
@click.option("--date", "-d", "period", type=PERIOD, default=None, help="As-of date.")
@click.option("--from", "start", type=PERIOD, default=None, help="First date of a time layer.")
@click.option("--to", "end", type=PERIOD, default=None, help="Last date of a time layer.")
@click.option(
    "--every",
    type=click.Choice(EVERY_CHOICES),
    default=None,
    help="Sampling of a time layer (default: month).",
)
@click.option(
    "--layer",
    type=click.Choice(("places", "territory")),
    default="places",
    show_default=True,
    help="Places as points, or the estimated territory as one (Multi)Polygon per side and class.",
)
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(("gpkg", "geojson", "csv")),
    default=None,
    help="Output format (default: from --out's suffix, else gpkg).",
)
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=str),
    default=None,
    help="Output file or existing folder (default: geomap-LAYER-DATE.FMT here).",
)
@scenario_option
@click.option("--force", is_flag=True, help="Overwrite an existing file that geomap did not write.")
def export(period, start, end, every, layer, fmt, out, scenario, force):
    """Write the places or the territory as a GIS layer (GeoPackage, GeoJSON or CSV, EPSG:4326)
    and print its path. With --from/--to, one time-enabled layer whose features carry
    valid_from (inclusive) and valid_to (exclusive) dates, for QGIS's temporal controller or
    kepler.gl's time filter.

    \b
    Examples: geomap export --date 2017-11 --out places.gpkg
              geomap export --from 2014-06 --to 2017-11 --layer territory --format geojson
    """
    if period is not None and (start or end or every):
        raise click.UsageError("give either --date or --from/--to/--every, not both")
    if period is None and not (start and end):
        raise click.UsageError("give --date, or --from and --to for a time-enabled layer")
    from geomap.errors import display_path
    from geomap.output.gis import default_name, export_path, layer_on, layer_over, write_layer
    from geomap.scenario.load import load_scenario
    from geomap.series.plan import series_dates

    loaded = load_scenario(scenario)
    if period is not None:
        days = [loaded.timeline.as_of(period)]
    else:
        days = series_dates(loaded.timeline, start, end, every or "month")
    path, chosen = export_path(out, default_name(layer, days, "")[:-1], fmt)
    data = layer_on(loaded, layer, days[0]) if period else layer_over(loaded, layer, days)
    click.echo(display_path(write_layer(data, path, chosen, force)))
