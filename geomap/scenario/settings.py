"""The scenario file's own settings, checked: factions and their colours, the projection, the
extent and free text."""

from __future__ import annotations

import re
from typing import Any

from geomap.domain.model import Faction
from geomap.errors import ProblemLog
from geomap.io.schema import KEBAB_ID, check_keys, expect_map, expect_text, location_of, type_name
from geomap.io.yamlfile import YMap

FACTION_KEYS = ("name", "colour", "short")
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
DEFAULT_PROJECTION = "+proj=lcc +lat_1=31 +lat_2=37 +lat_0=34 +lon_0=41.5 +datum=WGS84 +units=m"


def factions_of(
    value: Any, mapping: YMap, log: ProblemLog
) -> tuple[dict[str, Faction], set | None]:
    """The well-formed factions, and every faction id named (None when 'factions' is unusable),
    so that a faction with a problem of its own is not also reported as unknown everywhere."""
    if value is None:
        return {}, None
    entries = expect_map(value, log, mapping.key_loc("factions"), "'factions'")
    if entries is None:
        return {}, None
    factions: dict[str, Faction] = {}
    for faction_id, entry in entries.items():
        key_loc = entries.key_loc(faction_id)
        if not KEBAB_ID.match(faction_id):
            log.add(key_loc, f"faction id '{faction_id}' must be kebab-case like 'syrian-gov'")
        fields = expect_map(entry, log, key_loc, f"faction '{faction_id}'")
        if fields is None:
            continue
        check_keys(fields, FACTION_KEYS, log, f"faction '{faction_id}'", ("name", "colour"))
        name = (
            expect_text(fields["name"], log, key_loc, f"name of faction '{faction_id}'")
            if "name" in fields
            else None
        )
        short = (
            expect_text(fields["short"], log, key_loc, f"short name of faction '{faction_id}'")
            if "short" in fields
            else None
        )
        colour = fields.get("colour")
        if colour is not None and not (isinstance(colour, str) and _HEX_COLOUR.match(colour)):
            log.add(location_of(colour, key_loc), colour_problem(faction_id, colour))
            continue
        if name and colour is not None:
            factions[faction_id] = Faction(
                faction_id, name.strip(), colour.lower(), (short or name).strip(), key_loc
            )
    return factions, set(entries)


def colour_problem(faction_id: str, colour: Any) -> str:
    if not isinstance(colour, str):
        return f"colour of '{faction_id}' must be text like \"#cc0000\", not {type_name(colour)}"
    if not colour.strip():
        return (
            f"colour of '{faction_id}' is empty: quote hex colours (\"#cc0000\"), "
            "since # starts a comment in YAML"
        )
    return f"colour of '{faction_id}' must be a quoted hex colour like \"#cc0000\", not '{colour}'"


def optional_text(mapping: YMap, key: str, log: ProblemLog) -> str:
    if key not in mapping:
        return ""
    value = mapping[key]
    if not isinstance(value, str):
        log.add(mapping.value_loc(key), f"{key} must be text, not {type_name(value)}")
        return ""
    return value.strip()


def projection_of(mapping: YMap, log: ProblemLog) -> str | None:
    """The scenario's map projection, checked with PROJ (a bad one is an input error here, not a
    traceback when the basemap is projected); None when it names none."""
    if "projection" not in mapping:
        return None
    value = mapping["projection"]
    text = expect_text(value, log, mapping.key_loc("projection"), "projection")
    if text is None:
        return DEFAULT_PROJECTION
    problem = projection_problem(text.strip())
    if problem is not None:
        log.add(location_of(value, mapping.key_loc("projection")), problem)
        return DEFAULT_PROJECTION
    return text.strip()


def projection_problem(text: str) -> str | None:
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        crs = CRS.from_user_input(text)
    except CRSError as error:
        match = re.search(r"proj_create: (?:Error \d+ \([^)]*\): )?([^)]*)", str(error))
        reason = match.group(1).strip() if match else "not understood"
        return (
            f"projection '{text}' is not valid ({reason[:1].lower() + reason[1:]}); "
            "use a PROJ string like '+proj=lcc ...' or a code like 'EPSG:32637'"
        )
    if not crs.is_projected:
        return (
            f"projection '{text}' is in degrees, not a map projection; "
            "use a projected one like 'EPSG:32637' (UTM zone 37N)"
        )
    units = sorted({axis.unit_name for axis in crs.axis_info})
    if units != ["metre"]:
        return f"projection '{text}' must be in metres, not {', '.join(units)}"
    return None


def extent_of(mapping: YMap, log: ProblemLog) -> tuple[float, float, float, float] | None:
    """The scenario's ``extent_lonlat``, or None when it names none (or a malformed one)."""
    value = mapping.get("extent_lonlat")
    if value is None:
        return None
    where = mapping.value_loc("extent_lonlat")
    try:
        if not isinstance(value, list) or len(value) != 4:
            raise ValueError
        west, south, east, north = (float(v) for v in value)
    except (TypeError, ValueError):
        log.add(where, "extent_lonlat must be [west, south, east, north] in degrees")
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        log.add(where, "extent_lonlat must satisfy west < east and south < north, in degrees")
        return None
    return (west, south, east, north)
