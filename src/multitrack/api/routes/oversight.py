"""``/api/v1/oversight``: objectives and their status, follow-ups due and overdue, vetting
warnings (the body of ``multitrack oversight --format json``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from multitrack.analytics.oversight import HORIZON_DAYS, accountability
from multitrack.api.deps import SessionDep
from multitrack.api.routes.relations import tables
from multitrack.api.schemas import problem_responses
from multitrack.values import full_date

router = APIRouter(tags=["oversight"])


class OversightOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    today: str
    horizon_days: int
    status_counts: dict[str, int] = Field(
        description="Objectives by status: on track, at risk, missed, no data."
    )
    objectives: list[dict[str, Any]] = Field(
        description="Each objective's status and its indicators' (status, reason, baseline, "
        "target, latest, progress, expected); the rule is in docs/analytics.md."
    )
    follow_ups: dict[str, list[dict[str, Any]]] = Field(
        description="'due' (within horizon_days) and 'overdue' open follow-ups."
    )
    vetting_warnings: list[dict[str, Any]] = Field(
        description="Police or military engagements with a flagged or unvetted participant, "
        "with the deciding record and the evidence from event data of a flag."
    )


@router.get("/oversight", response_model=OversightOut, responses=problem_responses(422))
def oversight(
    request: Request,
    session: SessionDep,
    today: Annotated[
        str | None, Query(max_length=10, description="Judge as of this day (YYYY-MM-DD).")
    ] = None,
    horizon: Annotated[
        int, Query(ge=0, le=3650, description="Follow-ups due within this many days.")
    ] = HORIZON_DAYS,
) -> dict[str, Any]:
    as_of = full_date(today, field="today") if today else None
    found = accountability(session, today=as_of, events=tables(request), horizon_days=horizon)
    return found.to_dict()
