#!/usr/bin/env bash
# The browser for the browser tests: Debian's Chromium, driven by Playwright.
#
#   tests/browser.sh ensure   install Debian's chromium when missing (as root), print its version
#   tests/browser.sh path     print the path of the Chromium executable
#   tests/browser.sh axe      install axe-core (the accessibility engine the tests inject) into
#                             tests/browser/node_modules from its lock file; Debian's npm when missing
#
# Playwright's own browser download is never used: tests launch the system Chromium
# (executable_path=CHROMIUM below), which Debian keeps patched.
#
# Exit status: 0 success; 1 Chromium missing and cannot be installed; 2 usage error.
set -euo pipefail

CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

say() { printf 'browser.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

install_chromium() {
    [[ $(id -u) -eq 0 ]] ||
        die "$CHROMIUM is missing; as root: apt-get install chromium (Debian's package)"
    say "Chromium is missing; installing Debian's chromium package"
    export DEBIAN_FRONTEND=noninteractive
    # The package lists may be stale or absent on a fresh machine: update only if needed.
    if ! apt-get install -y -q chromium >&2; then
        apt-get update -q >&2 && apt-get install -y -q chromium >&2 ||
            die "apt-get could not install chromium"
    fi
    [[ -x $CHROMIUM ]] || die "chromium installed, but $CHROMIUM is still missing"
}

cmd_ensure() {
    [[ -x $CHROMIUM ]] || install_chromium
    local version
    version=$("$CHROMIUM" --version 2>/dev/null) || die "$CHROMIUM --version failed"
    echo "$version"
}

cmd_axe() {
    if ! command -v npm >/dev/null; then
        [[ $(id -u) -eq 0 ]] || die "npm is missing; as root: apt-get install npm (Debian's package)"
        say "npm is missing; installing Debian's npm package"
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -q npm >&2 || { apt-get update -q >&2 && apt-get install -y -q npm >&2; } ||
            die "apt-get could not install npm"
    fi
    npm ci --prefix "$(dirname "$0")/browser" --no-audit --no-fund --loglevel=error >&2 ||
        die "npm ci could not install axe-core"
}

[[ $# -eq 1 ]] || { echo "usage: $0 ensure|path|axe" >&2; exit 2; }
case $1 in
    ensure) cmd_ensure ;;
    path) echo "$CHROMIUM" ;;
    axe) cmd_axe ;;
    *) echo "usage: $0 ensure|path|axe" >&2; exit 2 ;;
esac
