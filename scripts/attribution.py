"""Shared by the build scripts: each owns one ``## `` section of data/ATTRIBUTION.md."""

from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, heading: str, section: str) -> None:
    """Write ``section`` in place of the section titled ``heading`` (appended when there is none),
    keeping every other section of ``path`` as it is and where it is."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    before: list[str] = []
    after: list[str] = []
    found = skipping = False
    for line in text.splitlines():
        if line.startswith("## "):
            skipping = line.strip() == heading
            found = found or skipping
        if not skipping:
            (after if found else before).append(line)
    parts = ["\n".join(before).rstrip(), section.rstrip(), "\n".join(after).strip()]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(p for p in parts if p) + "\n", encoding="utf-8")
