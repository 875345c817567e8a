# Shared by scripts/*.sh (sourced, not run): go to the repo root and make sure `uv` is available.

UV_VERSION=0.13.9

cd "$(dirname "${BASH_SOURCE[0]}")/.."

heading() {
    printf '\n\033[1m==> %s\033[0m\n' "$*"
}

# Installs the pinned uv with pip when it is not on PATH. Debian's own python3 refuses a plain
# `pip install` (PEP 668), so fall back to a user install; `python3 -m uv` works wherever pip
# put the binary.
ensure_uv() {
    if command -v uv >/dev/null 2>&1; then
        return
    fi
    heading "installing uv==$UV_VERSION"
    python3 -m pip install --quiet "uv==$UV_VERSION" 2>/dev/null ||
        python3 -m pip install --quiet --user --break-system-packages "uv==$UV_VERSION"
    PATH="$(python3 -m site --user-base)/bin:$PATH"
    if ! command -v uv >/dev/null 2>&1; then
        uv() { python3 -m uv "$@"; }
    fi
}
