#!/bin/sh
# mk/deps.sh -- make sure the Debian 12 packages the build needs are present.
# Installs what is missing when run as root (or with passwordless sudo);
# otherwise prints the exact apt-get line and fails.
# Usage: mk/deps.sh [extra-package ...]
set -u
# libsystemd-dev: ticketd's readiness notice (sd_notify); mandoc: the man
# pages' linter (tests/e2e/ops_man.sh).
PKGS="build-essential pkg-config libnng-dev libcjson-dev libsqlite3-dev sqlite3 \
libsodium-dev libncurses-dev libqrencode-dev check libsubunit-dev tmux libsystemd-dev \
mandoc postgresql libpq-dev $*"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "deps: missing Debian packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"
else
    echo "deps: run this, then try again:" >&2
    echo "    sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2 && $SUDO apt-get install -y -qq$missing >&2 || {
    echo "deps: install failed; run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
}
