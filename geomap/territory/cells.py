"""Cells and overlays of the territory estimate, in the map's plane (metres), on a fixed grid.

Pure shapely and numpy: Voronoi cells of the seeds cut to a country, the desert lattice, the
polygon-only overlays, and the cache of unions that keeps a series of estimates cheap.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely
from shapely.geometry import MultiPoint, box

from geomap.domain.model import Place
from geomap.domain.projection import project_xy
from geomap.territory.overlay import (
    GRID_M,
    assemble,
    components,
    disjoint_geometries,
    near_pairs,
    parts_of,
    polygonal,
    union_near,
)


def place_xy(projection: str, places: list[Place]) -> np.ndarray:
    """Positions of point places in map metres, on the grid."""
    x, y = project_xy(projection, [p.lonlat[0] for p in places], [p.lonlat[1] for p in places])
    return np.column_stack([np.round(x / GRID_M) * GRID_M, np.round(y / GRID_M) * GRID_M])


def lattice(outline, seeds: np.ndarray, step: float) -> np.ndarray:
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


def voronoi_cells(xy: np.ndarray, outline) -> np.ndarray:
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
    # only the cells that reach the outline's edge are cut (an overlay each); the others
    # are inside it already
    shapely.prepare(outline)
    edge = ~shapely.contains_properly(outline, parts)
    clipped = parts.copy()
    clipped[edge] = shapely.intersection(parts[edge], outline, grid_size=GRID_M)
    for index, cell in enumerate(clipped):
        cells[index] = polygonal(cell)
    return cells


def near_misses(cells) -> frozenset[int]:
    """The ids of the cells with a vertex within a grid cell of a segment that does not end
    there (their own or another cell's), and of the cells with such a segment.

    Snapping a union of cells to the grid changes it only at such near misses (a vertex in the
    pixel of a segment is made a node of it); a union of cells that has none is already as the
    grid makes it, so it is only marked with the grid, not snapped again.
    """
    present = [cell for cell in cells if cell is not None and not cell.is_empty]
    if not present:
        return frozenset()
    rings = shapely.get_rings(np.array(present, dtype=object), return_index=True)
    ring_cells = rings[1]
    coords, ring_of = shapely.get_coordinates(rings[0], return_index=True)
    # segments: consecutive coordinates of one ring
    same = ring_of[1:] == ring_of[:-1]
    starts = coords[:-1][same]
    ends = coords[1:][same]
    segment_cell = ring_cells[ring_of[:-1][same]]
    vertex_cell = ring_cells[ring_of]
    low = np.minimum(starts, ends)
    high = np.maximum(starts, ends)
    tree = shapely.STRtree(shapely.box(low[:, 0], low[:, 1], high[:, 0], high[:, 1]))
    # segments whose box comes within a grid cell of a vertex, less the ones ending there
    found_vertex, found_segment = tree.query(
        shapely.box(*(coords - GRID_M).T, *(coords + GRID_M).T)
    )
    vertex = coords[found_vertex]
    at_end = np.all(vertex == starts[found_segment], axis=1) | np.all(
        vertex == ends[found_segment], axis=1
    )
    found_vertex, found_segment = found_vertex[~at_end], found_segment[~at_end]
    # the distance from each such vertex to its segment
    a, b, p = starts[found_segment], ends[found_segment], coords[found_vertex]
    ab = b - a
    t = np.clip(np.sum((p - a) * ab, axis=1) / np.maximum(np.sum(ab * ab, axis=1), 1e-12), 0, 1)
    near = np.hypot(*(a + t[:, None] * ab - p).T) <= GRID_M
    found_vertex, found_segment = found_vertex[near], found_segment[near]
    marked = set(vertex_cell[found_vertex].tolist()) | set(segment_cell[found_segment].tolist())
    return frozenset(id(present[index]) for index in marked)


def lonlat_bounds(places: Iterable[Place]) -> tuple[float, float, float, float]:
    points = [p.lonlat for p in places]
    if not points:
        return (-1.0, -1.0, 1.0, 1.0)
    lons, lats = zip(*points, strict=True)
    return (min(lons), min(lats), max(lons), max(lats))


def _snapped(union, cells: list, coverage):
    """A coverage union of ``cells`` snapped to the grid, as ``set_precision`` snaps it: along
    the country's outline the coverage union can cut a corner by a sliver that the grid puts
    back. Snapping changes a union only at near misses (:func:`near_misses`), so only the parts
    near the coverage's near-miss cells are snapped; the others are only marked with the grid."""
    misses = getattr(coverage, "near_misses", None)
    if misses is None:
        return shapely.set_precision(union, GRID_M)
    missed = [cell for cell in cells if id(cell) in misses]
    if not missed:
        return shapely.set_precision(union, GRID_M, mode="pointwise")
    parts = parts_of(union)
    found, _ = near_pairs(parts, np.array(missed, dtype=object))
    if not len(found):
        return shapely.set_precision(union, GRID_M, mode="pointwise")
    # the parts near a near miss, and every part that comes near those (snapping them together)
    a, b = near_pairs(parts, parts)
    label = components(len(parts), a, b)
    snap = np.isin(label, label[found])
    # (built without the grid: set_precision leaves a geometry already on it as it is)
    group = parts[snap]
    group = group[0] if len(group) == 1 else shapely.multipolygons(group)
    snapped = parts_of(polygonal(shapely.set_precision(group, GRID_M)))
    return assemble([*parts[~snap], *snapped])


class UnionCache:
    """The costly overlays of an estimate, remembered by the identity of their inputs: from one
    frame of a series to the next most classes hold the same cells, so most unions repeat."""

    def __init__(self) -> None:
        self._unions: dict = {}
        self._disjoint: dict = {}
        self._enclosures: dict = {}
        self._gaps: dict = {}
        # parts of coverage unions (their WKB) -> the coverage they come from: two such parts
        # of one coverage share their edges exactly, so they are never compared for overlap
        self._clean: dict[bytes, int] = {}

    def __getstate__(self) -> dict:
        # the caches are keyed by object ids, which mean nothing in another process: a pickled
        # model (the scenario cache) starts with empty caches
        return {}

    def __setstate__(self, state: dict) -> None:
        self.__init__()

    def union(self, cells: list, coverage: object = None):
        """The union of ``cells`` (polygons only), remembered: from one frame of a series to the
        next most factions hold the same cells, and the union is the costly step of an
        estimate. ``coverage``: the cells are known to share their edges exactly (Voronoi cells
        of one country, given as that country or any object that names the coverage), so the
        fast coverage union is exact."""
        cells = [cell for cell in cells if not cell.is_empty]
        if not cells:
            return shapely.Polygon()
        cache = self._unions
        key = tuple(sorted(id(cell) for cell in cells))
        if key not in cache:
            if len(cache) >= 512:
                cache.clear()
                self._clean.clear()
            if coverage:
                union = polygonal(_snapped(shapely.coverage_union_all(cells), cells, coverage))
                for wkb in shapely.to_wkb(parts_of(union)):
                    self._clean[wkb] = id(coverage)
            else:
                union = polygonal(union_near(cells))
            cache[key] = (cells, union, coverage)  # the coverage kept alive: its id is used
        return cache[key][1]

    def disjoint(self, geometries: list) -> list:
        """:func:`disjoint_geometries` then normalised, remembered by its inputs: the unions are
        cached, so an unchanged set of classes gives the very same input objects."""
        cache = self._disjoint
        key = tuple(id(g) for g in geometries)
        if key not in cache:
            if len(cache) >= 256:
                cache.clear()
            cache[key] = (
                list(geometries),  # keeps the inputs alive, so their ids stay unique
                # twice: a cut on the grid can leave a sliver of a few grid cells behind
                [
                    shapely.normalize(g)
                    for g in disjoint_geometries(
                        disjoint_geometries(geometries, self._clean), self._clean
                    )
                ],
            )
        return cache[key][1]

    def enclosed(self, code, outline, held: dict, contested: dict, covered) -> dict:
        """``held`` plus rule 4: each piece of unclear ground whose edge meets the ground of one
        side only (a contested front counts for both of its sides; the border for none) goes to
        that side. Remembered by its inputs, like the unions."""
        if not held:
            return held
        cache = self._enclosures
        key = (code, *(id(g) for g in held.values()), *(id(g) for g in contested.values()))
        if key in cache:
            return cache[key][1]
        rest = polygonal(shapely.difference(outline, covered, grid_size=GRID_M))
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
            result[side] = union_near([held[side], *parts])
        if len(cache) >= 256:
            cache.clear()
        cache[key] = (list(held.values()) + list(contested.values()), result)
        return result

    def gaps(self, regions: list[tuple], taken: list) -> list[tuple]:
        """For each ``(key, region)`` in order, ``(key, gap)``: the part of ``region`` that
        neither ``taken`` nor an earlier region covers (empty gaps left out). Remembered by its
        inputs, like the unions."""
        cache = self._gaps
        key = (tuple(id(g) for g in taken), tuple((k, id(region)) for k, region in regions))
        if key not in cache:
            if len(cache) >= 64:
                cache.clear()
            covered = self.union(taken)
            found = []
            for region_key, region in regions:
                gap = polygonal(shapely.difference(region, covered, grid_size=GRID_M))
                if not gap.is_empty:
                    covered = polygonal(shapely.union(covered, gap, grid_size=GRID_M))
                    found.append((region_key, gap))
            # keeps the inputs alive, so their ids stay unique
            cache[key] = (list(taken), [r for _, r in regions], found)
        return cache[key][2]
