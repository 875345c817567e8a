#!/usr/bin/env bash
# From nothing to the demo world in the browser: install, create the database, load the demo
# world (registry and event data), print a brief on Norway, then serve the web app and the API
# on localhost with a demo login whose password is new at every start. Extra arguments go to
# `multitrack serve` (e.g. --port 8080).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

ensure_uv
ensure_debian_packages "${REPORT_PACKAGES[@]}"  # PDF reports (WeasyPrint on Pango)
heading "uv sync --frozen --inexact"
uv sync --frozen --inexact
heading "multitrack init"
uv run --frozen multitrack init
heading "multitrack demo"
uv run --frozen multitrack demo
heading "multitrack brief Norway"
uv run --frozen multitrack brief Norway
heading "multitrack serve --demo-login (Ctrl-C stops it)"
exec uv run --frozen multitrack serve --demo-login "$@"
