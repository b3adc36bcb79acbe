"""Whatever text a user (or a broken editor) puts in a file, the loaders answer with the data or
with an InputError whose problems are one located line each: never another exception, never a
hang.

The texts start from valid files and are mutated: characters and lines deleted, duplicated and
swapped, YAML and JSON punctuation and random unicode inserted, the file cut short.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.errors import InputError
from geomap.io.yamlfile import parse_yaml
from geomap.scenario.basemap import LAYER_GEOMETRIES, check_layer
from geomap.scenario.load import load_scenario
from geomap.scenario.places import load_places
from geomap.scenario.snapshots import load_snapshot

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"

YAML_SEEDS = [
    *(path.read_text(encoding="utf-8") for path in sorted((MINI / "snapshots").glob("*.yaml"))),
    (MINI / "sources.yaml").read_text(encoding="utf-8"),
    (MINI / "scenario.yaml").read_text(encoding="utf-8"),
    """date: 2017-10-17
sources:
  bbc-2017-10-17-raqqa:
    publisher: BBC News
    title: "Raqqa: IS 'capital' falls to US-backed Syrian forces"
    date: 2017-10-17
    url: https://www.bbc.co.uk/news/world-middle-east-41646802
source: bbc-2017-10-17-raqqa
control:
  raqqa: sdf
  deir-ez-zor:
    holder: syrian-gov
    status: besieged
    by: isis
    source: [reuters-2017-09-05, bbc-2017-09-05]
    note: "Sources disagree on the day: ..."
""",
]
JSON_SEEDS = [
    (MINI / "places.geojson").read_text(encoding="utf-8"),
    (MINI / "geo" / "lakes.geojson").read_text(encoding="utf-8"),
]
PUNCTUATION = [
    ":", ": ", "- ", "-", "? ", ",", "[", "]", "{", "}", "'", '"', "#", "|", ">", "&a ", "*a",
    "!!str ", "!!python/object:os.system ", "!x ", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n",
    "---\n", "...\n", "\t", "\n", "\r\n", "\r", "  ", "    ", "<<: ", "~", "null", "\\",
    "\x00", "\x07", "\x1b", "\ufeff", "\u2028", "\x85", "\ud800", "\U0001f600", "NaN",
    "1e400", "9" * 60, "-1e309", "true",
]  # fmt: skip

LIMITS = settings(
    max_examples=120,
    deadline=timedelta(milliseconds=1500),
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@st.composite
def mutated(draw, seeds: list[str]) -> str:
    """A seed text with one to five random edits."""
    text = draw(st.sampled_from(seeds))
    for _ in range(draw(st.integers(1, 5))):
        lines = text.splitlines(keepends=True) or [""]
        here = draw(st.integers(0, len(text)))
        line = draw(st.integers(0, len(lines) - 1))
        edit = draw(
            st.sampled_from(
                ("insert", "delete", "replace", "dup-line", "drop-line", "swap-lines", "cut")
            )
        )
        if edit in ("insert", "replace"):
            piece = draw(st.one_of(st.sampled_from(PUNCTUATION), st.text(max_size=6)))
            end = here + draw(st.integers(0, 4)) if edit == "replace" else here
            text = text[:here] + piece + text[end:]
        elif edit == "delete":
            text = text[:here] + text[here + draw(st.integers(1, 8)) :]
        elif edit == "dup-line":
            lines.insert(line, lines[line])
            text = "".join(lines)
        elif edit == "drop-line":
            del lines[line]
            text = "".join(lines)
        elif edit == "swap-lines":
            other = draw(st.integers(0, len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
            text = "".join(lines)
        else:
            text = text[:here]
    return text


def assert_clean(error: InputError, path_text: str) -> None:
    """Every problem is one line that starts with the file it is about."""
    assert error.problems
    for problem in error.problems:
        line = str(problem)
        assert "\n" not in line and "\r" not in line
        assert line.startswith(path_text), line


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@LIMITS
@given(text=mutated(YAML_SEEDS))
def test_parse_yaml_gives_data_or_an_input_error(text):
    try:
        parse_yaml(text, "f.yaml")
    except InputError as error:
        assert_clean(error, "f.yaml")


@LIMITS
@given(text=st.text(max_size=200))
def test_parse_yaml_survives_any_unicode(text):
    try:
        parse_yaml(text, "f.yaml")
    except InputError as error:
        assert_clean(error, "f.yaml")


@LIMITS
@given(text=mutated(YAML_SEEDS))
def test_load_snapshot_gives_a_snapshot_or_an_input_error(folder, text):
    path = folder / "2017-10-17.yaml"
    # Lone surrogates cannot be UTF-8: they become bytes that are not UTF-8, which is the point.
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        load_snapshot(path)
    except InputError as error:
        assert_clean(error, str(path))


@LIMITS
@given(data=st.binary(max_size=300))
def test_load_snapshot_survives_any_bytes(folder, data):
    path = folder / "2017-10-17.yaml"
    path.write_bytes(data)
    try:
        load_snapshot(path)
    except InputError as error:
        assert_clean(error, str(path))


@LIMITS
@given(text=mutated(JSON_SEEDS))
def test_load_places_gives_places_or_an_input_error(folder, text):
    path = folder / "places.geojson"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        load_places([path])
    except InputError as error:
        assert_clean(error, str(path))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(["Feature", "FeatureCollection", "Point", "Polygon", "LineString"])
    | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(["type", "features", "geometry", "coordinates", "properties", "id"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@LIMITS
@given(
    layer=st.sampled_from(sorted(LAYER_GEOMETRIES)),
    features=st.lists(JSON_VALUES, max_size=4),
)
def test_a_basemap_layer_of_any_shape_is_checked_without_crashing(layer, features):
    found, problems = check_layer({"type": "FeatureCollection", "features": features}, layer)
    assert len(found) + len(problems) <= len(features)
    for keys, message in problems:
        assert keys[:1] == ("features",) and message


@settings(LIMITS, max_examples=40)
@given(text=mutated([(MINI / "scenario.yaml").read_text(encoding="utf-8")]))
def test_a_mutated_scenario_loads_or_gives_an_input_error(text):
    with tempfile.TemporaryDirectory() as name:
        work = Path(name) / "mini"
        shutil.copytree(MINI, work)
        (work / "scenario.yaml").write_bytes(text.encode("utf-8", "surrogatepass"))
        try:
            load_scenario(work / "scenario.yaml")
        except InputError as error:
            for problem in error.problems:
                assert "\n" not in str(problem)


def test_json_seeds_are_valid_to_start_with():
    for seed in JSON_SEEDS:
        json.loads(seed)
