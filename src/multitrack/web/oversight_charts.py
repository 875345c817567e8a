"""The oversight page's charts, drawn on the server as SVG: objectives by status, and each
indicator's progress against the progress expected by today."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from multitrack.web.charts import count_bars
from multitrack.web.svg import svg, tag, text, title


def status_class(status: str) -> str:
    """A CSS-safe name for a status ("on track" → "status-on-track")."""
    return "status-" + status.replace(" ", "-")


def status_bars(counts: Mapping[str, int], *, label: str) -> Markup:
    """Horizontal bars, one per status, with the number of objectives."""
    bars = [
        (
            status,
            count,
            f"{status}: {count} objectives",
            status_class(status),
            {"data_status": status, "data_count": count},
        )
        for status, count in counts.items()
    ]
    return count_bars(bars, left=90, width=760, label=label, class_="chart status-bars")


def _shorten(value: str, width: int) -> str:
    return value if len(value) <= width else value[: width - 1].rstrip() + "…"


def progress_chart(objectives: Sequence[Mapping[str, Any]], *, label: str) -> Markup:
    """One row per indicator with a reading: a bar from the baseline (0 %) towards the target
    (100 %; beyond is cut at 120 %), coloured by the indicator's status, and a tick where the
    progress expected by today stands."""
    rows = [
        (o, i)
        for o in objectives
        for i in o["indicators"]
        if i["progress"] is not None and i["status"] != "no data"
    ]
    row, left, width, top = 34, 300, 760, 24
    plot = width - left - 40
    scale = 1.2  # the right edge of the plot is 120 %
    parts: list[str] = []
    for pct in (0, 50, 100):
        x = left + plot * pct / 100 / scale
        parts.append(
            tag("line", x1=x, y1=top - 6, x2=x, y2=top + row * max(len(rows), 1), class_="grid")
        )
        parts.append(text(f"{pct} %", x=x, y=top - 10, class_="axis-label", text_anchor="middle"))
    for n, (objective, indicator) in enumerate(rows):
        y = top + n * row
        share = max(0.0, min(float(indicator["progress"]), scale))
        name = f"{_shorten(objective['title'], 24)} — {_shorten(indicator['name'], 20)}"
        parts.append(text(name, x=left - 8, y=y + 17, class_="axis-label", text_anchor="end"))
        tip = (
            f"{objective['title']}: {indicator['name']} — {indicator['status']} "
            f"({indicator['reason']}); latest {indicator['latest']} of target "
            f"{indicator['target']}"
        )
        parts.append(
            tag(
                "rect",
                title(tip),
                class_=f"bar {status_class(indicator['status'])}",
                x=left,
                y=y + 4,
                width=max(plot * share / scale, 1.0),
                height=row - 12,
                data_status=indicator["status"],
                data_progress=f"{float(indicator['progress']):.4f}",
            )
        )
        if indicator["expected"] is not None:
            x = left + plot * float(indicator["expected"]) / scale
            parts.append(
                tag(
                    "line",
                    title(f"expected by today: {float(indicator['expected']):.0%}"),
                    x1=x,
                    y1=y,
                    x2=x,
                    y2=y + row - 4,
                    class_="expected",
                    data_expected=f"{float(indicator['expected']):.4f}",
                )
            )
    return svg(
        parts,
        width=width,
        height=top + 8 + row * max(len(rows), 1),
        label=label,
        class_="chart progress-chart",
    )
