"""``/api/v1/impact/{record_id}``: did an engagement or an agreement milestone move its dyads?"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from multitrack.analytics.impact import MAX_WINDOW, MIN_WINDOW, impact
from multitrack.api.deps import SessionDep
from multitrack.api.routes.relations import tables
from multitrack.api.schemas import problem_responses

router = APIRouter(prefix="/impact", tags=["analytics"])


@router.get("/{record_id}", responses=problem_responses(400, 404))
def record_impact(
    request: Request,
    session: SessionDep,
    record_id: str,
    window: Annotated[
        int, Query(ge=MIN_WINDOW, le=MAX_WINDOW, description="Days before and from the milestone.")
    ] = 90,
    by: Literal["day", "week", "month"] = "week",
    milestone: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Engagement: start or end. Agreement: adopted, in_force or "
            "ACTION:PARTY (e.g. ratification:USA). Default: the first date recorded.",
        ),
    ] = None,
) -> dict[str, Any]:
    """The relations of each dyad the record concerns in the window before and after its
    milestone, the change, and whether it exceeds the dyad's usual variation (the output of
    ``multitrack impact --format json``). A hidden record answers like a missing one."""
    return impact(
        session, tables(request), record_id, window_days=window, by=by, milestone=milestone
    ).to_dict()
