"""The knobs of the territory estimate, read from a scenario's optional ``territory:`` section."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geomap.errors import Location, ProblemLog
from geomap.io.schema import check_keys, did_you_mean, expect_map, type_name
from geomap.scenario.places import KINDS

FACILITIES = ("airbase", "border-crossing", "dam", "oilfield", "refinery")
"""Kinds of place that are a site, not a settlement: holding one says who holds its perimeter,
not the district around it (airbases held for years under siege, border posts in empty desert)."""

FACILITY_REACH_KM = 15.0
"""The reach of a facility (km): its perimeter, the range of a garrison's guns and patrols, and
the step of the desert lattice (the finest the open ground is cut)."""

DEFAULT_REACH_KM: dict[str, tuple[float, ...]] = {kind: (FACILITY_REACH_KM,) for kind in FACILITIES}
"""How far (km) a sourced place speaks for the ground around it, by kind; entry *i* is for rank
*i + 1* and the last entry holds for every higher rank. Kinds not listed (towns, cities,
villages) have ``default_reach_km``; a scenario's ``territory.reach_km`` overrides by kind."""

TERRITORY_KEYS = ("reach_km", "default_reach_km", "besieged_core", "lattice_km", "front_ratio")


@dataclass(frozen=True)
class TerritoryRules:
    """The knobs of the estimate, read from the scenario's optional ``territory:`` section."""

    reach_km: Mapping[str, tuple[float, ...]] = field(
        default_factory=lambda: dict(DEFAULT_REACH_KM)
    )
    default_reach_km: float = 40.0
    besieged_core: float = 1 / 3
    lattice_km: float = 15.0
    front_ratio: float = 2.0

    def reach_m(self, kind: str, rank: int) -> float:
        """The reach of a place of ``kind`` and ``rank``, in metres."""
        values = self.reach_km.get(kind)
        if not values:
            return self.default_reach_km * 1000.0
        return values[min(max(rank, 1), len(values)) - 1] * 1000.0


def territory_rules(value: Any, log: ProblemLog, fallback: Location | None) -> TerritoryRules:
    """Rules from a scenario's ``territory:`` mapping (None gives the defaults); problems go to
    ``log`` with their locations."""
    rules = TerritoryRules()
    if value is None:
        return rules
    mapping = expect_map(value, log, fallback, "'territory'")
    if mapping is None:
        return rules
    check_keys(mapping, TERRITORY_KEYS, log, "territory")
    reach = dict(rules.reach_km)
    default_reach = rules.default_reach_km
    core = rules.besieged_core
    lattice, ratio = rules.lattice_km, rules.front_ratio
    for key in ("lattice_km", "front_ratio"):
        if key in mapping:
            raw = mapping[key]
            where = getattr(raw, "loc", _loc(mapping, key, fallback))
            try:
                number = float(raw)
            except (TypeError, ValueError):
                log.add(where, f"territory.{key} must be a number, not {type_name(raw)}")
                continue
            if key == "lattice_km":
                if not 1 <= number <= 1000:
                    log.add(where, "territory.lattice_km must be between 1 and 1000 (km)")
                else:
                    lattice = number
            elif not 1 < number <= 100:
                log.add(where, "territory.front_ratio must be more than 1 (and at most 100)")
            else:
                ratio = number
    if "reach_km" in mapping:
        where = _loc(mapping, "reach_km", fallback)
        entries = expect_map(mapping["reach_km"], log, where, "'territory.reach_km'")
        for kind, raw in (entries or {}).items():
            kind_loc = _loc(entries, kind, where)
            if kind not in KINDS:
                log.add(
                    kind_loc,
                    f"unknown kind '{kind}' in territory.reach_km{did_you_mean(kind, KINDS)}",
                )
                continue
            items = raw if isinstance(raw, list) else [raw]
            numbers = _positive_numbers(items, log, getattr(raw, "loc", kind_loc), kind)
            if numbers:
                reach[kind] = tuple(numbers)
    if "default_reach_km" in mapping:
        raw = mapping["default_reach_km"]
        numbers = _positive_numbers(
            [raw], log, getattr(raw, "loc", _loc(mapping, "default_reach_km", fallback)), "default"
        )
        if numbers:
            default_reach = numbers[0]
    if "besieged_core" in mapping:
        raw = mapping["besieged_core"]
        where = getattr(raw, "loc", _loc(mapping, "besieged_core", fallback))
        try:
            core = float(raw)
        except (TypeError, ValueError):
            log.add(where, f"territory.besieged_core must be a number, not {type_name(raw)}")
        else:
            if not 0 < core < 1:
                log.add(
                    where, "territory.besieged_core must be between 0 and 1 (a share of the reach)"
                )
                core = rules.besieged_core
    return TerritoryRules(reach, default_reach, core, lattice, ratio)


def _loc(mapping: Any, key: str, fallback: Location | None) -> Location | None:
    return mapping.key_loc(key) if hasattr(mapping, "key_loc") else fallback


def _positive_numbers(items: list, log: ProblemLog, where, kind: str) -> list[float]:
    try:
        numbers = [float(item) for item in items]
    except (TypeError, ValueError):
        log.add(where, f"reach of '{kind}' must be a number of km or a list of them (by rank)")
        return []
    if not numbers or any(not np.isfinite(n) or n <= 0 for n in numbers):
        log.add(where, f"reach of '{kind}' must be positive km")
        return []
    return numbers
