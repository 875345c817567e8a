"""The oversight page (objectives, follow-ups, vetting warnings, with charts) and the pages of
vetting records (their list, and one record with its evidence from event data)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from multitrack.analytics.evidence import evidence_for
from multitrack.analytics.oversight import accountability
from multitrack.api.routes.relations import tables
from multitrack.exchange.exporter import snapshot
from multitrack.services.listing import get_record
from multitrack.services.vetting import Vettings, list_vetting, vetting_view
from multitrack.web.core import WebRoute, page_session, render
from multitrack.web.oversight_charts import progress_chart, status_bars, status_class

router = APIRouter(route_class=WebRoute)


@router.get("/oversight")
def oversight_page(request: Request) -> Response:
    with page_session(request) as (_, principal, session):
        data = accountability(session, events=tables(request)).to_dict()
        context = {
            "title": "Oversight",
            "data": data,
            "status_chart": status_bars(data["status_counts"], label="Objectives by status"),
            "progress_chart": progress_chart(
                data["objectives"], label="Progress of each indicator against the expected"
            ),
            "status_class": status_class,
        }
        return render(request, "oversight.html", context, principal=principal)


Status = Literal["cleared", "flagged", "pending"]


@router.get("/vetting")
def vetting_list_page(
    request: Request, status: Annotated[Status | None, Query()] = None
) -> Response:
    with page_session(request) as (_, principal, session):
        rows = [vetting_view(v) for v in list_vetting(session, status=status)]
        context = {"title": "Vetting records", "rows": rows, "status": status}
        return render(request, "vetting_list.html", context, principal=principal)


@router.get("/vetting/{ref}")
def vetting_page(request: Request, ref: str) -> Response:
    with page_session(request) as (_, principal, session):
        row = get_record(session, "vetting", ref)
        record = {**snapshot(session, "vetting", row), **vetting_view(row)}
        context = {
            "title": f"Vetting of {row.subject.name}",
            "record": record,
            "standing": Vettings(session).standing(row.subject).to_dict(),
            "evidence": evidence_for(row, tables(request)).to_dict(),
        }
        return render(request, "vetting.html", context, principal=principal)
