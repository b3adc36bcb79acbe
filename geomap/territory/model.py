"""Areas of control estimated from the places held on a day (pure: shapely, numpy, pyproj).

The snapshots say who held which *places*; a map of *areas* has to be estimated from them.
The estimate here is deliberately simple and says so on every map:

1. Each country is cut into Voronoi cells around the point places that lie in it (by their
   ``country`` code), so a cell never crosses a border and two places of one country split the
   ground between them at the perpendicular bisector.
2. Each cell is limited to a *reach* around its place that depends on the place's kind and rank
   (a big city controls more of its hinterland than a dam), so far desert stays unclear instead of
   being painted for whoever happens to hold the nearest town.
3. A held place gives its cell to its holder; a contested place gives it to a *contested* class
   (holder, attacker) that the renderer hatches and the area table splits in halves; a besieged
   place gives the holder a core (a fraction of the reach) and the besieger the ring around it.
4. A place that is itself an area (kind ``zone`` or ``province`` with a Polygon geometry) and has
   a known holder takes precedence over the cells it covers.

Everything is computed in the map's plane (metres of the scenario projection) on a fixed grid
(:data:`GRID_M`), with sorted inputs and normalised outputs, so the same input always gives the
same polygons (frames of a series never flicker). Areas in km² are measured in an equal-area
projection after going back to longitude/latitude (:func:`area_km2`), not in the conformal plane.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPoint, Point, box

from geomap.domain.model import Place, PlaceState
from geomap.domain.projection import project_geometry, project_xy
from geomap.errors import Location, ProblemLog
from geomap.io.schema import check_keys, did_you_mean, expect_map, type_name
from geomap.scenario.places import KINDS

GRID_M = 10.0
"""Every output vertex lies on this grid (metres): fixed precision keeps frames identical."""

AREA_KINDS = ("zone", "province")
"""Kinds of place that, drawn as polygons, assert an area directly."""

DEFAULT_REACH_KM: dict[str, tuple[float, ...]] = {
    "city": (60.0, 45.0, 35.0),
    "town": (30.0, 25.0, 20.0),
    "village": (10.0,),
    "border-crossing": (15.0,),
    "dam": (15.0,),
    "airbase": (15.0,),
    "oilfield": (15.0,),
    "refinery": (10.0,),
}
"""How far (km) the area of a place reaches, by kind; entry *i* is for rank *i + 1* and the last
entry holds for every higher rank."""

TERRITORY_KEYS = ("reach_km", "default_reach_km", "besieged_core")
_DISC_SEGMENTS = 16  # quarter-circle segments of a reach disc (64-gon)


@dataclass(frozen=True)
class TerritoryRules:
    """The knobs of the estimate, read from the scenario's optional ``territory:`` section."""

    reach_km: Mapping[str, tuple[float, ...]] = field(
        default_factory=lambda: dict(DEFAULT_REACH_KM)
    )
    default_reach_km: float = 15.0
    besieged_core: float = 1 / 3

    def reach_m(self, kind: str, rank: int) -> float:
        """The reach of a place of ``kind`` and ``rank``, in metres."""
        values = self.reach_km.get(kind)
        if not values:
            return self.default_reach_km * 1000.0
        return values[min(max(rank, 1), len(values)) - 1] * 1000.0


def territory_rules(value: Any, log: ProblemLog, fallback: Location | None) -> TerritoryRules:
    """Rules from a scenario's ``territory:`` mapping (None gives the defaults); problems go to
    ``log`` with their locations."""
    rules = TerritoryRules()
    if value is None:
        return rules
    mapping = expect_map(value, log, fallback, "'territory'")
    if mapping is None:
        return rules
    check_keys(mapping, TERRITORY_KEYS, log, "territory")
    reach = dict(rules.reach_km)
    default_reach = rules.default_reach_km
    core = rules.besieged_core
    if "reach_km" in mapping:
        where = _loc(mapping, "reach_km", fallback)
        entries = expect_map(mapping["reach_km"], log, where, "'territory.reach_km'")
        for kind, raw in (entries or {}).items():
            kind_loc = _loc(entries, kind, where)
            if kind not in KINDS:
                log.add(
                    kind_loc,
                    f"unknown kind '{kind}' in territory.reach_km{did_you_mean(kind, KINDS)}",
                )
                continue
            items = raw if isinstance(raw, list) else [raw]
            numbers = _positive_numbers(items, log, getattr(raw, "loc", kind_loc), kind)
            if numbers:
                reach[kind] = tuple(numbers)
    if "default_reach_km" in mapping:
        raw = mapping["default_reach_km"]
        numbers = _positive_numbers(
            [raw], log, getattr(raw, "loc", _loc(mapping, "default_reach_km", fallback)), "default"
        )
        if numbers:
            default_reach = numbers[0]
    if "besieged_core" in mapping:
        raw = mapping["besieged_core"]
        where = getattr(raw, "loc", _loc(mapping, "besieged_core", fallback))
        try:
            core = float(raw)
        except (TypeError, ValueError):
            log.add(where, f"territory.besieged_core must be a number, not {type_name(raw)}")
        else:
            if not 0 < core < 1:
                log.add(
                    where, "territory.besieged_core must be between 0 and 1 (a share of the reach)"
                )
                core = rules.besieged_core
    return TerritoryRules(reach, default_reach, core)


def _loc(mapping: Any, key: str, fallback: Location | None) -> Location | None:
    return mapping.key_loc(key) if hasattr(mapping, "key_loc") else fallback


def _positive_numbers(items: list, log: ProblemLog, where, kind: str) -> list[float]:
    try:
        numbers = [float(item) for item in items]
    except (TypeError, ValueError):
        log.add(where, f"reach of '{kind}' must be a number of km or a list of them (by rank)")
        return []
    if not numbers or any(not np.isfinite(n) or n <= 0 for n in numbers):
        log.add(where, f"reach of '{kind}' must be positive km")
        return []
    return numbers


@dataclass(frozen=True)
class Territory:
    """Estimated areas of control on one day, in map metres; no two geometries overlap.

    ``held`` maps a faction to the ground it holds; ``contested`` maps (holder, attacker) to
    ground around contested places.
    """

    held: dict[str, Any]
    contested: dict[tuple[str, str], Any]

    @property
    def factions(self) -> list[str]:
        """Every faction with some area, held or contested, sorted."""
        present = set(self.held)
        for holder, by in self.contested:
            present.update((holder, by))
        return sorted(present)

    def geometries(self) -> list[tuple[str, Any]]:
        """(key, geometry) for every class, held first: ``isis`` or ``contested:isis:sdf``."""
        items = [(faction, geometry) for faction, geometry in sorted(self.held.items())]
        items += [
            (f"contested:{holder}:{by}", geometry)
            for (holder, by), geometry in sorted(self.contested.items())
        ]
        return items


@dataclass(frozen=True)
class _Seed:
    """A point place with its cell, precomputed once per model."""

    place_id: str
    piece: Any  # cell ∩ country ∩ reach disc
    core: Any  # piece ∩ besieged core disc
    ring: Any  # piece − core


@dataclass(frozen=True)
class _Zone:
    place_id: str
    geometry: Any


class TerritoryModel:
    """The places of a scenario cut into cells once; :meth:`estimate` assigns them for a day.

    ``countries`` maps a country code (as in each place's ``country``) to its outline in map
    metres. Places whose country is not among them are left out (listed in ``outside``); with no
    countries at all, every place is tessellated together and limited by its reach only.
    """

    def __init__(
        self,
        places: Mapping[str, Place],
        countries: Mapping[str, Any] | None,
        projection: str,
        rules: TerritoryRules | None = None,
        equal_area: str | None = None,
    ):
        self.places = places
        self.projection = projection
        self.rules = rules or TerritoryRules()
        self.equal_area = equal_area or equal_area_crs(_lonlat_bounds(places.values()))
        outlines = {
            code: _polygonal(shapely.set_precision(shapely.make_valid(geometry), GRID_M))
            for code, geometry in sorted((countries or {}).items())
        }
        self.countries = outlines
        outside: list[str] = []
        zones: list[_Zone] = []
        groups: dict[str | None, list[Place]] = {}
        for place in sorted(places.values(), key=lambda p: p.id):
            if outlines and place.country not in outlines:
                outside.append(place.id)
                continue
            if place.kind in AREA_KINDS and place.geometry.geom_type in (
                "Polygon",
                "MultiPolygon",
            ):
                zones.append(_Zone(place.id, self._zone_geometry(place)))
                continue
            groups.setdefault(place.country if outlines else None, []).append(place)
        zones.sort(key=lambda z: (places[z.place_id].rank, z.place_id))
        self._zones = tuple(z for z in zones if not z.geometry.is_empty)
        self.outside = tuple(outside)
        cells: list[tuple[str, Point, float, Any]] = []
        for code in sorted(groups, key=lambda c: c or ""):
            cells.extend(self._cells(groups[code], outlines.get(code) if code else None))
        self._seeds = tuple(self._seed(*cell) for cell in _disjoint(sorted(cells)))

    # ------------------------------------------------------------------ set-up
    def _zone_geometry(self, place: Place):
        # Densify first: an edge straight in lon/lat is curved in the map's plane.
        projected = project_geometry(self.projection, shapely.segmentize(place.geometry, 0.05))
        zone = shapely.set_precision(shapely.make_valid(projected), GRID_M)
        if self.countries:
            outline = self.countries.get(place.country)
            if outline is None:
                return shapely.Polygon()
            zone = shapely.intersection(zone, outline, grid_size=GRID_M)
        return _polygonal(zone)

    def _cells(self, places: list[Place], outline) -> list[tuple[str, Point, float, Any]]:
        """(place id, centre, reach, cell ∩ reach disc ∩ country) for each distinct position."""
        lon = [p.lonlat[0] for p in places]
        lat = [p.lonlat[1] for p in places]
        x, y = project_xy(self.projection, lon, lat)
        x = np.round(x / GRID_M) * GRID_M
        y = np.round(y / GRID_M) * GRID_M
        # One cell per distinct position; places sharing one go by rank, then id.
        owners: dict[tuple[float, float], Place] = {}
        for place, px, py in zip(places, x, y, strict=True):
            key = (float(px), float(py))
            if key not in owners or (place.rank, place.id) < (owners[key].rank, owners[key].id):
                owners[key] = place
        positions = sorted(owners)
        reaches = [self.rules.reach_m(owners[p].kind, owners[p].rank) for p in positions]
        xs = np.array([p[0] for p in positions])
        ys = np.array([p[1] for p in positions])
        margin = max(reaches) * 2
        envelope = box(xs.min() - margin, ys.min() - margin, xs.max() + margin, ys.max() + margin)
        if outline is not None:
            envelope = shapely.union(envelope, shapely.envelope(outline).buffer(margin))
        diagram = shapely.voronoi_polygons(MultiPoint(positions), extend_to=envelope, ordered=True)
        cells = list(shapely.get_parts(diagram))
        pieces = []
        for position, reach, cell in zip(positions, reaches, cells, strict=True):
            centre = Point(position)
            cell = shapely.set_precision(cell, GRID_M)
            disc = shapely.set_precision(
                shapely.buffer(centre, reach, quad_segs=_DISC_SEGMENTS), GRID_M
            )
            piece = shapely.intersection(cell, disc, grid_size=GRID_M)
            if outline is not None:
                piece = shapely.intersection(piece, outline, grid_size=GRID_M)
            pieces.append((owners[position].id, centre, reach, _polygonal(piece)))
        return pieces

    def _seed(self, place_id: str, centre: Point, reach: float, piece) -> _Seed:
        """A cell with its besieged core and ring (split once, so they fit exactly)."""
        core_disc = shapely.set_precision(
            shapely.buffer(centre, reach * self.rules.besieged_core, quad_segs=_DISC_SEGMENTS),
            GRID_M,
        )
        core = _polygonal(shapely.intersection(piece, core_disc, grid_size=GRID_M))
        ring = _polygonal(shapely.difference(piece, core, grid_size=GRID_M))
        return _Seed(place_id, piece, core, ring)

    # ------------------------------------------------------------------ per day
    def estimate(self, states: Mapping[str, PlaceState]) -> Territory:
        """The areas of control implied by ``states`` (place id -> state on one day)."""
        held: dict[str, list] = {}
        contested: dict[tuple[str, str], list] = {}

        def give(state: PlaceState, whole, core=None, ring=None) -> None:
            if state.status == "contested" and state.by and state.by != state.holder:
                contested.setdefault((state.holder, state.by), []).append(whole)
            elif state.status == "besieged" and state.by and core is not None:
                held.setdefault(state.holder, []).append(core)
                held.setdefault(state.by, []).append(ring)
            else:
                held.setdefault(state.holder, []).append(whole)

        for seed in self._seeds:
            state = states.get(seed.place_id)
            if state is not None and state.known and not seed.piece.is_empty:
                give(state, seed.piece, seed.core, seed.ring)
        zone_held: dict[str, list] = {}
        zone_contested: dict[tuple[str, str], list] = {}
        claimed = shapely.Polygon()
        for zone in self._zones:
            state = states.get(zone.place_id)
            if state is None or not state.known:
                continue
            geometry = shapely.difference(zone.geometry, claimed, grid_size=GRID_M)
            claimed = shapely.union(claimed, zone.geometry, grid_size=GRID_M)
            if state.status == "contested" and state.by and state.by != state.holder:
                zone_contested.setdefault((state.holder, state.by), []).append(geometry)
            else:  # a besieged zone stays its holder's: the siege ring is not in the data
                zone_held.setdefault(state.holder, []).append(geometry)

        classes: list[tuple[Any, Any]] = []
        for key in sorted(set(held) | set(zone_held)):
            classes.append((key, self._merge(held.get(key, []), zone_held.get(key, []), claimed)))
        for key in sorted(set(contested) | set(zone_contested)):
            parts = self._merge(contested.get(key, []), zone_contested.get(key, []), claimed)
            classes.append((key, parts))
        result_held: dict[str, Any] = {}
        result_contested: dict[tuple[str, str], Any] = {}
        for key, geometry in zip(
            [key for key, _ in classes], self._disjoint_cached([g for _, g in classes]), strict=True
        ):
            if geometry.is_empty or geometry.area < GRID_M * GRID_M:
                continue
            if isinstance(key, tuple):
                result_contested[key] = geometry
            else:
                result_held[key] = geometry
        return Territory(result_held, result_contested)

    def _merge(self, cells: list, zones: list, claimed):
        merged = self._union_of_cells(cells)
        if not claimed.is_empty and not merged.is_empty:
            merged = shapely.difference(merged, claimed, grid_size=GRID_M)
        if zones:
            merged = shapely.union_all([merged, *zones], grid_size=GRID_M)
        return _polygonal(merged)

    def _disjoint_cached(self, geometries: list) -> list:
        """:func:`_disjoint_geometries` then normalised, remembered by its inputs: the unions are
        cached, so an unchanged set of classes gives the very same input objects."""
        cache = self.__dict__.setdefault("_disjoint", {})
        key = tuple(id(g) for g in geometries)
        if key not in cache:
            if len(cache) >= 256:
                cache.clear()
            cache[key] = (
                list(geometries),  # keeps the inputs alive, so their ids stay unique
                [shapely.normalize(g) for g in _disjoint_geometries(geometries)],
            )
        return cache[key][1]

    def _union_of_cells(self, cells: list):
        """The union of ``cells``, remembered: from one frame of a series to the next most
        factions hold the same cells, and the union is the costly step of an estimate."""
        if not cells:
            return shapely.Polygon()
        cache = self.__dict__.setdefault("_unions", {})
        key = tuple(sorted(id(cell) for cell in cells))
        if key not in cache:
            if len(cache) >= 512:
                cache.clear()
            cache[key] = shapely.union_all(cells, grid_size=GRID_M)
        return cache[key]

    # ------------------------------------------------------------------ areas
    def areas_km2(self, territory: Territory) -> dict[str, FactionArea]:
        """Held and contested km² of every faction present, measured in ``self.equal_area``."""
        return faction_areas(territory, self.projection, self.equal_area)


@dataclass(frozen=True)
class FactionArea:
    """Ground of one faction on one day; contested ground counts half towards ``area_km2``."""

    faction: str
    held_km2: float
    contested_km2: float

    @property
    def area_km2(self) -> float:
        return self.held_km2 + self.contested_km2 / 2


def faction_areas(territory: Territory, projection: str, equal_area: str) -> dict[str, FactionArea]:
    """Held and contested km² per faction (contested ground counts for both sides)."""
    held = {f: area_km2(g, projection, equal_area) for f, g in territory.held.items()}
    contested: dict[str, float] = {}
    for (holder, by), geometry in territory.contested.items():
        km2 = area_km2(geometry, projection, equal_area)
        for faction in (holder, by):
            contested[faction] = contested.get(faction, 0.0) + km2
    return {
        faction: FactionArea(faction, held.get(faction, 0.0), contested.get(faction, 0.0))
        for faction in territory.factions
    }


def equal_area_crs(extent_lonlat: tuple[float, float, float, float]) -> str:
    """A Lambert azimuthal equal-area projection centred on ``extent_lonlat``."""
    west, south, east, north = extent_lonlat
    return (
        f"+proj=laea +lat_0={(south + north) / 2:.4f} +lon_0={(west + east) / 2:.4f} "
        "+datum=WGS84 +units=m +no_defs"
    )


@lru_cache(maxsize=8)
def _transformers(projection: str, equal_area: str):
    from pyproj import Transformer

    return (
        Transformer.from_crs(projection, "EPSG:4326", always_xy=True),
        Transformer.from_crs("EPSG:4326", equal_area, always_xy=True),
    )


def to_lonlat(geometry, projection: str, densify_m: float = 2000.0):
    """A geometry from the map's plane back to longitude/latitude, its straight edges densified
    first (a straight edge in the plane is a curve in any other projection)."""
    to_geographic, _ = _transformers(projection, "EPSG:4326")
    return _transform(shapely.segmentize(geometry, densify_m), to_geographic)


def area_km2(geometry, projection: str, equal_area: str, densify_m: float = 2000.0) -> float:
    """The area of a geometry given in map metres, measured in ``equal_area`` via lon/lat."""
    if geometry is None or geometry.is_empty:
        return 0.0
    to_geographic, to_equal_area = _transformers(projection, equal_area)
    lonlat = _transform(shapely.segmentize(geometry, densify_m), to_geographic)
    return float(_transform(lonlat, to_equal_area).area) / 1e6


def _transform(geometry, transformer):
    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, apply)


def _disjoint_geometries(geometries: list) -> list:
    """The geometries, each less whatever earlier ones already cover.

    Overlay on a fixed grid rounds every new vertex, so two pieces that meet along an edge can
    overlap by a sliver (up to ~0.1 km² on real outlines); earlier pieces keep such slivers.
    Only pairs whose interiors meet are cut, so the common case costs a predicate per pair.
    """
    result: list = []
    tree_bounds = [g.bounds if not g.is_empty else None for g in geometries]
    for index, geometry in enumerate(geometries):
        if not geometry.is_empty:
            x0, y0, x1, y1 = tree_bounds[index]
            for earlier, bounds in zip(result, tree_bounds[:index], strict=True):
                if (
                    bounds is None
                    or bounds[0] > x1
                    or bounds[2] < x0
                    or bounds[1] > y1
                    or bounds[3] < y0
                    or not shapely.relate_pattern(geometry, earlier, "T********")
                ):
                    continue
                geometry = _polygonal(shapely.difference(geometry, earlier, grid_size=GRID_M))
                if geometry.is_empty:
                    break
        result.append(geometry)
    return result


def _disjoint(cells: list[tuple[str, Point, float, Any]]) -> list[tuple[str, Point, float, Any]]:
    """Cells (place id, centre, reach, piece) made pairwise disjoint, in the order given."""
    pieces = _disjoint_geometries([cell[3] for cell in cells])
    return [(*cell[:3], piece) for cell, piece in zip(cells, pieces, strict=True)]


def _polygonal(geometry):
    """Only the polygons of a geometry (overlays may leave stray lines or points)."""
    if geometry is None or geometry.is_empty:
        return shapely.Polygon()
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [
        part
        for part in shapely.get_parts(geometry)
        if part.geom_type in ("Polygon", "MultiPolygon") and not part.is_empty
    ]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts, grid_size=GRID_M)


def _lonlat_bounds(places: Iterable[Place]) -> tuple[float, float, float, float]:
    points = [p.lonlat for p in places]
    if not points:
        return (-1.0, -1.0, 1.0, 1.0)
    lons, lats = zip(*points, strict=True)
    return (min(lons), min(lats), max(lons), max(lats))
