#!/usr/bin/env bash
# Install what the browser tests need on a fresh Debian machine (CI runs as root).
#
# Idempotent: skipped when chromium is already there, so `make test` can call it every time.
# Debian's chromium is used (no browser download: Playwright is pointed at /usr/bin/chromium).
# The widget's JavaScript dependencies are installed by `make setup` (npm ci).
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHROMIUM="/usr/bin/chromium"

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_chromium() {
    if [ -x "$CHROMIUM" ]; then
        return
    fi
    # Refresh the package lists only when apt does not know chromium (a fresh container) or
    # the install fails on stale lists; otherwise reuse them.
    if ! apt-cache show chromium >/dev/null 2>&1; then
        as_root apt-get update
    fi
    if ! apt_install; then
        as_root apt-get update
        apt_install
    fi
}

apt_install() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        chromium fonts-dejavu-core
}

install_chromium
"$CHROMIUM" --version 2>/dev/null  # (Debian's wrapper warns about a memory check on stderr)
