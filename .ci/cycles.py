#!/usr/bin/env python3
"""Module cycles between the top-level modules of src/ (issue 19).

Reads every .rs file under src/ (main.rs aside: the binary sits above the library),
takes the `crate::` paths it names (use lines, `use crate::{a, b::c}` groups and inline
paths; `super::` from a top-level module's own file), builds the graph "module A names
module B" and lists every elementary cycle with one file:line per edge.

Exit status 1 when a cycle is not in the allow-list (.ci/cycles.allow), and also when an
allow-list line names a cycle that no longer exists: the list only shrinks, so delete the
line of a cycle you removed. Exit 0 otherwise.

    .ci/cycles.py            check against the allow-list
    .ci/cycles.py --list     print the graph's edges and the cycles, exit 0
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
ALLOW = Path(__file__).resolve().parent / "cycles.allow"
# Files that are not part of the library's module graph.
SKIP = {"main.rs", "lib.rs"}

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_comments(text):
    """Source text with comments and string literals blanked (lines kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == '"' and not re.match(r"[A-Za-z0-9_']", text[i - 1] if i else " "):
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j + 1
        elif c == "r" and re.match(r'r#*"', text[i : i + 10]) and not re.match(
            r"[A-Za-z0-9_]", text[i - 1] if i else " "
        ):
            hashes = re.match(r"r(#*)\"", text[i:]).group(1)
            end = '"' + hashes
            j = text.find(end, i + 2 + len(hashes))
            j = n if j < 0 else j + len(end)
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i : i + 4]):
            m = re.match(r"'(\\.|[^\\'])'", text[i : i + 4])
            out.append("' '")
            i += len(m.group(0))
        else:
            out.append(c)
            i += 1
    return "".join(out)


def group_heads(text, start):
    """First path segments of the items in the `{...}` group opening at `start`."""
    depth, item, heads, i = 0, "", [], start
    while i < len(text):
        c = text[i]
        if c == "{":
            depth += 1
            if depth > 1:
                item += c
        elif c == "}":
            depth -= 1
            if depth == 0:
                heads.append(item)
                break
            item += c
        elif c == "," and depth == 1:
            heads.append(item)
            item = ""
        else:
            item += c
        i += 1
    names = []
    for h in heads:
        m = re.match(r"\s*(" + IDENT + ")", h)
        if m:
            names.append(m.group(1))
    return names


def module_of(path):
    """Top-level module a file under src/ belongs to, and whether it is that module's
    own file (src/x.rs or src/x/mod.rs, where `super::` is the crate root)."""
    rel = path.relative_to(SRC)
    if len(rel.parts) == 1:
        return rel.stem, True
    return rel.parts[0], rel.parts[1:] == ("mod.rs",)


def edges():
    """(from, to) -> first (file, line) naming it."""
    mods = {p.stem for p in SRC.glob("*.rs") if p.name not in SKIP}
    mods |= {p.name for p in SRC.iterdir() if p.is_dir()}
    found = {}
    for path in sorted(SRC.rglob("*.rs")):
        if path.parent == SRC and path.name in SKIP:
            continue
        mod, own = module_of(path)
        text = strip_comments(path.read_text(encoding="utf-8"))
        prefixes = [r"\bcrate::"] + ([r"(?<![:\w])super::"] if own else [])
        for pre in prefixes:
            for m in re.finditer(pre + r"\s*(\{|" + IDENT + ")", text):
                tok = m.group(1)
                targets = group_heads(text, m.start(1)) if tok == "{" else [tok]
                line = text.count("\n", 0, m.start()) + 1
                for t in targets:
                    if t in mods and t != mod:
                        found.setdefault((mod, t), f"{path.relative_to(ROOT)}:{line}")
    return found


def cycles(graph):
    """Every elementary cycle, each rotated to start at its smallest module."""
    nodes = sorted(set(graph) | {b for bs in graph.values() for b in bs})
    out = set()

    def dfs(start, node, path, on_path):
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                out.add(tuple(path))
            elif nxt > start and nxt not in on_path:
                on_path.add(nxt)
                path.append(nxt)
                dfs(start, nxt, path, on_path)
                path.pop()
                on_path.discard(nxt)

    for s in nodes:
        dfs(s, s, [s], {s})
    return sorted(out, key=lambda c: (len(c), c))


def show(cycle):
    return " -> ".join(cycle + (cycle[0],))


def main():
    found = edges()
    graph = {}
    for a, b in found:
        graph.setdefault(a, set()).add(b)
    cyc = cycles(graph)
    if "--list" in sys.argv:
        for (a, b), where in sorted(found.items()):
            print(f"{a} -> {b}    ({where})")
        print()
    allowed = []
    if ALLOW.exists():
        for line in ALLOW.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                allowed.append(line)
    current = {show(c): c for c in cyc}
    new = [s for s in current if s not in allowed]
    gone = [s for s in allowed if s not in current]
    print(f"module cycles: {len(current)} ({len(current) - len(new)} allowed, {len(new)} new)")
    for s, c in current.items():
        tag = "NEW    " if s in new else "allowed"
        print(f"  {tag} {s}")
        for a, b in zip(c, c[1:] + (c[0],)):
            print(f"            {a} -> {b}: {found[(a, b)]}")
    tangled = sorted({m for c in cyc for m in c})
    if tangled:
        print(f"  modules on a cycle: {', '.join(tangled)}")
    for s in gone:
        print(f"  fixed   {s}: delete this line from {ALLOW.relative_to(ROOT)}")
    if "--list" in sys.argv:
        return 0
    if new:
        print("a new module cycle: move the shared code below both modules")
    return 1 if new or gone else 0


if __name__ == "__main__":
    sys.exit(main())
