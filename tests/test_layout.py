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
