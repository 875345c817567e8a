"""``multitrack report ...``: the actor brief and the accountability report, in HTML or PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from sqlalchemy.orm import Session

from multitrack.cli.context import Format, FormatOption, console, err_console, print_json, session
from multitrack.cli.context import state as cli_state

if TYPE_CHECKING:  # the reports (WeasyPrint, the analytics) load when a report is asked for
    from multitrack.reports import Report, Written

app = typer.Typer(
    help="Reports in HTML or PDF, holding only what you may see: an actor brief, the "
    "accountability report.",
    no_args_is_help=True,
)

OutOption = typer.Option(
    ...,
    "--out",
    "-o",
    help="The file to write: FILE.pdf or FILE.html (the suffix chooses the format).",
    dir_okay=False,
)


def _make(ctx: typer.Context, out: Path, what: str, build: Callable[[Session], Report]) -> Written:
    from multitrack.reports import format_of
    from multitrack.reports import write_report as write_file

    fmt = format_of(out)  # a wrong suffix fails before any work
    with err_console.status(f"Gathering {what}…") as status:
        with session(ctx) as s:
            report = build(s)
        status.update(f"Laying out {out.name} ({fmt.upper()})…")
        return write_file(report, out)


def _show(written: Written, fmt: Format) -> None:
    if fmt is Format.json:
        print_json(written.summary())
        return
    pages = f", {written.rendered.pages} pages" if written.rendered.pages is not None else ""
    console.print(
        f"Wrote [bold]{written.path}[/] ({written.rendered.format.upper()}{pages}), "
        f"marked [bold]{written.report.classification}[/]: "
        f"{', '.join(written.report.sections)}."
    )
    for note in written.report.omitted:
        console.print(f"[dim]{note}[/]")


@app.command("brief")
def brief_report(
    ctx: typer.Context,
    actor: str = typer.Argument(..., help="Actor name, alias, code or id."),
    out: Path = OutOption,
    fmt: Format = FormatOption,
) -> None:
    """The brief of one actor: memberships, channels, coverage heat map, relations trend
    (from the event store), ego network, recent engagements, agreements in force, open
    follow-ups. ``--format json`` prints what was written."""
    events_dir = cli_state(ctx).settings.events_dir

    def build(s: Session) -> Report:
        from multitrack.analytics.coverage import events_for
        from multitrack.reports import build_brief

        return build_brief(s, actor, events=events_for(events_dir))

    _show(_make(ctx, out, f"the brief of {actor}", build), fmt)


@app.command("accountability")
def accountability_report(
    ctx: typer.Context, out: Path = OutOption, fmt: Format = FormatOption
) -> None:
    """Objectives with their status, vetting warnings, follow-ups overdue and due.
    ``--format json`` prints what was written."""
    events_dir = cli_state(ctx).settings.events_dir

    def build(s: Session) -> Report:
        from multitrack.analytics.coverage import events_for
        from multitrack.reports import build_accountability

        return build_accountability(s, events=events_for(events_dir))

    _show(_make(ctx, out, "the accountability report", build), fmt)
