"""The taxonomy in force for one database: the shipped files plus the organisation's own terms."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.errors import InvalidValueError
from multitrack.model import CustomTerm
from multitrack.taxonomy import EXTENSIBLE, Taxonomy, Term, load_taxonomy

#: The source shown for an organisation's own term recorded without one.
OWN_TERM_SOURCE = "the organisation's own term"


def taxonomy_for(session: Session) -> Taxonomy:
    terms = session.scalars(
        select(CustomTerm).order_by(CustomTerm.vocabulary, CustomTerm.term_id)
    ).all()
    base = load_taxonomy()
    if not terms:
        return base
    return base.extended(
        Term(
            vocabulary=t.vocabulary,
            id=t.term_id,
            name=t.name,
            # The taxonomy checks want every term described and sourced; both are optional for
            # an organisation's own terms (`taxonomy add`, the `terms` exchange file).
            description=t.description or t.name,
            source=t.source or OWN_TERM_SOURCE,
            parent=t.parent,
            extra={"sector": t.sector} if t.sector else {},
        )
        for t in terms
    )


def add_term(
    session: Session,
    *,
    vocabulary: str,
    term_id: str,
    name: str,
    parent: str | None = None,
    description: str | None = None,
    source: str | None = None,
    sector: str | None = None,
) -> CustomTerm:
    """Add (or update) one of the organisation's own sectors or engagement kinds."""
    if vocabulary not in EXTENSIBLE:
        raise InvalidValueError(
            "vocabulary",
            f"{vocabulary!r} cannot be extended; one of {', '.join(sorted(EXTENSIBLE))}",
        )
    term = session.get(CustomTerm, (vocabulary, term_id))
    if term is None:
        if term_id in load_taxonomy().vocabulary(vocabulary):
            raise InvalidValueError("id", f"{term_id!r} is already a shipped {vocabulary} entry")
        term = CustomTerm(vocabulary=vocabulary, term_id=term_id, name=name)
        session.add(term)
    term.name, term.parent, term.description, term.source = name, parent, description, source
    term.sector = sector
    session.flush()
    taxonomy_for(session)  # refuses a dangling parent or a cycle before anything is committed
    return term
