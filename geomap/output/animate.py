"""From a series of PNG frames: an animated GIF and an MP4 (Pillow, ffmpeg)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from geomap.output.files import CREATOR, write_atomically


def _open_rgb(path: Path):
    from PIL import Image

    with Image.open(path) as image:
        return image.convert("RGB")


GIF_COLOURS = 255  # one index stays free for the GIF writer's transparency between frames
MOST_FREQUENT_SHARE = 0.75  # of the palette: exact colours by pixel count; the rest median cut


def _hex_rgb(colour: str) -> tuple[int, int, int]:
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    return (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))


def _pack(rgb):
    import numpy as np

    rgb = np.asarray(rgb, dtype=np.uint32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def _unpack(packed):
    import numpy as np

    packed = np.asarray(packed, dtype=np.uint32)
    return np.stack([(packed >> 16) & 255, (packed >> 8) & 255, packed & 255], axis=-1)


def gif_palette(
    frames: Sequence, keep: Sequence[str] = (), size: int = GIF_COLOURS
) -> list[tuple[int, int, int]]:
    """A palette for every frame of an animation that keeps colours exactly.

    First the colours in ``keep`` (faction, symbol and text colours), then the exact colours that
    cover the most pixels over all frames (areas, land, sea: a faction on a few pixels keeps its
    colour because it is kept, not because it is frequent), then a median cut of the remaining
    pixels (anti-aliased edges) for the slots left. ``frames`` are RGB arrays.
    """
    import numpy as np
    from PIL import Image

    chosen: list[int] = []
    for colour in keep:
        packed = int(_pack(_hex_rgb(colour)))
        if packed not in chosen:
            chosen.append(packed)
    chosen = chosen[:size]
    per_frame = [np.unique(_pack(frame), return_counts=True) for frame in frames]
    values, inverse = np.unique(np.concatenate([v for v, _ in per_frame]), return_inverse=True)
    counts = np.bincount(inverse, weights=np.concatenate([c for _, c in per_frame]))
    order = np.lexsort((values, -counts))
    totals = dict(zip(values[order].tolist(), counts[order].astype(int).tolist(), strict=True))
    frequent = list(totals)
    budget = max(len(chosen), int(size * MOST_FREQUENT_SHARE))
    for value in frequent:
        if len(chosen) >= budget:
            break
        if value not in chosen:
            chosen.append(value)
    taken = set(chosen)
    rest = [v for v in frequent if v not in taken]
    if rest and len(chosen) < size:
        if len(rest) <= size - len(chosen):
            chosen.extend(rest)
        else:
            weights = np.array([totals[v] for v in rest], dtype=np.float64)
            weights = np.maximum(1, np.round(weights * min(1.0, 1e6 / weights.sum()))).astype(int)
            sample = np.repeat(np.array(rest, dtype=np.uint32), weights)
            strip = _unpack(sample).astype(np.uint8).reshape(1, -1, 3)
            cut = Image.fromarray(strip, "RGB").quantize(
                colors=size - len(chosen), method=Image.Quantize.MEDIANCUT
            )
            extra = cut.getpalette()[: 3 * (size - len(chosen))]
            for index in range(0, len(extra), 3):
                value = int(_pack(extra[index : index + 3]))
                if value not in chosen:
                    chosen.append(value)
    return [tuple(int(c) for c in _unpack(v)) for v in chosen]


def to_palette(frame, palette: Sequence[tuple[int, int, int]]):
    """The frame's palette indices: a colour in the palette keeps its index exactly, any other
    colour takes the nearest (in RGB)."""
    import numpy as np

    values, inverse = np.unique(_pack(frame), return_inverse=True)
    table = np.asarray(palette, dtype=np.int32)
    rgb = _unpack(values).astype(np.int32)
    nearest = np.empty(len(values), dtype=np.uint8)
    for start in range(0, len(values), 4096):
        block = rgb[start : start + 4096, None, :] - table[None, :, :]
        nearest[start : start + 4096] = np.argmin((block * block).sum(-1), axis=1)
    return nearest[inverse.reshape(-1)].reshape(frame.shape[:2])


def write_gif(
    frames: Sequence[Path], out: Path, seconds_per_frame: float, keep: Sequence[str] = ()
) -> Path:
    """An animated GIF that loops, with one palette for every frame (colours stay put) that keeps
    the colours in ``keep`` and the most used ones exactly (see ``gif_palette``)."""
    import numpy as np
    from PIL import Image

    pixels = [np.asarray(_open_rgb(p)) for p in frames]
    palette = gif_palette(pixels, keep)
    flat = [channel for colour in palette for channel in colour]
    paletted = []
    for frame in pixels:
        image = Image.fromarray(to_palette(frame, palette), "P")
        image.putpalette(flat)
        paletted.append(image)
    del pixels
    duration_ms = max(20, round(seconds_per_frame * 1000))

    def write(temp: Path) -> None:
        paletted[0].save(
            temp,
            format="GIF",
            save_all=True,
            append_images=paletted[1:],
            duration=duration_ms,
            loop=0,
            comment=CREATOR.encode(),
        )

    return write_atomically(out, write)


def write_mp4(
    frames: Sequence[Path], out: Path, seconds_per_frame: float, keep: Sequence[str] = ()
) -> Path:
    """An H.264 MP4 (yuv420p, plays everywhere) through the ffmpeg shipped by imageio-ffmpeg
    (``keep`` is for writers with a palette: video keeps every colour)."""
    from geomap.output.formats import FORMATS

    FORMATS["mp4"].check_available("--animate mp4")
    import imageio_ffmpeg
    import numpy as np

    first = _open_rgb(frames[0])
    width, height = first.size
    even = (width - width % 2, height - height % 2)
    fps = 1.0 / max(seconds_per_frame, 0.04)

    def write(temp: Path) -> None:
        writer = imageio_ffmpeg.write_frames(
            str(temp),
            even,
            fps=fps,
            codec="libx264",
            pix_fmt_out="yuv420p",
            macro_block_size=2,
            output_params=["-f", "mp4", "-metadata", f"comment={CREATOR}", "-fflags", "+bitexact"],
            ffmpeg_log_level="error",
        )
        writer.send(None)
        for path in frames:
            image = _open_rgb(path).crop((0, 0, *even))
            writer.send(np.ascontiguousarray(np.asarray(image)))
        writer.close()

    return write_atomically(out, write)
