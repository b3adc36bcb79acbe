"""Overlays done only where their inputs meet give the plain overlay's result."""

import itertools

import numpy as np
import shapely
from shapely.geometry import box

from geomap.territory.overlay import (
    GRID_M,
    assemble,
    disjoint_geometries,
    near_pairs,
    parts_of,
    union_near,
)


def squares(cells, size=1000.0):
    """Squares of ``size`` metres at the integer positions ``cells`` (a checkerboard piece)."""
    return [box(x * size, y * size, (x + 1) * size, (y + 1) * size) for x, y in cells]


def same(first, second):
    return shapely.equals_exact(shapely.normalize(first), shapely.normalize(second), 0)


def mosaic(seed=3, size=12, classes=5):
    """A random mosaic of unit squares in ``classes`` classes: every class in many parts, every
    pair of classes touching somewhere, as the estimate's classes are with random holders."""
    rng = np.random.default_rng(seed)
    label = rng.integers(0, classes, (size, size))
    return [
        shapely.union_all(
            squares([(x, y) for x in range(size) for y in range(size) if label[x, y] == k]),
            grid_size=GRID_M,
        )
        for k in range(classes)
    ]


def test_near_pairs_finds_parts_within_the_margin_only():
    first = np.array(squares([(0, 0), (5, 5)]))
    second = np.array([box(1000.0 + GRID_M, 0, 2000, 1000), box(9000, 9000, 9500, 9500)])
    a, b = near_pairs(first, second)
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 0)]


def test_union_near_is_the_plain_union_on_the_grid():
    geometries = mosaic()
    # shift one class by a fraction of the grid: the overlay has to round where they meet
    geometries[2] = shapely.affinity.translate(geometries[2], 3.0, 4.0)
    merged = union_near(geometries)
    assert same(merged, shapely.union_all(geometries, grid_size=GRID_M))


def test_union_near_keeps_far_parts_as_they_are_and_joins_the_ones_that_meet():
    far = box(50_000, 50_000, 51_000, 51_000)
    left, right = squares([(0, 0), (1, 0)])
    merged = union_near([shapely.MultiPolygon([left, far]), right])
    parts = sorted(parts_of(merged), key=lambda p: p.bounds)
    assert len(parts) == 2  # the two squares that share an edge are one polygon
    assert shapely.equals(parts[0], box(0, 0, 2000, 1000))
    assert same(parts[1], far)


def test_assemble_puts_the_grid_on_the_geometry():
    joined = assemble(squares([(0, 0), (3, 3)]))
    assert joined.geom_type == "MultiPolygon"
    assert shapely.get_precision(joined) == GRID_M
    assert assemble([]).is_empty


def test_disjoint_geometries_leave_no_overlap_and_earlier_ones_keep_it():
    first = box(0, 0, 2000, 2000)
    second = box(1000, 0, 3000, 2000)  # overlaps the first by 1000 x 2000 m
    far = box(90_000, 0, 91_000, 1000)
    result = disjoint_geometries([first, shapely.MultiPolygon([second, far]), first])
    assert same(result[0], first)
    assert same(result[1], shapely.MultiPolygon([box(2000, 0, 3000, 2000), far]))
    assert result[2].is_empty


def test_disjoint_geometries_match_the_plain_pairwise_cut_on_a_mosaic():
    geometries = mosaic(seed=5)
    # overlaps: two classes grown into their neighbours by a fraction of a cell
    geometries[1] = shapely.buffer(geometries[1], 120.0, join_style="mitre")
    geometries[3] = shapely.set_precision(shapely.buffer(geometries[3], 55.0), GRID_M)
    geometries = [shapely.set_precision(g, GRID_M) for g in geometries]
    result = disjoint_geometries(geometries)
    plain = []
    for geometry in geometries:
        for earlier in plain:
            if shapely.relate_pattern(geometry, earlier, "T********"):
                geometry = shapely.difference(geometry, earlier, grid_size=GRID_M)
        plain.append(geometry)
    for ours, theirs in zip(result, plain, strict=True):
        assert abs(ours.area - theirs.area) <= 4 * GRID_M * GRID_M
        assert shapely.symmetric_difference(ours, theirs).area <= 4 * GRID_M * GRID_M
    for first, second in itertools.combinations(result, 2):
        assert shapely.intersection(first, second).area < GRID_M * GRID_M
    covered = shapely.union_all(geometries).area
    assert abs(sum(g.area for g in result) - covered) < 10 * GRID_M * GRID_M


def test_voronoi_cells_cover_the_outline_exactly_cut_only_at_its_edge():
    from geomap.territory.cells import voronoi_cells

    outline = shapely.Polygon(
        [(0, 0), (50_000, 0), (50_000, 30_000), (20_000, 45_000), (0, 30_000)]
    )
    rng = np.random.default_rng(7)
    xy = np.round(rng.uniform(0, 45_000, (200, 2)) / GRID_M) * GRID_M
    xy = xy[shapely.contains_xy(outline, xy[:, 0], xy[:, 1])]
    cells = voronoi_cells(xy, outline)
    assert len(cells) == len(xy)
    assert all(
        shapely.contains_xy(cell, x, y) or cell.boundary.distance(shapely.Point(x, y)) < GRID_M
        for cell, (x, y) in zip(cells, xy, strict=True)
    )
    assert shapely.coverage_is_valid(cells)
    # the cut points on the slanted edges are rounded to the grid: a sliver along them
    assert abs(shapely.coverage_union_all(cells).area - outline.area) < 1e-4 * outline.area
    assert all(shapely.covers(shapely.buffer(outline, GRID_M), cell) for cell in cells)


def test_a_pickled_union_cache_starts_empty():
    import pickle

    from geomap.territory.cells import UnionCache

    cache = UnionCache()
    cells = squares([(0, 0), (1, 0)])
    cache.union(cells, coverage="AA")
    assert cache._unions and cache._clean
    again = pickle.loads(pickle.dumps(cache))
    assert not again._unions and not again._clean and not again._disjoint
    assert same(again.union(cells, coverage="AA"), cache.union(cells, coverage="AA"))


def test_near_misses_are_the_cells_with_a_vertex_close_to_a_segment_not_ending_there():
    from geomap.territory.cells import near_misses

    grid = squares([(x, y) for x in range(4) for y in range(4)])
    assert near_misses(grid) == frozenset()  # shared vertices and edges are no near miss
    left = box(0, 0, 1000, 1000)
    right = shapely.Polygon([(1000, 0), (2000, 0), (2000, 1000), (1000, 1000), (1003, 500)])
    far = box(5000, 0, 6000, 1000)
    assert near_misses([left, right, far]) == frozenset({id(left), id(right)})


def test_a_coverage_union_is_snapped_where_the_grid_changes_it_and_nowhere_else():
    from types import SimpleNamespace

    from geomap.territory.cells import UnionCache, near_misses, voronoi_cells

    outline = box(0, 0, 40_000, 40_000)
    rng = np.random.default_rng(11)
    xy = np.round(rng.uniform(0, 40_000, (3000, 2)) / GRID_M) * GRID_M
    cells = [c for c in voronoi_cells(np.unique(xy, axis=0), outline) if not c.is_empty]
    coverage = SimpleNamespace(near_misses=near_misses(cells))
    assert coverage.near_misses  # the layout has some: the snapping path is exercised
    for k in range(6):
        chosen = [c for c, pick in zip(cells, rng.random(len(cells)) < 0.3, strict=True) if pick]
        ours = UnionCache().union(chosen, coverage=coverage)
        plain = shapely.set_precision(shapely.coverage_union_all(chosen), GRID_M)
        assert same(ours, plain), k
        assert shapely.get_precision(ours) == GRID_M
