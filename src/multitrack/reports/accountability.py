"""The accountability report: objectives and their status, vetting warnings, follow-ups."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from multitrack.exchange.exporter import objective_record
from multitrack.reports.document import Report
from multitrack.reports.marking import marking
from multitrack.security.gate import principal_of
from multitrack.services.queries import list_objectives, open_follow_ups


def _objective(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "title": record["title"],
        "target_date": record["target_date"],
        "status": None,
        "indicators": [
            {
                "name": i["name"],
                "unit": i["unit"],
                "baseline": i["baseline"],
                "target": i["target"],
                "latest": i["measurements"][-1]["value"] if i["measurements"] else None,
                "latest_date": i["measurements"][-1]["date"] if i["measurements"] else None,
                "status": None,
                "reason": None,
            }
            for i in record["indicators"]
        ],
    }


def build_accountability(session: Session, *, today: date | None = None) -> Report:
    """Objectives, vetting warnings and follow-ups as the session's principal may see them."""
    when = today or date.today()
    follow_ups = open_follow_ups(session, today=when)
    context: dict[str, Any] = {
        "today": when.isoformat(),
        "counts": {},
        "horizon_days": None,
        "objectives": [_objective(objective_record(o)) for o in list_objectives(session)],
        "warnings": None,
        "warnings_note": "Vetting warnings are not available in this version.",
        "overdue": [f for f in follow_ups if f["overdue"]],
        "due": [f for f in follow_ups if not f["overdue"]],
    }
    sections = ["Objectives", "Follow-ups overdue", "Follow-ups due"]
    rank, name = marking(session, context)
    return Report(
        kind="accountability",
        title="Accountability report",
        subject=when.isoformat(),
        classification=name,
        classification_rank=rank,
        prepared_for=principal_of(session).name,
        sections=sections,
        context=context,
        omitted=["Vetting warnings: not available in this version."],
    )
