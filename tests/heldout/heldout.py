#!/usr/bin/env python3
"""Held-out check: the development corpus rewritten with spellings the rules do not hold.

Copies ../shared/corpus/archive to a scratch folder and rewrites it the way another
archive is written: OPD folders named by acronyms and abbreviated unit types (no
manifest), and, inside .docx/.xlsx/.ods files, identity labels, procedure headers and
titles spelled otherwise (a qualifier, a vowel drop, a typo, a combined label, another
case). The truth is rewritten to the new paths (what each SOP says is unchanged), then
sopap runs and ../shared/corpus/score.py scores it.

    python3 tests/heldout/heldout.py [--sopap target/release/sopap] [--work /tmp/heldout]
                                     [--family spellings|regency]

Families: `spellings` (the default: qualifiers, vowel drops, typos, combined labels) and
`regency` (how a regency wrote its SOPs ten years earlier: "No. Urut", "Uraian Kegiatan /
Aktivitas", "Persyaratan/Perlengkapan", labels in capitals without a colon, numbered
"1." …, abbreviated "TGL."). Only texts change: what each SOP says is the same.

Prints score.py's tables; exits 1 when a metric of ALL is below --target (0.97).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.normpath(os.path.join(ROOT, "..", "shared", "corpus"))

# OPD folder → how another archive names it: acronyms, abbreviated unit types, case.
FOLDERS = {
    "BKPSDM": "bkpsdm",
    "BPKAD": "B.P.K.A.D",
    "DISDIKBUD": "Disdikbud",
    "Dinkes": "DINKES",
    "Kel. Kakaskasen I": "Kel Kakaskasen I",
    "bagian-organisasi": "Bag. Organisasi",
    "bappeda": "BAPPEDA",
    "satpol-pp": "SATPOL PP",
    "dinas-kependudukan-dan-pencatatan-sipil": "DUKCAPIL",
    "kecamatan-tomohon-selatan": "Kec. Tomohon Selatan",
    "kecamatan-tomohon-utara": "kec-tomohon-utara",
}

# Whole texts of a cell or run (case aside) → the held-out spelling. None of these is a
# line of rules/labels.toml or rules/headers.toml.
TEXTS = {
    "nomor sop": "Nmr. SOP",
    "no. sop": "Nomor SOP (Kode)",
    "tanggal pembuatan": "Tgl Pmbuatan",
    "tanggal revisi": "Tanggal Revisi ke-",
    "tanggal efektif": "TANGGAL EFEKTIP",
    "disahkan oleh": "Disahkan Oleh:",
    "nama sop": "Nama / Judul SOP",
    "dasar hukum": "Dasar Hukum / Landasan",
    "kualifikasi pelaksana": "Kualifikasi Pelaksana SOP",
    "keterkaitan": "Keterkaitan dg SOP lain",
    "peralatan/perlengkapan": "Peralatan & Perlengkapan",
    "peringatan": "Peringatan:",
    "pencatatan dan pendataan": "Pencatatan / Pendataan",
    "kegiatan": "Uraian Kegiatan",
    "pelaksana": "Pelaksana / Aktor",
    "mutu baku": "Mutu Baku (standar)",
    "kelengkapan": "Klngkpn",
    "waktu": "Wkt (menit)",
    "output": "Output / Hasil",
    "keterangan": "Ket.",
}

# A regency ten years earlier: other header words, labels in capitals, numbered, no colon.
REGENCY = {
    "no": "No. Urut",
    "kegiatan": "Uraian Kegiatan / Aktivitas",
    "kelengkapan": "Persyaratan/Perlengkapan",
    "output": "OUTPUT",
    "waktu": "WAKTU (MENIT)",
    "pelaksana": "PELAKSANA",
    "mutu baku": "MUTU BAKU",
    "keterangan": "KET",
    "nomor sop": "NOMOR SOP",
    "no. sop": "NO SOP",
    "nama sop": "JUDUL SOP",
    "tanggal pembuatan": "TGL. PEMBUATAN",
    "tanggal revisi": "TGL REVISI",
    "tanggal efektif": "TGL. EFEKTIF",
    "disahkan oleh": "DISAHKAN OLEH",
    "dasar hukum": "1. DASAR HUKUM",
    "kualifikasi pelaksana": "2. KUALIFIKASI PELAKSANA",
    "keterkaitan": "3. KETERKAITAN",
    "peralatan/perlengkapan": "4. PERALATAN / PERLENGKAPAN",
    "peringatan": "5. PERINGATAN",
    "pencatatan dan pendataan": "6. PENCATATAN DAN PENDATAAN",
}

FAMILIES = {"spellings": TEXTS, "regency": REGENCY}


def rewrite_xml(xml: str, texts: dict) -> str:
    """Rewrites every text node whose whole text is a known label."""

    def sub(m):
        inner = m.group(2)
        key = re.sub(r"\s+", " ", inner.strip()).lower()
        new = texts.get(key)
        if new is None:
            return m.group(0)
        return m.group(1) + new.replace("&", "&amp;") + m.group(3)

    return re.sub(r"(<(?:w:t|t|text:p|text:span)(?: [^>]*)?>)([^<]*)(</(?:w:t|t|text:p|text:span)>)", sub, xml)


def rewrite_zip(path: str, texts: dict) -> None:
    tmp = path + ".tmp"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith(".xml"):
                try:
                    data = rewrite_xml(data.decode("utf-8"), texts).encode("utf-8")
                except UnicodeDecodeError:
                    pass
            zout.writestr(item, data)
    os.replace(tmp, path)


def renamed(rel: str) -> str:
    first, _, rest = rel.partition("/")
    return FOLDERS.get(first, first) + ("/" + rest if rest else "")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sopap", default=os.path.join(ROOT, "target", "release", "sopap"))
    ap.add_argument("--work", default="/tmp/sopap-heldout")
    ap.add_argument("--target", type=float, default=0.97)
    ap.add_argument("--family", choices=sorted(FAMILIES), default="spellings")
    a = ap.parse_args(argv)
    texts = FAMILIES[a.family]
    if not os.path.isdir(CORPUS):
        print(f"skipping: {CORPUS} not found")
        return 0
    shutil.rmtree(a.work, ignore_errors=True)
    archive = os.path.join(a.work, "archive")
    src = os.path.join(CORPUS, "archive")
    for dirpath, _, files in os.walk(src):
        for f in files:
            rel = os.path.relpath(os.path.join(dirpath, f), src).replace(os.sep, "/")
            if rel == "agencies.csv":
                continue
            dst = os.path.join(archive, renamed(rel))
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copy2(os.path.join(dirpath, f), dst)
            if zipfile.is_zipfile(dst) and not rel.startswith("_hostile"):
                try:
                    rewrite_zip(dst, texts)
                except (zipfile.BadZipFile, OSError, KeyError):
                    pass
    truth = json.load(open(os.path.join(CORPUS, "truth.json")))
    truth["files"] = {renamed(k): v for k, v in truth["files"].items()}
    tpath = os.path.join(a.work, "truth.json")
    json.dump(truth, open(tpath, "w"))
    out = os.path.join(a.work, "out")
    subprocess.run([a.sopap, "run", archive, "--out", out, "--full", "--as-of", "2026-12-01", "--quiet"], check=False)
    r = subprocess.run([sys.executable, os.path.join(CORPUS, "score.py"), tpath, out], capture_output=True, text=True)
    print(r.stdout)
    low = []
    for line in r.stdout.splitlines():
        if line.startswith("ALL"):
            cells = line.split()
            for v in cells[3:]:
                try:
                    if float(v) < a.target:
                        low.append(v)
                except ValueError:
                    pass
    return 1 if low else 0


if __name__ == "__main__":
    sys.exit(main())
