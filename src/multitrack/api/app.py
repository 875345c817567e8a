"""The ASGI application: the REST API under ``/api/v1`` and the web pages, built by a factory."""

from __future__ import annotations

import secrets
from importlib.resources import files

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from multitrack import __version__
from multitrack.api import problems
from multitrack.config import Settings
from multitrack.store import Store, open_store


def create_app(
    settings: Settings, *, store: Store | None = None, secret_key: str | None = None
) -> FastAPI:
    """One app per store; nothing binds at import time, so tests inject their own database."""
    app = FastAPI(
        title="Multitrack",
        version=__version__,
        description="Multi-track, sectoral diplomacy: actors, channels, engagements, agreements, "
        "objectives, and relations from open event data. Every endpoint applies the caller's "
        "visibility; a hidden record answers exactly like a missing one.",
        openapi_url="/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store or open_store(settings.db_url)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key or secrets.token_urlsafe(32),
        same_site="strict",
        https_only=False,
        session_cookie="multitrack_session",
    )
    problems.install(app)
    static = files("multitrack.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    from multitrack.api.routes import router as api_router
    from multitrack.web.routes import router as web_router

    app.include_router(api_router, prefix="/api/v1")
    app.include_router(web_router)
    return app
