"""Report downloads: the brief of an actor and the accountability report, in PDF or HTML.

Each is built from the logged-in user's gated session, so it holds only what they may see.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from multitrack.api.routes.relations import tables
from multitrack.errors import NotFoundError
from multitrack.reports import FORMATS, Report, build_accountability, build_brief, render
from multitrack.reports.document import Format, file_name
from multitrack.services.actors import resolve_actor
from multitrack.web.core import WebRoute, page_session
from multitrack.web.core import render as render_page

router = APIRouter(route_class=WebRoute)


def _format(value: str) -> Format:
    for known in FORMATS:
        if value == known:
            return known
    raise NotFoundError("report format", value)


def _download(report: Report, fmt: Format) -> Response:
    rendered = render(report, fmt)
    return Response(
        rendered.content,
        media_type=rendered.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file_name(report, fmt)}"'},
    )


@router.get("/reports")
def reports_page(request: Request) -> Response:
    with page_session(request) as (_, principal, _session):
        context = {"title": "Reports", "formats": FORMATS}
        return render_page(request, "reports.html", context, principal=principal)


@router.get("/reports/accountability.{fmt}")
def accountability_download(request: Request, fmt: str) -> Response:
    chosen = _format(fmt)
    with page_session(request) as (_, _principal, session):
        report = build_accountability(session, events=tables(request))
    return _download(report, chosen)


@router.get("/reports/brief")
def brief_form(request: Request, actor: str = "", format: str = "pdf") -> Response:
    """The form on the reports page: on to the brief's download address."""
    chosen = _format(format)
    with page_session(request) as (_, _principal, session):
        found = resolve_actor(session, actor)  # unknown or hidden: the 404 page
        key = str(found.id)
    return RedirectResponse(f"/reports/brief/{key}.{chosen}", status_code=303)


@router.get("/reports/brief/{ref}.{fmt}")
def brief_download(request: Request, ref: str, fmt: str) -> Response:
    chosen = _format(fmt)
    with page_session(request) as (_, _principal, session):
        report = build_brief(session, ref, events=tables(request))
    return _download(report, chosen)
