"""Request dependencies: the store, and the principal of the request (token or web login)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from multitrack.security.accounts import (
    TokenUse,
    get_user,
    principal_for,
    token_use,
    touch_token,
)
from multitrack.security.passwords import token_digest
from multitrack.security.principal import Principal, system_context
from multitrack.store import Store
from multitrack.store.generation import Kept

log = logging.getLogger(__name__)

WEB_USER_KEY = "user"


def get_store(request: Request) -> Store:
    store = request.app.state.store
    assert isinstance(store, Store)
    return store


async def _store(request: Request) -> Store:
    # async: FastAPI would run a plain function in its thread pool, a hand-over per request
    return get_store(request)


StoreDep = Annotated[Store, Depends(_store)]


def principal_of_request(request: Request, store: Store) -> Principal:
    """``Authorization: Bearer TOKEN`` (API), or the signed session cookie of a web login.

    The server never acts as the local administrator: no credentials, no access.
    """
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        principal = token_principal(request.app, store, token.strip())
        if principal is not None:
            return principal
        raise HTTPException(401, "invalid or revoked token", {"WWW-Authenticate": "Bearer"})
    name = request.session.get(WEB_USER_KEY) if "session" in request.scope else None
    if isinstance(name, str):
        with store.session(system_context("web-session")) as session:
            return principal_for(get_user(session, name))
    raise HTTPException(401, "authentication required", {"WWW-Authenticate": "Bearer"})


async def current_principal(request: Request, store: StoreDep) -> Principal:
    """The request's principal (:func:`principal_of_request`), as a dependency: a kept token
    owner whose use needs no stamp is answered at once; anything that reads or writes the
    database goes to the thread pool."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        use = _kept_uses(request.app).get(token_digest(token.strip()), store.generation.current())
        if use is not None and not use.touch_due(datetime.now(UTC)):
            return use.principal
    return await run_in_threadpool(principal_of_request, request, store)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def _kept_uses(app: FastAPI) -> Kept[str, TokenUse]:
    kept: Kept[str, TokenUse] | None = getattr(app.state, "token_uses", None)
    if kept is None:
        kept = app.state.token_uses = Kept()
    return kept


def token_principal(app: FastAPI, store: Store, token: str) -> Principal | None:
    """The principal of a valid API token, or None.

    The owner of a token is kept, by the token's SHA-256, while the registry is unchanged (see
    :mod:`multitrack.store.generation`): a revoked token, a deactivated user or a changed
    clearance is a change, so the next request reads the token again. Unknown tokens are never
    kept. The last use is stamped at most once a minute, in its own short transaction; if the
    database is busy, a later request stamps it.
    """
    kept = _kept_uses(app)
    digest = token_digest(token)
    generation = store.generation.current()
    use = kept.get(digest, generation)
    if use is None:
        with store.session(system_context("token")) as session:
            use = token_use(session, token)
        if use is None:
            return None
        kept.put(digest, generation, use)
    now = datetime.now(UTC)
    if use.touch_due(now):
        try:
            with store.session(system_context("token")) as session:
                touch_token(session, use.token_id, now)
        except OperationalError as error:  # locked by another writer: not worth failing for
            log.info("token use not stamped: %s", error.orig)
    return use.principal


async def db_session(store: StoreDep, principal: PrincipalDep) -> AsyncIterator[Session]:
    """A unit of work for the request's principal: committed at the end, rolled back on error.

    Opening one reads nothing (the session connects at its first statement), so it is done
    here; ending it goes to the thread pool when the session did use the database.
    """
    unit = store.session(principal)
    session = unit.__enter__()
    try:
        yield session
    except BaseException as error:
        await run_in_threadpool(unit.__exit__, type(error), error, error.__traceback__)
        raise
    if _connected(session):  # a commit to send, maybe an audit checkpoint to write
        await run_in_threadpool(unit.__exit__, None, None, None)
    else:  # nothing was read or written: ending it does no I/O
        unit.__exit__(None, None, None)


def _connected(session: Session) -> bool:
    transaction = session.get_transaction()
    # SQLAlchemy keeps a transaction's connections in ``_connections``; if that ever changes,
    # every session counts as connected (the safe side)
    return transaction is None or bool(getattr(transaction, "_connections", True))


SessionDep = Annotated[Session, Depends(db_session)]
