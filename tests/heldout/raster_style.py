#!/usr/bin/env python3
"""Held-out pictured set: the real-style SOPs of real_style.py (same generator, same truth)
turned into what real archives hold as pictures, then read by sopap and scored.

    python3 tests/heldout/raster_style.py [--sopap target/release/sopap] [--work DIR]
                                          [--seed N] [--count N] [--keep] [--form F]

Each document is printed to PDF by chromium, its table cells breaking a word wider than
the cell inside it as Word does (see WORD_CELLS), then drawn into one of these forms:
  scan    every page rasterised (pdftoppm, 150-300 dpi, grey or bilevel), turned by
          0.2-1.5 degrees either way, light noise and blur, saved as JPEG (grey) or PNG
          (bilevel) and wrapped into a PDF with no text layer (img2pdf);
  pasted  the identity page kept as text, each flowchart page replaced by a screenshot
          of it (96-150 dpi, cropped to the table, RGB PNG or JPEG) fitted into a page
          with a margin: a PDF page holding one picture;
  photo   every page rasterised in colour at 150-200 dpi, turned by 0.3-2 degrees,
          lit unevenly (a brightness ramp across the page, a paper tint), blurred,
          saved as JPEG of quality 55-80;
  docx    (only with --form docx) the identity as text in a .docx (the text pages'
          HTML saved by LibreOffice), each flowchart page pasted after it as a
          screenshot picture (96-150 dpi, cropped, PNG or JPEG; written with zipfile).
Nothing is tuned to one seed: every parameter is drawn per file.

Needs chromium, pdftoppm/pdfseparate/pdfunite (poppler-utils), img2pdf, soffice and Pillow; the
OCR engine (tesseract with its ind model) must be installed for sopap to read anything.

Scores per document as real_style.py does (steps, actors, symbols, identity), plus
actor-words (actors equal word for word: a name read with a space inside a word, as
"Koordinat or Lapangan", counts wrong there, not in actors) and the
issue #16 criterion: steps and actors >= 0.9 overall, and at least 80 % of the files
yield an SOP with at least 2 steps. Exits 1 when a criterion is not met.
"""
import argparse
import glob
import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "fixtures", "tools"))
import pictured_office  # noqa: E402
import real_style  # noqa: E402

try:
    from PIL import Image, ImageChops, ImageFilter
except ImportError:  # pragma: no cover - told to the user below
    Image = None

TARGETS = {"steps": 0.90, "actors": 0.90}
MIN_STEPS = 2
MIN_FILE_SHARE = 0.80
FORMS = ["scan", "scan", "pasted", "pasted", "photo"]
# Forms drawn only when asked for (--form): the default mix stays that of the figures
# in the README.
EXTRA_FORMS = ["docx"]
TOOLS = ["chromium", "pdftoppm", "pdfseparate", "pdfunite", "img2pdf", "soffice"]
# Table cells break a word wider than the cell inside it, at any letter and with no
# hyphen, as Word draws a fixed-width table (Excel clips it): Chromium's default lets it
# run over the column's ruling into the next cell, which no Word document shows.
# `break-word` (not `anywhere`) leaves the columns' widths as they were: only a word that
# does not fit its cell is broken.
WORD_CELLS = "td, th { overflow-wrap: break-word; }"
# The form of each file's name (its extension in the archive).
EXTENSION = {"docx": ".docx"}


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   timeout=300)


def rasterise(pdf, dpi, prefix, grey):
    """The pages of `pdf` as PNG files at `dpi`, in order."""
    cmd = ["pdftoppm", "-r", str(dpi), "-png"] + (["-gray"] if grey else []) + [pdf, prefix]
    run(cmd)
    return sorted(glob.glob(prefix + "-*.png"))


def noisy(img, sigma):
    """Gaussian noise of `sigma` grey levels added to `img` (L or RGB)."""
    noise = Image.effect_noise(img.size, sigma)
    if img.mode == "RGB":
        noise = Image.merge("RGB", (noise, noise, noise))
    return ImageChops.add(img, noise, 1.0, -128)


def turned(img, degrees):
    fill = 255 if img.mode == "L" else (255, 255, 255)
    return img.rotate(degrees, resample=Image.BICUBIC, expand=False, fillcolor=fill)


def uneven_light(img, rng):
    """A brightness ramp across the page (from `lo` to full) and a paper tint."""
    lo = rng.uniform(0.62, 0.85)
    ramp = Image.linear_gradient("L").rotate(rng.uniform(0, 360), expand=True)
    c = ramp.width // 2
    ramp = ramp.crop((c - 90, c - 90, c + 90, c + 90)).resize(img.size).point(lambda v: int(255 * (lo + (1 - lo) * v / 255)))
    ramp = Image.merge("RGB", (ramp, ramp, ramp))
    tint = Image.new("RGB", img.size, (rng.randint(235, 255), rng.randint(228, 248),
                                       rng.randint(205, 235)))
    return ImageChops.multiply(ImageChops.multiply(img, ramp), tint)


def wrap(images, pdf, dpi, fmt, quality=None, pagesize=None):
    """Writes `images` as one image-only PDF (img2pdf, no re-encoding)."""
    files = []
    for i, img in enumerate(images):
        path = f"{pdf}.{i}.{fmt}"
        kw = {"dpi": (dpi, dpi)}
        if fmt == "jpg":
            kw["quality"] = quality
        img.save(path, **kw)
        files.append(path)
    cmd = ["img2pdf", "-o", pdf] + files
    if pagesize:
        cmd += ["--pagesize", pagesize, "--fit", "into", "--border", "12mm"]
    run(cmd)
    for f in files:
        os.remove(f)


def scan(src, dst, rng, tmp):
    dpi = rng.choice([150, 200, 240, 300])
    bilevel = rng.random() < 0.35
    angle = rng.choice([-1, 1]) * rng.uniform(0.2, 1.5)
    sigma = rng.uniform(3, 10)
    blur = rng.uniform(0.0, 0.7)
    quality = rng.randint(55, 85)
    pages = []
    for png in rasterise(src, dpi, os.path.join(tmp, "s"), grey=True):
        img = turned(Image.open(png).convert("L"), angle)
        if blur > 0.2:
            img = img.filter(ImageFilter.GaussianBlur(blur))
        img = noisy(img, sigma)
        if bilevel:
            img = img.point(lambda v: 255 if v > 150 else 0).convert("1")
        pages.append(img)
    if bilevel:
        wrap(pages, dst, dpi, "png")
    else:
        wrap(pages, dst, dpi, "jpg", quality)
    kind = "bilevel" if bilevel else f"grey q{quality}"
    return f"{dpi}dpi {kind} {angle:+.1f}deg"


def photo(src, dst, rng, tmp):
    dpi = rng.choice([150, 170, 200])
    angle = rng.choice([-1, 1]) * rng.uniform(0.3, 2.0)
    quality = rng.randint(55, 80)
    blur = rng.uniform(0.3, 0.9)
    pages = []
    for png in rasterise(src, dpi, os.path.join(tmp, "p"), grey=False):
        img = turned(Image.open(png).convert("RGB"), angle)
        img = uneven_light(img, rng).filter(ImageFilter.GaussianBlur(blur))
        pages.append(noisy(img, rng.uniform(2, 6)))
    wrap(pages, dst, dpi, "jpg", quality)
    return f"{dpi}dpi photo q{quality} {angle:+.1f}deg"


def screenshots(flow_pdf, rng, tmp):
    """Each page of `flow_pdf` as a screenshot cropped to its ink, with the draws they
    share: (dpi, JPEG or not, JPEG quality, pictures)."""
    dpi = rng.choice([96, 110, 120, 150])
    jpeg = rng.random() < 0.5
    quality = rng.randint(70, 92)
    pics = [pictured_office.cropped(Image.open(p).convert("RGB"), rng.randint(2, 12))
            for p in rasterise(flow_pdf, dpi, os.path.join(tmp, "f"), grey=False)]
    return dpi, jpeg, quality, pics


def pasted(text_pdf, flow_pdf, dst, page, rng, tmp):
    """The text pages of `text_pdf`, then each page of `flow_pdf` as one screenshot."""
    dpi, jpeg, quality, pics = screenshots(flow_pdf, rng, tmp)
    pic_pdf = os.path.join(tmp, "pics.pdf")
    size = f"{page[0]}x{page[1]}"
    if jpeg:
        wrap(pics, pic_pdf, dpi, "jpg", quality, pagesize=size)
    else:
        wrap(pics, pic_pdf, dpi, "png", pagesize=size)
    run(["pdfunite", text_pdf, pic_pdf, dst])
    return f"{dpi}dpi screenshot {'jpeg q%d' % quality if jpeg else 'png'}"


def pasted_docx(text_html, flow_pdf, dst, rng, tmp):
    """The text pages as a .docx (LibreOffice), each page of `flow_pdf` pasted after them
    as one screenshot picture."""
    dpi, jpeg, quality, pics = screenshots(flow_pdf, rng, tmp)
    subprocess.run(["soffice", "--headless", "--infilter=HTML (StarWriter)", "--convert-to",
                    "docx:MS Word 2007 XML", "--outdir", tmp, text_html], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300,
                   env=dict(os.environ, HOME=tmp))
    docx_path = os.path.splitext(text_html)[0] + ".docx"
    with open(docx_path, "rb") as f:
        docx = f.read()
    xml = zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml").decode("utf-8")
    pictures = []
    for img in pics:
        buf = io.BytesIO()
        if jpeg:
            img.save(buf, "JPEG", quality=quality, dpi=(dpi, dpi))
        else:
            img.save(buf, "PNG", dpi=(dpi, dpi))
        pictures.append((buf.getvalue(), "jpeg" if jpeg else "png",
                         img.width * 72.0 / dpi, img.height * 72.0 / dpi))
    with open(dst, "wb") as f:
        f.write(pictured_office.add_pictures(docx, pictures, pictured_office.text_width(xml),
                                             at_end=True))
    return f"docx {dpi}dpi screenshot {'jpeg q%d' % quality if jpeg else 'png'}"


def split_html(doc, rng):
    """(the whole document, its text without the flowchart, the flowchart alone), table
    cells breaking too long words as Word does (`WORD_CELLS`)."""
    whole = real_style.render(doc, rng).replace("</style>", WORD_CELLS + "</style>", 1)
    flow = real_style.flow_html(doc)
    text = whole.replace("<div class=brk></div>" + flow, "").replace(flow, "")
    head = whole.split("<body>")[0]
    return whole, text, f"{head}<body>{flow}</body></html>"


def make(doc, form, name, work, archive, rng):
    tmp = tempfile.mkdtemp(dir=work)
    whole, text, flow = split_html(doc, rng)
    paths = {}
    for part, body in (("whole", whole), ("text", text), ("flow", flow)):
        hp = os.path.join(tmp, part + ".html")
        with open(hp, "w", encoding="utf-8") as f:
            f.write(body)
        paths[part] = os.path.join(tmp, part + ".pdf")
        paths[part + ".html"] = hp
        pieces = form in ("pasted", "docx")
        if (not pieces and part != "whole") or (pieces and part == "whole"):
            continue
        if form == "docx" and part == "text":
            continue
        real_style.to_pdf(hp, paths[part])
    dst = os.path.join(archive, name + EXTENSION.get(form, ".pdf"))
    if form == "docx":
        how = pasted_docx(paths["text.html"], paths["flow"], dst, rng, tmp)
    elif form == "scan":
        how = scan(paths["whole"], dst, rng, tmp)
    elif form == "photo":
        how = photo(paths["whole"], dst, rng, tmp)
    else:
        how = pasted(paths["text"], paths["flow"], dst, doc["page"], rng, tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return how


def read_sops(out):
    """Per source path the SOP with the most steps."""
    sops = {}
    path = os.path.join(out, "sops.jsonl")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                s = json.loads(line)
                p = s["source"]["path"]
                if p not in sops or len(s.get("steps", [])) > len(sops[p].get("steps", [])):
                    sops[p] = s
    return sops


def word_key(s):
    """A name's words, lower case, without punctuation: unlike real_style.name_key a
    space inside a word counts ("Koordinat or" is not "Koordinator")."""
    return " ".join(re.findall(r"[0-9a-z]+", (s or "").lower()))


def actors_as_words(truth, sop):
    """Found steps (as real_style.score_doc finds them) whose actors equal the truth's
    word for word."""
    out_steps = {s.get("no"): s for s in (sop or {}).get("steps", [])}
    ok = 0
    for t in truth["steps"]:
        o = out_steps.get(t["no"])
        if not o or real_style.similarity(o.get("activity"), t["activity"]) < 0.85:
            continue
        ok += sorted(map(word_key, o.get("actors", []))) == sorted(map(word_key, t["actors"]))
    return ok


def report(truths, sops):
    tot = {"found": 0, "steps": 0, "actors": 0, "symbols": 0, "id": 0, "id_n": 0, "ok": 0,
           "words": 0}
    print(f"{'file':<24} {'form':<34} {'steps':>7} {'actors':>7} {'symbols':>7} {'ident':>5}")
    for name, truth in truths.items():
        sop = sops.get(name)
        found, n, act, sym, idk, idn, notes = real_style.score_doc(truth, sop)
        got = len((sop or {}).get("steps", []))
        tot["ok"] += got >= MIN_STEPS
        tot["words"] += actors_as_words(truth, sop)
        print(f"{name:<24} {truth['form']:<34} {found:>3}/{n:<3} {act:>3}/{found:<3} "
              f"{sym:>3}/{found:<3} {idk}/{idn}")
        if sop is None:
            print("    no SOP")
        for note in notes[:6]:
            print(f"    {note}")
        for k, v in (("found", found), ("steps", n), ("actors", act), ("symbols", sym),
                     ("id", idk), ("id_n", idn)):
            tot[k] += v
    figures = {
        "steps": tot["found"] / max(tot["steps"], 1),
        "actors": tot["actors"] / max(tot["found"], 1),
        # Actors read word for word (a word split by a space is wrong here, not in
        # "actors", which compares names without spaces).
        "actor-words": tot["words"] / max(tot["found"], 1),
        "symbols": tot["symbols"] / max(tot["found"], 1),
        "identity": tot["id"] / max(tot["id_n"], 1),
        "files>=2steps": tot["ok"] / max(len(truths), 1),
    }
    print("overall  " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    return figures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sopap", default=os.path.join(real_style.ROOT, "target", "release", "sopap"))
    ap.add_argument("--work", default=None)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--count", type=int, default=14)
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--form", choices=sorted(set(FORMS + EXTRA_FORMS)), default=None,
                    help="every file in this form (the other draws stay those of the seed)")
    ap.add_argument("--rescore", action="store_true",
                    help="read and score the files already in --work again (after a fix)")
    args = ap.parse_args()
    if args.rescore:
        return rescore(args)
    missing = [t for t in TOOLS if not shutil.which(t)] + ([] if Image else ["Pillow"])
    if missing:
        print("raster_style: missing " + ", ".join(missing) + "; nothing generated")
        return 0
    work = args.work or tempfile.mkdtemp(prefix="sopap-raster-style-")
    archive = os.path.join(work, "archive")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(archive)
    rng = random.Random(args.seed)
    truths = {}
    for i in range(args.count):
        style, doc, truth = real_style.draw(rng, i)
        form = rng.choice(FORMS)
        form = args.form or form
        name = f"{i:02d}-{style}-{form}"
        truth["form"] = make(doc, form, name, work, archive, rng)
        truths[name + EXTENSION.get(form, ".pdf")] = truth
    with open(os.path.join(work, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truths, f, ensure_ascii=False, indent=1)
    figures = read_and_score(args.sopap, work, truths)
    if not args.keep and not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return verdict(figures)


def rescore(args):
    if not args.work:
        print("raster_style: --rescore needs --work")
        return 2
    with open(os.path.join(args.work, "truth.json"), encoding="utf-8") as f:
        truths = json.load(f)
    return verdict(read_and_score(args.sopap, args.work, truths))


def read_and_score(sopap, work, truths):
    archive, out = os.path.join(work, "archive"), os.path.join(work, "out")
    started = time.time()
    subprocess.run([sopap, "run", archive, "--out", out, "--quiet", "--full"], check=False)
    print(f"sopap run: {time.time() - started:.0f} s for {len(truths)} files")
    return report(truths, read_sops(out))


def verdict(figures):
    low = [k for k, t in TARGETS.items() if figures[k] < t]
    if figures["files>=2steps"] < MIN_FILE_SHARE:
        low.append("files>=2steps")
    if low:
        print("below the criterion: " + ", ".join(low))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
