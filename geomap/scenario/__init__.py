"""Loading a scenario and its cross-checks: places, citations, snapshots, milestones, style,
basemap."""
