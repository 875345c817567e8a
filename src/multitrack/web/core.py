"""What every page shares: templates, the logged-in principal, CSRF, and the 404 page.

Pages are plain FastAPI routes of :data:`multitrack.web.routes.router`, whose route class
(:class:`WebRoute`) turns the two page-level outcomes into responses in one place:
:class:`LoginRequired` redirects to ``/login``, and a :class:`~multitrack.errors.NotFoundError`
renders the one 404 page — a record hidden from the viewer answers exactly like a missing one.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from multitrack.api.deps import WEB_USER_KEY, get_store, principal_of_request
from multitrack.errors import NotFoundError
from multitrack.security.principal import Principal
from multitrack.store import Store

CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"

templates = Jinja2Templates(directory=str(files("multitrack.web") / "templates"))


class LoginRequired(Exception):
    """No web login (or a stale one): the page answers with a redirect to the login form."""


class CsrfError(Exception):
    """A form posted without this session's token."""


def csrf_token(request: Request) -> str:
    """This session's form token, made on first use."""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def check_csrf(request: Request, sent: object) -> None:
    expected = request.session.get(CSRF_KEY)
    if not (isinstance(expected, str) and isinstance(sent, str)):
        raise CsrfError()
    if not secrets.compare_digest(expected, sent):
        raise CsrfError()


def web_principal(request: Request) -> Principal:
    """The logged-in user of a page; :class:`LoginRequired` without one."""
    if not isinstance(request.session.get(WEB_USER_KEY), str):
        raise LoginRequired()
    try:
        return principal_of_request(request, get_store(request))
    except (HTTPException, NotFoundError):
        request.session.pop(WEB_USER_KEY, None)  # the account is gone: log in again
        raise LoginRequired() from None


@contextmanager
def page_session(request: Request) -> Iterator[tuple[Store, Principal, Session]]:
    """The store, the principal and a gated unit of work for one page."""
    principal = web_principal(request)
    store = get_store(request)
    with store.session(principal) as session:
        yield store, principal, session


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    principal: Principal | None = None,
) -> Response:
    values: dict[str, Any] = {
        "request": request,
        "principal": principal,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "path": request.url.path,
        "user_name": _user_name(request),
    }
    values.update(context or {})
    return templates.TemplateResponse(request, name, values, status_code=status_code)


def _user_name(request: Request) -> str | None:
    name = request.session.get(WEB_USER_KEY)
    return name if isinstance(name, str) else None


def not_found_page(request: Request) -> Response:
    """The one 404 page: the same for a missing record and one the viewer may not see."""
    return render(request, "not_found.html", {"title": "Not found"}, status_code=404)


def login_redirect(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


class WebRoute(APIRoute):
    """A page route: login redirect, the 404 page and refused forms rendered in one place."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired:
                return login_redirect(request)
            except NotFoundError:
                return not_found_page(request)
            except CsrfError:
                return render(
                    request,
                    "error.html",
                    {
                        "title": "Form expired",
                        "message": "The form was out of date; "
                        "go back, reload the page and send it again.",
                    },
                    status_code=403,
                )

        return handle
