"""Detail pages of engagements, agreements, objectives and memberships."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from multitrack.analytics.impact import MAX_WINDOW, MIN_WINDOW
from multitrack.exchange.exporter import snapshot
from multitrack.services.listing import get_record
from multitrack.services.queries import agreement_view, engagement_view, membership_view
from multitrack.services.vetting import engagement_warnings
from multitrack.web.core import WebRoute, page_session, render
from multitrack.web.impact import impact_panel

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


def _page(request: Request, kind: str, ref: str, impact: dict[str, Any] | None = None) -> Response:
    with page_session(request) as (_, principal, session):
        row = get_record(session, kind, ref)
        view = _view(session, kind, row)
        if kind == "memberships":
            title = f"{view['member']['name']} in {view['organisation']['name']}"
        else:
            title = str(view[TITLES[kind]])
        context: dict[str, Any] = {"title": title, "kind": kind, "record": view}
        if kind == "engagements":
            context["vetting_warnings"] = [w.to_dict() for w in engagement_warnings(session, row)]
        if impact is not None:
            context["impact"] = impact_panel(request, session, row, **impact)
        return render(request, "record.html", context, principal=principal)


Window = Annotated[int, Query(ge=MIN_WINDOW, le=MAX_WINDOW)]
By = Literal["day", "week", "month"]
MilestoneQuery = Annotated[str | None, Query(max_length=200)]


def _impact_query(
    window: Window = 90, by: By = "week", milestone: MilestoneQuery = None
) -> dict[str, Any]:
    """The impact panel's settings from the query string of an engagement or agreement page."""
    return {"window": window, "by": by, "milestone": milestone}


ImpactQuery = Annotated[dict[str, Any], Depends(_impact_query)]


@router.get("/engagements/{ref}")
def engagement_page(request: Request, ref: str, panel: ImpactQuery) -> Response:
    return _page(request, "engagements", ref, panel)


@router.get("/agreements/{ref}")
def agreement_page(request: Request, ref: str, panel: ImpactQuery) -> Response:
    return _page(request, "agreements", ref, panel)


@router.get("/objectives/{ref}")
def objective_page(request: Request, ref: str) -> Response:
    return _page(request, "objectives", ref)


@router.get("/memberships/{ref}")
def membership_page(request: Request, ref: str) -> Response:
    return _page(request, "memberships", ref)
