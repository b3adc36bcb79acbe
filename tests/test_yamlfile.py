import pytest

from geomap.errors import InputError
from geomap.io.yamlfile import parse_yaml


def problems(text: str) -> list[str]:
    with pytest.raises(InputError) as raised:
        parse_yaml(text, "f.yaml")
    return [str(p) for p in raised.value.problems]


def test_scalars_stay_text_with_their_positions():
    data = parse_yaml("date: 2017-11\nanswer: no\ncount: 3\n", "f.yaml")
    assert data == {"date": "2017-11", "answer": "no", "count": "3"}
    assert str(data["answer"].loc) == "f.yaml:2:9"
    assert str(data.key_loc("count")) == "f.yaml:3:1"


def test_duplicate_keys_are_errors_not_silently_the_last_one():
    assert problems("control:\n  raqqa: isis\n  raqqa: sdf\n") == [
        "f.yaml:3:3: duplicate key 'raqqa' (first defined at line 2)"
    ]


def test_anchors_and_aliases_are_refused():
    assert problems("a: &x [1, 2]\nb: *x\n") == [
        "f.yaml:1:4: YAML anchors and aliases are not supported"
    ]


def test_python_objects_are_refused():
    assert problems("a: !!python/object/apply:os.system ['true']\n") == [
        "f.yaml:1:4: YAML tags like '!!python/object/apply:os.system' are not supported"
    ]


def test_malformed_yaml_points_at_the_problem():
    assert problems("control:\n  raqqa: isis\n bad\n") == [
        "f.yaml:3:2: malformed YAML: did not find expected key (while parsing a block mapping)"
    ]


def test_anchored_and_tagged_scalars_are_refused_like_any_other_value():
    assert problems("a: &x raqqa\n") == ["f.yaml:1:4: YAML anchors and aliases are not supported"]
    assert problems("a: !!int 3\n") == ["f.yaml:1:4: YAML tags like '!!int' are not supported"]
    assert problems("a: !custom 3\n") == ["f.yaml:1:4: YAML tags like '!custom' are not supported"]


def test_quoted_and_explicitly_text_scalars_are_text_with_their_positions():
    data = parse_yaml("a: '3'\nb: !!str 4\nc: ! 5\nd:\n  - x\n", "f.yaml")
    assert data == {"a": "3", "b": "4", "c": "5", "d": ["x"]}
    assert [str(data[k].loc) for k in "abc"] == ["f.yaml:1:4", "f.yaml:2:4", "f.yaml:3:4"]
    assert str(data["d"][0].loc) == "f.yaml:5:5"


def test_too_many_scalars_are_refused_at_the_first_one_too_many(monkeypatch):
    import geomap.io.yamlfile as yamlfile

    monkeypatch.setattr(yamlfile, "MAX_VALUES", 4)
    assert problems("a: b\nc: d\ne: f\n") == [
        "f.yaml:2:4: the file holds more than 4 keys and values; split it up"
    ]
