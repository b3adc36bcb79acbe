"""The Iraq side of the bundled scenario: the whole country is on the map, the never-taken south
and the Kurdistan Region are held from the first day, and the dates corrected in issue 12 resolve
as the sources cited for them say (contested and besieged periods included)."""

from datetime import date

import pytest

from geomap.domain.dates import parse_period
from geomap.scenario.load import load_scenario
from geomap.scenario.resources import default_scenario_path

SOUTHERN_CAPITALS = (
    "basra",
    "karbala",
    "najaf",
    "hillah",
    "diwaniyah",
    "samawah",
    "nasiriyah",
    "amarah",
    "kut",
)
KURDISTAN_REGION_CAPITALS = ("erbil", "sulaymaniyah", "duhok", "halabja")
# The seats of the Kurdistan Region's districts (Wikipedia "Districts of Iraq"; ReliefWeb's
# Sulaymaniyah assessment) and of the districts it administered outside its three governorates
KURDISTAN_REGION_DISTRICT_SEATS = (
    *("zakho", "amadiya", "simele", "koya", "choman", "mergasur", "shaqlawa", "soran"),
    *("ranya", "dukan", "penjwen", "chwarta", "qaladze", "kalar", "darbandikhan", "chamchamal"),
    *("akre", "sheikhan", "kifri"),
)
OTHER_CAPITALS = ("baghdad", "mosul", "kirkuk", "ramadi", "tikrit", "baqubah")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(default_scenario_path())


def state(scenario, place_id: str, when: str) -> tuple[str | None, str, str | None]:
    found = scenario.timeline.state_of(place_id, parse_period(when).last_day)
    return found.holder, found.status, found.by


def test_the_iraqi_half_of_the_gazetteer_covers_every_governorate_and_front(scenario):
    iraqi = {pid for pid, place in scenario.places.items() if place.country == "IQ"}
    assert len(iraqi) >= 90
    capitals = set(SOUTHERN_CAPITALS) | set(KURDISTAN_REGION_CAPITALS) | set(OTHER_CAPITALS)
    assert len(capitals) == 19  # Iraq's eighteen governorates and Halabja (2014)
    assert capitals <= iraqi
    for front_town in (
        "jurf-al-sakhar",
        "dhuluiyah",
        "saadiya",
        "altun-kupri",
        "zummar",
        "bartella",
        "hammam-al-alil",
        "hatra",
        "sinuni",
    ):
        assert front_town in iraqi


@pytest.mark.parametrize("place_id", SOUTHERN_CAPITALS)
def test_the_south_is_government_held_from_the_first_day_to_the_last(scenario, place_id):
    days = sorted({s.date for s in scenario.snapshots})
    assert days[0] == date(2014, 6, 1)
    for day in days:
        assert scenario.timeline.state_of(place_id, day).holder == "iraqi-gov", day


@pytest.mark.parametrize("place_id", KURDISTAN_REGION_CAPITALS)
def test_the_kurdistan_region_capitals_are_held_by_the_peshmerga_throughout(scenario, place_id):
    for when in ("2014-06-01", "2014-08-08", "2017-10-20", "2017-11-30"):
        assert state(scenario, place_id, when) == ("peshmerga", "held", None)


@pytest.mark.parametrize("place_id", KURDISTAN_REGION_DISTRICT_SEATS)
def test_the_kurdistan_regions_district_seats_stay_kurdish_after_the_october_2017_withdrawal(
    scenario, place_id
):
    assert scenario.places[place_id].country == "IQ"
    for when in ("2014-06-01", "2014-08-08", "2017-10-16", "2017-10-20", "2017-11-30"):
        assert state(scenario, place_id, when) == ("peshmerga", "held", None)


def test_trebil_was_retaken_two_days_after_it_fell_and_fought_over_afterwards(scenario):
    assert state(scenario, "trebil-crossing", "2014-06-23") == ("isis", "held", None)
    assert state(scenario, "trebil-crossing", "2014-07-15") == ("iraqi-gov", "contested", "isis")
    assert state(scenario, "trebil-crossing", "2015-01-15") == ("iraqi-gov", "contested", "isis")


def test_sinjar_was_divided_from_december_2014_until_november_2015(scenario):
    assert state(scenario, "sinjar", "2014-12-20") == ("isis", "held", None)
    assert state(scenario, "sinjar", "2015-06-30") == ("isis", "contested", "peshmerga")
    assert state(scenario, "sinjar", "2015-11-13") == ("peshmerga", "held", None)


def test_baiji_was_contested_from_june_to_october_2015(scenario):
    assert state(scenario, "baiji", "2015-06-08") == ("isis", "held", None)
    for when in ("2015-06-09", "2015-08-15", "2015-10-21"):
        assert state(scenario, "baiji", when) == ("iraqi-gov", "contested", "isis")
    assert state(scenario, "baiji", "2015-10-22") == ("iraqi-gov", "held", None)


def test_fallujah_was_encircled_from_february_2016(scenario):
    assert state(scenario, "fallujah", "2016-02-01") == ("isis", "held", None)
    assert state(scenario, "fallujah", "2016-03-01") == ("isis", "besieged", "iraqi-gov")


def test_amiriyat_al_fallujah_was_besieged_by_isis_from_october_2014(scenario):
    assert state(scenario, "amiriyat-al-fallujah", "2014-10-14") == ("iraqi-gov", "held", None)
    assert state(scenario, "amiriyat-al-fallujah", "2014-11-01") == (
        "iraqi-gov",
        "besieged",
        "isis",
    )


def test_anahs_recapture_is_dated_to_its_announcement(scenario):
    assert state(scenario, "ana", "2017-09-20") == ("isis", "held", None)
    assert state(scenario, "ana", "2017-09-21") == ("iraqi-gov", "held", None)


def test_al_bukamal_fell_to_isis_in_early_july_not_on_the_day_of_the_local_pledge(scenario):
    assert state(scenario, "al-bukamal", "2014-06-25") == ("hts", "contested", "isis")
    assert state(scenario, "al-bukamal", "2014-06-30") == ("hts", "contested", "isis")
    assert state(scenario, "al-bukamal", "2014-07-01") == ("isis", "held", None)


@pytest.mark.parametrize(
    ("place_id", "when", "besieger"),
    [
        ("ramadi", "2015-12-01", "iraqi-gov"),
        ("hawija", "2017-01-01", "iraqi-gov"),
        ("tal-afar", "2017-05-01", "iraqi-gov"),
    ],
)
def test_isis_strongholds_were_encircled_before_they_were_stormed(
    scenario, place_id, when, besieger
):
    assert state(scenario, place_id, when) == ("isis", "besieged", besieger)


@pytest.mark.parametrize(
    ("place_id", "when", "expected"),
    [
        ("saadiya", "2014-11-22", "isis"),
        ("saadiya", "2014-11-23", "iraqi-gov"),
        ("jurf-al-sakhar", "2014-10-25", "iraqi-gov"),
        ("dhuluiyah", "2014-12-30", "iraqi-gov"),
        ("zummar", "2014-10-25", "peshmerga"),
        ("al-alam", "2015-03-10", "iraqi-gov"),
        ("bartella", "2016-10-19", "isis"),
        ("bartella", "2016-10-20", "iraqi-gov"),
        ("hammam-al-alil", "2016-11-07", "iraqi-gov"),
        ("tel-keppe", "2017-01-19", "iraqi-gov"),
        ("hatra", "2017-04-26", "isis"),
        ("hatra", "2017-04-27", "iraqi-gov"),
        ("altun-kupri", "2017-10-19", "peshmerga"),
        ("altun-kupri", "2017-10-20", "iraqi-gov"),
        ("khanaqin", "2017-10-17", "iraqi-gov"),
        ("kubaysa", "2014-10-04", "isis"),
        ("kubaysa", "2016-03-25", "iraqi-gov"),
        ("baghdadi", "2015-03-05", "isis"),
        ("baghdadi", "2015-03-06", "iraqi-gov"),
        ("ar-riyadh", "2017-10-04", "isis"),
        ("ar-riyadh", "2017-10-05", "iraqi-gov"),
        ("sinuni", "2014-12-17", "isis"),
        ("sinuni", "2014-12-18", "peshmerga"),
    ],
)
def test_iraqi_turning_points(scenario, place_id, when, expected):
    assert state(scenario, place_id, when)[0] == expected
