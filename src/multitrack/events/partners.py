"""An actor's top partners: counterparts by event volume, both directions, one Ibis expression."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from multitrack.events.parties import Party
from multitrack.events.relations import (
    QUAD_COLUMNS,
    Counts,
    Datasets,
    measures,
    scope,
    unique_events,
)

PartnerLevel = Literal["country", "code"]
PARTNER_COLUMNS: tuple[str, ...] = (
    "partner",
    "events",
    "outgoing",
    "incoming",
    *QUAD_COLUMNS,
    "goldstein_mean",
    "coop_share",
)


@dataclass(frozen=True)
class PartnerRow:
    partner: str
    events: int
    outgoing: int
    incoming: int
    verbal_coop: int
    material_coop: int
    verbal_conflict: int
    material_conflict: int
    goldstein_mean: float | None
    coop_share: float | None

    @property
    def record(self) -> dict[str, Any]:
        return {column: getattr(self, column) for column in PARTNER_COLUMNS}


def partner_counts(
    events: ir.Table,
    *,
    actor: Party,
    by: PartnerLevel = "country",
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
) -> ir.Table:
    """Counterparts of ``actor`` in both directions, as one expression: ``partner``,
    ``outgoing`` (actor → partner), ``incoming`` and :func:`measures`, by volume."""
    t = scope(events, start=start, end=end, dataset=dataset)
    kept = ("date", "quad_class", "goldstein", "partner")
    sides = []
    for own, other, direction in (("source", "target", "out"), ("target", "source", "in")):
        side = t.filter(actor.matches(t, own), ~actor.matches(t, other))  # type: ignore[arg-type]
        side = side.mutate(partner=side[f"{other}_{by}"])
        side = side.filter(side.partner.notnull(), side.partner != "")
        sides.append(unique_events(side, kept).mutate(direction=ibis.literal(direction)))
    both = sides[0].union(sides[1])
    grouped = both.group_by("partner").aggregate(
        outgoing=both.count(where=both.direction == "out"),
        incoming=both.count(where=both.direction == "in"),
        **measures(both),
    )
    return grouped.order_by([ibis.desc("events"), "partner"])


def top_partners(
    events: ir.Table,
    actor: Party,
    n: int = 10,
    by: PartnerLevel = "country",
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
) -> list[PartnerRow]:
    """The ``n`` counterparts with most events with ``actor``, both directions together.

    ``by="country"`` groups counterparts by their country (ISO3), ``by="code"`` by the coder's
    actor code. Events with the actor on both sides (domestic ones, for a state) are left out.
    """
    expr = partner_counts(events, actor=actor, by=by, start=start, end=end, dataset=dataset)
    rows = []
    for row in expr.limit(n).to_pyarrow().to_pylist():
        c = Counts.of(row)
        rows.append(
            PartnerRow(
                partner=str(row["partner"]),
                events=c.events,
                outgoing=int(row["outgoing"]),
                incoming=int(row["incoming"]),
                verbal_coop=c.verbal_coop,
                material_coop=c.material_coop,
                verbal_conflict=c.verbal_conflict,
                material_conflict=c.material_conflict,
                goldstein_mean=c.goldstein_mean,
                coop_share=c.coop_share,
            )
        )
    return rows
