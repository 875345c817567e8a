"""``/api/v1/memberships``: memberships of actors in organisations, with dates."""

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
from multitrack.api.schemas import MembershipOut, Page, problem_responses
from multitrack.exchange.records import MembershipRecord

KIND = "memberships"
router = APIRouter(prefix="/memberships", tags=["memberships"])


@router.get("", response_model=Page[MembershipOut])
def list_memberships(
    session: SessionDep,
    paging: PagingDep,
    sort: Annotated[str | None, sort_query(KIND)] = None,
    member: Annotated[str | None, text_query("Member actor: id, name or code.")] = None,
    organisation: Annotated[str | None, text_query("Organisation actor: id, name or code.")] = None,
    role: Annotated[str | None, text_query("Role (taxonomy membership_roles).")] = None,
) -> dict[str, Any]:
    filters = {"member": member, "organisation": organisation, "role": role}
    return list_of(session, KIND, paging, sort, filters)


@router.get("/{membership_id}", response_model=MembershipOut, responses=problem_responses(404))
def get_membership(session: SessionDep, membership_id: uuid.UUID) -> dict[str, Any]:
    return one(session, KIND, membership_id)


@router.post(
    "", response_model=MembershipOut, status_code=201, responses=problem_responses(403, 409)
)
def create_membership(
    store: StoreDep, principal: PrincipalDep, body: MembershipRecord
) -> dict[str, Any]:
    return create(store, principal, KIND, body)


@router.put(
    "/{membership_id}", response_model=MembershipOut, responses=problem_responses(403, 404, 409)
)
def replace_membership(
    store: StoreDep, principal: PrincipalDep, membership_id: uuid.UUID, body: MembershipRecord
) -> dict[str, Any]:
    return replace(store, principal, KIND, membership_id, body)


@router.delete(
    "/{membership_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(403, 404, 409),
)
def delete_membership(store: StoreDep, principal: PrincipalDep, membership_id: uuid.UUID) -> None:
    remove(store, principal, KIND, membership_id)
