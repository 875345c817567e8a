"""Did it move the dyad? Relations before and after an engagement or an agreement milestone.

For one engagement or agreement (looked up through the gate: a hidden record is a missing one),
the **dyads it concerns** are the ordered pairs of the states on its side — engagement
participants (else its channel's), agreement parties other than third parties (witnesses,
depositaries, facilitators ...) — where every participant counts for the state event data file
it under (:func:`state_of`). For each dyad, the relations in the ``window_days`` before the
milestone and the ``window_days`` from it on are compared, and the change is judged against the
**same difference at other dates of the dyad's own history** (see ``docs/analytics.md``,
"Did it move the dyad?"):

* reference dates ``m + k·2W`` (``k ≠ 0``), so that no two of the spans ``[m' − W, m' + W)``
  overlap each other or the milestone's own; a reference date counts when both of its windows
  lie within the dyad's history and hold at least :data:`MIN_EVENTS` events;
* the **empirical p-value** of the milestone's difference ``d`` among the reference
  differences ``D`` (two-sided, rank-based, centred on the median of ``D ∪ {d}``):
  ``p = (1 + #{i : |D_i − c| ≥ |d − c|}) / (n + 1)``; ``moved`` when ``p ≤ 0.05`` for the
  Goldstein mean (the declared primary figure), which needs ``n ≥ 19`` reference dates;
* a **robust z-score** ``(d − median D) / (1.4826 · MAD D)`` alongside, as a size.

With too little history or too few events around the milestone the verdict is
``insufficient`` with the reason; it never guesses.
"""

from __future__ import annotations

import math
import statistics
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from multitrack.errors import InvalidValueError, NotFoundError
from multitrack.events.engines import EventStoreError
from multitrack.events.parties import Party
from multitrack.events.periods import Period, check_period, period_start, period_starts
from multitrack.events.relations import QUAD_COLUMNS, Counts, PeriodRow
from multitrack.model import Actor, Agreement, Engagement
from multitrack.services.event_tables import EventTables
from multitrack.services.listing import get_record

#: Each window of a compared date needs this many events for its figures to be read.
MIN_EVENTS = 5
#: The significance level of the verdict.
ALPHA = 0.05
#: Fewest reference dates for which ``p`` can reach :data:`ALPHA`: ``1 / (n + 1) ≤ ALPHA``.
MIN_REFERENCES = math.ceil(1 / ALPHA) - 1
#: 1.4826 · MAD estimates the standard deviation of normal data.
MAD_SCALE = 1.4826
MIN_WINDOW, MAX_WINDOW = 1, 3650
#: The figure whose change decides the verdict (declared before looking at any data).
PRIMARY = "goldstein_mean"
METRICS: tuple[str, ...] = ("goldstein_mean", "coop_share", "events")
#: Agreement party roles that are not one of the sides.
THIRD_PARTY_ROLES = frozenset(
    {"witness", "depositary", "facilitator", "intermediary", "mediator", "guarantor", "observer"}
)
#: Kinds of actor that count for the state of their country (see :func:`state_of`).
COUNTRY_KINDS = frozenset({"state_organ", "individual", "armed_group"})
DIGITS = 6

Verdict = Literal["moved", "usual", "insufficient"]
Direction = Literal["better", "worse", "unchanged"]


# ------------------------------------------------------------------------------------------
# The statistics (pure functions)


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def mad(values: Sequence[float]) -> float:
    """The median absolute deviation from the median."""
    centre = _median(values)
    return _median([abs(v - centre) for v in values])


def robust_z(value: float, references: Sequence[float]) -> float | None:
    """``(value − median) / (1.4826 · MAD)`` of the references; 0 when the value is the median,
    ``None`` when the references do not vary (MAD 0) and the value differs, or there are none."""
    if not references:
        return None
    centre = _median(references)
    scale = MAD_SCALE * mad(references)
    if value == centre:
        return 0.0
    if scale == 0:
        return None
    return (value - centre) / scale


def empirical_p(value: float, references: Sequence[float]) -> float | None:
    """Two-sided rank p-value of ``value`` among ``references``: the share of the n + 1
    differences (the references and the value) at least as far from their common median as the
    value is. ``None`` without references."""
    if not references:
        return None
    centre = _median([*references, value])
    distance = abs(value - centre)
    # a tiny tolerance so that equal distances computed in a different order count as ties
    tolerance = 1e-9 * max(1.0, distance)
    beyond = sum(1 for r in references if abs(r - centre) >= distance - tolerance)
    return (1 + beyond) / (len(references) + 1)


# ------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Window:
    """The relations of one dyad over ``[start, end]`` (both days included)."""

    start: date
    end: date
    events: int
    verbal_coop: int
    material_coop: int
    verbal_conflict: int
    material_conflict: int
    goldstein_mean: float | None
    coop_share: float | None

    @classmethod
    def of(cls, start: date, end: date, c: Counts) -> Window:
        return cls(
            start=start,
            end=end,
            events=c.events,
            verbal_coop=c.verbal_coop,
            material_coop=c.material_coop,
            verbal_conflict=c.verbal_conflict,
            material_conflict=c.material_conflict,
            goldstein_mean=c.goldstein_mean,
            coop_share=c.coop_share,
        )

    def value(self, metric: str) -> float | None:
        found = getattr(self, metric)
        return None if found is None else float(found)

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "events": self.events,
            **{q: getattr(self, q) for q in QUAD_COLUMNS},
            "goldstein_mean": self.goldstein_mean,
            "coop_share": self.coop_share,
        }


@dataclass(frozen=True)
class Test:
    """How unusual the change of one figure is against the dyad's own history."""

    metric: str
    change: float | None
    references: int
    reference_median: float | None
    reference_mad: float | None
    z: float | None
    p: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "change": _round(self.change),
            "references": self.references,
            "reference_median": _round(self.reference_median),
            "reference_mad": _round(self.reference_mad),
            "z": _round(self.z),
            "p": _round(self.p),
        }


@dataclass(frozen=True)
class Reference:
    """One reference date and the primary figure's difference there."""

    date: date
    change: float

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "change": _round(self.change)}


@dataclass(frozen=True)
class DyadImpact:
    source: Party
    target: Party
    before: Window
    after: Window
    tests: tuple[Test, ...]
    verdict: Verdict
    direction: Direction | None
    reason: str
    history: tuple[date, date] | None
    references: tuple[Reference, ...]
    series: tuple[PeriodRow, ...] = field(repr=False)

    @property
    def label(self) -> str:
        return f"{self.source.name or self.source.label} → {self.target.name or self.target.label}"

    def test(self, metric: str) -> Test:
        return next(t for t in self.tests if t.metric == metric)

    @property
    def change(self) -> dict[str, float | None]:
        return {t.metric: _round(t.change) for t in self.tests}

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": _party_dict(self.source),
            "target": _party_dict(self.target),
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "change": self.change,
            "tests": [t.to_dict() for t in self.tests],
            "verdict": self.verdict,
            "direction": self.direction,
            "reason": self.reason,
            "history": None
            if self.history is None
            else {"first": self.history[0].isoformat(), "last": self.history[1].isoformat()},
            "references": [r.to_dict() for r in self.references],
            "series": [row.record for row in self.series],
        }


@dataclass(frozen=True)
class Milestone:
    """The date the windows are measured from: ``key`` is what ``milestone=`` takes."""

    key: str
    label: str
    given: str  # the record's (possibly partial) date
    date: date
    precision: Literal["day", "month", "year"]
    actor_id: str | None = None
    #: the acting party's name (``ACTION:NAME`` is accepted too)
    party: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "given": self.given,
            "date": self.date.isoformat(),
            "precision": self.precision,
        }


@dataclass(frozen=True)
class Side:
    """A state on the record's side, and the participants that count for it."""

    party: Party
    actor_id: str
    via: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**_party_dict(self.party), "actor_id": self.actor_id, "via": list(self.via)}


@dataclass(frozen=True)
class Impact:
    record: dict[str, Any]
    milestone: Milestone
    milestones: tuple[Milestone, ...]
    window_days: int
    by: Period
    sides: tuple[Side, ...]
    left_out: tuple[dict[str, str], ...]
    dyads: tuple[DyadImpact, ...]
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": self.record,
            "milestone": self.milestone.to_dict(),
            "milestones": [m.to_dict() for m in self.milestones],
            "window_days": self.window_days,
            "by": self.by,
            "method": {
                "statistic": "empirical_p",
                "primary": PRIMARY,
                "alpha": ALPHA,
                "min_events": MIN_EVENTS,
                "min_references": MIN_REFERENCES,
                "reference_step_days": 2 * self.window_days,
            },
            "sides": [s.to_dict() for s in self.sides],
            "left_out": list(self.left_out),
            "dyads": [d.to_dict() for d in self.dyads],
            "note": self.note,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS) + 0.0


def _party_dict(p: Party) -> dict[str, Any]:
    return {"label": p.label, "name": p.name, "country": p.country, "code": p.code}


# ------------------------------------------------------------------------------------------
# One dyad from its daily counts (pure: no store, no session)


#: the fields of :class:`Counts`, in order (``_Cumulative.counts`` reads them back by position)
_FIELDS = tuple(f.name for f in fields(Counts))


class _Cumulative:
    """Prefix sums of daily counts, so that any window's totals take O(1)."""

    def __init__(self, daily: Mapping[date, Counts]) -> None:
        self.first = min(daily)
        self.last = max(daily)
        days = (self.last - self.first).days + 1
        self.sums: list[list[float]] = [[0.0] * (days + 1) for _ in _FIELDS]
        for field_index, name in enumerate(_FIELDS):
            column = self.sums[field_index]
            running = 0.0
            for offset in range(days):
                c = daily.get(self.first + timedelta(days=offset))
                if c is not None:
                    running += getattr(c, name)
                column[offset + 1] = running

    def counts(self, start: date, end: date) -> Counts:
        """The totals over ``[start, end]`` clipped to the history."""
        lo = max((start - self.first).days, 0)
        hi = min((end - self.first).days + 1, len(self.sums[0]) - 1)
        if hi <= lo:
            return Counts()
        values = [column[hi] - column[lo] for column in self.sums]
        return Counts(
            events=int(values[0]),
            verbal_coop=int(values[1]),
            material_coop=int(values[2]),
            verbal_conflict=int(values[3]),
            material_conflict=int(values[4]),
            goldstein_sum=values[5],
            goldstein_n=int(values[6]),
            goldstein_sq=values[7],
        )


def _windows(cumulative: _Cumulative | None, m: date, w: int) -> tuple[Window, Window]:
    b0, b1 = m - timedelta(days=w), m - timedelta(days=1)
    a0, a1 = m, m + timedelta(days=w - 1)
    if cumulative is None:
        return Window.of(b0, b1, Counts()), Window.of(a0, a1, Counts())
    return Window.of(b0, b1, cumulative.counts(b0, b1)), Window.of(
        a0, a1, cumulative.counts(a0, a1)
    )


def _difference(before: Window, after: Window, metric: str) -> float | None:
    x, y = before.value(metric), after.value(metric)
    return None if x is None or y is None else y - x


def _series(
    daily: Mapping[date, Counts], m: date, w: int, by: Period, source: str, target: str
) -> tuple[PeriodRow, ...]:
    grouped: dict[date, list[Counts]] = {}
    first, last = m - timedelta(days=w), m + timedelta(days=w - 1)
    for day, c in daily.items():
        if first <= day <= last:
            grouped.setdefault(period_start(day, by), []).append(c)
    return tuple(
        PeriodRow.build(s, by, source, target, _sum(grouped.get(s, ())))
        for s in period_starts(first, last, by)
    )


def _sum(counts: Iterable[Counts]) -> Counts:
    totals = dict.fromkeys(_FIELDS, 0.0)
    for c in counts:
        for name in _FIELDS:
            totals[name] += getattr(c, name)
    return Counts(
        events=int(totals["events"]),
        verbal_coop=int(totals["verbal_coop"]),
        material_coop=int(totals["material_coop"]),
        verbal_conflict=int(totals["verbal_conflict"]),
        material_conflict=int(totals["material_conflict"]),
        goldstein_sum=totals["goldstein_sum"],
        goldstein_n=int(totals["goldstein_n"]),
        goldstein_sq=totals["goldstein_sq"],
    )


def reference_dates(m: date, w: int, first: date, last: date) -> list[date]:
    """Every ``m + k·2w`` (``k ≠ 0``) whose two windows lie within ``[first, last]``."""
    step = 2 * w
    found: list[date] = []
    k_lo = -((m - first).days // step) - 1
    k_hi = (last - m).days // step + 1
    for k in range(k_lo, k_hi + 1):
        if k == 0:
            continue
        d = m + timedelta(days=k * step)
        if d - timedelta(days=w) >= first and d + timedelta(days=w - 1) <= last:
            found.append(d)
    return found


def dyad_impact(
    daily: Mapping[date, Counts],
    milestone: date,
    *,
    window_days: int,
    by: Period,
    source: Party,
    target: Party,
) -> DyadImpact:
    """The before/after comparison of one ordered dyad from its events per day."""
    w = window_days
    events = {d: c for d, c in daily.items() if c.events}
    cumulative = _Cumulative(events) if events else None
    before, after = _windows(cumulative, milestone, w)
    series = _series(events, milestone, w, by, source.label, target.label)
    history = (cumulative.first, cumulative.last) if cumulative else None

    references: list[date] = []
    reference_windows: list[tuple[Window, Window]] = []
    if cumulative is not None:
        for d in reference_dates(milestone, w, cumulative.first, cumulative.last):
            pair = _windows(cumulative, d, w)
            if min(pair[0].events, pair[1].events) >= MIN_EVENTS:
                references.append(d)
                reference_windows.append(pair)

    tests: list[Test] = []
    for metric in METRICS:
        change = _difference(before, after, metric)
        diffs = [
            x for x in (_difference(b, a, metric) for b, a in reference_windows) if x is not None
        ]
        tests.append(
            Test(
                metric=metric,
                change=change,
                references=len(diffs),
                reference_median=_median(diffs) if diffs else None,
                reference_mad=mad(diffs) if diffs else None,
                z=None if change is None else robust_z(change, diffs),
                p=None if change is None else empirical_p(change, diffs),
            )
        )
    primary = next(t for t in tests if t.metric == PRIMARY)
    primary_refs = tuple(
        Reference(d, x)
        for d, (b, a) in zip(references, reference_windows, strict=True)
        if (x := _difference(b, a, PRIMARY)) is not None
    )
    verdict, direction, reason = _verdict(before, after, primary, history, w, milestone)
    return DyadImpact(
        source=source,
        target=target,
        before=before,
        after=after,
        tests=tuple(tests),
        verdict=verdict,
        direction=direction,
        reason=reason,
        history=history,
        references=primary_refs,
        series=series,
    )


def _verdict(
    before: Window,
    after: Window,
    primary: Test,
    history: tuple[date, date] | None,
    w: int,
    m: date,
) -> tuple[Verdict, Direction | None, str]:
    if history is None:
        return "insufficient", None, "no events of this dyad in the event store"
    first, last = history
    if m - timedelta(days=w) < first:
        return (
            "insufficient",
            None,
            f"the window before starts before the dyad's first event ({first})",
        )
    if m + timedelta(days=w - 1) > last:
        return (
            "insufficient",
            None,
            f"the window after runs past the dyad's last event ({last})",
        )
    if min(before.events, after.events) < MIN_EVENTS:
        return (
            "insufficient",
            None,
            f"too few events around the milestone ({before.events} before, {after.events} "
            f"after; {MIN_EVENTS} needed on each side)",
        )
    if primary.change is None or primary.p is None:
        return "insufficient", None, "no Goldstein scores to compare"
    if primary.references < MIN_REFERENCES:
        return (
            "insufficient",
            None,
            f"{primary.references} comparable dates in the dyad's history; "
            f"{MIN_REFERENCES} are needed before a change can stand out at p ≤ {ALPHA}",
        )
    direction: Direction = (
        "better" if primary.change > 0 else "worse" if primary.change < 0 else "unchanged"
    )
    size = f"{primary.change:+.2f} Goldstein points"
    among = f"p = {primary.p:.3f} among {primary.references} other dates"
    if primary.p <= ALPHA:
        return "moved", direction, f"{size}: beyond the dyad's usual variation ({among})"
    return "usual", direction, f"{size}: within the dyad's usual variation ({among})"


# ------------------------------------------------------------------------------------------
# Records, milestones and sides (through the gated session)


def _partial(text: str) -> tuple[date, Literal["day", "month", "year"]]:
    parts = text.split("-")
    try:
        if len(parts) == 1:
            return date(int(parts[0]), 1, 1), "year"
        if len(parts) == 2:
            return date(int(parts[0]), int(parts[1]), 1), "month"
        return date(int(parts[0]), int(parts[1]), int(parts[2])), "day"
    except ValueError:
        raise InvalidValueError("milestone", f"{text!r} is not a date") from None


def _milestone(
    key: str, label: str, given: str, actor_id: str | None = None, party: str | None = None
) -> Milestone:
    day, precision = _partial(given)
    return Milestone(key, label, given, day, precision, actor_id, party)


def _actor_key(actor: Actor) -> str:
    return actor.iso3 or actor.cameo_code or str(actor.id)


def engagement_milestones(row: Engagement) -> list[Milestone]:
    found = [_milestone("start", "Engagement (start)", row.start)]
    if row.end:
        found.append(_milestone("end", "Engagement (end)", row.end))
    return found


def agreement_milestones(row: Agreement) -> list[Milestone]:
    found: list[Milestone] = []
    if row.adopted:
        found.append(_milestone("adopted", "Adoption / signature", row.adopted))
    if row.in_force:
        found.append(_milestone("in_force", "Entry into force", row.in_force))
    for action in row.actions:
        name = action.action.replace("_", " ")
        found.append(
            _milestone(
                f"{action.action}:{_actor_key(action.actor)}",
                f"{name.capitalize()} by {action.actor.name}",
                action.date,
                str(action.actor_id),
                action.actor.name,
            )
        )
    return found


def choose_milestone(choices: Sequence[Milestone], wanted: str | None, what: str) -> Milestone:
    """The milestone ``wanted`` names (its key, case-insensitive; ``ACTION`` alone when one
    party took it, or all on one date), else the first one."""
    if not choices:
        raise InvalidValueError("milestone", f"{what} has no date to measure from")
    if wanted is None or not wanted.strip():
        return choices[0]
    text = wanted.strip().casefold()
    exact = [
        m
        for m in choices
        if m.key.casefold() == text
        or (m.party is not None and f"{m.key.split(':')[0]}:{m.party}".casefold() == text)
    ]
    if exact:
        return exact[0]
    by_action = [m for m in choices if m.key.split(":")[0].casefold() == text]
    if by_action and len({m.date for m in by_action}) == 1:
        first = by_action[0]
        if len(by_action) == 1:
            return first
        return Milestone(
            text, first.label.split(" by ")[0], first.given, first.date, first.precision
        )
    keys = ", ".join(f"{m.key} ({m.given})" for m in choices)
    if by_action:
        raise InvalidValueError(
            "milestone", f"{wanted!r} was taken on several dates; name the party: {keys}"
        )
    raise InvalidValueError("milestone", f"unknown milestone {wanted!r} for {what}; one of {keys}")


def state_of(session: Session, actor: Actor) -> Actor | None:
    """The state an actor counts for in event data: a state itself; an organ, its top parent
    when that is a state, else the state of its country; a person or a non-state armed group,
    the state of its country (event data file them under that country). ``None`` for every
    other kind (organisations, NGOs, academia, media ...): they speak for no state."""
    seen = {actor.id}
    top = actor
    while top.kind != "state" and top.parent is not None and top.parent.id not in seen:
        top = top.parent
        seen.add(top.id)
    if top.kind == "state" and top.iso3:
        return top
    if actor.kind not in COUNTRY_KINDS:
        return None
    country = actor.country or top.country
    if not country:
        return None
    found: Actor | None = session.scalars(
        select(Actor).where(Actor.iso3 == country, Actor.kind == "state")
    ).first()
    return found


def sides_of(session: Session, actors: Sequence[Actor]) -> tuple[list[Side], list[dict[str, str]]]:
    """The distinct states the actors count for (:func:`state_of`), in order, and the actors
    left out with the reason."""
    order: list[Actor] = []
    via: dict[str, list[str]] = {}
    left_out: list[dict[str, str]] = []
    for actor in actors:
        state = state_of(session, actor)
        if state is None or not state.iso3:
            left_out.append(
                {
                    "actor_id": str(actor.id),
                    "name": actor.name,
                    "reason": f"kind {actor.kind}: speaks for no state",
                }
            )
            continue
        key = str(state.id)
        if key not in via:
            order.append(state)
            via[key] = []
        if actor.id != state.id:
            via[key].append(actor.name)
    sides = [
        Side(Party.state(s.iso3 or "", s.name), str(s.id), tuple(via[str(s.id)])) for s in order
    ]
    return sides, left_out


def find_record(session: Session, record_ref: str) -> Engagement | Agreement:
    """An engagement or agreement by id, through the gate (hidden and absent look the same)."""
    for kind in ("engagements", "agreements"):
        try:
            found: Engagement | Agreement = get_record(session, kind, record_ref)
            return found
        except NotFoundError:
            continue
    raise NotFoundError("engagement or agreement", record_ref)


def record_summary(row: Engagement | Agreement) -> dict[str, Any]:
    if isinstance(row, Engagement):
        return {
            "kind": "engagement",
            "id": str(row.id),
            "title": row.summary,
            "date": row.start,
            "href": f"/engagements/{row.id}",
        }
    return {
        "kind": "agreement",
        "id": str(row.id),
        "title": row.name,
        "date": row.adopted or row.in_force,
        "href": f"/agreements/{row.id}",
    }


def record_sides(
    session: Session, row: Engagement | Agreement
) -> tuple[list[Side], list[dict[str, str]]]:
    """The states on the record's side (see the module doc) and who was left out, and why."""
    if isinstance(row, Engagement):
        actors = [p.actor for p in row.participants] or [p.actor for p in row.channel.participants]
        return sides_of(session, actors)
    principals = [p.actor for p in row.parties if p.role not in THIRD_PARTY_ROLES]
    sides, left_out = sides_of(session, principals)
    for p in row.parties:
        if p.role in THIRD_PARTY_ROLES:
            left_out.append(
                {
                    "actor_id": str(p.actor_id),
                    "name": p.actor.name,
                    "reason": f"a {p.role}, not one of the sides",
                }
            )
    return sides, left_out


def record_milestones(row: Engagement | Agreement) -> list[Milestone]:
    return engagement_milestones(row) if isinstance(row, Engagement) else agreement_milestones(row)


# ------------------------------------------------------------------------------------------
# Event data


def daily_counts(
    tables: EventTables, isos: Sequence[str]
) -> dict[tuple[str, str], dict[date, Counts]]:
    """Events per day of every ordered dyad among the states ``isos`` (one query, cached)."""
    wanted = tuple(sorted(set(isos)))

    def compute(source: Any) -> dict[tuple[str, str], dict[date, Counts]]:
        from multitrack.events.relations import as_date, dyad_table

        events = source.events
        chosen = events.filter(
            events.source_country.isin(list(wanted)), events.target_country.isin(list(wanted))
        )
        table = dyad_table(chosen, by="day", unique=source.unique)
        result: dict[tuple[str, str], dict[date, Counts]] = {}
        for row in table.to_pyarrow().to_pylist():
            key = (str(row["source"]), str(row["target"]))
            result.setdefault(key, {})[as_date(row["period_start"])] = Counts.of(row)
        return result

    if len(wanted) < 2:
        return {}
    found: dict[tuple[str, str], dict[date, Counts]] = tables.cached(
        ("impact-daily", wanted), compute
    )
    return found


def check_window(window_days: int) -> int:
    if not MIN_WINDOW <= window_days <= MAX_WINDOW:
        raise InvalidValueError(
            "window", f"must be between {MIN_WINDOW} and {MAX_WINDOW} days, not {window_days}"
        )
    return window_days


def impact(
    session: Session,
    events: EventTables,
    record_ref: str,
    *,
    window_days: int = 90,
    by: Period = "week",
    milestone: str | None = None,
) -> Impact:
    """Did the engagement or agreement ``record_ref`` move the dyads it concerns? (module doc)"""
    w = check_window(window_days)
    period = check_period(by)
    row = find_record(session, record_ref)
    summary = record_summary(row)
    choices = record_milestones(row)
    chosen = choose_milestone(choices, milestone, f"this {summary['kind']}")
    sides, left_out = record_sides(session, row)
    if events.store.is_empty():
        raise EventStoreError("no event data has been ingested yet (multitrack events ingest)")
    note: str | None = None
    pairs: list[tuple[Side, Side]] = [(a, b) for a in sides for b in sides if a is not b]
    if chosen.actor_id is not None:
        acting_actor = session.get(Actor, uuid.UUID(chosen.actor_id))
        state = state_of(session, acting_actor) if acting_actor is not None else None
        acting = {str(state.id)} if state is not None else set()
        pairs = [(a, b) for a, b in pairs if acting & {a.actor_id, b.actor_id}]
    if len(sides) < 2:
        note = "fewer than two states on the record's side: no dyad to measure"
    elif not pairs:
        note = "the party of this milestone is not one of the states on the record's side"
    daily = daily_counts(events, [s.party.label for s in sides])
    dyads = tuple(
        dyad_impact(
            daily.get((a.party.label, b.party.label), {}),
            chosen.date,
            window_days=w,
            by=period,
            source=a.party,
            target=b.party,
        )
        for a, b in pairs
    )
    return Impact(
        record=summary,
        milestone=chosen,
        milestones=tuple(choices),
        window_days=w,
        by=period,
        sides=tuple(sides),
        left_out=tuple(left_out),
        dyads=dyads,
        note=note,
    )


# ------------------------------------------------------------------------------------------
# Our records on a dyad's timeline (markers on the relations charts)


@dataclass(frozen=True)
class Mark:
    """A dated engagement or agreement milestone concerning a dyad."""

    date: date
    kind: Literal["engagement", "agreement"]
    label: str
    href: str
    record_id: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "kind": self.kind,
            "label": self.label,
            "href": self.href,
            "record_id": self.record_id,
        }


def _concerns(session: Session, row: Engagement | Agreement, parties: Sequence[Party]) -> bool:
    sides, _ = record_sides(session, row)
    states = {s.party.country for s in sides}
    if isinstance(row, Engagement):
        actors = [p.actor for p in row.participants] or [p.actor for p in row.channel.participants]
    else:
        actors = [p.actor for p in row.parties if p.role not in THIRD_PARTY_ROLES]
    codes = [a.cameo_code.upper() for a in actors if a.cameo_code]

    def present(p: Party) -> bool:
        if p.country is not None:
            return p.country in states
        return p.code is not None and any(c.startswith(p.code) for c in codes)

    return all(present(p) for p in parties)


def _short(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def dyad_marks(
    session: Session,
    a: Party,
    b: Party,
    first: date,
    last: date,
    *,
    channel_id: uuid.UUID | None = None,
) -> list[Mark]:
    """The engagements (of ``channel_id`` when given) and agreement milestones the session may
    see that concern both ``a`` and ``b`` and fall within ``[first, last]``: an engagement on
    its start; an agreement on its adoption, its entry into force and the actions of the two
    sides' states."""
    marks: list[Mark] = []
    query = select(Engagement).where(
        Engagement.start >= str(first.year), Engagement.start <= last.isoformat()
    )
    if channel_id is not None:
        query = query.where(Engagement.channel_id == channel_id)
    for e in session.scalars(query.order_by(Engagement.start, Engagement.id)).unique():
        day = _partial(e.start)[0]
        if first <= day <= last and _concerns(session, e, (a, b)):
            marks.append(
                Mark(day, "engagement", _short(e.summary), f"/engagements/{e.id}", str(e.id))
            )
    for g in session.scalars(select(Agreement).order_by(Agreement.adopted)).unique():
        if not _concerns(session, g, (a, b)):
            continue
        countries = {p.country for p in (a, b) if p.country}
        seen: set[tuple[date, str]] = set()
        for m in agreement_milestones(g):
            if m.actor_id is not None:
                actor = session.get(Actor, uuid.UUID(m.actor_id))
                state = state_of(session, actor) if actor is not None else None
                if state is None or state.iso3 not in countries:
                    continue
            if first <= m.date <= last and (m.date, m.label) not in seen:
                seen.add((m.date, m.label))
                marks.append(
                    Mark(
                        m.date,
                        "agreement",
                        f"{_short(g.name)} — {m.label[:1].lower()}{m.label[1:]}",
                        f"/agreements/{g.id}",
                        str(g.id),
                    )
                )
    return sorted(marks, key=lambda k: (k.date, k.kind, k.label))
