"""``/api/v1/me`` and ``/api/v1/taxonomy/{vocabulary}``."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter

from multitrack.api.deps import PrincipalDep, SessionDep
from multitrack.api.schemas import Me, TermOut
from multitrack.security.levels import level_name
from multitrack.services.vocabulary import taxonomy_for

router = APIRouter(tags=["meta"])

Vocabulary = Literal[
    "tracks",
    "sectors",
    "engagement_kinds",
    "actor_kinds",
    "agreement_kinds",
    "agreement_statuses",
    "agreement_actions",
    "channel_statuses",
    "membership_roles",
]


@router.get("/me", response_model=Me)
def me(session: SessionDep, principal: PrincipalDep) -> dict[str, Any]:
    """Who the token belongs to: name, role, clearance and organisation."""
    return {
        "name": principal.name,
        "role": principal.role.value,
        "clearance": level_name(session, principal.clearance),
        "organisation": principal.organisation,
    }


@router.get("/taxonomy/{vocabulary}", response_model=list[TermOut])
def taxonomy(session: SessionDep, vocabulary: Vocabulary) -> list[dict[str, Any]]:
    """The entries of one vocabulary: the shipped ones and the organisation's own."""
    return [
        {
            "id": t.id,
            "name": t.name,
            "parent": t.parent,
            "description": t.description,
            "source": t.source,
        }
        for t in taxonomy_for(session).vocabulary(vocabulary)
    ]
