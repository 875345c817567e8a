"""``multitrack oversight``: objectives and their status, follow-ups, vetting warnings."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from multitrack.analytics.oversight import HORIZON_DAYS, accountability
from multitrack.cli.context import Format, FormatOption, console, print_json, session, state
from multitrack.services.event_tables import EventTables
from multitrack.values import full_date

STATUS_STYLES = {
    "on track": "green",
    "at risk": "yellow",
    "missed": "bold red",
    "no data": "dim",
    "flagged": "bold red",
    "pending": "yellow",
    "unvetted": "yellow",
}


def _styled(status: str) -> Text:
    return Text(status, style=STATUS_STYLES.get(status, ""))


def render(data: dict[str, Any]) -> None:
    counts = ", ".join(f"{n} {status}" for status, n in data["status_counts"].items())
    console.print(Text(f"Oversight as of {data['today']}: objectives {counts}", style="bold"))
    objectives = Table(title="Objectives", title_justify="left")
    for column in ("Status", "Objective", "Target date", "Indicators"):
        objectives.add_column(column)
    for o in data["objectives"]:
        lines = [f"{i['name']}: {i['status']} ({i['reason']})" for i in o["indicators"]]
        objectives.add_row(
            _styled(o["status"]), o["title"], o["target_date"] or "—", "\n".join(lines) or "—"
        )
    console.print(objectives)
    follow = Table(
        title=f"Follow-ups overdue, and due within {data['horizon_days']} days",
        title_justify="left",
    )
    for column in ("Due", "When", "Action", "Channel"):
        follow.add_column(column)
    for f in data["follow_ups"]["overdue"]:
        follow.add_row(
            Text(f["due"], style="bold red"), f"{f['days_late']} days late", f["action"],
            f["channel"],
        )  # fmt: skip
    for f in data["follow_ups"]["due"]:
        follow.add_row(f["due"], f"in {f['days_left']} days", f["action"], f["channel"])
    console.print(follow)
    warnings = Table(title="Vetting warnings", title_justify="left")
    for column in ("Standing", "Engagement", "Warning", "Evidence"):
        warnings.add_column(column)
    for w in data["vetting_warnings"]:
        e = w["engagement"]
        evidence = w.get("evidence")
        found = "—" if not evidence else f"{evidence['total']} adverse events"
        warnings.add_row(_styled(w["status"]), f"{e['start']} {e['summary']}", w["message"], found)
    console.print(warnings)


def register(app: typer.Typer) -> None:
    @app.command("oversight")
    def oversight(
        ctx: typer.Context,
        today: str | None = typer.Option(
            None, "--today", help="Judge as of this day (YYYY-MM-DD; default: today)."
        ),
        horizon: int = typer.Option(
            HORIZON_DAYS, "--horizon", min=0, max=3650, help="Follow-ups due within N days."
        ),
        fmt: Format = FormatOption,
    ) -> None:
        """Accountability: objectives on track / at risk / missed, follow-ups due and overdue,
        and vetting warnings for police and military engagements (with event-data evidence)."""
        as_of = full_date(today, field="today") if today else date.today()
        events = EventTables(state(ctx).settings.events_dir)
        with session(ctx) as s:
            data = accountability(s, today=as_of, events=events, horizon_days=horizon).to_dict()
        if fmt is Format.json:
            print_json(data)
        else:
            render(data)
