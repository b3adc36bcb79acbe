"""One self-contained, offline HTML page: the map of a series with a time slider.

The page shows the same map as the PNGs: the static layers (basemap, country names, place labels,
scale bar, north arrow) are the canvas's own artists written by matplotlib's SVG backend, with
text kept as text; the areas of every frame and the markers are projected here into the same
coordinates. Every place's assertions go in as JSON, so the page shows the state of any day, not
only of the frames; the areas are those of the nearest frame (the page says which). Scripts,
styles and a subset of the DejaVu Sans fonts are inline: the page makes no request to any server.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import matplotlib
import numpy as np

from geomap import __version__
from geomap.domain.dates import long_date
from geomap.output.files import CREATOR, write_atomically
from geomap.scenario.load import Scenario
from geomap.scenario.style import Style

GENERATOR = CREATOR
PAGE_ASSETS = Path(__file__).with_name("html_assets")
_SIMPLIFY_PT = 0.25  # area outlines are simplified to a quarter of a point


# ----------------------------------------------------------------------------- geometry to SVG
def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _ring_d(xy: np.ndarray, close: bool) -> str:
    if len(xy) < 2:
        return ""
    points = [f"{_fmt(x)} {_fmt(y)}" for x, y in xy]
    # drop repeated points that rounding made equal
    kept = [points[0]] + [p for prev, p in itertools.pairwise(points) if p != prev]
    if close and len(kept) > 1 and kept[-1] == kept[0]:
        kept.pop()
    if len(kept) < (3 if close else 2):
        return ""
    return "M" + kept[0] + "L" + " ".join(kept[1:]) + ("Z" if close else "")


def geometry_d(geometry, to_pt) -> str:
    """An SVG path ``d`` of a shapely geometry (map metres), in the page's points."""
    import shapely

    parts = []
    for part in shapely.get_parts(geometry):
        if part.geom_type == "Polygon":
            for ring in [part.exterior, *part.interiors]:
                parts.append(_ring_d(to_pt(np.asarray(ring.coords)[:, :2]), True))
        elif part.geom_type in ("LineString", "LinearRing"):
            parts.append(_ring_d(to_pt(np.asarray(part.coords)[:, :2]), False))
    return "".join(parts)


def mpl_path_d(path, scale: float) -> str:
    """An SVG path ``d`` of a matplotlib path (a marker), scaled, with y pointing down."""
    from matplotlib.path import Path as MplPath

    commands = []
    for vertices, code in path.iter_segments(simplify=False, curves=True):
        xy = [(_fmt(x * scale), _fmt(-y * scale)) for x, y in np.reshape(vertices, (-1, 2))]
        if code == MplPath.MOVETO:
            commands.append(f"M{xy[0][0]} {xy[0][1]}")
        elif code == MplPath.LINETO:
            commands.append(f"L{xy[0][0]} {xy[0][1]}")
        elif code == MplPath.CURVE3:
            commands.append("Q" + " ".join(f"{x} {y}" for x, y in xy))
        elif code == MplPath.CURVE4:
            commands.append("C" + " ".join(f"{x} {y}" for x, y in xy))
        elif code == MplPath.CLOSEPOLY:
            commands.append("Z")
    return "".join(commands)


# ----------------------------------------------------------------------------- static layers
def _svg_layer(figure, keep, salt: str, prefix: str) -> str:
    """The SVG body of ``figure`` with only the artists in ``keep`` visible (text as text)."""
    from geomap.render.svg import write_svg_text

    artists = [a for a in figure.findobj() if a is not figure]
    shown = {id(a): a.get_visible() for a in artists}
    kept = {id(part) for artist in keep for part in artist.findobj()}
    # an artist is drawn when it and all its parents are visible: keep the parents of what is kept
    parents = {id(figure)}
    for axes in figure.axes:
        parents.add(id(axes))
    try:
        for artist in artists:
            if id(artist) not in kept and id(artist) not in parents:
                artist.set_visible(False)
        for axes in figure.axes:
            axes.patch.set_visible(False)
        figure.patch.set_visible(False)
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "layer.svg"
            with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
                write_svg_text(figure, path, {"Date": None, "Creator": None})
            text = path.read_text(encoding="utf-8")
    finally:
        for artist in artists:
            artist.set_visible(shown[id(artist)])
    body = text[text.index("<g id=") : text.rindex("</svg>")]
    body = re.sub(r'id="(figure|axes)_(\d+)"', rf'id="{prefix}-\1-\2"', body)
    return body


def _static_layers(canvas) -> tuple[str, str]:
    """(under, over): the basemap and country names under the areas and markers; place labels,
    leader lines, scale bar and north arrow over them (the canvas's own layers)."""
    from geomap.render.basemap import BasemapLayer, CountryNamesLayer
    from geomap.render.furniture import NorthArrowLayer, ScaleBarLayer
    from geomap.render.labels import LabelsLayer

    def artists(*kinds) -> list:
        return [a for kind in kinds for a in canvas.layer(kind).artists]

    under = artists(BasemapLayer, CountryNamesLayer)
    over = artists(LabelsLayer, ScaleBarLayer, NorthArrowLayer)
    figure = canvas.figure
    return (
        _svg_layer(figure, under, "geomap-under", "under"),
        _svg_layer(figure, over, "geomap-over", "over"),
    )


# ----------------------------------------------------------------------------- fonts
def _font_faces(text: str) -> str:
    """@font-face rules with DejaVu Sans (regular and bold) cut down to the characters used."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont
    from matplotlib import get_data_path

    fonts = Path(get_data_path()) / "fonts" / "ttf"
    characters = "".join(sorted(set(text) | {chr(c) for c in range(32, 127)}))
    rules = []
    for file_name, weight in (("DejaVuSans.ttf", 400), ("DejaVuSans-Bold.ttf", 700)):
        font = TTFont(fonts / file_name)
        options = subset.Options()
        options.flavor = "woff"
        options.desubroutinize = True
        options.name_IDs = ["*"]
        options.notdef_outline = True
        options.drop_tables = [*options.drop_tables, "FFTM"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=characters)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.flavor = "woff"
        font.save(buffer)
        data = base64.b64encode(buffer.getvalue()).decode("ascii")
        rules.append(
            "@font-face{font-family:'DejaVu Sans';font-style:normal;"
            f"font-weight:{weight};src:url(data:font/woff;base64,{data}) format('woff')}}"
        )
    return "\n".join(rules)


# ----------------------------------------------------------------------------- the page's data
def _nearest_frame_note() -> str:
    return "the nearest map of the series"


def page_data(scenario: Scenario, style: Style, days: Sequence[date], canvas) -> dict:
    """Everything the page's script needs: places with their assertions, areas per frame,
    factions, citations and the symbols (coordinates in the page's points)."""
    from matplotlib.markers import MarkerStyle

    from geomap.domain.projection import project_xy
    from geomap.render.symbology import (
        AREA_ALPHA,
        KIND_LEGEND,
        LEFT_HALF,
        RIGHT_HALF,
        STALE_ALPHA,
        UNKNOWN_COLOUR,
        area_fill_colour,
    )
    from geomap.scenario.project import Project
    from geomap.territory.areas import AREA_NOTE

    figure_h_px = canvas.figure.bbox.height
    pt = 72 / canvas.dpi

    def to_pt(xy: np.ndarray) -> np.ndarray:
        display = canvas.ax.transData.transform(xy)
        return np.column_stack([display[:, 0] * pt, (figure_h_px - display[:, 1]) * pt])

    # markers: one path per shape and size, drawn around (0, 0)
    shapes = {}

    def shape_d(marker, size_pt: float) -> str:
        key = (str(marker) if isinstance(marker, str) else id(marker), size_pt)
        if key not in shapes:
            style_ = marker if isinstance(marker, MarkerStyle) else MarkerStyle(marker)
            path = style_.get_path().transformed(style_.get_transform())
            shapes[key] = mpl_path_d(path, size_pt)
        return shapes[key]

    timeline = scenario.timeline
    places = []
    lon = [p.lonlat[0] for p in scenario.places.values()]
    lat = [p.lonlat[1] for p in scenario.places.values()]
    x, y = project_xy(scenario.projection, lon, lat)
    xy = to_pt(np.column_stack([x, y]))
    for place, (px, py) in zip(scenario.places.values(), xy, strict=True):
        if place.is_area:
            continue  # an area (province, zone): its ground is in the shaded areas
        size = style.marker_size(place.rank)
        runs, assertions = [], []
        for assertion in timeline._assertions.get(place.id, []):
            state = timeline.state_of(place.id, assertion.date)
            run = [
                state.holder,
                state.status,
                state.by,
                state.since.isoformat() if state.since else None,
                list(state.sources),
                state.note,
            ]
            if not runs or runs[-1] != run:
                runs.append(run)
            assertions.append([assertion.date.isoformat(), len(runs) - 1])
        places.append(
            {
                "id": place.id,
                "name": place.name,
                "kind": place.kind,
                "country": place.country,
                "rank": place.rank,
                "x": round(float(px), 2),
                "y": round(float(py), 2),
                "shape": shape_d(style.marker_shape(place.kind), size),
                "circle": shape_d("o", size),
                "unknown": shape_d(style.marker_shape(place.kind), size * 0.8),
                "left": shape_d(LEFT_HALF, size),
                "right": shape_d(RIGHT_HALF, size),
                "ring": shape_d("o", size * 1.75),
                "hit": round(max(size * 1.75, 9) / 2, 2),
                "a": assertions,
                "r": runs,
            }
        )
    # areas of every frame, each distinct outline once
    project = Project.of(scenario)
    outlines: dict[str, int] = {}
    frames = []
    import shapely

    tolerance_m = _SIMPLIFY_PT / pt * (canvas.bounds[2] - canvas.bounds[0]) / canvas.ax.bbox.width
    for day in days:
        territory = project.estimate(day)
        shown = []
        order = {f: i for i, f in enumerate(scenario.factions)}
        for faction in sorted(territory.held, key=lambda f: (order.get(f, len(order)), f)):
            d = geometry_d(shapely.simplify(territory.held[faction], tolerance_m), to_pt)
            if d:
                shown.append([faction, None, outlines.setdefault(d, len(outlines))])
        for (holder, by), geometry in sorted(territory.contested.items()):
            d = geometry_d(shapely.simplify(geometry, tolerance_m), to_pt)
            if d:
                shown.append([holder, by, outlines.setdefault(d, len(outlines))])
        frames.append({"date": day.isoformat(), "areas": shown})
    kinds = {p.kind for p in scenario.places.values()}
    legend_shapes = [
        [text, shape_d(style.marker_shapes.get(kind, "o"), 8)]
        for kind, kinds_shown, text in KIND_LEGEND
        if kinds.intersection(kinds_shown)
    ]
    x0, y0 = canvas.ax.bbox.x0 * pt, (figure_h_px - canvas.ax.bbox.y1) * pt
    citations = {c.id: [c.publisher, c.title, c.date, c.url] for c in scenario.citations.values()}
    factions = {
        f.id: {
            "name": f.name,
            "short": f.short,
            "colour": f.colour,
            "area": area_fill_colour(f.colour),
        }
        for f in scenario.factions.values()
    }
    return {
        "title": scenario.title,
        "first": days[0].isoformat(),
        "last": days[-1].isoformat(),
        "frames": frames,
        "outlines": list(outlines),
        "places": places,
        "factions": factions,
        "citations": citations,
        "staleDays": style.stale_after_days,
        "staleAlpha": STALE_ALPHA,
        "areaAlpha": AREA_ALPHA,
        "unknownColour": UNKNOWN_COLOUR,
        "edge": style.line_widths["marker_edge"],
        "areaNote": AREA_NOTE,
        "legendShapes": legend_shapes,
        "viewBox": [
            round(x0, 2),
            round(y0, 2),
            round(canvas.ax.bbox.width * pt, 2),
            round(canvas.ax.bbox.height * pt, 2),
        ],
    }


# ----------------------------------------------------------------------------- the page
def build_html(scenario: Scenario, style: Style, days: Sequence[date]) -> str:
    """The page as text (one file; no request to any server when opened)."""
    from geomap.products.map import draw_day, make_canvas, subtitle_for
    from geomap.render.canvas import rc_params

    days = list(days)
    with matplotlib.rc_context(rc_params(style)):
        canvas = make_canvas(scenario, style)
        places = draw_day(canvas, scenario, style, days[-1])
        under, over = _static_layers(canvas)
        data = page_data(scenario, style, days, canvas)
    subtitle = subtitle_for(scenario, days[-1], places)
    script = (PAGE_ASSETS / "page.js").read_text(encoding="utf-8")
    css = (PAGE_ASSETS / "page.css").read_text(encoding="utf-8")
    names = " ".join(
        [p["name"] for p in data["places"]]
        + [f["name"] for f in data["factions"].values()]
        + [scenario.title, scenario.attribution, subtitle, data["areaNote"]]
        + [" ".join(str(v) for v in c if v) for c in data["citations"].values()]
        + [under, over]
    )
    fonts = _font_faces(re.sub(r"<[^>]*>", " ", html.unescape(names)))
    view = " ".join(str(v) for v in data["viewBox"])
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    payload = payload.replace("</", "<\\/")  # never close the script element early
    escape = html.escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{escape(GENERATOR)}">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; \
font-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{escape(scenario.title)}</title>
<style>
{fonts}
{css}
</style>
</head>
<body>
<header>
<h1 id="title">{escape(scenario.title)}, {escape(long_date(days[-1]))}</h1>
<p class="subtitle">{escape(subtitle)}.</p>
</header>
<div class="controls">
<button id="play" type="button" aria-label="Play">&#9654;</button>
<input id="slider" type="range" min="0" max="0" value="0" aria-label="Date">
<output id="day" for="slider"></output>
</div>
<main>
<div class="map">
<svg id="map" xmlns="http://www.w3.org/2000/svg" viewBox="{view}" role="img"
 aria-label="{escape(scenario.title)}">
<defs id="defs"></defs>
<g id="under">{under}</g>
<g id="areas"></g>
<g id="places"></g>
<g id="over">{over}</g>
</svg>
<p id="estimate" class="note"></p>
</div>
<aside>
<section id="legend" aria-label="Legend"></section>
<section id="info" aria-live="polite"><p class="hint">Point at or tap a place for who held it,
since when and on whose word.</p></section>
</aside>
</main>
<footer>
<p class="note" id="notice"></p>
<p class="credit">{escape(scenario.attribution)} Made with geomap {escape(__version__)}.</p>
</footer>
<noscript><p>The slider needs JavaScript; the map shows {escape(long_date(days[-1]))}.</p>
</noscript>
<script id="data" type="application/json">{payload}</script>
<script>
{script}
</script>
</body>
</html>
"""


def write_html(scenario: Scenario, style: Style, days: Sequence[date], out: Path) -> Path:
    text = build_html(scenario, style, days)
    return write_atomically(out, lambda temp: temp.write_text(text, encoding="utf-8"))
