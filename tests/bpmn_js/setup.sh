#!/usr/bin/env bash
# Installs bpmn-js from the npm registry (exact versions pinned by package-lock.json) into
# a cache folder outside src/, for tests/bpmn_import.rs. Re-installs only when the lock
# file changed. The folder is $SOPAP_BPMN_JS_DIR, by default target/bpmn-js of the
# checkout; it ends up holding node_modules/bpmn-js/dist/bpmn-viewer.production.min.js.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dest="${SOPAP_BPMN_JS_DIR:-$root/target/bpmn-js}"
mkdir -p "$dest"
stamp="$dest/.lock.sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
    && [ -f "$dest/node_modules/bpmn-js/dist/bpmn-viewer.production.min.js" ]; then
    exit 0
fi
cp "$here/package.json" "$here/package-lock.json" "$dest/"
(cd "$dest" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
echo "$want" >"$stamp"
