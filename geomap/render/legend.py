"""The legend in the lower-left corner: the rows every other layer declares for what is on the
map, kept while they stay the same. Its largest possible box is kept free of labels.

On a small map the legend's text is held at a readable size (``MIN_TEXT_PX`` in
:mod:`geomap.render.canvas`) while the map shrinks, so the legend would cover more of the map the
smaller it is (a sixth of Syria and Iraq at 640x480). There the legend is compact: its rows are
closer together and the longest explanations shorter ("Besieged (ring: besieger)")."""

from __future__ import annotations

import numpy as np
from matplotlib.legend_handler import HandlerTuple

from geomap.render.layer import OVERLAY, Z_LEGEND, Layer, LegendEntry, LegendScope, Scene
from geomap.render.placement import overlaps

LEGEND_TITLE = "Held by"
FRAME_EDGE = "#999999"  # the legend's frame; the scale bar's backing is framed the same
FRAME_ROUNDING = 0.2  # its corners' radius, in font sizes (matplotlib's rounded legend frame)
SPACING = {"borderpad": 0.6, "labelspacing": 0.45}  # in font sizes
COMPACT_SPACING = {"borderpad": 0.35, "labelspacing": 0.2, "handletextpad": 0.5}


CORNERS = (  # where the legend may sit, in order of preference on a tie
    ("lower left", (0.008, 0.012)),
    ("upper left", (0.008, 0.988)),
    ("lower right", (0.992, 0.012)),
    ("upper right", (0.992, 0.988)),
)


def focus_land(canvas):
    """The focus countries' land inside the map, in map metres (None without any)."""
    import shapely
    from shapely.geometry import box

    from geomap.render.basemap import BasemapLayer

    basemap = canvas.layer(BasemapLayer)
    countries = basemap.basemap.get("countries")
    if countries is None or not basemap.focus_countries:
        return None
    focus = [
        geometry
        for country_id, geometry in zip(countries.ids, countries.geometries, strict=True)
        if country_id in basemap.focus_countries
    ]
    land = shapely.intersection(shapely.union_all(focus), box(*canvas.bounds))
    return None if land.is_empty else land


def land_share_px(canvas, box_px, land) -> float:
    """The share of ``land`` (map metres) that a box of figure pixels covers."""
    from shapely.geometry import box

    corners = canvas.ax.transData.inverted().transform(np.reshape(box_px, (2, 2)))
    covered = land.intersection(box(*corners[0], *corners[1]))
    return covered.area / land.area


class LegendLayer(Layer):
    lifetime = OVERLAY

    def __init__(self) -> None:
        super().__init__()
        self.signature: tuple = ()
        self._scope: tuple | None = None  # what the legend was last asked to explain
        self._space: tuple[float, float, float, float] | None = None
        self.corner = CORNERS[0]

    def compact(self, canvas) -> bool:
        """Whether this map's legend is compact: it is drawn on the map (not beside small
        multiples) and its text is held larger than the map's scale (at the readable minimum)."""
        return self in canvas.layers and canvas.legend_scale > canvas.scale * (1 + 1e-6)

    def rows(self, canvas, scope: LegendScope) -> tuple[list, list[str], str]:
        """Handles, texts and title of the legend for ``scope``, in a fixed order (a compact
        legend's rows in their short words)."""
        compact = self.compact(canvas)
        merged: dict[tuple, list] = {}
        notes = []
        for layer in canvas.layers:
            entry: LegendEntry
            for entry in layer.legend_entries(canvas, scope):
                text = entry.short if compact and entry.short else entry.text
                merged.setdefault((entry.order, text), []).append(entry.handle)
            note = layer.legend_title_note(scope)
            if note:
                notes.append(note)
        handles, texts = [], []
        for (_, text), found in sorted(merged.items(), key=lambda item: item[0][0]):
            handles.append(tuple(found) if len(found) > 1 else found[0])
            texts.append(text)
        title = f"{LEGEND_TITLE} ({'; '.join(notes)})" if notes else LEGEND_TITLE
        return handles, texts, title

    def draw(self, canvas, scene: Scene) -> None:
        # the rows are the layers' answer to the scope: the same scope, the same legend
        scope = (scene.legend, tuple(id(layer) for layer in canvas.layers))
        if self.artists and scope == self._scope:
            return
        self._scope = scope
        handles, texts, title = self.rows(canvas, scene.legend)
        signature = (title, *texts)
        if self.artists and signature == self.signature:
            return  # the same legend as the last frame: keep it (and its cached pixels)
        self.clear()
        self.artists.append(self._make(canvas, handles, texts, title))
        self.signature = signature

    def cache_key(self) -> tuple:
        return ("legend", self.signature)

    def _make(self, canvas, handles: list, texts: list[str], title: str):
        loc, anchor = self.corner
        legend = canvas.ax.legend(
            handles,
            texts,
            loc=loc,
            bbox_to_anchor=anchor,
            fontsize=canvas.style.font_sizes["legend"],
            markerscale=canvas.legend_scale,
            handler_map={tuple: HandlerTuple(ndivide=1, pad=0)},
            framealpha=1.0,
            edgecolor=FRAME_EDGE,
            **(COMPACT_SPACING if self.compact(canvas) else SPACING),
            title=title,
            title_fontsize=canvas.style.font_sizes["legend"] + 0.5,
            alignment="left",
        )
        legend.set_zorder(Z_LEGEND)
        legend.set_gid("legend")
        return legend

    def space_px(self, canvas) -> tuple[float, float, float, float]:
        """Pixels of the largest legend this map can have (every faction, status and kind), so
        labels drawn once keep clear of whatever legend a later frame shows."""
        if self._space is None:
            from geomap.render.symbology import KIND_LEGEND, STATUS_LOOKS

            everything = LegendScope(
                factions=frozenset(canvas.factions),
                statuses=frozenset(STATUS_LOOKS),
                kinds=frozenset(k for _, kinds, _ in KIND_LEGEND for k in kinds),
                stale=canvas.style.stale_after_days > 0,
                areas=True,
                contested_areas=True,
            )
            rows = self.rows(canvas, everything)
            renderer = canvas.figure.canvas.get_renderer()
            land = focus_land(canvas)
            markers = np.empty((0, 2))
            if canvas.places_lonlat:
                from geomap.scenario.cache import kept_xy

                lon, lat = np.asarray(canvas.places_lonlat, dtype=float).T
                markers = canvas.data_to_px(*kept_xy(canvas.projection, lon, lat))
            best = None
            self.corner = CORNERS[0]
            legend = self._make(canvas, *rows)  # made once, then moved from corner to corner
            for rank, corner in enumerate(CORNERS):
                legend.set_loc(corner[0])
                legend.set_bbox_to_anchor(corner[1])
                x0, y0, x1, y1 = legend.get_window_extent(renderer).extents
                space = (x0 - 2, y0 - 2, x1 + 2, y1 + 2)
                # the least of the focus countries covered; never over the scale bar or arrow
                blocked = any(overlaps(space, kept) for kept in canvas.obstacles_px)
                share = land_share_px(canvas, space, land) if land is not None else 0.0
                hidden = np.count_nonzero(
                    (markers[:, 0] > space[0])
                    & (markers[:, 0] < space[2])
                    & (markers[:, 1] > space[1])
                    & (markers[:, 1] < space[3])
                )
                # each place it would hide counts as much as 2 % of the focus countries
                cost = (blocked, round(share + 0.02 * hidden, 3), rank)
                if best is None or cost < best[0]:
                    best = (cost, corner, space)
            legend.remove()
            _, self.corner, self._space = best
        return self._space
