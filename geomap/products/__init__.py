"""Inputs to figures and pages: map, comparison, chart, PDF report."""
