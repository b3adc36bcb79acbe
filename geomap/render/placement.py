"""Label placement without overlaps (pure: boxes in pixels in, chosen positions out).

Labels are placed greedily in priority order; each tries the positions around its marker in a
fixed order (then the same positions farther out, the farthest with a leader line) and takes the
first that hits no marker, no placed label, no obstacle and stays inside the frame. Failing that,
it may cover the marker of a less important place (a higher ``rank``), never a label. A label
that fits nowhere is dropped, so lower-ranked labels give way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels, y up

# (dx, dy, horizontal alignment, vertical alignment) as multiples of the marker radius + gap
POSITIONS: tuple[tuple[int, int, str, str], ...] = (
    (1, 0, "left", "center"),  # right
    (-1, 0, "right", "center"),  # left
    (0, 1, "center", "bottom"),  # above
    (0, -1, "center", "top"),  # below
    (1, 1, "left", "bottom"),  # above right
    (-1, 1, "right", "bottom"),  # above left
    (1, -1, "left", "top"),  # below right
    (-1, -1, "right", "top"),  # below left
)


@dataclass(frozen=True)
class LabelRequest:
    key: str
    x: float  # marker centre, pixels
    y: float
    radius: float  # distance kept between the marker's centre and its label, pixels
    width: float  # text size, pixels
    height: float
    marker_radius: float | None = None  # the marker as an obstacle to others (default: radius)
    rank: int = 1  # 1 = most important


@dataclass(frozen=True)
class PlacedLabel:
    key: str
    x: float  # text anchor, pixels
    y: float
    ha: str
    va: str
    box: Box
    leader: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1: marker to label


DISTANCES = (1.0, 1.9, 3.2, 4.6)
"""Label distances from the marker, as multiples of its radius; beyond ``LEADER_FROM`` a thin
leader line joins the label to its marker."""
LEADER_FROM = 3.0


def _candidates():
    """Every position next to the marker, then every position a little farther out."""
    for distance in DISTANCES:
        for position in POSITIONS:
            yield distance, position


def overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _box(x: float, y: float, width: float, height: float, ha: str, va: str) -> Box:
    x0 = {"left": x, "right": x - width, "center": x - width / 2}[ha]
    y0 = {"bottom": y, "top": y - height, "center": y - height / 2}[va]
    return (x0, y0, x0 + width, y0 + height)


def marker_box(request: LabelRequest) -> Box:
    r = request.radius if request.marker_radius is None else request.marker_radius
    return (request.x - r, request.y - r, request.x + r, request.y + r)


def place_labels(
    requests: Sequence[LabelRequest],
    frame: Box,
    obstacles: Iterable[Box] = (),
    gap: float = 2.0,
    padding: float = 1.0,
) -> list[PlacedLabel]:
    """Place ``requests`` (already in priority order) without overlaps; returns those placed."""
    markers = [marker_box(r) for r in requests]
    fixed = list(obstacles)
    labels: list[Box] = []
    placed: list[PlacedLabel] = []
    for index, request in enumerate(requests):
        for may_cover_lesser_markers in (False, True):
            blocking = [
                box
                for i, box in enumerate(markers)
                if i != index and not (may_cover_lesser_markers and requests[i].rank > request.rank)
            ]
            spot = _first_free_spot(request, frame, blocking + fixed + labels, gap, padding)
            if spot is not None:
                placed.append(spot)
                x0, y0, x1, y1 = spot.box
                labels.append((x0 - padding, y0 - padding, x1 + padding, y1 + padding))
                break
    return placed


def _first_free_spot(
    request: LabelRequest, frame: Box, taken: list[Box], gap: float, padding: float
) -> PlacedLabel | None:
    for distance, (dx, dy, ha, va) in _candidates():
        offset = request.radius * distance + gap
        diagonal = 0.72 if dx and dy else 1.0
        x = request.x + dx * offset * diagonal
        y = request.y + dy * offset * diagonal
        box = _box(x, y, request.width, request.height, ha, va)
        padded = (box[0] - padding, box[1] - padding, box[2] + padding, box[3] + padding)
        inside = frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1]
        if not (inside and box[3] <= frame[3]):
            continue
        if not any(overlaps(padded, other) for other in taken):
            leader = None
            if distance >= LEADER_FROM:
                end_x = min(max(request.x, box[0]), box[2])
                end_y = min(max(request.y, box[1]), box[3])
                length = max(((end_x - request.x) ** 2 + (end_y - request.y) ** 2) ** 0.5, 1e-9)
                start = (request.marker_radius or request.radius) / length
                leader = (
                    request.x + (end_x - request.x) * start,
                    request.y + (end_y - request.y) * start,
                    end_x,
                    end_y,
                )
            return PlacedLabel(request.key, x, y, ha, va, box, leader)
    return None
