"""``multitrack serve``: the web app and the REST API on one port (uvicorn)."""

from __future__ import annotations

import typer

from multitrack.cli.context import console, state
from multitrack.security import accounts
from multitrack.security.passwords import random_password
from multitrack.security.principal import system_context
from multitrack.store import Store

DEMO_ORGANISATION = "Demo desk"
DEMO_USER = "demo"


def demo_login(store: Store) -> str:
    """Make sure the demo desk and its ``demo`` editor (cleared SECRET) exist, and give the
    user a new random password: returned here, printed once, never fixed."""
    password = random_password()
    with store.session(system_context("demo-login")) as session:
        if accounts.get_organisation(session, DEMO_ORGANISATION, missing_ok=True) is None:
            accounts.add_organisation(
                session, DEMO_ORGANISATION, description="The demo world's analysts"
            )
        existing = accounts.list_users(session)
        if any(user.name == DEMO_USER for user in existing):
            accounts.set_password(session, DEMO_USER, password)
        else:
            accounts.add_user(
                session,
                DEMO_USER,
                organisation_name=DEMO_ORGANISATION,
                role="editor",
                clearance="SECRET",
                password=password,
            )
    return password


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        ctx: typer.Context,
        host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
        demo: bool = typer.Option(
            False,
            "--demo-login",
            help="Make sure the user 'demo' (Demo desk, editor, cleared SECRET) exists and give "
            "it a new random password, printed at start.",
        ),
        log_level: str = typer.Option(
            "warning", "--log-level", help="uvicorn's log level (info shows every request)."
        ),
    ) -> None:
        """Serve the web app and the REST API (/api/v1, OpenAPI at /openapi.json)."""
        import uvicorn

        from multitrack.api.app import create_app

        current = state(ctx)
        store = current.store()
        shown = f"[{host}]" if ":" in host else host
        if demo:
            password = demo_login(store)
            console.print(f"login: {DEMO_USER} / {password}", soft_wrap=True)
        app = create_app(current.settings, store=store)
        console.print(f"serving on http://{shown}:{port}/ (API: /api/v1, docs: /api/docs)")
        uvicorn.run(app, host=host, port=port, log_level=log_level)
