"""Estimated areas of control: translucent fills under the markers, contested ground hatched in
the attacker's colour (the geometry comes from :mod:`geomap.territory.model`)."""

from __future__ import annotations

from matplotlib.patches import Patch, PathPatch

from geomap.render.geometry import geometry_path
from geomap.render.layer import FRAME, Z_AREA, Layer, LegendEntry, LegendScope, Scene
from geomap.render.markers import faction_colour
from geomap.render.symbology import AREA_ALPHA, AREA_HATCH, LEGEND_GREY, area_fill_colour


class AreasLayer(Layer):
    lifetime = FRAME

    def draw(self, canvas, scene: Scene) -> None:
        self.clear()
        if scene.territory is not None:
            self.draw_areas(canvas, scene.territory.held, scene.territory.contested)

    def draw_areas(self, canvas, areas: dict, contested: dict | None = None) -> None:
        """``areas``: faction id -> (Multi)Polygon in map metres; ``contested``: (holder,
        attacker) -> ground filled in the holder's colour and hatched in the attacker's."""
        factions = canvas.factions
        order = {faction_id: index for index, faction_id in enumerate(factions)}
        for faction_id in sorted(areas, key=lambda f: (order.get(f, len(order)), f)):
            self._patch(
                canvas, areas[faction_id], faction_colour(factions, faction_id), None,
                f"area-{faction_id}",
            )  # fmt: skip
        for (holder, by), geometry in sorted((contested or {}).items()):
            self._patch(
                canvas,
                geometry,
                faction_colour(factions, holder),
                faction_colour(factions, by),
                f"area-contested-{holder}-{by}",
            )

    def _patch(self, canvas, geometry, colour: str, hatch_colour: str | None, gid: str) -> None:
        if geometry is None or geometry.is_empty:
            return
        hatch = {"hatch": AREA_HATCH, "hatchcolor": hatch_colour} if hatch_colour else {}
        patch = PathPatch(
            geometry_path(geometry),
            facecolor=area_fill_colour(colour),
            edgecolor="none",
            linewidth=0,
            alpha=AREA_ALPHA,
            zorder=Z_AREA,
            **hatch,
        )
        patch.set_gid(gid)
        canvas.ax.add_artist(patch)  # not add_patch: its data-limit update walks every vertex
        self.artists.append(patch)

    def legend_entries(self, canvas, scope: LegendScope) -> list[LegendEntry]:
        if not scope.areas:
            return []
        entries = [  # the area swatch behind the faction's dot: grey areas are ISIS's, etc.
            LegendEntry(
                (0, index),
                faction.name,
                Patch(
                    facecolor=area_fill_colour(faction.colour), alpha=AREA_ALPHA, edgecolor="none"
                ),
            )
            for index, faction in enumerate(canvas.factions.values())
            if faction.id in scope.factions
        ]
        if scope.contested_areas:
            hatched = Patch(
                facecolor="#f2f2f2", edgecolor=LEGEND_GREY, hatch=AREA_HATCH, linewidth=0
            )
            entries.append(
                LegendEntry((1, 0), "Contested area (hatched in the attacker's colour)", hatched)
            )
        return entries

    def legend_title_note(self, scope: LegendScope) -> str | None:
        return "shading: estimated area" if scope.areas else None
