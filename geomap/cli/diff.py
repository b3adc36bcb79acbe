import click

from geomap.cli.options import PERIOD, scenario_option, table_format_option


@click.command()
@click.argument("first", type=PERIOD)
@click.argument("second", type=PERIOD)
@scenario_option
@table_format_option
def diff(first, second, scenario, fmt):
    """List the places that changed hands between FIRST and SECOND (dates)."""
    from geomap.domain.changes import CHANGE_KEYS, change_records
    from geomap.output.tables import format_records
    from geomap.scenario.load import load_scenario

    loaded = load_scenario(scenario)
    records = change_records(loaded, loaded.timeline.as_of(first), loaded.timeline.as_of(second))
    if not records and fmt == "table":
        click.echo("no changes")
        return
    click.echo(format_records(records, fmt, list(CHANGE_KEYS)), nl=False)
