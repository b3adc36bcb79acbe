"""Vector files in any format GDAL reads (Shapefile, GeoPackage, FlatGeobuf ...) through pyogrio,
in any CRS, reprojected to longitude/latitude (EPSG:4326) with pyproj.

GeoJSON keeps geomap's own strict reader (line:column messages); this module is for the rest and
is imported only when a scenario names such a file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geomap.errors import InputError, Location

GEOJSON_SUFFIXES = (".geojson", ".json")


def is_geojson(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in GEOJSON_SUFFIXES


@dataclass(frozen=True)
class VectorFile:
    """The features of one layer: attribute rows and lon/lat shapely geometries (parallel)."""

    path: Path
    fields: tuple[str, ...]
    rows: list[dict[str, Any]] = field(repr=False)
    geometries: list = field(repr=False)  # EPSG:4326, None where a feature has no geometry


def _failure(path: Path, error: Exception) -> InputError:
    reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    reason = reason.replace(str(path), "").strip(" :")
    return InputError.at(Location.of_file(path), f"cannot be read as a GIS layer: {reason}")


def read_vector(
    path: str | os.PathLike[str], layer: str | None = None, read_geometry: bool = True
) -> VectorFile:
    """Read one layer of ``path`` (the first unless ``layer`` is named), reprojected to lon/lat."""
    import numpy as np
    import pyogrio
    import pyogrio.errors
    import shapely

    path = Path(path)
    where = Location.of_file(path)
    try:
        if layer is not None:
            names = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
            if layer not in names:
                raise InputError.at(
                    where, f"has no layer '{layer}' (layers: {', '.join(names) or 'none'})"
                )
        meta, _, geometry, data = pyogrio.raw.read(path, layer=layer, read_geometry=read_geometry)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as error:
        raise _failure(path, error) from None
    except pyogrio.errors.FieldError as error:
        raise _failure(path, error) from None
    fields = tuple(str(name) for name in meta["fields"])
    columns = [np.asarray(values, dtype=object) for values in data]
    count = len(columns[0]) if columns else (0 if geometry is None else len(geometry))
    rows = [
        {name: _plain(column[index]) for name, column in zip(fields, columns, strict=True)}
        for index in range(count)
    ]
    if not read_geometry:
        return VectorFile(path, fields, rows, [None] * count)
    shapes = list(shapely.from_wkb(geometry)) if geometry is not None else [None] * count
    crs = meta.get("crs")
    if crs is None and any(shape is not None for shape in shapes):
        raise InputError.at(
            where,
            "has no coordinate reference system (a Shapefile needs its .prj file); "
            "geomap reprojects from any CRS but must know which",
        )
    if crs is not None:
        shapes = _to_lonlat(shapes, crs)
    # Outer rings anticlockwise, holes clockwise, as GeoJSON has them (RFC 7946); a Shapefile
    # stores them the other way round, which would shift anti-aliased edges on the map.
    shapes = [None if shape is None else shapely.orient_polygons(shape) for shape in shapes]
    return VectorFile(path, fields, rows, shapes)


def read_fields(path: str | os.PathLike[str], layer: str | None = None) -> VectorFile:
    """The attribute rows only (no geometry): cheap, for checking ids."""
    return read_vector(path, layer, read_geometry=False)


def _plain(value: Any) -> Any:
    """A value from pyogrio as a plain Python value: None for nulls, int for whole numbers."""
    import numpy as np

    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def _to_lonlat(shapes: list, crs: str) -> list:
    import numpy as np
    import shapely
    from pyproj import CRS, Transformer

    source = CRS.from_user_input(crs)
    target = CRS.from_epsg(4326)
    if source == target or source.equals(target, ignore_axis_order=True):
        return shapes
    transformer = Transformer.from_crs(source, target, always_xy=True)

    def apply(coords: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return [None if shape is None else shapely.transform(shape, apply) for shape in shapes]
