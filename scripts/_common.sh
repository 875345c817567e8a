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

#: What reports need at run time: WeasyPrint's Pango and HarfBuzz, and the fonts they name.
REPORT_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)

# Installs those of the named Debian packages that are missing (apt-get, as root or with sudo).
# Elsewhere than on Debian it does nothing: install the equivalents by hand.
ensure_debian_packages() {
    command -v dpkg-query >/dev/null 2>&1 || return 0
    local missing=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    heading "apt-get install ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        "${missing[@]}"
}
