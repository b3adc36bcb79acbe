"""geomap: dated maps of who controls what in a conflict, from sourced YAML snapshots.

In a notebook: ``s = geomap.open()``, then ``s.state(date)``, ``s.territory(date)``,
``s.changes(d1, d2)`` and ``s.render(date)`` (see :mod:`geomap.api`). The API is imported on first
use, so that ``geomap --help`` stays fast.
"""

__version__ = "0.1.0"
COMMAND_LINE = False  # True in a `geomap` command's process (geomap.cli.main)
__all__ = ["GeomapScenario", "open"]


def __getattr__(name: str):
    if name in __all__:
        from geomap import api

        return getattr(api, name)
    raise AttributeError(f"module 'geomap' has no attribute {name!r}")
