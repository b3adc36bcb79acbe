"""``geomap init``: the files of a new, working scenario for some focus countries.

Everything is made in memory first (:func:`new_scenario_files`), so a bad country code or a
folder that already holds one of the files stops the command before anything is written.
The basemap is cut from the bundled world layer (:mod:`geomap.world.layers`); the example place
is the most populous gazetteer place of the first focus country. The settlements layer (the
gazetteer's places in the focus countries, with their population) and one baseline area per
focus country (a place of kind ``province``: the country's outline, whose holder gets the ground
no place speaks for) make the area estimate cover the whole country from the first snapshot.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geomap.errors import InputError, Problem
from geomap.io.schema import did_you_mean
from geomap.scenario.resources import bundled_root

BASEMAP_DIR = "basemap"
COMMON_SLIPS = {"UK": "GB", "EL": "GR", "EN": "GB"}  # codes people use that ISO 3166-1 does not
ALIASES_KEPT = 8


@dataclass(frozen=True)
class NewScenario:
    files: dict[str, str]  # relative path -> text
    focus: tuple[str, ...]
    neighbours: tuple[str, ...]
    example_place: str


def parse_countries(text: str) -> tuple[str, ...]:
    """``UA,RU`` -> ("UA", "RU"), checked against the world layer (exit 1 with a suggestion)."""
    from geomap.world.layers import country_names

    names = country_names()
    by_name = {name.casefold(): code for code, name in names.items()}
    codes, problems = [], []
    for raw in (part.strip() for part in text.split(",")):
        if not raw:
            continue
        code = raw.upper()
        if code in names:
            if code not in codes:
                codes.append(code)
            continue
        if code in COMMON_SLIPS:
            hint = f" (did you mean '{COMMON_SLIPS[code]}'?)"
        elif raw.casefold() in by_name:
            hint = f" (did you mean '{by_name[raw.casefold()]}' for {raw}?)"
        else:
            hint = did_you_mean(code, names)
        problems.append(
            Problem(
                None,
                f"--countries: '{raw}' is not an ISO 3166-1 alpha-2 code of the world layer{hint}",
            )
        )
    if problems:
        raise InputError(problems)
    if not codes:
        raise InputError.at(None, "--countries names no country (give codes like UA,RU)")
    return tuple(codes)


def parse_assignments(values: tuple[str, ...], known: set[str]) -> dict[str, str]:
    """``UA-KR=UA`` -> {"UA-KR": "UA"}: provinces drawn with another country than the world
    layer draws them."""
    from geomap.world.layers import country_names, world_features

    provinces = {f["id"] for f in world_features("provinces")}
    out, problems = {}, []
    for value in values:
        province, _, country = value.partition("=")
        province, country = province.strip(), country.strip().upper()
        if province not in provinces:
            problems.append(
                Problem(
                    None,
                    f"--assign: unknown province '{province}'{did_you_mean(province, provinces)}",
                )
            )
        elif country not in country_names():
            problems.append(Problem(None, f"--assign: unknown country '{country}' in '{value}'"))
        else:
            out[province] = country
    if problems:
        raise InputError(problems)
    return out


def kebab(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "place"


def new_scenario_files(
    focus: tuple[str, ...],
    *,
    title: str | None = None,
    day: date,
    assign: dict[str, str] | None = None,
) -> NewScenario:
    from geomap.world.gazetteer import gazetteer
    from geomap.world.layers import country_names, cut_world, geojson_text

    names = country_names()
    cut = cut_world(focus, assign or {})
    focus_names = [names[c] for c in focus]
    title = title or f"Control of territory in {_joined(focus_names)}"
    ranked = sorted(
        (p for p in gazetteer() if p.country == focus[0]),
        key=lambda p: (-p.population, p.geonameid),
    )
    example = _first_inside(cut, focus[0], ranked)
    files: dict[str, str] = {}
    for layer, document in cut.layers.items():
        files[f"{BASEMAP_DIR}/{layer}.geojson"] = geojson_text(document)
    files[f"{BASEMAP_DIR}/settlements.geojson"] = _settlements_text(cut, focus)
    if example is not None:
        place_id = kebab(example.name)
        example_feature = _example_feature(example, place_id)
    else:  # a territory with no place of 15,000 people: a point inside it
        place_id = "example-place"
        example_feature = _placeholder_feature(cut, focus[0], place_id)
    baselines = [_baseline_feature(cut, code, names[code]) for code in focus]
    files["places.geojson"] = _places_text(example_feature, baselines)
    baseline_lines = "".join(
        f"  {'' if i == 0 else '# '}{feature['id']}: government\n"
        for i, feature in enumerate(baselines)
    )
    files["sources.yaml"] = SOURCES.format(day=day.isoformat())
    files[f"snapshots/{day.isoformat()}.yaml"] = SNAPSHOT.format(
        day=day.isoformat(), place=place_id, baselines=baseline_lines
    )
    files["scenario.yaml"] = SCENARIO.format(
        title=_yaml_text(title),
        government=_yaml_text(f"Government of {focus_names[0]}"),
        focus=", ".join(focus),
        today=day.isoformat(),
        neighbours=", ".join(cut.neighbours) or "none",
    )
    files["style.yaml"] = (bundled_root() / "configs" / "style.yaml").read_text(encoding="utf-8")
    files["README.md"] = README.format(
        title=title,
        focus=", ".join(focus),
        place=place_id,
        baseline=baselines[0]["id"],
        day=day.isoformat(),
        assigned=", ".join(f"{p}→{c}" for p, c in sorted((assign or {}).items())) or "none",
    )
    return NewScenario(files, focus, cut.neighbours, place_id)


def existing_files(folder: Path, files: dict[str, str]) -> list[str]:
    return sorted(name for name in files if (folder / name).exists())


def write_new_scenario(folder: Path, scenario: NewScenario) -> list[Path]:
    """Write the files; refuses (before writing anything) when any of them exists already."""
    if folder.exists() and not folder.is_dir():
        raise InputError.at(None, f"{folder} is a file, not a folder")
    clashes = existing_files(folder, scenario.files)
    if clashes:
        shown = ", ".join(str(folder / name) for name in clashes[:3])
        more = f" and {len(clashes) - 3} more" if len(clashes) > 3 else ""
        raise InputError.at(
            None,
            f"{shown}{more} already exist; geomap init never overwrites files "
            "(choose a new folder, or move them away)",
        )
    written = []
    for name, text in scenario.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.name + ".part")
        part.write_text(text, encoding="utf-8")
        part.replace(path)
        written.append(path)
    return written


def _first_inside(cut, country: str, places: list):
    """The first place that lies in (or within a few km of) the country's polygon: tiny islands
    may be simplified away, and the example place must pass `geomap validate`."""
    from shapely.geometry import shape

    from geomap.scenario.checks import TOLERANCE_KM, km_outside

    outline = shape(_country_feature(cut, country)["geometry"])
    return next((p for p in places if km_outside(outline, p.lon, p.lat) <= TOLERANCE_KM), None)


def _country_feature(cut, country: str) -> dict:
    """The country's feature of the cut basemap."""
    return next(f for f in cut.layers["countries"]["features"] if f["id"] == country)


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _yaml_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _latin(text: str) -> bool:
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in text)


def _example_feature(place, place_id: str) -> dict:
    aliases = [a for a in place.alternates if _latin(a) and a != place.name][:ALIASES_KEPT]
    return {
        "type": "Feature",
        "id": place_id,
        "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
        "properties": {
            "id": place_id,
            "name": place.name,
            "aliases": aliases,
            "kind": "city",
            "country": place.country,
            "rank": 1,
            "geonameid": place.geonameid,
        },
    }


def _placeholder_feature(cut, country: str, place_id: str) -> dict:
    from shapely.geometry import shape

    point = shape(_country_feature(cut, country)["geometry"]).representative_point()
    return {
        "type": "Feature",
        "id": place_id,
        "geometry": {"type": "Point", "coordinates": [round(point.x, 4), round(point.y, 4)]},
        "properties": {
            "id": place_id,
            "name": "Example place",
            "aliases": [],
            "kind": "town",
            "country": country,
            "rank": 1,
        },
    }


def _baseline_feature(cut, country: str, name: str) -> dict:
    """The country's outline as a place of kind ``province``: a baseline whose holder gets the
    ground of the country that no place speaks for (docs/territory.md, "The rule")."""
    outline = _country_feature(cut, country)
    place_id = f"{kebab(name)}-baseline"
    return {
        "type": "Feature",
        "id": place_id,
        "geometry": outline["geometry"],
        "properties": {
            "id": place_id,
            "name": name,
            "aliases": [],
            "kind": "province",
            "country": country,
            "rank": 9,
        },
    }


def _places_text(example: dict, baselines: list[dict]) -> str:
    """The example point written out to be read and copied; the baseline outlines one line
    each (they are long and not edited by hand)."""
    point = json.dumps(example, indent=2, ensure_ascii=False).replace("\n", "\n    ")
    areas = [json.dumps(f, ensure_ascii=False) for f in baselines]
    features = ",\n".join(["    " + point, *("    " + area for area in areas)])
    return '{\n  "type": "FeatureCollection",\n  "features": [\n' + features + "\n  ]\n}\n"


def _settlements_text(cut, focus: tuple[str, ...]) -> str:
    """The gazetteer's places in the focus countries with their population: the settlements
    layer of the area estimate (cells follow the places around them; people are counted)."""
    from shapely.geometry import shape

    from geomap.scenario.checks import TOLERANCE_KM, km_outside
    from geomap.world.gazetteer import gazetteer

    outlines = {code: shape(_country_feature(cut, code)["geometry"]) for code in focus}
    features = [
        {
            "type": "Feature",
            "properties": {
                "id": f"gn{p.geonameid}",
                "name": p.name,
                "country": p.country,
                "population": p.population,
                "geonameid": p.geonameid,
            },
            "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
        }
        for p in sorted(gazetteer(), key=lambda p: p.geonameid)
        if p.country in outlines and km_outside(outlines[p.country], p.lon, p.lat) <= TOLERANCE_KM
    ]
    rows = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    return '{"type": "FeatureCollection", "features": [\n' + rows + ("\n" if rows else "") + "]}\n"


SCENARIO = """\
# A geomap scenario, made by `geomap init` on {today}. Paths are relative to this file.
# README.md beside it says what to edit; docs/new-scenario.md explains every key.
title: {title}
description: >
  One or two sentences: which war, which period, and what the map shows.

# Who can hold a place. Ids are kebab-case and are what the snapshots name; colours are quoted
# hex codes and stay fixed per faction in every map.
factions:
  government:
    name: {government}
    short: Government
    colour: "#1f78b4"
  opposition:
    name: Opposition forces
    short: Opposition
    colour: "#e31a1c"

places: places.geojson      # GeoJSON points: id, name, aliases, kind, country, rank
sources: sources.yaml       # citations shared by several snapshots
snapshots: snapshots        # one YAML file per day: who held which place, and the source

# Cut from geomap's world layer (Natural Earth, GSHHG) around {focus};
# neighbours with provinces: {neighbours}. Disputed borders are drawn de facto (Natural Earth).
basemap:
  countries: basemap/countries.geojson
  provinces: basemap/provinces.geojson
  rivers: basemap/rivers.geojson
  lakes: basemap/lakes.geojson
  settlements: basemap/settlements.geojson   # GeoNames places and their people: not drawn, they
                                             # refine the area estimate and count its people
focus_countries: [{focus}]  # drawn brighter; the map and the area estimate cover them

# Optional. Without them the map fits the focus countries and the places, in a Lambert
# conformal conic projection centred on them.
# extent_lonlat: [west, south, east, north]     # degrees
# projection: "+proj=lcc +lat_1=... +lat_2=... +lat_0=... +lon_0=... +datum=WGS84 +units=m"

style: style.yaml
attribution: >-
  Borders, lakes: Natural Earth. Rivers: GSHHG (Wessel & Smith). Places: GeoNames (CC BY 4.0).
  Control: sourced snapshots, see geomap state.
"""

SOURCES = """\
# Citations cited by more than one snapshot: id -> publisher, title, date, url (https).
# A citation used by one snapshot only may sit in that snapshot's own `sources:` block.
example-source:
  publisher: Example Publisher
  title: "Replace with the title of the report that says who held the place"
  date: {day}
  url: https://example.org/replace-me
"""

SNAPSHOT = """\
# One file per day, named after its date. It lists only what it asserts: places it does not
# mention keep their last known state. Every claim cites a source (here or in sources.yaml).
date: {day}
source: example-source      # default source of the entries below
control:
  {place}: government       # short form: held by the faction `government`
  # A baseline (an area place, the whole country): its holder gets the ground no place speaks
  # for. Give it the side that holds the country at large, or delete the line to leave that
  # ground unclear.
{baselines}"""

README = """\
# {title}

Made by `geomap init --countries {focus}`. It validates and renders as written:

```sh
geomap validate --scenario scenario.yaml
geomap render --scenario scenario.yaml --date {day}
```

What to edit, in this order (docs/new-scenario.md in the geomap repository explains every key):

1. `scenario.yaml`: the title, the description and the factions (ids, names, colours).
2. `places.geojson`: one point per town, crossing, dam or base. Find coordinates with
   `geomap places find NAME --country CC`; keep `country` the two-letter code of the country
   the point lies in (`geomap validate` checks it against `basemap/countries.geojson`).
   The example place is `{place}`. `{baseline}` is a baseline: the whole country as one area
   place, whose holder in the snapshots gets the ground your places leave unclear (without it,
   shading reaches only about 40 km around each place). `basemap/settlements.geojson` (GeoNames
   places with their people) refines the shading and lets `geomap area` count people.
3. `sources.yaml`: replace `example-source` with real citations (publisher, title, date, url).
4. `snapshots/`: one YAML file per dated report, `control:` place → faction. Replace
   `{day}.yaml`, then add one file per date.
5. Optional: `extent_lonlat` and `projection` in `scenario.yaml` (fitted automatically).

Disputed areas are drawn as Natural Earth draws them, de facto (Crimea with Russia, the Golan
with Israel …); a place's `country` is the country whose polygon holds it. To draw an area
otherwise, make the scenario again with `geomap init … --assign PROVINCE=CC` (province ids as in
`basemap/provinces.geojson`) or edit `basemap/countries.geojson`: it is this scenario's own copy.
Provinces drawn with another country at init: {assigned}.
Then make a series: `geomap batch --scenario scenario.yaml --from FIRST --to LAST --every month`.

Credits: borders and lakes Natural Earth (public domain), rivers GSHHG (LGPL), places GeoNames
(CC BY 4.0).
"""
