"""Regenerate the CAMEO mapping table in docs/events.md from the shipped mapping data.

    uv run python scripts/gen_cameo_doc.py           # rewrite the table in docs/events.md
    uv run python scripts/gen_cameo_doc.py --check   # exit 1 when it is out of date

The table sits between the markers ``<!-- cameo-mapping:start -->`` and
``<!-- cameo-mapping:end -->``; tests/taxonomy/test_cameo_mapping.py fails when it differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from multitrack.taxonomy.cameo import markdown_table

DOCS = Path(__file__).resolve().parent.parent / "docs" / "events.md"
START, END = "<!-- cameo-mapping:start -->", "<!-- cameo-mapping:end -->"


def render(text: str) -> str:
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{markdown_table()}{END}{tail}"


def main() -> int:
    text = DOCS.read_text(encoding="utf-8")
    new = render(text)
    if "--check" in sys.argv[1:]:
        if new != text:
            print(f"{DOCS} is out of date: run scripts/gen_cameo_doc.py", file=sys.stderr)
            return 1
        return 0
    DOCS.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
