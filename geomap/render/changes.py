"""Rings around the places that changed hands (the second map of a comparison)."""

from __future__ import annotations

import numpy as np

from geomap.render.geometry import add_points
from geomap.render.layer import FRAME, Z_CHANGES, Layer, Scene
from geomap.render.symbology import CHANGE_COLOUR
from geomap.scenario.cache import kept_xy


class ChangesLayer(Layer):
    lifetime = FRAME

    def draw(self, canvas, scene: Scene) -> None:
        self.clear()
        places = scene.changes
        if not places:
            return
        x, y = kept_xy(
            canvas.projection,
            [p.place.lonlat[0] for p in places],
            [p.place.lonlat[1] for p in places],
        )
        sizes = np.array([canvas.style.marker_size(p.place.rank) * 2.3 for p in places])
        ring = add_points(
            canvas.ax,
            x,
            y,
            marker="o",
            size_pt=sizes,
            colours="none",
            zorder=Z_CHANGES,
            edge=CHANGE_COLOUR,
            edge_width=1.6,
            gid="changes",
        )
        ring.set_label("Changed hands")
        self.artists.append(ring)
