"""ICEWS coded event data: tab-separated release files with a header row.

Column order from ``icews_event_columns.txt`` (philip-schrodt/ICEWS-to-jsonl): layout A (24
columns, before June 2020, no CAMEO code: the code comes from the "Event Text" label through
``icews_labels.csv``), layout B (a "CAMEO Code" column after "Event Text"), with or without a
trailing "Language" column. Country names map to ISO3 through ``icews_countries.csv``.
"""

from __future__ import annotations

from multitrack.events.formats.base import (
    Check,
    EventFormat,
    Layout,
    Scheme,
    cameo_checks,
    q,
    quad_from_root,
    text,
)

_A = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Event Sentence",
    "Publisher",
    "Source",
    "Headline",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
    "Product ID",
    "Holding ID",
)
_B = (*_A[:6], "CAMEO Code", *_A[6:])

LAYOUT_A = Layout("A (24, no CAMEO Code)", _A)
LAYOUT_B = Layout("B (25, CAMEO Code)", _B)
LAYOUT_B_LANGUAGE = Layout("B (26, CAMEO Code + Language)", (*_B, "Language"))

_DATE = (
    f"coalesce(try_strptime({q('Event Date')}, '%Y-%m-%d'), "
    f"try_strptime({q('Event Date')}, '%Y%m%d'))"
)


class IcewsFormat(EventFormat):
    def _code(self, layout: Layout) -> str:
        if "CAMEO Code" in layout.columns:
            # Release files may write codes as integers (42 for 042): as given, then with a 0.
            raw = text("CAMEO Code")
            return (
                f"(CASE WHEN ref_cameo_events_has({raw}) THEN {raw} "
                f"WHEN ref_cameo_events_has('0' || {raw}) THEN '0' || {raw} END)"
            )
        return f"ref_icews_labels_code({text('Event Text')})"

    def projection(self, layout: Layout) -> dict[str, str]:
        code = self._code(layout)
        return {
            "event_id": text("Event ID"),
            "date": f"{_DATE}::DATE",
            "source_code": "NULL",
            "source_name": text("Source Name"),
            "source_country": f"ref_icews_countries_iso3({q('Source Country')})",
            "target_code": "NULL",
            "target_name": text("Target Name"),
            "target_country": f"ref_icews_countries_iso3({q('Target Country')})",
            "event_code": code,
            "root_code": f"left({code}, 2)",
            "quad_class": quad_from_root(f"left({code}, 2)"),
            "goldstein": f"TRY_CAST({q('Intensity')} AS DOUBLE)",
            "mentions": "NULL",
            "sources": "NULL",
            "place_country": f"ref_icews_countries_iso3({q('Country')})",
            "lat": f"TRY_CAST({q('Latitude')} AS DOUBLE)",
            "lon": f"TRY_CAST({q('Longitude')} AS DOUBLE)",
            "source_url": "NULL",
        }

    def checks(self, layout: Layout) -> list[Check]:
        raw = text("CAMEO Code") if "CAMEO Code" in layout.columns else text("Event Text")
        label = "CAMEO Code" if "CAMEO Code" in layout.columns else "Event Text"
        checks = cameo_checks(
            event_id=text("Event ID"), date_expr=_DATE, date_raw=text("Event Date"), code=raw
        )
        checks[2] = Check(
            f"{self._code(layout)} IS NULL",
            f"'unknown {label}: ' || coalesce('''' || {raw} || '''', 'empty')",
        )
        checks.append(
            Check(
                f"TRY_CAST({q('Intensity')} AS DOUBLE) IS NULL "
                f"OR TRY_CAST({q('Intensity')} AS DOUBLE) NOT BETWEEN -10 AND 10",
                f"'bad Intensity: ' || coalesce('''' || {q('Intensity')} || '''', 'empty')",
            )
        )
        return checks


ICEWS = IcewsFormat(
    name="icews",
    title="ICEWS coded events (release .tab files)",
    scheme=Scheme.CAMEO,
    layouts=(LAYOUT_A, LAYOUT_B, LAYOUT_B_LANGUAGE),
    delimiter="\t",
    header=True,
    notes=(
        "Intensity is ICEWS's CAMEO-based score (-10..10): stored as goldstein.",
        "Country names map to ISO3 through the ICEWS crosswalk (countrynames-DEDI.txt).",
    ),
)
