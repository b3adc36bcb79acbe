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
5. **Baselines fill, explicit zones win.** A place of kind ``province`` with a Polygon geometry
   and a known holder gives it the ground inside the province that rules 2-4 leave unclear (a
   region nobody fought over: southern Iraq, the Kurdistan Region). A place of kind ``zone``
   takes precedence over the cells it covers.

Everything is computed in the map's plane (metres of the scenario projection) on a fixed grid
(:data:`GRID_M`), with sorted inputs and normalised outputs, so the same input always gives the
same polygons (frames of a series never flicker). Areas in km² are measured in an equal-area
projection after going back to longitude/latitude (:func:`area_km2`), not in the conformal plane.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point, box

from geomap.domain.model import Place, PlaceState
from geomap.domain.projection import project_geometry
from geomap.territory.cells import (
    GRID_M,
    UnionCache,
    lattice,
    lonlat_bounds,
    near_misses,
    place_xy,
    polygonal,
    voronoi_cells,
)
from geomap.territory.measure import FactionArea, areas_in, equal_area_crs, people_in
from geomap.territory.rules import TerritoryRules

AREA_KINDS = ("zone", "province")
"""Kinds of place that, drawn as polygons, assert an area directly: a ``zone`` wins over the
cells it covers; a ``province`` is a baseline that fills only the ground the places leave
unclear (a region nobody fought over)."""

_DISC_SEGMENTS = 16  # quarter-circle segments of a besieged core (64-gon)


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
    baseline: bool = False  # a province: fills unclear ground only


def _class_key(state: PlaceState):
    """The class an area in ``state`` belongs to: ``(holder, attacker)`` when contested by
    another side, else the holder (a besieged area stays its holder's)."""
    if state.status == "contested" and state.by and state.by != state.holder:
        return (state.holder, state.by)
    return state.holder


class _Country:
    """The seeds of one country and their Voronoi cells, made once per model."""

    def __init__(self, code, outline, xy: np.ndarray, places: list, reaches: np.ndarray):
        self.code = code
        self.outline = outline
        self.xy = xy  # (n, 2) seed positions; sourced places first
        self.places = places  # place id of each sourced seed (the first len(places) seeds)
        self.reaches = reaches  # reach (m) of each sourced seed
        self.points = shapely.points(xy)
        self.cells = voronoi_cells(xy, outline)
        # Cells that share their edges exactly are unioned as a coverage (30 times faster);
        # checked once, and an overlay union on the grid is used if they do not.
        present = [cell for cell in self.cells if cell is not None and not cell.is_empty]
        self.is_coverage = bool(present) and bool(shapely.coverage_is_valid(np.array(present)))
        # the cells whose unions the grid still changes, kept as the cells themselves: their ids
        # (what the unions look up) are only good in this process, so they are taken when asked
        missed = near_misses(self.cells)
        self.near_miss_cells = tuple(c for c in self.cells if c is not None and id(c) in missed)
        self.pieces: dict[tuple[int, str], Any] = {}  # besieged cores and rings, made on demand

    @property
    def near_misses(self) -> frozenset[int]:
        return frozenset(map(id, self.near_miss_cells))


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
        self._unions = UnionCache()
        self.equal_area = equal_area or equal_area_crs(lonlat_bounds(places.values()))
        outlines = {
            code: polygonal(shapely.set_precision(shapely.make_valid(geometry), GRID_M))
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
                zones.append(_Zone(place.id, self._zone_geometry(place), place.kind == "province"))
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
        xy = [place_xy(self.projection, places)] if places else []
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
        xy = place_xy(self.projection, places) if places else np.zeros((0, 2))
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
        desert = lattice(outline, seeds, self.rules.lattice_km * 1000.0)
        seeds = np.vstack([seeds, desert]) if len(desert) else seeds
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
        return polygonal(zone)

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
            core = polygonal(shapely.intersection(cell, disc, grid_size=GRID_M))
            country.pieces[(index, "core")] = core
            country.pieces[(index, "ring")] = polygonal(
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

        self._fill_baselines(states, held, contested)
        zone_held: dict[str, list] = {}
        zone_contested: dict[tuple[str, str], list] = {}
        claimed = shapely.Polygon()
        for zone in self._zones:
            state = states.get(zone.place_id)
            if zone.baseline or state is None or not state.known:
                continue
            geometry = polygonal(shapely.difference(zone.geometry, claimed, grid_size=GRID_M))
            claimed = polygonal(shapely.union(claimed, zone.geometry, grid_size=GRID_M))
            key = _class_key(state)  # a besieged zone stays its holder's: no ring in the data
            (zone_contested if isinstance(key, tuple) else zone_held).setdefault(key, []).append(
                geometry
            )

        classes: list[tuple[Any, Any]] = []
        for key in sorted(set(held) | set(zone_held)):
            classes.append((key, self._merge(held.get(key, []), zone_held.get(key, []), claimed)))
        for key in sorted(set(contested) | set(zone_contested)):
            parts = self._merge(contested.get(key, []), zone_contested.get(key, []), claimed)
            classes.append((key, parts))
        result_held: dict[str, Any] = {}
        result_contested: dict[tuple[str, str], Any] = {}
        for key, geometry in zip(
            [key for key, _ in classes], self._unions.disjoint([g for _, g in classes]), strict=True
        ):
            if geometry.is_empty or geometry.area < GRID_M * GRID_M:
                continue
            if isinstance(key, tuple):
                result_contested[key] = geometry
            else:
                result_held[key] = geometry
        return Territory(result_held, result_contested)

    def _fill_baselines(self, states: Mapping[str, PlaceState], held: dict, contested: dict):
        """Rule 5a: each province with a known holder adds to ``held`` (or, contested, to
        ``contested``) the ground inside it that no class covers yet; earlier provinces (by
        rank, then id) first."""
        regions = [
            (_class_key(states[zone.place_id]), zone.geometry)
            for zone in self._zones
            if zone.baseline and zone.place_id in states and states[zone.place_id].known
        ]
        if not regions:
            return
        taken = [g for geometries in (*held.values(), *contested.values()) for g in geometries]
        for key, gap in self._unions.gaps(regions, taken):
            (contested if isinstance(key, tuple) else held).setdefault(key, []).append(gap)

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
        exact = country if country.is_coverage else None  # the coverage the cells are in
        held_union = {}
        for key in sorted(set(held) | set(pieces)):
            union = self._unions.union(held.get(key, []), exact)
            if key in pieces:
                union = self._unions.union([union, *pieces[key]])
            held_union[key] = union
        contested_union = {
            key: self._unions.union(cells, exact) for key, cells in sorted(contested.items())
        }
        assigned = [cell for cells in (*held.values(), *contested.values()) for cell in cells]
        covered = self._unions.union(assigned + besieged_cells, exact)
        held_union = self._unions.enclosed(
            country.code, country.outline, held_union, contested_union, covered
        )
        return held_union, contested_union

    def _merge(self, parts: list, zones: list, claimed):
        merged = parts[0] if len(parts) == 1 else self._unions.union(parts)
        if not claimed.is_empty and not merged.is_empty:
            merged = polygonal(shapely.difference(merged, claimed, grid_size=GRID_M))
        if zones:
            merged = polygonal(shapely.union_all([merged, *zones], grid_size=GRID_M))
        return merged

    # ------------------------------------------------------------------ areas and people
    def areas_km2(self, territory: Territory, country: str | None = None) -> dict[str, FactionArea]:
        """Held and contested km² and people of every faction present (see :func:`areas_in`)."""
        return areas_in(self, territory, country)

    def people(self, territory: Territory, country: str | None = None) -> dict:
        """Population of the settlements inside each class (see :func:`people_in`)."""
        return people_in(self, territory, country)
