"""Milestones and the chart of area over time."""

from datetime import date

import pytest
from PIL import Image

from conftest import write
from geomap.domain.model import Citation
from geomap.errors import InputError
from geomap.products.chart import AreaPoint, area_chart
from geomap.scenario.load import load_scenario
from geomap.scenario.milestones import load_milestones

MILESTONES = """\
sources:
  wire-2015-12-28:
    publisher: Test Wire
    title: "Ramadi retaken"
    date: 2015-12-28
milestones:
  - date: 2017-10-17
    label: Raqqa falls
    source: local-raqqa
  - date: 2015-12-28
    label: Ramadi retaken
    source: wire-2015-12-28
"""


def with_milestones(mini, text=MILESTONES):
    write(mini.parent / "milestones.yaml", text)
    write(mini, mini.read_text() + "milestones: milestones.yaml\n")
    return mini


def test_milestones_load_sorted_with_their_sources(mini):
    scenario = load_scenario(with_milestones(mini))
    assert [(m.date, m.label) for m in scenario.milestones] == [
        (date(2015, 12, 28), "Ramadi retaken"),
        (date(2017, 10, 17), "Raqqa falls"),
    ]
    # a source id defined in a snapshot is known too
    assert scenario.milestones[1].sources[0].publisher == "Test Wire"
    assert scenario.milestones[1].sources[0].title == "Raqqa falls"


def test_bad_milestones_point_at_their_lines(tmp_path):
    path = write(
        tmp_path / "milestones.yaml",
        "milestones:\n"
        "  - date: 2017-13-01\n"
        "    label: Bad month\n"
        "    source: wire\n"
        "  - date: 2017-10-17\n"
        "    label: Raqqa falls\n"
        "    source: local-raqa\n"
        "  - date: 2017-10-18\n"
        "    source: local-raqqa\n",
    )
    known = {"local-raqqa": Citation("local-raqqa", "Test Wire", "Raqqa falls", "2017-10-17")}
    with pytest.raises(InputError) as caught:
        load_milestones(path, known)
    messages = [str(p).split("milestones.yaml:")[1] for p in caught.value.problems]
    assert messages == [
        "2:11: invalid date '2017-13-01': month 13 is not 01-12",
        "4:13: unknown source 'wire'",
        "7:13: unknown source 'local-raqa' (did you mean 'local-raqqa'?)",
        "8:5: milestone has no 'label'",
    ]


def test_a_missing_milestones_file_is_reported_by_the_scenario(mini):
    write(mini, mini.read_text() + "milestones: nowhere.yaml\n")
    with pytest.raises(InputError) as caught:
        load_scenario(mini)
    assert "nowhere.yaml" in str(caught.value)


def points():
    return [
        AreaPoint(date(2015, 1, 31), 20_000, 18_000, 4_000),
        AreaPoint(date(2016, 1, 31), 15_000, 15_000, 0),
        AreaPoint(date(2017, 1, 31), 9_000, 9_000, 0),
    ]


def test_the_chart_marks_the_milestones_inside_its_range(mini):
    scenario = load_scenario(with_milestones(mini))
    figure = area_chart(
        points()[:2],
        title="Estimated area",
        subtitle="test",
        colour="#1a1a1a",
        label="ISIS",
        milestones=scenario.milestones,
    )
    ax = figure.axes[0]
    gids = {artist.get_gid() for artist in ax.get_children()}
    assert "milestone-2015-12-28" in gids and "milestone-label-2015-12-28" in gids
    assert "milestone-2017-10-17" not in gids  # after the last date shown
    line = next(a for a in ax.get_lines() if a.get_gid() == "area-line")
    assert list(line.get_ydata()) == [20_000, 15_000]
    assert "contested-band" in gids  # contested ground in January 2015


def test_chart_command_writes_the_file_and_prints_its_path(run, mini, tmp_path):
    with_milestones(mini)
    result = run("chart", "--from", "2015-01", "--to", "2017-11", "-s", mini, "--size", "800x450")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "geomap-area-isis-2015-01-31-2017-11-30.png"
    with Image.open(tmp_path / "work" / result.stdout.strip()) as image:
        assert image.size == (800, 450)


def test_chart_svg_is_byte_identical_run_after_run(run, mini, tmp_path):
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    for out in (first, second):
        result = run(
            "chart", "--from", "2015", "--to", "2017-11", "-s", mini, "--faction", "sdf", "-o", out
        )
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()


def test_chart_of_an_unknown_faction_is_a_usage_error(run, mini):
    result = run("chart", "--from", "2015", "--to", "2017", "-s", mini, "--faction", "isil")
    assert result.exit_code == 2
    assert "unknown faction 'isil' (did you mean 'isis'?)" in result.output


def test_the_default_chart_overlays_the_published_figures_with_their_publishers():
    from geomap.products.chart import faction_chart
    from geomap.scenario.resources import default_scenario_path
    from geomap.scenario.style import load_style

    scenario = load_scenario(default_scenario_path())
    days = [date(2015, 1, 1), date(2015, 12, 14), date(2016, 12, 31)]
    figure = faction_chart(scenario, days, "isis", load_style(scenario.style_path))
    ax = figure.axes[0]
    published = {
        line.get_label(): list(zip(line.get_xdata(), line.get_ydata(), strict=True))
        for line in ax.get_lines()
        if (line.get_gid() or "").startswith("published-")
    }
    # only the figures inside the charted range, each publisher once in the legend
    assert published["Published: IHS"] == [(date(2015, 12, 14), 78_000)]
    assert published["Published: IHS Markit"] == [
        (date(2015, 1, 1), 90_800),
        (date(2016, 7, 4), 68_300),
        (date(2016, 10, 3), 65_500),
        (date(2016, 12, 31), 60_400),
    ]
    credit = next(t for t in figure.texts if t.get_gid() == "credit").get_text()
    assert "Published: IHS, IHS Jane's, IHS Markit, OpenCanada.org" in credit


def test_chart_of_people_is_a_population_chart(run, tmp_path):
    result = run(
        "chart",
        "--from",
        "2015-01",
        "--to",
        "2015-06",
        "--every",
        "quarter",
        "--measure",
        "population",
        "--format",
        "svg",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "geomap-people-isis-2015-01-31-2015-06-30.svg"
    svg = (tmp_path / "work" / result.stdout.strip()).read_text()
    assert "people (estimate)" in svg and "Published: OpenCanada.org" in svg


def test_chart_charts_the_scenarios_first_faction_by_default(run, mini):
    """No faction id is built into geomap: without --faction the chart is of the faction the
    scenario lists first."""
    result = run("chart", "--from", "2015-01", "--to", "2017-11", "-s", mini)
    assert result.stdout == "geomap-area-isis-2015-01-31-2017-11-30.png\n"
    isis = '  isis:\n    name: Islamic State (ISIS)\n    colour: "#1a1a1a"\n'
    sdf = '  sdf:\n    name: SDF / YPG\n    colour: "#f2cd00"\n'
    text = mini.read_text()
    assert isis in text and sdf in text
    mini.write_text(text.replace(sdf, "").replace(isis, sdf + isis))
    result = run("chart", "--from", "2015-01", "--to", "2017-11", "-s", mini)
    assert result.exit_code == 0, result.output
    assert result.stdout == "geomap-area-sdf-2015-01-31-2017-11-30.png\n"


def test_a_long_credit_line_is_broken_between_sentences_not_cut_at_the_edge():
    from geomap.products.chart import faction_chart
    from geomap.scenario.resources import default_scenario_path
    from geomap.scenario.style import load_style

    scenario = load_scenario(default_scenario_path())
    days = [date(2014, 6, 30), date(2015, 12, 31), date(2017, 11, 30)]
    figure = faction_chart(scenario, days, "isis", load_style(scenario.style_path))
    credit = next(t for t in figure.texts if t.get_gid() == "credit")
    renderer = figure.canvas.get_renderer()
    box = credit.get_window_extent(renderer)
    assert "\n" in credit.get_text()  # the default credit names a dozen publishers
    assert credit.get_text().splitlines()[0].startswith("Estimate: geomap")
    assert box.x0 >= 0 and box.x1 <= figure.bbox.width
    assert box.y0 >= 0 and box.y1 <= figure.bbox.height
    for other in figure.texts:  # no other text of the figure is cut either
        extent = other.get_window_extent(renderer)
        assert extent.x0 >= 0 and extent.x1 <= figure.bbox.width, other.get_text()


def test_a_long_title_is_shrunk_to_the_width_of_the_chart(mini):
    from dataclasses import replace

    from geomap.products.chart import faction_chart
    from geomap.scenario.style import load_style

    scenario = load_scenario(mini)
    long_name = "Islamic State of Iraq and the Levant, its provinces and its affiliates " * 2
    factions = dict(scenario.factions)
    factions["isis"] = replace(factions["isis"], name=long_name.strip())
    scenario = replace(scenario, factions=factions)
    days = [date(2015, 1, 31), date(2017, 11, 30)]
    figure = faction_chart(scenario, days, "isis", load_style(scenario.style_path))
    title = next(t for t in figure.texts if t.get_gid() == "title")
    assert long_name.strip() in title.get_text()
    box = title.get_window_extent(figure.canvas.get_renderer())
    assert box.x0 >= 0 and box.x1 <= figure.bbox.width
