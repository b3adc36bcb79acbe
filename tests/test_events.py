"""Changes of hands as events: every change between two dates, each with its date and sources,
not the net difference between the two maps (report, compare and ``diff --events``)."""

import json
from datetime import date

import pytest

from geomap.domain.changes import change_records, event_records
from geomap.domain.model import Assertion
from geomap.domain.timeline import Timeline
from geomap.scenario.load import load_scenario
from geomap.scenario.resources import default_scenario_path
from geomap.scenario.style import load_style

PEAK, END = date(2015, 1, 31), date(2017, 11, 30)


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(default_scenario_path())


def test_a_restatement_is_not_an_event_and_a_fall_and_retake_are_two():
    timeline = Timeline(
        [
            Assertion("x", date(2015, 1, 1), "gov"),
            Assertion("x", date(2015, 2, 1), "gov"),  # restated: no event
            Assertion("x", date(2015, 3, 1), "rebels"),
            Assertion("x", date(2015, 4, 1), "gov", "besieged", "rebels"),
            Assertion("x", date(2015, 5, 1), "gov"),
        ],
        date(2015, 1, 1),
        date(2015, 12, 31),
    )
    events = timeline.events_between(date(2015, 1, 15), date(2015, 5, 1))
    assert [(e.after.since, e.before.holder, e.after.holder, e.after.status) for e in events] == [
        (date(2015, 3, 1), "gov", "rebels", "held"),
        (date(2015, 4, 1), "rebels", "gov", "besieged"),
        (date(2015, 5, 1), "gov", "gov", "held"),
    ]
    assert timeline.events_between(date(2015, 3, 1), date(2015, 3, 31)) == []  # after first
    assert timeline.changes_between(date(2015, 2, 15), date(2015, 5, 1)) == []  # net: none


def test_palmyra_changed_hands_four_times_between_the_peak_and_the_end(scenario):
    records = [r for r in event_records(scenario, PEAK, END) if r["id"] == "palmyra"]
    assert [(r["date"], r["from"], r["to"]) for r in records] == [
        ("2015-05-21", "syrian-gov", "isis"),
        ("2016-03-27", "isis", "syrian-gov"),
        ("2016-12-11", "syrian-gov", "isis"),
        ("2017-03-02", "isis", "syrian-gov"),
    ]
    assert [r["sources"][0]["id"] for r in records] == [
        "chinadaily-reuters-2015-05-22-palmyra",
        "reuters-2016-03-27-palmyra",
        "reuters-2016-12-11-palmyra",
        "topix-ap-2017-03-02-palmyra",
    ]
    assert records[1]["sources"][0]["publisher"] == "Reuters"
    # the net difference does not show Palmyra at all: government-held at both ends
    assert "palmyra" not in {r["id"] for r in change_records(scenario, PEAK, END)}


def test_the_fall_of_ramadi_is_an_event_between_the_peak_and_the_end(scenario):
    records = [r for r in event_records(scenario, PEAK, END) if r["id"] == "ramadi"]
    assert [(r["date"], r["to"], r["to_status"]) for r in records] == [
        ("2015-05-17", "isis", "held"),
        ("2015-11-30", "isis", "besieged"),
        ("2015-12-28", "iraqi-gov", "contested"),
        ("2016-02-09", "iraqi-gov", "held"),
    ]
    assert records[0]["sources"][0]["id"] == "usatoday-2015-05-17-ramadi"


def test_events_are_listed_in_the_order_they_happened(scenario):
    days = [r["date"] for r in event_records(scenario, PEAK, END)]
    assert days == sorted(days)
    assert PEAK.isoformat() < days[0] and days[-1] <= END.isoformat()


def test_diff_events_lists_every_change_and_plain_diff_the_net_difference(run):
    events = json.loads(run("diff", "2016-04", "2017-03", "--events", "--format", "json").stdout)
    net = json.loads(run("diff", "2016-04", "2017-03", "--format", "json").stdout)
    palmyra = [(e["date"], e["to"]) for e in events if e["id"] == "palmyra"]
    assert palmyra == [("2016-12-11", "isis"), ("2017-03-02", "syrian-gov")]
    assert "palmyra" not in {e["id"] for e in net}
    assert len(events) > len(net)


def test_the_reports_changes_of_hands_list_every_event(scenario):
    from geomap.products.pdf import _change_pages

    pages = _change_pages(scenario, load_style(None), [PEAK, date(2016, 6, 30), END])
    texts = [" ".join(t.get_text() for t in page.texts) for page in pages]
    rows = " ".join(texts)
    assert "Palmyra" in rows and "Ramadi" in rows
    for day in ("2015-05-17", "2015-05-21", "2016-03-27", "2016-12-11", "2017-03-02"):
        assert day in rows
    row_dates = [t.get_text() for page in pages for t in page.texts if t.get_text()[:2] == "20"]
    assert len(row_dates) == len(event_records(scenario, PEAK, END))


def test_a_long_change_in_the_report_never_runs_into_the_sources_column(scenario):
    from geomap.products.pdf import SOURCES_X, _change_pages

    pages = _change_pages(scenario, load_style(None), [PEAK, END])
    checked = 0
    for page in pages:
        renderer = page.canvas.get_renderer()
        limit = page.bbox.width * SOURCES_X
        for text in page.texts:
            if text.get_gid() == "change-0.3":
                assert text.get_window_extent(renderer).x1 < limit, text.get_text()
                checked += 1
    assert checked == len(event_records(scenario, PEAK, END))


def test_the_comparison_lists_events_and_rings_every_place_that_changed(scenario):
    from geomap.products.compare import build_comparison

    figure = build_comparison(
        scenario,
        load_style(None),
        date(2016, 11, 30),
        date(2017, 3, 31),
        size_px=(2800, 1250),
        dpi=100,
    )
    texts = [t.get_text() for t in figure.axes[2].texts]
    events = event_records(scenario, date(2016, 11, 30), date(2017, 3, 31))
    assert f"Changes of hands ({len(events)})" in texts
    gov, isis = (scenario.factions[f].short for f in ("syrian-gov", "isis"))
    assert f"Palmyra: {gov} → {isis}  (2016-12-11)" in texts
    assert f"Palmyra: {isis} → {gov}  (2017-03-02)" in texts
    rings = [a for a in figure.axes[1].get_children() if a.get_gid() == "changes"]
    assert len(rings[0].get_offsets()) == len({e["id"] for e in events})
