"""The create/edit forms: one declarative spec per entity kind, read into an exchange record.

A form's values are strings. Lists are one item per line; items with several parts separate
them with ``|`` (``Israel | party``). What the record validation or :func:`save` refuses comes
back as a message per field, shown next to it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from multitrack.errors import InvalidValueError
from multitrack.exchange.records import (
    ActorRecord,
    AgreementRecord,
    ChannelRecord,
    EngagementRecord,
    Item,
    MembershipRecord,
    ObjectiveRecord,
    VettingRecord,
)
from multitrack.security.levels import levels
from multitrack.services.actors import find_actors
from multitrack.services.queries import list_agreements, list_channels
from multitrack.services.vocabulary import taxonomy_for

Options = Callable[[Session], list[tuple[str, str]]]
TRUE = frozenset({"yes", "y", "true", "done", "x", "1"})


def vocabulary(name: str, *, blank: bool = False) -> Options:
    def options(session: Session) -> list[tuple[str, str]]:
        terms = [(t.id, f"{t.name} ({t.id})") for t in taxonomy_for(session).vocabulary(name)]
        return [("", "—"), *terms] if blank else terms

    return options


def _channels(session: Session) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(c.id), c.name) for c in list_channels(session)]


def _agreements(session: Session) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(a.id), a.name) for a in list_agreements(session)]


def _vetting_statuses(session: Session) -> list[tuple[str, str]]:
    return [(status, status) for status in ("pending", "cleared", "flagged")]


def _levels(session: Session) -> list[tuple[str, str]]:
    return [(name, name) for name in levels(session)]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str = "text"  # text | textarea | select | lines | json
    required: bool = False
    hint: str = ""
    options: Options | None = None
    parts: tuple[str, ...] = ()  # for "lines" whose items are records: their keys, in order
    actor_refs: tuple[str, ...] = ()  # keys (or "" for the value) holding actor references

    @property
    def multiline(self) -> bool:
        return self.widget in ("textarea", "lines")


def _labels() -> tuple[Field, ...]:
    return (
        Field(
            "classification",
            "Classification",
            "select",
            options=_levels,
            hint="Nobody below this clearance will see the record.",
        ),
        Field(
            "releasable_to",
            "Releasable to",
            hint="'all', or organisation names separated by commas; empty: your "
            "organisation only (kept as it is when editing).",
        ),
    )


@dataclass(frozen=True)
class FormSpec:
    kind: str
    singular: str
    record: type[Item]
    fields: tuple[Field, ...]

    def field_names(self) -> set[str]:
        return {f.name for f in self.fields}


ACTOR_REF = "Name, alias, code (ISO3, CAMEO) or id."
FORMS: dict[str, FormSpec] = {
    "actors": FormSpec(
        "actors",
        "actor",
        ActorRecord,
        (
            Field("name", "Name", required=True),
            Field("kind", "Kind", "select", required=True, options=vocabulary("actor_kinds")),
            Field("aliases", "Aliases", "lines", hint="One per line."),
            Field("iso3", "ISO 3166 alpha-3 code", hint="Required for a state, e.g. NOR."),
            Field("cameo_code", "CAMEO code", hint="How event data codes the actor, e.g. NORGOV."),
            Field("country", "Country", hint="Country name or ISO3 code."),
            Field(
                "parent",
                "Parent",
                hint="The actor it is an organ of. " + ACTOR_REF,
                actor_refs=("",),
            ),
            Field("description", "Description", "textarea"),
            Field("source", "Source"),
            *_labels(),
        ),
    ),
    "channels": FormSpec(
        "channels",
        "channel",
        ChannelRecord,
        (
            Field("name", "Name", required=True),
            Field("track", "Track", "select", required=True, options=vocabulary("tracks")),
            Field("sector", "Sector", "select", required=True, options=vocabulary("sectors")),
            Field(
                "status", "Status", "select", required=True, options=vocabulary("channel_statuses")
            ),
            Field("started", "Started", hint="YYYY-MM-DD, YYYY-MM or YYYY."),
            Field(
                "participants",
                "Participants",
                "lines",
                required=True,
                parts=("actor", "role"),
                actor_refs=("actor",),
                hint="Two or more, one per line: actor | role. " + ACTOR_REF,
            ),
            Field(
                "history",
                "Track and status history",
                "lines",
                parts=("date", "track", "status", "note"),
                hint="One per line: date | track | status | note. The newest must match the "
                "track and status above.",
            ),
            Field("description", "Description", "textarea"),
            Field("source", "Source"),
            *_labels(),
        ),
    ),
    "engagements": FormSpec(
        "engagements",
        "engagement",
        EngagementRecord,
        (
            Field("channel", "Channel", "select", required=True, options=_channels),
            Field("kind", "Kind", "select", required=True, options=vocabulary("engagement_kinds")),
            Field("start", "Start", required=True, hint="YYYY-MM-DD, YYYY-MM or YYYY."),
            Field("end", "End", hint="YYYY-MM-DD, YYYY-MM or YYYY."),
            Field("place", "Place"),
            Field("summary", "Summary", "textarea", required=True),
            Field(
                "participants",
                "Participants",
                "lines",
                actor_refs=("",),
                hint="One actor per line. " + ACTOR_REF,
            ),
            Field("outcome", "Outcome", "textarea"),
            Field(
                "follow_ups",
                "Follow-ups",
                "lines",
                parts=("action", "due", "done"),
                hint="One per line: action | due YYYY-MM-DD | done (yes/no).",
            ),
            Field("source", "Source"),
            *_labels(),
        ),
    ),
    "agreements": FormSpec(
        "agreements",
        "agreement",
        AgreementRecord,
        (
            Field("name", "Name", required=True),
            Field("kind", "Kind", "select", required=True, options=vocabulary("agreement_kinds")),
            Field(
                "status",
                "Status",
                "select",
                required=True,
                options=vocabulary("agreement_statuses"),
            ),
            Field("adopted", "Adopted", hint="YYYY-MM-DD, YYYY-MM or YYYY."),
            Field("in_force", "In force since", hint="YYYY-MM-DD, YYYY-MM or YYYY."),
            Field("sector", "Sector", "select", options=vocabulary("sectors", blank=True)),
            Field(
                "parties",
                "Parties",
                "lines",
                parts=("actor", "role"),
                actor_refs=("actor",),
                hint="One per line: actor | role. " + ACTOR_REF,
            ),
            Field(
                "actions",
                "Actions",
                "lines",
                parts=("actor", "action", "date", "note"),
                actor_refs=("actor",),
                hint="One per line: actor | action (e.g. signed) | date | note.",
            ),
            Field("obligations", "Obligations", "lines", hint="One per line."),
            Field("summary", "Summary", "textarea"),
            Field("url", "Link"),
            Field("source", "Source"),
            *_labels(),
        ),
    ),
    "memberships": FormSpec(
        "memberships",
        "membership",
        MembershipRecord,
        (
            Field("member", "Member", required=True, hint=ACTOR_REF, actor_refs=("",)),
            Field("organisation", "Organisation", required=True, hint=ACTOR_REF, actor_refs=("",)),
            Field("role", "Role", "select", options=vocabulary("membership_roles")),
            Field("since", "Since", hint="YYYY-MM-DD, YYYY-MM or YYYY."),
            Field("until", "Until", hint="YYYY-MM-DD, YYYY-MM or YYYY."),
            Field("note", "Note", "textarea"),
            Field("source", "Source"),
            *_labels(),
        ),
    ),
    "objectives": FormSpec(
        "objectives",
        "objective",
        ObjectiveRecord,
        (
            Field("title", "Title", required=True),
            Field("description", "Description", "textarea"),
            Field("sector", "Sector", "select", options=vocabulary("sectors", blank=True)),
            Field("actor", "Actor", hint=ACTOR_REF, actor_refs=("",)),
            Field("channel", "Channel", "select", options=_channels),
            Field("agreement", "Agreement", "select", options=_agreements),
            Field("target_date", "Target date", hint="YYYY-MM-DD."),
            Field(
                "indicators",
                "Indicators",
                "json",
                hint="Indicators and measurements are kept as they are.",
            ),
            Field("source", "Source"),
            *_labels(),
        ),
    ),
    "vetting": FormSpec(
        "vetting",
        "vetting record",
        VettingRecord,
        (
            Field(
                "subject",
                "Subject",
                required=True,
                hint="The unit, force or person vetted. " + ACTOR_REF,
                actor_refs=("",),
            ),
            Field("status", "Status", "select", required=True, options=_vetting_statuses),
            Field("date", "Date", required=True, hint="Date of the finding, YYYY-MM-DD."),
            Field("source", "Source", hint="Citation of the finding: a URL or a reference."),
            Field("notes", "Notes", "textarea"),
            *_labels(),
        ),
    ),
}


def _split(line: str, parts: tuple[str, ...]) -> dict[str, Any]:
    cells = [c.strip() for c in line.split("|", len(parts) - 1)]
    item: dict[str, Any] = {k: v for k, v in zip(parts, cells, strict=False) if v}
    if "done" in item:
        item["done"] = str(item["done"]).lower() in TRUE
    return item


def to_record(spec: FormSpec, values: Mapping[str, str]) -> dict[str, Any]:
    """The exchange record a form's values describe (blank values mean "not given")."""
    data: dict[str, Any] = {}
    for field in spec.fields:
        raw = values.get(field.name, "").strip()
        if field.widget == "lines":
            lines = [line.strip() for line in raw.splitlines() if line.strip()]
            data[field.name] = [_split(x, field.parts) for x in lines] if field.parts else lines
        elif field.widget == "json":
            try:
                data[field.name] = json.loads(raw) if raw else []
            except ValueError:
                data[field.name] = raw  # the record validation names the field
        elif field.name == "releasable_to":
            if raw:
                data[field.name] = [name.strip() for name in raw.split(",") if name.strip()]
        elif raw:
            data[field.name] = raw
    return data


def _ref_text(session: Session, ref: Any) -> str:
    """An actor reference as people write it: its name when that names only it, else its id."""
    text = str(ref or "")
    found = find_actors(session, text)
    if len(found) == 1 and len(find_actors(session, found[0].name)) == 1:
        return found[0].name
    return text


def to_values(session: Session, spec: FormSpec, record: Mapping[str, Any]) -> dict[str, str]:
    """The form values showing a stored record (its export form), for editing."""
    values: dict[str, str] = {}
    for field in spec.fields:
        value = record.get(field.name)
        if value is None:
            values[field.name] = ""
        elif field.widget == "json":
            values[field.name] = json.dumps(value, ensure_ascii=False)
        elif field.name == "releasable_to":
            values[field.name] = ", ".join(value)
        elif field.widget == "lines":
            lines = []
            for item in value:
                if field.parts:
                    cells = dict(item)
                    for key in field.actor_refs:
                        cells[key] = _ref_text(session, cells.get(key))
                    if "done" in cells:
                        cells["done"] = "yes" if cells["done"] else "no"
                    row = [str(cells.get(k) or "") for k in field.parts]
                    lines.append(" | ".join(row).rstrip(" |"))
                else:
                    lines.append(_ref_text(session, item) if field.actor_refs else str(item))
            values[field.name] = "\n".join(lines)
        elif field.actor_refs:
            values[field.name] = _ref_text(session, value)
        else:
            values[field.name] = str(value)
    return values


def _message(text: str) -> str:
    return text.removeprefix("Value error, ")


def errors_of(spec: FormSpec, error: Exception) -> tuple[dict[str, str], list[str]]:
    """Messages by field (for the fields of the form) and the rest (shown above it)."""
    by_field: dict[str, str] = {}
    general: list[str] = []
    names = spec.field_names()

    def note(field: str, message: str) -> None:
        top = field.split(".")[0]
        if top in names:
            detail = field.split(".")[1:]
            if detail and detail[0].isdigit():
                detail[0] = f"line {int(detail[0]) + 1}"  # people count lines from 1
            text = f"{message} ({', '.join(detail)})" if detail else message
            by_field.setdefault(top, text)
        else:
            general.append(f"{field}: {message}" if field else message)

    if isinstance(error, ValidationError):
        for e in error.errors():
            loc = ".".join(str(p) for p in e.get("loc", ()))
            note(loc, _message(str(e.get("msg", "invalid"))))
    elif isinstance(error, InvalidValueError):
        note(error.field, error.message)
    else:
        general.append(str(error))
    return by_field, general
