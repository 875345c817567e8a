"""``/api/v1/actors``: states, organisations and every other actor."""

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
from multitrack.api.schemas import ActorOut, Page, problem_responses
from multitrack.exchange.records import ActorRecord

KIND = "actors"
router = APIRouter(prefix="/actors", tags=["actors"])


@router.get("", response_model=Page[ActorOut])
def list_actors(
    session: SessionDep,
    paging: PagingDep,
    sort: Annotated[str | None, sort_query(KIND)] = None,
    kind: Annotated[str | None, text_query("Actor kind (taxonomy actor_kinds).")] = None,
    country: Annotated[str | None, text_query("Country: ISO3 code or name.")] = None,
    parent: Annotated[str | None, text_query("Parent actor: id, name or code.")] = None,
) -> dict[str, Any]:
    filters = {"kind": kind, "country": country, "parent": parent}
    return list_of(session, KIND, paging, sort, filters)


@router.get("/{actor_id}", response_model=ActorOut, responses=problem_responses(404))
def get_actor(session: SessionDep, actor_id: uuid.UUID) -> dict[str, Any]:
    return one(session, KIND, actor_id)


@router.post("", response_model=ActorOut, status_code=201, responses=problem_responses(403, 409))
def create_actor(store: StoreDep, principal: PrincipalDep, body: ActorRecord) -> dict[str, Any]:
    return create(store, principal, KIND, body)


@router.put("/{actor_id}", response_model=ActorOut, responses=problem_responses(403, 404, 409))
def replace_actor(
    store: StoreDep, principal: PrincipalDep, actor_id: uuid.UUID, body: ActorRecord
) -> dict[str, Any]:
    return replace(store, principal, KIND, actor_id, body)


@router.delete(
    "/{actor_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(403, 404, 409),
)
def delete_actor(store: StoreDep, principal: PrincipalDep, actor_id: uuid.UUID) -> None:
    remove(store, principal, KIND, actor_id)
