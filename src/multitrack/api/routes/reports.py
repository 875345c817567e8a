"""``/api/v1/reports``: the actor brief and the accountability report as files, PDF or HTML.

The report holds only what the caller may see (it is built from the caller's gated session)
and says its classification marking in the ``X-Classification`` header too.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from multitrack.api.deps import SessionDep
from multitrack.api.routes.relations import tables
from multitrack.api.schemas import problem_responses
from multitrack.reports import Report, build_accountability, build_brief, render
from multitrack.reports.document import MEDIA_TYPES, file_name

router = APIRouter(prefix="/reports", tags=["reports"])

FormatQuery = Annotated[
    Literal["pdf", "html"],
    Query(alias="format", description="pdf (A4, for print) or html (one standalone file)."),
]

#: The 200 answer of a report: a PDF or an HTML file, never JSON.
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report, as the format asks: a PDF (application/pdf) or a standalone "
        "HTML file (text/html); the X-Classification header holds its marking.",
        "content": {
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
            "text/html": {"schema": {"type": "string"}},
        },
        "headers": {
            "X-Classification": {
                "description": "The highest classification of the records the report names.",
                "schema": {"type": "string"},
            }
        },
    }
}


def _file(report: Report, fmt: Literal["pdf", "html"]) -> Response:
    rendered = render(report, fmt)
    marking = report.classification.encode("ascii", "replace").decode("ascii")
    return Response(
        rendered.content,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'inline; filename="{file_name(report, fmt)}"',
            "X-Classification": marking,
        },
    )


@router.get(
    "/brief/{actor}",
    response_class=Response,
    responses={**FILE_RESPONSES, **problem_responses(400, 404, 409, 422)},
)
def brief_report(
    request: Request,
    session: SessionDep,
    actor: Annotated[str, Path(min_length=1, max_length=300, description="Name, code or id.")],
    fmt: FormatQuery = "pdf",
) -> Response:
    """The brief of one actor: memberships, channels, coverage heat map and gaps, relations
    trend, ego network, recent engagements, agreements in force, open follow-ups (what
    ``multitrack report brief`` writes). A hidden actor answers like a missing one."""
    return _file(build_brief(session, actor, events=tables(request)), fmt)


@router.get(
    "/accountability",
    response_class=Response,
    responses={**FILE_RESPONSES, **problem_responses(400, 422)},
)
def accountability_report(
    request: Request, session: SessionDep, fmt: FormatQuery = "pdf"
) -> Response:
    """Objectives with their status, vetting warnings, follow-ups overdue and due (what
    ``multitrack report accountability`` writes)."""
    return _file(build_accountability(session, events=tables(request)), fmt)
