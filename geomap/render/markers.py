"""The places: one glyph (or a few, see :data:`geomap.render.symbology.STATUS_LOOKS`) per place,
in its holder's colour, shaped by its kind."""

from __future__ import annotations

import numpy as np

from geomap.render.geometry import add_points
from geomap.render.layer import FRAME, Layer, LegendEntry, LegendScope, Scene
from geomap.render.symbology import (
    KIND,
    KIND_LEGEND,
    LEGEND_GREY,
    LEGEND_LIGHT,
    STALE_ALPHA,
    STATUS_LOOKS,
    UNKNOWN_COLOUR,
    legend_marker,
    status_of,
)


def faction_colour(factions: dict, faction_id: str | None) -> str:
    if faction_id is None or faction_id not in factions:
        return UNKNOWN_COLOUR
    return factions[faction_id].colour


def source_links(source_urls: dict, places) -> list[str | None] | None:
    """The address of the first source of each place's claim that has one (None if none do)."""
    urls = [
        next((source_urls[s] for s in p.state.sources if s in source_urls), None) for p in places
    ]
    return urls if any(urls) else None


class MarkersLayer(Layer):
    lifetime = FRAME

    def draw(self, canvas, scene: Scene) -> None:
        self.clear()
        style, places = canvas.style, scene.places
        groups: dict[tuple, list[int]] = {}
        for index, item in enumerate(places):
            status = status_of(item)
            shape = STATUS_LOOKS[status].shape or style.marker_shape(item.place.kind)
            groups.setdefault((status, shape, item.stale), []).append(index)
        for (status, shape, stale), indices in sorted(groups.items()):
            xs, ys = scene.x[indices], scene.y[indices]
            sizes = np.array([style.marker_size(places[i].place.rank) for i in indices])
            colours = {
                "holder": [
                    faction_colour(canvas.factions, places[i].state.holder) for i in indices
                ],
                "by": [faction_colour(canvas.factions, places[i].state.by) for i in indices],
                "none": "none",
            }
            gid = f"places-{status}-{shape}{'-stale' if stale else ''}"
            urls = source_links(canvas.source_urls, [places[i] for i in indices])
            for glyph in STATUS_LOOKS[status].glyphs:
                self.artists.append(
                    add_points(
                        canvas.ax,
                        xs,
                        ys,
                        marker=shape if glyph.marker is KIND else glyph.marker,
                        size_pt=sizes * glyph.scale,
                        colours=colours[glyph.fill],
                        zorder=glyph.zorder,
                        alpha=STALE_ALPHA if stale and glyph.fades else None,
                        edge=glyph.edge,
                        edge_width=style.line_widths["marker_edge"],
                        gid=gid + glyph.gid,
                    )
                )
                if urls:
                    self.artists[-1].set_urls(urls)  # each marker links to its source (SVG)

    def legend_entries(self, canvas, scope: LegendScope) -> list[LegendEntry]:
        entries = [
            LegendEntry((0, index), faction.name, legend_marker("o", 8, faction.colour, "white"))
            for index, faction in enumerate(canvas.factions.values())
            if faction.id in scope.factions
        ]
        for index, (status, look) in enumerate(STATUS_LOOKS.items()):
            if look.legend and status in scope.statuses:
                glyphs = tuple(legend_marker(g.marker, g.size, g.face, g.edge) for g in look.legend)
                handle = glyphs if len(glyphs) > 1 else glyphs[0]
                entries.append(LegendEntry((2, index), look.legend_text, handle, look.legend_short))
        shapes = canvas.style.marker_shapes
        for index, (kind, kinds, text) in enumerate(KIND_LEGEND):
            if scope.kinds.intersection(kinds):
                marker = legend_marker(shapes.get(kind, "o"), 6, LEGEND_LIGHT, LEGEND_GREY)
                entries.append(LegendEntry((3, index), text, marker))
        if scope.stale:
            entries.append(
                LegendEntry(
                    (4, 0),
                    f"Faded: last claim over {canvas.style.stale_after_days} days old",
                    legend_marker("o", 7, LEGEND_GREY, "white", alpha=STALE_ALPHA),
                    f"Faded: claim over {canvas.style.stale_after_days} days old",
                )
            )
        return entries
