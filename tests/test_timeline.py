from datetime import date

import pytest

from geomap.domain.dates import parse_period
from geomap.errors import InputError
from geomap.scenario.load import load_scenario


@pytest.fixture(scope="module")
def timeline():
    from conftest import MINI

    return load_scenario(MINI / "scenario.yaml").timeline


def test_a_partial_date_means_the_end_of_its_month(timeline):
    assert timeline.state_at(parse_period("2017-10").last_day)["raqqa"].holder == "sdf"


def test_the_day_before_a_snapshot_keeps_the_old_holder(timeline):
    state = timeline.state_of("raqqa", date(2017, 10, 16))
    assert (state.holder, state.since) == ("isis", date(2015, 1, 1))


def test_the_snapshot_day_itself_has_the_new_holder_its_source_and_note(timeline):
    state = timeline.state_of("raqqa", date(2017, 10, 17))
    assert state.holder == "sdf"
    assert state.since == date(2017, 10, 17)
    assert state.sources == ("local-raqqa",)
    assert state.note == "Declared on the 17th; some say the 20th."


def test_unmentioned_places_carry_forward(timeline):
    state = timeline.state_of("kobani", date(2017, 11, 30))
    assert (state.holder, state.status, state.by) == ("sdf", "besieged", "isis")
    assert state.since == date(2015, 1, 1)


def test_a_place_never_asserted_is_unknown(timeline):
    state = timeline.state_of("tabqa-dam", date(2017, 11, 30))
    assert (state.holder, state.status, state.since) == (None, "unknown", None)


def test_the_covered_range_runs_from_first_to_last_snapshot(timeline):
    assert timeline.as_of(parse_period("2015-01-01")) == date(2015, 1, 1)
    assert timeline.as_of(parse_period("2017-11")) == date(2017, 11, 30)


@pytest.mark.parametrize("text", ["2014-12-31", "2014", "2017-12-01", "2018"])
def test_dates_outside_the_range_are_errors_naming_the_range(timeline, text):
    with pytest.raises(InputError) as raised:
        timeline.as_of(parse_period(text))
    assert str(raised.value) == (
        f"date {text} is outside the covered range 2015-01-01 to 2017-11-30"
    )


def test_changes_between_two_dates(timeline):
    changes = timeline.changes_between(date(2015, 1, 31), date(2017, 11, 30))
    summary = [
        (c.place_id, c.before.holder, c.before.status, c.after.holder, c.after.status)
        for c in changes
    ]
    assert summary == [
        ("aleppo", "syrian-gov", "contested", "syrian-gov", "held"),
        ("deir-ez-zor", "syrian-gov", "besieged", "syrian-gov", "held"),
        ("raqqa", "isis", "held", "sdf", "held"),
    ]
