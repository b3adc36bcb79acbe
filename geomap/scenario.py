"""A scenario ties factions, places, sources, snapshots, basemap and style together."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from geomap.citations import load_citations
from geomap.errors import InputError, Location, ProblemLog
from geomap.milestones import Milestone, load_milestones
from geomap.model import Citation, Faction, Place, Snapshot
from geomap.places import load_places
from geomap.resources import default_scenario_path
from geomap.schema import (
    KEBAB_ID,
    check_keys,
    did_you_mean,
    expect_map,
    expect_text,
    expect_text_list,
)
from geomap.snapshots import load_snapshot, snapshot_files
from geomap.territory import TerritoryRules, territory_rules
from geomap.timeline import Timeline
from geomap.yamlfile import YMap, load_yaml

SCENARIO_KEYS = (
    "title",
    "description",
    "factions",
    "places",
    "sources",
    "snapshots",
    "basemap",
    "focus_countries",
    "extent_lonlat",
    "projection",
    "style",
    "attribution",
    "milestones",  # optional: a milestones file (geomap.milestones)
    "territory",  # optional: rules of the area estimate (geomap.territory)
)
FACTION_KEYS = ("name", "colour", "short")
BASEMAP_LAYERS = ("countries", "provinces", "rivers", "lakes")
_HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
DEFAULT_PROJECTION = "+proj=lcc +lat_1=31 +lat_2=37 +lat_0=34 +lon_0=41.5 +datum=WGS84 +units=m"


@dataclass(frozen=True)
class Scenario:
    """Everything needed to resolve and draw the maps of one conflict."""

    path: Path
    title: str
    factions: dict[str, Faction]
    places: dict[str, Place]
    citations: dict[str, Citation]
    snapshots: tuple[Snapshot, ...]
    timeline: Timeline = field(repr=False)
    basemap: dict[str, Path]
    focus_countries: tuple[str, ...]
    extent_lonlat: tuple[float, float, float, float]
    projection: str
    style_path: Path | None
    attribution: str
    milestones: tuple[Milestone, ...] = ()
    territory: TerritoryRules = field(default_factory=TerritoryRules)


def resolve_scenario_path(path: str | os.PathLike[str] | None) -> Path:
    return Path(path) if path is not None else default_scenario_path()


def load_scenario(path: str | os.PathLike[str] | None = None) -> Scenario:
    """Load and check a whole scenario; every problem in every file is raised together."""
    path = resolve_scenario_path(path)
    log = ProblemLog()
    document = load_yaml(path)
    where = Location(Location.of_file(path).path, 1, 1)
    mapping = expect_map(document, log, where, "a scenario")
    log.raise_if_any()
    check_keys(
        mapping,
        SCENARIO_KEYS,
        log,
        "scenario",
        required=("title", "factions", "places", "snapshots"),
    )
    base = path.parent

    def relative(value: Any, what: str) -> Path | None:
        text = expect_text(value, log, mapping.loc, what)
        return (base / text) if text else None

    title = str(mapping.get("title", "")).strip()
    factions = _factions(mapping.get("factions"), mapping, log)

    places: dict[str, Place] = {}
    if "places" in mapping:
        files = expect_text_list(mapping["places"], log, mapping.key_loc("places"), "'places'")
        try:
            places = load_places([base / f for f in files])
        except InputError as error:
            log.extend(error)

    citations: dict[str, Citation] = {}
    if "sources" in mapping:
        sources_path = relative(mapping["sources"], "'sources'")
        if sources_path is not None:
            try:
                citations = load_citations(sources_path)
            except InputError as error:
                log.extend(error)

    snapshots = _snapshots(mapping, base, citations, log)

    basemap: dict[str, Path] = {}
    if "basemap" in mapping:
        layers = expect_map(mapping["basemap"], log, mapping.key_loc("basemap"), "'basemap'")
        if layers is not None:
            check_keys(layers, BASEMAP_LAYERS, log, "basemap")
            for name, value in layers.items():
                layer_path = relative(value, f"basemap layer '{name}'")
                if layer_path is not None and name in BASEMAP_LAYERS:
                    if not layer_path.is_file():
                        log.add(value.loc, f"basemap layer file not found: {value}")
                    basemap[name] = layer_path

    extent = _extent(mapping, log)
    focus = tuple(
        expect_text_list(mapping.get("focus_countries", []), log, mapping.loc, "focus_countries")
    )
    style_path = relative(mapping["style"], "'style'") if "style" in mapping else None
    if style_path is not None and not style_path.is_file():
        log.add(mapping.value_loc("style"), f"style file not found: {mapping['style']}")
        style_path = None

    _cross_check(snapshots, factions, places, citations, log)
    milestones: tuple[Milestone, ...] = ()
    milestones_path = (
        relative(mapping["milestones"], "'milestones'") if "milestones" in mapping else None
    )
    if milestones_path is not None:
        try:
            milestones = load_milestones(milestones_path, citations)
        except InputError as error:
            log.extend(error)
    territory = territory_rules(mapping.get("territory"), log, mapping.key_loc("territory"))
    timeline = Timeline.from_snapshots(snapshots) if snapshots else None
    if not snapshots and "snapshots" in mapping:
        log.add(mapping.value_loc("snapshots"), "the scenario has no snapshots")
    log.raise_if_any()
    return Scenario(
        path=path,
        title=title,
        factions=factions,
        places=places,
        citations=citations,
        snapshots=tuple(snapshots),
        timeline=timeline,
        basemap=basemap,
        focus_countries=focus,
        extent_lonlat=extent,
        projection=str(mapping.get("projection", DEFAULT_PROJECTION)),
        style_path=style_path,
        attribution=str(mapping.get("attribution", "")).strip(),
        milestones=milestones,
        territory=territory,
    )


def _factions(value: Any, mapping: YMap, log: ProblemLog) -> dict[str, Faction]:
    if value is None:
        return {}
    entries = expect_map(value, log, mapping.key_loc("factions"), "'factions'")
    factions: dict[str, Faction] = {}
    for faction_id, entry in (entries or {}).items():
        key_loc = entries.key_loc(faction_id)
        if not KEBAB_ID.match(faction_id):
            log.add(key_loc, f"faction id '{faction_id}' must be kebab-case like 'syrian-gov'")
        fields = expect_map(entry, log, key_loc, f"faction '{faction_id}'")
        if fields is None:
            continue
        check_keys(fields, FACTION_KEYS, log, f"faction '{faction_id}'", ("name", "colour"))
        colour = fields.get("colour")
        if colour is not None and not _HEX_COLOUR.match(str(colour)):
            log.add(
                getattr(colour, "loc", key_loc),
                f"colour of '{faction_id}' must be a quoted hex colour like \"#cc0000\", "
                f"not '{colour}'",
            )
            continue
        if "name" in fields and colour is not None:
            factions[faction_id] = Faction(
                faction_id,
                str(fields["name"]),
                str(colour).lower(),
                str(fields.get("short", fields["name"])),
                key_loc,
            )
    return factions


def _snapshots(
    mapping: YMap, base: Path, citations: dict[str, Citation], log: ProblemLog
) -> list[Snapshot]:
    if "snapshots" not in mapping:
        return []
    value = mapping["snapshots"]
    listed = isinstance(value, list)
    names = expect_text_list(value, log, mapping.key_loc("snapshots"), "'snapshots'")
    paths: list[Path] = []
    for name in names:
        candidate = base / name
        if (not listed and candidate.is_dir()) or candidate.is_dir():
            paths.extend(snapshot_files(candidate))
        elif candidate.is_file():
            paths.append(candidate)
        else:
            log.add(getattr(name, "loc", mapping.loc), f"snapshot file or folder not found: {name}")
    snapshots: list[Snapshot] = []
    seen: dict[date, Snapshot] = {}
    for snapshot_path in paths:
        try:
            parsed = load_snapshot(snapshot_path)
        except InputError as error:
            log.extend(error)
            continue
        snapshot = parsed.snapshot
        for source_id, citation in parsed.citations.items():
            if source_id in citations and citations[source_id] != citation:
                log.add(
                    citation.location,
                    f"source '{source_id}' is already defined differently at "
                    f"{citations[source_id].location}",
                )
            citations.setdefault(source_id, citation)
        if snapshot.date in seen:
            log.add(
                snapshot.location,
                f"a second snapshot for {snapshot.date.isoformat()} "
                f"(the first is {seen[snapshot.date].path})",
            )
            continue
        if snapshots and snapshot.date < snapshots[-1].date:
            log.add(
                snapshot.location,
                f"snapshot out of order: {snapshot.date.isoformat()} comes after "
                f"{snapshots[-1].date.isoformat()} ({snapshots[-1].path})",
            )
        seen[snapshot.date] = snapshot
        snapshots.append(snapshot)
    return sorted(snapshots, key=lambda s: s.date)


def _alias_index(places: dict[str, Place]) -> dict[str, str]:
    """Kebab-cased names and aliases -> place id, for suggestions."""
    index: dict[str, str] = {}
    for place in places.values():
        for name in (place.name, *place.aliases):
            key = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            index.setdefault(key, place.id)
    return index


def _cross_check(
    snapshots: list[Snapshot],
    factions: dict[str, Faction],
    places: dict[str, Place],
    citations: dict[str, Citation],
    log: ProblemLog,
) -> None:
    aliases = _alias_index(places) if places else {}
    for snapshot in snapshots:
        for assertion in snapshot.assertions:
            where = assertion.location
            if places and assertion.place_id not in places:
                hint = ""
                if assertion.place_id in aliases:
                    hint = f" (did you mean '{aliases[assertion.place_id]}'?)"
                else:
                    hint = did_you_mean(assertion.place_id, list(places) + list(aliases))
                    match = re.search(r"'(.+)'", hint)
                    if match and match.group(1) in aliases:
                        hint = f" (did you mean '{aliases[match.group(1)]}'?)"
                log.add(where, f"unknown place '{assertion.place_id}'{hint}")
            for role, faction_id in (("holder", assertion.holder), ("by", assertion.by)):
                if faction_id is not None and faction_id not in factions:
                    log.add(
                        where,
                        f"unknown faction '{faction_id}' as {role} of '{assertion.place_id}'"
                        f"{did_you_mean(faction_id, factions)}",
                    )
            if not assertion.sources:
                log.add(where, f"missing source for '{assertion.place_id}'")
            for source_id in assertion.sources:
                if source_id not in citations:
                    log.add(
                        where,
                        f"unknown source '{source_id}'{did_you_mean(source_id, citations)}",
                    )


def _extent(mapping: YMap, log: ProblemLog) -> tuple[float, float, float, float]:
    value = mapping.get("extent_lonlat")
    if value is None:
        return (34.0, 29.0, 49.0, 38.5)
    where = mapping.value_loc("extent_lonlat")
    try:
        west, south, east, north = (float(v) for v in value)
    except (TypeError, ValueError):
        log.add(where, "extent_lonlat must be [west, south, east, north] in degrees")
        return (34.0, 29.0, 49.0, 38.5)
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        log.add(where, "extent_lonlat must satisfy west < east and south < north, in degrees")
    return (west, south, east, north)
