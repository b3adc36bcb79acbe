import click

from geomap.cli.options import output_options, range_options, scenario_option


@click.command()
@range_options
@click.option(
    "--faction",
    default=None,
    help="Faction id whose area is charted (default: the scenario's first faction, 'isis' in the "
    "bundled scenario).",
)
@click.option(
    "--measure",
    type=click.Choice(["area", "population"]),
    default="area",
    show_default=True,
    help="Chart the faction's km² or the people living in its ground (GeoNames settlements).",
)
@scenario_option
@output_options
def chart(start, end, every, faction, measure, scenario, fmt, out, dpi, size, force):
    """Chart a faction's estimated area (km²) or people from --from to --to, with milestones
    marked and the scenario's published figures overlaid, each with its source.

    Example: geomap chart --from 2014-06 --to 2017-11 --measure population --out isis-people.svg
    """
    from geomap.errors import display_path
    from geomap.io.schema import did_you_mean
    from geomap.products.chart import write_area_chart
    from geomap.scenario.load import load_scenario
    from geomap.series.plan import series_dates

    loaded = load_scenario(scenario)
    if faction is None:
        faction = next(iter(loaded.factions))
    if faction not in loaded.factions:
        raise click.BadParameter(
            f"unknown faction '{faction}'{did_you_mean(faction, loaded.factions)} "
            f"(factions: {', '.join(loaded.factions)})",
            param_hint="'--faction'",
        )
    days = series_dates(loaded.timeline, start, end, every)
    path = write_area_chart(
        loaded, days, faction, fmt=fmt, out=out, dpi=dpi, size_px=size, force=force, measure=measure
    )
    click.echo(display_path(path))
