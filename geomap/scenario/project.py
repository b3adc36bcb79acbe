"""One project per run: a scenario with its style, basemap layers and territory model, each
built once, on first use, and shared by every command, product and worker that needs it.

A project is identified by a digest of the *contents* of every file it was read from, never by
a path: a scenario edited between two batches on a cluster that stays up is a new project. The
basemap and the territory model are also kept on disk under that digest
(:func:`geomap.scenario.cache.remember`), so the next process reads them instead of building them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from geomap.scenario.load import Scenario, load_scenario

KEEP = 4  # projects kept per process (a series, a comparison and an API session or two)


def files_digest(paths: Iterable[Path]) -> str:
    """A digest of the names and contents of ``paths``."""
    digest = hashlib.sha256()
    for path in sorted({Path(p).resolve() for p in paths}):
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:24]


class Project:
    """A loaded scenario and what is built from it; use :func:`open_project` or
    :meth:`Project.of` rather than the constructor, so each project is built once per process."""

    def __init__(self, scenario: Scenario, digest: str):
        self.scenario = scenario
        self.digest = digest

    @classmethod
    def of(cls, scenario: Scenario) -> Project:
        """The project of an already loaded scenario."""
        entry = _BY_SCENARIO.get(id(scenario))
        if entry is not None and entry[0] is scenario:
            return entry[1]
        digest = files_digest(scenario.files or (scenario.path,))
        project = _BY_DIGEST.get(digest) or cls(scenario, digest)
        _remember(_BY_DIGEST, digest, project)
        _remember(_BY_SCENARIO, id(scenario), (scenario, project))
        return project

    @cached_property
    def style(self):
        from geomap.scenario.style import load_style

        return load_style(self.scenario.style_path)

    @cached_property
    def basemap(self) -> dict[str, Any]:
        """Every basemap layer, in map metres."""
        from geomap.scenario.basemap import load_basemap
        from geomap.scenario.cache import remember

        scenario = self.scenario
        return remember(
            self.digest,
            "basemap",
            lambda: load_basemap(scenario.basemap, scenario.projection, scenario.basemap_fields),
        )

    @cached_property
    def territory(self):
        """The territory model (the slow part of the areas: built once for a whole series),
        from the countries and settlements layers already read for the map when there are."""
        from geomap.scenario.cache import remember
        from geomap.territory.areas import territory_model

        basemap = self.__dict__.get("basemap", {})
        countries, settlements = basemap.get("countries"), basemap.get("settlements")
        return remember(
            self.digest,
            "territory",
            lambda: territory_model(self.scenario, countries, settlements),
        )

    def estimate(self, day: date):
        """The estimated areas of control on ``day`` (a :class:`~geomap.territory.model.Territory`),
        kept on disk like the model: a map whose estimate is kept never reads the model."""
        from geomap.scenario.cache import remember
        from geomap.territory.areas import estimate_on

        return remember(
            self.digest,
            f"estimate-{day.isoformat()}",
            lambda: estimate_on(self.scenario, self.territory, day),
        )


_BY_DIGEST: dict[str, Project] = {}
_BY_SCENARIO: dict[int, tuple[Scenario, Project]] = {}


def _remember(cache: dict, key, value) -> None:
    if key not in cache and len(cache) >= KEEP:
        cache.pop(next(iter(cache)))
    cache[key] = value


def known_project(digest: str) -> Project | None:
    """The project of these file contents if this process has it already."""
    return _BY_DIGEST.get(digest)


def open_project(path: str | os.PathLike[str] | None = None) -> Project:
    """Load the scenario at ``path`` (default: the bundled one) as a project."""
    return Project.of(load_scenario(path))
