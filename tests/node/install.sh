#!/usr/bin/env bash
# Installs the pinned Node.js tools of tests/node/package.json (exact versions in
# package-lock.json) into target/node/node_modules with `npm ci`, and prints their versions.
#
# Skips `npm ci` when target/node already holds exactly this lock file's install. A machine
# without npm gets Debian's nodejs and npm first (the pinned tools run on Node.js 18 and newer).
#
# Used by `cargo xtask test` (Redocly CLI, Spectral, Prism) and by tests/python/other_languages.sh
# (openapi-typescript, tsc). Run from anywhere: `bash tests/node/install.sh`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
DIR=target/node
STAMP="$DIR/.installed"

if ! command -v npm >/dev/null; then
    echo "npm not found: installing Debian's nodejs and npm"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; } \
        || { echo "npm (with Node.js) is needed for the Node.js tools and could not be installed" >&2; exit 1; }
fi

# The stamp is written only after a complete install, so an interrupted `npm ci` is redone.
want="$(cat tests/node/package.json tests/node/package-lock.json | sha256sum)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
    echo "npm packages already installed in $DIR/node_modules"
else
    echo "npm ci in $DIR (tests/node/package.json, package-lock.json)"
    rm -f "$STAMP"
    mkdir -p "$DIR"
    cp tests/node/package.json tests/node/package-lock.json "$DIR/"
    (cd "$DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    printf '%s' "$want" >"$STAMP"
fi

echo "node $(node --version), $(cd "$DIR" && node -p '
    ["@redocly/cli", "@stoplight/spectral-cli", "@stoplight/prism-cli", "openapi-typescript", "typescript"]
        .map((p) => p + " " + require(p + "/package.json").version).join(", ")')"
