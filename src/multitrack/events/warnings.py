"""Early warnings: periods where a dyad breaks from its own baseline, and what drove the break.

Method (documented in ``docs/relations.md``):

* The **baseline** of a period is the dyad's previous ``baseline`` periods (12 by default); only
  those with at least ``min_events`` events count, and at least ``min_baseline`` of them must, or
  the period is not tested. The tested period needs ``min_events`` events too.
* Two figures are tested with a **robust z-score**, ``z = (x − median) / (1.4826 · MAD)`` over
  the baseline, the scale floored (``goldstein_floor`` Goldstein points, ``share_floor`` of share)
  so a perfectly flat baseline does not make every wobble infinite:
  ``goldstein_mean`` and the **material-conflict share** (``material_conflict / events``).
* A period **warns** when ``|z| ≥ threshold`` (3.5, the Iglewicz–Hoaglin cut-off for modified
  z-scores) for either figure. It is ``worse`` when the Goldstein mean fell or the conflict share
  rose, ``better`` in the opposite case (the larger ``|z|`` decides a mixed case).
* **Drivers**: for each event code, the rise of its count in the period over its mean count in
  the baseline periods; the codes that rose most among those pulling in the warning's direction
  (Goldstein score below the baseline median for ``worse``, above for ``better``), with their
  CAMEO descriptions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from multitrack.events.eventcodes import describe
from multitrack.events.parties import Party
from multitrack.events.periods import Period, next_start, period_start
from multitrack.events.relations import (
    DIGITS,
    Counts,
    Datasets,
    DyadSeries,
    PeriodRow,
    as_date,
    dyad_events,
    fill,
    measures,
    scope,
    unique_events,
    with_period,
)
from multitrack.events.trends import MAD_SCALE, mad, median

Direction = Literal["worse", "better"]


@dataclass(frozen=True)
class WarningRules:
    baseline: int = 12
    min_baseline: int = 6
    min_events: int = 10
    threshold: float = 3.5
    goldstein_floor: float = 1.0
    share_floor: float = 0.05
    top_codes: int = 3


@dataclass(frozen=True)
class Driver:
    code: str
    description: str
    count: int
    baseline: float
    rise: float
    goldstein: float | None

    @property
    def record(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class EarlyWarning:
    source: str
    target: str
    period: str
    start: date
    direction: Direction
    score: float
    events: int
    goldstein_mean: float | None
    baseline_goldstein: float
    goldstein_z: float
    conflict_share: float
    baseline_conflict_share: float
    conflict_z: float
    drivers: tuple[Driver, ...] = field(default=())

    @property
    def record(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("start", "drivers")}
        data["drivers"] = [d.record for d in self.drivers]
        return data

    @property
    def explanation(self) -> str:
        return "; ".join(f"{d.code} {d.description} (+{d.rise:g})" for d in self.drivers)


#: Event counts by period start, then by event code; and each code's mean Goldstein score.
CodeCounts = Mapping[date, Mapping[str, int]]


def _robust_z(
    value: float, baseline: Sequence[float], floor: float, noise: float
) -> tuple[float, float]:
    """The baseline median and ``value``'s robust z-score against it; the scale is the largest
    of 1.4826 x MAD, the ``floor`` and the ``noise`` (sampling error of this period's value)."""
    centre = median(baseline)
    scale = max(MAD_SCALE * mad(baseline, centre), floor, noise)
    return centre, (value - centre) / scale


def drivers(
    now: Mapping[str, int],
    before: Sequence[Mapping[str, int]],
    goldstein: Mapping[str, float],
    *,
    direction: Direction,
    pivot: float,
    top: int,
) -> tuple[Driver, ...]:
    """The codes whose counts rose most over their baseline mean, pulling towards ``direction``."""
    codes = set(now)
    rises = []
    for code in codes:
        base = sum(b.get(code, 0) for b in before) / len(before) if before else 0.0
        rise = now[code] - base
        score = goldstein.get(code)
        pulls = score is not None and (score < pivot if direction == "worse" else score > pivot)
        if rise > 0 and pulls:
            rises.append(
                Driver(
                    code=code,
                    description=describe(code),
                    count=now[code],
                    baseline=round(base, 3),
                    rise=round(rise, 3),
                    goldstein=score,
                )
            )
    rises.sort(key=lambda d: (-d.rise, d.code))
    return tuple(rises[:top])


def detect(
    series: DyadSeries,
    codes: CodeCounts,
    goldstein: Mapping[str, float],
    rules: WarningRules = WarningRules(),
) -> list[EarlyWarning]:
    """Every period of ``series`` that breaks from its own baseline (see the module doc)."""
    found: list[EarlyWarning] = []
    rows = series.rows
    for i, row in enumerate(rows):
        if row.events < rules.min_events or row.goldstein_mean is None:
            continue
        base = [
            r
            for r in rows[max(0, i - rules.baseline) : i]
            if r.events >= rules.min_events and r.goldstein_mean is not None
        ]
        if len(base) < rules.min_baseline:
            continue
        # sampling noise of this period's figures, from the baseline's spread and rate
        spreads = [r.goldstein_sd for r in base if r.goldstein_sd is not None]
        g_noise = median(spreads) / row.events**0.5 if spreads else 0.0
        conflict, total = sum(r.material_conflict for r in base), sum(r.events for r in base)
        rate = (conflict + 1) / (total + 2)
        c_noise = (rate * (1 - rate) / row.events) ** 0.5
        g_centre, g_z = _robust_z(
            row.goldstein_mean, [r.goldstein_mean for r in base if r.goldstein_mean is not None],
            rules.goldstein_floor, g_noise,
        )  # fmt: skip
        share = row.material_conflict / row.events
        c_centre, c_z = _robust_z(
            share, [r.material_conflict / r.events for r in base], rules.share_floor, c_noise
        )
        worse = max(-g_z, c_z)
        better = max(g_z, -c_z)
        if max(worse, better) < rules.threshold:
            continue
        direction: Direction = "worse" if worse >= better else "better"
        found.append(
            EarlyWarning(
                source=row.source,
                target=row.target,
                period=row.period,
                start=row.start,
                direction=direction,
                score=round(max(worse, better), 3),
                events=row.events,
                goldstein_mean=row.goldstein_mean,
                baseline_goldstein=round(g_centre, DIGITS),
                goldstein_z=round(g_z, 3),
                conflict_share=round(share, DIGITS),
                baseline_conflict_share=round(c_centre, DIGITS),
                conflict_z=round(c_z, 3),
                drivers=drivers(
                    codes.get(row.start, {}),
                    [codes.get(r.start, {}) for r in base],
                    goldstein,
                    direction=direction,
                    pivot=g_centre,
                    top=rules.top_codes,
                ),
            )
        )
    return found


# ------------------------------------------------------------------------------------------
# Queries


def code_counts(events: ir.Table, *, by: Period, keys: Sequence[str] = ()) -> ir.Table:
    """Events per ``(*keys, period_start, event_code)`` with the code's mean Goldstein score,
    from an already filtered events table (each event once)."""
    unique = with_period(unique_events(events, ("date", "event_code", "goldstein", *keys)), by)
    return unique.group_by([*keys, "period_start", "event_code"]).aggregate(
        events=unique.count(), goldstein=unique.goldstein.mean()
    )


def _split_codes(
    rows: list[dict[str, Any]],
) -> tuple[dict[date, dict[str, int]], dict[str, float]]:
    counts: dict[date, dict[str, int]] = {}
    scores: dict[str, float] = {}
    for row in rows:
        code = str(row["event_code"])
        counts.setdefault(as_date(row["period_start"]), {})[code] = int(row["events"])
        if row["goldstein"] is not None:
            scores[code] = round(float(row["goldstein"]), DIGITS)
    return counts, scores


def early_warnings(
    events: ir.Table,
    series: DyadSeries,
    rules: WarningRules = WarningRules(),
    dataset: Datasets = None,
) -> list[EarlyWarning]:
    """The early warnings of a dyad's series (its range; the same ``dataset`` filter)."""
    if not series.rows:
        return []
    first, last = series.rows[0].start, next_start(series.rows[-1].start, series.by)
    chosen = dyad_events(
        scope(events, start=first, end=last, dataset=dataset), series.source, series.target
    )
    counts, scores = _split_codes(code_counts(chosen, by=series.by).to_pyarrow().to_pylist())
    return detect(series, counts, scores, rules)


def latest_date(events: ir.Table, dataset: Datasets = None) -> date | None:
    value = scope(events, dataset=dataset).date.max().to_pyarrow().as_py()
    return None if value is None else as_date(value)


def _back(start: date, by: Period, periods: int) -> date:
    """The first day of the period ``periods`` before the one starting on ``start``."""
    current = start
    for _ in range(periods):
        current = period_start(current - timedelta(days=1), by)
    return current


def watch(
    events: ir.Table,
    by: Period = "month",
    top: int = 20,
    window: int | None = None,
    recent: int = 1,
    as_of: date | None = None,
    dataset: Datasets = None,
    rules: WarningRules = WarningRules(),
) -> list[EarlyWarning]:
    """Current warnings of the most active country dyads, strongest first.

    The dyads are the ``top`` country pairs (domestic events left out) with most events in the
    last ``window`` periods (default: the baseline length) up to ``as_of`` (default: the latest
    event); a warning is current when it falls in the last ``recent`` periods.
    """
    latest = as_of or latest_date(events, dataset)
    if latest is None:
        return []
    current = period_start(latest, by)
    recent_start = _back(current, by, recent - 1)
    history_start = _back(recent_start, by, rules.baseline)
    window_start = _back(current, by, (window or rules.baseline) - 1)

    pairs = scope(events, start=min(window_start, history_start), end=latest, dataset=dataset)
    pairs = pairs.filter(
        pairs.source_country.notnull(),
        pairs.target_country.notnull(),
        pairs.source_country != pairs.target_country,
    )
    pairs = unique_events(
        pairs, ("date", "quad_class", "goldstein", "event_code", "source_country", "target_country")
    ).rename(source="source_country", target="target_country")
    active = pairs.filter(pairs.date >= window_start)
    ranked = active.group_by(["source", "target"]).aggregate(n=active.count())
    chosen = ranked.order_by([ibis.desc("n"), "source", "target"]).limit(top)
    history = pairs.filter(pairs.date >= history_start).semi_join(chosen, ["source", "target"])
    dated = with_period(history, by)

    table = dated.group_by(["source", "target", "period_start"]).aggregate(**measures(dated))
    per_code = dated.group_by(["source", "target", "period_start", "event_code"]).aggregate(
        events=dated.count(), goldstein=dated.goldstein.mean()
    )
    by_dyad: dict[tuple[str, str], dict[date, Counts]] = {}
    for row in table.to_pyarrow().to_pylist():
        key = (str(row["source"]), str(row["target"]))
        by_dyad.setdefault(key, {})[as_date(row["period_start"])] = Counts.of(row)
    code_rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in per_code.to_pyarrow().to_pylist():
        code_rows.setdefault((str(row["source"]), str(row["target"])), []).append(row)

    found: list[EarlyWarning] = []
    for (source, target), counts in by_dyad.items():
        rows: tuple[PeriodRow, ...] = fill(
            counts, by=by, source=source, target=target, first=history_start, last=latest
        )
        series = DyadSeries(Party.state(source), Party.state(target), by, rows)
        codes, scores = _split_codes(code_rows.get((source, target), []))
        found.extend(w for w in detect(series, codes, scores, rules) if w.start >= recent_start)
    return sorted(found, key=lambda w: (-w.score, w.source, w.target, w.start))
