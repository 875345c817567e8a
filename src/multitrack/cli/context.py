"""What every command shares: the store it works on, output helpers, and error rendering."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from typing import Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from typer._click.exceptions import UsageError

from multitrack.config import Settings
from multitrack.errors import InvalidValueError, MultitrackError
from multitrack.exchange.records import Item
from multitrack.security.accounts import get_user, principal_for
from multitrack.security.principal import LOCAL_ADMIN, Principal, system_context
from multitrack.services.setup import is_current
from multitrack.store import Store, open_store

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


class Format(StrEnum):
    table = "table"
    json = "json"


FormatOption = typer.Option(
    Format.table, "--format", "-f", help="table for people, json for scripts"
)


class State:
    """Set by the root callback; commands open the store lazily through it."""

    def __init__(
        self, db: str | None, events_dir: str | None = None, as_user: str | None = None
    ) -> None:
        self.settings = Settings.resolve(db, events_dir)
        self.as_user = as_user
        self._store: Store | None = None
        self._principal: Principal | None = None

    def principal(self) -> Principal:
        """``--as USER``: that user's rights; otherwise the database's local administrator."""
        if self._principal is None:
            if self.as_user is None:
                self._principal = LOCAL_ADMIN
            else:
                with self.store().session(system_context("cli-login")) as s:
                    self._principal = principal_for(get_user(s, self.as_user))
        return self._principal

    def store(self, *, require_current: bool = True) -> Store:
        if self._store is None:
            self._store = open_store(self.settings.db_url)
        if require_current and not is_current(self._store):
            raise MultitrackError(
                f"the database {self.settings.db_url} is not initialised or is older than this "
                "version: run `multitrack init`"
            )
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    obj = root.obj
    if not isinstance(obj, State):  # pragma: no cover - the callback always sets it
        raise MultitrackError("internal: command run without the root callback")
    return obj


@contextmanager
def session(ctx: typer.Context) -> Iterator[Session]:
    current = state(ctx)
    with current.store().session(current.principal()) as s:
        yield s


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int = 1) -> None:
    err_console.print(f"[bold red]error:[/] {message}", soft_wrap=True, markup=True)
    raise typer.Exit(code)


def render_error(error: BaseException) -> int:
    """One line on stderr for an error a user can cause; the exit code to use."""
    if isinstance(error, MultitrackError):
        err_console.print(f"[bold red]error:[/] {escape(str(error))}", soft_wrap=True)
        return error.exit_code
    if isinstance(error, SQLAlchemyError):
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        err_console.print(f"[bold red]error:[/] database: {escape(reason)}", soft_wrap=True)
        return 5
    raise error


def render_usage_error(error: UsageError) -> int:
    """One line on stderr for a misused command (missing option, bad choice ...)."""
    hint = f" (see '{error.ctx.command_path} --help')" if error.ctx is not None else ""
    err_console.print(
        f"[bold red]error:[/] {escape(error.format_message())}{escape(hint)}", soft_wrap=True
    )
    return error.exit_code


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


T = TypeVar("T", bound=Item)


def build(model: type[T], **values: object) -> T:
    """An exchange record from command-line values, with the same checks as an import."""
    try:
        return model.model_validate({k: v for k, v in values.items() if v not in (None, [])})
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "value"
        message = "missing value" if first["type"] == "missing" else str(first["msg"])
        raise InvalidValueError(field, message.removeprefix("Value error, ")) from None


ClassificationOption = typer.Option(
    None, "--classification", help="UNCLASSIFIED (default), RESTRICTED, CONFIDENTIAL, SECRET ..."
)
OwnerOption = typer.Option(None, "--owner", help="Owning organisation (default: yours).")
ReleasableOption = typer.Option(
    None,
    "--releasable-to",
    help="ORG[,ORG...] or 'all' (default: all for the local administrator, else only the owner).",
)


def labels(
    classification: str | None, owner: str | None, releasable_to: str | None
) -> dict[str, object]:
    """The label fields of an exchange record from the ``add`` commands' options."""
    released = (
        None
        if releasable_to is None
        else [part.strip() for part in releasable_to.split(",") if part.strip()]
    )
    return {"classification": classification, "owner": owner, "releasable_to": released}
