"""Where the default scenario and its data live: inside the installed package, or beside the
package in a source checkout."""

from __future__ import annotations

from pathlib import Path

DEFAULT_SCENARIO_NAME = "isis-2014-2017.yaml"


def bundled_root() -> Path:
    """The folder holding ``data/`` and ``configs/``."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "_bundled"
    if (installed / "configs").is_dir():
        return installed
    return package.parent


def default_scenario_path() -> Path:
    return bundled_root() / "configs" / DEFAULT_SCENARIO_NAME
