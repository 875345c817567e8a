"""Our records on the event-data charts, and the "did it move the dyad?" panel of a record page.

* :func:`chart_marks` — the engagements and agreement dates concerning a dyad, as chart markers
  (only what the session may see: the records come through the gated session);
* :func:`channel_relations` — the channel page's relations charts between two of its states,
  with the channel's engagements marked;
* :func:`impact_panel` — the record page's before/after comparison with one chart per dyad.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from multitrack.analytics.impact import (
    ALPHA,
    MIN_EVENTS,
    MIN_REFERENCES,
    dyad_marks,
    impact,
    sides_of,
)
from multitrack.errors import MultitrackError
from multitrack.events.parties import Party
from multitrack.events.periods import check_period, period_end
from multitrack.events.relations import dyad_series
from multitrack.model import Agreement, Channel, Engagement
from multitrack.services.event_tables import EventTables
from multitrack.web.charts import ChartMarker, impact_chart, relations_chart
from multitrack.web.events import event_source

#: Charts drawn on a record page (the dyads with most events around the milestone first).
PANEL_CHARTS = 6


def event_tables(request: Request) -> EventTables:
    """The app's event tables (shared with the API routes: one cache per app)."""
    found = getattr(request.app.state, "event_tables", None)
    if not isinstance(found, EventTables):
        found = EventTables(request.app.state.settings.events_dir)
        request.app.state.event_tables = found
    return found


def chart_marks(
    session: Session,
    a: Party,
    b: Party,
    first: date,
    last: date,
    *,
    channel_id: uuid.UUID | None = None,
) -> list[ChartMarker]:
    """Markers for a relations chart of ``a`` and ``b`` over ``[first, last]``."""
    return [
        ChartMarker(date=m.date, label=m.label, href=m.href, kind=m.kind)
        for m in dyad_marks(session, a, b, first, last, channel_id=channel_id)
    ]


def channel_relations(
    request: Request, session: Session, channel: Channel, chosen: str | None
) -> dict[str, Any]:
    """The relations between two states of the channel (``chosen``: ``AAA-BBB``, else the first
    pair), one chart per direction, with the channel's engagements marked."""
    result: dict[str, Any] = {
        "charts": [],
        "marks": [],
        "pairs": [],
        "chosen": None,
        "message": None,
    }
    sides, _ = sides_of(session, [p.actor for p in channel.participants])
    pairs = [
        (a.party, b.party)
        for i, a in enumerate(sides)
        for b in sides[i + 1 :]
        if a.party.label != b.party.label
    ]
    result["pairs"] = [
        {"key": f"{a.label}-{b.label}", "label": f"{a.name or a.label} – {b.name or b.label}"}
        for a, b in pairs
    ]
    if not pairs:
        result["message"] = "Fewer than two states take part in this channel: no dyad to chart."
        return result
    pick = next((p for p in pairs if f"{p[0].label}-{p[1].label}" == chosen), pairs[0])
    result["chosen"] = f"{pick[0].label}-{pick[1].label}"
    source = event_source(request)
    if source is None:
        result["message"] = "No event data has been ingested yet (multitrack events ingest)."
        return result
    result["charts"], result["marks"] = _pair_charts(
        session, source.events, pick[0], pick[1], channel.id
    )
    if not result["charts"]:
        result["message"] = (
            f"No events between {pick[0].name or pick[0].label} and "
            f"{pick[1].name or pick[1].label} in the event store."
        )
    return result


def _pair_charts(
    session: Session, events: Any, a: Party, b: Party, channel_id: uuid.UUID | None
) -> tuple[list[dict[str, Any]], list[ChartMarker]]:
    out = dyad_series(events, a, b, "month")
    back = dyad_series(events, b, a, "month")
    starts = [s.rows[0].start for s in (out, back) if s.rows]
    ends = [s.rows[-1].start for s in (out, back) if s.rows]
    if not starts:
        return [], []
    first, last = min(starts), max(ends)
    marks = chart_marks(session, a, b, first, period_end(last, "month"), channel_id=channel_id)
    charts = []
    for x, y in ((a, b), (b, a)):
        series = dyad_series(events, x, y, "month", start=first, end=last)
        label = f"{x.name or x.label} → {y.name or y.label}"
        charts.append(
            {
                "label": label,
                "events": sum(r.events for r in series.rows),
                "marks": len(marks),
                "svg": relations_chart(
                    series.rows, label=f"Events {label} by month", markers=marks
                ),
            }
        )
    return charts, marks


def impact_panel(
    request: Request,
    session: Session,
    row: Engagement | Agreement,
    *,
    window: int = 90,
    by: str = "week",
    milestone: str | None = None,
) -> dict[str, Any]:
    """What the record page's "did it move the dyad?" panel shows, or why it shows nothing."""
    panel: dict[str, Any] = {
        "window": window,
        "by": by,
        "milestone": milestone,
        "result": None,
        "charts": [],
        "message": None,
        "min_events": MIN_EVENTS,
        "min_references": MIN_REFERENCES,
        "alpha": ALPHA,
    }
    tables = event_tables(request)
    if tables.store.is_empty():
        panel["message"] = "No event data has been ingested yet (multitrack events ingest)."
        return panel
    try:
        result = impact(
            session,
            tables,
            str(row.id),
            window_days=window,
            by=check_period(by),
            milestone=milestone,
        )
    except MultitrackError as error:
        panel["message"] = str(error)
        return panel
    panel["result"] = result
    ranked = sorted(result.dyads, key=lambda d: -(d.before.events + d.after.events))
    panel["charts"] = [
        {"label": d.label, "svg": impact_chart(d)}
        for d in ranked[:PANEL_CHARTS]
        if d.before.events + d.after.events > 0
    ]
    return panel
