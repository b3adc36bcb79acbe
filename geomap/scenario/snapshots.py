"""Snapshots: one YAML file per day, asserting who held which places on that day."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from geomap.domain.dates import DateSyntaxError, parse_day
from geomap.domain.model import STATUSES, Assertion, Citation, Snapshot
from geomap.errors import InputError, Location, ProblemLog
from geomap.io.files import note_listing
from geomap.io.schema import (
    check_keys,
    did_you_mean,
    expect_map,
    expect_text,
    expect_text_list,
    location_of,
    type_name,
)
from geomap.io.yamlfile import load_yaml
from geomap.scenario.citations import citations_of

SNAPSHOT_KEYS = ("date", "sources", "source", "control", "note")
ENTRY_KEYS = ("holder", "status", "by", "source", "note")
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class SnapshotFile:
    """A parsed snapshot with the citations defined inside it."""

    snapshot: Snapshot
    citations: dict[str, Citation]


def load_snapshot(path: str | os.PathLike[str]) -> SnapshotFile:
    """Parse one snapshot file; raises :class:`InputError` listing every problem in it."""
    log = ProblemLog()
    parsed = read_snapshot(path, log)
    log.raise_if_any()
    assert parsed is not None  # a snapshot that could not be read has problems
    return parsed


def read_snapshot(path: str | os.PathLike[str], log: ProblemLog) -> SnapshotFile | None:
    """Parse one snapshot file, adding its problems to ``log``.

    Returns what could be read even when there are problems (a date that cannot be read is
    ``date.min``), so that a scenario can still check the names in the well-formed entries and
    report everything at once; None when the file cannot be read as a snapshot at all.
    """
    where = Location.of_file(path)
    try:
        document = load_yaml(path, log)
    except InputError as error:
        log.extend(error)
        return None
    mapping = expect_map(document, log, Location(where.path, 1, 1), "a snapshot")
    if mapping is None:
        return None
    check_keys(mapping, SNAPSHOT_KEYS, log, "snapshot", required=("date", "control"))

    day = _snapshot_day(mapping, path, log)
    citations = {}
    if "sources" in mapping:
        local = expect_map(mapping["sources"], log, mapping.key_loc("sources"), "'sources'")
        if local is not None:
            citations = citations_of(local, log, mapping.key_loc("sources"))
    _note(mapping, log, "the snapshot's note")
    default_sources: list[str] = []
    if "source" in mapping:
        default_sources = expect_text_list(
            mapping["source"], log, mapping.key_loc("source"), "'source'"
        )

    assertions = []
    control = mapping.get("control")
    if control is not None:
        entries = expect_map(control, log, mapping.key_loc("control"), "'control'")
        for place_id, entry in (entries or {}).items():
            assertion = _assertion(place_id, entry, entries, day, default_sources, log)
            if assertion is not None:
                assertions.append(assertion)
    snapshot = Snapshot(day, where.path, tuple(assertions), mapping.loc)
    return SnapshotFile(snapshot, citations)


def _snapshot_day(mapping: dict, path: str | os.PathLike[str], log: ProblemLog) -> date:
    raw = mapping.get("date")
    if raw is None:
        return date.min
    if not isinstance(raw, str):
        log.add(mapping.key_loc("date"), f"date must be YYYY-MM-DD, not {type_name(raw)}")
        return date.min
    try:
        day = parse_day(raw)
    except DateSyntaxError as error:
        log.add(raw.loc, str(error))
        return date.min
    named = _DATED_NAME.match(Path(path).name)
    if named and named.group(1) != day.isoformat():
        log.add(
            raw.loc,
            f"date {day.isoformat()} differs from the file name '{Path(path).name}'",
        )
    return day


def _assertion(
    place_id: str,
    entry: object,
    entries: dict,
    day: date,
    default_sources: list[str],
    log: ProblemLog,
) -> Assertion | None:
    key_loc = entries.key_loc(place_id)
    if isinstance(entry, str):
        holder = expect_text(entry, log, key_loc, f"holder of '{place_id}'")
        if holder is None:
            return None
        return Assertion(place_id, day, holder, "held", None, tuple(default_sources), None, key_loc)
    fields = expect_map(entry, log, key_loc, f"'{place_id}'")
    if fields is None:
        return None
    check_keys(fields, ENTRY_KEYS, log, f"'{place_id}'", required=("holder",))
    holder = None
    if "holder" in fields:
        holder = expect_text(fields["holder"], log, key_loc, f"holder of '{place_id}'")
    status = fields.get("status", "held")
    if not isinstance(status, str):
        log.add(
            location_of(status, key_loc),
            f"status of '{place_id}' must be text, not {type_name(status)}",
        )
        status = "held"
    elif status not in STATUSES:
        log.add(
            getattr(status, "loc", key_loc),
            f"unknown status '{status}'{did_you_mean(status, STATUSES)}"
            f" (expected one of: {', '.join(STATUSES)})",
        )
    by = fields.get("by")
    if by is not None:
        by = expect_text(by, log, key_loc, f"'by' of '{place_id}'")
    if status in ("contested", "besieged") and by is None and "by" not in fields:
        log.add(key_loc, f"'{place_id}' is {status} but names no other side: add 'by'")
    if status == "held" and by is not None:
        log.add(
            fields.key_loc("by"),
            f"'by' is only for contested or besieged places ('{place_id}' is held)",
        )
    if by is not None and holder is not None and by == holder:
        log.add(fields.key_loc("by"), f"'{place_id}' cannot be {status} by its own holder")
    sources = default_sources
    if "source" in fields:
        sources = expect_text_list(fields["source"], log, fields.key_loc("source"), "'source'")
    note = _note(fields, log, f"note of '{place_id}'")
    if holder is None:
        return None
    return Assertion(place_id, day, holder, str(status), by, tuple(sources), note, key_loc)


def _note(fields: dict, log: ProblemLog, what: str) -> str | None:
    """An optional free-text note: text or nothing, never a list or a mapping."""
    note = fields.get("note")
    if note is None or (isinstance(note, str) and not note.strip()):
        return None
    if not isinstance(note, str):
        log.add(
            location_of(note, fields.key_loc("note")), f"{what} must be text, not {type_name(note)}"
        )
        return None
    return str(note)


def snapshot_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The snapshot files of a folder (``*.yaml`` and ``*.yml``), in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError.at(Location.of_file(folder), "snapshot folder not found")
    files = sorted(
        p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith(".")
    )
    note_listing(folder, [p.name for p in files])
    return files
