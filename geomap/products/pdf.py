"""A multi-page PDF report: a cover, one map per page, and the table of changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from geomap import __version__
from geomap.domain.changes import describe_side, event_records
from geomap.domain.dates import long_date
from geomap.output.files import savefig_metadata, write_atomically
from geomap.render.canvas import rc_params
from geomap.render.furniture import fit_width
from geomap.scenario.load import Scenario
from geomap.scenario.style import Style

PAGE_IN = (11.69, 8.27)  # A4 landscape
ROWS_PER_PAGE = 38
LINK = "#1f4e99"  # the colour of a source that is a link
SOURCES_X = 0.66  # where the sources column of the changes table starts (share of the page)


def _page(style: Style) -> Figure:
    page = Figure(figsize=PAGE_IN, dpi=style.dpi, facecolor="white")
    FigureCanvasAgg(page)  # text is measured as Agg lays it out (cells shrink to their column)
    return page


def _cover(scenario: Scenario, style: Style, days: list[date]) -> Figure:
    page = _page(style)
    page.text(0.08, 0.78, scenario.title, fontsize=26, fontweight="bold", va="top")
    page.text(
        0.08,
        0.68,
        f"{long_date(days[0])} to {long_date(days[-1])}  ·  {len(days)} maps",
        fontsize=15,
        va="top",
        color="#333333",
    )
    facts = [
        f"{len(scenario.places)} places, {len(scenario.snapshots)} dated snapshots, "
        f"{len(scenario.citations)} cited sources",
        f"Timeline covered: {scenario.timeline.covered_range()}",
        "Each map shows, for every place, its latest sourced claim on or before the map's date.",
        scenario.attribution,
        f"Made with geomap {__version__}.",
    ]
    for number, fact in enumerate(facts):
        page.text(
            0.08, 0.5 - number * 0.05, fact, fontsize=10.5, va="top", color="#333333", wrap=True
        )
    return page


def _change_pages(scenario: Scenario, style: Style, days: list[date]) -> list[Figure]:
    records = event_records(scenario, days[0], days[-1])
    pages = []
    heading = f"Changes of hands, {long_date(days[0])} to {long_date(days[-1])}"
    for start in range(0, max(len(records), 1), ROWS_PER_PAGE):
        page = _page(style)
        page.text(
            0.06,
            0.94,
            heading + (" (continued)" if start else ""),
            fontsize=15,
            fontweight="bold",
            va="top",
        )
        rows = records[start : start + ROWS_PER_PAGE]
        if not rows:
            page.text(0.06, 0.86, "No place changed hands.", fontsize=10, va="top")
        for number, record in enumerate(rows):
            y = 0.87 - number * 0.021
            before = describe_side(record, "from", scenario.factions)
            after = describe_side(record, "to", scenario.factions)
            source = record["sources"][0] if record["sources"] else {}
            cited = ", ".join(str(source.get(k)) for k in ("publisher", "date") if source.get(k))
            if len(record["sources"]) > 1:
                cited += f" (+{len(record['sources']) - 1})"
            for x, text in (
                (0.06, record["date"] or ""),
                (0.15, record["name"]),
                (0.30, f"{before} → {after}"),
            ):
                cell = page.text(x, y, text, fontsize=7.6, va="top", gid=f"change-{x}")
            fit_width(cell, page, share=SOURCES_X - 0.30 - 0.01)  # never into the sources
            url = source.get("url")
            cell = page.text(
                SOURCES_X, y, cited, fontsize=7.6, va="top", color=LINK if url else None
            )
            cell.set_url(url)  # the source is a link in the PDF
        pages.append(page)
    return pages


def write_report(
    scenario: Scenario,
    style: Style,
    days: list[date],
    path: Path,
    size_px: tuple[int, int] | None = None,
    dpi: int | None = None,
) -> Path:
    """Write the report atomically; the same input gives the same bytes."""
    from geomap.products.map import draw_day, make_canvas

    rc = rc_params(style)

    def write(temp: Path) -> None:
        with matplotlib.rc_context(rc):
            metadata = {**savefig_metadata("pdf"), "Title": scenario.title}
            with PdfPages(temp, metadata=metadata) as pdf:
                pdf.savefig(_cover(scenario, style, days))
                canvas = make_canvas(scenario, style, size_px, dpi)
                for day in days:
                    draw_day(canvas, scenario, style, day)
                    with matplotlib.rc_context(rc):
                        pdf.savefig(canvas.figure)
                for page in _change_pages(scenario, style, days):
                    pdf.savefig(page)
                chart = _area_chart(scenario, style, days)
                if chart is not None:
                    pdf.savefig(chart)

    return write_atomically(path, write)


def _area_chart(scenario: Scenario, style: Style, days: list[date]) -> Figure | None:
    """The area-over-time chart, where the territory estimator is available."""
    try:
        from geomap.products.chart import report_chart
    except ImportError:
        return None
    return report_chart(scenario, style, days)
