"""A scenario ties factions, places, sources, snapshots, basemap and style together."""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geomap
from geomap.domain.frame import centred_projection, fitted_extent
from geomap.domain.model import Citation, Faction, Place, Snapshot
from geomap.domain.timeline import Timeline
from geomap.errors import InputError, Location, ProblemLog
from geomap.io.schema import (
    check_keys,
    did_you_mean,
    expect_map,
    expect_text,
    expect_text_list,
    location_of,
)
from geomap.io.yamlfile import YMap, load_yaml
from geomap.scenario.basemap import NO_FIELDS, LayerFields, layer_ids
from geomap.scenario.checks import (
    Country,
    CountryIds,
    country_id_problems,
    country_problems,
    extent_problems,
)
from geomap.scenario.citations import load_citations
from geomap.scenario.milestones import Milestone, PublishedFigure, load_figures, load_milestones
from geomap.scenario.places import load_places
from geomap.scenario.resources import default_scenario_path
from geomap.scenario.settings import (
    extent_of,
    factions_of,
    optional_text,
    projection_of,
)
from geomap.scenario.snapshots import read_snapshot, snapshot_files
from geomap.territory.rules import TerritoryRules, territory_rules

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
    "milestones",  # optional: a milestones file (geomap.scenario.milestones)
    "figures",  # optional: published figures charts compare with (geomap.scenario.milestones)
    "territory",  # optional: rules of the area estimate (geomap.territory.model)
)
BASEMAP_LAYERS = ("countries", "provinces", "rivers", "lakes", "settlements")
# A scenario without extent_lonlat/projection gets a frame fitted to its focus countries and
# places (geomap.domain.frame); these only stand in while another problem is being reported.
FALLBACK_EXTENT = (34.0, 29.0, 49.0, 38.5)


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
    figures: tuple[PublishedFigure, ...] = ()  # published figures (the milestones file)
    territory: TerritoryRules = field(default_factory=TerritoryRules)
    files: tuple[Path, ...] = ()
    """Every file the scenario was read from (its contents identify a project: see
    :mod:`geomap.scenario.project`)."""
    basemap_fields: dict = field(default_factory=dict)  # layer -> LayerFields (field mapping)


def resolve_scenario_path(path: str | os.PathLike[str] | None) -> Path:
    return Path(path) if path is not None else default_scenario_path()


def load_scenario(
    path: str | os.PathLike[str] | None = None, *, check_everything: bool = False
) -> Scenario:
    """Load and check a whole scenario; every problem in every file is raised together.

    A scenario parsed before from files of the same content comes from the cache
    (:mod:`geomap.scenario.cache`).
    """
    from geomap.scenario.cache import load_cached

    # a scenario read back from the cache is as many objects as a parsed one
    with collector_paused():
        return load_cached(resolve_scenario_path(path), check_everything, parse_scenario)


def parse_scenario(
    path: str | os.PathLike[str] | None = None, *, check_everything: bool = False
) -> Scenario:
    """Load and check a whole scenario; every problem in every file is raised together.

    ``check_everything`` also reads the style and every basemap layer (what ``geomap validate``
    does), so their problems are reported in the same list.
    """
    with collector_paused():
        return _parse_scenario(path, check_everything)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a scenario is parsed, restored after (even on an
    error). Parsing makes hundreds of thousands of small objects that all stay alive (every
    value of every file, with its location); the collector would walk them again and again as
    they pile up (a third of the parsing time with 1,000 snapshot files), to free nothing."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if geomap.COMMAND_LINE:
            # the scenario stays until the process ends (a command ends it at once, with
            # os._exit): everything alive now is set aside for good, so that the collections of
            # the drawing to come never walk it again (1.4 of a 5,000-place map's 7 s were
            # those walks); garbage set aside with it is never freed, which a command can afford
            gc.freeze()
        gc.enable()


def _parse_scenario(path: str | os.PathLike[str] | None, check_everything: bool) -> Scenario:
    path = resolve_scenario_path(path)
    log = ProblemLog()
    document = load_yaml(path, log)
    where = Location(Location.of_file(path).path, 1, 1)
    mapping = expect_map(document, log, where, "a scenario")
    if mapping is None:
        log.raise_if_any()
    check_keys(
        mapping,
        SCENARIO_KEYS,
        log,
        "scenario",
        required=("title", "factions", "places", "snapshots"),
    )
    base = path.parent
    read_files = [path]

    def relative(value: Any, what: str) -> Path | None:
        text = expect_text(value, log, mapping.loc, what)
        return (base / text) if text else None

    def existing_file(value: Any, what: str) -> Path | None:
        """A file the scenario names; a missing one is reported where it is named."""
        file_path = relative(value, f"'{what}'")
        if file_path is None:
            return None
        if file_path.is_dir():
            log.add(location_of(value, mapping.loc), f"{what} file is a folder: {value}")
            return None
        if not file_path.is_file():
            log.add(location_of(value, mapping.loc), f"{what} file not found: {value}")
            return None
        read_files.append(file_path)
        return file_path

    title = ""
    if "title" in mapping:
        title = (
            expect_text(mapping["title"], log, mapping.key_loc("title"), "title") or ""
        ).strip()
    factions, faction_ids = factions_of(mapping.get("factions"), mapping, log)

    places: dict[str, Place] = {}
    places_loaded = False
    if "places" in mapping:
        entries = mapping["places"]
        entries = entries if isinstance(entries, list) else [entries]
        place_fields: dict[Path, dict[str, str]] = {}
        paths: list[Path | None] = []
        for entry in entries if any(isinstance(e, dict) for e in entries) else [mapping["places"]]:
            if isinstance(entry, dict):  # {path: my.shp, id: ID, name: NAME, ...}
                value, fields = _place_fields(entry, log)
                path_ = existing_file(value, "places") if value is not None else None
                paths.append(path_)
                if path_ is not None:
                    place_fields[path_] = fields
                continue
            files = expect_text_list(entry, log, mapping.key_loc("places"), "'places'")
            if not files and isinstance(entry, str):
                log.add(mapping.value_loc("places"), "'places' names no file")
            paths += [existing_file(name, "places") for name in files]
        try:
            places = load_places([p for p in paths if p is not None], place_fields)
            places_loaded = bool(paths) and None not in paths
        except InputError as error:
            log.extend(error)

    citations: dict[str, Citation] = {}
    sources_loaded = True
    if "sources" in mapping:
        sources_path = existing_file(mapping["sources"], "sources")
        sources_loaded = sources_path is not None
        if sources_path is not None:
            try:
                citations = load_citations(sources_path)
            except InputError as error:
                log.extend(error)
                sources_loaded = False

    snapshots = _snapshots(mapping, base, citations, log, read_files)

    basemap: dict[str, Path] = {}
    basemap_fields: dict[str, LayerFields] = {}
    basemap_at: dict[str, Location] = {}
    if "basemap" in mapping:
        layers = expect_map(mapping["basemap"], log, mapping.key_loc("basemap"), "'basemap'")
        if layers is not None:
            check_keys(layers, BASEMAP_LAYERS, log, "basemap")
            for name, value in layers.items():
                if name not in BASEMAP_LAYERS:
                    continue
                basemap_at[name] = layers.key_loc(name)
                if isinstance(value, dict):
                    value, basemap_fields[name] = _layer_fields(name, value, layers, log)
                layer_path = existing_file(value, "basemap layer") if value is not None else None
                if layer_path is not None:
                    basemap[name] = layer_path

    given_extent = extent_of(mapping, log)
    focus = tuple(
        expect_text_list(mapping.get("focus_countries", []), log, mapping.loc, "focus_countries")
    )
    style_path = existing_file(mapping["style"], "style") if "style" in mapping else None
    countries: list[Country] = []
    if given_extent is None or check_everything:
        countries = _countries_lonlat(basemap.get("countries"), basemap_fields.get("countries"))
    extent = _fitted_frame(given_extent, focus, countries, places)
    if extent is None:
        if "extent_lonlat" not in mapping and places_loaded:
            log.add(
                where,
                "the scenario names no extent_lonlat and has no places or focus_countries "
                "to fit the map to",
            )
        extent = FALLBACK_EXTENT
    projection = projection_of(mapping, log) or centred_projection(extent)
    if given_extent is not None and places_loaded:
        extent_at = mapping.value_loc("extent_lonlat")
        problems = extent_problems(list(places.values()), given_extent, extent_at)
        if (len(problems) == 1 and problems[0].location == extent_at) or check_everything:
            for problem in problems:
                log.add(problem.location, problem.message)
    if check_everything and places_loaded:
        for problem in country_problems(places.values(), countries):
            log.add(problem.location, problem.message)
    if "countries" in basemap:
        _check_country_ids(
            basemap["countries"],
            basemap_fields.get("countries", NO_FIELDS),
            basemap_at["countries"],
            places.values() if places_loaded else (),
            focus,
            mapping.value_loc("focus_countries") if "focus_countries" in mapping else where,
            log,
        )
    attribution = optional_text(mapping, "attribution", log)

    _cross_check(
        snapshots,
        factions,
        places if places_loaded else None,
        citations if sources_loaded else None,
        faction_ids,
        log,
    )
    milestones: tuple[Milestone, ...] = ()
    figures: tuple[PublishedFigure, ...] = ()
    milestones_path = (
        existing_file(mapping["milestones"], "milestones") if "milestones" in mapping else None
    )
    if milestones_path is not None:
        try:
            milestones = load_milestones(milestones_path, citations)
        except InputError as error:
            log.extend(error)
    if "figures" in mapping:
        figures_path = existing_file(mapping["figures"], "figures")
        if figures_path is not None:
            try:
                figures = load_figures(figures_path, citations)
            except InputError as error:
                log.extend(error)
    territory = territory_rules(mapping.get("territory"), log, mapping.key_loc("territory"))
    if check_everything:
        _check_style_and_basemap(style_path, basemap, projection, log, basemap_fields)
    timeline = Timeline.from_snapshots(snapshots) if snapshots else None
    if not snapshots and "snapshots" in mapping and not log:
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
        projection=projection,
        style_path=style_path,
        attribution=attribution,
        milestones=milestones,
        figures=figures,
        territory=territory,
        files=tuple(read_files),
        basemap_fields=basemap_fields,
    )


def _check_country_ids(path, fields, layer_at, places, focus, focus_at, log: ProblemLog) -> None:
    """Loud errors for ids of the countries layer that match nothing (on every load: a mismatch
    draws a map without its shading in silence)."""
    try:
        found = layer_ids(path, fields)
    except InputError as error:
        log.extend(error)
        return
    if found is None:
        return
    ids, present = found
    layer = CountryIds(ids, present, fields.id_field, path, layer_at)
    for problem in country_id_problems(places, focus, layer, focus_at):
        log.add(problem.location, problem.message)


LAYER_FIELD_KEYS = ("path", "id", "name", "population", "layer")
PLACE_FIELD_KEYS = ("path", "layer", "id", "name", "aliases", "kind", "country", "rank")


def _place_fields(entry: YMap, log: ProblemLog) -> tuple[Any, dict[str, str]]:
    """``{path: my.shp, id: ID, country: ISO_A2, ...}``: the places file and, for each of
    geomap's place properties, the field of the file that holds it (and a GeoPackage's layer)."""
    check_keys(entry, PLACE_FIELD_KEYS, log, "places", required=("path",))
    fields = {}
    for key in PLACE_FIELD_KEYS[1:]:
        if key in entry:
            text = expect_text(entry[key], log, entry.key_loc(key), f"'{key}' of places")
            if text:
                fields[key] = text.strip()
    return entry.get("path"), fields


def _layer_fields(name: str, entry: YMap, layers: YMap, log: ProblemLog) -> tuple[Any, LayerFields]:
    """``{path: ne.shp, id: ISO_A2, name: NAME}``: the file and which fields hold what."""
    check_keys(entry, LAYER_FIELD_KEYS, log, f"basemap layer '{name}'", required=("path",))
    texts = {}
    for key in LAYER_FIELD_KEYS[1:]:
        if key in entry:
            text = expect_text(entry[key], log, entry.key_loc(key), f"'{key}' of layer '{name}'")
            texts[key] = text.strip() if text else None
    return entry.get("path"), LayerFields(**texts)


def _check_style_and_basemap(
    style_path, basemap: dict, projection: str, log: ProblemLog, fields: dict
) -> None:
    from geomap.scenario.basemap import load_basemap
    from geomap.scenario.style import load_style

    for check in (
        lambda: load_style(style_path),
        lambda: load_basemap(basemap, projection, fields),
    ):
        try:
            check()
        except InputError as error:
            log.extend(error)


def _snapshots(
    mapping: YMap, base: Path, citations: dict[str, Citation], log: ProblemLog, read: list[Path]
) -> list[Snapshot]:
    """The snapshots the scenario names; the files read are added to ``read``."""
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
    undated: list[Snapshot] = []  # their date could not be read (reported): names still checked
    read.extend(paths)
    for snapshot_path in paths:
        parsed = read_snapshot(snapshot_path, log)
        if parsed is None:
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
        if snapshot.date == date.min:
            undated.append(snapshot)
            continue
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
    return sorted(snapshots, key=lambda s: s.date) + undated


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
    places: dict[str, Place] | None,
    citations: dict[str, Citation] | None,
    faction_ids: set[str] | None,
    log: ProblemLog,
) -> None:
    """Every place, faction and source a snapshot names must exist.

    ``None`` for places, citations or faction ids means that they could not be read (that problem
    is reported already), so names are not checked against them: one broken file gives one
    message, not one per snapshot line.
    """
    aliases = _alias_index(places) if places else {}
    for snapshot in snapshots:
        for assertion in snapshot.assertions:
            where = assertion.location
            if places is not None and assertion.place_id not in places:
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
                if faction_ids is None or faction_id is None or faction_id in faction_ids:
                    continue
                log.add(
                    where,
                    f"unknown faction '{faction_id}' as {role} of '{assertion.place_id}'"
                    f"{did_you_mean(faction_id, faction_ids)}",
                )
            if not assertion.sources:
                log.add(where, f"missing source for '{assertion.place_id}'")
            for source_id in assertion.sources:
                if citations is not None and source_id not in citations:
                    log.add(
                        where,
                        f"unknown source '{source_id}'{did_you_mean(source_id, citations)}",
                    )


def _countries_lonlat(path: Path | None, fields: LayerFields | None = None) -> list[Country]:
    """The countries layer in lon/lat (empty when it cannot be read: that is reported elsewhere)."""
    from geomap.scenario.basemap import read_layer

    if path is None:
        return []
    try:
        found = read_layer(path, "countries", fields or NO_FIELDS)
    except InputError:
        return []
    return [Country(i, n, g) for i, n, g in found]


def _fitted_frame(
    extent, focus: tuple[str, ...], countries: list[Country], places: dict[str, Place]
) -> tuple[float, float, float, float] | None:
    """The scenario's extent, or one fitted to its focus countries and places."""
    if extent is not None:
        return extent
    import shapely

    from geomap.world.layers import main_part

    boxes = [tuple(main_part(c.geometry).bounds) for c in countries if c.id in focus]
    if places:
        boxes.append(tuple(shapely.total_bounds([p.geometry for p in places.values()])))
    return fitted_extent(boxes)
