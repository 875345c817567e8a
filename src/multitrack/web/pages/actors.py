"""The actor page: channels by counterpart, track and sector; engagements; agreements;
memberships; and relations from event data."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from multitrack.services.actors import resolve_actor
from multitrack.services.brief import brief
from multitrack.services.queries import (
    actor_detail,
    agreement_view,
    engagement_view,
    list_agreements,
    list_engagements,
)
from multitrack.services.vocabulary import taxonomy_for
from multitrack.web.charts import engagement_timeline
from multitrack.web.core import WebRoute, page_session, render
from multitrack.web.relations import actor_relations

router = APIRouter(route_class=WebRoute)


@router.get("/actors/{ref}")
def actor_page(request: Request, ref: str, partner: str | None = None) -> Response:
    with page_session(request) as (_, principal, session):
        actor = resolve_actor(session, ref)
        key = str(actor.id)
        summary = brief(session, key)
        engagements = [engagement_view(e) for e in list_engagements(session, actor=key)]
        taxonomy = taxonomy_for(session)
        context = {
            "title": actor.name,
            "actor": actor_detail(session, actor),
            "brief": summary,
            "track_names": {t.id: t.name for t in taxonomy.tracks},
            "sector_names": {s.id: s.name for s in taxonomy.sectors},
            "engagements": engagements,
            "timeline": engagement_timeline(engagements, label=f"Engagements of {actor.name}"),
            "agreements": [agreement_view(a) for a in list_agreements(session, actor=key)],
            "relations": actor_relations(request, session, actor, partner),
        }
        return render(request, "actor.html", context, principal=principal)
