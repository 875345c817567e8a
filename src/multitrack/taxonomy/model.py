"""The taxonomy as a whole: one :class:`Vocabulary` per data file, and its extension."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from multitrack.errors import InvalidValueError, MultitrackError
from multitrack.taxonomy.vocabulary import EXTENSIBLE, VOCABULARIES, Term, Vocabulary


class TaxonomyError(MultitrackError):
    """The taxonomy data is unusable; ``problems`` lists everything that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        count = len(problems)
        shown = "; ".join(problems[:3]) + ("; ..." if count > 3 else "")
        super().__init__(f"taxonomy has {count} problem{'s' if count != 1 else ''}: {shown}")
        self.problems = problems

    def detail(self) -> dict[str, object]:
        return {"message": str(self), "problems": list(self.problems)}


class Taxonomy:
    """All vocabularies together. Build it with :func:`load_taxonomy`; never mutated."""

    __slots__ = (
        "actor_kinds",
        "agreement_actions",
        "agreement_kinds",
        "agreement_statuses",
        "channel_statuses",
        "engagement_kinds",
        "membership_roles",
        "sectors",
        "tracks",
    )

    tracks: Vocabulary
    sectors: Vocabulary
    engagement_kinds: Vocabulary
    actor_kinds: Vocabulary
    agreement_kinds: Vocabulary
    agreement_statuses: Vocabulary
    agreement_actions: Vocabulary
    channel_statuses: Vocabulary
    membership_roles: Vocabulary

    def __init__(self, vocabularies: Iterable[Vocabulary]) -> None:
        """Assemble a taxonomy; exactly one vocabulary per name in :data:`VOCABULARIES`."""
        by_name: dict[str, Vocabulary] = {}
        for vocabulary in vocabularies:
            if vocabulary.name not in VOCABULARIES or vocabulary.name in by_name:
                raise TaxonomyError([f"unexpected or repeated vocabulary {vocabulary.name!r}"])
            by_name[vocabulary.name] = vocabulary
        missing = [name for name in VOCABULARIES if name not in by_name]
        if missing:
            raise TaxonomyError([f"missing vocabulary {name!r}" for name in missing])
        for name in VOCABULARIES:
            object.__setattr__(self, name, by_name[name])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Taxonomy is immutable (cannot set {name!r})")

    def __iter__(self) -> Iterator[Vocabulary]:
        """The vocabularies, in :data:`VOCABULARIES` order."""
        return (self.vocabulary(name) for name in VOCABULARIES)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{v.name}={len(v)}" for v in self)
        return f"Taxonomy({sizes})"

    def vocabulary(self, name: str) -> Vocabulary:
        """The vocabulary called ``name``; :class:`InvalidValueError` if there is none."""
        if name not in VOCABULARIES:
            raise InvalidValueError(
                "vocabulary", f"unknown vocabulary {name!r}; known: {', '.join(VOCABULARIES)}"
            )
        vocabulary: Vocabulary = getattr(self, name)
        return vocabulary

    def extended(self, terms: Iterable[Term]) -> Taxonomy:
        """A new taxonomy with an organisation's own ``terms`` added.

        Only :data:`EXTENSIBLE` vocabularies take new terms. A duplicate id or an unknown parent
        is refused with :class:`InvalidValueError`; so is a result that fails :func:`check`.
        Engagement kinds without ``area``, ``sector`` or ``police_or_military`` inherit them
        from their parent.
        """
        from multitrack.taxonomy.checks import check

        added: dict[str, list[Term]] = {name: [] for name in VOCABULARIES}
        for term in terms:
            base = self.vocabulary(term.vocabulary)
            if base.name not in EXTENSIBLE:
                allowed = ", ".join(sorted(EXTENSIBLE))
                raise InvalidValueError(
                    "vocabulary", f"{base.name} cannot be extended; only {allowed} can"
                )
            known = {*base.ids, *(t.id for t in added[base.name])}
            label = base.singular.replace("_", " ")
            if term.id in known:
                raise InvalidValueError(base.singular, f"{label} {term.id!r} already exists")
            if term.parent is not None and term.parent not in known:
                raise InvalidValueError(
                    "parent", f"unknown {label} {term.parent!r} as parent of {term.id!r}"
                )
            if base.name == "engagement_kinds":
                term = _inherit_from_parent(term, base.with_terms(added[base.name]))
            added[base.name].append(term)
        result = Taxonomy(self.vocabulary(name).with_terms(added[name]) for name in VOCABULARIES)
        problems = check(result)
        if problems:
            raise InvalidValueError("term", "; ".join(problems))
        return result


def _inherit_from_parent(term: Term, kinds: Vocabulary) -> Term:
    """Fill an engagement kind's missing area, sector and flag from its parent."""
    if term.parent is None or term.extra.get("is_area") is True:
        return term
    parent = kinds.get(term.parent)
    inherited: dict[str, object] = {
        "is_area": False,
        "area": parent.id if parent.extra.get("is_area") is True else parent.extra.get("area"),
        "police_or_military": parent.extra.get("police_or_military", False),
    }
    if "sector" in parent.extra:
        inherited["sector"] = parent.extra["sector"]
    extra = {**inherited, **term.extra}
    return Term(
        vocabulary=term.vocabulary,
        id=term.id,
        name=term.name,
        description=term.description,
        source=term.source,
        parent=term.parent,
        extra=extra,
    )
