#!/usr/bin/env python3
"""Imports exported .bpmn files into bpmn-js (from the npm registry) in headless Chromium,
prints each file's import warnings and writes a screenshot next to it (FILE.png).

usage: bpmn_render.py NODE_MODULES_DIR FILE.bpmn...
Set up once with tests/bpmn_js/setup.sh (NODE_MODULES_DIR is then target/bpmn-js/node_modules). Prints one line per warning
and exits 1 if there is any; prints "ok N" otherwise.
"""
import html
import json
import os
import re
import subprocess
import sys
import tempfile

CHROMIUM = [
    "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Screenshot size (pixels); a diagram is scaled to fit.
WIDTH, HEIGHT = 2400, 1400


def page(viewer_js, xml):
    return f"""<!doctype html><html><head><meta charset="utf-8">
<style>html,body,#c{{margin:0;width:100%;height:100%;background:#fff}}</style></head>
<body><div id="c"></div><pre id="out">pending</pre>
<script>{viewer_js}</script>
<script>
const xml = {json.dumps(xml)};
const v = new BpmnJS({{container: '#c'}});
v.importXML(xml).then(r => {{
  v.get('canvas').zoom('fit-viewport');
  document.getElementById('out').textContent = 'WARNINGS ' + JSON.stringify(r.warnings.map(w => w.message));
}}).catch(e => {{
  document.getElementById('out').textContent = 'ERROR ' + e.message;
}});
</script></body></html>"""


def check(viewer_js, path, profile):
    xml = open(path, encoding="utf-8").read()
    with tempfile.NamedTemporaryFile("w", suffix=".html", delete=False, encoding="utf-8") as f:
        f.write(page(viewer_js, xml))
        url = "file://" + f.name
    base = CHROMIUM + [f"--user-data-dir={profile}", "--virtual-time-budget=5000"]
    dom = subprocess.run(base + ["--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
    subprocess.run(base + [f"--screenshot={path}.png", f"--window-size={WIDTH},{HEIGHT}", url],
                   capture_output=True, timeout=120)
    os.unlink(f.name)
    m = re.search(r'<pre id="out">(.*?)</pre>', dom, re.S)
    out = html.unescape(m.group(1)) if m else "no result"
    if out.startswith("WARNINGS "):
        return json.loads(out[len("WARNINGS "):])
    return [out]


def main():
    modules = sys.argv[1]
    viewer_js = open(os.path.join(modules, "bpmn-js/dist/bpmn-viewer.production.min.js"), encoding="utf-8").read()
    bad = 0
    with tempfile.TemporaryDirectory() as profile:
        for path in sys.argv[2:]:
            for w in check(viewer_js, path, profile):
                bad += 1
                print(f"{path}: {w}")
    if bad:
        sys.exit(1)
    print(f"ok {len(sys.argv) - 2}")


if __name__ == "__main__":
    main()
