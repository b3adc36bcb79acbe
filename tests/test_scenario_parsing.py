"""Parsing a scenario pauses Python's cycle collector (it would walk every parsed value again
and again to free nothing) and always restores it, whether the scenario loads or not."""

import gc

import pytest

import geomap.scenario.load as load_module
from geomap.errors import InputError
from geomap.scenario.load import parse_scenario


@pytest.fixture
def collector_seen(monkeypatch):
    """Whether the collector was running while the places were read, per parse."""
    seen = []
    real = load_module.load_places

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(load_module, "load_places", watching)
    return seen


def test_the_collector_is_paused_while_parsing_and_running_after(mini, collector_seen):
    assert gc.isenabled()
    scenario = parse_scenario(mini)
    assert collector_seen == [False]
    assert gc.isenabled()
    assert scenario.places


def test_the_collector_runs_again_after_a_scenario_with_problems(mini, collector_seen):
    (mini.parent / "snapshots" / "2017-11-30.yaml").write_text("date: 2017-11-30\ncontrol: [\n")
    with pytest.raises(InputError):
        parse_scenario(mini)
    assert collector_seen == [False]
    assert gc.isenabled()


def test_a_paused_collector_stays_paused(mini):
    gc.disable()
    try:
        parse_scenario(mini)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.fixture
def freezes(monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    return frozen


def test_a_geomap_command_sets_the_parsed_scenario_aside_from_the_collector(
    mini, freezes, monkeypatch
):
    import geomap

    monkeypatch.setattr(geomap, "COMMAND_LINE", True)
    parse_scenario(mini)
    assert freezes == [True]


def test_a_program_using_geomap_keeps_its_collector_as_it_was(mini, freezes):
    parse_scenario(mini)
    assert freezes == []
