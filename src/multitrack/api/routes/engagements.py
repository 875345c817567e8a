"""``/api/v1/engagements``: meetings, talks and other engagements on a channel."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Response

from multitrack.api.deps import PrincipalDep, SessionDep, StoreDep
from multitrack.api.routes.common import (
    PagingDep,
    create,
    list_of,
    one,
    remove,
    replace,
    sort_query,
    text_query,
)
from multitrack.api.schemas import EngagementOut, Page, problem_responses
from multitrack.exchange.records import EngagementRecord

KIND = "engagements"
router = APIRouter(prefix="/engagements", tags=["engagements"])


@router.get("", response_model=Page[EngagementOut])
def list_engagements(
    session: SessionDep,
    paging: PagingDep,
    sort: Annotated[str | None, sort_query(KIND)] = None,
    kind: Annotated[str | None, text_query("Engagement kind (taxonomy engagement_kinds).")] = None,
    channel: Annotated[str | None, text_query("Channel: id or exact name.")] = None,
    actor: Annotated[
        str | None, text_query("An actor on its channel or taking part: id, name or code.")
    ] = None,
    since: Annotated[str | None, text_query("Starting on or after (YYYY[-MM[-DD]]).")] = None,
    until: Annotated[str | None, text_query("Starting on or before (YYYY[-MM[-DD]]).")] = None,
) -> dict[str, Any]:
    filters = {"kind": kind, "channel": channel, "actor": actor, "since": since, "until": until}
    return list_of(session, KIND, paging, sort, filters)


@router.get("/{engagement_id}", response_model=EngagementOut, responses=problem_responses(404))
def get_engagement(session: SessionDep, engagement_id: uuid.UUID) -> dict[str, Any]:
    return one(session, KIND, engagement_id)


@router.post(
    "", response_model=EngagementOut, status_code=201, responses=problem_responses(403, 409)
)
def create_engagement(
    store: StoreDep, principal: PrincipalDep, body: EngagementRecord
) -> dict[str, Any]:
    return create(store, principal, KIND, body)


@router.put(
    "/{engagement_id}", response_model=EngagementOut, responses=problem_responses(403, 404, 409)
)
def replace_engagement(
    store: StoreDep, principal: PrincipalDep, engagement_id: uuid.UUID, body: EngagementRecord
) -> dict[str, Any]:
    return replace(store, principal, KIND, engagement_id, body)


@router.delete(
    "/{engagement_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(403, 404, 409),
)
def delete_engagement(store: StoreDep, principal: PrincipalDep, engagement_id: uuid.UUID) -> None:
    remove(store, principal, KIND, engagement_id)
