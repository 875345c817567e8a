"""Who is acting: every read and write of the registry is done on behalf of a principal."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from multitrack.errors import MultitrackError


class Role(StrEnum):
    viewer = "viewer"  # reads what their clearance and organisation allow
    editor = "editor"  # also creates and changes records owned by their organisation
    admin = "admin"  # also manages the users of their organisation
    auditor = "auditor"  # reads, and reads the audit log


class AccessDenied(MultitrackError):
    """An act the principal's role does not allow (never used to hide a record's existence)."""

    exit_code = 6


class NoPrincipalError(MultitrackError):
    """A read or write attempted without saying on whose behalf: always a programming error."""


@dataclass(frozen=True)
class Principal:
    """A user (or the installation's local administrator) as the gate sees them."""

    name: str
    role: Role
    clearance: int
    organisation_id: uuid.UUID | None
    organisation: str | None = None
    user_id: uuid.UUID | None = None
    #: Only the local administrator (whoever holds the database file: the CLI without ``--as``)
    #: and named system contexts (migrations, the demo loader) bypass the visibility gate.
    system: bool = False

    def can_write(self) -> bool:
        return self.system or self.role in (Role.editor, Role.admin)

    def can_administer(self) -> bool:
        return self.system or self.role is Role.admin

    def can_audit(self) -> bool:
        return self.system or self.role is Role.auditor

    def require_write(self) -> None:
        if not self.can_write():
            raise AccessDenied(f"{self.name} ({self.role}) may not change records")


#: The database's local administrator: the CLI acts as it when no ``--as USER`` is given.
LOCAL_ADMIN = Principal(
    name="local-admin", role=Role.admin, clearance=10**6, organisation_id=None, system=True
)


def system_context(purpose: str) -> Principal:
    """A named system principal (e.g. "migration", "demo") that bypasses the gate."""
    return Principal(
        name=f"system:{purpose}",
        role=Role.admin,
        clearance=10**6,
        organisation_id=None,
        system=True,
    )
