import click

from geomap.cli.options import range_options, scenario_option, table_format_option


@click.command()
@range_options
@scenario_option
@table_format_option
def area(start, end, every, scenario, fmt):
    """Estimated km² held by each faction, per date from --from to --to.

    Areas are estimates: each country is cut into Voronoi cells around its places, each cell
    limited to a reach set by the place's kind and rank (see docs/territory.md). Contested
    ground counts half for each side in area_km2. Example:

        geomap area --from 2015-01 --to 2017-11 --every quarter --format csv
    """
    from geomap.output.tables import format_records
    from geomap.scenario.load import load_scenario
    from geomap.series.plan import series_dates
    from geomap.territory.areas import AREA_KEYS, area_records, area_series

    loaded = load_scenario(scenario)
    days = series_dates(loaded.timeline, start, end, every)
    records = area_records(loaded, area_series(loaded, days))
    click.echo(format_records(records, fmt, list(AREA_KEYS)), nl=False)
