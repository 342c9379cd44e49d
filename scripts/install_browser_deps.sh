#!/usr/bin/env bash
# Install what the browser tests need on a fresh Debian machine (CI runs as root).
#
# Idempotent: each step is skipped when its result is already there, so `make test-browser`
# can call it every time. Debian's chromium is used (no browser download: Playwright is
# pointed at /usr/bin/chromium), the JavaScript dependencies come from package-lock.json.
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CHROMIUM="/usr/bin/chromium"
VENDORED_SOCKET_IO="$PROJECT_DIR/web/widget/vendor/socket.io.min.js"

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

install_js_dependencies() {
    # The widget's only run-time dependency is socket.io-client, pinned by package-lock.json.
    if [ ! -f "$VENDORED_SOCKET_IO" ] || [ "$PROJECT_DIR/package-lock.json" -nt "$VENDORED_SOCKET_IO" ]; then
        (cd "$PROJECT_DIR" && npm ci --no-audit --no-fund && npm run vendor)
    fi
}

install_chromium
install_js_dependencies
"$CHROMIUM" --version
