"""Oversight: objectives and their status, follow-ups due and overdue, vetting warnings.

:func:`accountability` gathers the three for one principal (the session's); the status rule
is in :mod:`multitrack.analytics.progress`, the vetting rule in
:mod:`multitrack.services.vetting`, the evidence from event data in
:mod:`multitrack.analytics.evidence`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from multitrack.analytics.evidence import Evidence, evidence_for
from multitrack.analytics.progress import STATUSES, Reading, combined, indicator_status
from multitrack.model import Objective
from multitrack.services.event_tables import EventTables
from multitrack.services.queries import list_objectives, open_follow_ups
from multitrack.services.vetting import VettingWarning, all_warnings

#: Follow-ups falling due within this many days are "due".
HORIZON_DAYS = 30


@dataclass(frozen=True)
class IndicatorStatus:
    id: str
    name: str
    unit: str | None
    target: float | None
    reading: Reading

    def to_dict(self) -> dict[str, Any]:
        r = self.reading
        return {
            "id": self.id,
            "name": self.name,
            "unit": self.unit,
            "status": r.status,
            "reason": r.reason,
            "baseline": r.baseline,
            "target": self.target,
            "latest": r.latest,
            "latest_date": None if r.latest_date is None else r.latest_date.isoformat(),
            "progress": None if r.progress is None else round(r.progress, 4),
            "expected": None if r.expected is None else round(r.expected, 4),
            "reached_on": None if r.reached_on is None else r.reached_on.isoformat(),
        }


@dataclass(frozen=True)
class ObjectiveStatus:
    id: str
    title: str
    target_date: date | None
    start: date
    status: str
    indicators: tuple[IndicatorStatus, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "start": self.start.isoformat(),
            "target_date": None if self.target_date is None else self.target_date.isoformat(),
            "status": self.status,
            "indicators": [i.to_dict() for i in self.indicators],
        }


def objective_start(objective: Objective) -> date:
    """Where the expected progress starts: the first measurement, or the day it was recorded."""
    dates = [m.date for i in objective.indicators for m in i.measurements]
    recorded = objective.created_at.date() if objective.created_at else date.today()
    return min([*dates, recorded])


def objective_status(objective: Objective, *, today: date) -> ObjectiveStatus:
    start = objective_start(objective)
    indicators = tuple(
        IndicatorStatus(
            id=str(i.id),
            name=i.name,
            unit=i.unit,
            target=i.target,
            reading=indicator_status(
                baseline=i.baseline,
                target=i.target,
                measurements=[(m.date, m.value) for m in i.measurements],
                start=start,
                due=objective.target_date,
                today=today,
            ),
        )
        for i in objective.indicators
    )
    return ObjectiveStatus(
        id=str(objective.id),
        title=objective.title,
        target_date=objective.target_date,
        start=start,
        status=combined([i.reading.status for i in indicators]),
        indicators=indicators,
    )


@dataclass(frozen=True)
class Accountability:
    today: date
    horizon_days: int
    objectives: tuple[ObjectiveStatus, ...]
    due: tuple[dict[str, Any], ...]
    overdue: tuple[dict[str, Any], ...]
    warnings: tuple[VettingWarning, ...]
    evidence: dict[str, Evidence] = field(default_factory=dict)  # by vetting record id

    @property
    def status_counts(self) -> dict[str, int]:
        counts = Counter(o.status for o in self.objectives)
        return {status: counts.get(status, 0) for status in STATUSES}

    def to_dict(self) -> dict[str, Any]:
        warnings = []
        for w in self.warnings:
            item = w.to_dict()
            record = w.standing.record
            found = None if record is None else self.evidence.get(str(record.id))
            item["evidence"] = None if found is None else found.to_dict()
            warnings.append(item)
        return {
            "today": self.today.isoformat(),
            "horizon_days": self.horizon_days,
            "status_counts": self.status_counts,
            "objectives": [o.to_dict() for o in self.objectives],
            "follow_ups": {"due": list(self.due), "overdue": list(self.overdue)},
            "vetting_warnings": warnings,
        }


def follow_ups(
    session: Session, *, today: date, horizon_days: int = HORIZON_DAYS
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Open follow-ups due from today to ``horizon_days`` ahead, and those past due (most
    overdue first), each with its days to go or days late."""
    horizon = today + timedelta(days=horizon_days)
    due: list[dict[str, Any]] = []
    overdue: list[dict[str, Any]] = []
    for item in open_follow_ups(session, today=today):
        if item["due"] is None:
            continue
        when = date.fromisoformat(item["due"])
        if when < today:
            overdue.append({**item, "days_late": (today - when).days})
        elif when <= horizon:
            due.append({**item, "days_left": (when - today).days})
    return due, overdue


def accountability(
    session: Session,
    *,
    today: date | None = None,
    events: EventTables | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> Accountability:
    """Objectives with their status, follow-ups due and overdue, and vetting warnings (with
    evidence from ``events`` for each flagging record), as the session's principal sees them."""
    today = today or date.today()
    objectives = tuple(objective_status(o, today=today) for o in list_objectives(session))
    due, overdue = follow_ups(session, today=today, horizon_days=horizon_days)
    warnings = tuple(all_warnings(session))
    evidence: dict[str, Evidence] = {}
    if events is not None:
        for w in warnings:
            record = w.standing.record
            if record is not None and record.status == "flagged":
                key = str(record.id)
                if key not in evidence:
                    evidence[key] = evidence_for(record, events)
    return Accountability(
        today=today,
        horizon_days=horizon_days,
        objectives=objectives,
        due=tuple(due),
        overdue=tuple(overdue),
        warnings=warnings,
        evidence=evidence,
    )
