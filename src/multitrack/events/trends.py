"""Robust statistics of a relations series: median, MAD and a Theil–Sen trend.

The trend of a dyad is the **Theil–Sen slope** of ``goldstein_mean`` over the last ``window``
periods: the median of the slopes between every pair of periods that have a mean, with periods
numbered in calendar order (an empty period keeps its place, so gaps stretch time as they
should). It resists outliers — up to ~29 % of the points can be wild without moving it far — and
needs no distributional assumption. ``change`` is the slope times the span covered (last period
index minus first); the direction is ``flat`` when ``|change|`` is under :data:`FLAT_CHANGE`
Goldstein points, else ``improving`` (towards cooperation) or ``worsening``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from multitrack.events.relations import DIGITS, DyadSeries

#: Consistency constant: 1.4826 x MAD estimates the standard deviation of normal data.
MAD_SCALE = 1.4826
#: Below this many Goldstein points of change over the window, a trend is called flat.
FLAT_CHANGE = 0.5
#: A trend needs at least this many periods with a mean.
MIN_POINTS = 3

Direction = Literal["improving", "worsening", "flat", "unknown"]


def median(values: Sequence[float]) -> float:
    if not values:
        raise ValueError("median of nothing")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def mad(values: Sequence[float], centre: float | None = None) -> float:
    """The median absolute deviation from ``centre`` (the median by default), unscaled."""
    mid = median(values) if centre is None else centre
    return median([abs(v - mid) for v in values])


def theil_sen(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """Slope and intercept of the Theil–Sen line through the points (at least two distinct x)."""
    slopes = [
        (ys[j] - ys[i]) / (xs[j] - xs[i])
        for i in range(len(xs))
        for j in range(i + 1, len(xs))
        if xs[j] != xs[i]
    ]
    slope = median(slopes)
    return slope, median([y - slope * x for x, y in zip(xs, ys, strict=True)])


@dataclass(frozen=True)
class Trend:
    source: str
    target: str
    window: int
    points: int
    first: str | None
    last: str | None
    slope: float | None
    change: float | None
    direction: Direction

    @property
    def record(self) -> dict[str, Any]:
        return dict(self.__dict__)


def trend(series: DyadSeries, window: int = 12) -> Trend:
    """The Theil–Sen trend of ``goldstein_mean`` over the series' last ``window`` periods."""
    if window < 2:
        raise ValueError("a trend needs a window of at least 2 periods")
    rows = series.rows[-window:]
    points = [(i, r.goldstein_mean) for i, r in enumerate(rows) if r.goldstein_mean is not None]
    source, target = series.source.label, series.target.label
    if len(points) < MIN_POINTS:
        return Trend(
            source=source, target=target, window=window, points=len(points), first=None,
            last=None, slope=None, change=None, direction="unknown",
        )  # fmt: skip
    xs = [float(i) for i, _ in points]
    ys = [float(y) for _, y in points]
    slope, _ = theil_sen(xs, ys)
    change = slope * (xs[-1] - xs[0])
    direction: Direction = (
        "flat" if abs(change) < FLAT_CHANGE else "improving" if change > 0 else "worsening"
    )
    return Trend(
        source=source,
        target=target,
        window=window,
        points=len(points),
        first=rows[points[0][0]].period,
        last=rows[points[-1][0]].period,
        slope=round(slope, DIGITS) + 0.0,
        change=round(change, DIGITS) + 0.0,
        direction=direction,
    )
