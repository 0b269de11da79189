#!/usr/bin/env bash
# The README's test command on a fresh clone, where ../shared is absent: every test that
# needs it must skip with one line and the suite must pass (CI unset, as on a newcomer's
# machine). The clone shares the checkout's target folder, so only sopap itself is
# compiled again. Prints the skip lines it saw.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d)
# The clone's build lands in the shared target folder under the same names (cargo's
# artifact names do not depend on where the package lies) and is newer than the
# checkout's sources: without a fresh stamp on the checkout's crate root, the next
# `cargo test` here would reuse the clone's binaries, which look for the removed clone.
trap 'rm -rf "$work"; touch -c "$repo/src/lib.rs"' EXIT
clone="$work/sopap"
mkdir -p "$clone"
if git -C "$repo" rev-parse --git-dir >/dev/null 2>&1; then
    # The committed tree, as `git clone` gives it (uncommitted edits left out).
    git -C "$repo" archive HEAD | tar -x -C "$clone"
else
    tar -C "$repo" --exclude=./target --exclude=./fuzz/target -cf - . | tar -x -C "$clone"
fi
test ! -e "$work/shared" # ../shared really is absent for the clone
# `git archive` stamps every file with the commit's time, older than the checkout's build,
# and cargo's fingerprints are relative to the package root: without a fresh stamp cargo
# would reuse the checkout's test binaries, which still look for the checkout's ../shared.
find "$clone" -type f -exec touch {} +
log="$work/test.log"
if ! (cd "$clone" && env -u CI CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}" \
    cargo test --release >"$log" 2>&1); then
    tail -n 60 "$log"
    echo "fresh clone: cargo test --release failed without ../shared" >&2
    exit 1
fi
grep -E '^test result' "$log"
# The clone has no ../shared, so the tests that need it must have said so; none saying
# it means the binaries that ran were not the clone's.
if ! grep -qE '^skipping: ' "$log"; then
    echo "fresh clone: no test said it skipped ../shared: the binaries were not the clone's" >&2
    exit 1
fi
echo "fresh clone: skip lines:"
grep -E '^skipping: ' "$log" | sort | uniq -c
