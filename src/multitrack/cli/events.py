"""``multitrack events``: ingest open event data files and list the stored datasets."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from multitrack.cli.context import (
    Format,
    FormatOption,
    console,
    err_console,
    print_json,
    session,
    state,
)
from multitrack.events.formats import FORMATS

if TYPE_CHECKING:  # loaded by the commands that use them
    from multitrack.events.ingest import FileReport
    from multitrack.events.registry import DatasetMapping

app = typer.Typer(
    help=(
        "Open event data (GDELT, ICEWS, ACLED, POLECAT): ingest files, list datasets, map them "
        "to the registry and the taxonomy."
    ),
    no_args_is_help=True,
)

EventFormatName = StrEnum(  # type: ignore[misc]
    "EventFormatName", {name: name for name in FORMATS}
)


@app.command("ingest")
def ingest_command(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="Event files: plain, .gz or .zip."),
    fmt: EventFormatName | None = typer.Option(
        None, "--format", help="The files' format; recognised from the first lines when omitted."
    ),
) -> None:
    """Ingest event files into the event store; prints rows read / stored / duplicate / quarantined.

    Exits non-zero when a file is refused (a column layout that does not match its codebook).
    """
    from multitrack.events.ingest import ingest

    events_dir = state(ctx).settings.events_dir
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(name: str, fraction: float) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=1.0)
            bar.update(tasks[name], completed=fraction)

        reports = ingest(
            paths, events_dir=events_dir, fmt=fmt.value if fmt else None, progress=progress
        )
        if any(r.rows_stored for r in reports):
            _rebuild_rollup(events_dir)
    console.print(_table(reports))
    refused = [r for r in reports if not r.ok]
    for report in refused:
        err_console.print(f"[bold red]refused:[/] {report.refused}", soft_wrap=True, markup=True)
    if refused:
        raise typer.Exit(2)


def _rebuild_rollup(events_dir: Path) -> None:
    """The dyad rollup for the store as it now is (queries ignore a rollup of another state)."""
    from multitrack.events.rollup import build
    from multitrack.events.store import EventStore

    build(EventStore(events_dir).events_path)


def _table(reports: list[FileReport]) -> Table:
    table = Table(title="ingested")
    for column in ("file", "dataset", "read", "stored", "duplicate", "quarantined", "quarantine"):
        table.add_column(column, justify="right" if column not in ("file", "dataset") else "left")
    for r in reports:
        if not r.ok:
            table.add_row(Path(r.path).name, "[red]refused[/]", "", "", "", "", "")
            continue
        table.add_row(
            Path(r.path).name,
            r.dataset or "",
            f"{r.rows_read:,}",
            f"{r.rows_stored:,}",
            f"{r.rows_duplicate:,}",
            f"{r.rows_quarantined:,}",
            r.quarantine or "",
        )
    return table


@app.command("compact")
def compact_command(
    ctx: typer.Context,
    dataset: str | None = typer.Option(None, "--dataset", help="Only this dataset."),
) -> None:
    """Split ingested files by month; each month becomes one file sorted by dyad and date.

    Run it after ingesting (queries are faster after it); a month already compacted that no
    ingested file touches is left alone.
    """
    from multitrack.events.store import EventStore

    store = EventStore(state(ctx).settings.events_dir)
    done = store.compact(dataset)
    if done:
        _rebuild_rollup(store.root)
    files = sum(c.files for c in done)
    rows = sum(c.rows for c in done)
    console.print(f"compacted {len(done)} month folders: {files:,} files, {rows:,} rows")


@app.command("datasets")
def datasets_command(ctx: typer.Context, output: Format = FormatOption) -> None:
    """List the stored datasets: coverage, rows, files, coding scheme and fallback share."""
    from multitrack.events.catalogue import datasets as list_datasets

    infos = list_datasets(state(ctx).settings.events_dir)
    if output is Format.json:
        print_json([info.to_json() for info in infos])
        return
    table = Table(title="event datasets")
    for column in ("dataset", "scheme", "synthetic", "from", "to", "rows", "files", "fallback"):
        table.add_column(column)
    for info in infos:
        share = "" if info.fallback_share is None else f"{info.fallback_share:.1%}"
        table.add_row(
            info.name,
            info.scheme or "",
            "yes" if info.synthetic else "no",
            str(info.first_date or ""),
            str(info.last_date or ""),
            f"{info.rows:,}",
            str(len(info.files)),
            share,
        )
    console.print(table)


@app.command("map")
def map_command(
    ctx: typer.Context,
    dataset: str | None = typer.Option(None, "--dataset", help="Only this dataset."),
    top: int = typer.Option(10, "--top", min=1, help="How many unresolved codes to list."),
    output: Format = FormatOption,
) -> None:
    """How the stored events map to the registry and the taxonomy, per dataset.

    Source/target actors resolve to registry actors by CAMEO code (longest prefix), else the
    code's country prefix, else the event's country; event codes map to engagement kinds and
    sectors through the CAMEO mapping table (docs/events.md).
    """
    with session(ctx) as s:
        from multitrack.events.registry import mapping_report

        found = mapping_report(s, state(ctx).settings.events_dir, dataset, top=top)
    if output is Format.json:
        print_json([m.to_json() for m in found])
        return
    if not found:
        console.print("No events stored" + (f" for dataset {dataset}." if dataset else "."))
        return
    summary = Table(title="events resolved to registry actors", title_justify="left")
    for column in ("dataset", "events", "source", "target", "both"):
        summary.add_column(column, justify="left" if column == "dataset" else "right")
    for m in found:
        summary.add_row(
            m.dataset,
            f"{m.events:,}",
            _share(m.source_resolved, m.events),
            _share(m.target_resolved, m.events),
            _share(m.both_resolved, m.events),
        )
    console.print(summary)
    for m in found:
        _map_details(m)


def _share(count: int, total: int) -> str:
    return f"{count:,} ({count / total:.1%})" if total else "0"


def _map_details(m: DatasetMapping) -> None:
    unresolved = Table(title=f"{m.dataset}: top unresolved actor codes", title_justify="left")
    unresolved.add_column("code (or country)")
    unresolved.add_column("event sides", justify="right")
    for item in m.unresolved:
        unresolved.add_row(item.code, f"{item.events:,}")
    console.print(unresolved)
    kinds = Table(title=f"{m.dataset}: events by engagement kind and sector", title_justify="left")
    for column in ("engagement kind", "sector", "events", "share"):
        kinds.add_column(column, justify="right" if column in ("events", "share") else "left")
    for k in m.kinds:
        kinds.add_row(k.label, k.sector or "", f"{k.events:,}", f"{k.share:.1%}")
    console.print(kinds)
