"""Hostile share packages: random bytes and mutations of a real package never crash the
importer (only its own refusal) and never import anything.

One pair of installations is built for the module; every example goes through the whole import
path (parse, signer, signature, recipient, replay, decryption, content), and the module checks
at the end that Bravo's database holds exactly what it held before. With atheris installed, the
same target runs under libFuzzer for a bounded time (fuzz/fuzz_share.py).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl import pwhash

from multitrack.errors import MultitrackError
from multitrack.security import keys
from multitrack.security.principal import LOCAL_ADMIN
from multitrack.security.share import Filters, export_package, import_bytes
from tests.security.share_world import PASS_A, PASS_B, Site, build, init_template, sqlite_site

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Site, bytes]]:
    folder = tmp_path_factory.mktemp("share-fuzz")
    patch = pytest.MonkeyPatch()
    patch.setattr(keys, "OPSLIMIT", pwhash.argon2id.OPSLIMIT_MIN)
    patch.setattr(keys, "MEMLIMIT", pwhash.argon2id.MEMLIMIT_MIN)
    init_template(folder / "template.db")
    alpha = sqlite_site(folder / "alpha", "alpha", folder / "template.db")
    bravo = sqlite_site(folder / "bravo", "bravo", folder / "template.db")
    build(alpha, bravo)
    out = folder / "p.mtshare"
    export_package(
        alpha.store,
        principal=LOCAL_ADMIN,
        sender="Alpha",
        recipient="Bravo",
        out=out,
        passphrase=PASS_A,
        filters=Filters(kinds=frozenset({"engagements"})),
    )
    before = bravo.records()
    yield alpha, bravo, out.read_bytes()
    assert bravo.records() == before, "a hostile package imported something"
    assert bravo.receipts() == 0
    patch.undo()
    alpha.store.dispose()
    bravo.store.dispose()


def attempt(bravo: Site, data: bytes, original: bytes) -> None:
    if data == original:
        return
    try:
        import_bytes(bravo.store, data, source="fuzz", principal=LOCAL_ADMIN, passphrase=PASS_B)
    except MultitrackError as error:
        message = str(error)
    else:  # pragma: no cover - only a forged signature could get here
        pytest.fail("a changed package was imported")
    assert message
    assert "\n" not in message


@FUZZ
@given(data=st.binary(max_size=2048))
def test_random_bytes(sites: tuple[Site, Site, bytes], data: bytes) -> None:
    _, bravo, original = sites
    attempt(bravo, data, original)


@FUZZ
@given(data=st.binary(max_size=512))
def test_random_bytes_behind_a_valid_prefix(sites: tuple[Site, Site, bytes], data: bytes) -> None:
    _, bravo, original = sites
    attempt(bravo, original[:14] + data, original)


def _mutate(original: bytes, edits: list[tuple[int, int, int]]) -> bytes:
    out = bytearray(original)
    for op, where, value in edits:
        at = where % (len(out) + 1)
        if op == 0 and at < len(out):
            out[at] ^= value or 1
        elif op == 1:
            out.insert(at, value)
        elif op == 2 and at < len(out):
            del out[at]
        elif op == 3:
            del out[at:]
    return bytes(out)


EDITS = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 2**20), st.integers(0, 255)), min_size=1, max_size=4
)


@FUZZ
@given(edits=EDITS)
def test_mutations_of_a_real_package(
    sites: tuple[Site, Site, bytes], edits: list[tuple[int, int, int]]
) -> None:
    _, bravo, original = sites
    attempt(bravo, _mutate(original, edits), original)


ATHERIS = importlib.util.find_spec("atheris") is not None


@pytest.mark.skipif(not ATHERIS, reason="atheris is not installed")
def test_atheris_bounded_run(repo_root: Path, tmp_path: Path) -> None:
    """libFuzzer over the same target, for a bounded time; it fails on any other exception."""
    env = {**os.environ, "MULTITRACK_FUZZ_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, str(repo_root / "fuzz" / "fuzz_share.py"), "-max_total_time=15"],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    tail = (result.stdout + result.stderr)[-3000:]
    assert result.returncode == 0, tail
    assert "Done " in result.stderr, tail  # libFuzzer's closing line: "Done N runs in T s"
