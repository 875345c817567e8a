"""The actor page's relations chart: events between the actor and a partner, both directions."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from multitrack.errors import MultitrackError
from multitrack.events.parties import Party, party_of, resolve_party
from multitrack.events.partners import top_partners
from multitrack.events.periods import period_end
from multitrack.events.relations import dyad_series
from multitrack.model import Actor
from multitrack.services.actors import find_actors
from multitrack.web.charts import relations_chart
from multitrack.web.events import event_source
from multitrack.web.impact import chart_marks

PARTNERS = 8


def _name(session: Session, code: str) -> str:
    found = find_actors(session, code)
    return found[0].name if len(found) == 1 else code


def actor_relations(
    request: Request, session: Session, actor: Actor, chosen: str | None
) -> dict[str, Any]:
    """What the relations panel shows: the partners to choose from and one chart per
    direction, or a message saying why there is nothing to draw."""
    result: dict[str, Any] = {
        "charts": [],
        "partners": [],
        "message": None,
        "chosen": chosen,
        "marks": [],
    }
    source = event_source(request)
    if source is None:
        result["message"] = "No event data has been ingested yet (multitrack events ingest)."
        return result
    try:
        own = party_of(actor)
    except MultitrackError as error:
        result["message"] = str(error)
        return result
    events = source.events
    partners = top_partners(events, own, n=PARTNERS)
    result["partners"] = [
        {"code": p.partner, "name": _name(session, p.partner), "events": p.events} for p in partners
    ]
    partner: Party | None = None
    if chosen:
        try:
            partner = resolve_party(session, chosen)
        except MultitrackError as error:
            result["message"] = str(error)
            return result
    elif partners:
        partner = Party.state(partners[0].partner, _name(session, partners[0].partner))
    if partner is None:
        result["message"] = f"No events with {actor.name} in the event store."
        return result
    result["partner"] = partner.name or partner.label
    out = dyad_series(events, own, partner, "month")
    back = dyad_series(events, partner, own, "month")
    starts = [s.rows[0].start for s in (out, back) if s.rows]
    ends = [s.rows[-1].start for s in (out, back) if s.rows]
    if not starts:
        result["message"] = f"No events between {actor.name} and {result['partner']}."
        return result
    first, last = min(starts), max(ends)
    marks = chart_marks(session, own, partner, first, period_end(last, "month"))
    result["marks"] = marks
    for a, b in ((own, partner), (partner, own)):
        series = dyad_series(events, a, b, "month", start=first, end=last)
        label = f"{a.name or a.label} → {b.name or b.label}"
        result["charts"].append(
            {
                "label": label,
                "events": sum(r.events for r in series.rows),
                "svg": relations_chart(
                    series.rows, label=f"Events {label} by month", markers=marks
                ),
            }
        )
    return result
