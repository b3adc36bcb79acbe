"""SVG keeps its text as text (editable labels, with their halo as a stroke) and sources are links
in the SVG map and in the PDF report."""

import re
from dataclasses import replace
from datetime import date
from xml.etree import ElementTree

import pytest

from geomap.products.map import draw_day, make_canvas
from geomap.scenario.load import load_scenario
from geomap.scenario.style import load_style

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"


def write(scenario, style, day, path, fmt="svg"):
    canvas = make_canvas(scenario, style, size_px=(800, 600), dpi=100)
    draw_day(canvas, scenario, style, day)
    return canvas.save(path, fmt)


@pytest.fixture(scope="module")
def mini():
    from conftest import MINI

    scenario = load_scenario(MINI / "scenario.yaml")
    return scenario, load_style(scenario.style_path)


def texts(svg_path) -> dict[str, str]:
    """Every <text> element's content and its style."""
    root = ElementTree.parse(svg_path).getroot()
    return {t.text: t.get("style") for t in root.iter(f"{SVG}text")}


def test_svg_labels_title_and_legend_are_text_with_the_halo_as_a_stroke(mini, tmp_path):
    scenario, style = mini
    path = write(scenario, style, date(2017, 11, 30), tmp_path / "map.svg")
    found = texts(path)
    assert "Raqqa" in found and "Aleppo" in found  # place labels
    assert any(t.startswith("Mini scenario") for t in found)  # the title
    assert "SDF / YPG" in found  # the legend
    assert re.search(r"stroke: #ffffff; stroke-width: [\d.]+px", found["Raqqa"])
    assert "paint-order: stroke" in found["Raqqa"]
    assert "font-family: 'DejaVu Sans', sans-serif" in found["Raqqa"]
    assert "DejaVuSans-" not in path.read_text()  # no glyph outlines


def test_svg_text_is_byte_identical_twice(mini, tmp_path):
    scenario, style = mini
    first = write(scenario, style, date(2017, 11, 30), tmp_path / "a.svg").read_bytes()
    second = write(scenario, style, date(2017, 11, 30), tmp_path / "b.svg").read_bytes()
    assert first == second


def test_svg_text_keeps_runs_of_spaces_the_country_names_are_spaced_out_with(tmp_path):
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    from geomap.render.svg import write_svg_text

    figure = Figure(figsize=(4, 2))
    figure.text(0.5, 0.3, "S A U D I   A R A B I A")
    figure.text(0.5, 0.6, "S Y R I A")
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "test"}):
        write_svg_text(figure, tmp_path / "names.svg", {"Date": None})
    root = ElementTree.parse(tmp_path / "names.svg").getroot()
    preserve = "{http://www.w3.org/XML/1998/namespace}space"
    found = {t.text: t.get(preserve) for t in root.iter(f"{SVG}text")}
    # SVG would collapse the three spaces between the words to one: "SAUDIARABIA"
    assert found == {"S A U D I   A R A B I A": "preserve", "S Y R I A": None}


def test_the_style_can_ask_for_glyph_outlines(mini, tmp_path):
    scenario, style = mini
    path = write(scenario, replace(style, svg_text="paths"), date(2017, 11, 30), tmp_path / "p.svg")
    assert texts(path) == {}
    assert "DejaVuSans-" in path.read_text()


def test_an_unknown_svg_text_setting_is_an_input_error(tmp_path):
    from geomap.errors import InputError

    (tmp_path / "style.yaml").write_text("svg_text: glyphs\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_style(tmp_path / "style.yaml")
    assert "style.yaml:1:11: svg_text must be one of text, paths, not 'glyphs'" in str(error.value)


def test_svg_markers_link_to_the_source_of_their_claim(mini, tmp_path):
    scenario, style = mini
    path = write(scenario, style, date(2017, 11, 30), tmp_path / "map.svg")
    root = ElementTree.parse(path).getroot()
    links = [a.get(XLINK) for a in root.iter(f"{SVG}a")]
    # Deir ez-Zor's relief on 17 October 2017 is sourced to the report that has an address
    assert "https://example.org/2017" in links


def test_the_reports_sources_are_links(mini, tmp_path):
    from geomap.products.pdf import write_report

    scenario, style = mini
    path = write_report(
        scenario, style, [date(2015, 1, 31), date(2017, 11, 30)], tmp_path / "r.pdf", (400, 300)
    )
    pdf = path.read_bytes()
    assert re.search(rb"/URI \(https://example\.org/2017\)", pdf)
