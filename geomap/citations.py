"""Citations: the public sources that every change of hands must name."""

from __future__ import annotations

import os

from geomap.dates import DateSyntaxError, parse_period
from geomap.errors import InputError, Location, ProblemLog
from geomap.model import Citation
from geomap.schema import KEBAB_ID, check_keys, expect_map, expect_text
from geomap.yamlfile import load_yaml

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
        publisher = (
            expect_text(fields.get("publisher", ""), log, key_loc, "publisher")
            if ("publisher" in fields)
            else None
        )
        title = expect_text(fields["title"], log, key_loc, "title") if "title" in fields else None
        day = fields.get("date")
        if day is not None:
            try:
                parse_period(day)
            except DateSyntaxError as error:
                log.add(getattr(day, "loc", key_loc), str(error))
        url = fields.get("url")
        if url is not None and not str(url).startswith(("http://", "https://")):
            log.add(
                getattr(url, "loc", key_loc),
                f"url of source '{source_id}' must start with https://",
            )
        if publisher and title and day:
            citations[source_id] = Citation(
                source_id, str(publisher), str(title), str(day), str(url) if url else None, key_loc
            )
    return citations


def load_citations(path: str | os.PathLike[str]) -> dict[str, Citation]:
    """A shared sources file: a mapping of source id -> citation."""
    log = ProblemLog()
    document = load_yaml(path)
    where = Location.of_file(path)
    if document is None:
        return {}
    mapping = expect_map(document, log, where, "a sources file")
    citations = citations_of(mapping, log, where) if mapping is not None else {}
    log.raise_if_any()
    return citations


__all__ = ["InputError", "citations_of", "load_citations"]
