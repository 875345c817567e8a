"""``/api/v1/engagements``: meetings, talks and other engagements on a channel."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

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
from multitrack.security.principal import Principal
from multitrack.services.listing import get_record
from multitrack.services.vetting import engagement_warnings
from multitrack.store import Store

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


class VettingWarningOut(BaseModel):
    """A participant of a police or military engagement that is flagged or not cleared."""

    model_config = ConfigDict(extra="allow")

    actor: dict[str, Any] = Field(description="The participant: id, name, kind.")
    status: str = Field(description="Its standing: flagged, pending or unvetted.")
    record: dict[str, Any] | None = Field(description="The vetting record that decides it.")
    via: dict[str, Any] | None = Field(description="The parent whose flag reaches it.")
    message: str


class EngagementWritten(EngagementOut):
    """An engagement as saved, with the vetting warnings it raises (saved all the same)."""

    warnings: list[VettingWarningOut] = Field(
        description="Vetting warnings: for an engagement of a police or military kind, each "
        "participant that is flagged, or is a unit, force or person without a clearance."
    )


def _with_warnings(store: Store, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    with store.session(principal) as session:
        row = get_record(session, KIND, data["id"])
        data["warnings"] = [w.to_dict() for w in engagement_warnings(session, row)]
    return data


@router.post(
    "", response_model=EngagementWritten, status_code=201, responses=problem_responses(403, 409)
)
def create_engagement(
    store: StoreDep, principal: PrincipalDep, body: EngagementRecord
) -> dict[str, Any]:
    return _with_warnings(store, principal, create(store, principal, KIND, body))


@router.put(
    "/{engagement_id}",
    response_model=EngagementWritten,
    responses=problem_responses(403, 404, 409),
)
def replace_engagement(
    store: StoreDep, principal: PrincipalDep, engagement_id: uuid.UUID, body: EngagementRecord
) -> dict[str, Any]:
    return _with_warnings(store, principal, replace(store, principal, KIND, engagement_id, body))


@router.delete(
    "/{engagement_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(403, 404, 409),
)
def delete_engagement(store: StoreDep, principal: PrincipalDep, engagement_id: uuid.UUID) -> None:
    remove(store, principal, KIND, engagement_id)
