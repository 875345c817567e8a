"""``/api/v1/objectives``: objectives, their indicators and measurements."""

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
from multitrack.api.schemas import ObjectiveOut, Page, problem_responses
from multitrack.exchange.records import ObjectiveRecord

KIND = "objectives"
router = APIRouter(prefix="/objectives", tags=["objectives"])


@router.get("", response_model=Page[ObjectiveOut])
def list_objectives(
    session: SessionDep,
    paging: PagingDep,
    sort: Annotated[str | None, sort_query(KIND)] = None,
    sector: Annotated[str | None, text_query("Sector (taxonomy sectors).")] = None,
    actor: Annotated[str | None, text_query("Actor concerned: id, name or code.")] = None,
    channel: Annotated[str | None, text_query("Channel: id or exact name.")] = None,
    agreement: Annotated[str | None, text_query("Agreement: id or exact name.")] = None,
) -> dict[str, Any]:
    filters = {"sector": sector, "actor": actor, "channel": channel, "agreement": agreement}
    return list_of(session, KIND, paging, sort, filters)


@router.get("/{objective_id}", response_model=ObjectiveOut, responses=problem_responses(404))
def get_objective(session: SessionDep, objective_id: uuid.UUID) -> dict[str, Any]:
    return one(session, KIND, objective_id)


@router.post(
    "", response_model=ObjectiveOut, status_code=201, responses=problem_responses(403, 409)
)
def create_objective(
    store: StoreDep, principal: PrincipalDep, body: ObjectiveRecord
) -> dict[str, Any]:
    return create(store, principal, KIND, body)


@router.put(
    "/{objective_id}", response_model=ObjectiveOut, responses=problem_responses(403, 404, 409)
)
def replace_objective(
    store: StoreDep, principal: PrincipalDep, objective_id: uuid.UUID, body: ObjectiveRecord
) -> dict[str, Any]:
    return replace(store, principal, KIND, objective_id, body)


@router.delete(
    "/{objective_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(403, 404, 409),
)
def delete_objective(store: StoreDep, principal: PrincipalDep, objective_id: uuid.UUID) -> None:
    remove(store, principal, KIND, objective_id)
