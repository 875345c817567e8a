"""Commands that move whole datasets: init, demo, import, export."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from multitrack.cli.context import console, state
from multitrack.exchange.exporter import export_all
from multitrack.exchange.importer import ImportReport, import_path
from multitrack.exchange.records import KINDS
from multitrack.services.setup import SYNTHETIC_DATASET, init_database, load_demo

if TYPE_CHECKING:
    from multitrack.events.ingest import FileReport


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _report(report: ImportReport, title: str) -> None:
    table = Table(title=title, title_justify="left")
    table.add_column("kind")
    table.add_column("records", justify="right")
    for kind in KINDS:
        if report.counts.get(kind):
            table.add_row(kind, str(report.counts[kind]))
    console.print(table)


def _events_report(reports: tuple[FileReport, ...], events_dir: Path) -> None:
    if not reports:
        console.print(f"demo events already in {events_dir}: nothing added")
        return
    table = Table(title=f"demo events ingested into {events_dir}", title_justify="left")
    for column in ("file", "dataset", "stored", "quarantined"):
        table.add_column(column, justify="left" if column in ("file", "dataset") else "right")
    for r in reports:
        if not r.ok:
            table.add_row(Path(r.path).name, "[red]refused[/]", "", "")
            continue
        table.add_row(
            Path(r.path).name, r.dataset or "", f"{r.rows_stored:,}", f"{r.rows_quarantined:,}"
        )
    console.print(table)
    console.print(
        f"{SYNTHETIC_DATASET} is synthetic (real GDELT rows resampled over 2015-2026 with "
        "planted regime shifts): see `multitrack events datasets`"
    )


def register(app: typer.Typer) -> None:
    @app.command()
    def init(ctx: typer.Context) -> None:
        """Create the database, or migrate it to this version, and add every country."""
        settings = state(ctx).settings
        result = init_database(state(ctx).store(require_current=False))
        was = result.before or "empty"
        console.print(
            f"database ready: {settings.db_url} (schema {was} → {result.after}; "
            f"{result.countries_added} countries added)"
        )

    @app.command()
    def demo(ctx: typer.Context) -> None:
        """Load the demo world (the real cases of the seed texts) and the demo event data: the
        real GDELT samples and a synthetic multi-year set resampled from them (safe to run
        again: nothing is added twice)."""
        store = state(ctx).store(require_current=False)
        events_dir = state(ctx).settings.events_dir
        with _progress() as bar:
            tasks: dict[str, TaskID] = {}

            def tick(path: str, step: int, total: int) -> None:
                name = Path(path).stem
                if name not in tasks:
                    tasks[name] = bar.add_task(f"demo {name}", total=total)
                bar.advance(tasks[name], step)

            def events_tick(name: str, fraction: float) -> None:
                key = f"events {name}"
                if key not in tasks:
                    tasks[key] = bar.add_task(key, total=100)
                bar.update(tasks[key], completed=round(100 * fraction))

            report = load_demo(
                store, events_dir=events_dir, progress=tick, events_progress=events_tick
            )
        _report(report.world, "demo world loaded")
        _events_report(report.events, events_dir)

    @app.command("import")
    def import_(
        ctx: typer.Context,
        path: Path = typer.Argument(..., help="A .jsonl or .csv file, or a folder of them."),
        kind: str | None = typer.Option(
            None, "--kind", "-k", help=f"One of {', '.join(KINDS)}; guessed from the file name."
        ),
    ) -> None:
        """Import a file whole, or nothing at all: any bad row refuses the file."""
        store = state(ctx).store()
        with _progress() as bar:
            tasks: dict[str, TaskID] = {}

            def tick(file: str, step: int, total: int) -> None:
                if file not in tasks:
                    tasks[file] = bar.add_task(f"import {Path(file).name}", total=total)
                bar.advance(tasks[file], step)

            report = import_path(
                store, path, principal=state(ctx).principal(), kind=kind, progress=tick
            )
        _report(report, f"imported {path}")

    @app.command()
    def export(
        ctx: typer.Context,
        out: Path = typer.Option(..., "--out", "-o", help="Folder to write one file per kind."),
        fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f"),
    ) -> None:
        """Export every entity kind to one file each (the format import reads)."""
        counts = export_all(
            state(ctx).store(), out, fmt=fmt.value, principal=state(ctx).principal()
        )
        for kind, count in counts.items():
            console.print(f"{out / f'{kind}.{fmt.value}'}: {count} records")
