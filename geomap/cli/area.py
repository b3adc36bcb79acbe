import click

from geomap.cli.options import range_options, scenario_option, table_format_option


@click.command()
@range_options
@scenario_option
@table_format_option
@click.option(
    "--by",
    "by",
    type=click.Choice(["faction", "country"]),
    default="faction",
    show_default=True,
    help="One row per faction and date, or per country, faction and date (adds 'country').",
)
def area(start, end, every, scenario, fmt, by):
    """Estimated km² and people held by each faction, per date from --from to --to.

    Areas are estimates: each country is cut into cells around its places, settlements and a
    desert lattice, and each cell follows the places around it (see docs/territory.md).
    Contested ground, and the people on it, count half for each side in area_km2 and
    population. Example:

        geomap area --from 2015-01 --to 2017-11 --every quarter --by country --format csv
    """
    from geomap.output.tables import format_records
    from geomap.scenario.load import load_scenario
    from geomap.series.plan import series_dates
    from geomap.territory.areas import (
        AREA_KEYS,
        COUNTRY_AREA_KEYS,
        area_records,
        area_series,
        country_area_records,
    )

    loaded = load_scenario(scenario)
    days = series_dates(loaded.timeline, start, end, every)
    if by == "country":
        records = country_area_records(loaded, days)
        click.echo(format_records(records, fmt, list(COUNTRY_AREA_KEYS)), nl=False)
        return
    records = area_records(loaded, area_series(loaded, days))
    click.echo(format_records(records, fmt, list(AREA_KEYS)), nl=False)
