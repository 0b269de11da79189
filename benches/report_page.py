#!/usr/bin/env python3
"""Report page scale: a sops.jsonl of N SOPs made from real sopap output, then
`sopap report` and the page's size and load time in headless Chromium.

    python3 benches/report_page.py --from /tmp/c/sops.jsonl /tmp/r/sops.jsonl \
        --sops 5000 --agencies 40 --out /tmp/page5000

Each generated SOP is a copy of a source SOP (cycled in order) given a distinct id,
file path, agency and title, so the page holds N different sections. The timing appends a
script to a copy of the page that records DOMContentLoaded and first paint, then reads
them from the DOM headless Chromium dumps (median of --runs loads).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def generate(sources, n, agencies, out):
    seeds = []
    for path in sources:
        with open(path, encoding="utf-8") as f:
            seeds.extend(json.loads(line) for line in f if line.strip())
    seeds = [s for s in seeds if s.get("steps")]
    if not seeds:
        sys.exit("no SOP with steps in the sources")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "sops.jsonl"), "w", encoding="utf-8") as f:
        for i in range(n):
            s = json.loads(json.dumps(seeds[i % len(seeds)]))
            a = i % agencies
            ext = s["source"].get("format") or "docx"
            path = f"opd-{a:02d}/sop-{i:05d}.{ext}"
            s["id"] = f"{path}#1"
            s["source"]["path"] = path
            s["source"]["index"] = 1
            s["agency"] = f"Dinas Uji {a:02d}"
            ident = s.setdefault("identity", {})
            ident["title"] = f"{ident.get('title') or 'Prosedur'} {i}"
            if ident.get("number"):
                ident["number"] = f"{ident['number']}/{i}"
            for fi in s.get("findings", []):
                fi["sop"] = s["id"]
            f.write(json.dumps(s, ensure_ascii=False) + "\n")


TIMER = (
    "<script>addEventListener('load',function(){var n=performance.getEntriesByType("
    "'navigation')[0];var p=performance.getEntriesByName('first-paint')[0];"
    "document.documentElement.setAttribute('data-dcl',Math.round(n.domContentLoadedEventEnd));"
    "document.documentElement.setAttribute('data-fp',p?Math.round(p.startTime):-1);});</script>"
)


def attr(dom, name):
    at = dom.find(f'{name}="')
    if at < 0:
        return None
    return float(dom[at + len(name) + 2:].split('"', 1)[0])


def load_times(page, runs, chromium):
    timed = page + ".timed.html"
    with open(page, encoding="utf-8") as f, open(timed, "w", encoding="utf-8") as g:
        g.write(f.read() + TIMER)
    dcl, fp = [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as prof:
            dom = subprocess.run(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                 "--no-first-run", f"--user-data-dir={prof}", "--window-size=1280,900",
                 "--virtual-time-budget=60000", "--dump-dom", f"file://{timed}"],
                capture_output=True, text=True, timeout=300).stdout
        dcl.append(attr(dom, "data-dcl"))
        fp.append(attr(dom, "data-fp"))
    os.remove(timed)
    return statistics.median(dcl), statistics.median(fp)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="sources", nargs="+", required=True)
    ap.add_argument("--sops", type=int, default=5000)
    ap.add_argument("--agencies", type=int, default=40)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sopap", default="./target/release/sopap")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--page", help="only time this page (skip generating)")
    a = ap.parse_args()
    page = a.page
    if not page:
        generate(a.sources, a.sops, a.agencies, a.out)
        subprocess.run([a.sopap, "report", a.out, "--as-of", "2026-12-01"], check=True)
        page = os.path.join(a.out, "report.html")
    dcl, fp = load_times(page, a.runs, a.chromium)
    size = os.path.getsize(page)
    print(f"{page}: {size / 1e6:.1f} MB, DOMContentLoaded {dcl / 1000:.2f} s, "
          f"first paint {fp / 1000:.2f} s (median of {a.runs})")


if __name__ == "__main__":
    main()
