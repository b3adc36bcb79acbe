"""Citations: the public sources that every change of hands must name."""

from __future__ import annotations

import os

from geomap.domain.dates import DateSyntaxError, parse_period
from geomap.domain.model import Citation
from geomap.errors import InputError, Location, ProblemLog
from geomap.io.schema import KEBAB_ID, check_keys, expect_map, expect_text, location_of
from geomap.io.yamlfile import load_yaml

CITATION_KEYS = ("publisher", "title", "date", "url", "note")


def citations_of(mapping: dict, log: ProblemLog, fallback: Location) -> dict[str, Citation]:
    """Citations from a mapping of id -> {publisher, title, date, url}."""
    citations: dict[str, Citation] = {}
    for source_id, entry in mapping.items():
        key_loc = mapping.key_loc(source_id) if hasattr(mapping, "key_loc") else fallback
        if not KEBAB_ID.match(source_id):
            log.add(key_loc, f"source id '{source_id}' must be kebab-case like 'bbc-2017-10-17'")
        fields = expect_map(entry, log, key_loc, f"source '{source_id}'")
        if fields is None:
            continue
        check_keys(
            fields, CITATION_KEYS, log, f"source '{source_id}'", ("publisher", "title", "date")
        )

        publisher, title, day, url, _note = (
            _text_field(fields, key, log, key_loc, source_id)
            for key in ("publisher", "title", "date", "url", "note")
        )
        if day is not None:
            try:
                parse_period(day)
            except DateSyntaxError as error:
                log.add(location_of(day, key_loc), str(error))
                day = None
        if url is not None and not url.startswith(("http://", "https://")):
            log.add(
                location_of(url, key_loc),
                f"url of source '{source_id}' must start with https://",
            )
        if publisher and title and day:
            citations[source_id] = Citation(
                source_id, str(publisher), str(title), str(day), str(url) if url else None, key_loc
            )
    return citations


def _text_field(
    fields: dict, key: str, log: ProblemLog, key_loc: Location, source_id: str
) -> str | None:
    """The text of an optional field; a list, a mapping or (except for a note) nothing is an
    error."""
    if key not in fields:
        return None
    value = fields[key]
    if key == "note" and (value is None or isinstance(value, str)):
        return value
    return expect_text(value, log, key_loc, f"{key} of source '{source_id}'")


def load_citations(path: str | os.PathLike[str]) -> dict[str, Citation]:
    """A shared sources file: a mapping of source id -> citation."""
    log = ProblemLog()
    document = load_yaml(path, log)
    where = Location.of_file(path)
    if document is None:
        return {}
    mapping = expect_map(document, log, where, "a sources file")
    citations = citations_of(mapping, log, where) if mapping is not None else {}
    log.raise_if_any()
    return citations


__all__ = ["InputError", "citations_of", "load_citations"]
