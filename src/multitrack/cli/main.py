"""The root of the ``multitrack`` command."""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy.exc import SQLAlchemyError
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from multitrack import __version__
from multitrack.cli import (
    accounts,
    actors,
    agreements,
    analytics_cli,
    brief,
    brokers,
    channels,
    data,
    engagements,
    objectives,
    report,
    serve,
    share,
)
from multitrack.cli import events as events_cli
from multitrack.cli import impact as impact_cli
from multitrack.cli import oversight as oversight_cli
from multitrack.cli import relations as relations_cli
from multitrack.cli import taxonomy as taxonomy_cli
from multitrack.cli import vetting as vetting_cli
from multitrack.cli.context import State, render_error, render_usage_error
from multitrack.config import DB_ENV, EVENTS_DIR_ENV
from multitrack.errors import MultitrackError


class Root(TyperGroup):
    """Turns the errors a user can cause into one line on stderr and a non-zero exit.

    That includes the usage errors of subcommands (a missing option, a bad choice).
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (MultitrackError, SQLAlchemyError) as error:
            raise typer.Exit(render_error(error)) from None
        except UsageError as error:
            if isinstance(error, NoArgsIsHelpError):  # `multitrack actor`: typer prints help
                raise
            raise typer.Exit(render_usage_error(error)) from None
        finally:
            if isinstance(ctx.obj, State):
                ctx.obj.close()


app = typer.Typer(
    cls=Root,
    name="multitrack",
    help="Multitrack: every channel with every actor, on every track and in every sector.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"multitrack {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        envvar=DB_ENV,
        help="Database URL (sqlite:///PATH or postgresql://...) or a SQLite file path. "
        "Default: a SQLite file in the user data directory.",
        show_envvar=True,
    ),
    events_dir: str | None = typer.Option(
        None,
        "--events-dir",
        envvar=EVENTS_DIR_ENV,
        help="Event store folder. Default: events/ beside a SQLite database file, "
        "or in the user data directory.",
        show_envvar=True,
    ),
    as_user: str | None = typer.Option(
        None,
        "--as",
        help="Run the command with this user's rights (default: the database's local "
        "administrator).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    ctx.obj = State(db, events_dir, as_user)


data.register(app)
brief.register(app)
brokers.register(app)
relations_cli.register(app)
impact_cli.register(app)
oversight_cli.register(app)
analytics_cli.register(app)
serve.register(app)
app.add_typer(actors.app, name="actor")
app.add_typer(actors.membership_app, name="membership")
app.add_typer(channels.app, name="channel")
app.add_typer(engagements.app, name="engagement")
app.add_typer(engagements.followup_app, name="followup")
app.add_typer(agreements.app, name="agreement")
app.add_typer(objectives.app, name="objective")
app.add_typer(vetting_cli.app, name="vetting")
app.add_typer(taxonomy_cli.app, name="taxonomy")
app.add_typer(accounts.org_app, name="org")
app.add_typer(accounts.user_app, name="user")
app.add_typer(accounts.token_app, name="token")
app.add_typer(accounts.audit_app, name="audit")
app.add_typer(events_cli.app, name="events")
app.add_typer(share.app, name="share")
app.add_typer(report.app, name="report")


def run() -> None:
    app()
