"""The exchange schema: one Pydantic model per entity kind, as files carry them.

These are the shapes of ``multitrack export`` and ``multitrack import`` (and of the demo world);
see ``docs/exchange-format.md``. References to other records are kept as text here and resolved
when a record is applied to the store.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from multitrack.values import clean_full_date, clean_partial_date, clean_uuid


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


PartialDate = Annotated[str, AfterValidator(_partial)]
FullDate = Annotated[str, AfterValidator(_full)]
Id = Annotated[str, AfterValidator(_uuid)]
Name = Annotated[str, BeforeValidator(_text), AfterValidator(_nonempty)]
Ref = Annotated[str, BeforeValidator(_text), AfterValidator(_nonempty)]


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: Any) -> Any:
        """An empty or blank value means "not given", in JSON and in CSV alike."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None and not _blank(v)}
        return data


class ActorRecord(Item):
    id: Id | None = None
    kind: Name
    name: Name
    aliases: list[Name] = Field(default_factory=list)
    iso3: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    cameo_code: str | None = None
    cow_code: int | None = None
    country: str | None = None
    parent: Ref | None = None
    description: str | None = None
    source: str | None = None


class MembershipRecord(Item):
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
    role: str | None = None


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


class ChannelRecord(Item):
    id: Id | None = None
    name: Name
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


class EngagementRecord(Item):
    id: Id | None = None
    channel: Ref
    kind: Name
    start: PartialDate
    end: PartialDate | None = None
    place: str | None = None
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


class AgreementRecord(Item):
    id: Id | None = None
    name: Name
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
    name: Name
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    measurements: list[MeasurementItem] = Field(default_factory=list)


class ObjectiveRecord(Item):
    id: Id | None = None
    title: Name
    description: str | None = None
    sector: str | None = None
    actor: Ref | None = None
    channel: Ref | None = None
    agreement: Ref | None = None
    target_date: FullDate | None = None
    indicators: list[IndicatorItem] = Field(default_factory=list)
    source: str | None = None


class TermRecord(Item):
    vocabulary: Name
    id: Name
    name: Name
    parent: str | None = None
    description: str | None = None
    source: str | None = None


#: The kinds of file, in the order a directory is imported (references point backwards).
RECORDS: dict[str, type[Item]] = {
    "terms": TermRecord,
    "actors": ActorRecord,
    "memberships": MembershipRecord,
    "channels": ChannelRecord,
    "agreements": AgreementRecord,
    "engagements": EngagementRecord,
    "objectives": ObjectiveRecord,
}
KINDS: tuple[str, ...] = tuple(RECORDS)
