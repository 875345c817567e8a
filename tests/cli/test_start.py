"""Starting the command loads only what every command needs."""

from __future__ import annotations

import subprocess
import sys

#: libraries only some commands need: each loads when such a command runs
HEAVY = ("ibis", "networkx", "duckdb", "pyarrow", "polars", "alembic", "weasyprint", "pandas")


def test_the_command_starts_without_the_analytics_engines() -> None:
    code = (
        "import sys, multitrack.cli.main; "
        f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []
