#!/usr/bin/env python3
"""Held-out hostile check: files the project has never seen, and mutations of them.

Gathers office and PDF files found on this machine outside the project (LibreOffice
templates, /usr/share/doc manuals, Python packages' test data; never /work, never the
shared corpus or real folders, wherever they are mounted), adds files generated from them
with a seed fuzz/ does not use (truncations, byte flips, reordered zip entries, deflate
bombs, deep XML nesting, OLE streams claiming 2^31 and 2^40 bytes (a version 4 file, its first
sector chained to itself), object streams packing millions of objects, an encrypted .xls), then runs `sopap run` on the set while polling /proc for
every process's peak resident memory, and checks:

  - the run ends (status 0 or 1, never a signal or an abort);
  - no process (the run or a worker) goes over 1 GiB resident;
  - every file is accounted for: a line in sops.jsonl or in errors.jsonl;
  - every generated file with an expected kind ends with that kind.

    python3 tests/heldout/hostile.py [--sopap target/release/sopap] [--work /tmp/hostile]
                                     [--seed 20261206] [--limit N]

Prints the figures; exits 1 when a check fails.
"""
import argparse
import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

EXTENSIONS = (".pdf", ".xls", ".xlsx", ".xlsm", ".doc", ".docx", ".odt", ".ods", ".odp",
              ".odg", ".ott", ".ots", ".otp", ".otg")
# Folders never searched: the project, its shared data wherever mounted, pseudo file systems.
SKIP_PARTS = ("/work", "/proc", "/sys", "/dev", "/tmp", "/farm", "/run")
MAX_SOURCE_BYTES = 32 << 20
MEMORY_CAP = 1 << 30
POLL_SECONDS = 0.05


def found_files(limit):
    """Office/PDF files on this file system outside the project, sorted."""
    out = []
    for top, dirs, files in os.walk("/", topdown=True):
        dirs[:] = sorted(d for d in dirs
                         if not any(os.path.join(top, d).startswith(p) for p in SKIP_PARTS)
                         and not os.path.islink(os.path.join(top, d)))
        for f in sorted(files):
            p = os.path.join(top, f)
            if "shared/corpus" in p or "shared/real" in p:
                continue
            if f.lower().endswith(EXTENSIONS) and os.path.isfile(p) and not os.path.islink(p):
                try:
                    if 0 < os.path.getsize(p) <= MAX_SOURCE_BYTES:
                        out.append(p)
                except OSError:
                    pass
    return out[:limit] if limit else out


# ---- generated hostile files -------------------------------------------------------

def ole(streams, claim=None, version=3, self_loop=False):
    """A minimal OLE2 compound file holding `streams` (name → bytes, each ≥ 4096 bytes so
    it lives in regular sectors): version 3 has 512-byte sectors and 32-bit stream sizes,
    version 4 4096-byte sectors and 64-bit sizes. `claim` overrides the first stream's
    declared size; `self_loop` chains the first stream's first sector to itself."""
    sec = 512 if version == 3 else 4096
    body = []
    chains = []
    next_sector = 0
    for _, data in streams:
        data = data + b"\0" * (-len(data) % sec)
        n = len(data) // sec
        chains.append((next_sector, n))
        body.append(data)
        next_sector += n
    dir_sector = next_sector
    fat_sector = dir_sector + 1
    fat = []
    for start, n in chains:
        fat += [start + i + 1 for i in range(n - 1)] + [0xFFFFFFFE]
    if self_loop:
        fat[chains[0][0]] = chains[0][0]
    fat += [0xFFFFFFFE, 0xFFFFFFFD]  # directory chain, FAT sector itself
    fat += [0xFFFFFFFF] * (sec // 4 - len(fat))

    def entry(name, typ, start, size, child=0xFFFFFFFF):
        n = (name + "\0").encode("utf-16-le")
        e = n + b"\0" * (64 - len(n))
        e += struct.pack("<HBB", len(n), typ, 1)
        e += struct.pack("<III", 0xFFFFFFFF, 0xFFFFFFFF, child)
        e += b"\0" * 16 + b"\0" * 4 + b"\0" * 16
        e += struct.pack("<IQ", start, size)
        return e

    dirs = entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1)
    for i, ((name, data), (start, _)) in enumerate(zip(streams, chains)):
        size = claim if (claim is not None and i == 0) else len(data)
        e = entry(name, 2, start, size)
        if i + 1 < len(streams):  # right sibling
            e = e[:72] + struct.pack("<I", i + 2) + e[76:]
        dirs += e
    dirs += b"\0" * (-len(dirs) % sec)
    header = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, version, 0xFFFE, 9 if version == 3 else 12, 6)
    header += b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0 if version == 3 else 1, 1, dir_sector, 0, 4096,
                          0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header += struct.pack("<I", fat_sector) + struct.pack("<I", 0xFFFFFFFF) * 108
    header += b"\0" * (sec - len(header))
    fat_bytes = b"".join(struct.pack("<I", x) for x in fat)
    return header + b"".join(body) + dirs[:sec] + fat_bytes


def biff(rt, data):
    return struct.pack("<HH", rt, len(data)) + data


def workbook(filepass=False):
    s = biff(0x0809, struct.pack("<HH", 0x0600, 0x0005) + b"\0" * 12)
    if filepass:
        s += biff(0x002F, b"\x01\x00\x02\x00\x02\x00" + b"\xA5" * 48)
    s += biff(0x000A, b"")
    return s + b"\0" * (8192 - len(s))


def zip_bytes(parts, method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in parts:
            z.writestr(name, data)
    return buf.getvalue()


def docx(body_xml):
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
          'package.relationships+xml"/><Override PartName="/word/document.xml" ContentType='
          '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats'
            '.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '</Relationships>')
    doc = ('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
           'wordprocessingml/2006/main"><w:body>' + body_xml + '</w:body></w:document>')
    return [("[Content_Types].xml", ct), ("_rels/.rels", rels), ("word/document.xml", doc)]


def pdf_objstm(n):
    """A one-page PDF with an object stream declaring `n` packed objects."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            b"<< /Type /ObjStm /N %d /First 8 /Length 8 >>\nstream\n1 0 2 4 \nendstream" % n]
    out = b"%PDF-1.5\n"
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def generated(rng):
    """(name, bytes, expected kind or None) of the files made from nothing."""
    deep = "<w:p>" * 100_000 + "</w:p>" * 100_000
    bomb = [("[Content_Types].xml", "<Types/>"), ("word/document.xml", b"\0" * (300 << 20))]
    return [
        ("gen/encrypted.xls", ole([("Workbook", workbook(True))]), "encrypted"),
        # A version 3 file's size field is 32 bits (the high half is ignored, as the
        # format says): 2^31 bytes is what such a file can claim.
        ("gen/claims-2p31.xls", ole([("Workbook", workbook())], claim=1 << 31), "corrupt"),
        # 2^40 in a version 3 file reads as its low 32 bits: an empty workbook.
        ("gen/claims-2p40.xls", ole([("Workbook", workbook())], claim=1 << 40), "no-sop-found"),
        # A version 4 file's size is 64 bits: its Workbook claims 2^40 bytes, and its first
        # sector is chained to itself. Refused from the directory alone, before any read.
        ("gen/claims-2p40-loop-v4.xls",
         ole([("Workbook", workbook())], claim=1 << 40, version=4, self_loop=True), "corrupt"),
        # The same loop with an honest size: the chain is cut short, never followed forever.
        ("gen/self-loop-v4.xls", ole([("Workbook", workbook())], version=4, self_loop=True),
         "corrupt"),
        ("gen/deep-nesting.docx", zip_bytes(docx(deep)), "corrupt"),
        ("gen/deflate-bomb.docx", zip_bytes(bomb), "too-large"),
        ("gen/objstm-millions.pdf", pdf_objstm(5_000_000), "too-large"),
        ("gen/noise.pdf", b"%PDF-1.4\n" + rng.randbytes(50_000), None),
        ("gen/noise.docx", b"PK\x03\x04" + rng.randbytes(50_000), None),
        ("gen/empty.xlsx", b"", "unsupported"),
    ]


def mutations(rng, sources):
    """(name, bytes, expected kind or None) of mutated copies of found files."""
    out = []
    for i, src in enumerate(sources):
        with open(src, "rb") as f:
            data = f.read()
        base = "%03d-%s" % (i, os.path.basename(src))
        stem, ext = os.path.splitext(base)
        cut = rng.randrange(1, max(2, len(data)))
        out.append(("mut/%s.trunc%s" % (stem, ext), data[:cut], None))
        flipped = bytearray(data)
        for _ in range(max(1, len(data) // 2000)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        out.append(("mut/%s.flip%s" % (stem, ext), bytes(flipped), None))
        if data.startswith(b"PK"):
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as z:
                    parts = [(n, z.read(n)) for n in z.namelist()]
            except Exception:  # a damaged source stays unmutated this way
                continue
            rng.shuffle(parts)
            out.append(("mut/%s.swapped%s" % (stem, ext), zip_bytes(parts), None))
    return out


# ---- the run ------------------------------------------------------------------------

def children(pid):
    """Process ids descending from `pid`."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            with open("/proc/%d/task/%d/children" % (p, p)) as f:
                kids = [int(k) for k in f.read().split()]
        except OSError:
            kids = []
        out += kids
        todo += kids
    return out


def hwm(pid):
    """Peak resident set of `pid` in bytes (VmHWM), or 0."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_watched(cmd):
    """Runs `cmd`, polling every process of its tree for its peak resident memory."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peaks = {}
    done = threading.Event()

    def watch():
        while not done.is_set():
            for p in [proc.pid] + children(proc.pid):
                peaks[p] = max(peaks.get(p, 0), hwm(p))
            time.sleep(POLL_SECONDS)

    t = threading.Thread(target=watch, daemon=True)
    t.start()
    out, err = proc.communicate()
    done.set()
    t.join()
    return proc.returncode, out, err, peaks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sopap", default=os.path.join(ROOT, "target", "release", "sopap"))
    ap.add_argument("--work", default="/tmp/hostile")
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--limit", type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    archive = os.path.join(a.work, "archive", "HELDOUT")
    out_dir = os.path.join(a.work, "out")
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(archive)
    sources = found_files(a.limit)
    expected = {}
    for i, src in enumerate(sources):
        name = "found/%03d-%s" % (i, os.path.basename(src))
        os.makedirs(os.path.dirname(os.path.join(archive, name)), exist_ok=True)
        shutil.copyfile(src, os.path.join(archive, name))
        expected[name] = None
    for name, data, kind in generated(rng) + mutations(rng, sources):
        path = os.path.join(archive, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        expected[name] = kind
    started = time.time()
    rc, _, err, peaks = run_watched([a.sopap, "run", os.path.dirname(archive), "--out", out_dir,
                                     "--full", "--as-of", "2026-12-01", "--quiet",
                                     "--fail-on", "never"])
    seconds = time.time() - started
    seen = {}
    for fname, key in (("sops.jsonl", "sop"), ("errors.jsonl", "error")):
        try:
            with open(os.path.join(out_dir, fname)) as f:
                for line in f:
                    rec = json.loads(line)
                    path = rec["source"]["path"] if key == "sop" else rec["path"]
                    seen.setdefault(path, rec.get("kind", "sop"))
        except OSError:
            pass
    failures = []
    if rc not in (0, 1):
        failures.append("run ended with status %s: %s" % (rc, err.decode(errors="replace")[-500:]))
    peak = max(peaks.values() or [0])
    if peak > MEMORY_CAP:
        failures.append("a process reached %.0f MiB resident" % (peak / 2**20))
    missing = [n for n in expected if "HELDOUT/" + n not in seen]
    for n in missing:
        failures.append("not accounted for: %s" % n)
    for n, kind in sorted(expected.items()):
        got = seen.get("HELDOUT/" + n)
        if kind is not None and got != kind:
            failures.append("%s: expected %s, got %s" % (n, kind, got))
    kinds = {}
    for n in expected:
        k = seen.get("HELDOUT/" + n, "missing")
        kinds[k] = kinds.get(k, 0) + 1
    print("held-out hostile set (seed %d): %d files (%d found on this machine, %d generated, "
          "%d mutated)" % (a.seed, len(expected), len(sources), len(generated(random.Random(0))),
                           len(expected) - len(sources) - len(generated(random.Random(0)))))
    print("run: status %s in %.1f s; processes watched %d; peak resident %.0f MiB (cap %d MiB)"
          % (rc, seconds, len(peaks), peak / 2**20, MEMORY_CAP >> 20))
    print("accounted for: %d/%d; outcomes: %s" % (len(expected) - len(missing), len(expected),
          ", ".join("%s %d" % kv for kv in sorted(kinds.items()))))
    gen_ok = sum(1 for n, k in expected.items() if k is not None and seen.get("HELDOUT/" + n) == k)
    gen_all = sum(1 for k in expected.values() if k is not None)
    print("expected kinds held: %d/%d" % (gen_ok, gen_all))
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
