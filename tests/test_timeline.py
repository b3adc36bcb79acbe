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


def _assert(place, day, holder, status="held", by=None, source="s"):
    from geomap.domain.model import Assertion

    return Assertion(place, date.fromisoformat(day), holder, status, by, (source,))


def test_a_restatement_keeps_the_day_the_state_began_and_the_sources_that_dated_it():
    from geomap.domain.timeline import Timeline

    timeline = Timeline(
        [
            _assert("x", "2016-01-01", "isis", source="first"),
            _assert("x", "2016-05-01", "isis", source="again"),
            _assert("x", "2016-09-01", "sdf", "contested", "isis", source="fight"),
            _assert("x", "2016-10-01", "sdf", source="fall"),
            _assert("x", "2017-01-01", "sdf", source="restated"),
            _assert("x", "2017-06-01", "sdf", source="restated-again"),
        ],
        date(2016, 1, 1),
        date(2017, 12, 31),
    )
    early = timeline.state_of("x", date(2016, 8, 31))
    assert (early.holder, early.since, early.asserted, early.sources) == (
        "isis",
        date(2016, 1, 1),
        date(2016, 5, 1),
        ("first",),
    )
    contested = timeline.state_of("x", date(2016, 9, 30))
    assert (contested.status, contested.since) == ("contested", date(2016, 9, 1))
    late = timeline.state_of("x", date(2017, 12, 31))
    assert (late.holder, late.status, late.since, late.asserted, late.sources) == (
        "sdf",
        "held",
        date(2016, 10, 1),
        date(2017, 6, 1),
        ("fall",),
    )


def test_staleness_follows_the_latest_restatement_not_the_start():
    from geomap.domain.join import join_states
    from geomap.domain.model import PlaceState

    state = PlaceState("x", "sdf", "held", None, date(2016, 1, 1), (), asserted=date(2017, 6, 1))
    places = {"x": _FakePlace("x")}
    [item] = join_states(places, {"x": state}, date(2017, 7, 1), stale_after_days=90)
    assert not item.stale
    [item] = join_states(places, {"x": state}, date(2017, 10, 1), stale_after_days=90)
    assert item.stale


class _FakePlace:
    def __init__(self, place_id):
        self.id = place_id
        self.rank = 1
