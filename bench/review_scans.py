"""Benchmark: the review of scans as bureaus really receive them — skewed, grey or yellowed, noisy, JPEG'd, stamped.

Each corpus document (as bench/review_formats.py writes it: .docx, printed to PDF by LibreOffice) is rendered at
150, 200 or 300 dpi and each page degraded by bench/degrade.py — a red seal over the department's line or the
total (its first page holding it), a blue signature beside it, grey or yellowish paper and grey ink, 0.5–3° askew,
a mild perspective on some pages, blur, noise, speckle — and saved as an image-only PDF at JPEG quality 40–70.
Everything is drawn from a generator seeded by --seed and the document's name, so a run can be repeated; where the
seal goes is taken from the document alone (its truth.yaml and document.txt: _seal_texts), never from a review, so a
change to the review elsewhere does not move a single pixel of the images.
The scan's review is compared with the .docx's on the fields of bench/review_formats.py (department, year,
total, grade, score tables, findings).

Run: nice -n 10 .venv/bin/python bench/review_scans.py [--sample N|all] [--seed S] [--only NAME …] [--keep DIR]
[--photo | --photo-hard]
(--sample N: N documents spread over the corpus; --keep: the degraded PDFs are kept there to look at; --photo: each
page instead photographed by a phone, degrade.photographed — a 3000–4000-pixel JPEG at quality 80 of the sheet on
a desk, tilted, in perspective, lit unevenly with a shadow band — and read through formats/images.py;
--photo-hard: each photo under one harder condition of degrade.photographed_hard, drawn per page: a strong
hard-edged shadow across the sheet, the sheet held at a steeper angle, a finger at its edge, or JPEG 60)
The eight documents of the --photo figures are listed in bench/review_scans_photo8.txt (`--only $(cat …)`).
The 85 documents of the figures in README (first run 34/85, after the fixes 63/85, seed 20 — seals then placed
from the review's department and total: figures before _seal_texts are not comparable with those after) were drawn by
--sample 85 from the 253 documents of 2 December 2026; the corpus has grown since, so they are listed in
bench/review_scans_sample85.txt: `--only $(cat bench/review_scans_sample85.txt) --seed 20` repeats them.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import statistics
import sys
import tempfile
import traceback
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from degrade import Degradation, draw, photographed, photographed_hard, scanned, seal, signature
from review_formats import CORPUS, FIELDS, _blocks, compare, summary, tally, write_docx

from jixiao.formats import office
from jixiao.formats.ocr import OcrStats, measured
from jixiao.review import review_file


def _anchor(document, texts: list[str], dpi: int, last: bool) -> tuple[int, tuple[float, float]] | None:
    """(page index, centre in pixels at `dpi`) of the first text of `texts` found in the PDF: its first
    occurrence, or its last (`last`: a total is printed last in the 合计 row)."""
    for text in texts:
        if not text:
            continue
        found = []
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            searcher = textpage.search(text)
            while (hit := searcher.get_next()) is not None:
                index, count = hit
                boxes = [textpage.get_charbox(i) for i in range(index, index + count)]
                left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
                bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
                x, y = (left + right) / 2, page.get_height() - (top + bottom) / 2
                found.append((number, (x * dpi / 72, y * dpi / 72)))
        if found:
            return found[-1] if last else found[0]
    return None


_TOTAL_LABEL = re.compile(r"^(合\s*计|总\s*分|总\s*计|(自评)?总得分|综合得分|自评(总分|得分)|得分合计)")
_FIGURE = re.compile(r"\d+(?:\.\d+)?")


def _seal_texts(folder: Path) -> tuple[str, str]:
    """(department, total) as printed in the document of `folder`, each '' where none is: the department of its
    truth.yaml (without the transcriber's notes after it) if the text prints it; the total its truth.yaml states,
    else the figure after a total's label (合计, 总分, 自评得分 …) in a table row, the last such row's. Taken from the
    document alone, never from a review of it, so the images a seed makes stay the same whatever the review does."""
    import yaml

    text = (folder / "document.txt").read_text(encoding="utf-8")
    truth = yaml.safe_load((folder / "truth.yaml").read_text(encoding="utf-8")) or {}
    department = re.split(r"[\s(（]", str(truth.get("department") or "").strip(), maxsplit=1)[0]
    department = department if len(department) >= 3 and department in text else ""
    stated = truth.get("stated_total")
    totals = [str(stated)] if stated is not None else []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.split("\t") if cell.strip()] if "\t" in line else []
        for i, cell in enumerate(cells):
            if _TOTAL_LABEL.match(cell):
                after = [c for c in cells[i + 1 :] if _FIGURE.fullmatch(c)]
                if after:
                    totals.append(after[-1])
    total = next((t for t in totals if t in text), "")
    return department, total


def degraded_scan(pdf: Path, out: Path, rng, department: str, total: str) -> list[Degradation]:
    """`pdf` as a degraded image-only PDF at `out`; what was done to each page."""
    import pypdfium2

    dpi = int(rng.choice([150, 200, 300]))
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        on_total = rng.random() < 0.5 or not department
        anchor = _anchor(document, [total, department] if on_total else [department, total], dpi, on_total)
        if anchor is None:  # neither printed as such (a narrative report's figures): over the first page's text
            width, height = document[0].get_size()
            anchor = (0, (width * rng.uniform(0.3, 0.7) * dpi / 72, height * rng.uniform(0.15, 0.4) * dpi / 72))
        images, done = [], []
        for number in range(len(document)):
            image = document[number].render(scale=dpi / 72).to_pil().convert("RGB")
            how = draw(rng, dpi)
            if anchor is not None and anchor[0] == number:
                how.seal = anchor[1]
                image = seal(image, anchor[1], dpi, department or "财政局", rng)
                how.signature = True
                image = signature(image, anchor[1], dpi, rng)
            images.append(scanned(image, how, rng))
            done.append(how)
    finally:
        document.close()
    quality = int(rng.integers(40, 71))
    for how in done:
        how.quality = quality
    images[0].save(out, save_all=True, append_images=images[1:], resolution=dpi, quality=quality)
    return done


_PICTURE_NOTE = ("review.unread", "提示", "", "")


@contextlib.contextmanager
def _pictures_timed(stats: OcrStats):
    """Each page of a picture (formats/images.image_pages) timed into `stats` as read_pdf_pages times a scanned
    PDF's: CPU seconds from asking for the page to asking for the next — its decoding, cutting and scaling, and
    its reading by OCR, which the review does before it asks again (figures are not counted: 0)."""
    import time

    from jixiao.formats import images, ocr

    ocr._ocr_engine()  # loaded before the first page, as read_pdf_pages does
    pages = images.image_pages

    def timed(*args, **kwargs):
        frames = pages(*args, **kwargs)
        while True:
            started = time.process_time()
            try:
                image = next(frames)
            except StopIteration:
                return
            yield image
            stats.pages += 1
            stats.cpu_seconds.append(time.process_time() - started)
            stats.figures.append(0)

    images.image_pages = timed
    try:
        yield
    finally:
        images.image_pages = pages


def photographed_pages(pdf: Path, folder: Path, rng, hard: bool = False) -> tuple[Path, list[dict]]:
    """`pdf`'s pages as phone photos (degrade.photographed, JPEG quality 80, no resolution stated, as a phone
    sends them): one page as 照片.jpg, more as 照片.tif whose frames are the JPEG photos decoded (a bureau's
    several photos of one report, read page by page by formats/images.py as they would be one by one)."""
    import io

    import pypdfium2
    from PIL import Image

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        pages = [document[n].render(scale=300 / 72).to_pil().convert("RGB") for n in range(len(document))]
    finally:
        document.close()
    photos, drawn = [], []
    for page in pages:
        photo, how = (photographed_hard if hard else photographed)(page, rng)
        sent = io.BytesIO()
        photo.save(sent, "JPEG", quality=how.get("quality", 80))
        photos.append(sent.getvalue())
        drawn.append(how)
    if len(photos) == 1:
        out = folder / "照片.jpg"
        out.write_bytes(photos[0])
    else:
        out = folder / "照片.tif"
        frames = [Image.open(io.BytesIO(p)).convert("RGB") for p in photos]
        frames[0].save(out, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    return out, drawn


def main() -> None:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", default="all", help="documents spread over the corpus, or all")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--only", nargs="*", help="corpus folders to run")
    parser.add_argument("--keep", type=Path, help="folder to keep the degraded PDFs in")
    parser.add_argument("--photo", action="store_true", help="pages as phone photos (degrade.photographed) instead")
    parser.add_argument(
        "--photo-hard", action="store_true", help="phone photos under a harder condition (degrade.photographed_hard)"
    )
    args = parser.parse_args()
    folders = sorted(p for p in CORPUS.iterdir() if (p / "document.txt").exists())
    if args.only:
        folders = [f for f in folders if f.name in args.only]
    if args.sample != "all" and int(args.sample) < len(folders):
        step = len(folders) / int(args.sample)
        folders = [folders[int(i * step)] for i in range(int(args.sample))]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    agree = {"scan": [0, 0]}
    by_field = {"scan": dict.fromkeys(FIELDS, 0)}
    stats = OcrStats()
    crashes, differing = [], []
    with tempfile.TemporaryDirectory(prefix="jixiao-scans-") as tmp:
        for folder in folders:
            name = folder.name
            here = Path(tmp) / name
            here.mkdir()
            line = [name[:40].ljust(40)]
            try:
                docx = write_docx(_blocks((folder / "document.txt").read_text(encoding="utf-8")), here / "报告.docx")
                original = summary(review_file(docx))
                pdf = office.convert_file(docx, "pdf", here / "pdf")
                rng = np.random.default_rng([args.seed, zlib.crc32(name.encode())])
                args.photo = args.photo or args.photo_hard
                if args.photo:
                    scan, drawn = photographed_pages(pdf, here, rng, args.photo_hard)
                    label = " / ".join(" ".join(f"{k}{v}" for k, v in how.items()) for how in drawn)
                else:
                    scan = here / "扫描件.pdf"
                    label = degraded_scan(pdf, scan, rng, *_seal_texts(folder))[0].label()
                if args.keep:
                    shutil.copy(scan, args.keep / f"{name}{scan.suffix}")
                with measured() as pages, _pictures_timed(pages):
                    read = summary(review_file(scan))
                if args.photo:  # the note that a picture was read by OCR: no original can have it
                    findings = list(read["findings"])  # type: ignore[call-overload]
                    if _PICTURE_NOTE in findings:
                        findings.remove(_PICTURE_NOTE)
                    read["findings"] = findings
                differ = compare(original, read)
                stats.pages += pages.pages
                stats.cpu_seconds += pages.cpu_seconds
                stats.figures += pages.figures
                tally(agree, by_field, "scan", differ)
                if differ:
                    differing.append(name)
                line.append(f"{'同' if not differ else '异:' + ','.join(differ)}  [{label}]")
                line.append(f"（{pages.pages} 页，CPU {'/'.join(f'{t:.2f}' for t in pages.cpu_seconds)} s）")
            except Exception as exc:  # a crash is a result here
                crashes.append(name)
                line.append(f"崩溃：{type(exc).__name__}: {exc}")
                traceback.print_exc()
            print("  ".join(line), flush=True)
    same, total = agree["scan"]
    if total:
        fields = "，".join(f"{k} {total - v}/{total}" for k, v in by_field["scan"].items())
        kind = "手机照片" if args.photo else "退化扫描件"
        print(f"\n{kind}: 与原文审核结果一致 {same}/{total} = {same / total:.1%}；分项一致：{fields}")
    if stats.pages:
        print(
            f"OCR: {stats.pages} 页，CPU 中位数 {statistics.median(stats.cpu_seconds):.2f} s/页，"
            f"最大 {max(stats.cpu_seconds):.2f} s/页"
        )
    print(f"不一致：{' '.join(differing) or '无'}")
    print(f"崩溃：{len(crashes)}{'（' + '、'.join(crashes) + '）' if crashes else ''}")


if __name__ == "__main__":
    main()
