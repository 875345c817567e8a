"""The vendored code tables (``events/data/*.csv``) and their lookups in DuckDB.

Each table becomes, on a connection, an ENUM type of its keys and one scalar macro per value
column: ``ref_<table>_<column>(key...)`` (NULL for an unknown key) and ``ref_<table>_has(key...)``.
A lookup is ``list[enum_code(TRY_CAST(key AS enum)) + 1]``: O(1), and — unlike a join — it keeps
the row order of the CSV scan, which ingest relies on to number lines. Every table is small
(< 400 rows) and documented in ``events/data/PROVENANCE.md``; keys are unique (tested).
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib.resources import files

import duckdb

#: table -> (key columns, {value column: DuckDB type})
TABLES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "cameo_events": (("code",), {"goldstein": "DOUBLE", "description": "VARCHAR"}),
    "fips_iso3": (("fips",), {"iso3": "VARCHAR"}),
    "icews_countries": (("name",), {"iso3": "VARCHAR"}),
    "icews_labels": (("label",), {"code": "VARCHAR"}),
    "iso_numeric": (("numeric",), {"iso3": "VARCHAR"}),
    "acled_countries": (("name",), {"iso3": "VARCHAR"}),
    "acled_cameo": (("event_type", "sub_event_type"), {"cameo_code": "VARCHAR"}),
    "plover_events": (
        ("event",),
        {"root_code": "VARCHAR", "quad_class": "TINYINT", "score": "DOUBLE"},
    ),
    "plover_modes": (("event", "mode"), {"score": "DOUBLE"}),
}

#: Joins the parts of a compound key (a byte that never occurs in the tables).
KEY_SEPARATOR = "\x1f"


@cache
def rows(table: str) -> tuple[dict[str, str], ...]:
    """The rows of one vendored table, as text."""
    resource = files("multitrack.events") / "data" / f"{table}.csv"
    text = resource.read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text, newline="")))


def cameo_codes() -> frozenset[str]:
    return frozenset(r["code"] for r in rows("cameo_events"))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _value(text: str, kind: str) -> str:
    if text == "":
        return "NULL"
    return _literal(text) if kind == "VARCHAR" else f"{float(text)!r}"


def register(con: duckdb.DuckDBPyConnection) -> None:
    """Create the lookup types and macros on a connection."""
    for table, (keys, values) in TABLES.items():
        data = rows(table)
        enum = f"ref_{table}_key"
        labels = ", ".join(_literal(KEY_SEPARATOR.join(r[k] for k in keys)) for r in data)
        con.execute(f"CREATE TYPE {enum} AS ENUM ({labels})")
        params = ", ".join(f"k{i}" for i in range(len(keys)))
        key = f" || '{KEY_SEPARATOR}' || ".join(f"k{i}" for i in range(len(keys)))
        index = f"enum_code(TRY_CAST({key} AS {enum})) + 1"
        con.execute(
            f"CREATE TEMP MACRO ref_{table}_has({params}) AS TRY_CAST({key} AS {enum}) IS NOT NULL"
        )
        for column, kind in values.items():
            listed = ", ".join(_value(r[column], kind) for r in data)
            con.execute(
                f"CREATE TEMP MACRO ref_{table}_{column}({params}) AS "
                f"([{listed}]::{kind}[])[{index}]"
            )
