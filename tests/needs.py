"""What a test needs from the machine: fail when CI is set, skip elsewhere.

On CI every part (PostgreSQL, Chromium, poppler-utils) is installed by scripts/test.sh, so a
missing one is an error there; on a developer's machine the tests that need it are skipped with
the reason and the package to install.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(what: str, reason: str) -> NoReturn:
    """Stop the test: ``what`` (e.g. "the browser tests need Chromium") is not available."""
    if on_ci():
        pytest.fail(f"CI is set and {what}: {reason}", pytrace=False)
    pytest.skip(reason)
