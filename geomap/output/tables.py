"""Records as a table, CSV or JSON (for ``state``, ``diff``, ``area``)."""

from __future__ import annotations

import csv
import io
import json


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(item["id"] if isinstance(item, dict) else str(item) for item in value)
    return str(value)


def format_records(records: list[dict], fmt: str, columns: list[str] | None = None) -> str:
    """``records`` (dicts with the same keys) as ``table``, ``csv`` or ``json`` text."""
    if fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    columns = columns or (list(records[0]) if records else [])
    rows = [[_cell(record.get(column)) for column in columns] for record in records]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buffer.getvalue()
    if fmt == "table":
        shown = [c for c in columns if c != "aliases"]
        indices = [columns.index(c) for c in shown]
        table = [shown] + [[row[i] for i in indices] for row in rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(shown))]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in table
        ]
        return "\n".join(lines) + "\n"
    raise ValueError(f"unknown format {fmt!r}")
