"""Full-text search across actors, engagements and agreements."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from multitrack.services.search import search
from multitrack.web.core import WebRoute, page_session, render

router = APIRouter(route_class=WebRoute)


@router.get("/search")
def search_page(request: Request, q: str = "") -> Response:
    with page_session(request) as (_, principal, session):
        found = search(session, q) if q.strip() else None
        return render(
            request, "search.html", {"title": "Search", "q": q, "found": found}, principal=principal
        )
