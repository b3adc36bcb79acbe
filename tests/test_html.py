"""The offline HTML page: one file, no request to any server, the same map as the PNGs, and the
state of the exact day in the address (checked in a real headless Chromium)."""

import json
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from chromium import DevTools, chromium_binary, dump_dom

from geomap.domain.dates import parse_period
from geomap.scenario.load import load_scenario
from geomap.scenario.resources import default_scenario_path
from geomap.scenario.style import load_style
from geomap.series.plan import series_dates

needs_chromium = pytest.mark.skipif(
    chromium_binary() is None,
    reason="Chromium is not installed (Debian: apt-get install chromium; .ci/run installs it); "
    "the page's script is only tested in a real browser",
)
MAX_BYTES = 5 * 1024 * 1024


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(default_scenario_path())


@pytest.fixture(scope="module")
def page(scenario, tmp_path_factory):
    """The default scenario, June 2014 to November 2017, monthly: the page people publish."""
    from geomap.products.html import write_html

    days = series_dates(
        scenario.timeline, parse_period("2014-06"), parse_period("2017-11"), "month"
    )
    path = tmp_path_factory.mktemp("page") / "isis.html"
    return write_html(scenario, load_style(scenario.style_path), days, path)


class Resources(HTMLParser):
    """Every address the page's markup would load (not the links a reader may follow)."""

    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("src", "srcset", "data", "poster", "background"):
            if attributes.get(name):
                self.loaded.append(attributes[name])
        if tag == "link" and attributes.get("href"):
            self.loaded.append(attributes["href"])
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def test_the_page_is_one_file_under_5_mb_with_everything_inline(page):
    text = page.read_text(encoding="utf-8")
    assert page.stat().st_size <= MAX_BYTES
    parser = Resources()
    parser.feed(text)
    assert parser.loaded == []  # no script, style, font or image file beside the page
    styles = "".join(re.findall(r"<style>(.*?)</style>", text, flags=re.S))
    assert re.findall(r"url\((?!data:)", styles) == []  # fonts are data: URLs
    assert "@font-face{font-family:'DejaVu Sans'" in styles
    assert "default-src 'none'" in text  # and the browser is told to load nothing else


def point_places(scenario) -> set[str]:
    return {p.id for p in scenario.places.values() if not p.is_area}


def test_the_page_holds_every_place_with_its_assertions_and_sources(page, scenario):
    text = page.read_text(encoding="utf-8")
    data = json.loads(
        re.search(r'<script id="data" type="application/json">(.*?)</script>', text, flags=re.S)
        .group(1)
        .replace("<\\/", "</")
    )
    # every town and site; areas (provinces, zones) are in the shaded ground, not markers
    assert {p["id"] for p in data["places"]} == point_places(scenario)
    palmyra = next(p for p in data["places"] if p["id"] == "palmyra")
    holders = [(day, palmyra["r"][run][0]) for day, run in palmyra["a"]]
    assert ("2016-03-27", "syrian-gov") in holders and ("2016-12-11", "isis") in holders
    assert data["citations"]["reuters-2016-03-27-palmyra"][3].startswith("http")
    assert [f["date"] for f in data["frames"]][:2] == ["2014-06-30", "2014-07-31"]
    assert data["frames"][-1]["date"] == "2017-11-30" and len(data["frames"]) == 42
    # the factions' colours are the PNG's
    assert {k: f["colour"] for k, f in data["factions"].items()} == {
        k: f.colour for k, f in scenario.factions.items()
    }


def test_the_static_layers_are_the_canvas_own_with_text_as_text(page):
    text = page.read_text(encoding="utf-8")
    under = re.search(r'<g id="under">(.*?)</g>\n<g id="areas">', text, flags=re.S).group(1)
    over = re.search(r'<g id="over">(.*?)</g>\n</svg>', text, flags=re.S).group(1)
    assert 'id="borders"' in under and 'id="rivers"' in under
    assert ">S Y R I A</text>" in under
    assert 'id="label-palmyra"' in over and ">Palmyra</text>" in over
    assert ">300 km</text>" in over or ">200 km</text>" in over  # the scale bar
    backing = re.search(r'<g id="scale-bar">\s*<path [^>]*style="([^"]*)"', over)
    assert backing and "fill: #ffffff" in backing.group(1)  # the scale bar's white box


SAUDI_ARABIA = "S A U D I   A R A B I A"  # spaced out like every country name, as in the PNG


def test_multi_word_country_names_keep_the_space_between_their_words(page):
    text = page.read_text(encoding="utf-8")
    under = re.search(r'<g id="under">(.*?)</g>\n<g id="areas">', text, flags=re.S).group(1)
    labels = re.findall(r"<text ([^>]*)>([^<]*)</text>", under)
    saudi = [attributes for attributes, label in labels if label == SAUDI_ARABIA]
    # the label's text is exactly the PNG's, and SVG is told not to collapse its runs of spaces
    # (it would show "S A U D I A R A B I A", read as SAUDIARABIA)
    assert len(saudi) == 1 and 'xml:space="preserve"' in saudi[0]
    assert ">S Y R I A</text>" in under  # single-word names are written as before


@needs_chromium
def test_the_browser_shows_the_gap_between_the_words_of_a_country_name(page, tmp_path):
    browser = DevTools(tmp_path / "profile")
    try:
        browser.open(page.as_uri())
        # the label's width as drawn, against the same text with single spaces only
        drawn, single, font_size, characters = browser.js(
            "var label = [...document.querySelectorAll('#under text')]"
            f".find(t => t.textContent === '{SAUDI_ARABIA}');"
            "var single = label.cloneNode(true);"
            "single.removeAttribute('xml:space');"
            "single.textContent = 'S A U D I A R A B I A';"
            "label.parentNode.appendChild(single);"
            "[label.getComputedTextLength(), single.getComputedTextLength(),"
            " parseFloat(getComputedStyle(label).fontSize), label.getNumberOfChars()]"
        )
        assert characters == len(SAUDI_ARABIA)  # no space dropped
        # the two spaces more between the words: a DejaVu Sans space is 0.318 em wide
        assert (drawn - single) / 2 == pytest.approx(0.318 * font_size, rel=0.1)
    finally:
        browser.close()


def place_attributes(dom: str, place_id: str) -> dict[str, str]:
    tag = re.search(rf'<g [^>]*data-id="{place_id}"[^>]*>', dom).group(0)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


@needs_chromium
@pytest.mark.parametrize(
    ("day", "place", "holder", "status"),
    [
        ("2016-03-26", "palmyra", "isis", "held"),  # the day before it was retaken
        ("2016-03-27", "palmyra", "syrian-gov", "held"),
        ("2016-12-11", "palmyra", "isis", "held"),
        ("2015-05-16", "ramadi", "iraqi-gov", "contested"),
        ("2015-05-17", "ramadi", "isis", "held"),
    ],
)
def test_the_address_opens_that_exact_day(page, tmp_path, day, place, holder, status):
    dom = dump_dom(f"{page.as_uri()}#{day}", tmp_path / "profile")
    attributes = place_attributes(dom, place)
    assert (attributes["data-holder"], attributes["data-status"]) == (holder, status)
    assert f'data-day="{day}"' in dom
    assert f"{date.fromisoformat(day).day} " in re.search(r'<h1 id="title">(.*?)</h1>', dom).group(
        1
    )


@needs_chromium
def test_every_place_is_drawn_and_areas_come_from_the_nearest_frame(page, tmp_path, scenario):
    dom = dump_dom(f"{page.as_uri()}#2016-03-27", tmp_path / "profile")
    drawn = re.findall(r'<g class="place[^"]*" data-id="([^"]+)" data-holder="([^"]*)"', dom)
    assert {place for place, _ in drawn} == point_places(scenario)
    holders = dict(drawn)
    expected = scenario.timeline.state_at(date(2016, 3, 27), scenario.places)
    points = point_places(scenario)
    assert holders == {p: (s.holder or "") for p, s in expected.items() if p in points}
    note = re.search(r'<p id="estimate" class="note">(.*?)</p>', dom).group(1)
    assert "27 March 2016" in note and "31 March 2016, the nearest map of the series" in note
    assert len(re.findall(r"<path [^>]*data-area=", dom)) > 3
    legend = re.findall(r'<li data-faction="([^"]+)"', dom)
    assert legend[:3] == ["isis", "syrian-gov", "iraqi-gov"]


@needs_chromium
def test_the_slider_moves_the_day_and_the_address_follows_and_nothing_is_requested(page, tmp_path):
    browser = DevTools(tmp_path / "profile")
    try:
        browser.open(f"{page.as_uri()}#2016-12-11")
        holder = "document.querySelector('[data-id=palmyra]').getAttribute('data-holder')"
        assert browser.js(holder) == "isis"
        days = browser.js(
            "var s = document.getElementById('slider');"
            "s.value = (Date.UTC(2017, 2, 2) - Date.UTC(2014, 5, 30)) / 864e5;"
            "s.dispatchEvent(new Event('input')); s.value"
        )
        assert days == "976"
        assert browser.js("location.hash") == "#2017-03-02"
        assert browser.js(holder) == "syrian-gov"
        assert browser.js("document.getElementById('day').textContent") == "2 March 2017"
        # point at Palmyra: holder, status, since and its source as a link
        box = browser.js(
            "var r = document.querySelector('[data-id=palmyra] .hit').getBoundingClientRect();"
            "[r.x + r.width / 2, r.y + r.height / 2]"
        )
        browser.call("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": box[0], "y": box[1]})
        info = browser.js("document.getElementById('info').innerText")
        assert "Palmyra" in info and "Syrian government" in info
        assert "Since\n2 March 2017" in info or "Since\t2 March 2017" in info
        links = browser.js("[...document.querySelectorAll('#info a')].map(a => a.href)")
        assert len(links) == 1 and links[0].startswith("http")
        # a new address moves the slider back
        browser.js("location.hash = '#2015-05-21'")
        browser.wait_for("Page.navigatedWithinDocument")
        assert browser.js("document.getElementById('slider').value") == str(
            (date(2015, 5, 21) - date(2014, 6, 30)).days
        )
        assert browser.js(holder) == "isis"
        requested = browser.requested_urls()
        assert requested and all(u.startswith(("file://", "data:")) for u in requested), requested
    finally:
        browser.close()


def test_html_command_writes_the_page_and_prints_its_path(run, mini):
    result = run("html", "--from", "2015-01", "--to", "2017-11", "--every", "year", "-s", mini)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "geomap-2015-01-31-to-2017-11-30.html"


def test_html_command_never_overwrites_a_file_it_did_not_write(run, mini, tmp_path):
    mine = tmp_path / "work" / "notes.html"
    mine.write_text("<!DOCTYPE html><p>my notes</p>", encoding="utf-8")
    result = run("html", "--from", "2015-01", "--to", "2015-03", "-s", mini, "--out", mine)
    assert result.exit_code == 1
    assert "notes.html: exists and was not written by geomap" in result.stderr
    assert mine.read_text(encoding="utf-8") == "<!DOCTYPE html><p>my notes</p>"
    again = run("html", "--from", "2015-01", "--to", "2015-03", "-s", mini, "--out", "x.html")
    assert again.exit_code == 0
    assert (
        run("html", "--from", "2015-01", "--to", "2015-03", "-s", mini, "--out", "x.html").exit_code
        == 0
    )  # its own page is replaced
