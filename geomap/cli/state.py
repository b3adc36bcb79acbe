import click

from geomap.cli.options import date_option, scenario_option, table_format_option


@click.command()
@date_option
@scenario_option
@table_format_option
def state(period, scenario, fmt):
    """Print who held every place as of a date (table, CSV or JSON)."""
    from geomap.domain.join import state_record
    from geomap.output.tables import format_records
    from geomap.products.map import resolve
    from geomap.scenario.load import load_scenario

    loaded = load_scenario(scenario)
    day = loaded.timeline.as_of(period)
    records = [state_record(item, loaded.citations) for item in resolve(loaded, day)]
    click.echo(format_records(records, fmt), nl=False)
