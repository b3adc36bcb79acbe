import click


@click.group()
def places():
    """Look places up in geomap's world gazetteer (GeoNames, 15,000 people or more)."""


@places.command()
@click.argument("name")
@click.option("--country", "-c", default=None, metavar="CC", help="Only this country (UA, SD ...).")
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    help="Output format (default: table).",
)
@click.option("--limit", "-n", type=click.IntRange(1, 200), default=10, help="At most N matches.")
def find(name, country, fmt, limit):
    """Find NAME (any spelling GeoNames knows): best matches first (exact name, alternate name,
    prefix, similar spelling; then by population), with lon, lat and the GeoNames id to paste
    into places.geojson. Exit status 1 when nothing matches."""
    from geomap.errors import InputError
    from geomap.output.tables import format_records
    from geomap.world.gazetteer import find_places

    code = country.upper() if country else None
    matches = find_places(name, code, limit)
    if not matches:
        where = f" in {code}" if code else ""
        raise InputError.at(None, f"no place called '{name}'{where} in the gazetteer")
    records = [m.as_dict() for m in matches]
    click.echo(format_records(records, fmt), nl=False)
