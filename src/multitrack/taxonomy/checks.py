"""Cross-checks of a whole taxonomy: what must hold before anyone may use it."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from multitrack.taxonomy.vocabulary import Term, Vocabulary

if TYPE_CHECKING:
    from multitrack.taxonomy.model import Taxonomy

SECURITY_COOPERATION_SOURCE = "003_a3742d896a86a4b5.txt"
"""The seed text whose activity taxonomy the security-cooperation kinds come from."""

SECURITY_COOPERATION_AREAS: frozenset[str] = frozenset(
    {
        "military_cooperation",
        "law_enforcement",
        "information_capacity",
        "diplomatic_political",
        "economic_cooperation",
        "non_state_engagement",
    }
)
SECURITY_COOPERATION_KINDS = 22

OFFICIALDOM: frozenset[str] = frozenset({"official", "mixed", "unofficial"})


def check(taxonomy: Taxonomy) -> list[str]:
    """Every problem found in ``taxonomy``, one readable line each; empty when it is sound."""
    problems: list[str] = []
    for vocabulary in taxonomy:
        problems.extend(_check_terms(vocabulary))
        problems.extend(_check_hierarchy(vocabulary))
    problems.extend(_check_tracks(taxonomy.tracks))
    problems.extend(_check_engagement_kinds(taxonomy.engagement_kinds, taxonomy.sectors))
    problems.extend(_check_security_cooperation(taxonomy.engagement_kinds))
    return problems


def _check_terms(vocabulary: Vocabulary) -> list[str]:
    problems: list[str] = []
    name = vocabulary.name
    counts = Counter(term.id for term in vocabulary)
    problems.extend(f"{name}: duplicate id {i!r}" for i, n in counts.items() if n > 1)
    for term in vocabulary:
        if term.vocabulary != name:
            problems.append(f"{name} {term.id!r}: belongs to vocabulary {term.vocabulary!r}")
        for attribute in ("id", "name", "description", "source"):
            value = getattr(term, attribute)
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{name} {term.id!r}: empty {attribute}")
    return problems


def _check_hierarchy(vocabulary: Vocabulary) -> list[str]:
    problems: list[str] = []
    name = vocabulary.name
    for term in vocabulary:
        if term.parent is not None and term.parent not in vocabulary:
            problems.append(f"{name} {term.id!r}: parent {term.parent!r} does not exist")
    reported: set[frozenset[str]] = set()
    for term in vocabulary:
        cycle = _cycle_from(vocabulary, term)
        if cycle and frozenset(cycle) not in reported:
            reported.add(frozenset(cycle))
            problems.append(f"{name}: cycle in parents: {' -> '.join([*cycle, cycle[0]])}")
    return problems


def _cycle_from(vocabulary: Vocabulary, start: Term) -> list[str]:
    """The ids of the parent cycle reached from ``start``, or ``[]`` if the chain ends."""
    path: list[str] = []
    current: str | None = start.id
    while current is not None and current in vocabulary:
        if current in path:
            return path[path.index(current) :]
        path.append(current)
        current = vocabulary.get(current).parent
    return []


def _check_tracks(tracks: Vocabulary) -> list[str]:
    return [
        f"tracks {term.id!r}: officialdom {term.extra.get('officialdom')!r} is not one of "
        f"{', '.join(sorted(OFFICIALDOM))}"
        for term in tracks
        if term.extra.get("officialdom") not in OFFICIALDOM
    ]


def _check_engagement_kinds(kinds: Vocabulary, sectors: Vocabulary) -> list[str]:
    problems: list[str] = []
    areas = {term.id for term in kinds if term.extra.get("is_area") is True}
    for term in kinds:
        where = f"engagement_kinds {term.id!r}"
        is_area = term.extra.get("is_area", False)
        area = term.extra.get("area")
        flag = term.extra.get("police_or_military")
        if not isinstance(is_area, bool):
            problems.append(f"{where}: is_area must be true or false")
        if flag is not None and not isinstance(flag, bool):
            problems.append(f"{where}: police_or_military must be true or false")
        if is_area is True:
            if area is not None:
                problems.append(f"{where}: an area entry cannot itself have an area")
            continue
        if area not in areas:
            problems.append(f"{where}: area {area!r} is not an area entry")
        sector = term.extra.get("sector")
        if not isinstance(sector, str) or sector not in sectors:
            problems.append(f"{where}: default sector {sector!r} is not a known sector")
        if not isinstance(flag, bool):
            problems.append(f"{where}: police_or_military must be given as true or false")
        if term.parent is not None and term.parent in kinds and area in areas:
            parent = kinds.get(term.parent)
            if area not in {parent.id, parent.extra.get("area")}:
                problems.append(f"{where}: parent {parent.id!r} lies outside its area {area!r}")
    return problems


def _check_security_cooperation(kinds: Vocabulary) -> list[str]:
    """The 6 areas and 22 kinds of the security-cooperation taxonomy are all there."""
    problems: list[str] = []
    ours = [term for term in kinds if term.source == SECURITY_COOPERATION_SOURCE]
    areas = {term.id for term in ours if term.extra.get("is_area") is True}
    members = [term for term in ours if term.extra.get("is_area") is not True]
    if areas != SECURITY_COOPERATION_AREAS:
        missing = sorted(SECURITY_COOPERATION_AREAS - areas)
        extra = sorted(areas - SECURITY_COOPERATION_AREAS)
        problems.append(
            "engagement_kinds: security-cooperation areas differ from the 6 expected "
            f"(missing: {missing}, unexpected: {extra})"
        )
    if len(members) != SECURITY_COOPERATION_KINDS:
        problems.append(
            f"engagement_kinds: {len(members)} security-cooperation kinds, "
            f"expected {SECURITY_COOPERATION_KINDS}"
        )
    outside = [term.id for term in members if term.extra.get("area") not in areas]
    if outside:
        problems.append(
            f"engagement_kinds: security-cooperation kinds outside the areas: {outside}"
        )
    return problems
