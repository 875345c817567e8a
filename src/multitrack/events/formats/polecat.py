"""POLECAT / PLOVER events: tab-separated, header row of PLOVER field names.

Built from the PLOVER manual's "Data Fields" chapter (the JSON record flattened: one column per
top-level field, the first actor and recipient, the event location): **no real POLECAT rows
exist in this repository's reference data**, and the exact header of POLECAT's Dataverse files
was not verified. Event categories map to a CAMEO-like root and the manual's quad category
through ``plover_events.csv``; ``event_scale`` is used as the Goldstein-like score when given,
else the manual's PLOVER score for the category and mode (``plover_modes.csv``).
"""

from __future__ import annotations

from multitrack.events.formats.base import (
    Check,
    EventFormat,
    Layout,
    Scheme,
    q,
    text,
)

COLUMNS = (
    "id",
    "date",
    "actor",
    "actor_country",
    "actor_sector",
    "recipient",
    "recipient_country",
    "recipient_sector",
    "event",
    "mode",
    "context",
    "quad_code",
    "event_scale",
    "event_loc",
    "event_loc_country",
    "event_loc_lat",
    "event_loc_lon",
    "link",
    "coder",
)


def _country(column: str) -> str:
    """ISO3 as given ("DEU") or a country name through the ICEWS crosswalk ("Germany")."""
    return (
        f"CASE WHEN regexp_full_match({text(column)}, '[A-Z]{{3}}') THEN {text(column)} "
        f"ELSE ref_icews_countries_iso3({text(column)}) END"
    )


_EVENT = f"upper({text('event')})"
_KNOWN = f"(CASE WHEN ref_plover_events_has({_EVENT}) THEN {_EVENT} END)"


class PolecatFormat(EventFormat):
    def projection(self, layout: Layout) -> dict[str, str]:
        return {
            "event_id": text("id"),
            "date": f"try_strptime({q('date')}, '%Y-%m-%d')::DATE",
            "source_code": text("actor_sector"),
            "source_name": text("actor"),
            "source_country": _country("actor_country"),
            "target_code": text("recipient_sector"),
            "target_name": text("recipient"),
            "target_country": _country("recipient_country"),
            "event_code": _KNOWN,
            "root_code": f"ref_plover_events_root_code({_EVENT})",
            "quad_class": (
                f"coalesce(TRY_CAST({q('quad_code')} AS TINYINT), "
                f"ref_plover_events_quad_class({_EVENT}))"
            ),
            "goldstein": (
                f"coalesce(TRY_CAST({q('event_scale')} AS DOUBLE), "
                f"ref_plover_modes_score({_EVENT}, lower({text('mode')})), "
                f"ref_plover_events_score({_EVENT}))"
            ),
            "mentions": "NULL",
            "sources": "NULL",
            "place_country": _country("event_loc_country"),
            "lat": f"TRY_CAST({q('event_loc_lat')} AS DOUBLE)",
            "lon": f"TRY_CAST({q('event_loc_lon')} AS DOUBLE)",
            "source_url": text("link"),
        }

    def checks(self, layout: Layout) -> list[Check]:
        return [
            Check(f"{text('id')} IS NULL", "'missing event id'"),
            Check(
                f"try_strptime({q('date')}, '%Y-%m-%d') IS NULL",
                f"'bad date: ' || coalesce('''' || {text('date')} || '''', 'empty')",
            ),
            Check(
                f"{_KNOWN} IS NULL",
                f"'unknown PLOVER event: ' || coalesce('''' || {text('event')} || '''', 'empty')",
            ),
        ]


POLECAT = PolecatFormat(
    name="polecat",
    title="POLECAT / PLOVER events (tab-separated, PLOVER field names)",
    scheme=Scheme.PLOVER,
    layouts=(Layout("PLOVER fields (19)", COLUMNS),),
    delimiter="\t",
    header=True,
    notes=("No real POLECAT rows exist here: the layout is built from the PLOVER manual.",),
)
