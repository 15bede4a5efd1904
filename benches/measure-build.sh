#!/usr/bin/env bash
# Measures what the client crate `huaweicloud-cbr` costs to build, and its size:
#
#   1. cold release build: the crate and every dependency, in a fresh CARGO_TARGET_DIR
#      (sources are fetched first, so downloads are not counted);
#   2. the release rebuild of the crate alone once its dependencies are built: touch the
#      generated models and build again (three times; the median is reported);
#   3. the same for `cargo check`, incremental compilation off (what an editor pays after a
#      regeneration that changed the models; with incremental on, a mere touch is nearly free);
#   4. line counts of the generated and the hand-written sources.
#
# The baseline, measured in the same run, is the cold build itself: the rebuild is also given as
# a share of it.
#
# Usage: benches/measure-build.sh [TARGET_DIR]   (default: target/build-time, wiped first)
# Prints Markdown for BENCHMARKS.md. Figures are only worth keeping from an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${1:-target/build-time}"
rm -rf "$dir"
mkdir -p "$dir"
export CARGO_TARGET_DIR="$dir"
cargo fetch --quiet

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }
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
