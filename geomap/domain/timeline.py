"""Who held what on a given day: carry forward the latest assertion on or before it.

A state's ``since`` is the day it began: an assertion that restates the same holder, status and
besieger keeps the earlier day (and the sources that dated it); ``asserted`` is the day it was last
restated. Pure and fast: assertions sorted once per place, each run of restatements found once,
then a bisect per place and date.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from geomap.domain.dates import Period
from geomap.domain.model import Assertion, PlaceState, Snapshot
from geomap.errors import InputError
from geomap.notices import notice


def _run_starts(assertions: list[Assertion]) -> list[int]:
    """For each assertion (sorted by date), the index of the one that began its state: the first
    of the unbroken run with the same holder, status and besieger."""
    starts: list[int] = []
    for index, assertion in enumerate(assertions):
        if index and _same_state(assertions[index - 1], assertion):
            starts.append(starts[-1])
        else:
            starts.append(index)
    return starts


def _same_state(a: Assertion, b: Assertion) -> bool:
    return (a.holder, a.status, a.by) == (b.holder, b.status, b.by)


@dataclass(frozen=True)
class Change:
    """A place changed holder or status between two dates."""

    place_id: str
    before: PlaceState | None
    after: PlaceState


class Timeline:
    """Assertions of every place, sorted by date, and the range of dates they cover."""

    def __init__(self, assertions: Iterable[Assertion], first_day: date, last_day: date):
        by_place: dict[str, list[Assertion]] = {}
        for assertion in sorted(assertions, key=lambda a: (a.place_id, a.date)):
            by_place.setdefault(assertion.place_id, []).append(assertion)
        self._assertions = by_place
        self._dates = {place: [a.date for a in items] for place, items in by_place.items()}
        self._began = {place: _run_starts(items) for place, items in by_place.items()}
        self.first_day = first_day
        self.last_day = last_day

    @classmethod
    def from_snapshots(cls, snapshots: Iterable[Snapshot]) -> Timeline:
        snapshots = list(snapshots)
        days = [s.date for s in snapshots]
        assertions = [a for s in snapshots for a in s.assertions]
        return cls(assertions, min(days), max(days))

    @property
    def change_days(self) -> list[date]:
        """Every day on which something was asserted, in order."""
        return sorted({day for days in self._dates.values() for day in days})

    def covered_range(self) -> str:
        return f"{self.first_day.isoformat()} to {self.last_day.isoformat()}"

    def as_of(self, period: Period) -> date:
        """The day a map of ``period`` shows (its last day), checked against the covered range.

        A period that begins inside the covered range but ends after it (``2017`` when the data
        ends on 30 November 2017) means the last covered day, and a notice says so.
        """
        day = period.last_day
        if period.first_day <= self.last_day < day:
            notice(
                f"geomap: {period.text} means {self.last_day.isoformat()}, "
                f"the last day the snapshots cover"
            )
            return self.last_day
        if day < self.first_day or day > self.last_day:
            raise InputError.at(
                None,
                f"date {period.text} is outside the covered range {self.covered_range()}",
            )
        return day

    def state_of(self, place_id: str, day: date) -> PlaceState:
        dates = self._dates.get(place_id)
        index = bisect.bisect_right(dates, day) - 1 if dates else -1
        if index < 0:
            return PlaceState(place_id, None, "unknown", None, None, ())
        assertions = self._assertions[place_id]
        latest = assertions[index]
        first = assertions[self._began[place_id][index]]
        return PlaceState(
            place_id,
            latest.holder,
            latest.status,
            latest.by,
            first.date,
            first.sources,
            latest.note if latest.note is not None else first.note,
            asserted=latest.date,
        )

    def state_at(self, day: date, place_ids: Iterable[str] | None = None) -> dict[str, PlaceState]:
        """The state of every place (or of ``place_ids``) on ``day``."""
        ids = self._assertions.keys() if place_ids is None else place_ids
        return {place_id: self.state_of(place_id, day) for place_id in ids}

    def changes_between(
        self, first: date, second: date, place_ids: Iterable[str] | None = None
    ) -> list[Change]:
        """Places whose holder, status or besieger differs between ``first`` and ``second``."""
        ids = sorted(self._assertions.keys() if place_ids is None else place_ids)
        changes = []
        for place_id in ids:
            before = self.state_of(place_id, first)
            after = self.state_of(place_id, second)
            if (before.holder, before.status, before.by) != (after.holder, after.status, after.by):
                changes.append(Change(place_id, before if before.known else None, after))
        return changes

    def events_between(
        self, first: date, second: date, place_ids: Iterable[str] | None = None
    ) -> list[Change]:
        """Every change of hands after ``first`` up to and including ``second``, in date order.

        A change is the start of a new state (holder, status or besieger); a restatement of the
        same state is not one. ``after`` is the state as of that day (its ``since`` is the day and
        its sources those of the assertion), ``before`` the state the day before. A place that
        fell and was retaken between the dates gives two changes (``changes_between`` none).
        """
        ids = sorted(self._assertions.keys() if place_ids is None else place_ids)
        events = []
        for place_id in ids:
            dates = self._dates.get(place_id, [])
            began = self._began.get(place_id, [])
            start = bisect.bisect_right(dates, first)
            for index in range(start, bisect.bisect_right(dates, second)):
                if began[index] != index:
                    continue  # a restatement
                day = dates[index]
                before = self.state_of(place_id, day - timedelta(days=1))
                after = self.state_of(place_id, day)
                events.append(Change(place_id, before if before.known else None, after))
        events.sort(key=lambda change: change.after.since)
        return events
