import click

from geomap.cli.options import PERIOD, scenario_option, table_format_option


@click.command()
@click.argument("first", type=PERIOD)
@click.argument("second", type=PERIOD)
@scenario_option
@table_format_option
@click.option(
    "--events",
    is_flag=True,
    help="List every change of hands between the dates (a place lost and retaken gives two), "
    "not only the places whose holder differs.",
)
def diff(first, second, scenario, fmt, events):
    """List the places that changed hands between FIRST and SECOND (dates)."""
    from geomap.domain.changes import CHANGE_KEYS, change_records, event_records
    from geomap.output.tables import format_records
    from geomap.scenario.load import load_scenario

    loaded = load_scenario(scenario)
    listing = event_records if events else change_records
    records = listing(loaded, loaded.timeline.as_of(first), loaded.timeline.as_of(second))
    if not records and fmt == "table":
        click.echo("no changes")
        return
    click.echo(format_records(records, fmt, list(CHANGE_KEYS)), nl=False)
