import click

from geomap.cli.options import scenario_option


@click.command()
@scenario_option
def validate(scenario):
    """Check a scenario and all its files; print every problem as file:line:col: message."""
    from geomap.scenario.load import load_scenario

    loaded = load_scenario(scenario, check_everything=True)
    assertions = sum(len(s.assertions) for s in loaded.snapshots)
    click.echo(
        f"{loaded.path}: ok: {len(loaded.places)} places, {len(loaded.factions)} factions, "
        f"{len(loaded.snapshots)} snapshots, {assertions} assertions, "
        f"{len(loaded.citations)} sources, {loaded.timeline.covered_range()}"
    )
