#!/usr/bin/env bash
# Short fuzzing session over every target, seeded with the corpus and the fixtures.
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`); nightly-only compiler flags are enabled
# on the stable toolchain with RUSTC_BOOTSTRAP=1. Crashes land in fuzz/artifacts/<target>/;
# keep each one as a regression test (tests/fuzz_regressions.rs) once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ingest docx xlsx pdf doc rules)
export RUSTC_BOOTSTRAP=1
seed() {
    local t=$1 dir=fuzz/corpus/$1
    mkdir -p "$dir"
    [ -n "$(ls -A "$dir" 2>/dev/null)" ] && return
    case $t in
        docx) pat='*.docx' ;; xlsx) pat='*.xlsx' ;; pdf) pat='*.pdf' ;; doc) pat='*.doc' ;;
        rules) cp rules/*.toml "$dir"/; return ;;
        *) pat='*' ;;
    esac
    find ../shared/corpus/archive fixtures/archive -type f -name "$pat" -size -400k 2>/dev/null \
        | head -40 | while read -r f; do cp "$f" "$dir/$(sha1sum "$f" | cut -c1-16)"; done
}
for t in "${targets[@]}"; do
    seed "$t"
    echo "== fuzzing $t for ${secs}s"
    cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=4096 -timeout=20
done
