"""Layout at any size: title, subtitle, legend, scale bar, credits and labels sized from the output
size and dpi; no text cut at the edge; the legend where it covers least of the focus countries."""

from datetime import date

import pytest
from matplotlib.text import Text

from geomap.products.map import draw_day, make_canvas
from geomap.render.legend import focus_land, land_share_px
from geomap.scenario.load import load_scenario
from geomap.scenario.resources import default_scenario_path
from geomap.scenario.style import load_style

# of the focus countries' land on the map: southern Syria and Iraq's western desert stay in view
# (at 640x480 the legend, its text held at a readable size, covered 15-17 % before it was compact)
LEGEND_MAX_SHARE = 0.06
SIZES = [
    ((640, 480), 150),
    ((800, 600), 150),
    ((1600, 1200), 150),
    ((3200, 2400), 150),
    ((1600, 1200), 300),
]


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(default_scenario_path())


@pytest.fixture(scope="module", params=SIZES, ids=lambda p: f"{p[0][0]}x{p[0][1]}@{p[1]}")
def drawn(request, scenario):
    size_px, dpi = request.param
    style = load_style(scenario.style_path)
    canvas = make_canvas(scenario, style, size_px=size_px, dpi=dpi)
    draw_day(canvas, scenario, style, date(2016, 3, 27))
    canvas.to_rgba()  # a full draw: every text laid out
    return canvas


def visible_texts(figure) -> list[Text]:
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]


def test_no_text_is_cut_at_the_edge(drawn):
    figure = drawn.figure
    renderer = figure.canvas.get_renderer()
    width, height = drawn.size_px
    texts = visible_texts(figure)
    assert len(texts) > 30  # title, subtitle, credits, legend, labels, scale bar
    for text in texts:
        box = text.get_window_extent(renderer)
        assert box.x0 >= -0.5 and box.x1 <= width + 0.5, text.get_text()
        assert box.y0 >= -0.5 and box.y1 <= height + 0.5, text.get_text()


def test_text_keeps_its_share_of_the_figure_and_stays_readable(drawn):
    renderer = drawn.figure.canvas.get_renderer()
    title = next(t for t in drawn.figure.texts if t.get_gid() == "title")
    share = title.get_window_extent(renderer).width / drawn.size_px[0]
    assert 0.4 < share < 0.75  # at 800 pixels as at 3200
    pixels = drawn.dpi / 72
    labels = [t for t in drawn.ax.texts if (t.get_gid() or "").startswith("label-")]
    assert len(labels) >= 15
    assert min(t.get_fontsize() for t in labels) * pixels >= 9  # readable at 800 x 600
    legend = drawn.ax.get_legend()
    assert min(t.get_fontsize() for t in legend.get_texts()) * pixels >= 9


def test_the_legend_covers_little_of_the_focus_countries_and_no_furniture(drawn):
    renderer = drawn.figure.canvas.get_renderer()
    legend = drawn.ax.get_legend().get_window_extent(renderer).extents
    share = land_share_px(drawn, legend, focus_land(drawn))
    assert share <= LEGEND_MAX_SHARE
    for text in visible_texts(drawn.figure):
        if text.get_gid() in ("title", "subtitle") or text.get_text().endswith(" km"):
            box = text.get_window_extent(renderer)
            assert (
                box.x1 <= legend[0]
                or box.x0 >= legend[2]
                or box.y1 <= legend[1]
                or (box.y0 >= legend[3])
            )


def test_a_small_map_has_a_compact_legend_with_every_row_and_the_default_keeps_its_words(
    scenario,
):
    # 30 November 2017 has every symbol row: contested, besieged, crossings, dams, airbase, oil
    style = load_style(scenario.style_path)
    legends = {}
    for size_px in ((640, 480), (1600, 1200)):
        canvas = make_canvas(scenario, style, size_px=size_px, dpi=150)
        draw_day(canvas, scenario, style, date(2017, 11, 30))
        canvas.to_rgba()
        legend = canvas.ax.get_legend()
        box = legend.get_window_extent(canvas.figure.canvas.get_renderer()).extents
        texts = [t.get_text() for t in legend.get_texts()]
        legends[size_px] = (texts, land_share_px(canvas, box, focus_land(canvas)))
    small, default = legends[(640, 480)], legends[(1600, 1200)]
    assert small[1] <= LEGEND_MAX_SHARE  # it covered 17 % of Syria and Iraq
    assert len(small[0]) == len(default[0]) == 15  # 8 factions and 7 symbols: no row dropped
    assert "Besieged (ring: besieger)" in small[0]  # shorter explanations
    assert "Besieged (centre: holder, ring: besieger)" in default[0]  # the default as it was
    assert "Contested area (hatched in the attacker's colour)" in default[0]


def test_the_legend_goes_to_the_corner_that_covers_least_of_the_focus_countries(scenario):
    from geomap.render.legend import CORNERS

    style = load_style(scenario.style_path)
    canvas = make_canvas(scenario, style, size_px=(800, 600), dpi=150)
    chosen = canvas.legend.corner
    land = focus_land(canvas)
    shares = {}
    for corner in CORNERS:
        canvas.legend.corner = corner
        legend = canvas.legend._make(canvas, *canvas.legend.rows(canvas, _everything(canvas)))
        box = legend.get_window_extent(canvas.figure.canvas.get_renderer()).extents
        legend.remove()
        shares[corner[0]] = land_share_px(canvas, box, land)
    assert shares[chosen[0]] == min(shares[c] for c in ("lower left", "upper left"))
    assert shares["upper left"] > shares["lower left"]  # Turkey's border is Syria's north


def _everything(canvas):
    from geomap.render.layer import LegendScope
    from geomap.render.symbology import KIND_LEGEND, STATUS_LOOKS

    return LegendScope(
        factions=frozenset(canvas.factions),
        statuses=frozenset(STATUS_LOOKS),
        kinds=frozenset(k for _, kinds, _ in KIND_LEGEND for k in kinds),
        stale=False,
        areas=True,
        contested_areas=True,
    )


def test_the_comparison_at_1600x900_keeps_its_text_and_list_inside(scenario):
    from geomap.products.compare import build_comparison

    figure = build_comparison(
        scenario,
        load_style(scenario.style_path),
        date(2015, 1, 31),
        date(2017, 11, 30),
        size_px=(1600, 900),
        dpi=150,
    )
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    for text in visible_texts(figure):
        box = text.get_window_extent(renderer)
        assert box.x0 >= -0.5 and box.x1 <= 1600.5 and box.y0 >= -0.5 and box.y1 <= 900.5, (
            text.get_text()
        )
    change_list = figure.axes[-1]
    for text in change_list.texts:
        assert text.get_window_extent(renderer).x1 <= change_list.bbox.x1 + 0.5
    for panel in figure.axes[:2]:
        legend = panel.get_legend().get_window_extent(renderer)
        assert legend.width * legend.height < 0.3 * panel.bbox.width * panel.bbox.height


def _scale_bar(canvas):
    """The scale bar's bar (its two halves) and distance labels, and the white box under them
    (None without one): the patch of the map drawn first that is opaque white and holds them."""
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Rectangle

    from geomap.render.furniture import ScaleBarLayer

    renderer = canvas.figure.canvas.get_renderer()
    layer = canvas.layer(ScaleBarLayer)
    parts = [a for a in layer.artists if isinstance(a, (Rectangle, Text))]
    assert len(parts) == 5 and [t.get_text() for t in parts if isinstance(t, Text)][1] == "150"
    extents = [part.get_window_extent(renderer) for part in parts]
    children = canvas.ax.get_children()
    for patch in canvas.ax.patches:
        box = patch.get_window_extent(renderer)
        if to_rgba(patch.get_facecolor()) == (1, 1, 1, 1) and all(
            box.x0 <= e.x0 and e.x1 <= box.x1 and box.y0 <= e.y0 and e.y1 <= box.y1 for e in extents
        ):
            under = all(
                (patch.get_zorder(), children.index(patch)) < (p.get_zorder(), children.index(p))
                for p in parts
            )
            return parts, patch if under else None
    return parts, None


def test_the_scale_bar_and_its_distances_sit_on_a_white_box_framed_like_the_legend(drawn):
    from matplotlib.colors import to_rgba

    renderer = drawn.figure.canvas.get_renderer()
    _, backing = _scale_bar(drawn)
    assert backing is not None  # the coast and borders ran through the bar and "150"
    box = backing.get_window_extent(renderer)
    frame = drawn.ax.get_legend().get_frame()
    assert to_rgba(backing.get_edgecolor()) == to_rgba(frame.get_edgecolor())
    assert backing.get_linewidth() == frame.get_linewidth()
    # in the lower-right corner as far from the map's edges as the legend in the lower left
    legend = frame.get_window_extent(renderer)
    axes = drawn.ax.bbox
    assert drawn.legend.corner[0] == "lower left"
    assert abs((axes.x1 - box.x1) - (legend.x0 - axes.x0)) <= 1
    assert abs(box.y0 - legend.y0) <= 1
    # place labels keep clear of it: the whole box is kept free for them (no label need be near
    # the corner on this map for this to fail without it), and none overlaps it
    assert any(
        x0 <= box.x0 and y0 <= box.y0 and x1 >= box.x1 and y1 >= box.y1
        for x0, y0, x1, y1 in drawn.obstacles_px
    )
    for text in drawn.ax.texts:
        if (text.get_gid() or "").startswith("label-"):
            label = text.get_window_extent(renderer)
            assert not label.overlaps(box), text.get_text()


def test_behind_the_scale_bar_distances_is_the_white_box_not_the_coast(scenario):
    # on the default map the Gulf's coast and Kuwait's border ran through "150"
    style = load_style(scenario.style_path)
    canvas = make_canvas(scenario, style, size_px=(1600, 1200), dpi=150)
    draw_day(canvas, scenario, style, date(2017, 11, 30))
    canvas.to_rgba()
    renderer = canvas.figure.canvas.get_renderer()
    parts, _ = _scale_bar(canvas)
    labels = [part for part in parts if isinstance(part, Text)]
    height = canvas.size_px[1]
    boxes = [label.get_window_extent(renderer) for label in labels]
    for label in labels:  # what lies behind them: the map without their ink
        label.set_alpha(0)
    # drawn as one map, and as a series frame is (the scale bar's pixels kept and blended)
    for pixels in (canvas.to_rgba(), canvas.fast_rgba()):
        for label, box in zip(labels, boxes, strict=True):
            behind = pixels[
                round(height - box.y1) : round(height - box.y0), round(box.x0) : round(box.x1), :3
            ]
            assert behind.size > 0
            assert (behind == 255).all(), label.get_text()
