"""The bundled scenario: it validates, every claim is sourced, and the turning points resolve as
the sources (and the article the project started from) say."""

from datetime import date
from pathlib import Path

import pytest

from geomap.domain.dates import parse_period
from geomap.scenario.load import load_scenario
from geomap.scenario.resources import default_scenario_path


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(default_scenario_path())


def holder(scenario, place_id: str, when: str) -> tuple[str, str]:
    state = scenario.timeline.state_of(place_id, parse_period(when).last_day)
    return state.holder, state.status


def test_it_covers_june_2014_to_november_2017_with_a_snapshot_every_month(scenario):
    timeline = scenario.timeline
    assert (timeline.first_day, timeline.last_day) == (date(2014, 6, 1), date(2017, 11, 30))
    months = {(s.date.year, s.date.month) for s in scenario.snapshots}
    expected = {
        (y, m) for y in range(2014, 2018) for m in range(1, 13) if (2014, 6) <= (y, m) <= (2017, 11)
    }
    assert expected <= months


def test_the_gazetteer_has_the_places_of_the_war(scenario):
    assert len(scenario.places) >= 60
    for place_id in (
        "raqqa",
        "mosul",
        "tal-afar",
        "sinjar",
        "ramadi",
        "fallujah",
        "tikrit",
        "baiji",
        "hit",
        "haditha",
        "rawa",
        "rutba",
        "hawija",
        "palmyra",
        "qaryatayn",
        "sukhnah",
        "mayadin",
        "manbij",
        "al-bab",
        "jarabulus",
        "tabqa",
        "kobani",
        "hasakah",
        "dabiq",
        "aleppo",
        "deir-ez-zor",
        "al-bukamal",
        "al-qaim",
        "kirkuk",
    ):
        assert place_id in scenario.places
    assert {"Abu Kamal", "Albu Kamal"} <= set(scenario.places["al-bukamal"].aliases)
    assert "Deir al-Zour" in scenario.places["deir-ez-zor"].aliases


def test_every_claim_cites_a_defined_source_with_publisher_title_and_date(scenario):
    for snapshot in scenario.snapshots:
        for assertion in snapshot.assertions:
            assert assertion.sources, f"{snapshot.path}: {assertion.place_id} has no source"
            for source_id in assertion.sources:
                citation = scenario.citations[source_id]
                assert citation.publisher and citation.title and citation.date


def test_the_baseline_names_a_holder_for_every_place(scenario):
    # every town and site; areas (baseline provinces, zones) are asserted from their source's day
    states = scenario.timeline.state_at(date(2014, 6, 1), scenario.places)
    points = [p.id for p in scenario.places.values() if p.geometry.geom_type == "Point"]
    assert all(states[place_id].holder for place_id in points)
    areas = {p.id for p in scenario.places.values() if p.geometry.geom_type != "Point"}
    assert {p for p in areas if p in states and states[p].holder} == {
        "kurdistan-region",
        "southern-iraq",
    }


def test_baseline_regions_fill_the_desert_after_the_2017_campaigns(scenario):
    before = scenario.timeline.state_at(date(2017, 5, 17), scenario.places)
    after = scenario.timeline.state_at(date(2017, 11, 30), scenario.places)
    for region in ("homs-governorate", "rif-dimashq-governorate", "suwayda-governorate"):
        assert region not in before or not before[region].holder
        assert after[region].holder == "syrian-gov"
    assert after["al-tanf-zone"].holder == "rebels"
    assert after["al-tanf-zone"].since == date(2017, 5, 18)
    assert after["homs-governorate"].since == date(2017, 8, 5)
    assert after["hasakah-governorate"].holder == "sdf"
    assert after["hasakah-governorate"].since == date(2017, 11, 9)  # Markada
    assert after["jazira"].holder == "sdf"
    assert after["jazira"].since == date(2017, 10, 22)  # al-Omar


@pytest.mark.parametrize(
    ("place_id", "when", "expected"),
    [
        ("mosul", "2014-06-09", "iraqi-gov"),
        ("mosul", "2014-06-10", "isis"),
        ("kirkuk", "2014-06-12", "peshmerga"),
        ("tikrit", "2015-04-01", "iraqi-gov"),
        ("ramadi", "2015-05-17", "isis"),
        ("palmyra", "2015-05-21", "isis"),
        ("palmyra", "2016-03-27", "syrian-gov"),
        ("palmyra", "2016-12-11", "isis"),
        ("palmyra", "2017-03-02", "syrian-gov"),
        ("fallujah", "2016-06-26", "iraqi-gov"),
        ("jarabulus", "2016-08-24", "turkey"),
        ("mosul", "2017-07-10", "iraqi-gov"),
        ("raqqa", "2017-06-05", "isis"),
        ("raqqa", "2017-10-17", "sdf"),
        ("kirkuk", "2017-10-15", "peshmerga"),
        ("kirkuk", "2017-10-16", "iraqi-gov"),
        ("al-qaim", "2017-11-03", "iraqi-gov"),
        ("deir-ez-zor", "2017-11-03", "syrian-gov"),
    ],
)
def test_turning_points(scenario, place_id, when, expected):
    assert holder(scenario, place_id, when)[0] == expected


def test_raqqa_was_fought_over_until_it_fell(scenario):
    assert holder(scenario, "raqqa", "2017-10-16") == ("sdf", "contested")
    assert holder(scenario, "raqqa", "2017-10-17") == ("sdf", "held")


def test_january_2015_isis_holds_a_band_from_aleppo_province_to_near_baghdad(scenario):
    for place_id in (
        "al-bab",
        "manbij",
        "jarabulus",
        "dabiq",
        "raqqa",
        "mayadin",
        "mosul",
        "tikrit",
        "fallujah",
    ):
        assert holder(scenario, place_id, "2015-01")[0] == "isis", place_id
    assert holder(scenario, "deir-ez-zor", "2015-01") == ("syrian-gov", "besieged")
    assert holder(scenario, "aleppo", "2015-01")[1] == "contested"


def test_november_2017_matches_the_article(scenario):
    assert holder(scenario, "deir-ez-zor", "2017-11")[0] == "syrian-gov"
    assert holder(scenario, "al-qaim", "2017-11")[0] == "iraqi-gov"
    assert holder(scenario, "raqqa", "2017-11")[0] == "sdf"
    assert holder(scenario, "kirkuk", "2017-11")[0] == "iraqi-gov"
    assert holder(scenario, "aleppo", "2017-11") == ("syrian-gov", "held")
    isis_places = [
        p
        for p, s in scenario.timeline.state_at(date(2017, 11, 30), scenario.places).items()
        if (s.holder == "isis" or s.by == "isis") and not scenario.places[p].is_area
    ]
    assert 0 < len(isis_places) < 10  # towns of its last pockets (its desert is an area place)
    assert all(scenario.places[p].country in ("SY", "IQ") for p in isis_places)


@pytest.mark.parametrize(
    ("place_id", "holder_id", "earliest", "latest"),
    [
        ("raqqa", "sdf", date(2017, 10, 17), date(2017, 10, 20)),
        ("kirkuk", "iraqi-gov", date(2017, 10, 16), date(2017, 10, 16)),
        ("al-bukamal", "syrian-gov", date(2017, 11, 19), date(2017, 11, 19)),
    ],
)
def test_since_is_the_day_the_state_began_not_the_last_restatement(
    scenario, place_id, holder_id, earliest, latest
):
    state = scenario.timeline.state_of(place_id, date(2017, 11, 30))
    assert (state.holder, state.status) == (holder_id, "held")
    assert earliest <= state.since <= latest
    assert state.asserted == date(2017, 11, 30)


def test_changes_are_dated_the_day_they_happened(scenario):
    from geomap.domain.changes import change_records

    records = {r["id"]: r for r in change_records(scenario, date(2017, 10, 1), date(2017, 11, 30))}
    assert records["raqqa"]["date"] == "2017-10-17"
    assert records["kirkuk"]["date"] == "2017-10-16"
    assert records["al-bukamal"]["date"] == "2017-11-19"


GOVERNORATE_CAPITALS = {
    "SY": [
        "damascus",
        "aleppo",
        "homs",
        "hama",
        "latakia",
        "tartus",
        "idlib",
        "raqqa",
        "deir-ez-zor",
        "hasakah",
        "daraa",
        "as-suwayda",
        "quneitra",
    ],
    "IQ": [
        "baghdad",
        "basra",
        "mosul",
        "erbil",
        "kirkuk",
        "sulaymaniyah",
        "duhok",
        "ramadi",
        "tikrit",
        "baqubah",
        "kut",
        "hillah",
        "karbala",
        "najaf",
        "diwaniyah",
        "samawah",
        "nasiriyah",
        "amarah",
    ],
}


@pytest.mark.parametrize("country", ["SY", "IQ"])
def test_every_governorate_capital_is_a_place_with_a_history(scenario, country):
    # Syria: 14 governorates, 13 seats (Rif Dimashq is governed from Damascus); Iraq: 18.
    capitals = GOVERNORATE_CAPITALS[country]
    assert len(set(capitals)) == {"SY": 13, "IQ": 18}[country]
    assert [p for p in capitals if p not in scenario.places] == []
    for place_id in capitals:
        assert scenario.places[place_id].country == country
        assert scenario.timeline.state_of(place_id, date(2014, 6, 1)).holder, place_id


def test_the_gazetteer_has_at_least_160_places(scenario):
    assert len(scenario.places) >= 160


@pytest.mark.parametrize(
    ("place_id", "when", "expected"),
    [
        ("idlib", "2015-01", ("syrian-gov", "held")),
        ("jisr-al-shughur", "2015-04-24", ("syrian-gov", "held")),
        ("jisr-al-shughur", "2015-04-25", ("hts", "held")),
        ("harim", "2014-07-21", ("rebels", "held")),
        ("harim", "2014-07-22", ("hts", "held")),
        ("idlib", "2016-06", ("rebels", "held")),
        ("al-fuah", "2015-03-27", ("syrian-gov", "held")),
        ("al-fuah", "2016-06", ("syrian-gov", "besieged")),
        ("kafriya", "2017-11", ("syrian-gov", "besieged")),
        ("maarat-al-numan", "2016-03-13", ("rebels", "contested")),
        ("khan-shaykhun", "2016-06", ("hts", "held")),
        ("uqayribat", "2017-08-31", ("isis", "besieged")),
        ("uqayribat", "2017-09-01", ("syrian-gov", "held")),
        ("al-asharah", "2017-11-26", ("isis", "held")),
        ("al-asharah", "2017-11-27", ("syrian-gov", "held")),
        ("jamla", "2016-05-20", ("rebels", "held")),
        ("al-atarib", "2017-11", ("rebels", "held")),
        ("al-safira", "2016-06", ("syrian-gov", "held")),
        ("tafas", "2017-11", ("rebels", "held")),
        ("jisr-al-shughur", "2017-07-23", ("hts", "held")),
        ("maarat-al-numan", "2015-01", ("rebels", "held")),
        ("douma", "2017-11", ("rebels", "besieged")),
        ("rastan", "2016-06", ("rebels", "besieged")),
        ("bosra", "2015-03-25", ("rebels", "held")),
        ("darayya", "2016-08-27", ("syrian-gov", "held")),
        ("nubl", "2016-02-02", ("syrian-gov", "besieged")),
        ("nubl", "2016-02-03", ("syrian-gov", "held")),
        ("yarmouk-camp", "2015-03-31", ("rebels", "besieged")),
        ("yarmouk-camp", "2017-11", ("isis", "besieged")),
        ("hajar-al-aswad", "2017-11", ("isis", "besieged")),
        ("tasil", "2017-11", ("isis", "held")),
        ("shajara", "2017-11", ("isis", "besieged")),
        ("afrin", "2017-11", ("sdf", "held")),
        ("tal-rifaat", "2016-02-15", ("sdf", "held")),
        ("al-susah", "2017-11", ("isis", "held")),
    ],
)
def test_every_syrian_front(scenario, place_id, when, expected):
    assert holder(scenario, place_id, when) == expected


def test_al_nusra_holds_ground_in_every_month_from_july_2014_to_july_2017(scenario):
    # Issue 12: the map showed al-Nusra/HTS holding nothing between these dates.
    months = [(y, m) for y in range(2014, 2018) for m in range(1, 13)]
    months = [ym for ym in months if (2014, 7) <= ym <= (2017, 7)]
    for y, m in months:
        states = scenario.timeline.state_at(date(y, m, 28), scenario.places)
        hts = sorted(p for p, s in states.items() if s.holder == "hts")
        assert len(hts) >= 2, (y, m, hts)


def test_besieging_factions_follow_the_besiegers(scenario):
    assert scenario.timeline.state_of("al-fuah", date(2016, 6, 1)).by == "rebels"
    assert scenario.timeline.state_of("al-fuah", date(2017, 11, 30)).by == "hts"


def test_late_2017_isis_still_holds_pockets_beyond_hajin(scenario):
    states = scenario.timeline.state_at(date(2017, 11, 30), scenario.places)
    isis = {p for p, s in states.items() if s.holder == "isis"}
    assert {
        "hajin",
        "al-susah",
        "al-shaafa",
        "baghuz",
        "yarmouk-camp",
        "hajar-al-aswad",
        "tasil",
        "shajara",
        "jamla",
    } <= isis
    hts = {p for p, s in states.items() if s.holder == "hts"}
    assert {"idlib", "jisr-al-shughur", "saraqib"} <= hts


def test_the_bundled_data_stays_small():
    """data/ holds under 2 MB besides the settlement layer (the world layer is package data)."""
    data = Path(__file__).parent.parent / "data"
    sizes = {
        path.relative_to(data).as_posix(): path.stat().st_size
        for path in data.rglob("*")
        if path.is_file() and path.name != "settlements.geojson"
    }
    assert sum(sizes.values()) < 2_000_000, sorted(sizes.items(), key=lambda kv: -kv[1])[:5]
