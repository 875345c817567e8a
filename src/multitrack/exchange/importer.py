"""Import: a file (or a folder of files) applied whole, or not at all."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DataError, IntegrityError

from multitrack.errors import (
    AmbiguousError,
    ImportFileError,
    InvalidValueError,
    MultitrackError,
    NotFoundError,
    Problem,
)
from multitrack.exchange.apply import Context, apply_record
from multitrack.exchange.reader import Row, guess_format, guess_kind, read_records
from multitrack.exchange.records import KINDS
from multitrack.security.audit import append
from multitrack.security.principal import Principal
from multitrack.store import Store

Progress = Callable[[str, int, int], None]


@dataclass
class ImportReport:
    counts: Counter[str] = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)


def files_to_import(path: Path, kind: str | None) -> list[tuple[Path, str]]:
    """The files under ``path`` with their kinds, in the order references need."""
    if path.is_dir():
        found: list[tuple[Path, str]] = []
        for candidate in sorted(path.iterdir()):
            guessed = guess_kind(candidate)
            if guessed and guess_format(candidate):
                found.append((candidate, guessed))
        if not found:
            raise MultitrackError(f"{path}: no {', '.join(KINDS)} .jsonl or .csv files here")
        return sorted(found, key=lambda item: KINDS.index(item[1]))
    if not path.exists():
        raise MultitrackError(f"{path}: no such file")
    chosen = kind or guess_kind(path)
    if chosen is None:
        raise MultitrackError(
            f"{path}: cannot tell the kind from the file name; give --kind ({', '.join(KINDS)})"
        )
    if chosen not in KINDS:
        raise MultitrackError(f"unknown kind {chosen!r}; one of {', '.join(KINDS)}")
    return [(path, chosen)]


def import_path(
    store: Store,
    path: Path,
    *,
    principal: Principal,
    kind: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read every file first, then apply all of them in one transaction, for ``principal``.

    Any problem in any file raises :class:`ImportFileError` (file, line, field) and leaves the
    database exactly as it was.
    """
    principal.require_write()
    plan = [(p, k, read_records(p, kind=k)) for p, k in files_to_import(path, kind)]
    report = ImportReport()
    with store.session(principal) as session:
        ctx = Context.of(session)
        for file_path, file_kind, rows in plan:
            _apply_file(ctx, file_path, file_kind, rows, progress)
            report.counts[file_kind] += len(rows)
            report.files.append(str(file_path))
        append(
            session,
            action="import",
            detail={"files": [Path(f).name for f in report.files], "counts": report.counts},
        )
    return report


def _apply_file(
    ctx: Context, path: Path, kind: str, rows: list[Row], progress: Progress | None
) -> None:
    pending = rows
    while pending:
        deferred: list[tuple[Row, Problem]] = []
        for row in pending:
            try:
                with ctx.session.begin_nested():
                    apply_record(ctx, kind, row.record)
            except (InvalidValueError, NotFoundError, AmbiguousError) as error:
                deferred.append((row, _problem(row.line, error)))
                continue
            except MultitrackError as error:
                raise ImportFileError(str(path), [Problem(row.line, None, str(error))]) from None
            except (DataError, IntegrityError) as error:  # a value this database cannot keep
                reason = str(error.orig or error).splitlines()[0]
                raise ImportFileError(
                    str(path), [Problem(row.line, None, f"the database refused it: {reason}")]
                ) from None
            if progress:
                progress(str(path), 1, len(rows))
        # Actors may name a parent defined further down the same file: retry while that helps.
        if not deferred or len(deferred) == len(pending) or kind != "actors":
            if deferred:
                raise ImportFileError(str(path), [problem for _, problem in deferred])
            return
        pending = [row for row, _ in deferred]


def _problem(line: int, error: MultitrackError) -> Problem:
    if isinstance(error, InvalidValueError):
        return Problem(line, error.field, error.message)
    return Problem(line, None, str(error))
