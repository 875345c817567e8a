"""``/api/v1/brokers``: third parties that could mediate between two sides (``multitrack
brokers``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from multitrack.analytics.brokers import brokers
from multitrack.api.deps import SessionDep
from multitrack.api.routes.relations import tables
from multitrack.api.schemas import problem_responses
from multitrack.errors import AmbiguousError, InvalidValueError, NotFoundError
from multitrack.services.actors import resolve_actor

router = APIRouter(prefix="/brokers", tags=["analytics"])

ActorRef = Annotated[str, Query(min_length=1, max_length=300)]


class SideOut(BaseModel):
    id: str
    name: str
    kind: str
    iso3: str | None = None


class ReasonOut(BaseModel):
    part: str = Field(description="reach or neutrality")
    side: str = Field(description="a, b or both: the side(s) the reason concerns")
    text: str
    points: float = Field(description="reach points, or the weight of a tie to one side")
    evidence: list[dict[str, Any]] = Field(
        description="the records (type, id, name ...) or event figures behind the reason"
    )


class BrokerOut(BaseModel):
    actor: SideOut
    score: float
    reach: float
    neutrality: float
    reach_a: float
    reach_b: float
    ties_a: float
    ties_b: float
    reasons: list[ReasonOut]


class BrokersOut(BaseModel):
    a: SideOut
    b: SideOut
    events_used: bool
    basis: str
    candidates: int = Field(description="third parties with reach to both sides")
    brokers: list[BrokerOut]


def _side(session: Session, ref: str, field: str) -> str:
    """The actor's id; unknown, hidden and ambiguous refs are all 422, as for /relations."""
    try:
        return str(resolve_actor(session, ref).id)
    except (NotFoundError, AmbiguousError) as error:
        raise InvalidValueError(field, str(error)) from None


@router.get("", response_model=BrokersOut, responses=problem_responses(400))
def brokers_route(
    request: Request,
    session: SessionDep,
    a: ActorRef,
    b: ActorRef,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> dict[str, Any]:
    """Third parties with channels or cooperative relations with both A and B, ranked by
    reach × neutrality, each with its reasons (``docs/analytics.md``, "Brokers for
    mediation")."""
    first, second = _side(session, a, "a"), _side(session, b, "b")
    return brokers(session, first, second, events=tables(request), limit=limit).to_dict()
