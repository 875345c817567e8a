"""What the API answers: Pydantic response schemas, separate from the tables and from the
exchange records (the request bodies), because they differ: ids and labels are always present,
lists come in an envelope with their total."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Problem(BaseModel):
    """An error, as ``application/problem+json`` (RFC 9457); extra members add detail."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="Always about:blank: the status says what kind of problem.")
    title: str
    status: int
    detail: str = Field(description="What went wrong, for a person to read.")
    errors: list[FieldProblem] | None = Field(
        default=None, description="For invalid requests: each field and what is wrong with it."
    )


class FieldProblem(BaseModel):
    field: str
    message: str


class Page(BaseModel, Generic[T]):
    """One page of a list: ``total`` counts every record the caller may see for the query."""

    items: list[T]
    total: int
    limit: int
    offset: int


class Labels(BaseModel):
    classification: str
    owner: str | None
    releasable_to: list[str]


class ActorOut(Labels):
    id: str
    kind: str
    name: str
    aliases: list[str]
    iso3: str | None
    cameo_code: str | None
    cow_code: int | None
    country: str | None
    parent: str | None
    description: str | None
    source: str | None


class MembershipOut(Labels):
    id: str
    member: str
    organisation: str
    role: str
    since: str | None
    until: str | None
    note: str | None
    source: str | None


class ParticipantOut(BaseModel):
    actor: str
    role: str | None


class HistoryOut(BaseModel):
    id: str
    date: str
    track: str
    status: str
    note: str | None
    source: str | None


class ChannelOut(Labels):
    id: str
    name: str
    track: str
    sector: str
    status: str
    started: str | None
    participants: list[ParticipantOut]
    history: list[HistoryOut]
    description: str | None
    source: str | None


class FollowUpOut(BaseModel):
    id: str
    action: str
    due: str | None
    done: bool


class EngagementOut(Labels):
    id: str
    channel: str
    kind: str
    start: str
    end: str | None
    place: str | None
    participants: list[str]
    summary: str
    outcome: str | None
    follow_ups: list[FollowUpOut]
    source: str | None


class ActionOut(BaseModel):
    id: str
    actor: str
    action: str
    date: str
    note: str | None


class AgreementOut(Labels):
    id: str
    name: str
    kind: str
    status: str
    adopted: str | None
    in_force: str | None
    sector: str | None
    parties: list[ParticipantOut]
    actions: list[ActionOut]
    obligations: list[str]
    summary: str | None
    url: str | None
    source: str | None


class MeasurementOut(BaseModel):
    id: str
    date: str
    value: float
    note: str | None
    source: str | None


class IndicatorOut(BaseModel):
    id: str
    name: str
    unit: str | None
    baseline: float | None
    target: float | None
    measurements: list[MeasurementOut]


class ObjectiveOut(Labels):
    id: str
    title: str
    description: str | None
    sector: str | None
    actor: str | None
    channel: str | None
    agreement: str | None
    target_date: str | None
    indicators: list[IndicatorOut]
    source: str | None


class TermOut(BaseModel):
    id: str
    name: str
    parent: str | None
    description: str
    source: str


class Me(BaseModel):
    name: str
    role: str
    clearance: str
    organisation: str | None


class PartyOut(BaseModel):
    label: str = Field(description="What the source/target columns show: ISO3 or actor code.")
    name: str | None
    country: str | None
    code: str | None


class RelationRow(BaseModel):
    """One period of a dyad's relations: the columns of ``multitrack relations``."""

    period: str
    source: str
    target: str
    events: int
    verbal_coop: int
    material_coop: int
    verbal_conflict: int
    material_conflict: int
    goldstein_sum: float
    goldstein_mean: float | None
    coop_share: float | None


class Relations(BaseModel):
    source: PartyOut
    target: PartyOut
    by: str
    rows: list[RelationRow]


class PartnerRow(BaseModel):
    partner: str
    events: int
    outgoing: int
    incoming: int
    verbal_coop: int
    material_coop: int
    verbal_conflict: int
    material_conflict: int
    goldstein_mean: float | None
    coop_share: float | None


class Partners(BaseModel):
    actor: PartyOut
    rows: list[PartnerRow]


class DriverOut(BaseModel):
    code: str
    description: str
    count: int
    baseline: float
    rise: float
    goldstein: float | None


class WarningOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    source: str
    target: str
    period: str
    direction: str
    score: float
    drivers: list[DriverOut]


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` of an operation for these error statuses (problem+json)."""
    return {
        status: {
            "model": Problem,
            "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
            },
        }
        for status in statuses
    }
