"""``multitrack relations``, ``partners`` and ``watch``: relations from the event store."""

from __future__ import annotations

import csv
import sys
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from multitrack.cli.context import console, print_json, session, state
from multitrack.errors import InvalidValueError
from multitrack.events.periods import PERIODS, check_period, parse_bound

if TYPE_CHECKING:  # the analytics load Ibis (~0.5 s): only when a relations command runs
    from multitrack.events.engines import EventSource
    from multitrack.events.parties import Party
    from multitrack.events.partners import PartnerLevel
    from multitrack.events.warnings import EarlyWarning


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


WARNING_COLUMNS = (
    "source",
    "target",
    "period",
    "direction",
    "score",
    "events",
    "goldstein_mean",
    "baseline_goldstein",
    "conflict_share",
    "baseline_conflict_share",
    "drivers",
)

FormatOpt = typer.Option(
    OutputFormat.table, "--format", "-f", help="table for people; csv or json for scripts"
)
EngineOpt = typer.Option(
    "duckdb", "--engine", help="duckdb (default, in-process) or spark (local Apache Spark)"
)
DatasetOpt = typer.Option(None, "--dataset", help="Only events of this dataset (e.g. gdelt2).")
FromOpt = typer.Option(None, "--from", help="First day (YYYY-MM-DD; YYYY-MM or YYYY: its start).")
ToOpt = typer.Option(None, "--to", help="Last day (YYYY-MM-DD; YYYY-MM or YYYY: its end).")
ByOpt = typer.Option("month", "--by", help=f"Period: {', '.join(PERIODS)}.")


def events_path(ctx: typer.Context) -> Path:
    """The Parquet dataset root of the event store the command works on."""
    from multitrack.events.store import EventStore

    return EventStore(state(ctx).settings.events_dir).events_path


def open_events(ctx: typer.Context, engine: str) -> EventSource:
    from multitrack.events.engines import check_engine, connect

    return connect(check_engine(engine), events_path(ctx))


def resolve(ctx: typer.Context, *refs: str) -> list[Party]:
    from multitrack.events.parties import resolve_party

    with session(ctx) as s:
        return [resolve_party(s, ref) for ref in refs]


def _bounds(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    return (
        parse_bound(start, field="from") if start else None,
        parse_bound(end, end=True, field="to") if end else None,
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    return str(value)


def emit(
    records: Sequence[dict[str, Any]], columns: Sequence[str], fmt: OutputFormat, title: str
) -> None:
    """Rows as a Rich table, CSV on stdout (empty cells for empty values) or a JSON array."""
    if fmt is OutputFormat.json:
        print_json([{c: r[c] for c in columns} for r in records])
    elif fmt is OutputFormat.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        for r in records:
            writer.writerow(["" if r[c] is None else r[c] for c in columns])
    else:
        table = Table(title=title, title_justify="left")
        for c in columns:
            table.add_column(c, justify="left" if c in _TEXT else "right", no_wrap=c != "drivers")
        for r in records:
            table.add_row(*(_cell(r[c]) for c in columns))
        console.print(table)


_TEXT = {"period", "source", "target", "partner", "direction", "drivers", "name"}


def _warning_record(w: EarlyWarning) -> dict[str, Any]:
    data = w.record
    data["drivers"] = "; ".join(f"{d.code} {d.description} (+{d.rise:g})" for d in w.drivers)
    return data


def register(app: typer.Typer) -> None:
    @app.command()
    def relations(
        ctx: typer.Context,
        source: str = typer.Argument(..., help="Source actor: name, alias, code or id."),
        target: str = typer.Argument(..., help="Target actor: name, alias, code or id."),
        by: str = ByOpt,
        fmt: OutputFormat = FormatOpt,
        chart: Path | None = typer.Option(
            None, "--chart", help="Also draw the series to FILE.png or FILE.svg."
        ),
        start: str | None = FromOpt,
        end: str | None = ToOpt,
        dataset: str | None = DatasetOpt,
        engine: str = EngineOpt,
    ) -> None:
        """Relations of SOURCE → TARGET per period from the event store: event counts by quad
        class, Goldstein sum and mean, cooperation share; empty periods included."""
        from multitrack.events.relations import SERIES_COLUMNS, series_on
        from multitrack.events.trends import trend
        from multitrack.events.warnings import early_warnings

        period = check_period(by)
        first, last = _bounds(start, end)
        a, b = resolve(ctx, source, target)
        opened = open_events(ctx, engine)
        events = opened.events
        series = series_on(opened, a, b, period, first, last, dataset)
        warnings: list[EarlyWarning] = []
        if chart is not None or fmt is OutputFormat.table:
            warnings = early_warnings(events, series, dataset=dataset)
        if chart is not None:
            from multitrack.events.charts import relations_chart

            relations_chart(series, chart, warnings)
        title = f"{a.name or a.label} → {b.name or b.label}, by {period}"
        emit(series.records(), SERIES_COLUMNS, fmt, title)
        if fmt is OutputFormat.table:
            t = trend(series)
            if t.slope is not None:
                console.print(
                    f"Trend over the last {t.window} {period}s ({t.first} – {t.last}): "
                    f"{t.direction}, {t.slope:+.3f} Goldstein points per {period}"
                )
            for w in warnings:
                console.print(
                    f"[bold]Warning {w.period}[/]: {w.direction} (score {w.score:g}); "
                    f"driven by {w.explanation or 'no single code'}"
                )
        if chart is not None and fmt is OutputFormat.table:
            console.print(f"chart written to {chart}")

    @app.command()
    def partners(
        ctx: typer.Context,
        actor: str = typer.Argument(..., help="Actor: name, alias, code or id."),
        top: int = typer.Option(10, "--top", min=1, help="How many partners."),
        level: str = typer.Option("country", "--by", help="Group partners by country or code."),
        fmt: OutputFormat = FormatOpt,
        start: str | None = FromOpt,
        end: str | None = ToOpt,
        dataset: str | None = DatasetOpt,
        engine: str = EngineOpt,
    ) -> None:
        """ACTOR's top counterparts by event volume, both directions, with the quad-class split."""
        from multitrack.events.partners import PARTNER_COLUMNS, top_partners

        if level not in ("country", "code"):
            raise InvalidValueError("by", f"unknown partner level {level!r}; use country or code")
        partner_level: PartnerLevel = "country" if level == "country" else "code"
        first, last = _bounds(start, end)
        (party,) = resolve(ctx, actor)
        events = open_events(ctx, engine).events
        rows = top_partners(events, party, top, partner_level, first, last, dataset)
        title = f"Top partners of {party.name or party.label}"
        emit([r.record for r in rows], PARTNER_COLUMNS, fmt, title)

    @app.command(name="watch")
    def watch_command(
        ctx: typer.Context,
        by: str = ByOpt,
        top: int = typer.Option(20, "--top", min=1, help="How many of the most active dyads."),
        as_of: str | None = typer.Option(
            None, "--as-of", help="Watch as of this day (default: the latest event)."
        ),
        fmt: OutputFormat = FormatOpt,
        dataset: str | None = DatasetOpt,
        engine: str = EngineOpt,
    ) -> None:
        """Current early warnings across the most active country dyads."""
        from multitrack.events.warnings import watch

        period = check_period(by)
        when = parse_bound(as_of, end=True, field="as-of") if as_of else None
        events = open_events(ctx, engine).events
        found = watch(events, by=period, top=top, as_of=when, dataset=dataset)
        records = [_warning_record(w) for w in found]
        if fmt is OutputFormat.json:
            print_json([w.record for w in found])
        elif not records and fmt is OutputFormat.table:
            console.print(f"No current warnings among the {top} most active dyads.")
        else:
            emit(records, WARNING_COLUMNS, fmt, f"Current warnings (by {period})")
