"""Opening an event file for ingest: plain, ``.gz`` or ``.zip``, streamed, never loaded whole.

A pass over the bytes (in 16 MB chunks) computes the SHA-256, the number of physical lines, the
blank lines (DuckDB's CSV reader skips them silently, so they are counted here and quarantined)
and whether a carriage return occurs (DuckDB's strict parser cannot read a stray ``\\r``).

- Plain files: DuckDB or polars reads the file itself; the byte scan runs in a thread meanwhile
  over a memory map of the file (no copy; hashlib and numpy release the GIL), joined before
  accounting. It hashes, counts newlines and looks for a carriage return; the blank lines are
  found only when a file needs the staged path (a second scan, see :meth:`Prepared.wait`): a
  clean file is recognised by its line count alone (every line a stored row).
- ``.gz`` / ``.zip`` (one member): streamed to a temporary plain file, scanned on the way.
- Any ``\\r``: a cleaned temporary copy is made line by line: ``\\r\\n`` line ends become ``\\n``,
  and lines holding another ``\\r`` are blanked there (their text goes to quarantine).
"""

from __future__ import annotations

import gzip
import hashlib
import mmap
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

from multitrack.errors import LayoutError

CHUNK = 16 << 20
HEAD_LINES = 50
HEAD_BYTES = 1 << 20

Progress = Callable[[float], None]


@dataclass
class Scan:
    """What one pass over the bytes found."""

    sha256: str = ""
    lines: int = 0
    blank: list[int] = field(default_factory=list)
    stray_cr: list[tuple[int, str]] = field(default_factory=list)  # (line, text)
    found_cr: bool = False


class _Counter:
    """Counts lines and finds blank ones, chunk by chunk, without copying chunks."""

    def __init__(self, scan: Scan) -> None:
        self.scan = scan
        self.after_newline = True  # the start of the file is the start of a line
        self.pending = False  # bytes after the last newline

    def feed(self, chunk: bytes) -> None:
        """numpy finds the newlines (and so the blank lines: two newlines in a row) several
        times faster than ``bytes.find(b"\\n\\n")``, and releases the GIL while it does."""
        if not chunk:
            return
        scan = self.scan
        if b"\r" in chunk:
            scan.found_cr = True
        if self.after_newline and chunk[0] == 10:
            scan.blank.append(scan.lines + 1)
        newlines = np.flatnonzero(np.frombuffer(chunk, dtype=np.uint8) == 10)
        # newline i (0-based) ends line scan.lines + i + 1; a blank line follows it when the
        # next byte is a newline too
        blank = np.flatnonzero(np.diff(newlines) == 1)
        if blank.size:
            scan.blank.extend((blank + scan.lines + 2).tolist())
        scan.lines += int(newlines.size)
        self.after_newline = chunk[-1] == 10
        self.pending = not self.after_newline

    def finish(self) -> None:
        if self.pending:
            self.scan.lines += 1
            self.pending = False


class _Cleaner:
    """Line-by-line copy for files with carriage returns (rare, so plain Python is fine)."""

    def __init__(self, scan: Scan, out: IO[bytes]) -> None:
        self.scan = scan
        self.out = out
        self.carry = b""

    def feed(self, chunk: bytes) -> None:
        buf = self.carry + chunk
        cut = buf.rfind(b"\n")
        if cut < 0:
            self.carry = buf
            return
        self.carry = buf[cut + 1 :]
        self._lines(buf[:cut].split(b"\n"))

    def finish(self) -> None:
        if self.carry:
            self._lines([self.carry])
            self.carry = b""

    def _lines(self, lines: list[bytes]) -> None:
        scan = self.scan
        cleaned = []
        for raw in lines:
            scan.lines += 1
            line = raw[:-1] if raw.endswith(b"\r") else raw
            if b"\r" in line:
                scan.found_cr = True
                scan.stray_cr.append((scan.lines, line.decode("utf-8", "replace")))
                line = b""
            elif not line:
                scan.blank.append(scan.lines)
            cleaned.append(line)
        self.out.write(b"\n".join(cleaned) + b"\n")


def _read_head(stream: IO[bytes] | gzip.GzipFile) -> tuple[bytes, list[str]]:
    data = stream.read(HEAD_BYTES)
    lines = data.split(b"\n")[:HEAD_LINES]
    if len(data) == HEAD_BYTES and len(lines) < HEAD_LINES:
        lines = lines[:-1] or lines
    return data, [line.decode("utf-8", "replace").rstrip("\r") for line in lines]


class Prepared:
    """A file ready for DuckDB: where to read it, its first lines, and (after ``wait``) its scan."""

    def __init__(self, source: Path, path: Path, head: list[str]) -> None:
        self.source = source
        self.path = path
        self.head = head
        self.scan = Scan()
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        #: the scan's ``blank`` is complete (the background scan of plain files skips it)
        self._blank_known = True

    @property
    def name(self) -> str:
        return self.source.name

    @property
    def stem(self) -> str:
        name = self.source.name
        for suffix in (".gz", ".zip"):
            if name.lower().endswith(suffix):
                name = name[: -len(suffix)]
        return Path(name).stem or name

    def _scan_plain(self, progress: Progress | None) -> None:
        """SHA-256, newlines and carriage returns of the mapped file, chunk by chunk."""
        try:
            hasher = hashlib.sha256()
            scan = self.scan
            size = self.source.stat().st_size
            with self.source.open("rb") as handle:
                # one window mapped at a time: mapped pages count as the process's memory
                for start in range(0, size, CHUNK):
                    length = min(CHUNK, size - start)
                    with mmap.mmap(
                        handle.fileno(), length, access=mmap.ACCESS_READ, offset=start
                    ) as window:
                        hasher.update(window)
                        data = np.frombuffer(window, dtype=np.uint8)
                        scan.lines += int(np.count_nonzero(data == 10))
                        del data
                        scan.found_cr = scan.found_cr or window.find(b"\r") >= 0
                        if start + length == size:  # a last line with no newline
                            scan.lines += int(window[length - 1] != 10)
                    if progress is not None:
                        progress((start + length) / size)
            scan.sha256 = hasher.hexdigest()
        except BaseException as error:  # re-raised by wait()
            self._error = error

    def start(self, progress: Progress | None) -> None:
        self._blank_known = False
        self._thread = threading.Thread(target=self._scan_plain, args=(progress,), daemon=True)
        self._thread.start()

    def wait(self, *, blank: bool = True) -> Scan:
        """The finished scan; with ``blank``, its blank lines too (found now if the background
        scan left them out: one more pass, needed only by files that take the staged path)."""
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            raise self._error
        if blank and not self._blank_known:
            found = Scan()
            counter = _Counter(found)
            with self.path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    counter.feed(chunk)
            counter.finish()
            if found.lines != self.scan.lines:
                raise OSError(f"{self.source} changed while it was read")
            self.scan.blank = found.blank
            self._blank_known = True
        return self.scan

    def clean_copy(self, workdir: Path) -> None:
        """Replace the input DuckDB reads by a cleaned copy (carriage returns, see module doc)."""
        sha = self.wait(blank=False).sha256
        self.path = workdir / "input-clean.txt"
        self.scan = Scan(sha256=sha)
        self._blank_known = True  # the cleaner finds them
        with self.source.open("rb") as stream, self.path.open("wb") as out:
            cleaner = _Cleaner(self.scan, out)
            while chunk := stream.read(CHUNK):
                cleaner.feed(chunk)
            cleaner.finish()


_Stream = IO[bytes] | gzip.GzipFile


def _copy(source: Path, workdir: Path, opener: Callable[[], _Stream]) -> Prepared:
    """Stream a compressed member to a plain temp file, scanning on the way.

    If a carriage return shows up, start again with the line-by-line cleaner (rare).
    """
    target = workdir / "input.txt"
    with opener() as stream:
        first, head = _read_head(stream)
        prepared = Prepared(source=source, path=target, head=head)
        counter = _Counter(prepared.scan)
        with target.open("wb") as out:
            chunk = first
            while chunk and not prepared.scan.found_cr:
                counter.feed(chunk)
                out.write(chunk)
                chunk = stream.read(CHUNK)
            counter.finish()
    if prepared.scan.found_cr:
        prepared.scan = Scan()
        with opener() as stream, target.open("wb") as out:
            cleaner = _Cleaner(prepared.scan, out)
            while chunk := stream.read(CHUNK):
                cleaner.feed(chunk)
            cleaner.finish()
    hasher = hashlib.sha256()
    with source.open("rb") as handle:
        while block := handle.read(CHUNK):
            hasher.update(block)
    prepared.scan.sha256 = hasher.hexdigest()
    return prepared


@contextmanager
def prepare(source: Path, workdir: Path, progress: Progress | None = None) -> Iterator[Prepared]:
    """Open ``source`` for DuckDB; for plain files the byte scan runs in the background."""
    lower = source.name.lower()
    if lower.endswith(".gz"):
        yield _copy(source, workdir, lambda: gzip.open(source, "rb"))  # noqa: SIM115
    elif lower.endswith(".zip"):
        with zipfile.ZipFile(source) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) != 1:
                names = ", ".join(m.filename for m in members) or "none"
                raise LayoutError(str(source), f"a .zip must hold one event file, found: {names}")
            member = members[0]
            yield _copy(source, workdir, lambda: archive.open(member))
    else:
        with source.open("rb") as handle:
            _, head = _read_head(handle)
        prepared = Prepared(source=source, path=source, head=head)
        prepared.start(progress)
        try:
            yield prepared
        finally:
            if prepared._thread is not None:
                prepared._thread.join()
