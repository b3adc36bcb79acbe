"""The world layer and gazetteer that ship with geomap (built by scripts/build_world.py)."""
