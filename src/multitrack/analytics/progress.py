"""Whether an objective is on track: the status rule, on plain values (no database).

For each indicator with a target and at least one measurement dated on or before ``today``:

- the **baseline** is the indicator's baseline, or its first measurement when it has none;
- **progress** is how far the latest measurement has come from the baseline towards the
  target (0 at the baseline, 1 at the target; targets below the baseline count downwards);
- the target is **reached** when a measurement is at or past it (in its direction);
- **expected** progress grows linearly from 0 at the objective's start to 1 at its target
  date: ``(today - start) / (target date - start)``, clamped to 0..1.

The indicator is **missed** when the target date has passed and the latest measurement on or
before it had not reached the target (a target reached late is still missed; one reached in
time and lost afterwards was met); **on track** when the target is reached, or when progress
is at least the expected progress less a tolerance of 0.1 (ten points); **at risk**
otherwise. Without a target date nothing can be late: on track while the latest measurement
has moved towards the target at all, at risk while it has not. An indicator without a target
or without a measurement has **no data** (a missing measurement is never counted as a miss).

The objective takes the worst status of its indicators (missed, then at risk, then on track);
it has no data only when none of them has a status. Its start is the earliest of its first
measurement and the day the objective was recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

ON_TRACK, AT_RISK, MISSED, NO_DATA = "on track", "at risk", "missed", "no data"
#: Statuses from best to worst; "no data" stands apart.
STATUSES: tuple[str, ...] = (ON_TRACK, AT_RISK, MISSED, NO_DATA)
SEVERITY = {ON_TRACK: 0, AT_RISK: 1, MISSED: 2}
TOLERANCE = 0.1


@dataclass(frozen=True)
class Reading:
    """One indicator's status, with the figures behind it."""

    status: str
    reason: str
    baseline: float | None = None
    latest: float | None = None
    latest_date: date | None = None
    progress: float | None = None  # 0 at the baseline, 1 at the target (may be outside 0..1)
    expected: float | None = None  # None without a target date
    reached_on: date | None = None  # the first measurement at or past the target


def _reaches(value: float, baseline: float, target: float) -> bool:
    return value >= target if target >= baseline else value <= target


def _progress(value: float, baseline: float, target: float) -> float:
    if target == baseline:
        return 1.0 if _reaches(value, baseline, target) else 0.0
    return (value - baseline) / (target - baseline)


def expected_progress(start: date, due: date, today: date) -> float:
    """The share of the way from ``start`` to ``due`` that ``today`` has gone (0..1)."""
    if due <= start:
        return 1.0 if today >= due else 0.0
    share = (today - start).days / (due - start).days
    return min(1.0, max(0.0, share))


def indicator_status(
    *,
    baseline: float | None,
    target: float | None,
    measurements: Sequence[tuple[date, float]],
    start: date,
    due: date | None,
    today: date,
) -> Reading:
    """The status of one indicator (see the module doc). ``measurements`` in any order."""
    if target is None:
        return Reading(NO_DATA, "no target")
    known = sorted((m for m in measurements if m[0] <= today), key=lambda m: m[0])
    if not known:
        return Reading(NO_DATA, "no measurement yet")
    base = baseline if baseline is not None else known[0][1]
    latest_date, latest = known[-1]
    progress = _progress(latest, base, target)
    reached_on = next((d for d, v in known if _reaches(v, base, target)), None)
    expected = None if due is None else expected_progress(start, due, today)

    def read(status: str, reason: str) -> Reading:
        return Reading(status, reason, base, latest, latest_date, progress, expected, reached_on)

    if due is not None and due < today:
        by_due = [v for d, v in known if d <= due]
        if by_due and _reaches(by_due[-1], base, target):
            return read(ON_TRACK, f"target reached by {due.isoformat()}")
        return read(MISSED, f"target not reached by {due.isoformat()}")
    if _reaches(latest, base, target):
        return read(ON_TRACK, "target reached")
    if expected is None:
        if progress > 0:
            return read(ON_TRACK, "moving towards the target (no target date)")
        return read(AT_RISK, "no progress from the baseline (no target date)")
    share = f"progress {progress:.0%} against {expected:.0%} expected"
    return read(ON_TRACK if progress >= expected - TOLERANCE else AT_RISK, share)


def combined(statuses: Sequence[str]) -> str:
    """An objective's status from its indicators': the worst one, or no data."""
    rated = [s for s in statuses if s in SEVERITY]
    if not rated:
        return NO_DATA
    return max(rated, key=SEVERITY.__getitem__)
