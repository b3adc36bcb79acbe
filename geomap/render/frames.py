"""The fast-frame compositor: a series redraws only what changes, driven by each layer's lifetime.

``STATIC`` layers are drawn once and kept as a background of pixels; ``FRAME`` layers are drawn
for every frame over it; each ``OVERLAY`` layer is drawn alone onto a transparent layer, kept
while its :meth:`~geomap.render.layer.Layer.cache_key` is unchanged, and blended on top. The
result matches a full draw except for rounding in anti-aliased edges (a level or two on a few
pixels).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from geomap.render.layer import FRAME, OVERLAY, STATIC


def blend(pixels: np.ndarray, layer: tuple) -> None:
    """Paint a cached layer (see :meth:`Compositor.isolated`) over ``pixels`` (RGBA, in place)
    with the "over" operator: opaque pixels are copied, the others blended."""
    opaque_index, opaque_rgb, index, premultiplied, inverse_alpha = layer
    flat = pixels.reshape(-1, 4)
    flat[opaque_index, :3] = opaque_rgb
    under = flat[index, :3].astype(np.uint32)
    flat[index, :3] = ((premultiplied + under * inverse_alpha) // 255).astype(np.uint8)


class Compositor:
    """Cached pixels of one canvas's static background and overlay layers."""

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self.background = None
        self.overlays: dict[tuple, tuple] = {}

    def isolated(self, artists: Sequence) -> tuple:
        """Pixels of ``artists`` alone on a transparent canvas, ready for :func:`blend`: the
        opaque pixels (flat indices, colours) and the others (indices, colour times alpha,
        255 minus alpha)."""
        figure, ax = self.canvas.figure, self.canvas.ax
        keep = {id(a) for a in artists}
        everything = [*ax.get_children(), *figure.texts, figure.patch, ax.patch]
        visible = [(a, a.get_visible()) for a in everything]
        for artist, _ in visible:
            artist.set_visible(id(artist) in keep)
        figure.canvas.draw()
        layer = np.asarray(figure.canvas.buffer_rgba()).reshape(-1, 4)
        for artist, was in visible:
            artist.set_visible(was)
        opaque = np.flatnonzero(layer[:, 3] == 255)
        index = np.flatnonzero((layer[:, 3] > 0) & (layer[:, 3] < 255))
        alpha = layer[index, 3:4].astype(np.uint32)
        premultiplied = layer[index, :3].astype(np.uint32) * alpha + 127
        return opaque, layer[opaque, :3].copy(), index, premultiplied, 255 - alpha

    def capture_background(self) -> None:
        """Draw the static layers alone and keep their pixels."""
        if self.background is not None:
            return
        canvas = self.canvas
        hidden = [a for layer in canvas.layers if layer.lifetime != STATIC for a in layer.artists]
        for artist in hidden:
            artist.set_visible(False)
        canvas.figure.canvas.draw()
        self.background = canvas.figure.canvas.copy_from_bbox(canvas.figure.bbox)
        for artist in hidden:
            artist.set_visible(True)

    def rgba(self) -> np.ndarray:
        """The current frame: the background restored, the frame layers' artists of the map
        drawn in z-order, then, layer by layer, overlays blended and the frame layers' artists
        outside the map (the title) drawn."""
        canvas, figure = self.canvas, self.canvas.figure
        self.capture_background()
        for layer in canvas.layers:
            if layer.lifetime == OVERLAY and layer.artists:
                key = (id(layer), *layer.cache_key())
                if key not in self.overlays:
                    self.overlays[key] = self.isolated(layer.artists)
        figure.canvas.restore_region(self.background)
        renderer = figure.canvas.get_renderer()
        order = {id(a): i for i, a in enumerate(canvas.ax.get_children())}
        per_frame = [a for layer in canvas.layers if layer.lifetime == FRAME for a in layer.artists]
        in_map = sorted(
            (a for a in per_frame if id(a) in order), key=lambda a: (a.get_zorder(), order[id(a)])
        )
        for artist in in_map:
            artist.draw(renderer)
        pixels = np.asarray(figure.canvas.buffer_rgba())
        for layer in canvas.layers:
            if layer.lifetime == OVERLAY and layer.artists:
                blend(pixels, self.overlays[(id(layer), *layer.cache_key())])
            elif layer.lifetime == FRAME:
                for artist in layer.artists:
                    if id(artist) not in order:
                        artist.draw(renderer)
        return pixels
