"""What changed hands between two dates, as records (pure)."""

from __future__ import annotations

from datetime import date

from geomap.domain.model import PlaceState
from geomap.scenario.load import Scenario

CHANGE_KEYS = (
    "id",
    "name",
    "from",
    "from_status",
    "from_by",
    "to",
    "to_status",
    "to_by",
    "date",
    "sources",
)


def describe(state: PlaceState | None, factions) -> str:
    """``ISIS`` or ``Syrian government (besieged by ISIS)`` for a table or a figure."""
    if state is None or state.holder is None:
        return "unknown"

    def short(faction_id: str | None) -> str:
        faction = factions.get(faction_id)
        return faction.short if faction else str(faction_id)

    if state.status == "held":
        return short(state.holder)
    return f"{short(state.holder)} ({state.status} by {short(state.by)})"


def describe_side(record: dict, side: str, factions) -> str:
    """``describe`` for the ``from`` or ``to`` side of a change record."""
    if record[side] is None:
        return "unknown"
    state = PlaceState(
        record["id"], record[side], record[f"{side}_status"], record[f"{side}_by"], None, ()
    )
    return describe(state, factions)


def change_records(scenario: Scenario, first: date, second: date) -> list[dict]:
    """Every place whose holder or status differs between ``first`` and ``second`` (the net
    difference), in the order the changes happened."""
    changes = scenario.timeline.changes_between(first, second, scenario.places)
    return _records(scenario, changes)


def event_records(scenario: Scenario, first: date, second: date) -> list[dict]:
    """Every change of hands after ``first`` up to ``second`` (events, each with its date and
    sources): Palmyra, lost and retaken twice in 2015-2017, gives four."""
    changes = scenario.timeline.events_between(first, second, scenario.places)
    return _records(scenario, changes)


def _records(scenario: Scenario, changes) -> list[dict]:
    records = []
    for change in changes:
        place = scenario.places[change.place_id]
        before, after = change.before, change.after
        records.append(
            {
                "id": place.id,
                "name": place.name,
                "from": before.holder if before else None,
                "from_status": before.status if before else "unknown",
                "from_by": before.by if before else None,
                "to": after.holder,
                "to_status": after.status,
                "to_by": after.by,
                "date": after.since.isoformat() if after.since else None,
                "sources": [
                    scenario.citations[s].as_dict() if s in scenario.citations else {"id": s}
                    for s in after.sources
                ],
                "_rank": place.rank,
            }
        )
    records.sort(key=lambda r: (r["date"] or "", r["_rank"], r["id"]))
    for record in records:
        del record["_rank"]
    return records
