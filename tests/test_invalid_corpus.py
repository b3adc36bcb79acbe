"""A corpus of broken inputs: each folder under ``tests/data/invalid`` is one failure mode.

A case folder holds only what differs from ``tests/data/mini``: its files are laid over a private
copy of the mini scenario (a ``case.yaml`` may list mini files to delete first), and
``expected.txt`` holds the exact lines ``geomap validate`` must print on stderr, with paths
relative to the case folder (the command runs from inside the copy).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from geomap.cli import cli

DATA = Path(__file__).parent / "data"
INVALID = DATA / "invalid"
CASES = sorted(path.name for path in INVALID.iterdir() if path.is_dir())
META_FILES = ("expected.txt", "case.yaml")


def prepare(case: str, target: Path) -> Path:
    """Lay the case over a copy of the mini scenario in ``target``; returns ``target``."""
    source = INVALID / case
    shutil.copytree(DATA / "mini", target)
    meta = source / "case.yaml"
    if meta.exists():
        for relative in (yaml.safe_load(meta.read_text(encoding="utf-8")) or {}).get("remove", []):
            doomed = target / relative
            if doomed.is_dir():
                shutil.rmtree(doomed)
            else:
                doomed.unlink()
    for path in sorted(source.rglob("*")):
        if path.is_file() and path.relative_to(source).as_posix() not in META_FILES:
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
    return target


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_the_corpus_covers_enough_failure_modes():
    assert len(CASES) >= 30
    for case in CASES:
        assert (INVALID / case / "expected.txt").is_file(), case


@pytest.mark.parametrize("case", CASES)
def test_a_broken_input_gives_its_exact_messages(case, tmp_path, monkeypatch):
    work = prepare(case, tmp_path / case)
    before = tree(work)
    monkeypatch.chdir(work)
    result = CliRunner().invoke(cli, ["validate", "--scenario", "scenario.yaml"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert result.stderr.splitlines() == expected
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert tree(work) == before  # nothing written, nothing changed
