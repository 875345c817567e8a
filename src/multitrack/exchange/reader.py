"""Reading exchange files (JSON Lines or CSV) into validated records, with line numbers.

Nothing is written here: a file either yields all its records or raises an
:class:`~multitrack.errors.ImportFileError` listing every problem found (file, line, field).
"""

from __future__ import annotations

import csv
import io
import json
import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from multitrack.errors import ImportFileError, Problem
from multitrack.exchange.records import KINDS, RECORDS, Item

MAX_PROBLEMS = 50
FORMATS = ("jsonl", "csv")


@dataclass(frozen=True)
class Row:
    line: int
    record: Item


def guess_kind(path: Path) -> str | None:
    stem = path.name.split(".")[0].lower()
    return stem if stem in RECORDS else None


def guess_format(path: Path) -> str | None:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix == "csv":
        return "csv"
    return None


def list_fields(model: type[Item]) -> set[str]:
    return {name for name, info in model.model_fields.items() if _is_list(info.annotation)}


def _is_list(annotation: object) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return any(typing.get_origin(arg) is list for arg in typing.get_args(annotation))


LABEL_FIELDS = ("classification", "owner", "releasable_to")


def columns_of(model: type[Item]) -> list[str]:
    """A kind's columns in file order: its own fields, then the labels."""
    own = [name for name in model.model_fields if name not in LABEL_FIELDS]
    return own + [name for name in LABEL_FIELDS if name in model.model_fields]


def required_fields(model: type[Item]) -> list[str]:
    return [name for name, info in model.model_fields.items() if info.is_required()]


def read_records(path: Path, *, kind: str, fmt: str | None = None) -> list[Row]:
    """All records of one file, or ImportFileError with every problem (up to 50)."""
    if kind not in RECORDS:
        raise ImportFileError(
            str(path), [Problem(1, None, f"unknown kind {kind!r}; one of {', '.join(KINDS)}")]
        )
    fmt = fmt or guess_format(path)
    if fmt not in FORMATS:
        raise ImportFileError(
            str(path), [Problem(1, None, "unknown format: name the file .jsonl or .csv")]
        )
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFileError(str(path), [Problem(0, None, error.strerror or str(error))]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        raise ImportFileError(
            str(path), [Problem(line, None, f"not UTF-8 text (byte 0x{byte}); save it as UTF-8")]
        ) from None
    model = RECORDS[kind]
    problems: list[Problem] = []
    rows: list[Row] = []
    items = _jsonl_items(text, problems) if fmt == "jsonl" else _csv_items(text, model, problems)
    for line, data in items:
        try:
            rows.append(Row(line, model.model_validate(data)))
        except ValidationError as error:
            for detail in error.errors():
                where = ".".join(str(part) for part in detail["loc"]) or None
                problems.append(Problem(line, where, _message(detail)))
        if len(problems) >= MAX_PROBLEMS:
            break
    if problems:
        raise ImportFileError(str(path), problems[:MAX_PROBLEMS])
    return rows


def _message(detail: Any) -> str:
    kind = detail.get("type")
    if kind == "missing":
        return "missing value"
    if kind == "extra_forbidden":
        return "unknown field"
    message = str(detail.get("msg", "invalid value"))
    return message.removeprefix("Value error, ")


#: What ends a line of JSON Lines. Not str.splitlines(): it also splits at U+2028, U+0085 and
#: other characters that JSON (and the exporter) leave unescaped inside strings.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _json(text: str) -> tuple[Any, str | None]:
    """The value of a JSON text, or why it is not one (never raises)."""
    try:
        return json.loads(text), None
    except json.JSONDecodeError as error:
        return None, f"{error.msg} at column {error.colno}"
    except RecursionError:
        return None, "nested too deep"
    except ValueError as error:  # such as an integer of more than 4300 digits
        return None, str(error).split(";")[0]


def _jsonl_items(text: str, problems: list[Problem]) -> list[tuple[int, Any]]:
    items: list[tuple[int, Any]] = []
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        data, error = _json(line)
        if error is not None:
            problems.append(
                Problem(number, None, f"not valid JSON ({error}); is the line truncated?")
            )
            continue
        if not isinstance(data, dict):
            problems.append(Problem(number, None, "expected a JSON object"))
            continue
        items.append((number, data))
    return items


def _csv_items(text: str, model: type[Item], problems: list[Problem]) -> list[tuple[int, Any]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        problems.append(Problem(1, None, "empty file: expected a header row"))
        return []
    except csv.Error as error:
        problems.append(Problem(1, None, f"unreadable CSV header: {error}"))
        return []
    header = [name.strip() for name in header]
    known = set(model.model_fields)
    for name in header:
        if name not in known:
            problems.append(Problem(1, name, "unknown column"))
    for name in required_fields(model):
        if name not in header:
            problems.append(Problem(1, name, "missing column"))
    if problems:
        return []
    lists = list_fields(model)
    items: list[tuple[int, Any]] = []
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(
                Problem(start, None, f"unreadable CSV ({error}); is the line truncated?")
            )
            break
        line, start = start, reader.line_num + 1
        if not cells or all(not c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(
                    line,
                    None,
                    f"expected {len(header)} fields, found {len(cells)}; is the line truncated?",
                )
            )
            continue
        data: dict[str, Any] = {}
        for name, cell in zip(header, cells, strict=True):
            value = cell.strip()
            if not value:
                continue
            if name in lists:
                parsed = _structured(value, name, line, problems)
                if parsed is not None:
                    data[name] = parsed
            else:  # as in JSON: the record model strips it (str.strip() strips more)
                data[name] = cell
        items.append((line, data))
    return items


def _structured(value: str, name: str, line: int, problems: list[Problem]) -> Any:
    if value.startswith(("[", "{")):
        data, error = _json(value)
        if error is not None:
            problems.append(Problem(line, name, f"not valid JSON in the cell ({error})"))
        return data
    return [part.strip() for part in value.split(";") if part.strip()]
