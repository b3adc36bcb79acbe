"""`geomap places find`: the bundled GeoNames gazetteer, best matches first."""

from __future__ import annotations

import json

from click.testing import CliRunner

from geomap.cli import cli
from geomap.world.gazetteer import find_places, normalise


def find(*args: str):
    return CliRunner().invoke(cli, ["places", "find", *args], catch_exceptions=False)


def test_case_accents_and_punctuation_are_ignored():
    assert normalise("Deir ez-Zor") == normalise("deir ez zor") == "deir ez zor"
    assert normalise("Ḩalab") == "halab"


def test_an_exact_name_comes_first_with_its_geonames_record():
    result = find("Kharkiv", "--country", "UA", "--format", "json")
    assert result.exit_code == 0
    best = json.loads(result.stdout)[0]
    assert best == {
        "name": "Kharkiv",
        "country": "UA",
        "lon": 36.25475,
        "lat": 49.98177,
        "population": 1421125,
        "geonameid": 706483,
        "match": "exact",
        "matched": "Kharkiv",
    }


def test_an_alternate_name_finds_the_place_and_says_which_spelling_matched():
    [best] = find_places("Kiev", limit=1)
    assert (best.place.name, best.place.country, best.how, best.matched) == (
        "Kyiv",
        "UA",
        "alias",
        "Kiev",
    )
    [best] = find_places("Al Fashir", limit=1)
    assert (best.place.name, best.place.country, best.how) == ("El Fasher", "SD", "alias")


def test_ranking_is_exact_then_alias_then_prefix_then_fuzzy_then_population():
    hows = [m.how for m in find_places("Halab", limit=3)]
    assert hows == ["alias", "prefix", "fuzzy"]  # Aleppo, Halabja, then a similar spelling
    prefixed = find_places("Mosu", limit=3)
    assert prefixed[0].place.name == "Mosul"  # a prefix of the name before one of an alias
    assert [m.how for m in find_places("Mosull", limit=1)] == ["fuzzy"]
    same_name = find_places("Kyivskyi", "UA", limit=5)
    populations = [m.place.population for m in same_name if m.how == "exact"]
    assert len(populations) >= 2 and populations == sorted(populations, reverse=True)


def test_the_country_filter_keeps_only_that_country():
    assert {m.place.country for m in find_places("Al", "IQ", limit=20)} == {"IQ"}


def test_the_table_has_one_line_per_match_under_a_header():
    result = find("Mariupol")
    assert result.exit_code == 0
    header, first = result.stdout.splitlines()[:2]
    assert header.split() == [
        "name",
        "country",
        "lon",
        "lat",
        "population",
        "geonameid",
        "match",
        "matched",
    ]
    assert first.split() == [
        "Mariupol",
        "UA",
        "37.54131",
        "47.09514",
        "230000",
        "701822",
        "exact",
        "Mariupol",
    ]


def test_no_match_is_exit_status_1_with_a_message():
    result = find("Zzqqxx", "--country", "UA")
    assert result.exit_code == 1
    assert result.stderr == "no place called 'Zzqqxx' in UA in the gazetteer\n"
