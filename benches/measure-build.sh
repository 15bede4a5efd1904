#!/usr/bin/env bash
# Measures what the client crate `huaweicloud-cbr` costs to build, and its size:
#
#   1. cold release build: the crate and every dependency, in a fresh CARGO_TARGET_DIR
#      (sources are fetched first, so downloads are not counted);
#   2. the release rebuild of the crate alone once its dependencies are built: touch the
#      generated models and build again (three times; the median is reported);
#   3. the same for `cargo check`, incremental compilation off (what an editor pays after a
#      regeneration that changed the models; with incremental on, a mere touch is nearly free);
#   4. line counts of the generated and the hand-written sources;
#   5. side by side with the crate progenitor writes for the same operations (`compare`, below).
#
# The baseline, measured in the same run, is the cold build itself: the rebuild is also given as
# a share of it.
#
# Usage: benches/measure-build.sh [TARGET_DIR]   (default: target/build-time, wiped first)
#        benches/measure-build.sh compare [ROUNDS] (only step 5; default 3 rounds)
# Prints Markdown for BENCHMARKS.md. Figures are only worth keeping from an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."

# Step 5: `huaweicloud-cbr` against the crate that cargo-progenitor (pinned below, installed
# into target/tools) generates from the same spec. Progenitor panics on an operation whose
# `default` response has another type than its success response, so its copy of the spec has the
# `default` responses removed (every other part is the same 30 operations and schemas); it uses
# progenitor's builder interface, the closest to this crate's request builders. Each
# crate is built once in each profile (dependencies, not counted); then, for each of `cargo
# check`, `cargo build` and `cargo build --release`, the crate root of each is touched and the
# crate rebuilt alone with CARGO_INCREMENTAL=0, alternating A B A B … ROUNDS times, and the
# median of the per-round ratios A / B is printed. Paired rounds, because other builds share the
# machine: a ratio within one round sees the same load on both sides.
progenitor_version=0.15.1
compare() {
    local rounds="${1:-3}"
    local tools=target/tools work=target/progenitor-compare
    if ! grep -q "^\"cargo-progenitor $progenitor_version " "$tools/.crates.toml" 2>/dev/null; then
        cargo install --quiet --locked cargo-progenitor --version "$progenitor_version" --root "$tools"
    fi
    mkdir -p "$work"
    # Progenitor's copy of the spec: every `default` response removed.
    jq '.paths |= map_values(map_values(if type == "object" then del(.responses.default) else . end))' \
        spec/cbr.json > "$work/cbr-no-default.json"
    rm -rf "$work/cbr-progenitor"
    "$tools/bin/cargo-progenitor" progenitor -i "$work/cbr-no-default.json" -o "$work/cbr-progenitor" \
        -n cbr-progenitor -v 0.1.0 --interface builder > /dev/null
    # Its own workspace and target directory, so the project's lock file and profiles stay out.
    printf '\n[workspace]\n' >> "$work/cbr-progenitor/Cargo.toml"
    local ours=(-p huaweicloud-cbr) theirs=(--manifest-path "$work/cbr-progenitor/Cargo.toml")
    export CARGO_INCREMENTAL=0
    local kind
    for kind in check build release; do
        local args=("$kind")
        [ "$kind" = release ] && args=(build --release)
        cargo "${args[@]}" --quiet "${ours[@]}"
        CARGO_TARGET_DIR="$work/target" cargo "${args[@]}" --quiet "${theirs[@]}"
        local a=() b=() ratios=()
        for _ in $(seq "$rounds"); do
            touch generated/src/lib.rs
            local start=$(now)
            cargo "${args[@]}" --quiet "${ours[@]}"
            a+=("$(elapsed "$start" "$(now)")")
            touch "$work/cbr-progenitor/src/lib.rs"
            start=$(now)
            CARGO_TARGET_DIR="$work/target" cargo "${args[@]}" --quiet "${theirs[@]}"
            b+=("$(elapsed "$start" "$(now)")")
            ratios+=("$(echo "${a[-1]} / ${b[-1]}" | bc -l)")
        done
        printf '| `cargo %s` | %s s | %s s | %s | **%.2f** |\n' "${args[*]}" \
            "$(printf '%.1f, ' "${a[@]}" | sed 's/, $//')" "$(printf '%.1f, ' "${b[@]}" | sed 's/, $//')" \
            "$(printf '%.2f, ' "${ratios[@]}" | sed 's/, $//')" "$(median "${ratios[@]}")"
    done
    echo
    echo "lines: huaweicloud-cbr $(cat generated/src/*.rs generated/src/*/*.rs | wc -l) (generated/src), progenitor $(wc -l < "$work/cbr-progenitor/src/lib.rs") (src/lib.rs); load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }

if [ "${1:-}" = compare ]; then
    echo "| build (crate alone, after touching its root) | huaweicloud-cbr | progenitor output | ratio per round | median ratio |"
    echo "|---|---|---|---|---|"
    compare "${2:-3}"
    exit 0
fi

dir="${1:-target/build-time}"
rm -rf "$dir"
mkdir -p "$dir"
export CARGO_TARGET_DIR="$dir"
cargo fetch --quiet

median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
build() { cargo "$@" -p huaweicloud-cbr --quiet; }

start=$(now)
build build --release
cold=$(elapsed "$start" "$(now)")

rebuilds=()
for _ in 1 2 3; do
    touch generated/src/models.rs
    start=$(now)
    build build --release
    rebuilds+=("$(elapsed "$start" "$(now)")")
done
rebuild=$(median3 "${rebuilds[@]}")

export CARGO_INCREMENTAL=0
build check
checks=()
for _ in 1 2 3; do
    touch generated/src/models.rs
    start=$(now)
    build check
    checks+=("$(elapsed "$start" "$(now)")")
done
check=$(median3 "${checks[@]}")

lines() { wc -l < "$1" | tr -d ' '; }
# Lines of the generated serde impls: from `impl … serde::Serialize/Deserialize for` to the
# closing brace at column 0.
serde_lines=$(awk '/^impl.*serde::(Serialize|Deserialize)(<.*>)? for/ {inside=1} inside {n++} inside && /^}/ {inside=0} END {print n+0}' generated/src/models.rs)
generated=0
hand=0
for f in generated/src/*.rs; do
    if head -n 1 "$f" | grep -q '@generated'; then
        generated=$((generated + $(lines "$f")))
    else
        hand=$((hand + $(lines "$f")))
    fi
done

cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)
echo "machine: $(nproc) cores, ${cpu:-unknown CPU}, $(rustc --version)"
echo
echo "| figure | value |"
echo "|---|---|"
printf '| cold release build of `huaweicloud-cbr` and its dependencies | %.1f s |\n' "$cold"
printf '| release rebuild of `huaweicloud-cbr` alone (median of %s s) | %.1f s (%.0f %% of the cold build) |\n' \
    "$(printf '%.1f, ' "${rebuilds[@]}" | sed 's/, $//')" "$rebuild" "$(echo "100 * $rebuild / $cold" | bc -l)"
printf '| `cargo check` of `huaweicloud-cbr` alone, not incremental (median of %s s) | %.1f s |\n' \
    "$(printf '%.1f, ' "${checks[@]}" | sed 's/, $//')" "$check"
echo "| generated lines (files marked \`@generated\` in \`generated/src\`) | $generated |"
echo "| of which \`models.rs\` | $(lines generated/src/models.rs) (serde impls: $serde_lines) |"
echo "| hand-written lines (the other \`generated/src/*.rs\`) | $hand |"

echo
echo "| build (crate alone, after touching its root) | huaweicloud-cbr | progenitor output | ratio per round | median ratio |"
echo "|---|---|---|---|---|"
compare 3
