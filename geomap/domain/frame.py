"""The map frame when a scenario names none: an extent fitted to the focus countries and the
places, and a projection centred on it (pure).

- extent: the lon/lat bounds of the focus countries' outlines and of every place, grown by 5 %
  of their larger side (at least 0.2 degrees) on every side;
- projection: a Lambert conformal conic centred on the extent, its standard parallels one sixth
  of the way in from the south and north edges; where those would straddle the equator (a conic
  is degenerate there) a transverse Mercator centred on the extent, also conformal.
"""

from __future__ import annotations

from collections.abc import Iterable

Bounds = tuple[float, float, float, float]
MARGIN_SHARE = 0.05
MIN_MARGIN_DEG = 0.2


def fitted_extent(bounds: Iterable[Bounds]) -> Bounds | None:
    """The padded union of ``bounds`` (west, south, east, north), or None when there are none."""
    boxes = list(bounds)
    if not boxes:
        return None
    west = min(b[0] for b in boxes)
    south = min(b[1] for b in boxes)
    east = max(b[2] for b in boxes)
    north = max(b[3] for b in boxes)
    pad = max(MIN_MARGIN_DEG, MARGIN_SHARE * max(east - west, north - south))
    return (
        round(max(-180.0, west - pad), 3),
        round(max(-85.0, south - pad), 3),
        round(min(180.0, east + pad), 3),
        round(min(85.0, north + pad), 3),
    )


def centred_projection(extent: Bounds) -> str:
    """A conformal projection centred on ``extent``: Lambert conic, or transverse Mercator where
    the extent reaches across the equator."""
    west, south, east, north = extent
    lon_0 = round((west + east) / 2, 3)
    lat_0 = round((south + north) / 2, 3)
    lat_1 = round(south + (north - south) / 6, 3)
    lat_2 = round(north - (north - south) / 6, 3)
    if lat_1 * lat_2 <= 0 or abs(lat_1 + lat_2) < 2:
        return f"+proj=tmerc +lat_0={lat_0} +lon_0={lon_0} +k=1 +datum=WGS84 +units=m +no_defs"
    return (
        f"+proj=lcc +lat_1={lat_1} +lat_2={lat_2} +lat_0={lat_0} +lon_0={lon_0} "
        "+datum=WGS84 +units=m +no_defs"
    )
