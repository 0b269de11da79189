#!/usr/bin/env python3
"""Seeds the `package` fuzz target: every .docx/.xlsx/.ods given (files or folders)
becomes one input listing its XML parts as `@@ NAME` + bytes (media left out, the
ODF mimetype first), written to OUT_DIR under a hash of its content.

    fuzz/seed_package.py OUT_DIR PATH...
"""
import hashlib
import os
import sys
import zipfile

KEEP = (".xml", ".rels")
MAX_INPUT = 1_000_000


def convert(path):
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return None
    names = [n for n in z.namelist() if n == "mimetype" or n.endswith(KEEP)]
    names.sort(key=lambda n: n != "mimetype")
    out = bytearray()
    for n in names:
        try:
            body = z.read(n)
        except Exception:  # a damaged part: skip it, keep the rest
            continue
        out += b"@@ " + n.encode() + b"\n" + body + b"\n"
    return bytes(out) if out and len(out) <= MAX_INPUT else None


def main():
    out_dir, paths = sys.argv[1], sys.argv[2:]
    os.makedirs(out_dir, exist_ok=True)
    files = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, n) for n in names]
        else:
            files.append(p)
    n = 0
    for f in sorted(files):
        if not f.lower().endswith((".docx", ".xlsx", ".ods")):
            continue
        data = convert(f)
        if data:
            name = hashlib.sha1(data).hexdigest()[:16]
            with open(os.path.join(out_dir, name), "wb") as fh:
                fh.write(data)
            n += 1
    print(f"{n} package seeds in {out_dir}")


if __name__ == "__main__":
    main()
