"""Areas of control of a scenario over time: build the territory model once, then one estimate
per date (no matplotlib; the map and the chart draw what this returns)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from geomap.scenario.load import Scenario
from geomap.territory.measure import FactionArea, equal_area_crs
from geomap.territory.model import Settlement, Territory, TerritoryModel

AREA_KEYS = (
    "date",
    "faction",
    "name",
    "area_km2",
    "held_km2",
    "contested_km2",
    "population",
)
COUNTRY_AREA_KEYS = ("date", "country", *AREA_KEYS[1:])
AREA_NOTE = "shaded areas are estimates from the places held"


def countries_of(scenario: Scenario, layer=None) -> dict[str, Any] | None:
    """Country outlines in map metres by id, from ``layer`` (a loaded basemap layer) or the
    scenario's countries file; None when the scenario has no countries layer."""
    if layer is None:
        path = scenario.basemap.get("countries")
        if path is None:
            return None
        from geomap.scenario.basemap import NO_FIELDS, load_layer

        fields = scenario.basemap_fields.get("countries", NO_FIELDS)
        layer = load_layer(path, "countries", scenario.projection, fields)
    return dict(zip(layer.ids, layer.geometries, strict=True))


def settlements_of(scenario: Scenario, layer=None) -> list[Settlement]:
    """The settlements of the scenario's ``settlements`` layer (map metres), from ``layer`` (a
    loaded basemap layer) or the file; none when the scenario has no such layer."""
    if layer is None:
        path = scenario.basemap.get("settlements")
        if path is None:
            return []
        from geomap.scenario.basemap import NO_FIELDS, load_layer

        fields = scenario.basemap_fields.get("settlements", NO_FIELDS)
        layer = load_layer(path, "settlements", scenario.projection, fields)
    return [
        Settlement(id_, point, population)
        for id_, point, population in zip(
            layer.ids, layer.geometries, layer.populations, strict=True
        )
    ]


def territory_model(
    scenario: Scenario, countries_layer=None, settlements_layer=None
) -> TerritoryModel:
    """The territory model of ``scenario`` (the slow part: done once for a whole series)."""
    return TerritoryModel(
        scenario.places,
        countries_of(scenario, countries_layer),
        scenario.projection,
        scenario.territory,
        equal_area=equal_area_crs(scenario.extent_lonlat),
        settlements=settlements_of(scenario, settlements_layer),
    )


def estimate_on(scenario: Scenario, model: TerritoryModel, day: date) -> Territory:
    """The estimated areas of control on ``day``."""
    return model.estimate(scenario.timeline.state_at(day, scenario.places))


def area_series(
    scenario: Scenario,
    days: Iterable[date],
    model: TerritoryModel | None = None,
    country: str | None = None,
) -> list[tuple[date, dict[str, FactionArea]]]:
    """Km² and people per faction on each of ``days`` (only in ``country`` if given)."""
    model = model or territory_model(scenario)
    return [(day, model.areas_km2(estimate_on(scenario, model, day), country)) for day in days]


def country_area_records(
    scenario: Scenario, days: Iterable[date], model: TerritoryModel | None = None
) -> list[dict]:
    """:func:`area_records` per country of the scenario's focus (or of the countries layer),
    with a ``country`` column after the date."""
    model = model or territory_model(scenario)
    days = list(days)
    territories = [(day, estimate_on(scenario, model, day)) for day in days]
    codes = [c for c in scenario.focus_countries if c in model.countries] or sorted(model.countries)
    by_country = {
        code: [(day, model.areas_km2(territory, code)) for day, territory in territories]
        for code in codes
    }
    tables = {code: area_records(scenario, by_country[code]) for code in codes}
    records = []
    for index in range(len(days)):
        for code in codes:
            width = len(tables[code]) // len(days)
            for record in tables[code][index * width : (index + 1) * width]:
                records.append({"date": record["date"], "country": code, **record})
    return records


def area_records(
    scenario: Scenario, series: list[tuple[date, Mapping[str, FactionArea]]]
) -> list[dict]:
    """One record per date and faction (every faction with ground on any of the dates, in the
    scenario's order; zero on dates it has none), km² rounded to whole numbers."""
    present = {faction for _, areas in series for faction in areas}
    order = [f for f in scenario.factions if f in present]
    order += sorted(present - set(order))
    records = []
    for day, areas in series:
        for faction in order:
            area = areas.get(faction) or FactionArea(faction, 0.0, 0.0)
            known = scenario.factions.get(faction)
            records.append(
                {
                    "date": day.isoformat(),
                    "faction": faction,
                    "name": known.name if known else faction,
                    "area_km2": round(area.area_km2),
                    "held_km2": round(area.held_km2),
                    "contested_km2": round(area.contested_km2),
                    "population": round(area.population),
                }
            )
    return records
