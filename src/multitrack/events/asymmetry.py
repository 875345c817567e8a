"""Asymmetry of a dyad: A → B against B → A, period by period (definitions in relations.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis.expr.types as ir

from multitrack.events.parties import Party
from multitrack.events.periods import Period
from multitrack.events.relations import DIGITS, Datasets, dyad_counts, fetch_counts, fill

ASYMMETRY_COLUMNS: tuple[str, ...] = (
    "period",
    "a",
    "b",
    "events_ab",
    "events_ba",
    "goldstein_mean_ab",
    "goldstein_mean_ba",
    "goldstein_gap",
    "coop_share_ab",
    "coop_share_ba",
    "coop_share_gap",
)


@dataclass(frozen=True)
class AsymmetryRow:
    """A → B against B → A in one period; gaps are A→B minus B→A (empty when either is)."""

    start: date
    period: str
    a: str
    b: str
    events_ab: int
    events_ba: int
    goldstein_mean_ab: float | None
    goldstein_mean_ba: float | None
    goldstein_gap: float | None
    coop_share_ab: float | None
    coop_share_ba: float | None
    coop_share_gap: float | None

    @property
    def record(self) -> dict[str, Any]:
        return {column: getattr(self, column) for column in ASYMMETRY_COLUMNS}


def _gap(x: float | None, y: float | None) -> float | None:
    return None if x is None or y is None else round(x - y, DIGITS)


def asymmetry(
    events: ir.Table,
    a: Party,
    b: Party,
    by: Period,
    start: date | None = None,
    end: date | None = None,
    dataset: Datasets = None,
) -> list[AsymmetryRow]:
    """A → B and B → A side by side per period, over the union of both dyads' ranges."""
    window = {"by": by, "start": start, "end": end, "dataset": dataset}
    ab = fetch_counts(dyad_counts(events, source=a, target=b, **window))  # type: ignore[arg-type]
    ba = fetch_counts(dyad_counts(events, source=b, target=a, **window))  # type: ignore[arg-type]
    both = {**ab, **ba}
    first = start if start is not None else (min(both) if both else None)
    last = end if end is not None else (max(both) if both else None)
    forward = fill(ab, by=by, source=a.label, target=b.label, first=first, last=last)
    backward = fill(ba, by=by, source=b.label, target=a.label, first=first, last=last)
    return [
        AsymmetryRow(
            start=f.start,
            period=f.period,
            a=a.label,
            b=b.label,
            events_ab=f.events,
            events_ba=r.events,
            goldstein_mean_ab=f.goldstein_mean,
            goldstein_mean_ba=r.goldstein_mean,
            goldstein_gap=_gap(f.goldstein_mean, r.goldstein_mean),
            coop_share_ab=f.coop_share,
            coop_share_ba=r.coop_share,
            coop_share_gap=_gap(f.coop_share, r.coop_share),
        )
        for f, r in zip(forward, backward, strict=True)
    ]
