"""Shapely geometries and point glyphs as matplotlib paths and collections."""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.markers import MarkerStyle
from matplotlib.path import Path as MplPath


def _signed_area(xy: np.ndarray) -> float:
    x, y = xy[:, 0], xy[:, 1]
    return float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2


def geometry_path(geometry) -> MplPath:
    """A matplotlib path for a shapely (multi)polygon or (multi)line, holes included.

    Matplotlib fills with the non-zero winding rule, so a hole is only a hole when it winds the
    other way from its shell: a hole wound like its shell is reversed here.
    """
    import shapely

    parts = shapely.get_parts(geometry)
    if len(parts) and (shapely.get_type_id(parts) == POLYGON).all():
        vertices, codes = _polygon_rings(parts)
        if len(vertices):
            return MplPath(vertices, codes)
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for part in parts:
        if part.geom_type == "Polygon":
            rings = [part.exterior, *part.interiors]
            closed = True
        else:
            rings = [part]
            closed = False
        shell_sign = 0.0
        for number, ring in enumerate(rings):
            xy = np.asarray(ring.coords)[:, :2]
            if len(xy) < 2:
                continue
            if closed:
                sign = np.sign(_signed_area(xy))
                if number == 0:
                    shell_sign = sign
                elif sign != 0 and sign == shell_sign:
                    xy = xy[::-1]
            ring_codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
            ring_codes[0] = MplPath.MOVETO
            if closed:
                ring_codes[-1] = MplPath.CLOSEPOLY
            vertices.append(xy)
            codes.append(ring_codes)
    if not vertices:
        return MplPath(np.zeros((1, 2)), [MplPath.MOVETO])
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


POLYGON = 3  # shapely's type id


def _polygon_rings(parts) -> tuple[np.ndarray, np.ndarray]:
    """The vertices and codes of :func:`geometry_path` for polygons, in whole arrays (a map
    frame's areas have hundreds of rings): every ring closed, a hole wound like its shell
    reversed, rings of fewer than two points left out."""
    import shapely

    rings, part_of = shapely.get_rings(parts, return_index=True)
    xy = shapely.get_coordinates(rings)
    if not len(xy):
        return xy, np.zeros(0, np.uint8)
    counts = shapely.get_num_coordinates(rings)
    ends = np.cumsum(counts)
    starts = ends - counts
    ring_of = np.repeat(np.arange(len(rings)), counts)
    # twice each ring's signed area (shoelace), its sign telling which way it winds
    present = counts > 0
    following = np.arange(1, len(xy) + 1)
    following[ends[present] - 1] = starts[present]
    cross = xy[:, 0] * xy[following, 1] - xy[:, 1] * xy[following, 0]
    sign = np.zeros(len(rings))
    sign[present] = np.sign(np.add.reduceat(cross, starts[present]))
    kept = counts >= 2
    shell = np.r_[True, part_of[1:] != part_of[:-1]]
    shell_of = np.maximum.accumulate(np.where(shell, np.arange(len(rings)), 0))
    shell_sign = np.where(kept[shell_of], sign[shell_of], 0.0)
    reverse = ~shell & kept & (sign != 0) & (sign == shell_sign)
    position = np.arange(len(xy)) - starts[ring_of]
    backwards = starts[ring_of] + counts[ring_of] - 1 - position
    vertices = xy[np.where(reverse[ring_of], backwards, np.arange(len(xy)))]
    codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
    codes[starts[kept]] = MplPath.MOVETO
    codes[ends[kept] - 1] = MplPath.CLOSEPOLY
    return vertices[kept[ring_of]], codes[kept[ring_of]]


def add_paths(ax, geometries, *, facecolors, zorder, gid, **kwargs) -> PathCollection:
    """One collection per layer: far faster to add and draw than a patch per feature."""
    collection = PathCollection(
        [geometry_path(g) for g in geometries], facecolors=facecolors, zorder=zorder, **kwargs
    )
    collection.set_gid(gid)
    ax.add_collection(collection, autolim=False)
    return collection


def add_points(
    ax, x, y, *, marker, size_pt, colours, zorder, edge, edge_width, alpha=None, gid=None
) -> PathCollection:
    """One glyph at every (x, y): what ``Axes.scatter`` builds, without its argument parsing
    and data-limit updates."""
    style = marker if isinstance(marker, MarkerStyle) else MarkerStyle(marker)
    path = style.get_path().transformed(style.get_transform())
    artist = PathCollection(
        (path,),
        sizes=np.square(np.broadcast_to(np.asarray(size_pt, float), np.shape(x))),
        offsets=np.column_stack([x, y]),
        offset_transform=ax.transData,
        facecolors=colours,
        edgecolors=edge,
        linewidths=edge_width,
        alpha=alpha,
        zorder=zorder,
    )
    artist.set_transform(matplotlib.transforms.IdentityTransform())
    artist.set_gid(gid)
    ax.add_collection(artist, autolim=False)
    return artist
