"""``/api/v1/channels``: channels between actors, on a track and in a sector."""

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
from multitrack.api.schemas import ChannelOut, Page, problem_responses
from multitrack.exchange.records import ChannelRecord

KIND = "channels"
router = APIRouter(prefix="/channels", tags=["channels"])


@router.get("", response_model=Page[ChannelOut])
def list_channels(
    session: SessionDep,
    paging: PagingDep,
    sort: Annotated[str | None, sort_query(KIND)] = None,
    track: Annotated[str | None, text_query("Track (taxonomy tracks).")] = None,
    sector: Annotated[str | None, text_query("Sector (taxonomy sectors).")] = None,
    status: Annotated[str | None, text_query("Status (taxonomy channel_statuses).")] = None,
    actor: Annotated[str | None, text_query("A participant: id, name or code.")] = None,
) -> dict[str, Any]:
    filters = {"track": track, "sector": sector, "status": status, "actor": actor}
    return list_of(session, KIND, paging, sort, filters)


@router.get("/{channel_id}", response_model=ChannelOut, responses=problem_responses(404))
def get_channel(session: SessionDep, channel_id: uuid.UUID) -> dict[str, Any]:
    return one(session, KIND, channel_id)


@router.post("", response_model=ChannelOut, status_code=201, responses=problem_responses(403, 409))
def create_channel(store: StoreDep, principal: PrincipalDep, body: ChannelRecord) -> dict[str, Any]:
    return create(store, principal, KIND, body)


@router.put("/{channel_id}", response_model=ChannelOut, responses=problem_responses(403, 404, 409))
def replace_channel(
    store: StoreDep, principal: PrincipalDep, channel_id: uuid.UUID, body: ChannelRecord
) -> dict[str, Any]:
    return replace(store, principal, KIND, channel_id, body)


@router.delete(
    "/{channel_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(403, 404, 409),
)
def delete_channel(store: StoreDep, principal: PrincipalDep, channel_id: uuid.UUID) -> None:
    remove(store, principal, KIND, channel_id)
