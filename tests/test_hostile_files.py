"""Hostile files: huge, explosive, endlessly nested, unreadable or not files at all. Each is
refused with one located message and little memory, and never with a traceback."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from conftest import write
from geomap.errors import InputError
from geomap.io.files import MAX_TEXT_BYTES, read_text
from geomap.io.jsonfile import MAX_LOCATED
from geomap.io.yamlfile import MAX_DEPTH, MAX_VALUES, parse_yaml
from geomap.scenario.places import load_places
from geomap.scenario.snapshots import load_snapshot

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def refused(action) -> tuple[InputError, float]:
    """Run ``action``, which must raise InputError; returns it and the peak traced MB."""
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as raised:
            action()
        peak_mb = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    return raised.value, peak_mb


def messages(error: InputError) -> list[str]:
    return [str(problem) for problem in error.problems]


def test_a_50_mb_snapshot_is_refused_by_its_size_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "2017-12-01.yaml"
    with path.open("wb") as handle:  # sparse: a header, then a hole up to 50 MB
        handle.write(b"date: 2017-12-01\ncontrol:\n")
        handle.truncate(50_000_000)
    opened = []
    real_open = Path.open
    monkeypatch.setattr(
        Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k)
    )
    error, peak_mb = refused(lambda: load_snapshot(path))
    assert messages(error) == [f"{path}: file is too large (50.0 MB; the limit is 8 MB)"]
    assert opened == []  # refused on its size alone: not a byte read
    assert peak_mb < 1


def test_a_billion_laughs_is_refused_at_its_first_anchor(tmp_path):
    path = write(tmp_path / "2017-12-01.yaml", BILLION_LAUGHS)
    error, peak_mb = refused(lambda: load_snapshot(path))
    assert messages(error) == [f"{path}:1:4: YAML anchors and aliases are not supported"]
    assert peak_mb < 1  # expanded, it would be 10**9 strings


def test_an_alias_is_refused_even_when_the_anchor_is_valid_yaml():
    error, _ = refused(lambda: parse_yaml("a: &x b\nc: d\n", "f.yaml"))
    assert messages(error) == ["f.yaml:1:4: YAML anchors and aliases are not supported"]


def test_yaml_nested_a_million_levels_is_refused_not_a_crash():
    # PyYAML's C composer recursed on this until the interpreter died (a segfault).
    error, _ = refused(lambda: parse_yaml("[" * 1_000_000, "f.yaml"))
    # geomap stops at level 33 (column 34); PyYAML 6.0.4's scanner may stop first, at 1000
    [message] = messages(error)
    assert message in (
        f"f.yaml:1:{MAX_DEPTH + 2}: nesting is deeper than 32 levels",
        "f.yaml:1:1001: nesting is deeper than 32 levels",
    )


def test_yaml_with_too_many_values_is_refused_with_bounded_memory():
    text = "- a\n" * (MAX_VALUES + 50_000)
    error, peak_mb = refused(lambda: parse_yaml(text, "f.yaml"))
    assert messages(error) == [
        f"f.yaml:{MAX_VALUES}:3: the file holds more than {MAX_VALUES} keys and values; split it up"
    ]
    assert peak_mb < 200


def test_json_nested_a_million_levels_is_refused(tmp_path):
    path = write(tmp_path / "places.geojson", "[" * 1_000_000 + "]" * 1_000_000)
    error, _ = refused(lambda: load_places([path]))
    assert messages(error) == [f"{path}: JSON is nested too deeply"]


def test_json_with_too_many_objects_is_refused_before_they_are_built(tmp_path):
    text = '{"type": "FeatureCollection", "features": [' + ",".join(["{}"] * 300_000) + "]}"
    path = write(tmp_path / "places.geojson", text)
    error, peak_mb = refused(lambda: load_places([path]))
    assert messages(error) == [
        f"{path}: the file holds more than {MAX_LOCATED} JSON objects and arrays; split it up"
    ]
    assert peak_mb < 100


def test_a_number_with_5000_digits_is_a_located_problem_not_a_crash(tmp_path):
    text = (
        '{"type": "FeatureCollection", "features": [\n {"type": "Feature", "properties": '
        '{"id": "x", "name": "X", "kind": "town", "country": "AA"},\n  "geometry": '
        '{"type": "Point", "coordinates": [' + "9" * 5000 + ", 36]}}]}"
    )
    path = write(tmp_path / "places.geojson", text)
    error, _ = refused(lambda: load_places([path]))
    assert messages(error) == [
        f"{path}:3:15: geometry of 'x' is malformed: position [Infinity, 36] has a coordinate "
        "that is not a finite number"
    ]


def test_a_file_one_byte_over_the_limit_is_refused(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_bytes(b"#" * (MAX_TEXT_BYTES + 1))
    error, _ = refused(lambda: read_text(path))
    assert messages(error) == [f"{path}: file is too large (8.4 MB; the limit is 8 MB)"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are a POSIX feature")
def test_a_named_pipe_is_refused_instead_of_waiting_forever(tmp_path):
    path = tmp_path / "2017-12-01.yaml"
    os.mkfifo(path)
    error, _ = refused(lambda: load_snapshot(path))
    assert messages(error) == [f"{path}: is not a regular file (a pipe, socket or device)"]


def test_a_symlink_loop_is_a_message(tmp_path):
    path = tmp_path / "2017-12-01.yaml"
    path.symlink_to(path)
    error, _ = refused(lambda: load_snapshot(path))
    assert messages(error) == [f"{path}: cannot read the file: Too many levels of symbolic links"]


def test_a_folder_is_not_read_as_a_file(tmp_path):
    error, _ = refused(lambda: read_text(tmp_path))
    assert messages(error) == [f"{tmp_path}: is a folder, expected a file"]


def test_a_utf8_byte_order_mark_is_fine_but_utf16_is_explained(tmp_path):
    text = "date: 2017-12-01\nsource: s\ncontrol:\n  raqqa: sdf\n"
    (tmp_path / "2017-12-01.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load_snapshot(tmp_path / "2017-12-01.yaml").snapshot.assertions[0].holder == "sdf"
    (tmp_path / "2017-12-01.yaml").write_bytes(text.encode("utf-16"))
    error, _ = refused(lambda: load_snapshot(tmp_path / "2017-12-01.yaml"))
    assert messages(error) == [
        f"{tmp_path / '2017-12-01.yaml'}: is UTF-16 text; save the file as UTF-8"
    ]


def test_a_name_with_a_line_break_cannot_break_the_one_line_per_problem_output():
    error, _ = refused(lambda: parse_yaml('a: 1\n"b\\nc": 2\n"b\\nc": 3\n', "f.yaml"))
    assert messages(error) == ["f.yaml:3:1: duplicate key 'b\\nc' (first defined at line 2)"]


def test_an_unreadable_snapshot_is_reported_by_validate(run, mini, monkeypatch):
    # Tests run as root, for whom chmod 000 changes nothing: the refusal is simulated where the
    # operating system would give it, when the file is opened.
    locked = (mini.parent / "snapshots" / "2017-10-17.yaml").resolve()
    real_open = Path.open

    def open_unless_locked(self, *args, **kwargs):
        if self.resolve() == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_unless_locked)
    result = run("validate", "--scenario", mini)
    assert result.exit_code == 1
    assert result.stderr == f"{locked}: cannot read the file: permission denied\n"
    assert "Traceback" not in result.output


def test_a_50_mb_snapshot_in_a_scenario_fails_validate_at_once(run, mini):
    with (mini.parent / "snapshots" / "2017-12-01.yaml").open("wb") as handle:
        handle.truncate(50_000_000)
    result = run("validate", "--scenario", mini)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "snapshots/2017-12-01.yaml: file is too large (50.0 MB; the limit is 8 MB)\n"
    )


def test_a_folder_given_as_the_scenario_is_an_input_error(run, tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    result = run("validate", "--scenario", folder)
    assert result.exit_code == 1
    assert result.stderr.endswith("scenarios: is a folder, expected a file\n")
    assert "Traceback" not in result.output
