"""Place names: placed once clear of markers, furniture and the legend (see
:mod:`geomap.render.placement`), then kept for every later frame so they never move."""

from __future__ import annotations

import hashlib

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.lines import Line2D

from geomap.render.layer import OVERLAY, Z_LABEL, Z_LEADER, Layer, Scene
from geomap.render.placement import LabelRequest, place_labels
from geomap.scenario.cache import remember

LEADER_COLOUR, LEADER_WIDTH = "#333333", 0.8  # a leader line is seen at a glance


class LabelsLayer(Layer):
    lifetime = OVERLAY

    def __init__(self) -> None:
        super().__init__()
        self.placed = False
        self.placement: str | None = None  # digest of everything the placement depends on
        self._glyph_sizes: dict[tuple, dict[str, tuple[float, float]]] = {}

    def draw(self, canvas, scene: Scene) -> None:
        if not self.placed:
            self._place(canvas, scene)
            self.placed = True

    def _place(self, canvas, scene: Scene) -> None:
        from matplotlib.font_manager import FontProperties

        style, ax = canvas.style, canvas.ax
        renderer = canvas.figure.canvas.get_renderer()
        pixels = canvas.data_to_px(scene.x, scene.y)
        scale = canvas.dpi / 72
        x0, y0 = ax.transAxes.transform((0, 0))
        x1, y1 = ax.transAxes.transform((1, 1))
        requests, fonts, text_sizes = [], {}, {}
        for index, item in enumerate(scene.places):
            if item.place.rank > style.label_max_rank:
                continue
            major = item.place.rank == 1
            size = style.font_sizes["label_major" if major else "label"]
            prop = FontProperties(
                family="sans-serif", size=size, weight="bold" if major else "normal"
            )
            name = item.place.name
            floor_width, floor_height = self.text_size_floor(canvas, name, prop)

            def measure(name=name, prop=prop, key=(name, size, major)):
                if key not in text_sizes:
                    width, height, _ = renderer.get_text_width_height_descent(
                        name, prop, ismath=False
                    )
                    text_sizes[key] = (width + 2 * scale, height + 2 * scale)
                return text_sizes[key]

            # room for a besieged ring around every marker, so labels never move between frames
            marker_radius = style.marker_size(item.place.rank) * scale / 2
            requests.append(
                LabelRequest(
                    item.place.id,
                    float(pixels[index, 0]),
                    float(pixels[index, 1]),
                    marker_radius * 1.75,
                    floor_width + 2 * scale,
                    floor_height + 2 * scale,
                    marker_radius * 1.2,
                    item.place.rank,
                    measure,
                )
            )
            fonts[item.place.id] = (item, prop)
        frame = (x0 + 2, y0 + 2, x1 - 2, y1 - 2)
        obstacles = canvas.obstacles_px + canvas.legend_space_px()
        self.placement = placement_key(requests, fonts, frame, obstacles, canvas.dpi)
        placed = remember(
            self.placement, "labels", lambda: place_labels(requests, frame, obstacles)
        )
        inverse = ax.transData.inverted()
        halo = [
            patheffects.withStroke(linewidth=2.2 * canvas.scale, foreground=style.colours["halo"])
        ]
        for label in placed:
            item, prop = fonts[label.key]
            dx = {"left": scale, "right": -scale, "center": 0}[label.ha]
            dy = {"bottom": scale, "top": -scale, "center": 0}[label.va]
            tx, ty = inverse.transform((label.x + dx, label.y + dy))
            text = ax.text(
                tx,
                ty,
                item.place.name,
                fontproperties=prop,
                ha=label.ha,
                va="center_baseline" if label.va == "center" else label.va,
                zorder=Z_LABEL,
                path_effects=halo,
            )
            text.set_gid(f"label-{item.place.id}")
            self.artists.append(text)
            if label.leader is not None:
                (lx0, ly0), (lx1, ly1) = inverse.transform(np.reshape(label.leader, (2, 2)))
                line = Line2D(
                    [lx0, lx1],
                    [ly0, ly1],
                    color=LEADER_COLOUR,
                    linewidth=LEADER_WIDTH * canvas.scale,
                    zorder=Z_LEADER,
                    solid_capstyle="round",
                )
                line.set_gid(f"leader-{item.place.id}")
                ax.add_line(line)
                self.artists.append(line)

    def pixels_key(self, canvas) -> str | None:
        """The labels' pixels depend on their placement (which covers the places, texts, fonts
        and resolution), their halo, the figure's size and the map's extent, and matplotlib's
        settings (the leader lines' colour and width are geomap's code, in every entry's key)."""
        if self.placement is None:
            return None
        inputs = (
            self.placement,
            canvas.style.colours["halo"],
            canvas.scale,
            tuple(canvas.size_px),
            float(canvas.dpi),
            tuple(map(float, canvas.ax.get_position().bounds)),
            tuple(map(float, canvas.bounds)),
            [artist.get_gid() for artist in self.artists],
            sorted((name, repr(value)) for name, value in matplotlib.rcParams.items()),
        )
        return hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]

    def text_size_floor(self, canvas, text: str, prop) -> tuple[float, float]:
        """At most the width and height in pixels that ``text`` measures, from each character's
        advance and height (read once per font): far quicker than measuring the text."""
        from matplotlib.backends.backend_agg import get_hinting_flag
        from matplotlib.font_manager import findfont, get_font

        size = prop.get_size_in_points()
        key = (findfont(prop), size)
        glyphs = self._glyph_sizes.get(key)
        if glyphs is None:
            glyphs = self._glyph_sizes[key] = {}
        missing = set(text) - glyphs.keys()
        if missing:
            font = get_font(key[0])
            font.set_size(size, canvas.dpi)
            for char in missing:
                if font.get_char_index(ord(char)) == 0:
                    glyphs[char] = (0.0, 0.0)  # drawn from a fallback font: count nothing
                    continue
                glyph = font.load_char(ord(char), flags=get_hinting_flag())
                glyphs[char] = (glyph.horiAdvance / 64, (glyph.bbox[3] - glyph.bbox[1]) / 64)
        advance = sum(glyphs[char][0] for char in text)
        height = max((glyphs[char][1] for char in text), default=0.0)
        # kerning, ligatures, side bearings and hinting move the ink by a few pixels at most
        return max(0.8 * advance - 4.0, 0.0), 0.8 * height


def placement_key(requests, fonts, frame, obstacles, dpi: float) -> str:
    """A digest of everything :func:`place_labels` depends on, under which the placement is kept
    in the cache: every request (place, marker, size bounds), the text each one measures and in
    which font file, size and weight, the frame, the obstacles, the resolution, matplotlib's and
    FreeType's versions and their text settings (and geomap's code, as every cache entry)."""
    import os

    from matplotlib import ft2font
    from matplotlib.font_manager import findfont

    files: dict = {}  # one look-up per font (labels share two or three), not per label

    def font_file(prop) -> tuple:
        if prop not in files:
            path = findfont(prop)
            status = os.stat(path)
            files[prop] = (path, status.st_size, status.st_mtime_ns)
        return files[prop]

    texts = []
    for request in requests:
        item, prop = fonts[request.key]
        texts.append(
            (item.place.name, font_file(prop), prop.get_size_in_points(), prop.get_weight())
        )
    inputs = (
        matplotlib.__version__,
        ft2font.__freetype_version__,
        sorted(
            (name, repr(value))
            for name, value in matplotlib.rcParams.items()
            if name.startswith(("text.", "font."))
        ),
        float(dpi),
        tuple(map(float, frame)),
        [tuple(map(float, box)) for box in obstacles],
        [(r.key, r.x, r.y, r.radius, r.width, r.height, r.marker_radius, r.rank) for r in requests],
        texts,
    )
    return hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]
