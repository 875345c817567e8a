#!/usr/bin/env bash
# A first look at Multitrack: create the database, load the demo data, print a brief on Norway.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

ensure_uv
heading "uv sync --frozen --inexact"
uv sync --frozen --inexact
heading "multitrack init"
uv run --frozen multitrack init
heading "multitrack demo"
uv run --frozen multitrack demo
heading "multitrack brief Norway"
uv run --frozen multitrack brief Norway
