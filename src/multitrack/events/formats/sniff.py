"""Recognising a file's format and column layout from its first lines, or refusing it."""

from __future__ import annotations

import csv
from collections import Counter

from multitrack.errors import LayoutError
from multitrack.events.formats.base import EventFormat, Layout


def _short(columns: tuple[str, ...]) -> str:
    if len(columns) <= 8:
        return ", ".join(columns)
    return ", ".join(columns[:4]) + ", …, " + ", ".join(columns[-3:])


def describe(fmt: EventFormat) -> str:
    """The layouts of a format in one line, naming their columns."""
    kinds = "; ".join(f"{len(lay.columns)} columns ({_short(lay.columns)})" for lay in fmt.layouts)
    where = "header row" if fmt.header else "no header"
    return f"{fmt.name} ({where}): {kinds}"


def _header(line: str, fmt: EventFormat) -> list[str]:
    line = line.lstrip("\ufeff").rstrip("\r\n")
    if fmt.quote:
        return next(csv.reader([line], delimiter=fmt.delimiter, quotechar=fmt.quote), [])
    return line.split(fmt.delimiter)


def _field_counts(lines: list[str], delimiter: str) -> Counter[int]:
    return Counter(line.count(delimiter) + 1 for line in lines if line.strip())


def match(fmt: EventFormat, head: list[str]) -> Layout | None:
    """The layout of ``fmt`` the file's first lines show, or None."""
    lines = [line for line in head if line.strip()]
    if not lines:
        return None
    if fmt.header:
        return fmt.layout_for_header(_header(lines[0], fmt))
    counts = _field_counts(lines, fmt.delimiter)
    best = [(n, count) for count, n in counts.items() if fmt.layout_for_field_count_ok(count)]
    if not best:
        return None
    return fmt.layout_for_fields(max(best)[1])


def recognise(
    path: str, head: list[str], formats: dict[str, EventFormat], fmt: EventFormat | None
) -> tuple[EventFormat, Layout]:
    """The format and layout of a file; a :class:`LayoutError` naming the columns if none fits."""
    candidates = [fmt] if fmt is not None else list(formats.values())
    scored: list[tuple[int, str, EventFormat, Layout]] = []
    lines = [line for line in head if line.strip()]
    for candidate in candidates:
        layout = match(candidate, head)
        if layout is None:
            continue
        if candidate.header:
            score = len(lines) + 1  # a header naming every column beats a field count
        else:
            score = sum(
                n
                for c, n in _field_counts(lines, candidate.delimiter).items()
                if candidate.layout_for_field_count_ok(c)
            )
        scored.append((score, candidate.name, candidate, layout))
    if scored:
        scored.sort(key=lambda s: (-s[0], s[1]))
        return scored[0][2], scored[0][3]
    if not lines:
        raise LayoutError(path, "the file has no lines to recognise a format from")
    found = _found(lines, candidates)
    expected = "; ".join(describe(c) for c in candidates)
    what = f"does not match {fmt.name}" if fmt is not None else "matches no known format"
    columns = [c for cand in candidates for lay in cand.layouts for c in lay.columns]
    raise LayoutError(path, f"column layout {what}: {found}; expected {expected}", expected=columns)


def _found(lines: list[str], candidates: list[EventFormat]) -> str:
    first = lines[0].lstrip("\ufeff").rstrip("\r\n")
    if any(c.header for c in candidates) and ("\t" in first or "," in first):
        delimiter = "\t" if first.count("\t") >= first.count(",") else ","
        names = first.split(delimiter)
        if len(names) <= 40:
            return f"first line has {len(names)} fields ({', '.join(n.strip() for n in names)})"
    tabs = sorted(_field_counts(lines, "\t").items(), key=lambda kv: -kv[1])[:3]
    shown = ", ".join(f"{n} fields on {k} line{'s' if k != 1 else ''}" for n, k in tabs)
    return f"the first {len(lines)} lines have {shown} (tab-separated)"
