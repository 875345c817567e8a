"""What a format declares: its codebook columns, how to recognise it, and its SQL projection.

A format is data plus a few SQL snippets. Ingest reads a file with DuckDB's ``read_csv`` using
the format's column names, every column as VARCHAR, then selects :func:`EventFormat.select`
over it: one expression per normalised column (see ``events.schema``) and one ``reason``
expression that is NULL for a good row and names the problem otherwise. Code tables are
looked up through the scalar ``ref_*`` macros of ``events.reference``, never joined: a join would
reorder rows, and ingest numbers lines by the order of the scan.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl


class Scheme(StrEnum):
    """The event coding scheme a dataset uses."""

    CAMEO = "CAMEO"
    PLOVER = "PLOVER"
    ACLED = "ACLED"


#: The normalised columns a projection must produce (``dataset``, ``file`` and ``line`` are
#: added by ingest).
PROJECTED: tuple[str, ...] = (
    "event_id",
    "date",
    "source_code",
    "source_name",
    "source_country",
    "target_code",
    "target_name",
    "target_country",
    "event_code",
    "root_code",
    "quad_class",
    "goldstein",
    "mentions",
    "sources",
    "place_country",
    "lat",
    "lon",
    "source_url",
)


def q(name: str) -> str:
    """A column name quoted for DuckDB SQL (``src."Event ID"``)."""
    return 'src."' + name.replace('"', '""') + '"'


def text(name: str) -> str:
    """A text column with empty strings as NULL."""
    return f"nullif({q(name)}, '')"


def sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class Check:
    """A row is quarantined with ``reason`` (a SQL text expression) when ``bad`` is true."""

    bad: str
    reason: str


@dataclass(frozen=True)
class PolarsPlan:
    """A format's projection in polars: one expression per ``PROJECTED`` column over the raw
    columns (text, but those in ``types``, which polars' CSV reader parses), and ``good``, true
    exactly for rows to keep."""

    columns: dict[str, pl.Expr]
    good: pl.Expr
    types: dict[str, pl.DataType | type[pl.DataType]] = field(default_factory=dict)


@dataclass(frozen=True)
class Layout:
    """One column layout of a format, as its codebook lists it."""

    name: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class EventFormat(ABC):
    """A public event data format: layouts, reading options, and the projection onto the schema.

    ``layouts`` are the accepted column lists. Headerless formats are recognised by their field
    count; formats with a header by the header naming exactly one layout's columns. When
    ``padded`` is set, shorter layouts are read as the longest one with NULL padding (GDELT 1.0:
    57-column backfile rows and 58-column daily rows in one file).
    """

    name: str
    title: str
    scheme: Scheme
    layouts: tuple[Layout, ...]
    delimiter: str
    header: bool
    quote: str = ""
    padded: bool = False
    notes: tuple[str, ...] = field(default=())

    def layout_for_fields(self, count: int) -> Layout | None:
        for layout in self.layouts:
            if len(layout.columns) == count:
                return layout
        return None

    def layout_for_field_count_ok(self, count: int) -> bool:
        return self.layout_for_fields(count) is not None

    def layout_for_header(self, names: list[str]) -> Layout | None:
        cleaned = [n.strip() for n in names]
        for layout in self.layouts:
            if list(layout.columns) == cleaned:
                return layout
        return None

    def read_layout(self, layout: Layout) -> Layout:
        """The layout DuckDB reads: the longest one when rows may be padded."""
        if self.padded:
            return max(self.layouts, key=lambda lay: len(lay.columns))
        return layout

    @abstractmethod
    def projection(self, layout: Layout) -> dict[str, str]:
        """Schema column -> SQL expression over the raw columns of ``layout``."""

    @abstractmethod
    def checks(self, layout: Layout) -> list[Check]:
        """The row checks of ``layout``: each a condition that rejects a row, and its reason."""

    def needed_column(self, layout: Layout) -> str:
        """The last column every line must have (the shortest layout's, when padded)."""
        minimum = min(len(lay.columns) for lay in self.layouts) if self.padded else None
        columns = self.read_layout(layout).columns
        return columns[(minimum or len(columns)) - 1]

    def polars_plan(self, layout: Layout) -> PolarsPlan | None:
        """The projection and the row check in polars, for the one-pass path of clean files
        (see ``pipeline``); None when the format has none (DuckDB's path is used).

        A plan must never accept a row DuckDB's :meth:`select` would quarantine, nor give a
        value different from DuckDB's: where the two parsers might differ, it rejects the row
        (the file then takes DuckDB's path, which decides)."""
        return None

    def field_count_check(self, layout: Layout) -> Check:
        """Too few fields: DuckDB pads short lines with NULL (empty fields read as '')."""
        columns = self.read_layout(layout).columns
        needed = self.needed_column(layout)
        listed = ", ".join(q(c) for c in columns)
        expected = (
            " or ".join(str(len(lay.columns)) for lay in self.layouts)
            if self.padded
            else str(len(layout.columns))
        )
        return Check(
            bad=f"{q(needed)} IS NULL",
            reason=(
                f"'too few fields: expected {expected}, found ' || "
                f"len(list_filter([{listed}], lambda x: x IS NOT NULL))::VARCHAR"
            ),
        )

    def select(self, layout: Layout) -> str:
        """The SELECT list over ``src`` giving the projected columns and ``reason``."""
        exprs = self.projection(layout)
        missing = [c for c in PROJECTED if c not in exprs]
        if missing:  # pragma: no cover - caught by the format tests
            raise ValueError(f"format {self.name} does not project {missing}")
        from multitrack.events.store import duckdb_type  # DuckDB and Arrow: loaded on use

        parts = [f"CAST({exprs[c]} AS {duckdb_type(c)}) AS {c}" for c in PROJECTED]
        checks = [self.field_count_check(layout), *self.checks(layout)]
        cases = " ".join(f"WHEN {c.bad} THEN {c.reason}" for c in checks)
        parts.append(f"CASE {cases} END AS reason")
        return ",\n  ".join(parts)


def cameo_checks(
    *, event_id: str, date_expr: str, date_raw: str, code: str, label: str = "event code"
) -> list[Check]:
    """The checks every CAMEO-coded format shares: an id, a real date, a known CAMEO code."""
    return [
        Check(f"{event_id} IS NULL", "'missing event id'"),
        Check(
            f"{date_expr} IS NULL",
            f"'bad date: ' || coalesce(''''  || {date_raw} || '''', 'empty')",
        ),
        Check(
            f"{code} IS NULL OR NOT ref_cameo_events_has({code})",
            f"'unknown {label}: ' || coalesce('''' || {code} || '''', 'empty')",
        ),
    ]


def quad_from_root(root: str) -> str:
    """CAMEO root -> quad class as GDELT states it: 01-05 1, 06-09 2, 10-14 3, 15-20 4."""
    return (
        f"(CASE WHEN TRY_CAST({root} AS INTEGER) BETWEEN 1 AND 5 THEN 1 "
        f"WHEN TRY_CAST({root} AS INTEGER) BETWEEN 6 AND 9 THEN 2 "
        f"WHEN TRY_CAST({root} AS INTEGER) BETWEEN 10 AND 14 THEN 3 "
        f"WHEN TRY_CAST({root} AS INTEGER) BETWEEN 15 AND 20 THEN 4 END)::TINYINT"
    )
