"""Pure data and rules: model, dates, timeline, joins, changes, projection."""
