import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from geomap.cli import cli

# the scenario cache (geomap.scenario.cache) of the test run: its own folder, removed at the end
os.environ["GEOMAP_CACHE_DIR"] = tempfile.mkdtemp(prefix="geomap-test-cache-")
atexit.register(shutil.rmtree, os.environ["GEOMAP_CACHE_DIR"], ignore_errors=True)

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A private copy of the mini scenario folder; returns the scenario file."""
    target = tmp_path / "mini"
    shutil.copytree(MINI, target)
    return target / "scenario.yaml"


@pytest.fixture
def run(monkeypatch, tmp_path):
    """Run the CLI in an empty working folder; returns click's Result."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)

    def invoke(*args: str):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
