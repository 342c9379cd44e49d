#!/usr/bin/env bash
# Install what the scale-out tests need on a fresh Debian machine (CI runs as root): PostgreSQL
# (tracker store), Redis (lock store) and nginx (the load balancer in front of the replicas).
#
# Idempotent: skipped when all three are there, so `make test` can call it every time.
set -euo pipefail

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

have_all() {
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && command -v redis-server >/dev/null \
        && { command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; }
}

apt_install() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        postgresql redis-server nginx-light
}

if ! have_all; then
    if ! apt_install; then
        as_root apt-get update
        apt_install
    fi
fi
# Debian starts the packaged services; the tests start their own instances on free ports.
for service in nginx redis-server postgresql; do
    as_root service "$service" stop >/dev/null 2>&1 || true
done
