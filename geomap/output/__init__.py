"""Writing files: atomic writes and overwrite rules, animations, tables, GIS layers."""
