"""Every reader can tell the sides of the bundled scenario apart.

The colour maths is written here with numpy: sRGB (IEC 61966-2-1) to CIE XYZ (D65) to CIELAB, the
colour difference ΔE*ab (CIE 1976, the Euclidean distance in CIELAB), and colour-vision deficiency
simulated with the Machado, Oliveira & Fernandes (2009) matrices for protanopia and deuteranopia at
severity 1.0, applied to linear RGB. The shaded areas are compared as drawn: the render code's fill
colour for each faction, composited at the render code's area opacity over the focus land colour.

Run ``python tests/test_palette.py`` to print the figures.
"""

from __future__ import annotations

import colorsys
import itertools

import numpy as np
import pytest

from geomap.scenario.load import load_scenario
from geomap.scenario.resources import default_scenario_path
from geomap.scenario.style import load_style

MIN_DELTA_E = 25.0
MIN_DELTA_E_SIMULATED = 12.0
MIN_DELTA_E_FILLS = 10.0

# Linear sRGB to CIE XYZ, D65 white (IEC 61966-2-1).
SRGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
D65_WHITE = SRGB_TO_XYZ @ np.ones(3)

# Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color
# vision deficiency", IEEE TVCG 15(6): the published matrices for severity 1.0 (linear RGB).
PROTANOPIA = np.array(
    [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ]
)
DEUTERANOPIA = np.array(
    [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]
)


def srgb(hex_colour: str) -> np.ndarray:
    """``#rrggbb`` as sRGB components in 0..1."""
    text = hex_colour.lstrip("#")
    return np.array([int(text[i : i + 2], 16) / 255 for i in (0, 2, 4)])


def to_linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def linear_to_lab(linear: np.ndarray) -> np.ndarray:
    ratio = (SRGB_TO_XYZ @ linear) / D65_WHITE
    delta = 6 / 29
    f = np.where(ratio > delta**3, np.cbrt(ratio), ratio / (3 * delta**2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def lab(rgb: np.ndarray) -> np.ndarray:
    return linear_to_lab(to_linear(rgb))


def lab_as_seen_with(matrix: np.ndarray, rgb: np.ndarray) -> np.ndarray:
    return linear_to_lab(np.clip(matrix @ to_linear(rgb), 0.0, 1.0))


def closest_pair(colours: dict[str, np.ndarray], to_lab) -> tuple[float, str, str]:
    """The smallest ΔE*ab between two of ``colours`` (and which two)."""
    labs = {name: to_lab(rgb) for name, rgb in colours.items()}
    return min(
        (float(np.linalg.norm(labs[a] - labs[b])), a, b)
        for a, b in itertools.combinations(sorted(labs), 2)
    )


def drawn_fill(colour: str, background: str) -> np.ndarray:
    """A faction's shaded area as the renderer paints it: its fill colour at the area opacity over
    the focus land (Agg blends in sRGB)."""
    from geomap.render.symbology import AREA_ALPHA, area_fill_colour

    return AREA_ALPHA * srgb(area_fill_colour(colour)) + (1 - AREA_ALPHA) * srgb(background)


def palette_figures() -> dict[str, tuple[float, str, str]]:
    scenario = load_scenario(default_scenario_path())
    style = load_style(scenario.style_path)
    colours = {f.id: srgb(f.colour) for f in scenario.factions.values()}
    land = style.colours["focus_land"]
    fills = {f.id: drawn_fill(f.colour, land) for f in scenario.factions.values()}
    return {
        "CIELAB": closest_pair(colours, lab),
        "protanopia (Machado 2009, severity 1.0)": closest_pair(
            colours, lambda rgb: lab_as_seen_with(PROTANOPIA, rgb)
        ),
        "deuteranopia (Machado 2009, severity 1.0)": closest_pair(
            colours, lambda rgb: lab_as_seen_with(DEUTERANOPIA, rgb)
        ),
        "shaded fills as drawn": closest_pair(fills, lab),
    }


@pytest.fixture(scope="module")
def figures():
    return palette_figures()


def test_the_colour_maths_matches_known_cielab_values():
    assert lab(srgb("#ffffff")) == pytest.approx([100.0, 0.0, 0.0], abs=1e-3)
    assert lab(srgb("#000000")) == pytest.approx([0.0, 0.0, 0.0], abs=1e-6)
    assert lab(srgb("#ff0000")) == pytest.approx([53.24, 80.09, 67.20], abs=0.02)
    assert lab(srgb("#0000ff")) == pytest.approx([32.30, 79.19, -107.86], abs=0.02)


def test_the_simulations_merge_red_and_green_and_keep_greys():
    red, green = srgb("#d7191c"), srgb("#1e7b34")
    grey = srgb("#808080")
    for matrix in (PROTANOPIA, DEUTERANOPIA):
        assert lab_as_seen_with(matrix, grey) == pytest.approx(lab(grey), abs=0.05)
        seen = np.linalg.norm(lab_as_seen_with(matrix, red) - lab_as_seen_with(matrix, green))
        assert seen < 0.3 * np.linalg.norm(lab(red) - lab(green))


def test_fills_are_computed_as_the_renderer_paints_them():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    from geomap.render.symbology import AREA_ALPHA, area_fill_colour

    land = "#fcfbf7"
    for colour in ("#1a1a1a", "#d7191c", "#f2cd00", "#6a3d9a"):
        figure = Figure(figsize=(0.2, 0.2), dpi=50, facecolor=land)
        figure.add_artist(
            Rectangle((0, 0), 1, 1, facecolor=area_fill_colour(colour), alpha=AREA_ALPHA, lw=0)
        )
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        pixel = np.asarray(canvas.buffer_rgba())[5, 5, :3] / 255
        assert pixel == pytest.approx(drawn_fill(colour, land), abs=1.5 / 255)


def test_the_conventions_are_kept():
    scenario = load_scenario(default_scenario_path())
    hue = {
        f.id: colorsys.rgb_to_hls(*srgb(f.colour)) for f in scenario.factions.values()
    }  # (hue, lightness, saturation)
    assert hue["isis"][1] < 0.15  # black
    assert hue["syrian-gov"][0] < 0.03 or hue["syrian-gov"][0] > 0.97  # red
    assert 0.11 < hue["sdf"][0] < 0.18  # yellow
    assert 0.22 < hue["rebels"][0] < 0.42  # green


def test_every_pair_of_faction_colours_is_far_apart(figures):
    distance, first, second = figures["CIELAB"]
    assert distance >= MIN_DELTA_E, f"{first} vs {second}: ΔE {distance:.1f}"


@pytest.mark.parametrize("deficiency", ["protanopia", "deuteranopia"])
def test_red_green_colour_blind_readers_can_tell_every_pair_apart(figures, deficiency):
    distance, first, second = figures[f"{deficiency} (Machado 2009, severity 1.0)"]
    assert distance >= MIN_DELTA_E_SIMULATED, f"{first} vs {second}: ΔE {distance:.1f}"


def test_the_shaded_areas_as_drawn_are_apart(figures):
    distance, first, second = figures["shaded fills as drawn"]
    assert distance >= MIN_DELTA_E_FILLS, f"{first} vs {second}: ΔE {distance:.1f}"


if __name__ == "__main__":
    for label, (distance, first, second) in palette_figures().items():
        print(f"{label}: closest pair {first} / {second}, ΔE*ab {distance:.1f}")
