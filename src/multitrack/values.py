"""Small value types: cleaning returns ``None`` for bad input, validation is built on it."""

from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import date

from multitrack.errors import InvalidValueError

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")

#: Namespace of Multitrack's deterministic record ids (uuid5 of a record's natural key).
ID_NAMESPACE = uuid.UUID("5f0c8a8e-6b0e-4f59-9f3c-6d2b0b6c9a11")


def clean_partial_date(value: object) -> str | None:
    """An ISO 8601 date of reduced precision (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``), or None."""
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    match = _PARTIAL.match(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return value.strip()


def partial_date(value: object, *, field: str) -> str:
    cleaned = clean_partial_date(value)
    if cleaned is None:
        raise InvalidValueError(
            field, f"invalid date {value!r}: expected YYYY-MM-DD (or YYYY-MM, YYYY)"
        )
    return cleaned


def clean_full_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def full_date(value: object, *, field: str) -> date:
    cleaned = clean_full_date(value)
    if cleaned is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value).strip()):
        raise InvalidValueError(field, f"invalid date {value!r}: expected YYYY-MM-DD")
    return cleaned


def normalise_name(value: str) -> str:
    """What name matching compares: case, accents, punctuation and spacing folded away."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("&", " and ")
    words = re.findall(r"[^\W_]+", stripped)
    return " ".join(words)


def clean_uuid(value: object) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    if not isinstance(value, str):
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


def derived_id(kind: str, *parts: object) -> uuid.UUID:
    """The stable id of a record given without one: a uuid5 of its kind and natural key."""
    key = "\x1f".join("" if p is None else normalise_name(str(p)) for p in parts)
    return uuid.uuid5(ID_NAMESPACE, f"{kind}\x1e{key}")
