"""From a series of PNG frames: an animated GIF, an MP4 and a contact sheet (Pillow, ffmpeg)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from geomap.domain.dates import long_date
from geomap.errors import InputError, Location
from geomap.output.files import CREATOR, write_atomically


def _open_rgb(path: Path):
    from PIL import Image

    with Image.open(path) as image:
        return image.convert("RGB")


def write_gif(frames: Sequence[Path], out: Path, seconds_per_frame: float) -> Path:
    """An animated GIF that loops; one shared palette keeps colours steady between frames."""
    from PIL import Image

    images = [_open_rgb(p) for p in frames]
    # One palette for every frame, from a strip of sample frames, so colours stay put
    samples = images[:: max(1, len(images) // 6)][:6]
    strip = Image.new("RGB", (samples[0].width, samples[0].height * len(samples)))
    for number, sample in enumerate(samples):
        strip.paste(sample, (0, number * sample.height))
    palette_source = strip.quantize(colors=255, method=Image.Quantize.MEDIANCUT)
    paletted = [
        image.quantize(palette=palette_source, dither=Image.Dither.NONE) for image in images
    ]
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


def write_mp4(frames: Sequence[Path], out: Path, seconds_per_frame: float) -> Path:
    """An H.264 MP4 (yuv420p, plays everywhere) through the ffmpeg shipped by imageio-ffmpeg."""
    try:
        import imageio_ffmpeg
    except ImportError:
        raise InputError.at(
            None, "--animate mp4 needs imageio-ffmpeg: pip install imageio-ffmpeg"
        ) from None
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


def _font(size_px: int):
    from matplotlib import get_data_path
    from PIL import ImageFont

    return ImageFont.truetype(str(Path(get_data_path()) / "fonts/ttf/DejaVuSans.ttf"), size_px)


def write_contact_sheet(
    frames: Sequence[Path],
    days: Sequence[date],
    out: Path,
    title: str,
    columns: int | None = None,
    thumb_width: int = 400,
) -> Path:
    """A grid of small dated maps on one page, each with its date underneath."""
    from PIL import Image, ImageDraw

    if not frames:
        raise InputError.at(Location.of_file(out), "no frames for the contact sheet")
    columns = columns or min(6, math.ceil(math.sqrt(len(frames))))
    first = _open_rgb(frames[0])
    thumb_height = round(first.height * thumb_width / first.width)
    caption, margin, header = 26, 12, 56
    rows = math.ceil(len(frames) / columns)
    sheet = Image.new(
        "RGB",
        (
            columns * (thumb_width + margin) + margin,
            header + rows * (thumb_height + caption + margin) + margin,
        ),
        "white",
    )
    draw = ImageDraw.Draw(sheet)
    draw.text((margin, 14), title, fill="#202020", font=_font(24))
    label_font = _font(15)
    for number, (path, day) in enumerate(zip(frames, days, strict=True)):
        row, column = divmod(number, columns)
        x = margin + column * (thumb_width + margin)
        y = header + row * (thumb_height + caption + margin)
        thumb = _open_rgb(path).resize((thumb_width, thumb_height), Image.Resampling.LANCZOS)
        sheet.paste(thumb, (x, y))
        draw.rectangle((x, y, x + thumb_width - 1, y + thumb_height - 1), outline="#999999")
        draw.text((x + 2, y + thumb_height + 4), long_date(day), fill="#202020", font=label_font)

    def write(temp: Path) -> None:
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Software", CREATOR)
        sheet.save(temp, format="PNG", pnginfo=info, compress_level=6)

    return write_atomically(out, write)
