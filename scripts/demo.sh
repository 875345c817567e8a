#!/usr/bin/env bash
# A first look at Multitrack: create the database, load the demo data, print a brief on Norway.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

ensure_uv
heading "uv sync --frozen --no-dev"
uv sync --frozen --no-dev
# `--no-dev` here too: a plain `uv run` would sync the dev group back in.
heading "multitrack init"
uv run --frozen --no-dev multitrack init
heading "multitrack demo"
uv run --frozen --no-dev multitrack demo
heading "multitrack brief Norway"
uv run --frozen --no-dev multitrack brief Norway
