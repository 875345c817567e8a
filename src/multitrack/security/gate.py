"""The one visibility gate: every ORM read of the registry passes through it.

A session carries its principal in ``session.info``. The ``do_orm_execute`` hook adds
``with_loader_criteria`` for every protected class to every ORM select, so lists, lookups,
counts, joins, related lists (relationship loads inherit the criteria) and sort orders only
ever see what the principal may see. It fails closed:

- a statement run without a principal raises :class:`NoPrincipalError`;
- a textual SQL statement, a Core statement over a protected table, and a bulk ORM update or
  delete are refused for everyone but a system principal;
- every mapped class needs a rule here (a test checks it), so a new table cannot slip through.

A record is visible when its classification is at most the principal's clearance and it is
released to everyone, owned by the principal's organisation, or released to it; what hangs off
a record (an engagement on a channel, a participant of a channel, an alias of an actor, a
measurement of an objective's indicator, a vetting record of its subject) is visible only when
that record is.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ClauseElement,
    ColumnElement,
    Integer,
    Select,
    Table,
    Uuid,
    and_,
    bindparam,
    event,
    exists,
    false,
    inspect,
    or_,
    true,
)
from sqlalchemy.orm import LoaderCriteriaOption, ORMExecuteState, Session, aliased
from sqlalchemy.sql import visitors
from sqlalchemy.sql.cache_key import CacheConst
from sqlalchemy.sql.elements import BindParameter, ColumnClause, TextClause
from sqlalchemy.sql.selectable import TableClause, TextualSelect
from sqlalchemy.sql.visitors import HasTraverseInternals

from multitrack.model import (
    Actor,
    ActorAlias,
    Agreement,
    AgreementAction,
    AgreementParty,
    ApiToken,
    AuditEntry,
    Channel,
    ChannelChange,
    ChannelParticipant,
    CustomTerm,
    Engagement,
    EngagementParticipant,
    FollowUp,
    Indicator,
    Measurement,
    Membership,
    Objective,
    Obligation,
    Organisation,
    Release,
    Setting,
    ShareCounter,
    ShareReceipt,
    User,
    Vetting,
)
from multitrack.security.principal import AccessDenied, NoPrincipalError, Principal

PRINCIPAL_KEY = "multitrack.principal"

LabelledClass = type[Actor] | type[Membership] | type[Channel] | type[Engagement]

#: A principal's clearance and organisation as the criteria compare with them: plain values, or
#: bound parameters that one option's whole criteria share (fewer parameters for each statement
#: to carry).
Clearance = int | BindParameter[int]
Org = uuid.UUID | BindParameter[uuid.UUID] | None


def principal_of(session: Session) -> Principal:
    principal = session.info.get(PRINCIPAL_KEY)
    if not isinstance(principal, Principal):
        raise NoPrincipalError("no principal: every read and write must say on whose behalf")
    return principal


def labels_allow(cls: Any, clearance: Clearance, org: Org) -> ColumnElement[bool]:
    """The label test of a labelled class (or an alias of one), for a principal's clearance and
    organisation."""
    reach: ColumnElement[bool] = cls.releasable_to_all
    if org is not None:
        release = aliased(Release)
        released = (
            exists()
            .where(release.record_id == cls.id, release.organisation_id == org)
            .correlate_except(release)
        )
        reach = or_(cls.releasable_to_all, cls.owner_id == org, released)
    return and_(cls.classification <= clearance, reach)


def _shown(column: Any, parent: Any, clearance: Clearance, org: Org) -> ColumnElement[bool]:
    """``column`` holds the key of a visible ``parent``.

    A correlated ``EXISTS`` over an alias of the parent: the database looks the one parent row
    up by its primary key (an ``IN (SELECT id ...)`` over the parent's labels would be evaluated
    over the whole parent table), and the alias keeps the subquery from correlating with the
    parent's own table when the enclosing statement reads it too.
    """
    other = aliased(parent)
    return (
        exists().where(other.id == column, visible(other, clearance, org)).correlate_except(other)
    )


def visible(entity: Any, clearance: Clearance, org: Org) -> ColumnElement[bool]:
    """Whether a row of ``entity`` (a labelled class or an alias of one) is visible: its own
    labels and those of what it hangs off."""
    cls = inspect(entity).mapper.class_
    own = labels_allow(entity, clearance, org)
    if cls is Engagement:
        return and_(own, _shown(entity.channel_id, Channel, clearance, org))
    if cls is Membership:
        return and_(
            own,
            _shown(entity.member_id, Actor, clearance, org),
            _shown(entity.organisation_id, Actor, clearance, org),
        )
    if cls is Objective:
        return and_(
            own,
            or_(entity.actor_id.is_(None), _shown(entity.actor_id, Actor, clearance, org)),
            or_(entity.channel_id.is_(None), _shown(entity.channel_id, Channel, clearance, org)),
            or_(
                entity.agreement_id.is_(None),
                _shown(entity.agreement_id, Agreement, clearance, org),
            ),
        )
    if cls is Vetting:
        return and_(own, _shown(entity.subject_id, Actor, clearance, org))
    return own


LABELLED: tuple[Any, ...] = (Actor, Membership, Channel, Engagement, Agreement, Objective, Vetting)

#: How each unlabelled class hangs off a labelled one.
Rule = Callable[[Clearance, Org], ColumnElement[bool]]


def _hang(column: Any, parent: Any) -> Rule:
    return lambda clearance, org: _shown(column, parent, clearance, org)


def _both(first: Rule, second: Rule) -> Rule:
    return lambda clearance, org: and_(first(clearance, org), second(clearance, org))


def _measured(clearance: Clearance, org: Org) -> ColumnElement[bool]:
    indicator = aliased(Indicator)
    return (
        exists()
        .where(
            indicator.id == Measurement.indicator_id,
            _shown(indicator.objective_id, Objective, clearance, org),
        )
        .correlate_except(indicator)
    )


HANGING: dict[Any, Rule] = {
    ActorAlias: _hang(ActorAlias.actor_id, Actor),
    ChannelParticipant: _both(
        _hang(ChannelParticipant.channel_id, Channel), _hang(ChannelParticipant.actor_id, Actor)
    ),
    ChannelChange: _hang(ChannelChange.channel_id, Channel),
    EngagementParticipant: _both(
        _hang(EngagementParticipant.engagement_id, Engagement),
        _hang(EngagementParticipant.actor_id, Actor),
    ),
    FollowUp: _hang(FollowUp.engagement_id, Engagement),
    AgreementParty: _both(
        _hang(AgreementParty.agreement_id, Agreement), _hang(AgreementParty.actor_id, Actor)
    ),
    AgreementAction: _both(
        _hang(AgreementAction.agreement_id, Agreement), _hang(AgreementAction.actor_id, Actor)
    ),
    Obligation: _hang(Obligation.agreement_id, Agreement),
    Indicator: _hang(Indicator.objective_id, Objective),
    Measurement: _measured,
}

#: Account tables: a principal sees their organisation's users and their own tokens; the
#: release table only for their own organisation; the audit log only as an auditor; the
#: receipts of share packages their organisation received (auditors: all of them); the share
#: sequence counters only in system contexts.
ACCOUNTS: dict[Any, Callable[[Principal], ColumnElement[bool]]] = {
    User: lambda p: User.organisation_id == p.organisation_id,
    ApiToken: lambda p: ApiToken.user_id == p.user_id,
    Release: lambda p: Release.organisation_id == p.organisation_id,
    AuditEntry: lambda p: true() if p.can_audit() else false(),
    ShareReceipt: lambda p: (
        true() if p.can_audit() else ShareReceipt.recipient_id == p.organisation_id
    ),
    ShareCounter: lambda p: false(),
}

#: Tables with nothing to hide: the taxonomy's own terms, organisations, settings.
PUBLIC: frozenset[Any] = frozenset({CustomTerm, Organisation, Setting})

PROTECTED_TABLES = frozenset(cls.__table__ for cls in (*LABELLED, *HANGING, *ACCOUNTS))


class _Criteria(LoaderCriteriaOption):
    """``with_loader_criteria(entity, criteria, include_aliases=True)`` whose cache key is
    worked out once.

    SQLAlchemy keys its cache of compiled statements on the whole statement, options included,
    and walks every criteria expression again for each statement: for the gate's nested
    ``EXISTS`` criteria that walk cost more than running most queries. An option built here is
    kept per principal (see :func:`criteria_for`) and never changes, so its key, and the bound
    parameters the walk collects (its principal's values), are kept with it. Should the walk
    ever meet something that cannot be keyed once (no cache, or statement parameters), the
    option is walked again each time as usual.
    """

    __slots__ = ("_key",)
    inherit_cache = True  # keyed as the superclass is (worked out once, below)
    _cache_key_traversal = LoaderCriteriaOption._traverse_internals

    def __init__(self, entity: Any, criteria: ColumnElement[bool]) -> None:
        super().__init__(entity, criteria, include_aliases=True)
        self._key: tuple[Any, tuple[Any, ...]] | None = None

    def _gen_cache_key(self, anon_map: Any, bindparams: list[Any]) -> Any:
        if self._key is None:
            own: list[Any] = []
            walked = visitors.anon_map()
            key = super()._gen_cache_key(walked, own)
            if CacheConst.NO_CACHE in walked or CacheConst.PARAMS in walked:
                return super()._gen_cache_key(anon_map, bindparams)
            self._key = (key, tuple(own))
        bindparams.extend(self._key[1])
        return self._key[0]


def criteria_for(principal: Principal) -> tuple[Any, ...]:
    """The loader criteria of every protected class for ``principal``.

    Built once per principal and kept (building them is most of a short request's time): the
    key is the principal itself, with every field that could change what it sees, and the
    gate's tables of classes and rules as they are now, so neither another principal nor a
    changed rule set ever gets options built for something else.
    """
    return _built_criteria(principal, LABELLED, tuple(HANGING.items()), tuple(ACCOUNTS.items()))


@lru_cache(maxsize=256)
def _built_criteria(
    principal: Principal,
    labelled: tuple[Any, ...],
    hanging: tuple[tuple[Any, Rule], ...],
    accounts: tuple[tuple[Any, Callable[[Principal], ColumnElement[bool]]], ...],
) -> tuple[Any, ...]:

    def values() -> tuple[Clearance, Org]:
        # one pair of parameters per option, shared by its whole criteria (not across options:
        # SQLAlchemy matches the copies of one parameter by hash, and copies of a parameter
        # shared by every option would all collide)
        org = principal.organisation_id
        return (
            bindparam("clearance", principal.clearance, Integer(), unique=True),
            None if org is None else bindparam("organisation", org, Uuid(), unique=True),
        )

    options: list[Any] = []
    for cls in labelled:
        options.append(_Criteria(cls, visible(cls, *values())))
    for cls, rule in hanging:
        options.append(_Criteria(cls, rule(*values())))
    for cls, account_rule in accounts:
        options.append(_Criteria(cls, account_rule(principal)))
    return tuple(options)


_DERIVED = ("_from_obj", "_correlate", "_correlate_except")


def _around_the_model(statement: ClauseElement) -> str | None:
    """Why a statement would read around the criteria, or None.

    The criteria attach to mapped entities (``Actor``, ``Actor.name``, ``aliased(Actor)``);
    they cannot see SQL text (``text()``, also as a FROM or a column), a literal column, a
    table by its name (``table("actor")``), or a protected ``Table`` used directly
    (``Actor.__table__``), even inside an ORM statement. A column of a protected table is
    allowed only beside its entity, which it then shares the FROM (and the criteria) of, as in
    the ORM's own primary key lookup of ``session.get()``.
    """
    stack: list[Any] = [statement]
    seen: set[int] = set()
    mapped: set[Any] = set()  # tables of the (unaliased) entities the statement reads
    by_column: set[Any] = set()  # protected tables reached through a plain column
    while stack:
        element = stack.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        entity = getattr(element, "_annotations", {}).get("parententity")
        if entity is not None:  # a mapped entity or attribute: its class's criteria apply
            if getattr(entity, "is_mapper", False):
                mapped.add(entity.local_table)
            continue
        if isinstance(element, TextClause | TextualSelect):
            return "only statements built from the model may read the registry"
        if isinstance(element, ColumnClause):
            if element.is_literal and element.name != "*":
                return "only statements built from the model may read the registry"
            if element.table is not None and element.table in PROTECTED_TABLES:
                by_column.add(element.table)
            elif isinstance(element.table, TableClause) and not isinstance(element.table, Table):
                return "only statements built from the model may read the registry"
        if isinstance(element, TableClause):
            if not isinstance(element, Table):
                return "only statements built from the model may read the registry"
            if element in PROTECTED_TABLES:
                return "protected tables can only be read through the model"
        if isinstance(element, Select):
            # its own parts and explicit FROMs, not the FROMs it derives from its columns
            # (a mapped column's table is filtered through the column's entity)
            stack.extend(HasTraverseInternals.get_children(element, omit_attrs=_DERIVED))
            stack.extend(element._from_obj)
        else:
            stack.extend(element.get_children())
    if by_column - mapped:
        return "protected tables can only be read through the model"
    return None


def _gate(state: ORMExecuteState) -> None:
    principal = principal_of(state.session)
    if principal.system:
        return
    statement = state.statement
    if not state.is_select:
        # Changes go through the unit of work (session.add + flush), which does not pass here;
        # a statement-level INSERT, UPDATE or DELETE (bulk, or INSERT ... SELECT) is refused.
        raise AccessDenied("only record-by-record changes are allowed, not bulk or SQL text")
    if state.is_column_load or state.is_relationship_load:
        return  # built by the ORM; the options of the statement that loaded the parent carry over
    if not isinstance(statement, ClauseElement):
        raise AccessDenied("only statements built from the model may read the registry")
    reason = _around_the_model(statement)
    if reason is not None:
        raise AccessDenied(reason)
    state.statement = statement.options(*criteria_for(principal))


def install(session_class: type[Session]) -> None:
    """Attach the gate to a session class (done once for the store's session factory)."""
    if not event.contains(session_class, "do_orm_execute", _gate):
        event.listen(session_class, "do_orm_execute", _gate)
