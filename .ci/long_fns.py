#!/usr/bin/env python3
"""Functions in src/ longer than a limit (default 80 lines, `fn` line to closing brace),
longest first, with the count: the issue-19 measure of functions that hide stages.

    .ci/long_fns.py [LIMIT]     list them
    .ci/long_fns.py --check     fail (exit 1) on a function over the default limit that
                                .ci/long_fns.allow does not list: the count never grows

The allow-list names the functions that were long when the check came in, one
`path name` a line. A listed function that is no longer long is reported so that its
line can be deleted (the list only shrinks).
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cycles import ROOT, SRC, strip_comments  # noqa: E402

# Lines (signature to closing brace) above which a function is listed.
DEFAULT_LIMIT = 80
# Long functions tolerated by --check, one `path name` a line.
ALLOW = Path(__file__).resolve().parent / "long_fns.allow"


def functions(path):
    """(name, first line, length in lines) of every fn with a body in `path`."""
    text = strip_comments(path.read_text(encoding="utf-8"))
    for m in re.finditer(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)", text):
        i = m.end()
        depth = 0
        # The body opens at the first `{` outside parentheses/brackets; a `;` first means
        # a declaration without a body (trait item).
        while i < len(text):
            c = text[i]
            if c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            elif c == ";" and depth == 0:
                break
            elif c == "{" and depth == 0:
                break
            i += 1
        if i >= len(text) or text[i] != "{":
            continue
        level, j = 0, i
        while j < len(text):
            if text[j] == "{":
                level += 1
            elif text[j] == "}":
                level -= 1
                if level == 0:
                    break
            j += 1
        first = text.count("\n", 0, m.start()) + 1
        last = text.count("\n", 0, j) + 1
        yield m.group(1), first, last - first + 1


def long_functions(limit):
    """(length, path, line, name) of every function over `limit` lines, and the count of
    all functions."""
    long = []
    total = 0
    for path in sorted(SRC.rglob("*.rs")):
        for name, line, n in functions(path):
            total += 1
            if n > limit:
                long.append((n, str(path.relative_to(ROOT)), line, name))
    long.sort(reverse=True)
    return long, total


def check():
    """Exit status 1 when a function over the limit is not in the allow-list."""
    long, total = long_functions(DEFAULT_LIMIT)
    allowed = set()
    for line in ALLOW.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            allowed.add(line)
    current = {f"{path} {name}" for _, path, _, name in long}
    new = [(n, path, line, name) for n, path, line, name in long if f"{path} {name}" not in allowed]
    gone = sorted(allowed - current)
    print(
        f"long functions: {len(long)} of {total} over {DEFAULT_LIMIT} lines "
        f"({len(long) - len(new)} allowed, {len(new)} new)"
    )
    for n, path, line, name in new:
        print(f"NEW     {n:5}  {name}  ({path}:{line}): split it into named stages")
    for entry in gone:
        print(f"shorter {entry}: no longer over {DEFAULT_LIMIT} lines, delete its line in {ALLOW.name}")
    return 1 if new else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--check":
        sys.exit(check())
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_LIMIT
    long, total = long_functions(limit)
    for n, path, line, name in long:
        print(f"{n:5}  {name}  ({path}:{line})")
    print(f"{len(long)} of {total} functions over {limit} lines")


if __name__ == "__main__":
    main()
