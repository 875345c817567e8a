"""Logging in and out: a form checked by :func:`authenticate`, the user kept in the session."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from multitrack.api.deps import WEB_USER_KEY, get_store
from multitrack.security.accounts import LoginFailed, authenticate
from multitrack.security.principal import system_context
from multitrack.web.core import CSRF_FIELD, WebRoute, check_csrf, render

router = APIRouter(route_class=WebRoute)


def safe_next(target: str | None) -> str:
    """Only a path on this site (never ``//host`` or a full URL) is a place to go back to."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"title": "Log in", "next": safe_next(next)})


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    name, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
    target = safe_next(str(form.get("next", "")))
    with get_store(request).session(system_context("web-login")) as session:
        try:
            principal = authenticate(session, name, password) if name and password else None
        except LoginFailed:
            principal = None  # the failure count is committed with this unit of work
    if principal is None:
        return render(
            request,
            "login.html",
            {
                "title": "Log in",
                "next": target,
                "username": name,
                "error": "Login failed: wrong user name or password, or the account is locked.",
            },
            status_code=401,
        )
    request.session.clear()  # a fresh session (and form token) for the logged-in user
    request.session[WEB_USER_KEY] = principal.name
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
async def logout(request: Request) -> Response:
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
