#!/usr/bin/env bash
# Proves that spec/cbr.yaml works with the generators of two other languages:
#
#   Python      openapi-python-client generates a client; every request and response example
#               of the spec must round-trip through its models (test_response_examples.py).
#   TypeScript  openapi-typescript generates types; `tsc --noEmit --strict` checks them, every
#               example of the spec typed through its operation (examples_to_ts.py), and the
#               hand-written payloads of tests/typescript/usage.ts.
#
# Run from anywhere: `bash tests/python/other_languages.sh`. Everything it writes is under
# target/ (python-venv, other-languages, python-client, typescript, and node for the Node.js tools
# that tests/node/install.sh installs). It runs every step even
# after a failure (a step whose input failed is skipped), prints each step's time, and exits
# non-zero if any step failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# No __pycache__ beside the committed scripts (examples_to_ts.py imports the test module).
export PYTHONDONTWRITEBYTECODE=1

# CBR_SPEC: another copy of the spec to try (e.g. a proposed fix), absolute or relative to the
# workspace root; default spec/cbr.yaml.
SPEC="${CBR_SPEC:-spec/cbr.yaml}"
VENV=target/python-venv
PY="$VENV/bin/python"
WORK=target/other-languages
SPEC_JSON="$WORK/cbr.json"
PY_CLIENT=target/python-client
TS=target/typescript
NODE_BIN=target/node/node_modules/.bin
# The generated types are written as cbr.ts, not cbr.d.ts, so that --skipLibCheck skips only
# TypeScript's own lib.*.d.ts (about a second) while the generated file is still fully checked.
TSC_FLAGS=(--noEmit --strict --skipLibCheck --target es2022 --module esnext --moduleResolution bundler)

say() { printf '    %s\n' "$*"; }

# --------------------------------------------------------------------------- steps

step_python_tools() {
    # The project-local virtualenv shared with `cargo xtask test`; pip runs only when
    # requirements.txt (or the interpreter) changed since the last install.
    if [[ ! -x "$PY" ]]; then
        say "creating $VENV with $(command -v python3) ($(python3 --version))"
        python3 -m venv "$VENV"
    fi
    local stamp="$VENV/.other-languages.stamp" want
    want="$({ "$PY" --version; cat tests/python/requirements.txt; } | sha256sum)"
    if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        say "requirements already installed in $VENV"
    else
        say "pip install -r tests/python/requirements.txt into $VENV"
        "$PY" -m pip install --quiet --disable-pip-version-check -r tests/python/requirements.txt
        printf '%s' "$want" >"$stamp"
    fi
    say "$("$PY" -c 'import importlib.metadata as m, sys
print(f"python {sys.version.split()[0]}, " + ", ".join(f"{p} {m.version(p)}" for p in ("openapi-python-client", "attrs", "httpx", "python-dateutil")))')"
}

step_spec_json() {
    say "$SPEC -> $SPEC_JSON (refusing duplicate keys and YAML 1.1/1.2-ambiguous scalars)"
    "$PY" tests/python/spec_to_json.py "$SPEC" "$SPEC_JSON"
}

step_python_generate() {
    say "openapi-python-client generate: $SPEC -> $PY_CLIENT/cbr_client"
    # ruff (a dependency of the generator) formats the output in its post hooks.
    mkdir -p "$PY_CLIENT"
    PATH="$ROOT/$VENV/bin:$PATH" "$VENV/bin/openapi-python-client" generate \
        --path "$SPEC" \
        --config tests/python/openapi-python-client.yaml \
        --meta none \
        --output-path "$PY_CLIENT/cbr_client" \
        --overwrite \
        --fail-on-warning
}

step_python_roundtrip() {
    say "from_dict/to_dict round trip of every example (test_response_examples.py)"
    "$PY" tests/python/test_response_examples.py --spec "$SPEC_JSON" --client "$PY_CLIENT"
}

step_ts_install() {
    # The project's pinned Node.js tools (tests/node), shared with `cargo xtask test`.
    bash tests/node/install.sh | sed 's/^/    /'
    mkdir -p "$TS"
}

step_ts_generate() {
    # --default-non-nullable=false: a member with a `default` stays optional, as the spec
    # means (the server applies the default when the member is absent). With the generator's
    # default (true) such members become required and documented examples that omit them fail.
    say "openapi-typescript: $SPEC -> $TS/cbr.ts"
    "$NODE_BIN/openapi-typescript" "$SPEC" \
        --output "$TS/cbr.ts" \
        --default-non-nullable=false
    say "every example as a typed constant -> $TS/examples.ts"
    "$PY" tests/python/examples_to_ts.py "$SPEC_JSON" "$TS/examples.ts" ./cbr
}

step_tsc() {
    say "tsc ${TSC_FLAGS[*]} $TS/cbr.ts $TS/examples.ts tests/typescript/usage.ts"
    "$NODE_BIN/tsc" "${TSC_FLAGS[@]}" \
        "$TS/cbr.ts" "$TS/examples.ts" tests/typescript/usage.ts
    say "tsc: no errors"
}

if [[ "${1:-}" == "--step" ]]; then
    "step_${2//-/_}"
    exit 0
fi

# --------------------------------------------------------------------------- driver

# name|steps it needs
STEPS=(
    "python-tools|"
    "spec-json|python-tools"
    "python-generate|python-tools"
    "python-roundtrip|spec-json python-generate"
    "ts-install|"
    "ts-generate|ts-install spec-json"
    "tsc|ts-generate"
)

declare -A STATUS=()
SUMMARY=()
started=$SECONDS
for entry in "${STEPS[@]}"; do
    name="${entry%%|*}"
    needs="${entry#*|}"
    blocked=""
    for need in $needs; do
        [[ "${STATUS[$need]:-}" == ok ]] || blocked+="$need "
    done
    if [[ -n "$blocked" ]]; then
        STATUS[$name]=skipped
        echo "==> $name: skipped (needs ${blocked% })"
        SUMMARY+=("$(printf '  %-18s %8s  skipped' "$name" '-')")
        continue
    fi
    echo "==> $name"
    t0=$(date +%s.%N)
    # Each step runs in its own bash so that `set -e` holds inside it.
    if bash "${BASH_SOURCE[0]}" --step "$name"; then
        STATUS[$name]=ok
    else
        STATUS[$name]=FAILED
    fi
    secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    echo "<== $name: ${secs} s ${STATUS[$name]}"
    SUMMARY+=("$(printf '  %-18s %6s s  %s' "$name" "$secs" "${STATUS[$name]}")")
done

echo
echo "other languages, step times:"
printf '%s\n' "${SUMMARY[@]}"
printf '  %-18s %6s s\n' total "$((SECONDS - started))"

not_ok=()
for entry in "${STEPS[@]}"; do
    name="${entry%%|*}"
    [[ "${STATUS[$name]}" == ok ]] || not_ok+=("$name ${STATUS[$name]}")
done
if ((${#not_ok[@]})); then
    echo "other languages: FAILED: $(IFS=,; echo "${not_ok[*]}" | sed 's/,/, /g')"
    exit 1
fi
echo "other languages: all steps passed"
