"""Areas of control estimated from the places held on a day (pure: shapely, numpy, pyproj).

The snapshots say who held which *places*; a map of *areas* has to be estimated from them. The
rule, stated once for every date and every scenario (docs/territory.md argues its numbers):

1. **Seeds.** Each country is cut into Voronoi cells around three kinds of seed: the sourced
   point places, the settlements of the basemap's ``settlements`` layer (GeoNames cities500), and
   a lattice of desert points (every ``lattice_km``) where neither lies within ``lattice_km``.
   The cells cover the country; a cell never crosses a border.
2. **Sourced places** give their own cell to their state: held to the holder, contested to a
   contested class (holder, attacker), besieged to the holder in a core (``besieged_core`` of the
   reach) and to the besieger around it.
3. **Every other seed** follows the sourced places around it. Let A be the side whose nearest
   held place is nearest, and B the next side. Farther than that place's reach from it: unclear.
   B's nearest place at least ``front_ratio`` times as far as A's: A's (it lies behind A's lines).
   Otherwise the seed is on the front: the contested class (A, B), hatched on the map.
4. **Enclosure.** Unclear ground held in on all sides by one side alone (contested fronts and
   country borders aside) is that side's.
5. **Explicit zones win.** A place of kind ``zone`` or ``province`` with a Polygon geometry and a
   known holder takes precedence over the cells it covers.

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

DEFAULT_REACH_KM: dict[str, tuple[float, ...]] = {}
"""How far (km) a sourced place speaks for the ground around it, by kind; entry *i* is for rank
*i + 1* and the last entry holds for every higher rank. Empty: every kind has
``default_reach_km``."""

TERRITORY_KEYS = ("reach_km", "default_reach_km", "besieged_core", "lattice_km", "front_ratio")
_DISC_SEGMENTS = 16  # quarter-circle segments of a besieged core (64-gon)


@dataclass(frozen=True)
class TerritoryRules:
    """The knobs of the estimate, read from the scenario's optional ``territory:`` section."""

    reach_km: Mapping[str, tuple[float, ...]] = field(
        default_factory=lambda: dict(DEFAULT_REACH_KM)
    )
    default_reach_km: float = 40.0
    besieged_core: float = 1 / 3
    lattice_km: float = 15.0
    front_ratio: float = 2.0

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
    lattice, ratio = rules.lattice_km, rules.front_ratio
    for key in ("lattice_km", "front_ratio"):
        if key in mapping:
            raw = mapping[key]
            where = getattr(raw, "loc", _loc(mapping, key, fallback))
            try:
                number = float(raw)
            except (TypeError, ValueError):
                log.add(where, f"territory.{key} must be a number, not {type_name(raw)}")
                continue
            if key == "lattice_km":
                if not 1 <= number <= 1000:
                    log.add(where, "territory.lattice_km must be between 1 and 1000 (km)")
                else:
                    lattice = number
            elif not 1 < number <= 100:
                log.add(where, "territory.front_ratio must be more than 1 (and at most 100)")
            else:
                ratio = number
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
    return TerritoryRules(reach, default_reach, core, lattice, ratio)


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
class Settlement:
    """A populated place of the basemap's ``settlements`` layer, in map metres."""

    id: str
    point: Any  # shapely Point, map metres
    population: int = 0


@dataclass(frozen=True)
class _Zone:
    place_id: str
    geometry: Any


class _Country:
    """The seeds of one country and their Voronoi cells, made once per model."""

    def __init__(self, code, outline, xy: np.ndarray, places: list, reaches: np.ndarray):
        self.code = code
        self.outline = outline
        self.xy = xy  # (n, 2) seed positions; sourced places first
        self.places = places  # place id of each sourced seed (the first len(places) seeds)
        self.reaches = reaches  # reach (m) of each sourced seed
        self.points = shapely.points(xy)
        self.cells = _voronoi_cells(xy, outline)
        # Cells that share their edges exactly are unioned as a coverage (30 times faster);
        # checked once, and an overlay union on the grid is used if they do not.
        present = [cell for cell in self.cells if cell is not None and not cell.is_empty]
        self.is_coverage = bool(present) and bool(shapely.coverage_is_valid(np.array(present)))
        self.pieces: dict[tuple[int, str], Any] = {}  # besieged cores and rings, made on demand


class TerritoryModel:
    """The seeds of a scenario cut into cells once; :meth:`estimate` assigns them for a day.

    ``countries`` maps a country code (as in each place's ``country``) to its outline in map
    metres. Places whose country is not among them are left out (listed in ``outside``); with no
    countries at all, every place is tessellated together inside a frame around them.
    ``settlements`` (map metres) are assigned to the country whose outline holds them.
    """

    def __init__(
        self,
        places: Mapping[str, Place],
        countries: Mapping[str, Any] | None,
        projection: str,
        rules: TerritoryRules | None = None,
        equal_area: str | None = None,
        settlements: Iterable[Settlement] = (),
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

        settled = sorted(settlements, key=lambda s: s.id)
        sx = np.array([s.point.x for s in settled], dtype=float)
        sy = np.array([s.point.y for s in settled], dtype=float)
        self.settlements = tuple(settled)
        self._settlement_country = np.full(len(settled), None, dtype=object)
        self._people = np.array([s.population for s in settled], dtype=float)
        self._settlement_xy = np.column_stack([sx, sy]) if settled else np.zeros((0, 2))

        self._countries: list[_Country] = []
        if outlines:  # only countries with places: elsewhere nothing could be assigned
            frames = {code: outline for code, outline in outlines.items() if code in groups}
        else:
            frames = {None: self._frame(groups.get(None, []), self._settlement_xy)}
        for code, outline in frames.items():
            mine = groups.get(code, [])
            inside = shapely.contains_xy(outline, sx, sy) if settled else np.zeros(0, dtype=bool)
            inside &= np.array([c is None for c in self._settlement_country], dtype=bool)
            self._settlement_country[inside] = code
            if not mine and not inside.any():
                continue
            self._countries.append(self._country(code, outline, mine, self._settlement_xy[inside]))

    # ------------------------------------------------------------------ set-up
    def _frame(self, places: list[Place], extra: np.ndarray):
        """Without countries: a frame around everything, one lattice step beyond it."""
        xy = [_place_xy(self.projection, places)] if places else []
        if len(extra):
            xy.append(extra)
        if not xy:
            return shapely.Polygon()
        every = np.vstack(xy)
        margin = self.rules.reach_m("town", 1) + self.rules.lattice_km * 1000.0
        frame = box(*(every.min(axis=0) - margin), *(every.max(axis=0) + margin))
        return shapely.set_precision(frame, GRID_M)

    def _country(self, code, outline, places: list[Place], settled_xy: np.ndarray) -> _Country:
        """Seeds of one country: sourced places (one per distinct position, by rank then id),
        settlements not on a place, and the desert lattice where neither is near."""
        xy = _place_xy(self.projection, places) if places else np.zeros((0, 2))
        owners: dict[tuple[float, float], Place] = {}
        for place, (px, py) in zip(places, xy, strict=True):
            key = (float(px), float(py))
            if key not in owners or (place.rank, place.id) < (owners[key].rank, owners[key].id):
                owners[key] = place
        positions = sorted(owners)
        seen = set(positions)
        extra = []
        for px, py in np.round(settled_xy / GRID_M) * GRID_M:
            key = (float(px), float(py))
            if key not in seen:
                seen.add(key)
                extra.append(key)
        extra.sort()
        seeds = np.array(positions + extra, dtype=float).reshape(-1, 2)
        lattice = _lattice(outline, seeds, self.rules.lattice_km * 1000.0)
        seeds = np.vstack([seeds, lattice]) if len(lattice) else seeds
        reaches = np.array(
            [self.rules.reach_m(owners[p].kind, owners[p].rank) for p in positions], dtype=float
        )
        return _Country(code, outline, seeds, [owners[p].id for p in positions], reaches)

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

    def _besieged(self, country: _Country, index: int, part: str):
        """The core (``part`` "core") or ring of a besieged place's cell, made once."""
        key = (index, part)
        if key not in country.pieces:
            centre = Point(country.xy[index])
            radius = country.reaches[index] * self.rules.besieged_core
            disc = shapely.set_precision(
                shapely.buffer(centre, radius, quad_segs=_DISC_SEGMENTS), GRID_M
            )
            cell = country.cells[index]
            core = _polygonal(shapely.intersection(cell, disc, grid_size=GRID_M))
            country.pieces[(index, "core")] = core
            country.pieces[(index, "ring")] = _polygonal(
                shapely.difference(cell, core, grid_size=GRID_M)
            )
        return country.pieces[key]

    # ------------------------------------------------------------------ per day
    def estimate(self, states: Mapping[str, PlaceState]) -> Territory:
        """The areas of control implied by ``states`` (place id -> state on one day)."""
        held: dict[str, list] = {}
        contested: dict[tuple[str, str], list] = {}
        for country in self._countries:
            country_held, country_contested = self._estimate_country(country, states)
            for key, geometry in country_held.items():
                held.setdefault(key, []).append(geometry)
            for key, geometry in country_contested.items():
                contested.setdefault(key, []).append(geometry)

        zone_held: dict[str, list] = {}
        zone_contested: dict[tuple[str, str], list] = {}
        claimed = shapely.Polygon()
        for zone in self._zones:
            state = states.get(zone.place_id)
            if state is None or not state.known:
                continue
            geometry = _polygonal(shapely.difference(zone.geometry, claimed, grid_size=GRID_M))
            claimed = _polygonal(shapely.union(claimed, zone.geometry, grid_size=GRID_M))
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

    def _estimate_country(self, country: _Country, states: Mapping[str, PlaceState]):
        """Held and contested ground of one country: cells by rules 2-3, then enclosure."""
        rules = self.rules
        n = len(country.xy)
        held: dict[str, list] = {}
        contested: dict[tuple[str, str], list] = {}
        decided = np.zeros(n, dtype=bool)
        pieces: dict[str, list] = {}
        besieged_cells: list = []
        by_side: dict[str, list[int]] = {}
        for index, place_id in enumerate(country.places):
            state = states.get(place_id)
            if state is None or not state.known:
                continue
            decided[index] = True
            besieged = state.status == "besieged" and state.by and state.by != state.holder
            # the ground around a besieged place is the besieger's
            by_side.setdefault(state.by if besieged else state.holder, []).append(index)
            cell = country.cells[index]
            if state.status == "contested" and state.by and state.by != state.holder:
                contested.setdefault((state.holder, state.by), []).append(cell)
            elif state.status == "besieged" and state.by and state.by != state.holder:
                # cut pieces: not part of the coverage of cells, unioned apart
                pieces.setdefault(state.holder, []).append(self._besieged(country, index, "core"))
                pieces.setdefault(state.by, []).append(self._besieged(country, index, "ring"))
                besieged_cells.append(cell)
            else:
                held.setdefault(state.holder, []).append(cell)
        sides = sorted(by_side)
        undecided = np.flatnonzero(~decided)
        if sides and len(undecided):
            distance = np.full((len(sides), len(undecided)), np.inf)
            reach = np.zeros((len(sides), len(undecided)))
            points = country.points[undecided]
            for row, side in enumerate(sides):
                own = np.array(by_side[side])
                tree = shapely.STRtree(country.points[own])
                (query, found), far = tree.query_nearest(points, return_distance=True)
                # ties: keep the first match of each query point (the lowest seed index)
                first = np.unique(query, return_index=True)[1]
                distance[row, query[first]] = far[first]
                reach[row, query[first]] = country.reaches[own[found[first]]]
            order = np.argsort(distance, axis=0, kind="stable")
            columns = np.arange(len(undecided))
            nearest = order[0]
            near = distance[nearest, columns]
            within = near <= reach[nearest, columns]
            if len(sides) > 1:
                runner_up = order[1]
                second = distance[runner_up, columns]
                behind = second >= rules.front_ratio * near
            else:
                runner_up = nearest
                behind = np.ones(len(undecided), dtype=bool)
            for column in np.flatnonzero(within):
                cell = country.cells[undecided[column]]
                side = sides[nearest[column]]
                if behind[column]:
                    held.setdefault(side, []).append(cell)
                else:
                    contested.setdefault((side, sides[runner_up[column]]), []).append(cell)
        exact = country.is_coverage
        held_union = {}
        for key in sorted(set(held) | set(pieces)):
            union = self._union_of_cells(held.get(key, []), exact)
            if key in pieces:
                union = self._union_of_cells([union, *pieces[key]])
            held_union[key] = union
        contested_union = {
            key: self._union_of_cells(cells, exact) for key, cells in sorted(contested.items())
        }
        assigned = [cell for cells in (*held.values(), *contested.values()) for cell in cells]
        covered = self._union_of_cells(assigned + besieged_cells, exact)
        held_union = self._enclosed(country, held_union, contested_union, covered)
        return held_union, contested_union

    def _enclosed(self, country: _Country, held: dict, contested: dict, covered) -> dict:
        """``held`` plus rule 4: each piece of unclear ground whose edge meets the ground of one
        side only (a contested front counts for both of its sides; the border for none) goes to
        that side. Remembered by its inputs, like the unions."""
        if not held:
            return held
        cache = self.__dict__.setdefault("_enclosures", {})
        key = (country.code, *(id(g) for g in held.values()), *(id(g) for g in contested.values()))
        if key in cache:
            return cache[key][1]
        rest = _polygonal(shapely.difference(country.outline, covered, grid_size=GRID_M))
        gains: dict[str, list] = {}
        # a contested front touching the piece brings both of its sides
        keys = [(side,) for side in sorted(held)] + sorted(contested)
        tree = shapely.STRtree([held[k[0]] if len(k) == 1 else contested[k] for k in keys])
        for part in shapely.get_parts(rest):
            if part.area < GRID_M * GRID_M:
                continue
            touching = {side for i in tree.query(part, predicate="intersects") for side in keys[i]}
            if len(touching) == 1:
                (side,) = touching
                if side in held:
                    gains.setdefault(side, []).append(part)
        result = dict(held)
        for side, parts in gains.items():
            result[side] = _polygonal(shapely.union_all([held[side], *parts], grid_size=GRID_M))
        if len(cache) >= 256:
            cache.clear()
        cache[key] = (list(held.values()) + list(contested.values()), result)
        return result

    def _merge(self, parts: list, zones: list, claimed):
        merged = parts[0] if len(parts) == 1 else self._union_of_cells(parts)
        if not claimed.is_empty and not merged.is_empty:
            merged = _polygonal(shapely.difference(merged, claimed, grid_size=GRID_M))
        if zones:
            merged = _polygonal(shapely.union_all([merged, *zones], grid_size=GRID_M))
        return merged

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
                # twice: a cut on the grid can leave a sliver of a few grid cells behind
                [
                    shapely.normalize(g)
                    for g in _disjoint_geometries(_disjoint_geometries(geometries))
                ],
            )
        return cache[key][1]

    def _union_of_cells(self, cells: list, coverage: bool = False):
        """The union of ``cells`` (polygons only), remembered: from one frame of a series to the
        next most factions hold the same cells, and the union is the costly step of an
        estimate. ``coverage``: the cells are known to share their edges exactly (Voronoi cells
        of one country), so the fast coverage union is exact."""
        cells = [cell for cell in cells if not cell.is_empty]
        if not cells:
            return shapely.Polygon()
        cache = self.__dict__.setdefault("_unions", {})
        key = tuple(sorted(id(cell) for cell in cells))
        if key not in cache:
            if len(cache) >= 512:
                cache.clear()
            if coverage:
                # snapped again: along the country's outline the coverage union can cut a
                # corner by a sliver that the grid puts back
                union = shapely.set_precision(shapely.coverage_union_all(cells), GRID_M)
            else:
                union = shapely.union_all(cells, grid_size=GRID_M)
            cache[key] = (cells, _polygonal(union))
        return cache[key][1]

    # ------------------------------------------------------------------ areas and people
    def areas_km2(self, territory: Territory, country: str | None = None) -> dict[str, FactionArea]:
        """Held and contested km² and people of every faction present, measured in
        ``self.equal_area``; with ``country``, only inside that country's outline."""
        if country is not None:
            outline = self.countries.get(country, shapely.Polygon())
            territory = Territory(
                {
                    k: _polygonal(shapely.intersection(g, outline, grid_size=GRID_M))
                    for k, g in territory.held.items()
                },
                {
                    k: _polygonal(shapely.intersection(g, outline, grid_size=GRID_M))
                    for k, g in territory.contested.items()
                },
            )
        people = self.people(territory, country)
        areas = faction_areas(territory, self.projection, self.equal_area, people)
        if country is not None:  # only the factions with ground or people in that country
            areas = {f: a for f, a in areas.items() if a.held_km2 or a.contested_km2}
        return areas

    def people(self, territory: Territory, country: str | None = None) -> dict:
        """Population of the settlements inside each class (a faction, or (holder, attacker)),
        optionally only the settlements of ``country``."""
        if not len(self._people):
            return {}
        xy = self._settlement_xy
        people = self._people
        if country is not None:
            mask = self._settlement_country == country
            xy, people = xy[mask], people[mask]
        result: dict = {}
        for key, geometry in [*territory.held.items(), *territory.contested.items()]:
            if geometry.is_empty or not len(xy):
                continue
            # a settlement on an edge counts for the class that covers it (intersects)
            inside = shapely.intersects_xy(geometry, xy[:, 0], xy[:, 1])
            if inside.any():
                result[key] = float(people[inside].sum())
        return result


@dataclass(frozen=True)
class FactionArea:
    """Ground and people of one faction on one day; contested ground (and the people on it)
    counts half towards ``area_km2`` (``population``)."""

    faction: str
    held_km2: float
    contested_km2: float
    held_people: float = 0.0
    contested_people: float = 0.0

    @property
    def area_km2(self) -> float:
        return self.held_km2 + self.contested_km2 / 2

    @property
    def population(self) -> float:
        return self.held_people + self.contested_people / 2


def faction_areas(
    territory: Territory, projection: str, equal_area: str, people: Mapping | None = None
) -> dict[str, FactionArea]:
    """Held and contested km² (and people) per faction (contested ground counts for both)."""
    people = people or {}
    held = {f: area_km2(g, projection, equal_area) for f, g in territory.held.items()}
    contested: dict[str, float] = {}
    contested_people: dict[str, float] = {}
    for (holder, by), geometry in territory.contested.items():
        km2 = area_km2(geometry, projection, equal_area)
        for faction in (holder, by):
            contested[faction] = contested.get(faction, 0.0) + km2
            contested_people[faction] = contested_people.get(faction, 0.0) + people.get(
                (holder, by), 0.0
            )
    return {
        faction: FactionArea(
            faction,
            held.get(faction, 0.0),
            contested.get(faction, 0.0),
            people.get(faction, 0.0),
            contested_people.get(faction, 0.0),
        )
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


def _place_xy(projection: str, places: list[Place]) -> np.ndarray:
    """Positions of point places in map metres, on the grid."""
    x, y = project_xy(projection, [p.lonlat[0] for p in places], [p.lonlat[1] for p in places])
    return np.column_stack([np.round(x / GRID_M) * GRID_M, np.round(y / GRID_M) * GRID_M])


def _lattice(outline, seeds: np.ndarray, step: float) -> np.ndarray:
    """Desert seeds: a triangular lattice of spacing ``step`` anchored at the plane's origin (so
    it does not move when places change), its points inside ``outline`` farther than ``step``
    from every seed."""
    if outline.is_empty:
        return np.zeros((0, 2))
    x0, y0, x1, y1 = outline.bounds
    row_step = step * np.sqrt(3) / 2
    rows = np.arange(np.floor(y0 / row_step), np.ceil(y1 / row_step) + 1)
    columns = np.arange(np.floor(x0 / step) - 1, np.ceil(x1 / step) + 1)
    gx, gy = np.meshgrid(columns * step, rows * row_step)
    gx = gx + (rows[:, None] % 2) * step / 2
    grid = np.round(np.column_stack([gx.ravel(), gy.ravel()]) / GRID_M) * GRID_M
    grid = grid[shapely.contains_xy(outline, grid[:, 0], grid[:, 1])]
    if len(seeds) and len(grid):
        tree = shapely.STRtree(shapely.points(seeds))
        _, far = tree.query_nearest(shapely.points(grid), return_distance=True, all_matches=False)
        grid = grid[far > step]
    return grid


def _voronoi_cells(xy: np.ndarray, outline) -> np.ndarray:
    """The Voronoi cell of each position (in order) cut to ``outline``, polygons on the grid."""
    cells = np.empty(len(xy), dtype=object)
    if len(xy) == 0:
        return cells
    if len(xy) == 1:
        cells[0] = outline
        return cells
    x0, y0, x1, y1 = outline.bounds
    size = max(x1 - x0, y1 - y0, float(np.ptp(xy[:, 0])), float(np.ptp(xy[:, 1])), 1.0)
    frame = box(
        min(x0, xy[:, 0].min()) - size,
        min(y0, xy[:, 1].min()) - size,
        max(x1, xy[:, 0].max()) + size,
        max(y1, xy[:, 1].max()) + size,
    )
    diagram = shapely.voronoi_polygons(MultiPoint(xy), extend_to=frame, ordered=True)
    parts = shapely.set_precision(shapely.get_parts(diagram), GRID_M)
    clipped = shapely.intersection(parts, outline, grid_size=GRID_M)
    for index, cell in enumerate(clipped):
        cells[index] = _polygonal(cell)
    return cells


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
