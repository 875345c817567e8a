"""``multitrack objective ...``."""

from __future__ import annotations

import typer
from rich.table import Table

from multitrack.cli.context import (
    ClassificationOption,
    Format,
    FormatOption,
    OwnerOption,
    ReleasableOption,
    build,
    console,
    labels,
    print_json,
    session,
)
from multitrack.exchange.apply import save
from multitrack.exchange.exporter import objective_record
from multitrack.exchange.records import ObjectiveRecord
from multitrack.services.queries import list_objectives

app = typer.Typer(help="Objectives with indicators and measurements.", no_args_is_help=True)


@app.command("list")
def list_(ctx: typer.Context, fmt: Format = FormatOption) -> None:
    """List objectives with their indicators and latest measurements."""
    with session(ctx) as s:
        rows = [objective_record(o) for o in list_objectives(s)]
    if fmt is Format.json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} objectives", title_justify="left")
    for column in ("Objective", "Target date", "Indicators (latest / target)"):
        table.add_column(column)
    for o in rows:
        indicators = []
        for i in o["indicators"]:
            latest = i["measurements"][-1]["value"] if i["measurements"] else "—"
            indicators.append(
                f"{i['name']}: {latest} / {i['target'] if i['target'] is not None else '—'}"
            )
        table.add_row(o["title"], o["target_date"] or "", "\n".join(indicators))
    console.print(table)


@app.command()
def add(
    ctx: typer.Context,
    title: str = typer.Argument(...),
    description: str | None = typer.Option(None, "--description"),
    sector: str | None = typer.Option(None, "--sector"),
    actor: str | None = typer.Option(None, "--actor"),
    channel: str | None = typer.Option(None, "--channel"),
    agreement: str | None = typer.Option(None, "--agreement"),
    target_date: str | None = typer.Option(None, "--target-date", help="YYYY-MM-DD"),
    indicator: list[str] = typer.Option(
        [], "--indicator", help="NAME or NAME=TARGET (repeatable)."
    ),
    source: str | None = typer.Option(None, "--source"),
    classification: str | None = ClassificationOption,
    owner: str | None = OwnerOption,
    releasable_to: str | None = ReleasableOption,
    fmt: Format = FormatOption,
) -> None:
    """Add an objective."""
    indicators = []
    for text in indicator:
        name, sep, target = text.partition("=")
        indicators.append({"name": name, **({"target": target} if sep else {})})
    record = build(
        ObjectiveRecord,
        title=title,
        description=description,
        sector=sector,
        actor=actor,
        channel=channel,
        agreement=agreement,
        target_date=target_date,
        indicators=indicators,
        source=source,
        **labels(classification, owner, releasable_to),
    )
    with session(ctx) as s:
        row = save(s, "objectives", record)
        data = {"id": str(row.id), "title": row.title}
    if fmt is Format.json:
        print_json(data)
    else:
        console.print(f"added objective {data['title']} ({data['id']})")
