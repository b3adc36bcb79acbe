"""The before/after figure and the list of changes."""

import json
from datetime import date

from geomap.products.compare import build_comparison
from geomap.scenario.load import load_scenario
from geomap.scenario.style import load_style


def test_both_panels_share_extent_and_legend_and_the_changes_are_ringed(mini):
    scenario = load_scenario(mini)
    figure = build_comparison(
        scenario,
        load_style(None),
        date(2015, 1, 31),
        date(2017, 11, 30),
        size_px=(1400, 600),
        dpi=80,
    )
    maps = figure.axes[:2]  # left and right maps; the third axes holds the list of changes
    assert len(figure.axes) == 3
    assert maps[0].get_xlim() == maps[1].get_xlim()
    assert maps[0].get_ylim() == maps[1].get_ylim()
    legends = [[t.get_text() for t in ax.get_legend().get_texts()] for ax in maps]
    assert legends[0] == legends[1]
    rings = [a for a in maps[1].get_children() if a.get_gid() == "changes"]
    assert len(rings) == 1 and len(rings[0].get_offsets()) == 3
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert "Changes of hands (3)" in texts
    assert "Raqqa: ISIS → SDF / YPG  (2017-10-17)" in " ".join(texts).replace(
        "Islamic State (ISIS)", "ISIS"
    )


def test_compare_writes_the_figure_and_prints_its_path(run, mini):
    result = run(
        "compare", "2015-01", "2017-11", "--scenario", mini, "--size", "1400x600", "--format", "svg"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "geomap-2015-01-31-vs-2017-11-30.svg"


def test_diff_as_json_lists_changes_in_the_order_they_happened(run, mini):
    result = run("diff", "2015-01", "2017-11", "--scenario", mini, "--format", "json")
    changes = json.loads(result.stdout)
    assert [
        (c["id"], c["from"], c["from_status"], c["to"], c["to_status"], c["date"]) for c in changes
    ] == [
        ("deir-ez-zor", "syrian-gov", "besieged", "syrian-gov", "held", "2017-10-17"),
        ("raqqa", "isis", "held", "sdf", "held", "2017-10-17"),
        ("aleppo", "syrian-gov", "contested", "syrian-gov", "held", "2017-11-30"),
    ]
    assert changes[1]["sources"][0]["title"] == "Raqqa falls"


def test_diff_with_no_changes_says_so(run, mini):
    result = run("diff", "2015-02", "2015-03", "--scenario", mini)
    assert result.stdout == "no changes\n"
