"""``/api/v1/agreements``: agreements, their parties and their actions."""

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
from multitrack.api.schemas import AgreementOut, Page, problem_responses
from multitrack.exchange.records import AgreementRecord

KIND = "agreements"
router = APIRouter(prefix="/agreements", tags=["agreements"])


@router.get("", response_model=Page[AgreementOut])
def list_agreements(
    session: SessionDep,
    paging: PagingDep,
    sort: Annotated[str | None, sort_query(KIND)] = None,
    kind: Annotated[str | None, text_query("Agreement kind (taxonomy agreement_kinds).")] = None,
    status: Annotated[str | None, text_query("Status (taxonomy agreement_statuses).")] = None,
    sector: Annotated[str | None, text_query("Sector (taxonomy sectors).")] = None,
    actor: Annotated[str | None, text_query("A party: id, name or code.")] = None,
) -> dict[str, Any]:
    filters = {"kind": kind, "status": status, "sector": sector, "actor": actor}
    return list_of(session, KIND, paging, sort, filters)


@router.get("/{agreement_id}", response_model=AgreementOut, responses=problem_responses(404))
def get_agreement(session: SessionDep, agreement_id: uuid.UUID) -> dict[str, Any]:
    return one(session, KIND, agreement_id)


@router.post(
    "", response_model=AgreementOut, status_code=201, responses=problem_responses(403, 409)
)
def create_agreement(
    store: StoreDep, principal: PrincipalDep, body: AgreementRecord
) -> dict[str, Any]:
    return create(store, principal, KIND, body)


@router.put(
    "/{agreement_id}", response_model=AgreementOut, responses=problem_responses(403, 404, 409)
)
def replace_agreement(
    store: StoreDep, principal: PrincipalDep, agreement_id: uuid.UUID, body: AgreementRecord
) -> dict[str, Any]:
    return replace(store, principal, KIND, agreement_id, body)


@router.delete(
    "/{agreement_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(403, 404, 409),
)
def delete_agreement(store: StoreDep, principal: PrincipalDep, agreement_id: uuid.UUID) -> None:
    remove(store, principal, KIND, agreement_id)
