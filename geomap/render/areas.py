"""Estimated areas of control: translucent fills under the markers, contested ground hatched in
the attacker's colour (the geometry comes from :mod:`geomap.territory.model`)."""

from __future__ import annotations

from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from geomap.render.geometry import geometry_path
from geomap.render.layer import FRAME, Z_AREA, Layer, LegendEntry, LegendScope, Scene
from geomap.render.markers import faction_colour
from geomap.render.symbology import AREA_ALPHA, AREA_HATCH, LEGEND_GREY, area_fill_colour


class AreasLayer(Layer):
    lifetime = FRAME

    def __init__(self) -> None:
        super().__init__()
        # the last frame's paths by their geometry's WKB: a series' areas change little from
        # one frame to the next, and the same shape gives the same path
        self._paths: dict[bytes, MplPath] = {}
        self._drawn_paths: dict[bytes, MplPath] = {}

    def draw(self, canvas, scene: Scene) -> None:
        self.clear()
        self._paths, self._drawn_paths = self._drawn_paths, {}
        if scene.territory is not None:
            self.draw_areas(canvas, scene.territory.held, scene.territory.contested)

    def draw_areas(self, canvas, areas: dict, contested: dict | None = None) -> None:
        """``areas``: faction id -> (Multi)Polygon in map metres; ``contested``: (holder,
        attacker) -> ground filled in the holder's colour and hatched in the attacker's."""
        factions = canvas.factions
        order = {faction_id: index for index, faction_id in enumerate(factions)}
        for faction_id in sorted(areas, key=lambda f: (order.get(f, len(order)), f)):
            self._patch(
                canvas, areas[faction_id], area_fill_colour(faction_colour(factions, faction_id)),
                f"area-{faction_id}",
            )  # fmt: skip
        # contested ground: filled class by class in the holder's colour, then hatched in one
        # patch per attacker (matplotlib pays about half a millisecond for each hatched patch)
        hatched: dict[str, list] = {}
        for (holder, by), geometry in sorted((contested or {}).items()):
            path = self._patch(
                canvas,
                geometry,
                area_fill_colour(faction_colour(factions, holder)),
                f"area-contested-{holder}-{by}",
            )
            if path is not None:
                hatched.setdefault(by, []).append(path)
        for by, paths in sorted(hatched.items(), key=lambda item: order.get(item[0], len(order))):
            patch = self._add(
                canvas,
                MplPath.make_compound_path(*paths),
                "none",
                f"area-contested-hatch-{by}",
            )
            patch.set_hatch(AREA_HATCH)
            patch.set_hatchcolor(faction_colour(factions, by))

    def _patch(self, canvas, geometry, facecolor: str, gid: str) -> MplPath | None:
        if geometry is None or geometry.is_empty:
            return None
        key = geometry.wkb
        path = self._paths.get(key) or geometry_path(geometry)
        self._drawn_paths[key] = path
        self._add(canvas, path, facecolor, gid)
        return path

    def _add(self, canvas, path: MplPath, facecolor: str, gid: str) -> PathPatch:
        patch = PathPatch(
            path,
            facecolor=facecolor,
            edgecolor="none",
            linewidth=0,
            alpha=AREA_ALPHA,
            zorder=Z_AREA,
        )
        patch.set_gid(gid)
        canvas.ax.add_artist(patch)  # not add_patch: its data-limit update walks every vertex
        self.artists.append(patch)
        return patch

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
                LegendEntry(
                    (1, 0),
                    "Contested area (hatched in the attacker's colour)",
                    hatched,
                    "Contested area (hatch: attacker)",
                )
            )
        return entries

    def legend_title_note(self, scope: LegendScope) -> str | None:
        return "shading: estimated area" if scope.areas else None
