"""CAMEO event codes mapped onto Multitrack engagement kinds and sectors, as data.

``data/cameo_mapping.yaml`` holds one entry per CAMEO code that the product maps: a root
(``"19"``), a base (``"057"``) or a leaf (``"0871"``). An event code is mapped by its **most
specific** entry: the code itself, else its first three digits, else its root. Every root
``01`` … ``20`` has an entry, so every CAMEO code maps somewhere.

An entry names an engagement kind (``kind``; an area such as ``diplomatic_political`` is allowed
where CAMEO cannot tell the narrower kinds apart) **or**, for acts that are no engagement at all
(use of force), ``kind: null`` and a ``marker`` (``conflict``), and always a ``sector``.

:func:`check_cameo_mapping` finds every problem (unknown CAMEO code, a ``cameo`` name that differs
from the CAMEO table, unknown kind, marker or sector, a missing root, a duplicate, an empty
rationale or source); :func:`multitrack.taxonomy.load_taxonomy` refuses to start when it finds one.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass
from importlib.resources import files

import yaml

from multitrack.errors import InvalidValueError
from multitrack.events.eventcodes import event_code_descriptions
from multitrack.taxonomy.model import Taxonomy, TaxonomyError

FILE = "cameo_mapping.yaml"
ROOTS: tuple[str, ...] = tuple(f"{n:02d}" for n in range(1, 21))
_WHERE = FILE


@dataclass(frozen=True)
class Marker:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class CameoRule:
    """One entry of the mapping table."""

    code: str
    cameo: str
    kind: str | None
    marker: str | None
    sector: str
    rationale: str
    source: str


@dataclass(frozen=True)
class CameoTable:
    version: int
    markers: tuple[Marker, ...]
    rules: tuple[CameoRule, ...]

    @functools.cached_property
    def by_code(self) -> dict[str, CameoRule]:
        index: dict[str, CameoRule] = {}
        for rule in self.rules:
            index.setdefault(rule.code, rule)
        return index

    def rule_for(self, code: str) -> CameoRule | None:
        """The most specific rule for ``code`` (itself, its base, its root), or None."""
        for length in (len(code), 3, 2):
            rule = self.by_code.get(code[:length])
            if rule is not None:
                return rule
        return None


@dataclass(frozen=True)
class CodeMapping:
    """Where an event code lands: an engagement kind (or None), a sector, and the rule used."""

    kind: str | None
    sector: str
    rule_code: str
    marker: str | None = None


# ------------------------------------------------------------------------------------------
# Reading


def mapping_text() -> str:
    """The shipped table's text (a seam for tests)."""
    return files("multitrack.taxonomy").joinpath("data", FILE).read_text(encoding="utf-8")


def parse_cameo_mapping(text: str) -> tuple[CameoTable, list[str]]:
    """Parse the table; returns what could be read and the problems of its shape."""
    empty = CameoTable(1, (), ())
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return empty, [f"{_WHERE}: not valid YAML ({error})"]
    if not isinstance(document, dict):
        return empty, [f"{_WHERE}: must be a mapping with 'version', 'markers' and 'entries'"]
    problems: list[str] = []
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        problems.append(f"{_WHERE}: 'version' must be a whole number, not {version!r}")
        version = 1
    markers: list[Marker] = []
    raw_markers = document.get("markers") or []
    if not isinstance(raw_markers, list):
        problems.append(f"{_WHERE}: 'markers' must be a list")
        raw_markers = []
    for number, item in enumerate(raw_markers, start=1):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item[k].strip() for k in ("id", "name", "description")
        ):
            problems.append(f"{_WHERE} marker {number}: needs text 'id', 'name' and 'description'")
            continue
        markers.append(Marker(item["id"], item["name"].strip(), item["description"].strip()))
    entries = document.get("entries")
    if not isinstance(entries, list):
        return CameoTable(version, tuple(markers), ()), [
            *problems,
            f"{_WHERE}: 'entries' must be a list",
        ]
    rules: list[CameoRule] = []
    for number, entry in enumerate(entries, start=1):
        rule, found = _parse_rule(entry, where=f"{_WHERE} entry {number}")
        problems.extend(found)
        if rule is not None:
            rules.append(rule)
    return CameoTable(version, tuple(markers), tuple(rules)), problems


def _parse_rule(entry: object, *, where: str) -> tuple[CameoRule | None, list[str]]:
    if not isinstance(entry, dict):
        return None, [f"{where}: must be a mapping"]
    code = entry.get("code")
    if not isinstance(code, str):
        hint = (
            " (quote it: CAMEO codes are text with leading zeros)" if isinstance(code, int) else ""
        )
        return None, [f"{where}: 'code' must be text, not {code!r}{hint}"]
    where = f"{where} ({code!r})"
    problems: list[str] = []
    texts: dict[str, str] = {}
    for key in ("cameo", "sector", "rationale", "source"):
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: {key!r} must be non-empty text")
            value = ""
        texts[key] = value.strip()
    optional: dict[str, str | None] = {}
    for key in ("kind", "marker"):
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(f"{where}: {key!r} must be text or null")
            value = None
        optional[key] = value
    unknown = set(entry) - {"code", "cameo", "kind", "marker", "sector", "rationale", "source"}
    if unknown:
        problems.append(f"{where}: unknown fields {sorted(unknown)}")
    rule = CameoRule(
        code=code,
        cameo=texts["cameo"],
        kind=optional["kind"],
        marker=optional["marker"],
        sector=texts["sector"],
        rationale=texts["rationale"],
        source=texts["source"],
    )
    return rule, problems


# ------------------------------------------------------------------------------------------
# Checking


def check_cameo_mapping(
    table: CameoTable, taxonomy: Taxonomy, cameo: dict[str, str] | None = None
) -> list[str]:
    """Every problem of the table against the CAMEO code table and the taxonomy."""
    cameo = event_code_descriptions() if cameo is None else cameo
    problems: list[str] = []
    markers = {m.id for m in table.markers}
    for marker, count in Counter(m.id for m in table.markers).items():
        if count > 1:
            problems.append(f"{_WHERE}: duplicate marker {marker!r}")
    for code, count in Counter(r.code for r in table.rules).items():
        if count > 1:
            problems.append(f"{_WHERE}: code {code!r} is mapped {count} times")
    for rule in table.rules:
        where = f"{_WHERE} {rule.code!r}"
        if rule.code not in cameo:
            problems.append(f"{where}: not a CAMEO event code (cameo_eventcodes.tsv)")
        elif rule.cameo and rule.cameo.casefold() != cameo[rule.code].casefold():
            problems.append(
                f"{where}: cameo name {rule.cameo!r} differs from the CAMEO table's "
                f"{cameo[rule.code]!r}"
            )
        if (rule.kind is None) == (rule.marker is None):
            problems.append(f"{where}: give exactly one of 'kind' or 'marker'")
        if rule.kind is not None and rule.kind not in taxonomy.engagement_kinds:
            problems.append(f"{where}: unknown engagement kind {rule.kind!r}")
        if rule.marker is not None and rule.marker not in markers:
            problems.append(f"{where}: unknown marker {rule.marker!r}")
        if rule.sector and rule.sector not in taxonomy.sectors:
            problems.append(f"{where}: unknown sector {rule.sector!r}")
    mapped = {r.code for r in table.rules}
    missing = [root for root in ROOTS if root not in mapped]
    if missing:
        problems.append(f"{_WHERE}: CAMEO roots without an entry: {', '.join(missing)}")
    return problems


def mapping_problems(taxonomy: Taxonomy) -> list[str]:
    """Shape and content problems of the shipped table (called by ``load_taxonomy``)."""
    table, problems = parse_cameo_mapping(mapping_text())
    return [*problems, *check_cameo_mapping(table, taxonomy)]


# ------------------------------------------------------------------------------------------
# Using


@functools.cache
def load_cameo_mapping() -> CameoTable:
    """The shipped, checked table (read once); :class:`TaxonomyError` when it is broken."""
    from multitrack.taxonomy.loader import load_taxonomy

    taxonomy = load_taxonomy()  # refuses a broken table
    table, problems = parse_cameo_mapping(mapping_text())
    problems = [*problems, *check_cameo_mapping(table, taxonomy)]
    if problems:  # pragma: no cover - load_taxonomy has already refused it
        raise TaxonomyError(problems)
    return table


def map_event_code(code: str) -> CodeMapping:
    """The Multitrack kind and sector of a CAMEO event code, by its most specific rule.

    Codes outside the CAMEO table still map through their root when it is ``01`` … ``20``;
    anything else is refused with :class:`InvalidValueError`.
    """
    text = str(code).strip()
    rule = load_cameo_mapping().rule_for(text) if text.isdigit() and len(text) >= 2 else None
    if rule is None:
        raise InvalidValueError("event_code", f"{code!r} is not a CAMEO event code")
    return CodeMapping(kind=rule.kind, sector=rule.sector, rule_code=rule.code, marker=rule.marker)


def code_mappings() -> dict[str, CodeMapping]:
    """Every code of the CAMEO table -> its mapping (roots included)."""
    return {code: map_event_code(code) for code in event_code_descriptions()}


def markdown_table() -> str:
    """The table as Markdown, in file order (``docs/events.md`` holds this text)."""
    lines = [
        "| CAMEO | name | engagement kind | sector | rationale |",
        "|---|---|---|---|---|",
    ]
    for rule in load_cameo_mapping().rules:
        kind = f"`{rule.kind}`" if rule.kind else f"— (*{rule.marker}*)"
        lines.append(
            f"| `{rule.code}` | {rule.cameo} | {kind} | `{rule.sector}` | {rule.rationale} |"
        )
    return "\n".join(lines) + "\n"
