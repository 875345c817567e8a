"""``multitrack brokers``: third parties that could mediate between two sides, with reasons."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from multitrack.cli.context import (
    Format,
    FormatOption,
    console,
    escape,
    print_json,
    session,
    state,
)
from multitrack.errors import AmbiguousError, InvalidValueError, NotFoundError

DYADS = 3  # conflict dyads ranked when no A and B are given


def _show(ranking: dict[str, Any]) -> None:
    """A table of scores, then each broker's reasons (+ reach, − neutrality)."""
    a, b = ranking["a"]["name"], ranking["b"]["name"]
    table = Table(title=f"Brokers between {a} and {b}", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("broker")
    for column in ("score", "reach", "neutrality"):
        table.add_column(column, justify="right")
    for i, broker in enumerate(ranking["brokers"], 1):
        table.add_row(
            str(i),
            broker["actor"]["name"],
            *(f"{broker[k]:.2f}" for k in ("score", "reach", "neutrality")),
        )
    console.print(table)
    console.print(
        f"Basis: {ranking['basis']}; {ranking['candidates']} third parties reach both sides. "
        "Score = reach × neutrality."
    )
    for i, broker in enumerate(ranking["brokers"], 1):
        console.print(
            f"[bold]{i}. {escape(broker['actor']['name'])}[/]: reach {broker['reach_a']:g} to "
            f"{escape(a)}, {broker['reach_b']:g} to {escape(b)}; ties {broker['ties_a']:g} with "
            f"{escape(a)}, {broker['ties_b']:g} with {escape(b)}",
            soft_wrap=True,
        )
        for r in broker["reasons"]:
            sign = "+" if r["part"] == "reach" else "−"
            points = f" [{r['points']:g}]" if r["points"] else ""
            console.print(f"  {sign} {escape(r['text'])}{escape(points)}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    @app.command(name="brokers")
    def brokers_command(
        ctx: typer.Context,
        a: str | None = typer.Argument(None, help="One side: name, alias, code or id."),
        b: str | None = typer.Argument(None, help="The other side."),
        limit: int = typer.Option(10, "--limit", min=1, max=100, help="How many brokers."),
        fmt: Format = FormatOption,
    ) -> None:
        """Third parties with channels or cooperative relations with both A and B, ranked by
        reach and neutrality, each with its reasons. Without A and B: for the most conflictual
        dyads of the event store."""
        from multitrack.analytics.brokers import brokers, conflict_dyads
        from multitrack.services.event_tables import EventTables

        if (a is None) != (b is None):
            raise InvalidValueError("b", "give both sides, A and B, or neither")
        tables = EventTables(state(ctx).settings.events_dir)
        with session(ctx) as s:
            if a is not None and b is not None:
                rankings = [brokers(s, a, b, events=tables, limit=limit).to_dict()]
            else:
                rankings = []
                for dyad in conflict_dyads(tables, DYADS):
                    try:
                        found = brokers(s, dyad.a, dyad.b, events=tables, limit=limit)
                    except (NotFoundError, AmbiguousError):
                        continue  # a country the registry does not hold (or shows) as one actor
                    ranking = found.to_dict()
                    rankings.append({"dyad": dyad.record(), **ranking})
        if fmt is Format.json:
            print_json(rankings[0] if a is not None else rankings)
            return
        for ranking in rankings:
            if "dyad" in ranking:
                d = ranking["dyad"]
                console.print(
                    f"[bold]{d['a']}–{d['b']}[/]: {d['conflict_events']:,} conflictual events "
                    f"of {d['events']:,} ({d['conflict_share']:.0%})"
                )
            if ranking["brokers"]:
                _show(ranking)
            else:
                console.print(
                    f"No third party reaches both {ranking['a']['name']} and "
                    f"{ranking['b']['name']} ({ranking['basis']})."
                )
