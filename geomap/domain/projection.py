"""From longitude/latitude to the map's plane, and the extent every frame shares."""

from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=16)
def _transformer(source: str, target: str):
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)


def project_xy(projection: str, lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Project arrays of longitude and latitude to map metres."""
    forward = _transformer("EPSG:4326", projection)
    x, y = forward.transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x), np.asarray(y)


def unproject_xy(projection: str, x, y) -> tuple[np.ndarray, np.ndarray]:
    """Map metres back to arrays of longitude and latitude."""
    inverse = _transformer(projection, "EPSG:4326")
    lon, lat = inverse.transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon), np.asarray(lat)


def project_geometry(projection: str, geometry):
    """A shapely geometry from lon/lat to map metres."""
    import shapely

    def transform(coords: np.ndarray) -> np.ndarray:
        x, y = project_xy(projection, coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, transform)


def projected_bounds(
    projection: str, extent_lonlat: tuple[float, float, float, float], project=project_xy
) -> tuple[float, float, float, float]:
    """Bounds in map metres of the lon/lat rectangle, its edges densified (they curve);
    ``project`` is :func:`project_xy` or a function like it."""
    west, south, east, north = extent_lonlat
    steps = np.linspace(0.0, 1.0, 64)
    lon = np.concatenate(
        [
            west + (east - west) * steps,
            np.full(64, east),
            east - (east - west) * steps,
            np.full(64, west),
        ]
    )
    lat = np.concatenate(
        [
            np.full(64, south),
            south + (north - south) * steps,
            np.full(64, north),
            north - (north - south) * steps,
        ]
    )
    x, y = project(projection, lon, lat)
    return float(x.min()), float(y.min()), float(x.max()), float(y.max())


def fit_bounds_to_aspect(
    bounds: tuple[float, float, float, float], width: float, height: float
) -> tuple[float, float, float, float]:
    """Grow ``bounds`` around their centre to the aspect of a ``width`` x ``height`` box."""
    x0, y0, x1, y1 = bounds
    scale = max((x1 - x0) / width, (y1 - y0) / height)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half_w, half_h = width * scale / 2, height * scale / 2
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
