"""What frames the map: scale bar, north arrow, title, subtitle and the data credits."""

from __future__ import annotations

import math

import matplotlib
from matplotlib.patches import FancyBboxPatch, Rectangle
from matplotlib.transforms import Bbox

from geomap.render.layer import FRAME, OVERLAY, STATIC, Z_FURNITURE, Layer, Scene
from geomap.render.legend import CORNERS, FRAME_EDGE, FRAME_ROUNDING
from geomap.scenario.cache import kept_xy

TITLE_Y = 0.972
SUBTITLE_Y = 0.922
CREDIT_Y = 0.016
INK = "#333333"


class ScaleBarLayer(Layer):
    """The scale bar in the lower-right corner: a bar of two halves and its distances on a white
    box framed like the legend, so coast and border lines never run through them. The box
    mirrors the legend's place in the lower-left corner (the same margins)."""

    lifetime = OVERLAY

    def setup(self, canvas) -> None:
        ax = canvas.ax
        x0, y0, x1, y1 = canvas.bounds
        width_km = (x1 - x0) / 1000
        length_km = min((50, 100, 150, 200, 250, 300, 500), key=lambda v: abs(v - width_km / 6))
        height = (y1 - y0) * 0.008
        right = x1 - (x1 - x0) * 0.03
        left = right - length_km * 1000
        bottom = y0 + (y1 - y0) * 0.035
        half = length_km * 500
        size = canvas.style.font_sizes["legend"]
        # added first, so it draws under the bar and labels; placed once they are laid out
        backing = FancyBboxPatch(
            (left, bottom),
            0,
            0,
            facecolor="white",
            edgecolor=FRAME_EDGE,
            snap=True,
            zorder=Z_FURNITURE,
        )
        backing.set_gid("scale-bar")
        ax.add_patch(backing)
        self.artists.append(backing)
        for index in range(2):
            patch = Rectangle(
                (left + index * half, bottom),
                half,
                height,
                facecolor=INK if index == 0 else "white",
                edgecolor=INK,
                linewidth=0.6 * canvas.scale,
                zorder=Z_FURNITURE,
            )
            ax.add_patch(patch)
            self.artists.append(patch)
        ticks = ((left, "0"), (left + half, f"{length_km // 2:g}"), (right, f"{length_km} km"))
        for x, text in ticks:
            self.artists.append(
                ax.text(
                    x,
                    bottom + height * 1.6,
                    text,
                    fontsize=size,
                    ha="center",
                    va="bottom",
                    zorder=Z_FURNITURE,
                )
            )
        box = self._place(canvas, backing, size)
        left, bottom = self.artists[1].get_xy()
        corners = canvas.data_to_px([left, left + 2 * half], [bottom, bottom + height * 5])
        pad = canvas.scale * canvas.dpi / 150  # the reference map's pixels at this size
        # labels keep clear of the bar and of its box (as of the legend's, 2 pixels out)
        canvas.obstacles_px.append(
            (
                min(corners[0, 0] - 12 * pad, box.x0 - 2),
                min(corners[0, 1] - 4 * pad, box.y0 - 2),
                max(corners[1, 0] + 24 * pad, box.x1 + 2),
                max(corners[1, 1] + 4 * pad, box.y1 + 2),
            )
        )

    def _place(self, canvas, backing, size: float) -> Bbox:
        """Fit the white box to the bar and its labels (0.4 font sizes around them) and move
        them all into the lower-right corner, as far from the map's edges as the legend's frame
        is in its corner; the box's pixels."""
        renderer = canvas.figure.canvas.get_renderer()
        parts = [artist.get_window_extent(renderer) for artist in self.artists[1:]]
        font_px = size * canvas.dpi / 72
        box = Bbox.union(parts).padded(0.4 * font_px)
        axes = canvas.ax.bbox
        _, (anchor_x, anchor_y) = next(c for c in CORNERS if c[0] == "lower right")
        margin = matplotlib.rcParams["legend.borderaxespad"] * font_px
        dx = axes.x0 + anchor_x * axes.width - margin - box.x1
        dy = axes.y0 + anchor_y * axes.height + margin - box.y0
        box = box.translated(dx, dy)
        x0, y0, x1, y1 = canvas.bounds
        metres_x, metres_y = (x1 - x0) / axes.width, (y1 - y0) / axes.height
        for artist in self.artists[1:]:
            if isinstance(artist, Rectangle):
                artist.set_xy((artist.get_x() + dx * metres_x, artist.get_y() + dy * metres_y))
            else:
                tx, ty = artist.get_position()
                artist.set_position((tx + dx * metres_x, ty + dy * metres_y))
        (bx0, by0), (bx1, by1) = canvas.ax.transData.inverted().transform(box.get_points())
        backing.set_bounds(bx0, by0, bx1 - bx0, by1 - by0)
        # the legend's rounded corners (their radius in map metres, as many pixels across as up)
        radius = FRAME_ROUNDING * font_px * metres_x
        backing.set_boxstyle("round", pad=0, rounding_size=radius)
        backing.set_mutation_aspect(metres_y / metres_x)
        return box


class NorthArrowLayer(Layer):
    lifetime = OVERLAY

    def setup(self, canvas) -> None:
        ax = canvas.ax
        x0, y0, x1, y1 = canvas.bounds
        x = x1 - (x1 - x0) * 0.035
        y = y1 - (y1 - y0) * 0.11
        (lon,), (lat,) = kept_xy(canvas.projection, [x], [y], inverse=True)
        nx, ny = kept_xy(canvas.projection, [lon, lon], [lat, lat + 0.5])
        angle = math.atan2(float(nx[1] - nx[0]), float(ny[1] - ny[0]))
        length = (y1 - y0) * 0.05
        dx, dy = length * math.sin(angle), length * math.cos(angle)
        arrow = ax.annotate(
            "",
            xy=(x + dx / 2, y + dy / 2),
            xytext=(x - dx / 2, y - dy / 2),
            arrowprops={
                "arrowstyle": "-|>,head_width=0.35,head_length=0.7",
                "color": INK,
                "linewidth": 1.2 * canvas.scale,
            },
            zorder=Z_FURNITURE,
        )
        letter = ax.text(
            x + dx * 0.65,
            y + dy * 0.65,
            "N",
            ha="center",
            va="bottom",
            fontsize=canvas.style.font_sizes["legend"] + 1,
            fontweight="bold",
            zorder=Z_FURNITURE,
        )
        self.artists.extend([arrow, letter])
        corners = canvas.data_to_px([x - length, x + length], [y - length, y + length * 1.3])
        canvas.obstacles_px.append(tuple(corners[0]) + tuple(corners[1]))


def figure_title(figure, text: str, y: float, size: float, gid: str | None = None):
    """The bold title centred at the top of a figure of panels (comparison, contact sheet,
    chart), its top at ``y`` (figure fraction), shrunk to fit the figure's width."""
    title = figure.text(0.5, y, text, ha="center", va="top", fontsize=size, fontweight="bold")
    if gid is not None:
        title.set_gid(gid)
    fit_width(title, figure)
    return title


def fit_width(text, figure, margin: float = 0.008, share: float | None = None) -> None:
    """Shrink ``text`` until it fits the figure's width (less a margin on each side), or
    ``share`` of it (a table column): a long title, credit line or cell is never cut at the edge
    nor runs into the next column."""
    renderer = figure.canvas.get_renderer()
    available = figure.bbox.width * (share if share is not None else 1 - 2 * margin)
    for _ in range(3):
        width = text.get_window_extent(renderer).width
        if width <= available:
            return
        text.set_fontsize(text.get_fontsize() * available / width * 0.98)


def draw_attribution(canvas, attribution: str):
    """The data credits along the bottom edge of the figure (None without credits)."""
    if not attribution:
        return None
    text = canvas.figure.text(
        0.008,
        CREDIT_Y,
        attribution,
        fontsize=canvas.style.font_sizes["credit"],
        color="#555555",
        ha="left",
        va="center",
        wrap=False,
    )
    fit_width(text, canvas.figure)
    return text


class AttributionLayer(Layer):
    lifetime = STATIC

    def __init__(self, attribution: str):
        super().__init__()
        self.attribution = attribution

    def setup(self, canvas) -> None:
        if not canvas.panel:  # a figure of panels credits its data once, itself
            text = draw_attribution(canvas, self.attribution)
            if text is not None:
                self.artists.append(text)


class TitleLayer(Layer):
    """The title with the frame's date: above the map, or above a panel of a larger figure."""

    lifetime = FRAME
    shows_date = True

    def draw(self, canvas, scene: Scene) -> None:
        self.clear()
        sizes = canvas.style.font_sizes
        if canvas.panel:
            title = canvas.ax.text(
                0.5,
                1.012,
                scene.frame.title,
                transform=canvas.ax.transAxes,
                ha="center",
                va="bottom",
                fontsize=sizes["title"] * 0.8,
                fontweight="bold",
            )
        else:
            title = canvas.figure.text(
                0.5,
                TITLE_Y,
                scene.frame.title,
                ha="center",
                va="top",
                fontsize=sizes["title"],
                fontweight="bold",
            )
        title.set_gid("title")
        if not canvas.panel:
            fit_width(title, canvas.figure)
        self.artists.append(title)


class SubtitleLayer(Layer):
    """The line under the title (the same on every frame of a series; not on panels)."""

    lifetime = OVERLAY

    def draw(self, canvas, scene: Scene) -> None:
        self.clear()
        if canvas.panel:
            return
        subtitle = canvas.figure.text(
            0.5,
            SUBTITLE_Y,
            scene.frame.subtitle,
            ha="center",
            va="top",
            fontsize=canvas.style.font_sizes["subtitle"],
            color="#444444",
        )
        subtitle.set_gid("subtitle")
        fit_width(subtitle, canvas.figure)
        self.artists.append(subtitle)

    def cache_key(self) -> tuple:
        return ("subtitle", *((t.get_text(), t.get_position()) for t in self.artists))
