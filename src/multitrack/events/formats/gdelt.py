"""GDELT 1.0 and 2.0 event files (tab-separated, no header, no quoting).

Column names are GDELT's (``GDELT_1.0_event_Column_Labels_Header_Row_Sep2016.tsv`` and
``GDELT_2.0_Events_Column_Labels_Header_Row_Sep2016.csv``). GDELT 1.0 historical backfiles have
57 columns (no ``SOURCEURL``), daily files 58; GDELT 2.0 export files 61 (``*_ADM2Code`` added).
"""

from __future__ import annotations

from multitrack.events.formats.base import (
    Check,
    EventFormat,
    Layout,
    Scheme,
    cameo_checks,
    q,
    text,
)

_ACTOR = (
    "Code",
    "Name",
    "CountryCode",
    "KnownGroupCode",
    "EthnicCode",
    "Religion1Code",
    "Religion2Code",
    "Type1Code",
    "Type2Code",
    "Type3Code",
)
_EVENT = (
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
)


def _geo(prefix: str, *, adm2: bool) -> tuple[str, ...]:
    names = ["Type", "FullName", "CountryCode", "ADM1Code"]
    if adm2:
        names.append("ADM2Code")
    names += ["Lat", "Long", "FeatureID"]
    return tuple(f"{prefix}Geo_{n}" for n in names)


def _columns(*, adm2: bool, url: bool) -> tuple[str, ...]:
    return (
        ("GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate")
        + tuple(f"Actor1{n}" for n in _ACTOR)
        + tuple(f"Actor2{n}" for n in _ACTOR)
        + _EVENT
        + _geo("Actor1", adm2=adm2)
        + _geo("Actor2", adm2=adm2)
        + _geo("Action", adm2=adm2)
        + ("DATEADDED",)
        + (("SOURCEURL",) if url else ())
    )


GDELT1_HISTORICAL = Layout("historical (57)", _columns(adm2=False, url=False))
GDELT1_DAILY = Layout("daily (58)", _columns(adm2=False, url=True))
GDELT2_EXPORT = Layout("export (61)", _columns(adm2=True, url=True))


class GdeltFormat(EventFormat):
    def projection(self, layout: Layout) -> dict[str, str]:
        date = f"try_strptime({q('SQLDATE')}, '%Y%m%d')::DATE"
        return {
            "event_id": text("GLOBALEVENTID"),
            "date": date,
            "source_code": text("Actor1Code"),
            "source_name": text("Actor1Name"),
            "source_country": text("Actor1CountryCode"),
            "target_code": text("Actor2Code"),
            "target_name": text("Actor2Name"),
            "target_country": text("Actor2CountryCode"),
            "event_code": text("EventCode"),
            "root_code": text("EventRootCode"),
            "quad_class": f"TRY_CAST({q('QuadClass')} AS TINYINT)",
            "goldstein": f"TRY_CAST({q('GoldsteinScale')} AS DOUBLE)",
            "mentions": f"TRY_CAST({q('NumMentions')} AS INTEGER)",
            "sources": f"TRY_CAST({q('NumSources')} AS INTEGER)",
            "place_country": f"ref_fips_iso3_iso3({q('ActionGeo_CountryCode')})",
            "lat": f"TRY_CAST({q('ActionGeo_Lat')} AS DOUBLE)",
            "lon": f"TRY_CAST({q('ActionGeo_Long')} AS DOUBLE)",
            "source_url": text("SOURCEURL") if "SOURCEURL" in layout.columns else "NULL",
        }

    def checks(self, layout: Layout) -> list[Check]:
        event_id = text("GLOBALEVENTID")
        return [
            *cameo_checks(
                event_id=event_id,
                date_expr=f"try_strptime({q('SQLDATE')}, '%Y%m%d')",
                date_raw=text("SQLDATE"),
                code=text("EventCode"),
                label="EventCode",
            ),
            Check(
                f"TRY_CAST({q('QuadClass')} AS TINYINT) NOT BETWEEN 1 AND 4 "
                f"OR TRY_CAST({q('QuadClass')} AS TINYINT) IS NULL",
                f"'bad QuadClass: ''' || {q('QuadClass')} || ''''",
            ),
            Check(
                f"TRY_CAST({q('GoldsteinScale')} AS DOUBLE) NOT BETWEEN -10 AND 10 "
                f"OR (TRY_CAST({q('GoldsteinScale')} AS DOUBLE) IS NULL "
                f"AND {text('GoldsteinScale')} IS NOT NULL)",
                f"'bad GoldsteinScale: ''' || {q('GoldsteinScale')} || ''''",
            ),
        ]


_FIPS_JOIN = 'LEFT JOIN ref_fips_iso3 fips ON fips.fips = src."ActionGeo_CountryCode"'
_NOTES = (
    "Actor1CountryCode/Actor2CountryCode are CAMEO country codes (ISO alpha-3 where one "
    "exists, plus regional codes such as AFR, EUR, WSB): stored as given.",
    "ActionGeo_CountryCode is FIPS 10-4: mapped to ISO alpha-3 through fips_iso3.csv.",
)

GDELT1 = GdeltFormat(
    name="gdelt1",
    title="GDELT 1.0 events",
    scheme=Scheme.CAMEO,
    layouts=(GDELT1_HISTORICAL, GDELT1_DAILY),
    delimiter="\t",
    header=False,
    padded=True,
    notes=_NOTES,
)

GDELT2 = GdeltFormat(
    name="gdelt2",
    title="GDELT 2.0 events (export)",
    scheme=Scheme.CAMEO,
    layouts=(GDELT2_EXPORT,),
    delimiter="\t",
    header=False,
    notes=_NOTES,
)
