"""Drawing a map with matplotlib."""
