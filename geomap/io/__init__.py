"""Strict readers: files, YAML, JSON with positions, schema checks."""
