"""Errors as ``application/problem+json`` (RFC 9457), rendered in one place."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from multitrack.errors import (
    AmbiguousError,
    ImportFileError,
    InUseError,
    InvalidValueError,
    MultitrackError,
    NotFoundError,
)
from multitrack.events.engines import EventStoreError
from multitrack.security.principal import AccessDenied, NoPrincipalError

PROBLEM = "application/problem+json"

#: What the API says when the server has no usable event store: the store's message names its
#: folder on the server, which is none of the client's business.
NO_EVENTS = (
    "this server has no event data yet: its event store is missing or empty "
    "(an administrator ingests event files with multitrack events ingest)"
)


def problem(
    status: int, title: str, detail: str, *, extra: dict[str, Any] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def status_of(error: MultitrackError) -> tuple[int, str]:
    if isinstance(error, NotFoundError):
        return 404, "Not Found"
    if isinstance(error, AccessDenied):
        return 403, "Forbidden"
    if isinstance(error, NoPrincipalError):
        return 401, "Unauthorized"
    if isinstance(error, AmbiguousError | InUseError):
        return 409, "Conflict"
    if isinstance(error, InvalidValueError | ImportFileError):
        return 422, "Unprocessable Content"
    return 400, "Bad Request"


def is_api(path: str) -> bool:
    """Whether a path is the API's (problem+json answers) rather than the web app's."""
    return path == "/api" or path.startswith("/api/") or path == "/openapi.json"


def install(app: FastAPI) -> None:
    @app.exception_handler(MultitrackError)
    async def domain(_: Request, error: MultitrackError) -> JSONResponse:
        status, title = status_of(error)
        detail = error.detail()
        message = str(detail.pop("message", str(error)))
        if isinstance(error, NotFoundError):
            detail = {}  # a hidden record answers exactly like a missing one
            message = "not found"
        if isinstance(error, EventStoreError):
            detail, message = {}, NO_EVENTS
        return problem(status, title, message, extra=detail or None)

    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg"))}
            for e in error.errors()
        ]
        first = errors[0] if errors else {"field": "", "message": "invalid request"}
        return problem(
            422,
            "Unprocessable Content",
            f"{first['field']}: {first['message']}",
            extra={"errors": errors},
        )

    @app.exception_handler(IntegrityError)
    async def integrity(_: Request, error: IntegrityError) -> JSONResponse:
        # e.g. a record whose id or natural key is taken by one the caller cannot see
        return problem(409, "Conflict", "conflicts with an existing record")

    @app.exception_handler(DataError)
    async def data(_: Request, error: DataError) -> JSONResponse:
        return problem(422, "Unprocessable Content", "a value does not fit its field")

    @app.exception_handler(StarletteHTTPException)
    async def http(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 404 and not is_api(request.url.path):
            from multitrack.web.core import not_found_page  # the web pages import this module

            return not_found_page(request)  # a page address: the web app's own 404 page
        title = {
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            405: "Method Not Allowed",
        }.get(error.status_code, "Error")
        response = problem(error.status_code, title, str(error.detail))
        if error.headers:
            response.headers.update(error.headers)
        return response
