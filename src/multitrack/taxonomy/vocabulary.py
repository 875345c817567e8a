"""Terms and vocabularies: the small immutable classes the taxonomy data is loaded into."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from multitrack.errors import InvalidValueError

VOCABULARIES: tuple[str, ...] = (
    "tracks",
    "sectors",
    "engagement_kinds",
    "actor_kinds",
    "agreement_kinds",
    "agreement_statuses",
    "agreement_actions",
    "channel_statuses",
    "membership_roles",
)
"""Every vocabulary, in the order the data files are loaded and checked."""

EXTENSIBLE: frozenset[str] = frozenset({"sectors", "engagement_kinds"})
"""The vocabularies an organisation may extend with its own terms."""

SINGULAR: Mapping[str, str] = MappingProxyType(
    {
        "tracks": "track",
        "sectors": "sector",
        "engagement_kinds": "engagement_kind",
        "actor_kinds": "actor_kind",
        "agreement_kinds": "agreement_kind",
        "agreement_statuses": "agreement_status",
        "agreement_actions": "agreement_action",
        "channel_statuses": "channel_status",
        "membership_roles": "membership_role",
    }
)
"""The field name a value of each vocabulary is stored under (``tracks`` -> ``track``)."""

_SHOWN_IDS = 12


def _empty_extra() -> Mapping[str, object]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary: an id with its name, description and source.

    ``extra`` holds the vocabulary-specific fields (``area``, ``sector``, ``officialdom``,
    ``police_or_military``, ``is_area`` ...); it is read-only.
    """

    vocabulary: str
    id: str
    name: str
    description: str
    source: str
    parent: str | None = None
    extra: Mapping[str, object] = field(default_factory=_empty_extra, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.extra, MappingProxyType):
            object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))


@dataclass(frozen=True)
class Vocabulary:
    """An ordered, immutable list of terms with lookup by id.

    Duplicate ids are kept (the first one wins on lookup) so that :func:`check` can report them.
    """

    name: str
    terms: tuple[Term, ...] = ()
    version: int = 1
    _index: Mapping[str, Term] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", tuple(self.terms))
        index: dict[str, Term] = {}
        for term in self.terms:
            index.setdefault(term.id, term)
        object.__setattr__(self, "_index", MappingProxyType(index))

    @property
    def singular(self) -> str:
        """The field name for one value of this vocabulary (``track``, ``sector`` ...)."""
        return SINGULAR.get(self.name, self.name)

    @property
    def ids(self) -> list[str]:
        return list(self._index)

    def __contains__(self, term_id: object) -> bool:
        return isinstance(term_id, str) and term_id in self._index

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, term_id: str) -> Term:
        """The term with this id; :class:`InvalidValueError` naming the vocabulary if unknown."""
        return self._index[self.validate(term_id, field=self.singular)]

    def validate(self, term_id: str, *, field: str) -> str:
        """Return ``term_id`` if it is known, else raise :class:`InvalidValueError` on ``field``."""
        if term_id in self:
            return term_id
        raise InvalidValueError(field, self._unknown_message(term_id))

    def children(self, term_id: str) -> list[Term]:
        """The terms whose parent is ``term_id``, in file order."""
        self.get(term_id)
        return [term for term in self.terms if term.parent == term_id]

    def ancestors(self, term_id: str) -> list[Term]:
        """Parent, grandparent ... of ``term_id``, nearest first (stops at a cycle)."""
        term = self.get(term_id)
        seen = {term.id}
        found: list[Term] = []
        while term.parent is not None and term.parent in self._index:
            term = self._index[term.parent]
            if term.id in seen:
                break
            seen.add(term.id)
            found.append(term)
        return found

    def with_terms(self, terms: Iterable[Term]) -> Vocabulary:
        """A new vocabulary with ``terms`` appended (no checks: see :func:`check`)."""
        return Vocabulary(self.name, (*self.terms, *terms), self.version)

    def suggestions(self, term_id: object) -> list[str]:
        """Known ids close to ``term_id``, by id or by name, best first."""
        text = str(term_id).strip()
        by_name = {term.name.casefold(): term.id for term in self.terms}
        if text.casefold() in by_name:
            return [by_name[text.casefold()]]
        ids = self.ids
        close = difflib.get_close_matches(text, ids, n=3, cutoff=0.6)
        if not close:
            names = difflib.get_close_matches(text.casefold(), list(by_name), n=3, cutoff=0.6)
            close = [by_name[name] for name in names]
        return close

    def _unknown_message(self, term_id: object) -> str:
        label = self.singular.replace("_", " ")
        ids = self.ids
        shown = ", ".join(ids[:_SHOWN_IDS])
        if len(ids) > _SHOWN_IDS:
            shown += f", ... ({len(ids) - _SHOWN_IDS} more)"
        message = f"unknown {label} {term_id!r}"
        close = self.suggestions(term_id)
        if close:
            message += " (did you mean " + " or ".join(repr(c) for c in close) + "?)"
        return f"{message}; known: {shown}"
