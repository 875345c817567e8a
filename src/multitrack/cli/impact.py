"""``multitrack impact``: did an engagement or an agreement milestone move the dyads it
concerns?"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from multitrack.cli.context import Format, FormatOption, console, print_json, session, state
from multitrack.errors import InvalidValueError

if TYPE_CHECKING:  # the analytics load Ibis: only when the command runs
    from multitrack.analytics.impact import Impact

BY_CHOICES = ("day", "week", "month")


def _number(value: float | None, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def _pair(before: float | None, after: float | None, fmt: str) -> str:
    return f"{_number(before, fmt)} → {_number(after, fmt)}"


def render(result: Impact) -> None:
    record, milestone = result.record, result.milestone
    console.print(f"[bold]{record['title']}[/] ({record['kind']} {record['id']})")
    precision = (
        f", known to the {milestone.precision}: measured from its first day"
        if milestone.precision != "day"
        else ""
    )
    console.print(
        f"Milestone: {milestone.label} {milestone.given}{precision} · window "
        f"{result.window_days} days before and from it"
    )
    if result.sides:
        states = ", ".join(
            (s.party.name or s.party.label) + (f" (for {', '.join(s.via)})" if s.via else "")
            for s in result.sides
        )
        console.print(f"States: {states}")
    for out in result.left_out:
        console.print(f"[dim]Left out: {out['name']} — {out['reason']}[/]")
    if result.note:
        console.print(result.note)
    if not result.dyads:
        return
    table = Table(title="Before and after, by dyad", title_justify="left")
    for column in (
        "dyad",
        "events",
        "goldstein",
        "coop share",
        "change",
        "p",
        "z",
        "verdict",
    ):
        table.add_column(column, justify="left" if column in ("dyad", "verdict") else "right")
    for d in result.dyads:
        t = d.test("goldstein_mean")
        table.add_row(
            d.label,
            f"{d.before.events} → {d.after.events}",
            _pair(d.before.goldstein_mean, d.after.goldstein_mean, "+.2f"),
            _pair(d.before.coop_share, d.after.coop_share, ".2f"),
            _number(t.change, "+.2f"),
            _number(t.p, ".3f") + (f" (n={t.references})" if t.references else ""),
            _number(t.z, "+.1f"),
            d.verdict
            + (f" ({d.direction})" if d.direction and d.verdict != "insufficient" else ""),
        )
    console.print(table)
    for d in result.dyads:
        console.print(f"{d.label}: {d.reason}")


def register(app: typer.Typer) -> None:
    @app.command()
    def impact(
        ctx: typer.Context,
        record_id: str = typer.Argument(..., help="Id of an engagement or an agreement."),
        window: int = typer.Option(
            90, "--window", help="Days compared before and from the milestone (1-3650)."
        ),
        by: str = typer.Option("week", "--by", help="Periods of the series: day, week or month."),
        milestone: str | None = typer.Option(
            None,
            "--milestone",
            help="Engagement: start or end. Agreement: adopted, in_force, or a party action "
            "as ACTION:PARTY (e.g. ratification:USA); default: the first date recorded.",
        ),
        fmt: Format = FormatOption,
        chart: Path | None = typer.Option(
            None, "--chart", help="Also draw each dyad to FILE.png or FILE.svg."
        ),
    ) -> None:
        """Did an engagement or an agreement milestone move the dyads it concerns? Relations in
        the window before and after, the change, and whether it exceeds the dyad's usual
        variation (empirical p among other dates of its history)."""
        from multitrack.analytics.impact import impact as compute
        from multitrack.services.event_tables import EventTables

        if by not in BY_CHOICES:
            raise InvalidValueError("by", f"unknown period {by!r}; use one of day, week, month")
        tables = EventTables(state(ctx).settings.events_dir)
        with session(ctx) as s:
            result = compute(
                s,
                tables,
                record_id,
                window_days=window,
                by="day" if by == "day" else "week" if by == "week" else "month",
                milestone=milestone,
            )
        if chart is not None:
            from multitrack.analytics.impact_charts import impact_figure

            impact_figure(result, chart)
        if fmt is Format.json:
            print_json(result.to_dict())
            return
        render(result)
        if chart is not None:
            console.print(f"chart written to {chart}")
