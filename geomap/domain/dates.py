"""Dates as users write them: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

A partial date names a period, and a map "as of" a period shows its last day: ``2017-11`` is the
state on 30 November 2017. Stepping through a range (for series) lives here too.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

_DATE_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

DATE_HELP = "YYYY, YYYY-MM or YYYY-MM-DD; a partial date means the end of its period"


class DateSyntaxError(ValueError):
    """The text is not a date geomap understands; the message says why."""


@dataclass(frozen=True)
class Period:
    """A year, month or day as written by the user, with its first and last day."""

    text: str
    first_day: date
    last_day: date

    def __str__(self) -> str:
        return self.text


def parse_period(text: str) -> Period:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into the period it names."""
    cleaned = str(text).strip()
    match = _DATE_PATTERN.match(cleaned)
    if not match:
        raise DateSyntaxError(f"invalid date '{text}' (expected {DATE_HELP})")
    year_text, month_text, day_text = match.groups()
    year = int(year_text)
    if year < 1:
        raise DateSyntaxError(f"invalid date '{text}': year must be 0001 or later")
    if month_text is None:
        return Period(cleaned, date(year, 1, 1), date(year, 12, 31))
    month = int(month_text)
    if not 1 <= month <= 12:
        raise DateSyntaxError(f"invalid date '{text}': month {month_text} is not 01-12")
    days_in_month = calendar.monthrange(year, month)[1]
    if day_text is None:
        return Period(cleaned, date(year, month, 1), date(year, month, days_in_month))
    day = int(day_text)
    if not 1 <= day <= days_in_month:
        raise DateSyntaxError(
            f"invalid date '{text}': day {day_text} is not in {calendar.month_name[month]} {year}"
        )
    return Period(cleaned, date(year, month, day), date(year, month, day))


def parse_day(text: str) -> date:
    """Parse an exact day ``YYYY-MM-DD`` (snapshot dates must name one day)."""
    period = parse_period(text)
    if period.first_day != period.last_day:
        raise DateSyntaxError(f"invalid date '{text}': expected a day YYYY-MM-DD")
    return period.last_day


def long_date(day: date) -> str:
    """``30 November 2017``: the form used in map titles."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months: a month end stays a month end, other days keep their number
    (clamped to the month's length: 31 January + 1 month is 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    days_in_month = calendar.monthrange(year, month + 1)[1]
    if day == month_end(day):
        return date(year, month + 1, days_in_month)
    return date(year, month + 1, min(day.day, days_in_month))


STEPS = ("day", "week", "month", "quarter", "year")
_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def step_dates(first: date, last: date, every: str) -> Iterator[date]:
    """The as-of dates of a series: ``first``, then one every step counted from ``first``, and
    ``last`` as the final date (the final interval is shorter when the range is not a whole
    number of steps).

    Steps of ``month``, ``quarter`` and ``year`` keep the day of the month (a month end stays a
    month end: from 31 January 2015 quarterly gives 30 April, 31 July, …); ``week`` and ``day``
    add 7 or 1 days.
    """
    if every not in STEPS:
        raise ValueError(f"unknown step {every!r}; expected one of {', '.join(STEPS)}")
    if last < first:
        return
    steps = 0
    current = first
    while current < last:
        yield current
        steps += 1
        if every in _MONTHS:
            current = add_months(first, steps * _MONTHS[every])
        else:
            current = first + timedelta(days=steps * (1 if every == "day" else 7))
    yield last
