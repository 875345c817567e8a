"""``multitrack taxonomy ...``: the vocabularies in force, and an organisation's own terms."""

from __future__ import annotations

import typer
from rich.table import Table

from multitrack.cli.context import Format, FormatOption, console, print_json, session
from multitrack.errors import InvalidValueError
from multitrack.services.vocabulary import add_term, taxonomy_for
from multitrack.taxonomy import VOCABULARIES

app = typer.Typer(
    help="Tracks, sectors, engagement kinds and the other vocabularies.", no_args_is_help=True
)


@app.command("list")
def list_(
    ctx: typer.Context,
    vocabulary: str = typer.Argument("tracks", help=", ".join(VOCABULARIES)),
    fmt: Format = FormatOption,
) -> None:
    """List the entries of one vocabulary (shipped and the organisation's own)."""
    if vocabulary not in VOCABULARIES:
        raise InvalidValueError(
            "vocabulary", f"unknown {vocabulary!r}; one of {', '.join(VOCABULARIES)}"
        )
    with session(ctx) as s:
        terms = list(taxonomy_for(s).vocabulary(vocabulary))
    rows = [
        {
            "id": t.id,
            "name": t.name,
            "parent": t.parent,
            "description": t.description,
            "source": t.source,
        }
        for t in terms
    ]
    if fmt is Format.json:
        print_json(rows)
        return
    table = Table(title=vocabulary, title_justify="left")
    for column in ("Id", "Name", "Parent", "Source"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["id"], r["name"], r["parent"] or "", r["source"])
    console.print(table)


@app.command()
def add(
    ctx: typer.Context,
    vocabulary: str = typer.Argument(..., help="sectors or engagement_kinds"),
    term_id: str = typer.Argument(..., metavar="ID"),
    name: str = typer.Argument(...),
    parent: str | None = typer.Option(None, "--parent"),
    sector: str | None = typer.Option(
        None, "--sector", help="Engagement kinds: the sector it belongs to by default."
    ),
    description: str | None = typer.Option(None, "--description"),
    source: str | None = typer.Option(None, "--source"),
) -> None:
    """Add the organisation's own sector or engagement kind (no code change needed)."""
    with session(ctx) as s:
        add_term(
            s,
            vocabulary=vocabulary,
            term_id=term_id,
            name=name,
            parent=parent,
            sector=sector,
            description=description,
            source=source,
        )
    console.print(f"added {vocabulary} entry {term_id}")
