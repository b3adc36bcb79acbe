"""The GIF's palette: colours on few pixels survive exactly, beside thousands of others."""

import numpy as np
from PIL import Image

from geomap.output.animate import gif_palette, to_palette, write_gif

TURKEY, REBELS = (0x1E, 0x7B, 0x34), (0x7C, 0xCD, 0x3C)


def busy_frame(seed: int) -> np.ndarray:
    """A frame of smooth shading (thousands of colours, like anti-aliased areas and relief),
    with Turkey's and the rebels' colours on a few small markers."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:300, 0:400]
    frame = np.stack([x * 255 // 400, y * 255 // 300, (x + y) * 255 // 700], axis=-1)
    frame = np.clip(frame + rng.integers(-6, 7, frame.shape), 0, 255).astype(np.uint8)
    for number, colour in enumerate((TURKEY, REBELS, TURKEY)):
        frame[100 + number * 40 : 105 + number * 40, 200:205] = colour
    return frame


def test_a_kept_colour_on_few_pixels_survives_exactly(tmp_path):
    frames = []
    for seed in range(3):
        path = tmp_path / f"frame-{seed}.png"
        Image.fromarray(busy_frame(seed)).save(path)
        frames.append(path)
    gif = write_gif(frames, tmp_path / "out.gif", 0.5, keep=["#1e7b34", "#7ccd3c"])
    with Image.open(gif) as image:
        for number in range(3):
            image.seek(number)
            shown = np.asarray(image.convert("RGB"))
            expected = busy_frame(number)
            for colour in (TURKEY, REBELS):
                where = (expected == colour).all(axis=-1)
                assert (shown[where] == colour).all()
            assert np.abs(shown.astype(int) - expected).mean() < 6


def test_the_most_used_colours_are_kept_exactly_and_others_map_to_the_nearest():
    frame = np.zeros((20, 20, 3), np.uint8)
    frame[:10] = (250, 250, 240)  # land: many pixels
    frame[10:] = (200, 220, 240)  # sea
    frame[0, 0] = (251, 250, 240)  # one pixel, one step from land
    palette = gif_palette([frame], keep=["#e6007e"], size=3)
    assert palette[0] == (0xE6, 0x00, 0x7E)
    assert set(palette[1:]) == {(250, 250, 240), (200, 220, 240)}
    indices = to_palette(frame, palette)
    assert palette[indices[0, 0]] == (250, 250, 240)
    assert palette[indices[15, 5]] == (200, 220, 240)
