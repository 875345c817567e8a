"""The accountability report: objectives and their status, vetting warnings with the evidence
from event data, follow-ups overdue and due (:func:`multitrack.analytics.oversight.
accountability`, laid out for print)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from multitrack.analytics.oversight import accountability
from multitrack.reports.document import Report
from multitrack.reports.marking import marking
from multitrack.security.gate import principal_of

if TYPE_CHECKING:
    from multitrack.services.event_tables import EventTables

SECTIONS = ["Objectives", "Vetting warnings", "Follow-ups overdue", "Follow-ups due"]


def build_accountability(
    session: Session, *, events: EventTables | None = None, today: date | None = None
) -> Report:
    """Objectives, vetting warnings and follow-ups as the session's principal may see them;
    ``events``: the event store, for the evidence attached to flagged vetting records."""
    if events is not None and events.store.is_empty():
        events = None
    found = accountability(session, today=today, events=events).to_dict()
    context: dict[str, Any] = {
        "today": found["today"],
        "counts": {k: v for k, v in found["status_counts"].items() if v},
        "horizon_days": found["horizon_days"],
        "objectives": found["objectives"],
        "warnings": found["vetting_warnings"],
        "overdue": found["follow_ups"]["overdue"],
        "due": found["follow_ups"]["due"],
    }
    rank, name = marking(session, context)
    return Report(
        kind="accountability",
        title="Accountability report",
        subject=found["today"],
        classification=name,
        classification_rank=rank,
        prepared_for=principal_of(session).name,
        sections=list(SECTIONS),
        context=context,
    )
