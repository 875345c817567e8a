"""Detail pages of engagements, agreements, objectives and memberships."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from multitrack.exchange.exporter import snapshot
from multitrack.services.listing import get_record
from multitrack.services.queries import agreement_view, engagement_view, membership_view
from multitrack.web.core import WebRoute, page_session, render

router = APIRouter(route_class=WebRoute)

TITLES = {"engagements": "summary", "agreements": "name", "objectives": "title"}


def _view(session: Any, kind: str, row: Any) -> dict[str, Any]:
    labels = snapshot(session, kind, row)
    if kind == "engagements":
        return {**labels, **engagement_view(row)}
    if kind == "agreements":
        return {**labels, **agreement_view(row)}
    if kind == "memberships":
        return {**labels, **membership_view(row)}
    return labels


def _page(request: Request, kind: str, ref: str) -> Response:
    with page_session(request) as (_, principal, session):
        row = get_record(session, kind, ref)
        view = _view(session, kind, row)
        if kind == "memberships":
            title = f"{view['member']['name']} in {view['organisation']['name']}"
        else:
            title = str(view[TITLES[kind]])
        context = {"title": title, "kind": kind, "record": view}
        return render(request, "record.html", context, principal=principal)


@router.get("/engagements/{ref}")
def engagement_page(request: Request, ref: str) -> Response:
    return _page(request, "engagements", ref)


@router.get("/agreements/{ref}")
def agreement_page(request: Request, ref: str) -> Response:
    return _page(request, "agreements", ref)


@router.get("/objectives/{ref}")
def objective_page(request: Request, ref: str) -> Response:
    return _page(request, "objectives", ref)


@router.get("/memberships/{ref}")
def membership_page(request: Request, ref: str) -> Response:
    return _page(request, "memberships", ref)
