"""CAMEO event code descriptions, from the vendored table ``data/cameo_eventcodes.tsv``."""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files


@cache
def event_code_descriptions() -> dict[str, str]:
    """Every CAMEO event code (``"01"``, ``"044"``, ``"0211"`` ...) -> its description."""
    table = files("multitrack.events") / "data" / "cameo_eventcodes.tsv"
    text = table.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    descriptions = {row["code"]: row["description"] for row in rows}
    if len(descriptions) != len(rows) or not all(c.isdigit() for c in descriptions):
        raise RuntimeError("cameo_eventcodes.tsv: duplicate or non-numeric codes")
    return descriptions


def describe(code: str) -> str:
    """The description of ``code``; an unknown code says so rather than failing."""
    return event_code_descriptions().get(code, "(not a CAMEO event code)")
