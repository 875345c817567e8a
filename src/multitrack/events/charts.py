"""A relations series as a chart: PNG or SVG, drawn with matplotlib's Agg backend (no display)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from multitrack.errors import InvalidValueError
from multitrack.events.relations import DyadSeries
from multitrack.events.warnings import EarlyWarning

CHART_FORMATS = ("png", "svg")
#: The four quad classes, bottom to top, with colours from cooperation (blue) to conflict (red).
STACK = (
    ("verbal_coop", "Verbal cooperation", "#9ecae1"),
    ("material_coop", "Material cooperation", "#3182bd"),
    ("verbal_conflict", "Verbal conflict", "#fcae91"),
    ("material_conflict", "Material conflict", "#cb181d"),
)


def relations_chart(
    series: DyadSeries,
    path: Path | str,
    warnings: Sequence[EarlyWarning] = (),
    title: str | None = None,
) -> Path:
    """Stacked bars of the quad-class counts per period, the Goldstein mean as a line on a
    second axis, and each warning marked (▼ worse, ▲ better) over its period. PNG or SVG by
    the file's suffix."""
    target = Path(path)
    suffix = target.suffix.lower().lstrip(".")
    if suffix not in CHART_FORMATS:
        raise InvalidValueError("chart", f"{target.name}: use a .png or .svg file name")
    if not series.rows:
        raise InvalidValueError("chart", "nothing to draw: the series has no periods")

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rows = series.rows
    labels = [r.period for r in rows]
    xs = list(range(len(rows)))
    figure = Figure(figsize=(max(8.0, min(24.0, 0.35 * len(rows) + 4)), 5.5), layout="tight")
    bars = figure.add_subplot()
    bottom = [0] * len(rows)
    for column, name, colour in STACK:
        heights = [getattr(r, column) for r in rows]
        bars.bar(xs, heights, bottom=bottom, color=colour, label=name, width=0.8)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    bars.set_ylim(0, max(max(bottom) * 1.15, 1))  # headroom for the warning marks
    bars.set_ylabel("Events (by quad class)")
    bars.set_xlabel(series.by.capitalize())
    step = max(1, len(rows) // 24)
    bars.set_xticks(xs[::step], labels[::step], rotation=45, ha="right", fontsize=8)
    bars.set_xlim(-0.6, len(rows) - 0.4)

    line = bars.twinx()
    means = [r.goldstein_mean if r.goldstein_mean is not None else float("nan") for r in rows]
    line.plot(xs, means, color="#222222", marker="o", markersize=3, linewidth=1.5,
              label="Goldstein mean")  # fmt: skip
    line.axhline(0, color="#888888", linewidth=0.6, linestyle=":")
    line.set_ylim(-10.5, 10.5)
    line.set_ylabel("Goldstein mean (−10 conflict … +10 cooperation)")

    index = {r.start: i for i, r in enumerate(rows)}
    marked = False
    for warning in warnings:
        i = index.get(warning.start)
        if i is None:
            continue
        worse = warning.direction == "worse"
        line.annotate(
            "▼" if worse else "▲",
            (i, 9.3),
            ha="center",
            color="#cb181d" if worse else "#31a354",
            fontsize=13,
        )
        bars.axvspan(i - 0.45, i + 0.45, color="#ffeda0", alpha=0.5, zorder=0,
                     label=None if marked else "Early warning")  # fmt: skip
        marked = True

    source = series.source.name or series.source.label
    target_name = series.target.name or series.target.label
    bars.set_title(
        title or f"{source} → {target_name}: events and Goldstein mean by {series.by}",
        fontsize=12,
    )
    handles, names = bars.get_legend_handles_labels()
    more, more_names = line.get_legend_handles_labels()
    bars.legend(handles + more, names + more_names, loc="upper left", fontsize=8, framealpha=0.8)
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(target, format=suffix, dpi=120)
    return target
