"""Overlays on the grid done only where their inputs meet (pure shapely and numpy).

An overlay on a fixed grid (GEOS OverlayNG with snap-rounding) changes a polygon only near the
other input: a part farther than a couple of grid cells from every part of the other input comes
out as it went in. The estimate's classes are made of many parts (a faction's pockets, the two
countries' halves of a class), so these functions find the parts that come near each other with
an STRtree and overlay only those, passing every other part through untouched. The result is the
plain overlay's up to slivers of a few grid cells (the noding of a whole overlay can move a vertex
that a local one leaves; on the bundled data the largest difference is 0.034 km²), at a cost
that grows with the length of the shared edges rather than with the size of the classes: no step
compares every class with every other.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import shapely

GRID_M = 10.0
"""Every output vertex lies on this grid (metres): fixed precision keeps frames identical."""

MARGIN_M = 2 * GRID_M
"""Parts farther apart than this cannot change each other in an overlay on the grid (snap
rounding moves a vertex by at most half a grid cell)."""

_INTERIORS_MEET = "T********"


def parts_of(geometry) -> np.ndarray:
    """The non-empty polygons of a (Multi)Polygon, as an array."""
    if geometry is None or geometry.is_empty:
        return np.empty(0, dtype=object)
    parts = shapely.get_parts(geometry)
    return parts[~shapely.is_empty(parts)]


def assemble(parts) -> shapely.Geometry:
    """Polygons (on the grid) back into one geometry as an overlay on the grid returns it: an
    empty Polygon, a Polygon or a MultiPolygon, carrying the grid as its precision (measuring
    densifies edges, and the new vertices are put on the geometry's grid)."""
    parts = list(parts)
    if not parts:
        return shapely.Polygon()
    joined = parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)
    return shapely.set_precision(joined, GRID_M, mode="pointwise")


def polygonal(geometry):
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


def _boxes(bounds: np.ndarray, margin: float) -> np.ndarray:
    grown = bounds + np.array([-margin, -margin, margin, margin])
    return shapely.box(grown[:, 0], grown[:, 1], grown[:, 2], grown[:, 3])


def near_pairs(first: np.ndarray, second: np.ndarray, margin: float = MARGIN_M):
    """Indices (i, j) of the parts ``first[i]`` and ``second[j]`` whose bounding boxes come
    within ``margin`` of each other (the candidates for any interaction)."""
    if not len(first) or not len(second):
        empty = np.empty(0, dtype=np.intp)
        return empty, empty
    tree = shapely.STRtree(second)
    found = tree.query(_boxes(shapely.bounds(first), margin))
    return found[0], found[1]


def components(count: int, pairs_a: np.ndarray, pairs_b: np.ndarray) -> np.ndarray:
    """A component label for each of ``count`` nodes joined by the edges (a, b)."""
    parent = np.arange(count)

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in zip(pairs_a.tolist(), pairs_b.tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.array([root(node) for node in range(count)], dtype=np.intp)


def union_near(geometries: list):
    """``union_all(geometries, grid_size=GRID_M)`` (polygons only), overlaying only the parts
    that come near a part of another input; every other part is kept as it is."""
    pieces = [parts_of(g) for g in geometries]
    owner = np.concatenate([np.full(len(p), k) for k, p in enumerate(pieces)] or [np.zeros(0)])
    parts = np.concatenate(pieces) if pieces else np.empty(0, dtype=object)
    if not len(parts):
        return shapely.Polygon()
    a, b = near_pairs(parts, parts)
    keep = owner[a] != owner[b]
    a, b = a[keep], b[keep]
    if not len(a):
        return assemble(parts)
    label = components(len(parts), a, b)
    joined = set(a.tolist()) | set(b.tolist())
    result = [part for index, part in enumerate(parts) if index not in joined]
    groups: dict[int, list] = {}
    for index in sorted(joined):
        groups.setdefault(int(label[index]), []).append(parts[index])
    for members in groups.values():
        result.extend(parts_of(polygonal(shapely.union_all(members, grid_size=GRID_M))))
    return assemble(result)


class _Parts:
    """The parts of a list of geometries, with their owners, as they are cut; and the pairs of
    parts of different owners that come near each other (found once with an STRtree, then kept
    up to date as parts are replaced)."""

    def __init__(self, geometries: list, clean: Mapping[bytes, int] | None = None):
        pieces = [parts_of(g) for g in geometries]
        self.parts: list = [part for p in pieces for part in p]
        self.owner: list[int] = [k for k, p in enumerate(pieces) for _ in range(len(p))]
        self.alive: list[bool] = [True] * len(self.parts)
        self.bounds = (
            shapely.bounds(np.array(self.parts, dtype=object)) if self.parts else np.zeros((0, 4))
        )
        self.of: dict[int, list[int]] = {}
        for index, k in enumerate(self.owner):
            self.of.setdefault(k, []).append(index)
        # near[i][j] (j < i): pairs (part of i, part of j) within the margin
        self.near: dict[int, dict[int, list[tuple[int, int]]]] = {}
        parts = np.array(self.parts, dtype=object)
        a, b = near_pairs(parts, parts)
        owner = np.array(self.owner, dtype=np.intp)
        keep = owner[a] > owner[b]
        if clean and len(parts):
            # parts of one coverage union share edges exactly: never compared
            coverage = np.array([clean.get(w, -1) for w in shapely.to_wkb(parts)], dtype=np.int64)
            keep &= (coverage[a] != coverage[b]) | (coverage[a] == -1)
        for p, q in zip(a[keep].tolist(), b[keep].tolist(), strict=True):
            self.near.setdefault(self.owner[p], {}).setdefault(self.owner[q], []).append((p, q))

    def replace(self, old: list[int], new: np.ndarray, owner: int) -> None:
        """Parts ``old`` (all of ``owner``) replaced by ``new``; their near pairs found again."""
        for index in old:
            self.alive[index] = False
        self.of[owner] = [i for i in self.of[owner] if self.alive[i]]
        if not len(new):
            return
        first = len(self.parts)
        new_bounds = shapely.bounds(new)
        self.parts.extend(new)
        self.owner.extend([owner] * len(new))
        self.alive.extend([True] * len(new))
        self.bounds = np.vstack([self.bounds, new_bounds])
        self.of[owner].extend(range(first, first + len(new)))
        lo = new_bounds[:, None, :2] - MARGIN_M
        hi = new_bounds[:, None, 2:] + MARGIN_M
        meets = np.all((self.bounds[None, :, :2] <= hi) & (self.bounds[None, :, 2:] >= lo), axis=2)
        for row, column in zip(*np.nonzero(meets), strict=True):
            other = int(column)
            k = self.owner[other]
            if k == owner or not self.alive[other]:
                continue
            mine = first + int(row)
            if owner > k:
                self.near.setdefault(owner, {}).setdefault(k, []).append((mine, other))
            else:
                self.near.setdefault(k, {}).setdefault(owner, []).append((other, mine))


def disjoint_geometries(geometries: list, clean: Mapping[bytes, int] | None = None) -> list:
    """The geometries, each less whatever earlier ones already cover.

    Overlay on a fixed grid rounds every new vertex, so two pieces that meet along an edge can
    overlap by a sliver (up to ~0.1 km² on real outlines); earlier pieces keep such slivers.
    Only parts that come near each other are compared (an STRtree of the parts), and only the
    parts whose interiors meet are cut. ``clean`` maps the WKB of parts known to come from one
    coverage (cells that share their edges exactly) to that coverage: two parts of one coverage
    cannot overlap and are not compared.
    """
    index = _Parts(geometries, clean)
    result = list(geometries)
    for k, geometry in enumerate(geometries):
        if geometry.is_empty:
            continue
        changed = False
        for j in sorted(index.near.get(k, {})):
            pairs = [(p, q) for p, q in index.near[k][j] if index.alive[p] and index.alive[q]]
            if not pairs:
                continue
            mine = np.array([p for p, _ in pairs], dtype=np.intp)
            theirs = np.array([q for _, q in pairs], dtype=np.intp)
            parts = index.parts
            meets = shapely.relate_pattern(
                np.array([parts[p] for p in mine], dtype=object),
                np.array([parts[q] for q in theirs], dtype=object),
                _INTERIORS_MEET,
            )
            if not meets.any():
                continue
            # the parts whose interiors meet, less every part of the earlier one near them
            cut = sorted(set(mine[meets].tolist()))
            chosen = set(cut)
            by = sorted({q for p, q in pairs if p in chosen})
            rest = polygonal(
                shapely.difference(
                    assemble([parts[p] for p in cut]),
                    assemble([parts[q] for q in by]),
                    grid_size=GRID_M,
                )
            )
            index.replace(cut, parts_of(rest), k)
            changed = True
            if not index.of[k]:
                break
        if changed:
            result[k] = assemble([index.parts[p] for p in index.of[k]])
    return result
