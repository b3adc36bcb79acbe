"""The legend in the lower-left corner: the rows every other layer declares for what is on the
map, kept while they stay the same. Its largest possible box is kept free of labels."""

from __future__ import annotations

from matplotlib.legend_handler import HandlerTuple

from geomap.render.layer import OVERLAY, Z_LEGEND, Layer, LegendEntry, LegendScope, Scene

LEGEND_TITLE = "Held by"


class LegendLayer(Layer):
    lifetime = OVERLAY

    def __init__(self) -> None:
        super().__init__()
        self.signature: tuple = ()
        self._space: tuple[float, float, float, float] | None = None

    def rows(self, canvas, scope: LegendScope) -> tuple[list, list[str], str]:
        """Handles, texts and title of the legend for ``scope``, in a fixed order."""
        merged: dict[tuple, list] = {}
        notes = []
        for layer in canvas.layers:
            entry: LegendEntry
            for entry in layer.legend_entries(canvas, scope):
                merged.setdefault((entry.order, entry.text), []).append(entry.handle)
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
        legend = canvas.ax.legend(
            handles,
            texts,
            loc="lower left",
            bbox_to_anchor=(0.008, 0.012),
            fontsize=canvas.style.font_sizes["legend"],
            handler_map={tuple: HandlerTuple(ndivide=1, pad=0)},
            framealpha=1.0,
            edgecolor="#999999",
            borderpad=0.6,
            labelspacing=0.45,
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
            legend = self._make(canvas, *self.rows(canvas, everything))
            x0, y0, x1, y1 = legend.get_window_extent(canvas.figure.canvas.get_renderer()).extents
            legend.remove()
            self._space = (x0 - 2, y0 - 2, x1 + 2, y1 + 2)
        return self._space
