"""Every country as a ``state`` actor, from country_converter and the vendored code table."""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from multitrack.values import derived_id

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str | None
    name: str
    official_name: str | None
    cameo_code: str | None
    cow_code: int | None
    un_member_since: int | None

    @property
    def actor_id(self) -> Any:
        return derived_id("actor", "state", self.iso3)

    def codes(self) -> list[str]:
        return [c for c in (self.iso3, self.iso2) if c]


def _converter() -> Any:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    import country_converter as coco

    return coco.CountryConverter()


@cache
def countries() -> dict[str, Country]:
    """All countries and territories country_converter knows, keyed by ISO3."""
    data = _converter().data
    codes: dict[str, tuple[str | None, int | None]] = {}
    table = files("multitrack.reference") / "states.csv"
    with table.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            codes[row["iso3"]] = (row["cameo_code"] or None, int(row["cow_code"] or 0) or None)
    result: dict[str, Country] = {}
    for row in data.itertuples(index=False):
        iso3 = str(row.ISO3)
        cameo, cow = codes.get(iso3, (None, None))
        un_year = getattr(row, "UNmember", None)
        result[iso3] = Country(
            iso3=iso3,
            iso2=str(row.ISO2) if isinstance(row.ISO2, str) else None,
            name=str(row.name_short),
            official_name=str(row.name_official) if isinstance(row.name_official, str) else None,
            cameo_code=cameo,
            cow_code=cow,
            un_member_since=_year(un_year),
        )
    return result


#: Words that may stand beside a country's name in its long forms ("Republic of ...").
_FILLER = frozenset(
    [
        "the",
        "of",
        "and",
        "republic",
        "state",
        "states",
        "kingdom",
        "federation",
        "federal",
        "democratic",
        "people",
        "peoples",
        "islamic",
        "arab",
        "socialist",
        "union",
        "commonwealth",
        "principality",
        "grand",
        "duchy",
        "sultanate",
        "plurinational",
        "bolivarian",
        "independent",
        "america",
        "coast",  # "Ivory Coast": country_converter's pattern covers only "Ivory"
        "great",
        "united",
    ]
)


def _year(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def country_code(name: str) -> str | None:
    """The ISO3 code of a country named in any common way, or None when it is not a country.

    country_converter's patterns find the country; the name is accepted only when what the
    pattern did not cover is the filler of long country names, so "Türkiye", "Turkey" and
    "Russian Federation" are countries while "Ministry of Foreign Affairs of Norway" is not.
    """
    text = " ".join(name.split())
    if not text:
        return None
    known = countries()
    if text.upper() in known:
        return text.upper()
    matches: set[str] = set()
    for iso3, pattern in _patterns():
        found = pattern.search(text)
        if found and _only_filler_left(text, found.start(), found.end()):
            matches.add(iso3)
    return matches.pop() if len(matches) == 1 else None


def _only_filler_left(text: str, start: int, end: int) -> bool:
    for word in re.finditer(r"[^\W_]+", text):
        covered = word.start() < end and word.end() > start
        if not covered and word.group().casefold() not in _FILLER:
            return False
    return True


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    data = _converter().data
    return tuple(
        (str(iso3), re.compile(str(regex), re.IGNORECASE))
        for iso3, regex in zip(data["ISO3"], data["regex"], strict=True)
    )
