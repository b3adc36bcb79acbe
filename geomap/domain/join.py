"""Join resolved states onto places: the rows a map draws and a table prints (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from geomap.domain.model import Citation, Place, PlaceState

STATE_KEYS = (
    "id",
    "name",
    "aliases",
    "kind",
    "country",
    "lon",
    "lat",
    "holder",
    "status",
    "by",
    "since",
    "sources",
)


@dataclass(frozen=True)
class PlaceOnMap:
    """A place with its state on the map's day; ``stale`` when the claim is old."""

    place: Place
    state: PlaceState
    stale: bool


def join_states(
    places: Mapping[str, Place],
    states: Mapping[str, PlaceState],
    day: date,
    stale_after_days: int | None = None,
) -> list[PlaceOnMap]:
    """Every place with its state on ``day``, most important first (rank, then id)."""
    joined = []
    for place in sorted(places.values(), key=lambda p: (p.rank, p.id)):
        state = states.get(place.id) or PlaceState(place.id, None, "unknown", None, None, ())
        claimed = state.asserted or state.since
        stale = bool(
            stale_after_days and claimed is not None and (day - claimed).days > stale_after_days
        )
        joined.append(PlaceOnMap(place, state, stale))
    return joined


def state_record(item: PlaceOnMap, citations: Mapping[str, Citation]) -> dict:
    """The machine-readable answer to "who held this place on that day"."""
    place, state = item.place, item.state
    lon, lat = place.lonlat
    return {
        "id": place.id,
        "name": place.name,
        "aliases": list(place.aliases),
        "kind": place.kind,
        "country": place.country,
        "lon": round(lon, 6),
        "lat": round(lat, 6),
        "holder": state.holder,
        "status": state.status,
        "by": state.by,
        "since": state.since.isoformat() if state.since else None,
        "sources": [citations[s].as_dict() if s in citations else {"id": s} for s in state.sources],
    }
