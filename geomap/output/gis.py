"""GIS layers out: the places and the estimated territory of a scenario as GeoPackage, GeoJSON
or CSV, for one date or as one time-enabled layer (``valid_from``/``valid_to``), written through
pyogrio (imported here, never on the way to ``geomap --help`` or ``geomap render``)."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from geomap.errors import InputError, Location

GIS_FORMATS = ("gpkg", "geojson", "csv")
LAYERS = ("places", "territory")
PLACE_FIELDS = ("id", "name", "kind", "country", "holder", "status", "by", "since", "sources")
TERRITORY_FIELDS = ("faction", "status", "area_km2", "population")
TIME_FIELDS = ("valid_from", "valid_to")
DATE_FIELDS = frozenset({"since", *TIME_FIELDS})
FLOAT_FIELDS = frozenset({"lon", "lat", "area_km2"})
INTEGER_FIELDS = frozenset({"population"})
_DRIVERS = {"gpkg": "GPKG", "geojson": "GeoJSON", "csv": "CSV"}


@dataclass(frozen=True)
class GisLayer:
    """Rows of one layer with their lon/lat geometries (EPSG:4326), ready to write."""

    name: str
    fields: tuple[str, ...]
    rows: list[dict] = field(repr=False)
    geometries: list = field(repr=False)  # shapely geometries, one per row
    geometry_type: str = "Point"  # or "MultiPolygon"


# --------------------------------------------------------------------------- building layers


def place_rows(scenario, day: date) -> tuple[list[dict], list]:
    """One row per place on ``day`` (the ``state`` record with ``sources`` as ids) and its point
    (the place's own point, or a point inside an area place: the ``lon``/``lat`` of ``state``)."""
    import shapely

    from geomap.domain.join import state_record
    from geomap.products.map import resolve

    rows, points = [], []
    for item in resolve(scenario, day):
        record = state_record(item, scenario.citations)
        row = {key: record[key] for key in PLACE_FIELDS}
        row["sources"] = "; ".join(source["id"] for source in record["sources"]) or None
        row["lon"], row["lat"] = record["lon"], record["lat"]
        rows.append(row)
        points.append(shapely.Point(record["lon"], record["lat"]))
    return rows, points


def territory_rows(scenario, model, day: date) -> tuple[list[dict], list]:
    """One row per faction and class (``held``, ``contested``) on ``day`` with its area in km²
    and its people, the very figures ``geomap area`` reports (``held_km2``, ``contested_km2``,
    from the territory model's :meth:`areas_km2`), and its (Multi)Polygon in lon/lat. Contested
    ground appears once for each side."""
    import shapely

    from geomap.territory.areas import estimate_on
    from geomap.territory.measure import to_lonlat

    territory = estimate_on(scenario, model, day)
    figures = model.areas_km2(territory)
    classes: dict[tuple[str, str], list] = {}
    for faction, geometry in territory.held.items():
        classes.setdefault((faction, "held"), []).append(geometry)
    for (holder, by), geometry in territory.contested.items():
        for faction in (holder, by):
            classes.setdefault((faction, "contested"), []).append(geometry)
    order = {faction: index for index, faction in enumerate(scenario.factions)}
    rows, shapes = [], []
    for faction, status in sorted(
        classes, key=lambda key: (order.get(key[0], len(order)), key[0], key[1] != "held")
    ):
        parts = [g for g in classes[faction, status] if g is not None and not g.is_empty]
        if not parts or faction not in figures:
            continue
        merged = shapely.union_all(parts) if len(parts) > 1 else parts[0]
        lonlat = _multipolygon(to_lonlat(merged, scenario.projection))
        if lonlat.is_empty:
            continue
        figure = figures[faction]
        people = getattr(figure, f"{status}_people", None)  # when the model counts people
        rows.append(
            {
                "faction": faction,
                "status": status,
                "area_km2": round(getattr(figure, f"{status}_km2"), 1),
                "population": None if people is None else round(people),
            }
        )
        shapes.append(lonlat)
    return rows, shapes


def _multipolygon(geometry):
    import shapely

    polygons = [g for g in shapely.get_parts(geometry) if g.geom_type == "Polygon"]
    return shapely.MultiPolygon(polygons) if polygons else shapely.MultiPolygon()


def layer_on(scenario, layer: str, day: date) -> GisLayer:
    """The ``places`` or ``territory`` layer of ``scenario`` on ``day``."""
    if layer == "places":
        rows, shapes = place_rows(scenario, day)
        return GisLayer("places", PLACE_FIELDS, rows, shapes, "Point")
    from geomap.scenario.project import Project

    rows, shapes = territory_rows(scenario, Project.of(scenario).territory, day)
    return GisLayer("territory", TERRITORY_FIELDS, rows, shapes, "MultiPolygon")


def layer_over(scenario, layer: str, days: Sequence[date]) -> GisLayer:
    """A time-enabled layer: each feature as it was from ``valid_from`` (inclusive) to
    ``valid_to`` (exclusive), sampled on ``days``.

    A feature that stays the same over consecutive days is one row; a row starting on day i ends
    on day i+1 of the series, the last on the day after the last day (so that the last day shows,
    with QGIS's default "include start, exclude end").
    """
    import shapely

    ends = [*days[1:], days[-1] + timedelta(days=1)]
    open_rows: dict[tuple, tuple[dict, Any, bytes]] = {}
    closed: list[tuple[dict, Any]] = []
    key_fields = ("id",) if layer == "places" else ("faction", "status")
    first = None
    for day, end in zip(days, ends, strict=True):
        current = layer_on(scenario, layer, day)
        first = first or current
        seen = set()
        for row, shape in zip(current.rows, current.geometries, strict=True):
            key = tuple(row[f] for f in key_fields)
            seen.add(key)
            signature = shapely.to_wkb(shape) if layer == "territory" else b""
            previous = open_rows.get(key)
            if previous is not None and _same(previous, row, signature):
                previous[0]["valid_to"] = end
                continue
            if previous is not None:
                closed.append(previous[:2])
            open_rows[key] = ({**row, "valid_from": day, "valid_to": end}, shape, signature)
        for key in [k for k in open_rows if k not in seen]:
            closed.append(open_rows.pop(key)[:2])
    closed.extend(entry[:2] for entry in open_rows.values())
    closed.sort(key=lambda pair: pair[0]["valid_from"])  # stable: each day keeps its order
    return GisLayer(
        first.name,
        (*first.fields, *TIME_FIELDS),
        [row for row, _ in closed],
        [shape for _, shape in closed],
        first.geometry_type,
    )


def _same(previous: tuple, row: dict, signature: bytes) -> bool:
    kept, _, kept_signature = previous
    return kept_signature == signature and all(kept[k] == v for k, v in row.items())


# --------------------------------------------------------------------------- writing


def default_name(layer: str, days: Sequence[date], fmt: str) -> str:
    span = days[0].isoformat() if len(days) == 1 else f"{days[0]}-to-{days[-1]}"
    return f"geomap-{layer}-{span}.{fmt}"


def export_path(out: str | os.PathLike[str] | None, name: str, fmt: str | None) -> tuple[Path, str]:
    """Where to write and in which format: ``out`` may be a file, an existing folder or nothing;
    the format comes from ``fmt``, else the file's suffix, else GeoPackage."""
    names_a_folder = out is not None and str(out).endswith(("/", os.sep))
    if names_a_folder and not Path(out).is_dir():
        raise InputError.at(Location.of_file(out), "output folder does not exist")
    if out is None or Path(out).is_dir():
        chosen = fmt or "gpkg"
        folder = Path(out) if out is not None else Path.cwd()
        return folder / f"{name}.{chosen}", chosen
    path = Path(out)
    suffix = path.suffix.lower().lstrip(".")
    suffix = "geojson" if suffix == "json" else suffix
    if fmt and suffix and suffix != fmt:
        raise InputError.at(
            Location.of_file(path), f"file name ends in .{suffix} but --format is {fmt}"
        )
    if not fmt and suffix and suffix not in GIS_FORMATS:
        raise InputError.at(
            Location.of_file(path),
            f"unknown export format '.{suffix}' (expected one of: {', '.join(GIS_FORMATS)})",
        )
    return path, fmt or suffix or "gpkg"


def write_layer(layer: GisLayer, path: Path, fmt: str, force: bool = False) -> Path:
    """Write ``layer`` to ``path`` as ``fmt``, atomically, marked as geomap's; never over a file
    geomap did not write unless ``force``."""
    from geomap.output.files import check_writable, write_atomically

    check_writable(path, force)
    return write_atomically(path, lambda temp: _write(layer, temp, fmt), suffix=f".part.{fmt}")


def _write(layer: GisLayer, path: Path, fmt: str) -> None:
    import numpy as np
    import pyogrio.raw
    import shapely

    from geomap.output.files import CREATOR

    fields = list(layer.fields)
    if fmt == "csv" and layer.name == "places":
        fields += ["lon", "lat"]
    data, masks = [], []
    for name in fields:
        values = [row[name] for row in layer.rows]
        data.append(_column(name, values, fmt))
        mask = np.array([v is None for v in values], dtype=bool)
        masks.append(mask if mask.any() else None)
    options: dict[str, Any] = {}
    geometry = shapely.to_wkb(np.array(layer.geometries, dtype=object))
    geometry_type = layer.geometry_type
    if fmt == "gpkg":
        options = {
            "layer_options": {"DESCRIPTION": CREATOR},
            "dataset_options": {"VERSION": "1.2"},
        }
    elif fmt == "geojson":
        options = {"layer_options": {"DESCRIPTION": CREATOR, "COORDINATE_PRECISION": "6"}}
    elif layer.name == "places":  # CSV: lon and lat columns, no geometry column
        geometry, geometry_type = None, None
    else:  # CSV of polygons: the geometry as a WKT column first
        options = {"layer_options": {"GEOMETRY": "AS_WKT"}}
    # The file is new (a temporary name); GDAL's CSV and GeoJSON drivers refuse to replace one.
    path.unlink()
    pyogrio.raw.write(
        path,
        geometry=geometry,
        field_data=data,
        fields=fields,
        field_mask=masks,
        layer=layer.name,
        driver=_DRIVERS[fmt],
        geometry_type=geometry_type,
        crs="EPSG:4326" if geometry is not None else None,
        **options,
    )


def _column(name: str, values: list, fmt: str):
    import numpy as np

    if name in DATE_FIELDS:
        texts = [v.isoformat() if isinstance(v, date) else v for v in values]
        if fmt == "csv":
            return np.array(texts, dtype=object)
        return np.array([t or "NaT" for t in texts], dtype="datetime64[D]")
    if name in FLOAT_FIELDS:
        return np.array([np.nan if v is None else v for v in values], dtype=float)
    if name in INTEGER_FIELDS:
        return np.array([0 if v is None else v for v in values], dtype=np.int64)
    return np.array(values, dtype=object)


# --------------------------------------------------------------------------- whose file is it

_CREATOR_TEXT = re.compile(rb'"description": "geomap \d+\.\d+')


def written_by_geomap_gis(path: Path) -> bool:
    """True if ``path`` is a GeoPackage, GeoJSON or CSV layer that geomap exported: the creator
    mark in the GeoPackage's contents or the GeoJSON's description, or a CSV whose header is
    exactly one of geomap's."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if head.startswith(b"SQLite format 3\x00"):
        try:
            with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as database:
                found = database.execute("SELECT description FROM gpkg_contents").fetchall()
        except sqlite3.Error:
            return False
        return bool(found) and all(re.match(r"geomap \d+\.\d+", d or "") for (d,) in found)
    if head.lstrip().startswith(b"{"):
        return _CREATOR_TEXT.search(head) is not None
    first = head.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", "replace")
    return first in _csv_headers()


def _csv_headers() -> set[str]:
    headers = set()
    for timed in ((), TIME_FIELDS):
        headers.add(",".join((*PLACE_FIELDS, *timed, "lon", "lat")))
        headers.add(",".join(("WKT", *TERRITORY_FIELDS, *timed)))
    return headers
