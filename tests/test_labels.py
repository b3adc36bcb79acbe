"""Label placement (pure): no overlaps, nearer spots first, important places first."""

import math
from dataclasses import replace

import pytest

from geomap.render import placement
from geomap.render.placement import LabelRequest, marker_box, overlaps, place_labels

FRAME = (0, 0, 400, 300)


def test_a_free_label_sits_right_of_its_marker():
    [label] = place_labels([LabelRequest("a", 100, 100, 5, 40, 10)], FRAME)
    assert (label.ha, label.va) == ("left", "center")
    assert label.box[0] > 105


def test_labels_never_overlap_each_other_or_obstacles():
    requests = [
        LabelRequest(f"p{i}", 100 + 6 * i, 150, 4, 50, 10, rank=1 + i % 3) for i in range(12)
    ]
    obstacle = (100, 160, 200, 200)
    placed = place_labels(requests, FRAME, [obstacle])
    boxes = [label.box for label in placed]
    assert len(boxes) >= 4  # a crowd of markers still gets labels above and below it
    for i, box in enumerate(boxes):
        assert not overlaps(box, obstacle)
        assert all(not overlaps(box, other) for other in boxes[i + 1 :])


def test_a_crowded_important_place_may_cover_a_lesser_marker_but_not_a_label():
    city = LabelRequest("city", 100, 100, 4, 60, 10, rank=1)
    ring = [
        LabelRequest(f"v{i}", 100 + dx, 100 + dy, 4, 60, 10, rank=4)
        for i, (dx, dy) in enumerate(
            [
                (20, 0),
                (-20, 0),
                (0, 14),
                (0, -14),
                (26, 20),
                (-26, 20),
                (26, -20),
                (-26, -20),
                (45, 0),
                (-45, 0),
                (0, 25),
                (0, -25),
            ]
        )
    ]
    placed = {label.key: label for label in place_labels([city, *ring], FRAME)}
    assert "city" in placed
    for key, label in placed.items():
        if key != "city":
            assert not overlaps(label.box, placed["city"].box)


def test_a_label_that_fits_nowhere_in_the_frame_is_dropped():
    assert place_labels([LabelRequest("wide", 200, 150, 4, 450, 20)], FRAME) == []


def test_a_label_pushed_far_from_its_marker_gets_a_leader_line():
    town = LabelRequest("town", 200, 150, 4, 40, 10, marker_radius=3)
    # walls close around the marker on every side: only the farthest ring is free
    walls = [(205, 140, 219, 160), (181, 140, 195, 160), (180, 157, 220, 169), (180, 131, 220, 143)]
    [label] = place_labels([town], FRAME, walls)
    assert label.leader is not None
    x0, y0, x1, y1 = label.leader
    assert abs(((x0 - 200) ** 2 + (y0 - 150) ** 2) ** 0.5 - 3) < 1e-6  # starts at the marker's edge
    box = label.box
    assert box[0] <= x1 <= box[2] and box[1] <= y1 <= box[3]  # ends on the label


def test_a_label_next_to_its_marker_has_no_leader():
    [label] = place_labels([LabelRequest("a", 100, 100, 5, 40, 10)], FRAME)
    assert label.leader is None


# The rule, written the plain way (every candidate against every box): the placement through the
# grid must choose exactly what this chooses.
def reference_placement(requests, frame, obstacles=(), gap=2.0, padding=1.0):
    from geomap.render.placement import DISTANCES, POSITIONS, marker_box

    def box_at(request, distance, dx, dy, ha, va):
        offset = request.radius * distance + gap
        diagonal = 0.72 if dx and dy else 1.0
        x = request.x + dx * offset * diagonal
        y = request.y + dy * offset * diagonal
        x0 = {"left": x, "right": x - request.width, "center": x - request.width / 2}[ha]
        y0 = {"bottom": y, "top": y - request.height, "center": y - request.height / 2}[va]
        return (x0, y0, x0 + request.width, y0 + request.height)

    markers = [marker_box(r) for r in requests]

    def next_to_its_own(index, box):
        """No other marker nearer than its own to the label's point facing its marker."""
        request = requests[index]
        px = min(max(request.x, box[0]), box[2])
        py = min(max(request.y, box[1]), box[3])
        own = math.hypot(px - request.x, py - request.y)
        return all(
            math.hypot(px - (m[0] + m[2]) / 2, py - (m[1] + m[3]) / 2) >= own
            for i, m in enumerate(markers)
            if i != index
        )

    labels, chosen = [], {}
    for index, request in enumerate(requests):
        for lesser_ok in (False, True):
            taken = list(obstacles) + labels
            taken += [
                box
                for i, box in enumerate(markers)
                if i != index and not (lesser_ok and requests[i].rank > request.rank)
            ]
            spot = None
            for distance in DISTANCES:
                for dx, dy, ha, va in POSITIONS:
                    box = box_at(request, distance, dx, dy, ha, va)
                    padded = (
                        box[0] - padding,
                        box[1] - padding,
                        box[2] + padding,
                        box[3] + padding,
                    )
                    inside = frame[0] <= box[0] and box[2] <= frame[2]
                    inside = inside and frame[1] <= box[1] and box[3] <= frame[3]
                    free = not any(overlaps(padded, other) for other in taken)
                    if inside and free and next_to_its_own(index, box):
                        spot = box
                        break
                if spot:
                    break
            if spot:
                chosen[request.key] = spot
                labels.append((spot[0] - 1, spot[1] - 1, spot[2] + 1, spot[3] + 1))
                break
    return chosen


def random_requests(count, seed, size=(1600, 1200)):
    import random

    rng = random.Random(seed)
    return [
        LabelRequest(
            f"p{i}",
            rng.uniform(0, size[0]),
            rng.uniform(0, size[1]),
            rng.uniform(3, 8),
            rng.uniform(30, 120),
            rng.uniform(10, 16),
            None if i % 3 else 4.0,
            rng.randint(1, 4),
        )
        for i in range(count)
    ]


@pytest.mark.parametrize("count", [60, 700])
def test_the_grid_places_exactly_what_comparing_every_box_places(count):
    frame = (2, 2, 1598, 1198)
    obstacles = [(0, 0, 400, 300), (1400, 1000, 1600, 1200)]
    requests = random_requests(count, seed=count)
    placed = place_labels(requests, frame, obstacles)
    expected = reference_placement(requests, frame, obstacles)
    assert len(placed) > count // 3  # a real test: many labels placed, many dropped at 700
    assert {label.key: label.box for label in placed} == expected
    assert [label.key for label in placed] == list(expected)


def test_a_label_goes_next_to_its_own_marker_or_nowhere():
    # B sits just right of A: A's label must not go to the right, where it would name B
    a = LabelRequest("a", 100, 100, 4, 40, 12, rank=1)
    b = LabelRequest("b", 118, 100, 4, 40, 12, rank=2)
    placed = {label.key: label for label in place_labels([a, b], (0, 0, 400, 400))}
    assert placed["a"].ha == "right"  # to the left of A, away from B
    assert placed["b"].ha == "left"  # to the right of B, away from A
    # a marker hemmed in on every side at every distance gets no label at all
    ring = [
        LabelRequest(f"r{i}", 200 + 9 * math.cos(t), 200 + 9 * math.sin(t), 2, 6, 4, rank=2)
        for i, t in enumerate(k * math.pi / 8 for k in range(16))
    ]
    centre = LabelRequest("centre", 200, 200, 4, 40, 12, rank=1)
    keys = {label.key for label in place_labels([centre, *ring], (0, 0, 400, 400))}
    assert "centre" not in keys


def test_every_label_is_nearer_its_own_marker_than_any_other():
    requests = random_requests(700, seed=3)
    placed = place_labels(requests, (2, 2, 1598, 1198))
    assert len(placed) > 500  # most of the 700 are labelled, so the check below means something
    by_key = {r.key: r for r in requests}
    for label in placed:
        mine = by_key[label.key]
        px = min(max(mine.x, label.box[0]), label.box[2])
        py = min(max(mine.y, label.box[1]), label.box[3])
        own = math.hypot(px - mine.x, py - mine.y)
        assert all(math.hypot(px - r.x, py - r.y) >= own for r in requests if r is not mine)


def test_a_dense_map_places_labels_that_overlap_nothing_but_lesser_markers():
    requests = random_requests(3000, seed=7)
    frame = (2, 2, 1598, 1198)
    placed = place_labels(requests, frame)
    assert 500 < len(placed) < 3000
    by_key = {r.key: r for r in requests}
    boxes = [label.box for label in placed]
    for i, box in enumerate(boxes):
        assert frame[0] <= box[0] and box[2] <= frame[2]
        assert not any(overlaps(box, other) for other in boxes[i + 1 :])
    for label in placed:
        mine = by_key[label.key]
        for request in requests:
            if request.key != mine.key and overlaps(label.box, marker_box(request)):
                assert request.rank > mine.rank


def test_text_is_measured_only_for_labels_that_might_fit():
    """A request may carry a lower bound of its size and a way to measure it: the placement is
    the same as with every size measured first, and a label that cannot fit even at its lower
    bound is never measured."""
    exact = random_requests(2000, seed=3)
    measured = []

    def measurer(request):
        def measure():
            measured.append(request.key)
            return request.width, request.height

        return measure

    lazy = [
        replace(r, width=r.width * 0.8, height=r.height * 0.8, measure=measurer(r)) for r in exact
    ]
    frame = (2, 2, 1598, 1198)
    assert place_labels(lazy, frame) == place_labels(exact, frame)
    assert len(set(measured)) == len(measured)  # each at most once
    assert len(measured) < len(exact) * 0.7  # the dense map's hopeless labels were not measured


@pytest.fixture
def placements(monkeypatch, tmp_path):
    """A private cache folder; counts the placements actually computed."""
    import geomap.render.labels as labels

    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "cache"))
    counted = []
    real = labels.place_labels
    monkeypatch.setattr(labels, "place_labels", lambda *a: counted.append(1) or real(*a))
    return counted


def placed_on(mini, size=(500, 400)):
    """The labels of a new map of the mini scenario: (gid, text, position, alignment)."""
    from datetime import date

    from geomap.products.map import draw_day, make_canvas
    from geomap.scenario.load import load_scenario
    from geomap.scenario.style import load_style

    scenario, style = load_scenario(mini), load_style(None)
    canvas = make_canvas(scenario, style, size, 100)
    draw_day(canvas, scenario, style, date(2017, 11, 30))
    return [
        (t.get_gid(), t.get_text(), t.get_position(), t.get_ha(), t.get_va())
        for t in canvas.ax.texts
        if (t.get_gid() or "").startswith("label-")
    ]


def test_a_placement_is_kept_and_the_same_map_places_nothing_again(mini, placements):
    first = placed_on(mini)
    assert len(placements) == 1 and len(first) >= 3
    assert placed_on(mini) == first
    assert len(placements) == 1


def test_other_places_or_another_size_are_placed_afresh(mini, placements):
    first = placed_on(mini)
    placed_on(mini, (640, 480))
    assert len(placements) == 2
    places = mini.parent / "places.geojson"
    places.write_text(places.read_text(encoding="utf-8").replace('"Raqqa"', '"Ar-Raqqa"'))
    renamed = placed_on(mini)
    assert len(placements) == 3
    assert [t[1] for t in renamed] != [t[1] for t in first] and "Ar-Raqqa" in [
        t[1] for t in renamed
    ]
    # an anagram measures the same: only the texts in the key tell the placements apart
    places.write_text(places.read_text(encoding="utf-8").replace('"Ar-Raqqa"', '"Ar-Raqaq"'))
    assert "Ar-Raqaq" in [t[1] for t in placed_on(mini)]
    assert len(placements) == 4


def test_a_damaged_placement_is_placed_again(mini, placements, tmp_path):
    first = placed_on(mini)
    [entry] = (tmp_path / "cache").glob("labels-*")
    entry.write_bytes(b"\x80\x05not quite a pickle")
    assert placed_on(mini) == first
    assert len(placements) == 2
    assert placed_on(mini) == first
    assert len(placements) == 2


def test_the_labels_pixels_are_kept_and_drawn_again_when_their_look_changes(
    mini, monkeypatch, tmp_path
):
    """A series keeps its labels as pixels; the next run reads them from the cache while the
    placement, the halo, the figure and matplotlib's settings are the same."""
    from dataclasses import replace
    from datetime import date

    import numpy as np

    from geomap.products.map import draw_day, make_canvas
    from geomap.render.frames import Compositor
    from geomap.scenario.load import load_scenario
    from geomap.scenario.style import load_style

    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path / "cache"))
    drawn = []
    real = Compositor.isolated

    def isolated(self, artists):
        if any((getattr(a, "get_gid", lambda: "")() or "").startswith("label-") for a in artists):
            drawn.append(1)
        return real(self, artists)

    monkeypatch.setattr(Compositor, "isolated", isolated)
    scenario = load_scenario(mini)

    def frame(style):
        canvas = make_canvas(scenario, style, (500, 400), 100)
        draw_day(canvas, scenario, style, date(2017, 11, 30))
        return canvas.fast_rgba().copy()

    style = load_style(None)
    first = frame(style)
    assert len(drawn) == 1
    assert np.array_equal(frame(style), first) and len(drawn) == 1
    red_halo = replace(style, colours={**style.colours, "halo": "#ff0000"})
    assert not np.array_equal(frame(red_halo), first) and len(drawn) == 2
    for entry in (tmp_path / "cache").glob("pixels-*"):
        entry.write_bytes(entry.read_bytes()[:1000])
    assert np.array_equal(frame(style), first) and len(drawn) == 3


@pytest.mark.parametrize("exact_from", [0, 10**9])
def test_labels_proven_to_fit_nowhere_are_exactly_those_the_plain_rule_drops(
    monkeypatch, exact_from
):
    # a dense map, like thousands of villages: most labels fit nowhere, and finding them all at
    # once first (through the grid, then exactly or not) changes nothing that is placed
    monkeypatch.setattr(placement, "PROOF_FROM", 0)
    monkeypatch.setattr(placement, "EXACT_PROOF_FROM", exact_from)
    frame = (2, 2, 598, 448)
    obstacles = [(0, 0, 150, 100), (500, 380, 600, 450)]
    requests = random_requests(900, seed=11, size=(600, 450))
    expected = reference_placement(requests, frame, obstacles)
    assert 50 < len(expected) < 450  # most dropped: the proof has work to do
    placed = place_labels(requests, frame, obstacles)
    assert [(label.key, label.box) for label in placed] == list(expected.items())


def test_on_a_dense_map_most_labels_are_proven_to_fit_nowhere_before_any_is_placed(
    monkeypatch,
):
    tested = []
    real = placement._free_spot

    def counting(request, *args):
        tested.append(request.key)
        return real(request, *args)

    monkeypatch.setattr(placement, "_free_spot", counting)
    requests = random_requests(900, seed=11, size=(600, 450))
    placed = place_labels(requests, (2, 2, 598, 448))
    assert len(set(tested)) < len(requests) // 2  # the rest were never tried one by one
    assert {label.key for label in placed} <= set(tested)


def test_only_points_certainly_strictly_inside_a_box_count_and_never_its_own():
    import numpy as np

    boxes = tuple(np.array([value, value]) for value in (0.0, 0.0, 100.0, 100.0))
    xs = np.array([50.0, 0.0, 100.0, 50.0, 150.0])  # inside, on two edges, inside, outside
    ys = np.array([50.0, 50.0, 50.0, 60.0, 50.0])
    own = (np.array([50.0, 1e6]), np.array([50.0, 1e6]))  # the first box's own point: inside
    found = placement._centres_inside(xs, ys, boxes, own)
    assert found.tolist() == [1, 2]
