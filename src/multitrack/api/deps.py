"""Request dependencies: the store, and the principal of the request (token or web login)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from multitrack.security.accounts import get_user, principal_for, principal_for_token
from multitrack.security.principal import Principal, system_context
from multitrack.store import Store

WEB_USER_KEY = "user"


def get_store(request: Request) -> Store:
    store = request.app.state.store
    assert isinstance(store, Store)
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def current_principal(request: Request, store: StoreDep) -> Principal:
    """``Authorization: Bearer TOKEN`` (API), or the signed session cookie of a web login.

    The server never acts as the local administrator: no credentials, no access.
    """
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        with store.session(system_context("token")) as session:
            principal = principal_for_token(session, token)
        if principal is not None:
            return principal
        raise HTTPException(401, "invalid or revoked token", {"WWW-Authenticate": "Bearer"})
    name = request.session.get(WEB_USER_KEY) if "session" in request.scope else None
    if isinstance(name, str):
        with store.session(system_context("web-session")) as session:
            return principal_for(get_user(session, name))
    raise HTTPException(401, "authentication required", {"WWW-Authenticate": "Bearer"})


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def db_session(store: StoreDep, principal: PrincipalDep) -> Iterator[Session]:
    """A unit of work for the request's principal: committed at the end, rolled back on error."""
    with store.session(principal) as session:
        yield session


SessionDep = Annotated[Session, Depends(db_session)]
