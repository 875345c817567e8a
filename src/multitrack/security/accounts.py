"""Organisations, users and tokens; turning a user or a token into a principal."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from multitrack.errors import InvalidValueError, MultitrackError, NotFoundError
from multitrack.model import ApiToken, Organisation, User
from multitrack.security.audit import append
from multitrack.security.gate import principal_of
from multitrack.security.levels import level_rank
from multitrack.security.passwords import hash_password, new_token, token_digest, verify_password
from multitrack.security.principal import AccessDenied, Principal, Role

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
#: How stale a token's ``last_used_at`` may get before a request updates it.
TOKEN_TOUCH = timedelta(minutes=1)


class LoginFailed(MultitrackError):
    """Wrong name or password, or a locked or inactive account: one message for all."""

    exit_code = 7

    def __init__(self) -> None:
        super().__init__("login failed: wrong user name or password, or the account is locked")


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def add_organisation(
    session: Session, name: str, *, description: str | None = None
) -> Organisation:
    actor = principal_of(session)
    if not actor.system:
        raise AccessDenied(f"{actor.name} may not add organisations; the local administrator can")
    if get_organisation(session, name, missing_ok=True) is not None:
        raise InvalidValueError("name", f"organisation {name!r} already exists")
    organisation = Organisation(name=name.strip(), description=description)
    session.add(organisation)
    session.flush()
    return organisation


def get_organisation(
    session: Session, name: str, *, missing_ok: bool = False
) -> Organisation | None:
    found = session.scalars(select(Organisation).where(Organisation.name == name.strip())).first()
    if found is None and not missing_ok:
        raise NotFoundError("organisation", name)
    return found


def organisation(session: Session, name: str) -> Organisation:
    found = get_organisation(session, name)
    assert found is not None
    return found


def list_organisations(session: Session) -> Sequence[Organisation]:
    return session.scalars(select(Organisation).order_by(Organisation.name)).all()


def add_user(
    session: Session,
    name: str,
    *,
    organisation_name: str,
    role: str,
    clearance: str,
    password: str,
) -> User:
    actor = principal_of(session)
    org = organisation(session, organisation_name)
    if not actor.can_administer() or (not actor.system and actor.organisation_id != org.id):
        raise AccessDenied(f"{actor.name} may not add users to {org.name}")
    try:
        chosen_role = Role(role)
    except ValueError:
        raise InvalidValueError(
            "role", f"unknown role {role!r}; one of {', '.join(r.value for r in Role)}"
        ) from None
    rank = level_rank(session, clearance, field="clearance")
    if not actor.system and rank > actor.clearance:
        raise AccessDenied(f"{actor.name} may not grant a clearance above their own")
    if session.scalars(select(User).where(User.name == name)).first() is not None:
        raise InvalidValueError("name", f"user {name!r} already exists")
    user = User(
        name=name,
        organisation_id=org.id,
        role=chosen_role.value,
        clearance=rank,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, name: str) -> User:
    user = session.scalars(select(User).where(User.name == name)).first()
    if user is None:
        raise NotFoundError("user", name)
    return user


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.name)).all()


def set_password(session: Session, name: str, password: str) -> None:
    actor = principal_of(session)
    user = get_user(session, name)
    if not (actor.system or actor.user_id == user.id or actor.can_administer()):
        raise AccessDenied(f"{actor.name} may not change the password of {name}")
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None


def principal_for(user: User) -> Principal:
    return Principal(
        name=user.name,
        role=Role(user.role),
        clearance=user.clearance,
        organisation_id=user.organisation_id,
        organisation=user.organisation.name,
        user_id=user.id,
    )


def authenticate(session: Session, name: str, password: str) -> Principal:
    """Check a password (system context); counts failures and locks after five of them.

    Every attempt is audited (``login`` or ``login_failed``) in the caller's unit of work: a
    caller catches :class:`LoginFailed` inside it, so that the failure and its count are kept.
    """
    user = session.scalars(select(User).where(User.name == name)).first()
    now = datetime.now(UTC)
    if user is None:
        verify_password(hash_password("x" * 16), password)  # same cost as a real check
        _failed(session, name, None, "unknown user")
    locked = _aware(user.locked_until)
    if not user.active or (locked is not None and locked > now):
        _failed(session, name, user, "inactive" if not user.active else "locked")
    if not verify_password(user.password_hash, password):
        user.failed_logins += 1
        reason = "wrong password"
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCKOUT
            user.failed_logins = 0
            reason = f"wrong password; locked for {LOCKOUT}"
        _failed(session, name, user, reason)
    user.failed_logins = 0
    user.locked_until = None
    append(session, action="login", entity="user", entity_id=str(user.id), detail={"user": name})
    return principal_for(user)


def _failed(session: Session, name: str, user: User | None, reason: str) -> NoReturn:
    append(
        session,
        action="login_failed",
        entity="user",
        entity_id=None if user is None else str(user.id),
        detail={"user": name, "reason": reason},
    )
    raise LoginFailed()


def create_token(session: Session, user_name: str) -> str:
    """A new API token for a user; the secret is returned once and stored only hashed."""
    actor = principal_of(session)
    user = get_user(session, user_name)
    if not (actor.system or actor.user_id == user.id):
        raise AccessDenied(f"{actor.name} may not create tokens for {user_name}")
    token = new_token()
    session.add(ApiToken(user_id=user.id, token_hash=token_digest(token)))
    session.flush()
    return token


@dataclass(frozen=True)
class TokenUse:
    """A valid token: whose it is, and when it was last used."""

    token_id: uuid.UUID
    principal: Principal
    last_used_at: datetime | None

    def touch_due(self, now: datetime) -> bool:
        """Whether the last use is worth stamping again (at most once a minute per token: a
        busy API client must not turn every read into a write; SQLite serialises them)."""
        last = _aware(self.last_used_at)
        return last is None or now - last > TOKEN_TOUCH


def token_use(session: Session, token: str) -> TokenUse | None:
    """The owner of a valid token (system context; reads only), or None."""
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_digest(token.strip()))
    ).first()
    if row is None or row.revoked or not row.user.active:
        return None
    return TokenUse(row.id, principal_for(row.user), _aware(row.last_used_at))


def touch_token(session: Session, token_id: uuid.UUID, now: datetime) -> None:
    """Stamp a token's last use (system context): one conditional UPDATE as the transaction's
    first statement, so that many first requests of one token at once neither conflict (a read
    transaction turned writer fails on SQLite when another wrote first) nor stamp twice."""
    session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token_id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOKEN_TOUCH),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )


def principal_for_token(session: Session, token: str) -> Principal | None:
    """The principal of a valid token (system context), or None; stamps its use when due."""
    use = token_use(session, token)
    if use is None:
        return None
    now = datetime.now(UTC)
    if use.touch_due(now):
        touch_token(session, use.token_id, now)
    return use.principal
