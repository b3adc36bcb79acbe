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
    # in 16 bits (colour times alpha, plus 127, plus under times 255 minus alpha: at most
    # 65,152), in place
    under = flat[index, :3].astype(premultiplied.dtype)
    under *= inverse_alpha
    under += premultiplied
    under //= 255
    flat[index, :3] = under


class Compositor:
    """Cached pixels of one canvas's static background and overlay layers."""

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self.background = None
        self.overlays: dict[tuple, tuple] = {}
        # the last frame's pixels before its date-only layers (the title) were drawn, and the
        # index of the first such layer: a frame whose map is unchanged starts from them
        self.map_pixels: np.ndarray | None = None
        self.map_split = 0

    def map_changed(self) -> None:
        """The map's frame layers were redrawn: the last frame's map pixels are stale."""
        self.map_pixels = None

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
        alpha = layer[index, 3:4].astype(np.uint16)
        premultiplied = layer[index, :3].astype(np.uint16) * alpha + 127
        return opaque, layer[opaque, :3].copy(), index, premultiplied, 255 - alpha

    def kept_isolated(self, layer) -> tuple:
        """:meth:`isolated` pixels of ``layer``, kept in the cache under its
        :meth:`~geomap.render.layer.Layer.pixels_key` when it has one."""
        digest = layer.pixels_key(self.canvas)
        if digest is None:
            return self.isolated(layer.artists)
        from geomap.scenario.cache import remember

        return remember(digest, "pixels", lambda: self.isolated(layer.artists))

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
                    self.overlays[key] = self.kept_isolated(layer)
        renderer = figure.canvas.get_renderer()
        order = {id(a): i for i, a in enumerate(canvas.ax.get_children())}
        if self.map_pixels is not None:  # only the date changed: start from the last map
            pixels = np.asarray(figure.canvas.buffer_rgba())
            pixels[...] = self.map_pixels
            return self._finish(pixels, self.map_split, order, renderer)
        figure.canvas.restore_region(self.background)
        per_frame = [a for layer in canvas.layers if layer.lifetime == FRAME for a in layer.artists]
        in_map = sorted(
            (a for a in per_frame if id(a) in order), key=lambda a: (a.get_zorder(), order[id(a)])
        )
        for artist in in_map:
            artist.draw(renderer)
        pixels = np.asarray(figure.canvas.buffer_rgba())
        split = next(
            (
                i
                for i, layer in enumerate(canvas.layers)
                if layer.lifetime == FRAME and any(id(a) not in order for a in layer.artists)
            ),
            len(canvas.layers),
        )
        self._finish(pixels, 0, order, renderer, until=split)
        self.map_pixels, self.map_split = pixels.copy(), split
        return self._finish(pixels, split, order, renderer)

    def _finish(self, pixels, start: int, order: dict, renderer, until: int | None = None):
        """Blend the overlays and draw the frame layers' artists outside the map (the title),
        layer by layer from ``start`` (to ``until``)."""
        for layer in self.canvas.layers[start:until]:
            if layer.lifetime == OVERLAY and layer.artists:
                blend(pixels, self.overlays[(id(layer), *layer.cache_key())])
            elif layer.lifetime == FRAME:
                for artist in layer.artists:
                    if id(artist) not in order:
                        artist.draw(renderer)
        return pixels
