#!/usr/bin/env bash
# Fuzzing sessions over the targets in fuzz/fuzz_targets/, seeded with the corpus, the
# fixtures and the kept regression inputs.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]        local session (default 60 s),
#                                                       corpus kept in fuzz/corpus/<target>
#   fuzz/run.sh --ci [SECONDS_PER_TARGET] [TARGET...]   CI form (default 30 s): fixed seed,
#                                                       throwaway corpus, every target run
#                                                       even after a failure, exit 1 on any
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); nightly-only compiler flags are
# enabled on the stable toolchain with RUSTC_BOOTSTRAP=1. The targets are built once, then
# the binaries run directly. A crash, a timeout past -timeout or an out-of-memory leaves
# its input in fuzz/artifacts/<target>/: minimise it (`<binary> -minimize_crash=1 -runs=10000
# FILE`), fix the reader, and keep it under fuzz/regressions/<target>/ with its outcome
# asserted in tests/fuzz_regressions.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
ci=0
if [ "${1:-}" = "--ci" ]; then
    ci=1
    shift
fi
secs=${1:-$([ $ci = 1 ] && echo 30 || echo 60)}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(ingest docx xlsx pdf doc package rules)
export RUSTC_BOOTSTRAP=1
bin=fuzz/target/x86_64-unknown-linux-gnu/release

# Seeds target $1's corpus directory $2 (when empty) from the corpus, the fixtures and
# the real PDFs, smaller than 400 KiB.
seed() {
    local t=$1 dir=$2 pat
    mkdir -p "$dir"
    [ -n "$(ls -A "$dir" 2>/dev/null)" ] && return 0
    local roots=(../shared/corpus/archive ../shared/real fixtures)
    case $t in
        docx | xlsx | pdf | doc) pat="*.$t" ;;
        package)
            python3 fuzz/seed_package.py "$dir" "${roots[@]}" >/dev/null
            return 0
            ;;
        rules)
            local i=0 n
            for n in actors labels headers marks time decisions findings; do
                { printf "\\x$(printf %02x $i)"; cat "rules/$n.toml"; } >"$dir/seed-$n"
                i=$((i + 1))
            done
            return 0
            ;;
        *) pat='*' ;;
    esac
    find "${roots[@]}" -type f -name "$pat" -size -400k \
        ! -name '*.md' ! -name '*.json' ! -name '*.py' ! -name '*.csv' 2>/dev/null |
        while read -r f; do cp "$f" "$dir/$(sha1sum "$f" | cut -c1-16)"; done
}

# One build of every target (they share the library); the binaries then run directly.
cargo fuzz build

failed=()
for t in "${targets[@]}"; do
    if [ $ci = 1 ]; then
        corpus=fuzz/target/ci-corpus/$t
        rm -rf "$corpus"
        flags=(-seed=1 -max_total_time="$secs")
    else
        corpus=fuzz/corpus/$t
        flags=(-max_total_time="$secs")
    fi
    seed "$t" "$corpus"
    extra=()
    [ -d "fuzz/regressions/$t" ] && extra=("fuzz/regressions/$t")
    mkdir -p "fuzz/artifacts/$t"
    echo "== fuzzing $t for ${secs}s ($(ls "$corpus" | wc -l) seeds)"
    if ! "$bin/$t" "$corpus" "${extra[@]}" "${flags[@]}" -rss_limit_mb=4096 -timeout=20 \
        -artifact_prefix="fuzz/artifacts/$t/" -print_final_stats=1 >"fuzz/artifacts/$t.log" 2>&1; then
        failed+=("$t")
        echo "!! $t failed; log fuzz/artifacts/$t.log, input:"
        grep -E 'Test unit written to|^==[0-9]+== ?ERROR|panicked at' "fuzz/artifacts/$t.log" | head -5 || true
    fi
    { grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
        "fuzz/artifacts/$t.log" || true; } | tr '\n' ' '
    echo
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzzing found failures in: ${failed[*]}"
    exit 1
fi
echo "fuzzing: no failure in ${targets[*]}"
