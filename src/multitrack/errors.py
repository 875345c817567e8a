"""The one exception root of Multitrack and its structured children.

Every error a user can cause is a :class:`MultitrackError`. Shells (CLI, API) render them in
one place: the CLI prints ``str(error)`` on one line of stderr and exits non-zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class MultitrackError(Exception):
    """Root of every error Multitrack raises on purpose."""

    exit_code = 1

    def detail(self) -> dict[str, object]:
        return {"message": str(self)}


class NotFoundError(MultitrackError):
    """A record that does not exist (or that the caller may not see)."""

    exit_code = 3

    def __init__(self, kind: str, ref: str) -> None:
        super().__init__(f"no {kind} matches {ref!r}")
        self.kind = kind
        self.ref = ref

    def detail(self) -> dict[str, object]:
        return {"message": str(self), "kind": self.kind, "ref": self.ref}


class AmbiguousError(MultitrackError):
    """A name that matches more than one record."""

    exit_code = 4

    def __init__(self, kind: str, ref: str, candidates: list[str]) -> None:
        shown = ", ".join(candidates[:5])
        super().__init__(f"{ref!r} matches {len(candidates)} {kind}s: {shown}; use an id")
        self.kind = kind
        self.ref = ref
        self.candidates = candidates


class InUseError(MultitrackError):
    """A record other records still refer to: it cannot be deleted until they no longer do.

    ``used_by`` names the kinds of referring records the caller can see, and only those: the
    answer is the same whether records hidden from the caller refer to it too or not.
    """

    exit_code = 4

    def __init__(self, kind: str, ref: str, used_by: Sequence[str]) -> None:
        seen = f" (among those you can see: {', '.join(used_by)})" if used_by else ""
        super().__init__(f"{kind} {ref} cannot be deleted while other records refer to it{seen}")
        self.kind = kind
        self.ref = ref
        self.used_by = list(used_by)

    def detail(self) -> dict[str, object]:
        return {"message": str(self), "kind": self.kind, "used_by": self.used_by}


class InvalidValueError(MultitrackError):
    """A value outside what a field accepts (unknown track, bad date ...)."""

    exit_code = 2

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def detail(self) -> dict[str, object]:
        return {"message": str(self), "field": self.field}


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file."""

    line: int
    field: str | None
    message: str


@dataclass
class ImportFileError(MultitrackError):
    """A file refused whole: names the file and every problem found, line and field."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    exit_code = 2

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        if not self.problems:
            return f"{self.path}: refused"
        first = self.problems[0]
        where = f"{self.path}:{first.line}"
        what = f" field {first.field!r}:" if first.field else ""
        more = len(self.problems) - 1
        tail = f" (and {more} more problem{'s' if more != 1 else ''})" if more else ""
        return f"{where}:{what} {first.message}; nothing was imported{tail}"

    def detail(self) -> dict[str, object]:
        return {
            "message": str(self),
            "path": self.path,
            "problems": [
                {"line": p.line, "field": p.field, "message": p.message} for p in self.problems
            ],
        }


class LayoutError(MultitrackError):
    """An event file whose columns do not match its format's codebook: refused whole."""

    exit_code = 2

    def __init__(self, path: str, message: str, *, expected: list[str] | None = None) -> None:
        super().__init__(f"{path}: {message}; nothing was ingested")
        self.path = path
        self.message = message
        self.expected = expected or []

    def detail(self) -> dict[str, object]:
        return {"message": str(self), "path": self.path, "expected": self.expected}
