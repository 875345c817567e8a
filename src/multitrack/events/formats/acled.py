"""ACLED CSV exports (comma-separated, double-quoted, header row).

Columns: ``acled_event_columns.txt`` (31, from ACLED's R package). ACLED has no CAMEO codes
or Goldstein scores: event and sub-event types map to a CAMEO code through ``acled_cameo.csv``,
the quad class follows that code's root and the Goldstein score is the CAMEO code's.
"""

from __future__ import annotations

from multitrack.events.formats.base import (
    Check,
    EventFormat,
    Layout,
    Scheme,
    q,
    quad_from_root,
    text,
)

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)

_DATE = (
    f"coalesce(try_strptime({q('event_date')}, '%Y-%m-%d'), "
    f"try_strptime({q('event_date')}, '%d %B %Y'))"
)


def _state_of(actor: str) -> str:
    """The country in a state-forces actor name: "Military Forces of Nigeria (2015-)"."""
    return f"nullif(regexp_extract({q(actor)}, 'Forces of (.+?)(?: \\(|$)', 1), '')"


_CODE = f"ref_acled_cameo_cameo_code({q('event_type')}, {q('sub_event_type')})"


class AcledFormat(EventFormat):
    def projection(self, layout: Layout) -> dict[str, str]:
        return {
            "event_id": text("event_id_cnty"),
            "date": f"{_DATE}::DATE",
            "source_code": "NULL",
            "source_name": text("actor1"),
            "source_country": f"ref_acled_countries_iso3({_state_of('actor1')})",
            "target_code": "NULL",
            "target_name": text("actor2"),
            "target_country": f"ref_acled_countries_iso3({_state_of('actor2')})",
            "event_code": _CODE,
            "root_code": f"left({_CODE}, 2)",
            "quad_class": quad_from_root(f"left({_CODE}, 2)"),
            "goldstein": f"ref_cameo_events_goldstein({_CODE})",
            "mentions": "NULL",
            "sources": (
                f"CASE WHEN {text('source')} IS NULL THEN NULL ELSE "
                f"len(string_split({q('source')}, ';'))::INTEGER END"
            ),
            "place_country": (
                f"coalesce(ref_iso_numeric_iso3(TRY_CAST({q('iso')} AS INTEGER)::VARCHAR), "
                f"ref_acled_countries_iso3({q('country')}))"
            ),
            "lat": f"TRY_CAST({q('latitude')} AS DOUBLE)",
            "lon": f"TRY_CAST({q('longitude')} AS DOUBLE)",
            "source_url": "NULL",
        }

    def checks(self, layout: Layout) -> list[Check]:
        return [
            Check(f"{text('event_id_cnty')} IS NULL", "'missing event id'"),
            Check(
                f"{_DATE} IS NULL",
                f"'bad date: ' || coalesce('''' || {text('event_date')} || '''', 'empty')",
            ),
            Check(
                f"{_CODE} IS NULL",
                f"'unknown ACLED event type: ''' || coalesce({q('event_type')}, '') || "
                f"' / ' || coalesce({q('sub_event_type')}, '') || ''''",
            ),
        ]


ACLED = AcledFormat(
    name="acled",
    title="ACLED events (CSV export)",
    scheme=Scheme.ACLED,
    layouts=(Layout("export (31)", COLUMNS),),
    delimiter=",",
    header=True,
    quote='"',
    notes=(
        "No ACLED rows are shipped or tested from real data: tests build rows from the codebook.",
        "source_country/target_country are set only for state forces ('... Forces of X (...)').",
        "sources = number of ';'-separated names in the source column.",
    ),
)
