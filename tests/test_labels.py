"""Label placement (pure): no overlaps, nearer spots first, important places first."""

from geomap.render.placement import LabelRequest, overlaps, place_labels

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
