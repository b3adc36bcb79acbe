"""The rendered map, checked through its artists and pixels."""

from datetime import date

import numpy as np
import pytest
from matplotlib.colors import to_hex

from geomap.products.map import draw_day, make_canvas
from geomap.scenario.load import load_scenario
from geomap.scenario.style import load_style


@pytest.fixture(scope="module")
def drawn():
    from conftest import MINI

    scenario = load_scenario(MINI / "scenario.yaml")
    style = load_style(scenario.style_path)
    canvas = make_canvas(scenario, style, size_px=(800, 600), dpi=100)
    places = draw_day(canvas, scenario, style, date(2015, 1, 31))
    return scenario, canvas, places


def artist(canvas, gid):
    found = [a for a in canvas.ax.get_children() if a.get_gid() == gid]
    assert len(found) == 1, f"expected one artist {gid}, found {len(found)}"
    return found[0]


def test_the_legend_lists_exactly_the_factions_present(drawn):
    _, canvas, _ = drawn
    labels = [t.get_text() for t in artist(canvas, "legend").get_texts()]
    assert labels[:4] == ["Islamic State (ISIS)", "Syrian government", "SDF / YPG", "Syrian rebels"]
    # in their short words: at 800x600 and 100 dpi the legend's text is held at a readable size
    # larger than the map's scale, so the legend is compact (test_layout.py)
    assert labels[4:] == [
        "Contested area (hatch: attacker)",
        "Contested (holder | attacker)",
        "Besieged (ring: besieger)",
        "No sourced claim yet",
        "Dam",
    ]


def test_a_later_date_drops_factions_no_longer_present(drawn):
    scenario, canvas, _ = drawn
    style = load_style(None)
    draw_day(canvas, scenario, style, date(2017, 11, 30))
    labels = [t.get_text() for t in artist(canvas, "legend").get_texts()]
    assert "Syrian rebels" not in labels
    assert labels[:3] == ["Islamic State (ISIS)", "Syrian government", "SDF / YPG"]
    draw_day(canvas, scenario, style, date(2015, 1, 31))


def test_each_marker_has_its_holders_colour(drawn):
    scenario, canvas, _ = drawn
    held = artist(canvas, "places-held-o-holder")
    assert [to_hex(c) for c in held.get_facecolors()] == [scenario.factions["isis"].colour]
    besieged_core = artist(canvas, "places-besieged-o-holder")
    ring = artist(canvas, "places-besieged-o-by")
    # deir-ez-zor (rank 1) then kobani (rank 2): holders inside, ISIS ring outside
    assert [to_hex(c) for c in besieged_core.get_facecolors()] == ["#d7191c", "#f2cd00"]
    assert [to_hex(c) for c in ring.get_facecolors()] == ["#1a1a1a", "#1a1a1a"]
    left = artist(canvas, "places-contested-o-holder")
    right = artist(canvas, "places-contested-o-by")
    assert [to_hex(c) for c in left.get_facecolors()] == ["#d7191c"]
    assert [to_hex(c) for c in right.get_facecolors()] == ["#7ccd3c"]


def test_the_title_carries_the_as_of_date(drawn):
    _, canvas, _ = drawn
    title = next(t for t in canvas.figure.texts if t.get_gid() == "title")
    assert title.get_text() == "Mini scenario, 31 January 2015"


def test_labels_do_not_overlap_each_other(drawn):
    _, canvas, _ = drawn
    renderer = canvas.figure.canvas.get_renderer()
    boxes = [
        a.get_window_extent(renderer)
        for a in canvas.ax.texts
        if (a.get_gid() or "").startswith("label-")
    ]
    assert len(boxes) == 5
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_the_marker_pixel_is_the_holders_colour(drawn):
    scenario, canvas, places = drawn
    pixels = canvas.to_rgba()
    raqqa = next(p for p in places if p.place.id == "raqqa")
    from geomap.domain.projection import project_xy

    x, y = project_xy(scenario.projection, [raqqa.place.lonlat[0]], [raqqa.place.lonlat[1]])
    px, py = canvas.ax.transData.transform((x[0], y[0]))
    row = pixels.shape[0] - round(py)
    assert tuple(pixels[row, round(px), :3]) == (0x1A, 0x1A, 0x1A)


def test_size_and_dpi_give_the_pixel_size(drawn):
    _, canvas, _ = drawn
    assert canvas.to_rgba().shape == (600, 800, 4)


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_vector_output_is_byte_identical_twice(drawn, tmp_path, fmt):
    _, canvas, _ = drawn
    first = canvas.save(tmp_path / f"a.{fmt}", fmt).read_bytes()
    second = canvas.save(tmp_path / f"b.{fmt}", fmt).read_bytes()
    assert first == second
    assert b"geomap" in first


def test_png_pixels_are_identical_twice(drawn, tmp_path):
    from PIL import Image

    _, canvas, _ = drawn
    a = np.asarray(Image.open(canvas.save(tmp_path / "a.png", "png")))
    b = np.asarray(Image.open(canvas.save(tmp_path / "b.png", "png")))
    assert a.shape == (600, 800, 3)  # opaque: RGB
    assert np.array_equal(a, b)


def test_png_encoding_with_and_without_imagecodecs_gives_the_same_image(monkeypatch):
    import io
    import sys

    from PIL import Image

    from geomap.output.files import png_bytes

    rgba = np.zeros((30, 40, 4), np.uint8)
    rgba[..., 3] = 255
    rgba[5:20, 10:30, 0] = 200
    fast = png_bytes(rgba, 150)
    monkeypatch.setitem(sys.modules, "imagecodecs", None)  # import fails: Pillow encodes
    plain = png_bytes(rgba, 150)
    for data in (fast, plain):
        with Image.open(io.BytesIO(data)) as image:
            assert image.mode == "RGB"
            assert image.info["Software"].startswith("geomap ")
            assert round(image.info["dpi"][0]) == 150
            assert np.array_equal(np.asarray(image), rgba[..., :3])
    assert fast != plain


def test_geomap_recognises_its_fast_png(tmp_path):
    from geomap.output.files import png_bytes, written_by_geomap

    rgba = np.full((10, 10, 4), 255, np.uint8)
    path = tmp_path / "frame.png"
    path.write_bytes(png_bytes(rgba, 100))
    assert written_by_geomap(path)


def filled_pixels(geometry) -> np.ndarray:
    """Which pixels of a 100x100 image of the square 0..10 a geometry's path fills."""
    from matplotlib.patches import PathPatch

    from geomap.render.canvas import new_figure
    from geomap.render.geometry import geometry_path

    figure = new_figure((100, 100), 100)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.add_patch(PathPatch(geometry_path(geometry), facecolor="black", edgecolor="none"))
    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())[::-1, :, 0] < 128  # [row = y, column = x]


@pytest.mark.parametrize("hole_winding", ["opposite to the shell", "same as the shell"])
def test_a_polygon_hole_stays_a_hole_whichever_way_it_is_wound(hole_winding):
    from shapely.geometry import MultiPolygon, Polygon

    shell = [(1, 1), (9, 1), (9, 9), (1, 9)]  # anticlockwise
    hole = [(4, 4), (4, 6), (6, 6), (6, 4)]  # clockwise
    if hole_winding == "same as the shell":
        hole = hole[::-1]
    polygon = Polygon(shell, [hole])
    assert polygon.interiors[0].is_ccw == (hole_winding == "same as the shell")
    other = Polygon([(1, 1), (1, 3), (3, 3), (3, 1)], [[(1.5, 1.5), (1.5, 2.5), (2.5, 2.5)]])
    for geometry in (polygon, MultiPolygon([polygon, Polygon([(0, 9.5), (1, 9.5), (1, 10)])])):
        filled = filled_pixels(geometry)
        assert filled[20, 20] and filled[80, 80] and filled[50, 30]  # the shell is filled
        assert not filled[50, 50]  # the hole is not
        assert not filled[5, 5]  # nor is outside
    assert not filled_pixels(other)[22, 18]  # a clockwise shell with a clockwise hole


def test_a_polygons_path_lists_each_ring_in_order_with_same_wound_holes_reversed():
    """Shell, then holes, part after part, each ring closed; a hole wound like its shell is
    reversed and the others kept as they are (vertex for vertex: the map's pixels depend on
    it)."""
    from matplotlib.path import Path as MplPath
    from shapely.geometry import MultiPolygon, Polygon

    from geomap.render.geometry import geometry_path

    shell = [(1, 1), (9, 1), (9, 9), (1, 9), (1, 1)]  # anticlockwise
    same = [(4, 4), (6, 4), (6, 6), (4, 4)]  # anticlockwise too
    other_shell = [(20, 1), (20, 5), (24, 5), (20, 1)]  # clockwise
    opposite = [(21, 3), (22, 3), (21, 4), (21, 3)]  # anticlockwise
    geometry = MultiPolygon([Polygon(shell, [same]), Polygon(other_shell, [opposite])])
    path = geometry_path(geometry)
    rings = [shell, same[::-1], other_shell, opposite]
    assert path.vertices.tolist() == [list(map(float, xy)) for ring in rings for xy in ring]
    codes = []
    for ring in rings:
        codes += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY]
    assert path.codes.tolist() == codes
    assert len(geometry_path(Polygon()).vertices) == 1  # an empty polygon draws nothing


def test_a_new_per_date_layer_is_redrawn_on_every_fast_frame(mini_scenario_and_style):
    """A layer is one class and one entry in the canvas's list; its lifetime alone decides how
    a series redraws it, so a per-date layer is never baked into the cached background (it
    draws under the overlays: labels, furniture, legend)."""
    from geomap.render.layer import FRAME, Z_MARKER, Layer

    class DayStamp(Layer):
        lifetime = FRAME

        def draw(self, canvas, scene):
            self.clear()
            stamp = canvas.ax.text(0.5, 0.5, scene.frame.day.isoformat(), fontsize=40,
                                   transform=canvas.ax.transAxes, zorder=Z_MARKER)  # fmt: skip
            stamp.set_gid("day-stamp")
            self.artists.append(stamp)

    scenario, style = mini_scenario_and_style
    canvas = make_canvas(scenario, style, size_px=(800, 600), dpi=100)
    canvas.layers.append(DayStamp())
    frames = []
    for day in (date(2015, 1, 31), date(2017, 11, 30)):
        draw_day(canvas, scenario, style, day)
        assert artist(canvas, "day-stamp").get_text() == day.isoformat()
        fast = canvas.fast_rgba().astype(int)
        assert np.abs(fast - canvas.to_rgba().astype(int)).max() <= 2
        frames.append(fast)
    assert (np.abs(frames[0] - frames[1]).max(axis=2) > 100).sum() > 200  # the stamp changed


@pytest.fixture(scope="module")
def mini_scenario_and_style():
    from conftest import MINI

    scenario = load_scenario(MINI / "scenario.yaml")
    return scenario, load_style(scenario.style_path)


def test_a_label_is_never_larger_than_its_measured_text(drawn):
    """Labels are measured only when their lower-bound size could fit: that bound must hold for
    every name of the default scenario, in both label fonts."""
    from matplotlib.font_manager import FontProperties

    from geomap.render.labels import LabelsLayer

    _, canvas, _ = drawn
    labels = canvas.layer(LabelsLayer)
    names = [place.name for place in load_scenario().places.values()]
    names += ["Village 04711", "fi fl ffi", "AVAWAY", "Ḥaleb", "Deir ez-Zor", "x"]
    renderer = canvas.figure.canvas.get_renderer()
    for weight, size in (("normal", 7.2), ("bold", 8.4)):
        prop = FontProperties(family="sans-serif", size=size, weight=weight)
        for name in names:
            width, height, _ = renderer.get_text_width_height_descent(name, prop, ismath=False)
            floor_width, floor_height = labels.text_size_floor(canvas, name, prop)
            assert 0.7 * width - 6 < floor_width <= width, name  # a bound, and a close one
            assert 0.6 * height < floor_height <= height, name


def test_places_that_are_areas_get_no_marker_their_ground_is_shaded():
    from geomap.domain.projection import project_xy

    scenario = load_scenario(None)
    style = load_style(scenario.style_path)
    canvas = make_canvas(scenario, style, size_px=(800, 600), dpi=100)
    draw_day(canvas, scenario, style, date(2017, 11, 30))
    markers = np.vstack(
        [
            a.get_offsets()
            for a in canvas.ax.get_children()
            if str(a.get_gid()).startswith("places-") and len(a.get_offsets())
        ]
    )

    def at(place_id):
        lon, lat = scenario.places[place_id].lonlat
        x, y = project_xy(scenario.projection, [lon], [lat])
        return bool(np.any(np.hypot(markers[:, 0] - x[0], markers[:, 1] - y[0]) < 1.0))

    assert at("al-tanf") and at("erbil")  # towns and sites keep their markers
    for area in ("kurdistan-region", "homs-governorate", "al-tanf-zone"):
        assert not at(area)
    points = {p.id for p in scenario.places.values() if not p.is_area}
    positions = {scenario.places[p].lonlat for p in points}
    assert len({tuple(xy) for xy in np.round(markers, 3)}) == len(positions)
