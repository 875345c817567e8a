"""The exchange schema: one Pydantic model per entity kind, as files carry them.

These are the shapes of ``multitrack export`` and ``multitrack import`` (and of the demo world);
see ``docs/exchange-format.md``. References to other records are kept as text here and resolved
when a record is applied to the store.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from multitrack.values import clean_full_date, clean_partial_date, clean_uuid

ALIAS_LENGTH = 300  # the longest name or alias the store keeps


def _partial(value: str) -> str:
    cleaned = clean_partial_date(value)
    if cleaned is None:
        raise ValueError(f"invalid date {value!r}: expected YYYY-MM-DD (or YYYY-MM, YYYY)")
    return cleaned


def _full(value: str) -> str:
    if clean_full_date(value) is None or len(value.strip()) != 10:
        raise ValueError(f"invalid date {value!r}: expected YYYY-MM-DD")
    return value.strip()


def _uuid(value: str) -> str:
    parsed = clean_uuid(value)
    if parsed is None:
        raise ValueError(f"invalid id {value!r}: expected a UUID")
    return str(parsed)


def _text(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def _blank(value: Any) -> bool:
    return isinstance(value, str) and not value.strip()


def _nonempty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _alias(value: str) -> str:
    if len(value) > ALIAS_LENGTH:
        raise ValueError(f"must have at most {ALIAS_LENGTH} characters")
    return value


PartialDate = Annotated[str, AfterValidator(_partial)]
FullDate = Annotated[str, AfterValidator(_full)]
Id = Annotated[str, AfterValidator(_uuid)]
Name = Annotated[str, BeforeValidator(_text), AfterValidator(_nonempty)]
Ref = Annotated[str, BeforeValidator(_text), AfterValidator(_nonempty)]
Alias = Annotated[str, BeforeValidator(_text), AfterValidator(_nonempty), AfterValidator(_alias)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class Item(BaseModel):
    # No NaN or infinity: SQLite stores NaN as NULL, and neither is a measurement.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """PostgreSQL cannot store U+0000 in text: refuse it on every backend alike."""
        if _has_nul(value):
            raise ValueError("contains a NUL character (U+0000)")
        return value

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        """An empty or blank value means "not given", in JSON and in CSV alike."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None and not _blank(v)}
        return data


class Labelled(Item):
    """The labels every top-level record carries (see docs/security.md).

    Left out, they keep a record's current labels, or take the defaults for a new one.
    ``releasable_to`` is ``["all"]`` or the names of the organisations it is released to.
    """

    classification: str | None = None
    owner: str | None = None
    releasable_to: list[Name] | None = None


class ActorRecord(Labelled):
    id: Id | None = None
    kind: Name
    name: Name = Field(max_length=ALIAS_LENGTH)
    aliases: list[Alias] = Field(default_factory=list)
    iso3: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    cameo_code: str | None = Field(default=None, max_length=20)
    cow_code: int | None = Field(default=None, ge=0, le=2**31 - 1)
    country: str | None = None
    parent: Ref | None = None
    description: str | None = None
    source: str | None = None


class MembershipRecord(Labelled):
    id: Id | None = None
    member: Ref
    organisation: Ref
    role: Name = "member"
    since: PartialDate | None = None
    until: PartialDate | None = None
    note: str | None = None
    source: str | None = None


class ParticipantItem(Item):
    actor: Ref
    role: str | None = Field(default=None, max_length=100)


class HistoryItem(Item):
    id: Id | None = None
    date: PartialDate
    track: Name
    status: Name
    note: str | None = None
    source: str | None = None


def _participant(value: Any) -> Any:
    return {"actor": value} if isinstance(value, str) else value


Participant = Annotated[ParticipantItem, BeforeValidator(_participant)]


class ChannelRecord(Labelled):
    id: Id | None = None
    name: Name = Field(max_length=300)
    track: Name
    sector: Name
    status: Name = "active"
    started: PartialDate | None = None
    participants: list[Participant] = Field(min_length=2)
    history: list[HistoryItem] = Field(default_factory=list)
    description: str | None = None
    source: str | None = None


class FollowUpItem(Item):
    id: Id | None = None
    action: Name
    due: FullDate | None = None
    done: bool = False


class EngagementRecord(Labelled):
    id: Id | None = None
    channel: Ref
    kind: Name
    start: PartialDate
    end: PartialDate | None = None
    place: str | None = Field(default=None, max_length=300)
    participants: list[Ref] = Field(default_factory=list)
    summary: Name
    outcome: str | None = None
    follow_ups: list[FollowUpItem] = Field(default_factory=list)
    source: str | None = None


class ActionItem(Item):
    id: Id | None = None
    actor: Ref
    action: Name
    date: PartialDate
    note: str | None = None


class AgreementRecord(Labelled):
    id: Id | None = None
    name: Name = Field(max_length=400)
    kind: Name
    status: Name
    adopted: PartialDate | None = None
    in_force: PartialDate | None = None
    sector: str | None = None
    parties: list[Participant] = Field(default_factory=list)
    actions: list[ActionItem] = Field(default_factory=list)
    obligations: list[Name] = Field(default_factory=list)
    summary: str | None = None
    url: str | None = None
    source: str | None = None


class MeasurementItem(Item):
    id: Id | None = None
    date: FullDate
    value: float
    note: str | None = None
    source: str | None = None


class IndicatorItem(Item):
    id: Id | None = None
    name: Name = Field(max_length=400)
    unit: str | None = Field(default=None, max_length=60)
    baseline: float | None = None
    target: float | None = None
    measurements: list[MeasurementItem] = Field(default_factory=list)


class ObjectiveRecord(Labelled):
    id: Id | None = None
    title: Name = Field(max_length=400)
    description: str | None = None
    sector: str | None = None
    actor: Ref | None = None
    channel: Ref | None = None
    agreement: Ref | None = None
    target_date: FullDate | None = None
    indicators: list[IndicatorItem] = Field(default_factory=list)
    source: str | None = None


#: What a vetting record finds (``cleared``, ``flagged``) or that it awaits a finding.
VettingStatus = Literal["cleared", "flagged", "pending"]


class VettingRecord(Labelled):
    """A human-rights vetting decision about one actor (a unit, a force, an individual)."""

    id: Id | None = None
    subject: Ref
    status: VettingStatus
    date: FullDate
    notes: str | None = None
    source: str | None = None


class TermRecord(Item):
    vocabulary: Name
    id: Name = Field(max_length=60)
    name: Name = Field(max_length=200)
    parent: str | None = None
    sector: str | None = None
    description: str | None = None
    source: str | None = None


class OrganisationRecord(Item):
    """An organisation that owns or receives records (its keys travel separately)."""

    name: Name = Field(max_length=200)
    description: str | None = None


#: The kinds of file, in the order a directory is imported (references point backwards).
RECORDS: dict[str, type[Item]] = {
    "organisations": OrganisationRecord,
    "terms": TermRecord,
    "actors": ActorRecord,
    "memberships": MembershipRecord,
    "channels": ChannelRecord,
    "agreements": AgreementRecord,
    "engagements": EngagementRecord,
    "objectives": ObjectiveRecord,
    "vetting": VettingRecord,
}
KINDS: tuple[str, ...] = tuple(RECORDS)
