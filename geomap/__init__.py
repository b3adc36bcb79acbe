"""geomap: dated maps of who controls what in a conflict, from sourced YAML snapshots."""

__version__ = "0.1.0"
