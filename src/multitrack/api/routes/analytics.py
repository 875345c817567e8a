"""``/api/v1/coverage``, ``/transitions`` and ``/network/measures``: analytics across tracks.

The same service functions as ``multitrack coverage``, ``transitions`` and ``network`` (their
``--format json`` is these bodies). An actor the caller may not see answers 404, exactly as
an actor that does not exist.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from multitrack.analytics.coverage import MIN_EVENTS, WINDOW_MONTHS, coverage
from multitrack.analytics.networks import measures
from multitrack.analytics.transitions import transitions, transitions_dict
from multitrack.api.deps import SessionDep
from multitrack.api.routes.relations import tables
from multitrack.api.schemas import problem_responses
from multitrack.events.periods import parse_bound

router = APIRouter(tags=["analytics"])


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class GapOut(_Open):
    kind: str = Field(description="traffic_without_channel, track1_only or dormant_worsening")
    counterpart: dict[str, Any]
    sector: str | None
    track: str | None
    channel: dict[str, Any] | None
    score: float = Field(description="Higher matters more; see docs/analytics.md.")
    reasons: list[str]
    evidence: dict[str, Any]


class CoverageOut(_Open):
    actor: dict[str, Any]
    window: dict[str, str] | None = Field(description="The event window, when events were used.")
    events_note: str
    tracks: list[str]
    sectors: list[str]
    matrix: list[dict[str, Any]] = Field(
        description="Active channels per counterpart, sector and track."
    )
    counterparts: list[dict[str, Any]]
    gaps: list[GapOut] = Field(description="Ranked, highest score first.")


class TransitionsOut(_Open):
    transitions: list[dict[str, Any]] = Field(description="Each move, oldest first.")
    journeys: list[dict[str, Any]] = Field(description="Each channel's moves end to end.")


class NetworkMeasuresOut(_Open):
    filters: dict[str, str | None]
    summary: dict[str, Any]
    centrality: list[dict[str, Any]]
    cut_actors: list[dict[str, Any]]
    bridge_ties: list[list[str]]
    communities: list[dict[str, Any]]
    organisation_overlap: list[dict[str, Any]]


Term = Annotated[str | None, Query(max_length=60, description="A taxonomy id.")]


@router.get("/coverage/{actor}", response_model=CoverageOut, responses=problem_responses(404, 422))
def coverage_of(
    request: Request,
    session: SessionDep,
    actor: str,
    window: Annotated[int, Query(ge=3, le=120, description="Months of events.")] = WINDOW_MONTHS,
    min_events: Annotated[int, Query(ge=1, le=1_000_000)] = MIN_EVENTS,
    as_of: Annotated[str | None, Query(max_length=10, description="Judge as of this day.")] = None,
) -> dict[str, Any]:
    """ACTOR's active channels by counterpart × sector × track, and its gaps ranked with
    their reasons (the body of ``multitrack coverage --format json``)."""
    today = parse_bound(as_of, end=True, field="as_of") if as_of else None
    found = tables(request)
    events = None if found.store.is_empty() else found
    result = coverage(
        session, actor, events=events, today=today, window_months=window, min_events=min_events
    )
    return result.to_dict()


@router.get("/transitions", response_model=TransitionsOut, responses=problem_responses(404))
def track_transitions(
    session: SessionDep,
    actor: Annotated[
        str | None, Query(max_length=300, description="Only this actor's channels.")
    ] = None,
) -> dict[str, Any]:
    """Channels that moved between tracks, with dates and who took part at each move."""
    return transitions_dict(transitions(session, actor or None))


@router.get(
    "/network/measures", response_model=NetworkMeasuresOut, responses=problem_responses(422)
)
def network_measures(
    session: SessionDep, track: Term = None, sector: Term = None
) -> dict[str, Any]:
    """Centrality, bridges and communities of the actors tied by channels (of a track and/or
    sector), and the members international organisations share."""
    return measures(session, track=track or None, sector=sector or None).to_dict()
