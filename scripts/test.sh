#!/usr/bin/env bash
# The whole check: lint, format, types, and the test suite on SQLite and on a real PostgreSQL 15,
# browser tests included (Debian's Chromium).
# Usage: scripts/test.sh [pytest args...]     e.g. scripts/test.sh tests/store -x
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

started=$SECONDS
step="setup"
report() {
    local status=$?
    if [ "$status" -eq 0 ]; then
        printf '\n==> all checks passed in %ds\n' "$((SECONDS - started))"
    else
        printf '\n==> FAILED at step "%s" (exit %d) after %ds\n' "$step" "$status" \
            "$((SECONDS - started))" >&2
    fi
}
trap report EXIT

run_step() {
    step="$1"
    shift
    heading "$step"
    "$@"
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "need root (or sudo) to run: $*" >&2
        return 1
    fi
}

install_postgres() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        postgresql-15
}

# Debian's Chromium for the browser tests (tests/web drive /usr/bin/chromium with Playwright;
# no browser download). Under CI they fail, not skip, without it.
install_chromium() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        chromium
}

ensure_uv
if [ ! -x /usr/lib/postgresql/15/bin/pg_ctl ]; then
    run_step "install PostgreSQL 15 (apt-get)" install_postgres
fi
if [ ! -x /usr/bin/chromium ]; then
    run_step "install Chromium (apt-get)" install_chromium
fi
# Reports: Pango and fonts for WeasyPrint; poppler-utils (pdftotext, pdftoppm) for the tests that
# read the PDFs back. Under CI those tests fail, not skip, without them.
step="Debian packages for reports"
ensure_debian_packages "${REPORT_PACKAGES[@]}" poppler-utils
run_step "uv sync --frozen --all-extras" uv sync --frozen --all-extras
run_step "ruff check" uv run --frozen ruff check .
run_step "ruff format --check" uv run --frozen ruff format --check .
run_step "mypy" uv run --frozen mypy
# Any non-zero pytest exit fails the script, including 5 (no tests collected).
run_step "pytest" uv run --frozen pytest --cov=multitrack --cov-report=term:skip-covered "$@"
