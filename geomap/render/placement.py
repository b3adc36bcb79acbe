"""Label placement without overlaps (pure: boxes in pixels in, chosen positions out).

Labels are placed greedily in priority order; each tries the positions around its marker in a
fixed order (then the same positions farther out, the farthest with a leader line) and takes the
first that hits no marker, no placed label, no obstacle and stays inside the frame. Failing that,
it may cover the marker of a less important place (a higher ``rank``), never a label. A label
that fits nowhere is dropped, so lower-ranked labels give way.

Markers, obstacles and placed labels are filed in a uniform grid, so each candidate position is
tested only against the boxes near it: the work grows with the number of places, not its square.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

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
    measure: Callable[[], tuple[float, float]] | None = field(default=None, compare=False)
    """When given, ``width`` and ``height`` are lower bounds and ``measure()`` returns the exact
    size: it is called only for a label that might fit (measuring text is slow, and on a dense
    map most labels are dropped whatever their exact size)."""


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


class _Grid:
    """Box numbers filed by the cells of a uniform grid that their boxes touch: a query looks
    only at the boxes sharing a cell with it (two boxes that overlap share at least one cell)."""

    def __init__(self, cell: float) -> None:
        self.cell = cell
        self.cells: dict[tuple[int, int], list[int]] = {}

    def _span(self, box) -> tuple[range, range]:
        size = self.cell
        return (
            range(math.floor(box[0] / size), math.floor(box[2] / size) + 1),
            range(math.floor(box[1] / size), math.floor(box[3] / size) + 1),
        )

    def add(self, box, number: int) -> None:
        columns, rows = self._span(box)
        cells = self.cells
        for i in columns:
            for j in rows:
                cells.setdefault((i, j), []).append(number)

    def near(self, box) -> list[int]:
        columns, rows = self._span(box)
        cells = self.cells
        found: list[int] = []
        for i in columns:
            for j in rows:
                found.extend(cells.get((i, j), ()))
        return found


def _cell_size(requests: Sequence[LabelRequest], frame: Box) -> float:
    """About a typical label's width, smaller where markers are dense (a few per cell)."""
    if not requests:
        return 64.0
    widths = sorted(r.width for r in requests)
    area = max((frame[2] - frame[0]) * (frame[3] - frame[1]), 1.0)
    spacing = 2.0 * math.sqrt(area / len(requests))
    return max(min(widths[len(widths) // 2], spacing), 8.0)


FIXED = -1  # owner of an obstacle or a placed label (a marker's owner is its request's index)
_CANDIDATES = tuple(_candidates())
_DX = np.array([dx for _, (dx, _, _, _) in _CANDIDATES], dtype=float)
_DY = np.array([dy for _, (_, dy, _, _) in _CANDIDATES], dtype=float)
_DISTANCE = np.array([distance for distance, _ in _CANDIDATES])
_DIAGONAL = np.where((_DX != 0) & (_DY != 0), 0.72, 1.0)
_SHIFT_X = np.array([{"left": 0.0, "right": 1.0, "center": 0.5}[p[2]] for _, p in _CANDIDATES])
_SHIFT_Y = np.array([{"bottom": 0.0, "top": 1.0, "center": 0.5}[p[3]] for _, p in _CANDIDATES])


def place_labels(
    requests: Sequence[LabelRequest],
    frame: Box,
    obstacles: Iterable[Box] = (),
    gap: float = 2.0,
    padding: float = 1.0,
) -> list[PlacedLabel]:
    """Place ``requests`` (already in priority order) without overlaps; returns those placed.

    A label's box at each candidate position contains the box of any smaller label there, so a
    label whose lower-bound size fits nowhere is dropped without measuring it.

    Every label's candidate positions are tested together against the boxes near them (markers,
    obstacles, labels placed so far), found through a grid: each label costs about the same
    however many places the map has.
    """
    fixed = [tuple(box) for box in obstacles]
    count = len(requests)
    if not count:
        return []
    # every box that may block a label: markers, then obstacles, then labels as they are placed
    boxes = np.empty((2 * count + len(fixed), 4))
    owner = np.full(len(boxes), FIXED, dtype=np.int64)
    rank = np.zeros(len(boxes), dtype=np.int64)
    boxes[:count] = [marker_box(request) for request in requests]
    owner[:count] = np.arange(count)
    rank[:count] = [request.rank for request in requests]
    if fixed:
        boxes[count : count + len(fixed)] = fixed
    used = count + len(fixed)
    grid = _Grid(_cell_size(requests, frame))
    for number, box in enumerate(boxes[:used].tolist()):
        grid.add(box, number)
    blockers = _Blockers(boxes, owner, rank, grid, count)
    # every candidate box of every label at once (rows: labels, columns: candidate positions)
    column = np.array([[r.x, r.y, r.radius, r.width, r.height] for r in requests]).T[:, :, None]
    candidates = _candidate_boxes(*column, frame, gap)
    hopeless = np.zeros(count, dtype=bool)
    if count >= PROOF_FROM:
        hopeless = _never_placed(
            requests, candidates, boxes[:used], owner[:used], rank[:used], padding
        )
    placed: list[PlacedLabel] = []
    for index, request in enumerate(requests):
        if hopeless[index]:
            continue
        spot = _free_spot(request, index, [a[index] for a in candidates], blockers, padding)
        if spot is not None and request.measure is not None:
            # a box no larger than the label's, at every candidate position, fits: measure it
            width, height = request.measure()
            exact = replace(request, width=width, height=height, measure=None)
            boxes_of = _candidate_boxes(exact.x, exact.y, exact.radius, width, height, frame, gap)
            spot = _free_spot(exact, index, boxes_of, blockers, padding)
        if spot is not None:
            placed.append(spot)
            x0, y0, x1, y1 = spot.box
            blockers.add(used, (x0 - padding, y0 - padding, x1 + padding, y1 + padding))
            used += 1
    return placed


PROOF_FROM = 500
"""Labels from which those that fit nowhere are first found all at once (:func:`_never_placed`);
below, testing them one by one is as quick."""
EXACT_PROOF_FROM = 1000
"""Positions left open by the grid from which the pre-pass tests them exactly too."""


def _never_placed(
    requests: Sequence[LabelRequest],
    candidates,
    boxes: np.ndarray,
    owner: np.ndarray,
    rank: np.ndarray,
    padding: float,
) -> np.ndarray:
    """Per label: can it be proven, before any label is placed, that it fits nowhere?

    A position is open only while it is inside the frame, hits no obstacle and no marker of a
    place as or more important (a lower or equal rank), and has no other marker nearer than the
    label's own (:func:`_nearer_to_another_marker`). Markers and obstacles are all there from the
    start and placing labels only adds boxes, so a label with no position open among them alone
    is dropped whatever is placed before it: :func:`_free_spot` would return None. On a dense map
    that is most labels, found here for all of them at once:

    1. positions with the centre of a blocking marker inside them, counted through a grid (only
       the cells wholly inside a position count, so a position is never closed wrongly);
    2. of the rest, positions with another marker inside the square inscribed in the circle
       around the label's point nearest its own marker (that marker is nearer), the same way;
    3. when many positions are left, those tested exactly against the boxes and markers near
       them, all at once.

    Only what is proven closes a position; anything missed leaves the label to the exact
    one-by-one test.
    """
    count = len(requests)
    _, _, x0, y0, x1, y1, inside = candidates
    px0, py0, px1, py1 = x0 - padding, y0 - padding, x1 + padding, y1 + padding
    centre_x = (boxes[:count, 0] + boxes[:count, 2]) / 2  # the markers' centres
    centre_y = (boxes[:count, 1] + boxes[:count, 3]) / 2
    own_rank = rank[:count]
    open_ = inside.copy()
    for level in np.unique(own_rank):  # 1. a blocking marker's centre inside the position
        rows = np.flatnonzero(own_rank == level)
        blocking = own_rank <= level
        found = _centres_inside(
            centre_x[blocking],
            centre_y[blocking],
            (px0[rows], py0[rows], px1[rows], py1[rows]),
            (centre_x[rows, None], centre_y[rows, None]),
        )
        open_[rows] &= found <= 0
    labels, positions = np.nonzero(open_)
    if not len(labels):
        return np.ones(count, dtype=bool)
    x = np.array([request.x for request in requests])[labels]
    y = np.array([request.y for request in requests])[labels]
    px = np.clip(x, x0[labels, positions], x1[labels, positions])
    py = np.clip(y, y0[labels, positions], y1[labels, positions])
    own = np.hypot(px - x, py - y)
    half = 0.7 * own  # 2. a marker in the square inside the circle: |d| < 0.99 own
    found = _centres_inside(
        centre_x,
        centre_y,
        (px - half, py - half, px + half, py + half),
        (centre_x[labels], centre_y[labels]),
    )
    left = found <= 0
    labels, positions = labels[left], positions[left]
    px, py, own, x, y = px[left], py[left], own[left], x[left], y[left]
    if len(labels) >= EXACT_PROOF_FROM:  # 3. exactly (for a few, the one-by-one test is as quick)
        import shapely

        tree = shapely.STRtree(shapely.box(boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]))
        qx0, qy0 = px0[labels, positions], py0[labels, positions]
        qx1, qy1 = px1[labels, positions], py1[labels, positions]
        spot, hit = tree.query(shapely.box(qx0, qy0, qx1, qy1), predicate="intersects")
        hard = (
            (qx0[spot] < boxes[hit, 2])
            & (boxes[hit, 0] < qx1[spot])
            & (qy0[spot] < boxes[hit, 3])
            & (boxes[hit, 1] < qy1[spot])
            & (owner[hit] != labels[spot])
            & ((owner[hit] == FIXED) | (rank[hit] <= own_rank[labels[spot]]))
        )
        reach = own * (1 + 1e-9) + 1e-9
        centres = shapely.STRtree(shapely.points(centre_x, centre_y))
        spot_, near = centres.query(
            shapely.box(px - reach, py - reach, px + reach, py + reach), predicate="intersects"
        )
        nearer = (near != labels[spot_]) & (
            np.hypot(px[spot_] - centre_x[near], py[spot_] - centre_y[near]) < own[spot_]
        )
        left = np.ones(len(labels), dtype=bool)
        left[spot[hard]] = False
        left[spot_[nearer]] = False
        labels = labels[left]
    hopeless = np.ones(count, dtype=bool)
    hopeless[labels] = False
    return hopeless


def _centres_inside(points_x, points_y, boxes, own) -> np.ndarray:
    """Per box (arrays x0, y0, x1, y1 of one shape): how many of the points lie in the cells of
    a grid that are wholly inside the box, so certainly strictly inside it, not counting the
    point ``own`` (x, y, arrays broadcast with the boxes) when it is among them. A lower bound of
    the points strictly inside, for many boxes at once: each box costs four look-ups in a table
    of running sums, whatever the number of points."""
    x0, y0, x1, y1 = boxes
    if not x0.size or not all(np.isfinite(values).all() for values in boxes):
        return np.zeros(x0.shape, dtype=np.int64)  # nothing proven
    low_x, low_y = float(x0.min()), float(y0.min())
    span = max(float(x1.max()) - low_x, float(y1.max()) - low_y, 1.0)
    side = min(max(4 * math.sqrt(len(points_x)), 16), 512)  # cells along the longer side
    cell = max(span / side, 1e-6)
    base_x, base_y = math.floor(low_x / cell), math.floor(low_y / cell)
    columns = math.floor(float(x1.max()) / cell) - base_x + 1
    rows = math.floor(float(y1.max()) / cell) - base_y + 1
    # a value v is in cell floor(v / cell): dividing keeps the order of values, so a point in
    # the cells from floor(x0 / cell) + 1 to ceil(x1 / cell) - 2 is strictly between x0 and x1
    column = np.floor(points_x / cell).astype(np.int64) - base_x
    row = np.floor(points_y / cell).astype(np.int64) - base_y
    kept = (column >= 0) & (column < columns) & (row >= 0) & (row < rows)
    sums = np.zeros((columns + 1, rows + 1), dtype=np.int64)
    np.add.at(sums, (column[kept] + 1, row[kept] + 1), 1)
    sums = sums.cumsum(axis=0).cumsum(axis=1)
    first_x = np.floor(x0 / cell).astype(np.int64) + 1 - base_x
    last_x = np.ceil(x1 / cell).astype(np.int64) - 2 - base_x
    first_y = np.floor(y0 / cell).astype(np.int64) + 1 - base_y
    last_y = np.ceil(y1 / cell).astype(np.int64) - 2 - base_y
    last_x = np.maximum(last_x, first_x - 1)  # no whole cell inside: an empty range
    last_y = np.maximum(last_y, first_y - 1)
    found = (
        sums[last_x + 1, last_y + 1]
        - sums[first_x, last_y + 1]
        - sums[last_x + 1, first_y]
        + sums[first_x, first_y]
    )
    own_column = np.floor(own[0] / cell).astype(np.int64) - base_x
    own_row = np.floor(own[1] / cell).astype(np.int64) - base_y
    counted = (
        (first_x <= own_column)
        & (own_column <= last_x)
        & (first_y <= own_row)
        & (own_row <= last_y)
    )
    return found - counted


class _Blockers:
    """Every box that may block a label: markers, obstacles, then labels as they are placed."""

    def __init__(
        self, boxes: np.ndarray, owner: np.ndarray, rank: np.ndarray, grid: _Grid, markers: int
    ):
        self.boxes = boxes  # x0, y0, x1, y1 per row
        self.owner = owner  # the request whose marker a box is, or FIXED
        self.rank = rank  # that request's rank
        self.grid = grid
        self.markers = markers  # rows below this are markers

    def add(self, number: int, box: Box) -> None:
        self.boxes[number] = box
        self.grid.add(box, number)


def _candidate_boxes(x, y, radius, width, height, frame: Box, gap: float):
    """x, y (text anchors), x0, y0, x1, y1 (boxes) and inside (in the frame) per candidate."""
    offset = radius * _DISTANCE + gap
    anchor_x = x + _DX * offset * _DIAGONAL
    anchor_y = y + _DY * offset * _DIAGONAL
    x0 = anchor_x - width * _SHIFT_X
    y0 = anchor_y - height * _SHIFT_Y
    x1 = x0 + width
    y1 = y0 + height
    inside = (frame[0] <= x0) & (x1 <= frame[2]) & (frame[1] <= y0) & (y1 <= frame[3])
    return anchor_x, anchor_y, x0, y0, x1, y1, inside


def _free_spot(
    request: LabelRequest, index: int, candidates, blockers: _Blockers, padding: float
) -> PlacedLabel | None:
    """The first candidate position that hits nothing; failing that, the first that hits only
    markers of less important places; None when every position is taken or outside."""
    x, y, x0, y0, x1, y1, inside = candidates
    if not inside.any():
        return None
    px0, py0, px1, py1 = x0 - padding, y0 - padding, x1 + padding, y1 + padding
    near = blockers.grid.near(
        (px0[inside].min(), py0[inside].min(), px1[inside].max(), py1[inside].max())
    )
    if near:
        near_boxes = blockers.boxes[near]
        near_owner = blockers.owner[near]
        hits = (
            (px0[:, None] < near_boxes[:, 2])
            & (near_boxes[:, 0] < px1[:, None])
            & (py0[:, None] < near_boxes[:, 3])
            & (near_boxes[:, 1] < py1[:, None])
            & (near_owner != index)
        )
        blocked = hits.any(axis=1)
        hard = (near_owner == FIXED) | (blockers.rank[near] <= request.rank)
        blocked_hard = (hits & hard).any(axis=1)
    else:
        blocked = blocked_hard = np.zeros(len(x0), dtype=bool)
    # only the positions still open are checked for a nearer marker (on a dense map most
    # labels have none left, and that check is the costly one)
    open_ = np.flatnonzero(inside & ~blocked_hard)
    if not len(open_):
        return None
    own = np.zeros(len(x0), dtype=bool)
    own[open_] = ~_nearer_to_another_marker(
        request, index, x0[open_], y0[open_], x1[open_], y1[open_], blockers
    )
    for free in (inside & own & ~blocked, inside & own & ~blocked_hard):
        if free.any():
            chosen = int(np.argmax(free))
            break
    else:
        return None
    return _placed(request, chosen, x, y, x0, y0, x1, y1)


def _nearer_to_another_marker(
    request: LabelRequest, index: int, x0, y0, x1, y1, blockers: _Blockers
) -> np.ndarray:
    """Per candidate box: is another place's marker nearer than the label's own to the point of
    the label that faces its marker? A reader joins a label to the nearest marker, so such a
    position would name the wrong one (a label goes next to its own marker or nowhere)."""
    px = np.clip(request.x, x0, x1)  # the label's point nearest its own marker
    py = np.clip(request.y, y0, y1)
    own = np.hypot(px - request.x, py - request.y)
    reach = float(own.max())
    near = np.array(
        blockers.grid.near(
            (px.min() - reach, py.min() - reach, px.max() + reach, py.max() + reach)
        ),
        dtype=np.int64,
    )
    near = near[near < blockers.markers]
    near = near[blockers.owner[near] != index]
    if not len(near):
        return np.zeros(len(x0), dtype=bool)
    boxes = blockers.boxes[near]
    cx = (boxes[:, 0] + boxes[:, 2]) / 2
    cy = (boxes[:, 1] + boxes[:, 3]) / 2
    others = np.hypot(px[:, None] - cx, py[:, None] - cy)  # candidates x markers
    return (others < own[:, None]).any(axis=1)


def _placed(request: LabelRequest, chosen: int, x, y, x0, y0, x1, y1) -> PlacedLabel:
    distance, (_, _, ha, va) = _CANDIDATES[chosen]
    box = (float(x0[chosen]), float(y0[chosen]), float(x1[chosen]), float(y1[chosen]))
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
    return PlacedLabel(request.key, float(x[chosen]), float(y[chosen]), ha, va, box, leader)
