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
    PolarsPlan,
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

    def polars_plan(self, layout: Layout) -> PolarsPlan | None:
        """The projection and checks above in polars. Numbers are parsed by polars' CSV reader
        (a value it cannot read fails the pass, and DuckDB's path decides); a row is good only
        where both surely agree: an 8-digit SQLDATE, QuadClass 1-4, Goldstein in -10..10."""
        import polars as pl

        from multitrack.events import reference

        c = pl.col
        sqldate = c("SQLDATE")
        date = sqldate.str.strptime(pl.Date, "%Y%m%d", strict=False)
        numbers = {
            "quad_class": ("QuadClass", pl.Int8),
            "goldstein": ("GoldsteinScale", pl.Float64),
            "mentions": ("NumMentions", pl.Int32),
            "sources": ("NumSources", pl.Int32),
            "lat": ("ActionGeo_Lat", pl.Float64),
            "lon": ("ActionGeo_Long", pl.Float64),
        }
        fips = {r["fips"]: r["iso3"] for r in reference.rows("fips_iso3") if r["iso3"]}
        texts = {
            "event_id": "GLOBALEVENTID",
            "source_code": "Actor1Code",
            "source_name": "Actor1Name",
            "source_country": "Actor1CountryCode",
            "target_code": "Actor2Code",
            "target_name": "Actor2Name",
            "target_country": "Actor2CountryCode",
            "event_code": "EventCode",
            "root_code": "EventRootCode",
        }
        columns: dict[str, pl.Expr] = {name: c(raw) for name, raw in texts.items()}
        columns["date"] = date
        columns.update({name: c(raw) for name, (raw, _) in numbers.items()})
        # a lookup by position (an Enum of the keys): ``replace_strict`` would hold the whole
        # column in memory, this streams; an unknown key gives NULL, as DuckDB's macro does.
        # The result is an Enum too (written as a dictionary-encoded string column, read back
        # as text by every engine): gathering small integers is cheaper than copying strings.
        position = c("ActionGeo_CountryCode").cast(pl.Enum(list(fips)), strict=False)
        iso3 = pl.Series(list(fips.values()), dtype=pl.Enum(sorted(set(fips.values()))))
        columns["place_country"] = pl.lit(iso3).gather(position.to_physical())
        columns["source_url"] = (
            c("SOURCEURL") if "SOURCEURL" in layout.columns else pl.lit(None, pl.String)
        )
        cameo = pl.Enum(sorted(reference.cameo_codes()))
        good = (
            c(self.needed_column(layout)).is_not_null()
            & c("GLOBALEVENTID").is_not_null()
            & (sqldate.str.len_bytes() == 8)
            & date.is_not_null()
            # membership as a cast to an Enum of the codes: cheaper than ``is_in`` on text
            & c("EventCode").cast(cameo, strict=False).is_not_null()
            & c("QuadClass").is_between(1, 4)
            & (c("GoldsteinScale").is_null() | c("GoldsteinScale").is_between(-10.0, 10.0))
        )
        return PolarsPlan(
            columns=columns, good=good, types={raw: kind for raw, kind in numbers.values()}
        )


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
