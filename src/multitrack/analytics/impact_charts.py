"""``multitrack impact --chart``: the before/after of each measured dyad as a PNG or SVG file,
drawn with matplotlib's Agg backend (the web pages draw the same with
:func:`multitrack.web.charts.impact_chart`)."""

from __future__ import annotations

from pathlib import Path

from multitrack.analytics.impact import Impact
from multitrack.errors import InvalidValueError
from multitrack.events.charts import CHART_FORMATS, STACK

#: At most this many dyads (most events first) are drawn.
MAX_PANELS = 6


def impact_figure(result: Impact, path: Path | str) -> Path:
    """One panel per dyad with events: stacked quad-class bars per period, the Goldstein mean,
    the milestone, each window's mean (dashed); beside it, the change at the milestone among
    the changes at the reference dates. PNG or SVG by the file's suffix."""
    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if suffix not in CHART_FORMATS:
        raise InvalidValueError("chart", f"{target.name}: use a .png or .svg file name")
    dyads = sorted(
        (d for d in result.dyads if d.before.events + d.after.events > 0),
        key=lambda d: -(d.before.events + d.after.events),
    )[:MAX_PANELS]
    if not dyads:
        raise InvalidValueError("chart", "nothing to draw: no dyad has events in the windows")

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 3.6 * len(dyads)), layout="tight")
    grid = figure.add_gridspec(len(dyads), 2, width_ratios=(4, 1))
    m = result.milestone.date
    for row, dyad in enumerate(dyads):
        bars = figure.add_subplot(grid[row, 0])
        rows = dyad.series
        xs = list(range(len(rows)))
        bottom = [0] * len(rows)
        for column, name, colour in STACK:
            heights = [getattr(r, column) for r in rows]
            bars.bar(xs, heights, bottom=bottom, color=colour, label=name, width=0.8)
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
        bars.set_ylim(0, max(max(bottom, default=0) * 1.1, 1))
        bars.set_ylabel("Events")
        step = max(1, len(rows) // 16)
        bars.set_xticks(xs[::step], [r.period for r in rows][::step], rotation=45, ha="right",
                        fontsize=7)  # fmt: skip
        split = next((i for i, r in enumerate(rows) if r.start > m), len(rows)) - 0.5
        line = bars.twinx()
        means = [r.goldstein_mean if r.goldstein_mean is not None else float("nan") for r in rows]
        line.plot(xs, means, color="#222222", marker="o", markersize=2.5, linewidth=1.2,
                  label="Goldstein mean")  # fmt: skip
        for window, x0, x1 in ((dyad.before, -0.5, split), (dyad.after, split, len(rows) - 0.5)):
            if window.goldstein_mean is not None:
                line.hlines(window.goldstein_mean, x0, x1, colors="#222222", linestyles="dashed",
                            linewidth=1)  # fmt: skip
        line.axvline(split, color="#6a3d9a", linewidth=2, label=f"Milestone {m}")
        line.set_ylim(-10.5, 10.5)
        line.set_ylabel("Goldstein")
        verdict = dyad.verdict + (
            f" ({dyad.direction})" if dyad.direction and dyad.verdict != "insufficient" else ""
        )
        bars.set_title(f"{dyad.label}: {verdict}", fontsize=10, loc="left")
        if row == 0:
            handles, names = bars.get_legend_handles_labels()
            more, more_names = line.get_legend_handles_labels()
            bars.legend(handles + more, names + more_names, loc="upper left", fontsize=7,
                        framealpha=0.8)  # fmt: skip
        strip = figure.add_subplot(grid[row, 1])
        changes = [r.change for r in dyad.references]
        strip.scatter([0.0] * len(changes), changes, color="#9e9e9e", s=12, label="Other dates")
        change = dyad.test("goldstein_mean").change
        if change is not None:
            strip.scatter([0.0], [change], color="#6a3d9a", marker="D", s=40, label="Milestone")
        strip.axhline(0, color="#888888", linewidth=0.6, linestyle=":")
        strip.set_xticks([])
        strip.set_ylabel("Change of Goldstein mean")
        primary = dyad.test("goldstein_mean")
        strip.set_title(
            f"p = {primary.p:.3f} among {primary.references} other dates"
            if primary.p is not None
            else "too little to compare",
            fontsize=8,
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target, format=suffix, dpi=110)
    return target
