"""Milestones: dated, sourced events marked on charts (``data/milestones.yaml``).

```yaml
sources:                    # optional: citations used only here (same form as data/sources.yaml)
  bbc-2017-10-17-raqqa:
    publisher: BBC News
    title: "Raqqa: IS 'capital' falls to US-backed Syrian forces"
    date: 2017-10-17
milestones:
  - date: 2017-10-17
    label: Raqqa falls to the SDF
    source: bbc-2017-10-17-raqqa   # one id or a list; ids may also come from the scenario
figures:                    # optional: published figures that charts overlay on the estimate
  - date: 2015-12-14
    faction: isis
    measure: area           # area (km²) or population (people)
    value: 78000
    country: SY             # optional: a figure for one country only
    source: ihs-2015-12-21
```
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from geomap.domain.dates import DateSyntaxError, parse_day
from geomap.domain.model import Citation
from geomap.errors import Location, ProblemLog
from geomap.io.schema import check_keys, did_you_mean, expect_map, expect_text, expect_text_list
from geomap.io.yamlfile import load_yaml
from geomap.scenario.citations import citations_of

MILESTONES_FILE_KEYS = ("sources", "milestones", "figures")
MILESTONE_KEYS = ("date", "label", "source", "note")
FIGURE_KEYS = ("date", "faction", "measure", "value", "country", "source", "note")
MEASURES = ("area", "population")
MAX_LABEL = 48


@dataclass(frozen=True)
class Milestone:
    """An event worth marking on a chart of areas over time."""

    date: date
    label: str
    sources: tuple[Citation, ...]
    note: str | None = None
    location: Location | None = None


@dataclass(frozen=True)
class PublishedFigure:
    """A published estimate of one faction's area (km²) or population on one day."""

    date: date
    faction: str
    measure: str  # "area" or "population"
    value: float
    sources: tuple[Citation, ...]
    country: str | None = None
    note: str | None = None
    location: Location | None = None


def load_milestones(
    path: str | os.PathLike[str], citations: Mapping[str, Citation] | None = None
) -> tuple[Milestone, ...]:
    """The milestones of ``path``, sorted by date; every problem raised together.

    Source ids are looked up among the file's own ``sources`` first, then in ``citations``
    (the scenario's).
    """
    log = ProblemLog()
    document = load_yaml(path)
    where = Location(Location.of_file(path).path, 1, 1)
    mapping = expect_map(document, log, where, "a milestones file")
    log.raise_if_any()
    check_keys(mapping, MILESTONES_FILE_KEYS, log, "milestones file", required=("milestones",))
    known: dict[str, Citation] = dict(citations or {})
    if "sources" in mapping:
        local = expect_map(mapping["sources"], log, mapping.key_loc("sources"), "'sources'")
        if local is not None:
            known.update(citations_of(local, log, mapping.key_loc("sources")))
    entries = mapping.get("milestones")
    milestones: list[Milestone] = []
    if entries is not None and not isinstance(entries, list):
        log.add(mapping.value_loc("milestones"), "'milestones' must be a list of events")
        entries = []
    for entry in entries or []:
        milestone = _milestone(entry, getattr(entries, "loc", where), known, log)
        if milestone is not None:
            milestones.append(milestone)
    log.raise_if_any()
    return tuple(sorted(milestones, key=lambda m: (m.date, m.label)))


def _milestone(
    entry, fallback: Location, known: Mapping[str, Citation], log: ProblemLog
) -> Milestone | None:
    fields = expect_map(entry, log, fallback, "a milestone")
    if fields is None:
        return None
    where = fields.loc
    before = len(log.problems)
    check_keys(fields, MILESTONE_KEYS, log, "milestone", required=("date", "label", "source"))
    day = None
    if "date" in fields:
        raw = fields["date"]
        try:
            day = parse_day(raw) if isinstance(raw, str) else None
        except DateSyntaxError as error:
            log.add(fields.value_loc("date"), str(error))
        else:
            if day is None:
                log.add(fields.value_loc("date"), "a milestone's date must be YYYY-MM-DD")
    label = None
    if "label" in fields:
        label = expect_text(fields["label"], log, fields.value_loc("label"), "label")
        if label is not None and len(label.strip()) > MAX_LABEL:
            log.add(
                fields.value_loc("label"),
                f"label is {len(label.strip())} characters; keep it to {MAX_LABEL} for the chart",
            )
    sources = _cited(fields, log, known)
    note = fields.get("note")
    if len(log.problems) > before or day is None or label is None:
        return None
    return Milestone(day, label.strip(), tuple(sources), str(note) if note else None, where)


def _cited(fields, log: ProblemLog, known: dict[str, Citation]) -> list[Citation]:
    """The citations an entry's ``source`` (one id or a list) names; an unknown id is a located
    problem with a suggestion."""
    sources: list[Citation] = []
    if "source" not in fields:
        return sources
    for source_id in expect_text_list(fields["source"], log, fields.value_loc("source"), "source"):
        if source_id in known:
            sources.append(known[source_id])
        else:
            log.add(
                getattr(source_id, "loc", fields.value_loc("source")),
                f"unknown source '{source_id}'{did_you_mean(source_id, known)}",
            )
    return sources


def load_figures(
    path: str | os.PathLike[str], citations: Mapping[str, Citation] | None = None
) -> tuple[PublishedFigure, ...]:
    """The published figures (``figures:``) of a milestones file, sorted by date; every problem
    raised together. Sources are looked up as for milestones."""
    log = ProblemLog()
    document = load_yaml(path)
    where = Location(Location.of_file(path).path, 1, 1)
    mapping = expect_map(document, log, where, "a milestones file")
    log.raise_if_any()
    known: dict[str, Citation] = dict(citations or {})
    if "sources" in mapping:
        local = expect_map(mapping["sources"], log, mapping.key_loc("sources"), "'sources'")
        if local is not None:
            known.update(citations_of(local, log, mapping.key_loc("sources")))
    entries = mapping.get("figures")
    if entries is None:
        return ()
    if not isinstance(entries, list):
        log.add(mapping.value_loc("figures"), "'figures' must be a list of published figures")
        log.raise_if_any()
    figures = []
    for entry in entries:
        figure = _figure(entry, getattr(entries, "loc", where), known, log)
        if figure is not None:
            figures.append(figure)
    log.raise_if_any()
    return tuple(sorted(figures, key=lambda f: (f.date, f.faction, f.measure, f.country or "")))


def _figure(
    entry, fallback: Location, known: Mapping[str, Citation], log: ProblemLog
) -> PublishedFigure | None:
    fields = expect_map(entry, log, fallback, "a published figure")
    if fields is None:
        return None
    before = len(log.problems)
    check_keys(
        fields,
        FIGURE_KEYS,
        log,
        "figure",
        required=("date", "faction", "measure", "value", "source"),
    )
    day = None
    if "date" in fields:
        raw = fields["date"]
        try:
            day = parse_day(raw) if isinstance(raw, str) else None
        except DateSyntaxError as error:
            log.add(fields.value_loc("date"), str(error))
        else:
            if day is None:
                log.add(fields.value_loc("date"), "a figure's date must be YYYY-MM-DD")
    faction = expect_text(fields.get("faction"), log, fields.value_loc("faction"), "faction")
    measure = fields.get("measure")
    if "measure" in fields and measure not in MEASURES:
        log.add(
            fields.value_loc("measure"),
            f"measure must be one of {', '.join(MEASURES)}, not {measure!r}",
        )
    value = None
    if "value" in fields:
        raw = fields["value"]
        try:
            number = float(str(raw).replace("_", ""))
        except ValueError:
            number = -1.0
        if isinstance(raw, bool | list | dict) or not number >= 0 or number == float("inf"):
            log.add(fields.value_loc("value"), "a figure's value must be a number ≥ 0")
        else:
            value = number
    country = fields.get("country")
    if country is not None and not isinstance(country, str):
        log.add(fields.value_loc("country"), "a figure's country must be a country id")
    sources = _cited(fields, log, known)
    note = fields.get("note")
    if len(log.problems) > before or day is None or faction is None or value is None:
        return None
    return PublishedFigure(
        day,
        str(faction),
        str(measure),
        value,
        tuple(sources),
        country,
        note and str(note),
        fields.loc,
    )
