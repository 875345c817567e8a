"""``/api/v1/vetting``: human-rights vetting records of actors and units.

One record comes with its subject's standing and, as evidence, the adverse events (CAMEO
18-20) by the subject's forces in the event store, read at the time of the request.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import ConfigDict, Field

from multitrack.analytics.evidence import evidence_for
from multitrack.api.deps import PrincipalDep, SessionDep, StoreDep
from multitrack.api.routes.common import (
    PagingDep,
    create,
    list_of,
    remove,
    replace,
    sort_query,
    text_query,
)
from multitrack.api.routes.relations import tables
from multitrack.api.schemas import Labels, Page, problem_responses
from multitrack.exchange.exporter import labelled_records
from multitrack.exchange.records import VettingRecord
from multitrack.services.listing import get_record
from multitrack.services.vetting import Vettings

KIND = "vetting"
router = APIRouter(prefix="/vetting", tags=["vetting"])


class VettingOut(Labels):
    id: str
    subject: str = Field(description="The vetted actor's id.")
    status: Literal["cleared", "flagged", "pending"]
    date: str
    notes: str | None
    source: str | None


class VettingDetailOut(VettingOut):
    model_config = ConfigDict(extra="allow")

    standing: dict[str, Any] = Field(
        description="Where the subject stands now (its newest record, or a parent's newer "
        "flag): actor, status (cleared, flagged, pending, unvetted), record, via."
    )
    evidence: dict[str, Any] = Field(
        description="Adverse events (CAMEO 18-20) by the subject's forces in the event store: "
        "match, total, by_root, the newest events with their source_url; synthetic datasets "
        "left out."
    )


@router.get("", response_model=Page[VettingOut])
def list_vetting(
    session: SessionDep,
    paging: PagingDep,
    sort: Annotated[str | None, sort_query(KIND)] = None,
    subject: Annotated[str | None, text_query("The vetted actor: id, name or code.")] = None,
    status: Annotated[
        Literal["cleared", "flagged", "pending"] | None, Query(description="The finding.")
    ] = None,
) -> dict[str, Any]:
    return list_of(session, KIND, paging, sort, {"subject": subject, "status": status})


@router.get("/{vetting_id}", response_model=VettingDetailOut, responses=problem_responses(404))
def get_vetting(request: Request, session: SessionDep, vetting_id: uuid.UUID) -> dict[str, Any]:
    row = get_record(session, KIND, vetting_id)
    data = labelled_records(session, KIND, [row])[0]
    data["standing"] = Vettings(session).standing(row.subject).to_dict()
    data["evidence"] = evidence_for(row, tables(request)).to_dict()
    return data


@router.post("", response_model=VettingOut, status_code=201, responses=problem_responses(403, 409))
def create_vetting(store: StoreDep, principal: PrincipalDep, body: VettingRecord) -> dict[str, Any]:
    return create(store, principal, KIND, body)


@router.put("/{vetting_id}", response_model=VettingOut, responses=problem_responses(403, 404, 409))
def replace_vetting(
    store: StoreDep, principal: PrincipalDep, vetting_id: uuid.UUID, body: VettingRecord
) -> dict[str, Any]:
    return replace(store, principal, KIND, vetting_id, body)


@router.delete(
    "/{vetting_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(403, 404, 409),
)
def delete_vetting(store: StoreDep, principal: PrincipalDep, vetting_id: uuid.UUID) -> None:
    remove(store, principal, KIND, vetting_id)
