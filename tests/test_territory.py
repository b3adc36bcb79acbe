"""Areas of control estimated from places: small synthetic layouts with known answers."""

import itertools
import json
import math
from datetime import date

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, box

from conftest import write
from geomap.domain.model import Place, PlaceState
from geomap.domain.projection import project_geometry, project_xy
from geomap.errors import InputError, ProblemLog
from geomap.scenario.load import load_scenario
from geomap.scenario.settings import DEFAULT_PROJECTION
from geomap.territory.areas import AREA_KEYS
from geomap.territory.cells import GRID_M
from geomap.territory.measure import area_km2, equal_area_crs, to_lonlat
from geomap.territory.model import Settlement, TerritoryModel
from geomap.territory.rules import TerritoryRules, territory_rules

LCC = DEFAULT_PROJECTION
EQUAL_AREA = equal_area_crs((36.0, 33.0, 42.0, 37.0))
AA_LONLAT = box(37.0, 34.0, 39.0, 36.0)  # Alphaland; the border with Betaland is 39°E
BB_LONLAT = box(39.0, 34.0, 41.0, 36.0)


def projected(geometry):
    return project_geometry(LCC, shapely.segmentize(geometry, 0.01))


COUNTRIES = {"AA": projected(AA_LONLAT), "BB": projected(BB_LONLAT)}


def place(place_id, lon, lat, *, kind="town", country="AA", rank=1, geometry=None):
    return Place(place_id, place_id.title(), (), kind, country, rank, geometry or Point(lon, lat))


def state(place_id, holder, status="held", by=None):
    return PlaceState(place_id, holder, status, by, date(2015, 1, 1), ("test-source",))


def xy(p: Place) -> Point:
    x, y = project_xy(LCC, [p.lonlat[0]], [p.lonlat[1]])
    return Point(float(x[0]), float(y[0]))


def model(places, rules=None, countries=COUNTRIES):
    return TerritoryModel(
        {p.id: p for p in places}, countries, LCC, rules or TerritoryRules(), EQUAL_AREA
    )


def closer_to(a: Point, b: Point, size=1e7):
    """The half-plane of points closer to ``a`` than to ``b`` (as a large square)."""
    mid = np.array([(a.x + b.x) / 2, (a.y + b.y) / 2])
    towards_b = np.array([b.x - a.x, b.y - a.y]) / a.distance(b)
    along = np.array([-towards_b[1], towards_b[0]])
    back = mid - towards_b * size
    corners = [mid + along * size, mid - along * size, back - along * size, back + along * size]
    return shapely.Polygon(corners)


def assert_same_shape(actual, expected, tolerance=0.002):
    """Equal up to the output grid: the symmetric difference is a sliver of the area."""
    assert not actual.is_empty
    difference = shapely.symmetric_difference(actual, expected).area
    assert difference <= tolerance * expected.area, (difference, expected.area)


def assert_partition(territory, countries=COUNTRIES):
    """No two areas overlap, and none leaves the country outlines (up to the output grid)."""
    geometries = [g for _, g in territory.geometries()]
    for first, second in itertools.combinations(geometries, 2):
        # shared edges only, up to a sliver of a few cells of the 10 m output grid
        assert shapely.intersection(first, second).area < 10 * GRID_M * GRID_M
    land = shapely.buffer(shapely.union_all(list(countries.values())), GRID_M)
    for geometry in geometries:
        assert shapely.difference(geometry, land).area < 1.0


# ----------------------------------------------------------------------- two towns and a border
TWO_TOWNS_RULES = TerritoryRules(default_reach_km=60.0)
WEST = place("west", 38.0, 35.0)
EAST = place("east", 38.7, 35.0)  # 26 km from the border
ACROSS = place("across", 39.3, 35.0, country="BB")  # 27 km beyond it


def km_east(p: Place, km: float) -> Point:
    """The point ``km`` east of a place, in map metres."""
    centre = xy(p)
    return Point(centre.x + km * 1000, centre.y)


def class_at(territory, point: Point) -> str | None:
    """The key of the class covering ``point`` (None: unclear)."""
    found = [key for key, geometry in territory.geometries() if geometry.covers(point)]
    assert len(found) <= 1, found
    return found[0] if found else None


@pytest.fixture(scope="module")
def two_towns():
    towns = model([WEST, EAST, ACROSS], TWO_TOWNS_RULES)
    states = {"west": state("west", "isis"), "east": state("east", "sdf")}
    states["across"] = state("across", "syrian-gov")
    return towns.estimate(states)


def test_the_front_between_two_towns_is_hatched_and_each_side_holds_its_own_half(two_towns):
    # 64 km apart: a point is behind a town's lines when the other town is twice as far;
    # the desert lattice (15 km) draws the front to within a cell
    assert class_at(two_towns, km_east(WEST, 5)) == "isis"
    assert class_at(two_towns, km_east(WEST, 32)) in ("contested:isis:sdf", "contested:sdf:isis")
    assert class_at(two_towns, km_east(WEST, 59)) == "sdf"
    # nothing of ISIS's ground lies nearer the eastern town
    beyond = shapely.intersection(two_towns.held["isis"], closer_to(xy(EAST), xy(WEST))).area
    assert beyond == 0


def test_no_area_crosses_the_border(two_towns):
    inside_aa = shapely.buffer(COUNTRIES["AA"], GRID_M)
    assert shapely.difference(two_towns.held["sdf"], inside_aa).area < 1.0
    assert (
        shapely.difference(
            two_towns.held["syrian-gov"], shapely.buffer(COUNTRIES["BB"], GRID_M)
        ).area
        < 1.0
    )
    assert_partition(two_towns)


def test_a_country_held_by_one_side_alone_is_all_that_sides(two_towns):
    # Betaland's only town: its reach, and the rest enclosed by it alone
    assert_same_shape(two_towns.held["syrian-gov"], COUNTRIES["BB"])


def test_reach_leaves_far_ground_between_two_sides_unclear():
    west, east = place("w", 37.3, 35.0), place("e", 38.7, 35.0)  # 127 km apart
    towns = model([west, east], TerritoryRules(default_reach_km=40.0))
    territory = towns.estimate({"w": state("w", "isis"), "e": state("e", "sdf")})
    assert class_at(territory, km_east(west, 30)) == "isis"
    assert class_at(territory, km_east(west, 63)) is None  # 63 km from both
    assert class_at(territory, km_east(east, -30)) == "sdf"
    assert_partition(territory)


def test_reach_by_kind_and_rank():
    rules = TerritoryRules(reach_km={"city": (60.0, 45.0, 35.0)})
    assert rules.reach_m("city", 1) == 60_000
    assert rules.reach_m("city", 2) == 45_000
    assert rules.reach_m("city", 9) == 35_000  # the last entry holds for higher ranks
    assert rules.reach_m("town", 1) == rules.default_reach_km * 1000 == 40_000


def test_a_facility_speaks_for_its_perimeter_and_a_town_for_its_district():
    rules = TerritoryRules()
    for kind in ("airbase", "border-crossing", "dam", "oilfield", "refinery"):
        assert rules.reach_m(kind, 4) == 15_000
    assert rules.reach_m("town", 4) == rules.reach_m("city", 1) == 40_000
    # an airbase 127 km from a town: ground 25 km from the base is unclear, 25 km from the
    # town is the town's
    base = place("base", 37.3, 35.0, kind="airbase")
    town = place("town", 38.7, 35.0)
    territory = model([base, town]).estimate(
        {"base": state("base", "syrian-gov"), "town": state("town", "isis")}
    )
    assert class_at(territory, km_east(base, 5)) == "syrian-gov"
    assert class_at(territory, km_east(base, 25)) is None
    assert class_at(territory, km_east(town, -25)) == "isis"


def test_a_scenario_can_give_a_facility_a_district_again():
    log = ProblemLog()
    rules = territory_rules({"reach_km": {"airbase": 40}}, log, None)
    assert not log.problems
    assert rules.reach_m("airbase", 4) == 40_000
    assert rules.reach_m("dam", 4) == 15_000  # the other facilities keep theirs


# ----------------------------------------------------------------------- enclosure
RING = [
    place(f"r{i}", 38.0 + 0.75 * math.cos(i * math.pi / 4), 35.0 + 0.6 * math.sin(i * math.pi / 4))
    for i in range(8)
]  # about 68 km from the centre, 52 km apart
CENTRE = place("centre-of-ring", 38.0, 35.0)


def test_ground_enclosed_by_one_side_is_that_sides():
    ring = model(RING, TerritoryRules(default_reach_km=30.0))
    territory = ring.estimate({p.id: state(p.id, "isis") for p in RING})
    assert class_at(territory, xy(CENTRE)) == "isis"  # 68 km from every town, but enclosed


def test_ground_between_two_sides_is_not_enclosed():
    ring = model(RING, TerritoryRules(default_reach_km=30.0))
    states = {p.id: state(p.id, "isis") for p in RING}
    states["r0"] = state("r0", "sdf")  # its front with its neighbours meets the middle
    territory = ring.estimate(states)
    assert class_at(territory, xy(CENTRE)) is None
    assert_partition(territory)


# ----------------------------------------------------------------------- settlements and people
def settlement(name, lon, lat, people):
    return Settlement(name, xy(place(name, lon, lat)), people)


def test_settlements_follow_the_places_around_them_and_carry_their_people():
    villages = [
        settlement("v-west", 38.1, 35.05, 1000),  # 10 km from the western town
        settlement("v-east", 38.6, 34.95, 2500),  # near the eastern town
        settlement("v-middle", 38.33, 35.0, 400),  # on the front, nearer ISIS
        settlement("v-across", 39.5, 35.2, 7000),  # in Betaland
    ]
    towns = TerritoryModel(
        {p.id: p for p in (WEST, EAST, ACROSS)},
        COUNTRIES,
        LCC,
        TWO_TOWNS_RULES,
        EQUAL_AREA,
        settlements=villages,
    )
    states = {"west": state("west", "isis"), "east": state("east", "sdf")}
    states["across"] = state("across", "syrian-gov")
    territory = towns.estimate(states)
    assert towns.people(territory) == {
        "isis": 1000,
        "sdf": 2500,
        "syrian-gov": 7000,
        ("isis", "sdf"): 400,
    }
    areas = towns.areas_km2(territory)
    assert areas["isis"].population == 1000 + 400 / 2  # contested people count half
    assert areas["sdf"].population == 2500 + 400 / 2
    in_bb = towns.areas_km2(territory, "BB")
    assert in_bb["syrian-gov"].population == 7000 and "isis" not in in_bb
    assert in_bb["syrian-gov"].area_km2 == pytest.approx(
        area_km2(COUNTRIES["BB"], LCC, EQUAL_AREA), rel=1e-3
    )
    # a settlement is a seed of its own: the front bends round the village that is nearer ISIS
    assert class_at(territory, xy(place("v", 38.1, 35.05))) == "isis"


def test_with_places_everywhere_every_km2_has_a_class():
    grid = [place(f"g{i}{j}", 37.1 + 0.45 * i, 34.1 + 0.45 * j) for i in range(5) for j in range(5)]
    sides = ("isis", "sdf", "syrian-gov")
    towns = model(grid, TerritoryRules(default_reach_km=40.0), countries={"AA": COUNTRIES["AA"]})
    territory = towns.estimate({p.id: state(p.id, sides[(i * 7) % 3]) for i, p in enumerate(grid)})
    covered = sum(g.area for _, g in territory.geometries())
    assert covered == pytest.approx(COUNTRIES["AA"].area, rel=1e-6)
    assert_partition(territory, {"AA": COUNTRIES["AA"]})


# ----------------------------------------------------------------------- contested and besieged
def test_a_contested_town_is_its_own_class_and_counts_half_for_each_side():
    towns = model([WEST, EAST])
    territory = towns.estimate(
        {"west": state("west", "syrian-gov", "contested", "rebels"), "east": state("east", "isis")}
    )
    assert class_at(territory, xy(WEST)) == "contested:syrian-gov:rebels"
    assert "rebels" not in territory.held
    areas = towns.areas_km2(territory)
    contested = areas["rebels"].contested_km2
    assert contested > 0
    assert areas["rebels"].area_km2 == pytest.approx(contested / 2)
    assert_partition(territory)


def test_a_besieged_town_keeps_a_core_and_the_besieger_holds_the_ground_around():
    town = place("town", 38.0, 35.0, rank=1)
    besieged = model([town], TerritoryRules(default_reach_km=30.0, lattice_km=40.0))
    territory = besieged.estimate({"town": state("town", "sdf", "besieged", "isis")})
    centre = xy(town)
    core = shapely.buffer(centre, 10_000, quad_segs=16)
    assert_same_shape(territory.held["sdf"], core)
    assert class_at(territory, Point(centre.x + 12_000, centre.y)) == "isis"
    assert class_at(territory, Point(centre.x + 50_000, centre.y)) == "isis"
    assert_partition(territory)


# ----------------------------------------------------------------------- explicit zones
def test_an_explicit_zone_takes_precedence_over_the_cells_it_covers():
    zone_lonlat = box(38.4, 34.6, 39.4, 35.4)  # over the eastern town and across the border
    zone = place("desert-zone", 0, 0, kind="zone", geometry=zone_lonlat)
    zoned = model([WEST, EAST, zone], TWO_TOWNS_RULES)
    territory = zoned.estimate(
        {
            "west": state("west", "isis"),
            "east": state("east", "sdf"),
            "desert-zone": state("desert-zone", "isis"),
        }
    )
    zone_in_aa = shapely.intersection(projected(zone_lonlat), COUNTRIES["AA"])
    assert shapely.intersection(territory.held["sdf"], zone_in_aa).area < 1e-4 * zone_in_aa.area
    assert shapely.difference(zone_in_aa, territory.held["isis"]).area < 1e-4 * zone_in_aa.area
    assert_partition(territory)  # the zone is cut to its country too


def test_a_province_fills_only_the_ground_the_places_leave_unclear():
    # reach 20 km: most of Alphaland is unclear between the two towns
    rules = TerritoryRules(default_reach_km=20.0)
    province_lonlat = box(37.0, 34.0, 38.5, 36.0)  # the west of Alphaland, over the ISIS town
    province = place("west-province", 0, 0, kind="province", geometry=province_lonlat)
    towns = [place("w", 37.3, 35.0), place("e", 38.7, 35.0)]
    states = {"w": state("w", "isis"), "e": state("e", "sdf")}
    plain = model(towns, rules).estimate(states)
    # the holder's id sorts before the towns' holders: where classes meet, the earlier wins, so
    # only the rule keeps the province off the towns' ground
    filled = model([*towns, province], rules).estimate(
        {**states, "west-province": state("west-province", "aa-gov")}
    )
    # the places' own ground is untouched
    assert_same_shape(filled.held["isis"], plain.held["isis"])
    assert_same_shape(filled.held["sdf"], plain.held["sdf"])
    # the unclear ground inside the province is its holder's, and only that
    unclear = shapely.difference(
        projected(province_lonlat), shapely.union_all([g for _, g in plain.geometries()])
    )
    assert_same_shape(filled.held["aa-gov"], unclear)
    assert class_at(filled, km_east(towns[0], 60)) == "aa-gov"  # 60 km from both towns
    # beyond the province and the reach: unclear
    assert class_at(filled, xy(place("north-east", 38.6, 35.6))) is None
    assert_partition(filled)


def test_where_provinces_overlap_the_earlier_by_rank_then_id_fills_the_ground():
    rules = TerritoryRules(default_reach_km=20.0)
    towns = [place("w", 37.3, 35.0), place("e", 38.7, 35.0)]
    first = place("a-province", 0, 0, kind="province", geometry=box(37.0, 34.0, 38.0, 36.0))
    second = place("b-province", 0, 0, kind="province", geometry=box(37.5, 34.0, 38.5, 36.0))
    states = {
        "w": state("w", "isis"),
        "e": state("e", "sdf"),
        # holders sorted the other way round from the provinces' ids
        "a-province": state("a-province", "zz-gov"),
        "b-province": state("b-province", "aa-gov"),
    }
    filled = model([*towns, first, second], rules).estimate(states)
    assert class_at(filled, xy(place("both", 37.75, 35.6))) == "zz-gov"
    assert class_at(filled, xy(place("b-only", 38.25, 35.6))) == "aa-gov"
    assert_partition(filled)


def test_a_zone_wins_over_a_province_and_a_province_without_holder_fills_nothing():
    rules = TerritoryRules(default_reach_km=20.0)
    province = place("all-aa", 0, 0, kind="province", geometry=AA_LONLAT)
    zone = place("zone", 0, 0, kind="zone", geometry=box(37.8, 34.8, 38.2, 35.2))
    west, east = place("w", 37.3, 35.0), place("e", 38.7, 35.0)
    built = model([west, east, province, zone], rules)
    towns = {"w": state("w", "isis"), "e": state("e", "sdf")}
    territory = built.estimate(
        {
            **towns,
            "all-aa": state("all-aa", "syrian-gov"),
            "zone": state("zone", "rebels"),
        }
    )
    assert class_at(territory, xy(place("c", 38.0, 35.0))) == "rebels"
    assert class_at(territory, xy(place("f", 38.0, 35.7))) == "syrian-gov"
    assert class_at(territory, xy(west)) == "isis"
    assert_partition(territory)
    no_holder = built.estimate(towns)
    assert set(no_holder.held) == {"isis", "sdf"}


def test_a_pickled_model_forgets_its_province_gaps_and_fills_them_again():
    import pickle

    rules = TerritoryRules(default_reach_km=20.0)
    province = place("all-aa", 0, 0, kind="province", geometry=AA_LONLAT)
    built = model([place("w", 37.3, 35.0), place("e", 38.7, 35.0), province], rules)
    states = {
        "w": state("w", "isis"),
        "e": state("e", "sdf"),
        "all-aa": state("all-aa", "syrian-gov"),
    }
    filled = built.estimate(states)
    assert built._unions._gaps  # remembered, keyed by the ids of this process's objects
    again = pickle.loads(pickle.dumps(built))
    assert not again._unions._gaps  # ids mean nothing in another process
    assert shapely.equals(again.estimate(states).held["syrian-gov"], filled.held["syrian-gov"])


def test_a_model_read_back_from_the_cache_still_knows_its_near_miss_cells():
    """Unions are snapped to the grid only near the cells where snapping changes them; a model
    read back from the cache (another process) must find those cells, not stale object ids."""
    from geomap.scenario.cache import _dumps, _loads
    from geomap.scenario.load import load_scenario
    from geomap.territory.areas import territory_model

    built = territory_model(load_scenario())
    again = _loads(_dumps(built))
    for before, after in zip(built._countries, again._countries, strict=True):
        assert before.near_misses  # the bundled countries have some: the check means something
        cells = {id(cell) for cell in after.cells if cell is not None}
        assert after.near_misses <= cells
        assert len(after.near_misses) == len(before.near_misses)


def test_a_zone_with_no_known_holder_leaves_the_cells_alone():
    zone = place("desert-zone", 0, 0, kind="zone", geometry=box(38.4, 34.6, 39.4, 35.4))
    zoned = model([WEST, EAST, zone], TWO_TOWNS_RULES)
    plain = model([WEST, EAST], TWO_TOWNS_RULES)
    states = {"west": state("west", "isis"), "east": state("east", "sdf")}
    assert shapely.equals(zoned.estimate(states).held["sdf"], plain.estimate(states).held["sdf"])


# ----------------------------------------------------------------------- invariants
def random_layout(seed: int):
    rng = np.random.default_rng(seed)
    kinds = ("city", "town", "dam", "airbase", "border-crossing")
    holders = ("isis", "sdf", "syrian-gov", "rebels")
    places, states = [], {}
    for index in range(30):
        country = "AA" if index % 3 else "BB"
        west = 37.0 if country == "AA" else 39.0
        lon, lat = west + rng.uniform(0.05, 1.95), rng.uniform(34.05, 35.95)
        new = place(
            f"p{index:02d}",
            lon,
            lat,
            kind=kinds[index % 5],
            country=country,
            rank=int(rng.integers(1, 5)),
        )
        places.append(new)
        status = ("held", "held", "contested", "besieged")[int(rng.integers(0, 4))]
        holder = holders[int(rng.integers(0, 4))]
        by = holders[(holders.index(holder) + 1) % 4] if status != "held" else None
        states[new.id] = state(new.id, holder, status, by)
    return places, states


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_areas_never_overlap_and_stay_inside_the_countries(seed):
    places, states = random_layout(seed)
    assert_partition(model(places).estimate(states))


def test_the_same_input_gives_the_same_polygons():
    places, states = random_layout(7)
    first = model(places).estimate(states)
    second = model(list(reversed(places))).estimate(dict(reversed(list(states.items()))))
    assert [key for key, _ in first.geometries()] == [key for key, _ in second.geometries()]
    for (_, a), (_, b) in zip(first.geometries(), second.geometries(), strict=True):
        assert shapely.to_wkb(a) == shapely.to_wkb(b)


def test_output_vertices_lie_on_the_grid():
    places, states = random_layout(4)
    for _, geometry in model(places).estimate(states).geometries():
        coords = shapely.get_coordinates(geometry)
        assert np.allclose(coords / GRID_M, np.round(coords / GRID_M), atol=1e-6)


# ----------------------------------------------------------------------- km²
def test_area_is_measured_equal_area_from_lon_lat():
    from pyproj import Geod

    square = projected(box(38.0, 34.0, 40.0, 36.0))
    geodesic, _ = Geod(ellps="WGS84").geometry_area_perimeter(to_lonlat(square, LCC))
    assert area_km2(square, LCC, EQUAL_AREA) == pytest.approx(abs(geodesic) / 1e6, rel=1e-4)
    # the conformal plane itself is off by its scale factor squared
    assert square.area / 1e6 != pytest.approx(abs(geodesic) / 1e6, rel=1e-3)


# ----------------------------------------------------------------------- scenario and CLI
def test_territory_rules_come_from_the_scenario(mini):
    text = mini.read_text()
    write(
        mini,
        text + "territory:\n  reach_km:\n    town: [12, 10]\n  besieged_core: 0.5\n"
        "  lattice_km: 20\n  front_ratio: 3\n",
    )
    rules = load_scenario(mini).territory
    assert rules.reach_m("town", 2) == 10_000
    assert rules.reach_m("city", 1) == 40_000  # kinds not named keep the default reach
    assert rules.besieged_core == 0.5
    assert (rules.lattice_km, rules.front_ratio) == (20, 3)


def test_bad_territory_rules_point_at_their_line(mini):
    text = mini.read_text()
    lines = text.count("\n")
    write(
        mini,
        text + "territory:\n  reach_km:\n    towns: 12\n    city: -5\n  besieged_core: 2\n"
        "  front_ratio: 1\n  lattice_km: lots\n",
    )
    with pytest.raises(InputError) as caught:
        load_scenario(mini)
    messages = [str(p) for p in caught.value.problems]
    assert any(
        m.endswith(
            f":{lines + 3}:5: unknown kind 'towns' in territory.reach_km (did you mean 'town'?)"
        )
        for m in messages
    )
    assert any(
        m.endswith(f":{lines + 4}:11: reach of 'city' must be positive km") for m in messages
    )
    assert any("besieged_core must be between 0 and 1" in m for m in messages)
    assert any(
        m.endswith(f":{lines + 6}:16: territory.front_ratio must be more than 1 (and at most 100)")
        for m in messages
    )
    assert any(
        m.endswith(f":{lines + 7}:15: territory.lattice_km must be a number, not text")
        for m in messages
    )


def test_area_command_prints_km2_per_faction_and_date(run, mini):
    result = run(
        "area", "--from", "2015-12", "--to", "2016-12", "--every", "year", "-s", mini, "-f", "json"
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [tuple(r) for r in records] == [AREA_KEYS] * len(records)
    by_key = {(r["date"], r["faction"]): r for r in records}
    assert sorted({r["date"] for r in records}) == ["2015-12-31", "2016-12-31"]
    peak = by_key[("2015-12-31", "isis")]
    # Raqqa and the ground around Kobani and Deir ez-Zor (both besieged by ISIS), each within the
    # 40 km reach: at most three 40 km discs
    assert 10_000 < peak["area_km2"] < 3 * math.pi * 40**2
    gov = by_key[("2015-12-31", "syrian-gov")]
    assert gov["area_km2"] == pytest.approx(gov["held_km2"] + gov["contested_km2"] / 2, abs=1)
    rebels = by_key[("2015-12-31", "rebels")]
    assert rebels["held_km2"] == 0 and rebels["contested_km2"] == gov["contested_km2"]


def test_area_after_raqqa_fell_is_the_ground_around_besieged_kobani(run, mini):
    result = run("area", "--from", "2017-11", "--to", "2017-11", "-s", mini, "-f", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ",".join(AREA_KEYS)
    isis = next(line for line in lines if ",isis," in line).split(",")
    # Kobani keeps a core of a third of the 40 km reach; ISIS holds the cells around it whose
    # seeds lie within the reach (a cell reaches at most a lattice step, 15 km, beyond its seed)
    core = math.pi * (40 / 3) ** 2
    assert math.pi * 40**2 / 2 < float(isis[3]) < math.pi * 55**2 - core
    assert isis[-1] == "0"  # the mini scenario has no settlements layer: nobody counted


def test_area_range_outside_the_timeline_is_an_input_error(run, mini):
    result = run("area", "--from", "2014-01", "--to", "2015-06", "-s", mini)
    assert result.exit_code == 1
    assert "outside the covered range 2015-01-01 to 2017-11-30" in result.stderr


# ----------------------------------------------------------------------- on the map
def test_the_map_fills_the_estimated_areas_under_the_markers(mini):
    from matplotlib.colors import to_hex

    from geomap.products.map import draw_day, make_canvas
    from geomap.render.layer import Z_AREA, Z_MARKER
    from geomap.render.symbology import AREA_ALPHA
    from geomap.scenario.style import load_style

    scenario = load_scenario(mini)
    style = load_style(scenario.style_path)
    canvas = make_canvas(scenario, style, size_px=(800, 600), dpi=100)
    draw_day(canvas, scenario, style, date(2015, 1, 31))
    areas = {a.get_gid(): a for a in canvas.ax.patches if (a.get_gid() or "").startswith("area-")}
    assert set(areas) == {
        "area-isis",
        "area-syrian-gov",
        "area-sdf",
        "area-contested-syrian-gov-rebels",
        "area-contested-hatch-rebels",
    }
    isis = areas["area-isis"]
    assert to_hex(isis.get_facecolor()) == "#6e6e6e"  # black faction, grey fill
    assert isis.get_alpha() == AREA_ALPHA and isis.get_zorder() == Z_AREA < Z_MARKER
    # contested ground: filled in the holder's colour, hatched in the attacker's over it (one
    # hatched patch per attacker, covering every class it contests)
    contested = areas["area-contested-syrian-gov-rebels"]
    held = areas["area-syrian-gov"]
    assert to_hex(contested.get_facecolor()) == to_hex(held.get_facecolor())
    assert not contested.get_hatch()
    hatch = areas["area-contested-hatch-rebels"]
    assert hatch.get_hatch() and to_hex(hatch.get_hatchcolor()) == "#7ccd3c"
    assert hatch.get_facecolor()[3] == 0 and hatch.get_alpha() == AREA_ALPHA
    assert np.array_equal(hatch.get_path().vertices, contested.get_path().vertices)
    subtitle = next(t for t in canvas.figure.texts if t.get_gid() == "subtitle")
    assert "areas are estimates" in subtitle.get_text()
    # the next frame replaces them: Aleppo is no longer contested, its class is gone
    draw_day(canvas, scenario, style, date(2017, 11, 30))
    gids = {a.get_gid() for a in canvas.ax.patches if (a.get_gid() or "").startswith("area-")}
    assert {"area-isis", "area-sdf", "area-syrian-gov"} <= gids
    assert "area-contested-syrian-gov-rebels" not in gids
    assert "area-contested-hatch-rebels" not in gids


# ----------------------------------------------------------------------- 5,000 places
def crowded_layout(count: int = 5000, seed: int = 13):
    """Many places with every awkward case at once: exact duplicates, places on the border
    between the two countries and on their outer edges, collinear rows (degenerate Voronoi
    cells), places a metre apart, and every status."""
    rng = np.random.default_rng(seed)
    holders = ("isis", "sdf", "syrian-gov", "rebels", "turkey")
    spots: list[tuple[float, float, str]] = []
    while len(spots) < count:
        kind = len(spots) % 10
        if kind == 0 and spots:  # an exact duplicate of an earlier place
            spots.append(spots[int(rng.integers(0, len(spots)))])
        elif kind == 1:  # on the border between Alphaland and Betaland
            spots.append(
                (39.0, float(rng.uniform(34.0, 36.0)), "AA" if rng.random() < 0.5 else "BB")
            )
        elif kind == 2:  # on an outer edge
            spots.append((float(rng.uniform(37.0, 39.0)), 34.0, "AA"))
        elif kind == 3:  # a collinear row along a parallel
            spots.append((float(37.0 + (len(spots) % 200) * 0.01), 35.5, "AA"))
        elif kind == 4 and spots:  # a metre from an earlier place
            lon, lat, country = spots[-1]
            spots.append((lon + 1e-5, lat, country))
        else:
            country = "AA" if rng.random() < 0.5 else "BB"
            west = 37.0 if country == "AA" else 39.0
            spots.append((west + float(rng.uniform(0, 2)), float(rng.uniform(34, 36)), country))
    places, states = [], {}
    for index in range(60):  # zones that overlap, share edges, or repeat one another
        lon, lat = 37.0 + (index % 6) * 0.25, 34.0 + (index // 6) * 0.2
        zone = place(
            f"z{index:02d}", 0, 0, kind="zone", geometry=box(lon, lat, lon + 0.5, lat + 0.2)
        )
        places.append(zone)
        states[zone.id] = state(zone.id, holders[index % len(holders)])
    for index, (lon, lat, country) in enumerate(spots):
        new = place(f"c{index:04d}", lon, lat, country=country, rank=1 + index % 4)
        places.append(new)
        status = ("held", "held", "held", "contested", "besieged")[index % 5]
        holder = holders[int(rng.integers(0, len(holders)))]
        by = holders[(holders.index(holder) + 1) % len(holders)] if status != "held" else None
        states[new.id] = state(new.id, holder, status, by)
    return places, states


def test_5000_places_with_duplicates_and_degenerate_cells_do_not_crash_the_union():
    # was: GEOSException "Overlay input is mixed-dimension" in the union of the classes
    places, states = crowded_layout()
    crowded = model(places)
    territory = crowded.estimate(states)
    assert {"isis", "sdf", "syrian-gov", "rebels", "turkey"} <= set(territory.factions)
    for _, geometry in territory.geometries():
        assert geometry.geom_type in ("Polygon", "MultiPolygon") and geometry.is_valid
    assert_partition(territory)
    # every km² of both countries has a class: places are everywhere, all within reach
    covered = sum(geometry.area for _, geometry in territory.geometries())
    land = sum(outline.area for outline in COUNTRIES.values())
    assert covered == pytest.approx(land, rel=1e-4)


def test_area_by_country_adds_the_country_column(run, mini):
    result = run(
        "area", "--from", "2015-12", "--to", "2015-12", "--by", "country", "-s", mini, "-f", "csv"
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("date,country,faction,name,area_km2,held_km2,contested_km2,population")
    rows = [line.split(",") for line in lines[1:]]
    assert {row[1] for row in rows} == {"AA"}  # the mini scenario's only focus country
    by_faction = {row[2]: row for row in rows}
    overall = run("area", "--from", "2015-12", "--to", "2015-12", "-s", mini, "-f", "csv")
    for line in overall.stdout.splitlines()[1:]:
        fields = line.split(",")
        # all of the mini scenario's places lie in AA: the same figures, with the country
        assert by_faction[fields[1]][3:] == fields[2:]


def test_settlements_and_the_lattice_give_the_same_polygons_whatever_the_input_order():
    places, states = random_layout(11)
    rng = np.random.default_rng(11)
    villages = [
        settlement(f"v{i}", 37.05 + rng.uniform(0, 3.9), 34.05 + rng.uniform(0, 1.9), i * 10)
        for i in range(60)
    ]

    def estimate(order):
        towns = TerritoryModel(
            {p.id: p for p in order(places)},
            COUNTRIES,
            LCC,
            TerritoryRules(),
            EQUAL_AREA,
            settlements=order(villages),
        )
        return towns.estimate(states)

    first, second = estimate(list), estimate(lambda items: list(reversed(items)))
    assert [k for k, _ in first.geometries()] == [k for k, _ in second.geometries()]
    for (_, a), (_, b) in zip(first.geometries(), second.geometries(), strict=True):
        assert shapely.to_wkb(a) == shapely.to_wkb(b)
