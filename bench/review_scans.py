"""Benchmark: the review of scans as bureaus really receive them — skewed, grey or yellowed, noisy, JPEG'd, stamped.

Each corpus document (as bench/review_formats.py writes it: .docx, printed to PDF by LibreOffice) is rendered at
150, 200 or 300 dpi and each page degraded by bench/degrade.py — a red seal over the department's line or the
total (its first page holding it), a blue signature beside it, grey or yellowish paper and grey ink, 0.5–3° askew,
a mild perspective on some pages, blur, noise, speckle — and saved as an image-only PDF at JPEG quality 40–70.
Everything is drawn from a generator seeded by --seed and the document's name, so a run can be repeated.
The scan's review is compared with the .docx's on the fields of bench/review_formats.py (department, year,
total, grade, score tables, findings).

Run: nice -n 10 .venv/bin/python bench/review_scans.py [--sample N|all] [--seed S] [--only NAME …] [--keep DIR]
(--sample N: N documents spread over the corpus; --keep: the degraded PDFs are kept there to look at)
The 85 documents of the figures in README (first run 34/85, after the fixes 63/85, seed 20) were drawn by
--sample 85 from the 253 documents of 2 December 2026; the corpus has grown since, so they are listed in
bench/review_scans_sample85.txt: `--only $(cat bench/review_scans_sample85.txt) --seed 20` repeats them.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import traceback
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from degrade import Degradation, draw, scanned, seal, signature
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


def main() -> None:
    import numpy as np

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", default="all", help="documents spread over the corpus, or all")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--only", nargs="*", help="corpus folders to run")
    parser.add_argument("--keep", type=Path, help="folder to keep the degraded PDFs in")
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
                reviewed = review_file(docx)
                original = summary(reviewed)
                pdf = office.convert_file(docx, "pdf", here / "pdf")
                rng = np.random.default_rng([args.seed, zlib.crc32(name.encode())])
                total = str(original["total"] or "")
                scan = here / "扫描件.pdf"
                done = degraded_scan(pdf, scan, rng, reviewed.department or "", total)
                if args.keep:
                    shutil.copy(scan, args.keep / f"{name}.pdf")
                with measured() as pages:
                    differ = compare(original, summary(review_file(scan)))
                stats.pages += pages.pages
                stats.cpu_seconds += pages.cpu_seconds
                stats.figures += pages.figures
                tally(agree, by_field, "scan", differ)
                if differ:
                    differing.append(name)
                line.append(f"{'同' if not differ else '异:' + ','.join(differ)}  [{done[0].label()}]")
                line.append(f"（{pages.pages} 页，CPU {'/'.join(f'{t:.2f}' for t in pages.cpu_seconds)} s）")
            except Exception as exc:  # a crash is a result here
                crashes.append(name)
                line.append(f"崩溃：{type(exc).__name__}: {exc}")
                traceback.print_exc()
            print("  ".join(line), flush=True)
    same, total = agree["scan"]
    if total:
        fields = "，".join(f"{k} {total - v}/{total}" for k, v in by_field["scan"].items())
        print(f"\n退化扫描件: 与原文审核结果一致 {same}/{total} = {same / total:.1%}；分项一致：{fields}")
    if stats.pages:
        print(
            f"OCR: {stats.pages} 页，CPU 中位数 {statistics.median(stats.cpu_seconds):.2f} s/页，"
            f"最大 {max(stats.cpu_seconds):.2f} s/页"
        )
    print(f"不一致：{' '.join(differing) or '无'}")
    print(f"崩溃：{len(crashes)}{'（' + '、'.join(crashes) + '）' if crashes else ''}")


if __name__ == "__main__":
    main()
