#!/usr/bin/env python3
"""Functions in src/ longer than a limit (default 80 lines, `fn` line to closing brace),
longest first, with the count: the issue-19 measure of functions that hide stages.

    .ci/long_fns.py [LIMIT]
"""

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cycles import ROOT, SRC, strip_comments  # noqa: E402

# Lines (signature to closing brace) above which a function is listed.
DEFAULT_LIMIT = 80


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


def main():
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_LIMIT
    long = []
    total = 0
    for path in sorted(SRC.rglob("*.rs")):
        for name, line, n in functions(path):
            total += 1
            if n > limit:
                long.append((n, f"{path.relative_to(ROOT)}:{line}", name))
    long.sort(reverse=True)
    for n, where, name in long:
        print(f"{n:5}  {name}  ({where})")
    print(f"{len(long)} of {total} functions over {limit} lines")


if __name__ == "__main__":
    main()
