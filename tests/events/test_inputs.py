"""The byte scan of an input file: line count, blank lines, carriage returns, SHA-256."""

from __future__ import annotations

import hashlib
import mmap
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from multitrack.events import inputs
from multitrack.events.inputs import prepare

LINES = st.lists(
    st.one_of(
        st.just(b""),
        st.binary(min_size=1, max_size=300).map(lambda b: b.replace(b"\n", b"x")),
        st.just(b"a\rb"),
    ),
    max_size=80,
)


def expected(data: bytes) -> tuple[int, list[int], bool]:
    """Lines, blank line numbers and whether a carriage return occurs, the plain way."""
    if not data:
        return 0, [], False
    lines = data.split(b"\n")
    if data.endswith(b"\n"):
        lines.pop()
    blank = [i for i, line in enumerate(lines, 1) if line == b""]
    return len(lines), blank, b"\r" in data


@pytest.fixture(autouse=True)
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows of one page, so that lines and blank runs cross window edges."""
    monkeypatch.setattr(inputs, "CHUNK", mmap.ALLOCATIONGRANULARITY)


@settings(max_examples=60, deadline=None)
@given(LINES, st.booleans())
def test_the_scan_of_a_plain_file_counts_what_plain_python_counts(
    lines: list[bytes], trailing: bool
) -> None:
    data = b"\n".join(lines) + (b"\n" if trailing and lines else b"")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.txt"
        path.write_bytes(data)
        with prepare(path, Path(tmp)) as prepared:
            quick = prepared.wait(blank=False)  # what a clean file needs: no blank-line pass
            count, blank, cr = expected(data)
            assert (quick.lines, quick.found_cr) == (count, cr)
            assert quick.sha256 == hashlib.sha256(data).hexdigest()
            assert prepared.wait().blank == blank  # found when asked for


def test_a_file_changed_between_the_scans_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "events.txt"
    path.write_bytes(b"a\n\nb\n")
    with prepare(path, tmp_path) as prepared:
        prepared.wait(blank=False)
        path.write_bytes(b"a\n\nb\nc\n")
        with pytest.raises(OSError, match="changed while it was read"):
            prepared.wait()
