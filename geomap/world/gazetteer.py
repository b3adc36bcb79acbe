"""Look places up by name in the bundled world gazetteer (GeoNames cities15000, CC BY 4.0).

Every place of 15,000 people or more, with its alternate names in Latin, Cyrillic, Arabic and
Hebrew script. Matches are ranked exact name > exact alternate name > prefix (of the name, then
of an alternate name) > similar spelling (difflib ratio >= 0.8), then by population. Case,
accents, apostrophes and hyphens are ignored ("deir ez zor" finds Deir ez-Zor).
"""

from __future__ import annotations

import bisect
import difflib
import gzip
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from geomap.world.layers import world_dir

GAZETTEER_FILE = "gazetteer.tsv.gz"
EXACT, ALIAS, PREFIX, FUZZY = "exact", "alias", "prefix", "fuzzy"
MATCH_ORDER = (EXACT, ALIAS, PREFIX, FUZZY)
FUZZY_CUTOFF = 0.8


@dataclass(frozen=True)
class GazetteerPlace:
    geonameid: int
    name: str
    country: str
    lon: float
    lat: float
    population: int
    alternates: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    place: GazetteerPlace
    how: str  # exact, alias, prefix or fuzzy
    matched: str  # the name or alternate name that matched

    def as_dict(self) -> dict:
        p = self.place
        return {
            "name": p.name,
            "country": p.country,
            "lon": p.lon,
            "lat": p.lat,
            "population": p.population,
            "geonameid": p.geonameid,
            "match": self.how,
            "matched": self.matched,
        }


_SEPARATORS = re.compile(r"[\s\-‐‑–—_'’ʻʼ`´.,()/]+")


def normalise(text: str) -> str:
    """Case, accents and punctuation folded away: 'Deir ez-Zor' -> 'deir ez zor'."""
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", folded).strip()


@cache
def gazetteer() -> tuple[GazetteerPlace, ...]:
    places = []
    with gzip.open(world_dir() / GAZETTEER_FILE, "rt", encoding="utf-8") as fh:
        next(fh)  # header
        for line in fh:
            gid, name, country, lon, lat, population, alternates = line.rstrip("\n").split("\t")
            places.append(
                GazetteerPlace(
                    int(gid),
                    name,
                    country,
                    float(lon),
                    float(lat),
                    int(population),
                    tuple(a for a in alternates.split(",") if a),
                )
            )
    return tuple(places)


@cache
def _index() -> dict[str, list[tuple[int, bool]]]:
    """normalised name -> [(index of place, is its main name)]."""
    index: dict[str, list[tuple[int, bool]]] = {}
    for i, place in enumerate(gazetteer()):
        index.setdefault(normalise(place.name), []).append((i, True))
        for alternate in place.alternates:
            key = normalise(alternate)
            if key:
                index.setdefault(key, []).append((i, False))
    return index


def find_places(name: str, country: str | None = None, limit: int = 10) -> list[Match]:
    """The best matches for ``name`` (optionally in one country), best first."""
    query = normalise(name)
    if not query:
        return []
    places = gazetteer()
    index = _index()
    best: dict[int, tuple[int, str, str]] = {}  # place index -> (rank of match kind, how, text)

    def offer(key: str, how: str) -> None:
        for i, is_main in index.get(key, ()):
            place = places[i]
            if country and place.country != country:
                continue
            kind = how
            if how == EXACT and not is_main:
                kind = ALIAS
            matched = place.name if is_main else _original(place, key)
            # a prefix of the main name ranks before a prefix of an alternate name
            rank = 2 * MATCH_ORDER.index(kind) + (0 if is_main else 1)
            if i not in best or rank < best[i][0]:
                best[i] = (rank, kind, matched)

    offer(query, EXACT)
    keys = _sorted_keys()
    for position in range(bisect.bisect_left(keys, query), len(keys)):
        key = keys[position]
        if not key.startswith(query):
            break
        if key != query:
            offer(key, PREFIX)
    if len(best) < limit:
        keys = index if not country else _keys_of_country(country)
        for key in difflib.get_close_matches(query, keys, n=limit * 3, cutoff=FUZZY_CUTOFF):
            offer(key, FUZZY)
    ordered = sorted(
        best.items(),
        key=lambda item: (item[1][0], -places[item[0]].population, places[item[0]].geonameid),
    )
    return [Match(places[i], how, matched) for i, (_, how, matched) in ordered[:limit]]


@cache
def _sorted_keys() -> list[str]:
    return sorted(_index())


@cache
def _keys_of_country(country: str) -> tuple[str, ...]:
    places = gazetteer()
    return tuple(
        key
        for key, entries in _index().items()
        if any(places[i].country == country for i, _ in entries)
    )


def _original(place: GazetteerPlace, key: str) -> str:
    for alternate in place.alternates:
        if normalise(alternate) == key:
            return alternate
    return place.name
