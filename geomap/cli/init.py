from datetime import date

import click


@click.command()
@click.argument("folder", type=click.Path(path_type=str))
@click.option(
    "--countries",
    "-c",
    required=True,
    metavar="CC[,CC...]",
    help="Focus countries, ISO 3166-1 alpha-2 codes (UA or SD,SS); the first gets the example.",
)
@click.option("--title", default=None, help="Title of the scenario (default from the countries).")
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    metavar="YYYY-MM-DD",
    help="Date of the example snapshot, YYYY-MM-DD (default: today).",
)
@click.option(
    "--assign",
    multiple=True,
    metavar="PROVINCE=CC",
    help="Draw a province with another country than the world layer does, e.g. UA-KR=UA "
    "(Crimea with Ukraine). Repeatable.",
)
def init(folder, countries, title, day, assign):
    """Write a working scenario in FOLDER for some countries: scenario.yaml, a basemap of them
    and their neighbours cut from geomap's world layer, an example place and snapshot, and a
    README saying what to edit. Existing files are never overwritten."""
    from pathlib import Path

    from geomap.scenario.new import (
        new_scenario_files,
        parse_assignments,
        parse_countries,
        write_new_scenario,
    )

    focus = parse_countries(countries)
    assignments = parse_assignments(tuple(assign), set(focus))
    as_of = day.date() if day is not None else date.today()
    made = new_scenario_files(focus, title=title, day=as_of, assign=assignments)
    for path in write_new_scenario(Path(folder), made):
        click.echo(path)
