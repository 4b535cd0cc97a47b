"""Benchmark: OCR CPU time a scanned page, on one core, phase by phase (issue 20: ≤ 2 s a page, the maximum too).

Each page is made as bench/review_formats.py makes a scan — the corpus document (document.txt) written as .docx,
printed to PDF by the long-lived LibreOffice, rendered at 150 dpi and rasterised into an image-only PDF — and
rendered again at OCR_DPI as the review renders it (formats/ocr.read_pdf_pages). Two synthetic worst cases are
added: a dense A4 landscape table page (12 columns × 30 rows of 9-pt text and amounts) and an A4 portrait page
of long lines. Per page it prints:

- CPU seconds of formats.ocr.read_image (time.process_time; the engine's ONNX Runtime sessions have one intra-op
  and one inter-op thread, printed at the start from the sessions themselves), of it detection (every run of the
  text detector: the page, and again when a page is turned or straightened) and recognition (every call of the
  recogniser: lines, cells read again without their rules, stacked-column checks);
- the number of crops recognised and their widths at the recogniser's 48-px height (the widest, the sum);
- what was read: characters, figures, and the characters of the page's source text found in what was read in
  order (difflib's matching blocks against the document's text: more is better);
- with --untuned, the same page image read by RapidOCR as installed (one thread; its angle classifier on, lines six
  a call at 320 px), CPU and figures, in the same run.

--before WIDTH:SHARE,… reads each page also with those squeeze settings and no line cut in two (crops.SQUEEZE
and crops.WIDE; "480:0.7" is the setting of the full run of 2 December 2026, "none" no squeezing) and prints its
CPU and what it read beside, in the same run. --wheel reads each page also with the wheel's own model files
(formats/lean.py rewrites them into fewer steps) and prints that CPU and where its text differs, in the same
run. --save FILE writes each page's text read; --against FILE prints,
per page, where this run's text differs from that file's (a change to the engine is kept only if it reads the
same or better: characters matched, figures).

Run: .venv/bin/python bench/ocr_pages.py [--pages NAME:PAGE … | --all] [--cache DIR] [--untuned]
     [--before 480:0.7] [--wheel] [--save FILE] [--against FILE]
(the default pages: the eleven corpus pages over 2 s in the full run of 2 December 2026 and the two synthetic
pages, about a minute of CPU — 3 minutes with --untuned; --all reads every scanned page of the corpus, 373 pages,
about 9 minutes of CPU: 29 minutes on the shared machine at load 9–12)
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from review_formats import CORPUS, _blocks, rasterise, write_docx

from jixiao.formats import crops, ocr, office

# The corpus pages over 2 s of CPU in the full run of bench/review_formats.py --ocr all (2 December 2026)
SLOW = [
    "t68:1",
    "n01:1",
    "t34:1",
    "n126:1",
    "n48:1",
    "t65:1",
    "n22:1",
    "t59:1",
    "n152:1",
    "t19:1",
    "n29:1",
]
SYNTHETIC = ["synthetic-table:1", "synthetic-lines:1"]


def _folder(name: str) -> Path:
    found = [p for p in CORPUS.iterdir() if p.name.split("-")[0] == name or p.name == name]
    if len(found) != 1:
        raise SystemExit(f"语料中没有唯一的文件夹 {name}（找到 {len(found)} 个）")
    return found[0]


def _synthetic(name: str) -> tuple[list[tuple[str, object]], bool]:
    """The blocks of a synthetic page and whether it is landscape; deterministic."""
    items = ["项目资金", "培训人次", "完成率", "满意度", "覆盖人数", "预算执行", "设备购置", "维修工程", "社会效益"]
    if name == "synthetic-table":
        header = ["序号", "项目名称", "年初预算数", "全年预算数", "全年执行数", "执行率", "分值", "得分",
                  "指标值", "实际完成值", "偏差原因", "改进措施"]  # fmt: skip
        rows = [header]
        for r in range(1, 30):
            name_ = f"{items[r % 9]}{r}号专项"
            budget = 1000 + 37 * r * r
            done = budget - 13 * r
            rows.append([str(r), name_, f"{budget:,}.00", f"{budget + 50:,}.00", f"{done:,}.50",
                         f"{done / (budget + 50):.2%}", "5", f"{4 + r % 2}", f"≥{90 + r % 9}%",
                         f"{91 + r % 8}%", "进度偏慢", "加强督导"])  # fmt: skip
        return [("paragraph", "2023年度项目支出绩效自评表（单位：万元）"), ("table", rows)], True
    sentence = (
        "本部门2023年度年初预算数为{a}万元，全年预算数为{b}万元，全年执行数为{c}万元，预算执行率为{d}%，"
        "完成{e}个{f}，覆盖服务对象{g}人次，满意度达到{h}%。"
    )
    lines = [
        sentence.format(
            a=1200 + 7 * k,
            b=1300 + 9 * k,
            c=1250 + 8 * k,
            d=90 + k % 9,
            e=k + 3,
            f=items[k % 9],
            g=3000 + 11 * k,
            h=95 + k % 5,
        )
        for k in range(30)
    ]
    return [("paragraph", line) for line in lines], False


def _landscape(path: Path) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document(str(path))
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    widths = [1.2, 4.0, 2.4, 2.4, 2.4, 1.8, 1.3, 1.3, 1.8, 2.2, 2.9, 2.9]  # cm: 26.6 of the 26.7 between margins
    for table in doc.tables:
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=False):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Cm(width)
                for paragraph in cell.paragraphs:
                    for run in paragraph.runs:
                        run.font.size = Pt(9)
    doc.save(str(path))


def page_images(specs: list[str], cache: Path) -> Iterator[tuple[str, Any, str]]:
    """(label, BGR image as the review renders it, the document's source text) per page spec NAME:PAGE, or NAME:*
    for every page of the document; the scans are made once into `cache`."""
    import cv2
    import pypdfium2

    for spec in specs:
        name, _, page = spec.partition(":")
        synthetic = name.startswith("synthetic-")
        if synthetic:
            blocks, landscape = _synthetic(name)
        else:
            blocks, landscape = _blocks((_folder(name) / "document.txt").read_text(encoding="utf-8")), False
        source = "".join(
            str(c) if kind == "paragraph" else "".join("".join(r) for r in c)  # type: ignore[attr-defined]
            for kind, c in blocks
        )
        here = cache / (name if synthetic else _folder(name).name)
        scan = here / "扫描件.pdf"
        if not scan.exists():
            here.mkdir(parents=True, exist_ok=True)
            docx = write_docx(blocks, here / "报告.docx")
            if landscape:
                _landscape(docx)
            rasterise(office.convert_file(docx, "pdf", here / "pdf"), scan)
        document = pypdfium2.PdfDocument(str(scan))
        try:
            numbers = range(1, len(document) + 1) if page == "*" else [int(page)]
            for number in numbers:
                png = here / f"page{number}.png"
                if not png.exists():
                    image = document[number - 1].render(scale=ocr.OCR_DPI / 72).to_numpy()[:, :, :3]
                    cv2.imwrite(str(png), image)
                yield f"{here.name.split('-')[0] if not synthetic else name}:{number}", cv2.imread(str(png)), source
        finally:
            document.close()


class Phases:
    """CPU seconds in the detector and the recogniser, and the recogniser's crops, while installed."""

    def __init__(self) -> None:
        self.detect = 0.0
        self.recognise = 0.0
        self.widths: list[float] = []
        self.boxes: list[Any] = []  # the recognised boxes as they go into the layout

    @contextlib.contextmanager
    def installed(self) -> Iterator[Phases]:
        detect, read_crops, layout = ocr._detect, crops.read_crops, ocr.blocks_from_boxes

        def timed_detect(gray: Any) -> Any:
            started = time.process_time()
            try:
                return detect(gray)
            finally:
                self.detect += time.process_time() - started

        def timed_read(recogniser: Any, images: list[Any]) -> Any:
            self.widths += [c.shape[1] * 48 / max(c.shape[0], 1) for c in images]
            started = time.process_time()
            try:
                return read_crops(recogniser, images)
            finally:
                self.recognise += time.process_time() - started

        def kept(boxes: list[Any], page: int, grids: Any = ()) -> Any:
            self.boxes += boxes
            return layout(boxes, page, grids)

        # the page's lines go through crops.read_lines; a cell's missed figure and the stacked-column check
        # call read_crops from ocr
        ocr._detect, ocr.blocks_from_boxes = timed_detect, kept  # type: ignore[assignment]
        crops.read_crops = ocr.read_crops = timed_read  # type: ignore[assignment]
        try:
            yield self
        finally:
            ocr._detect, ocr.blocks_from_boxes = detect, layout  # type: ignore[assignment]
            crops.read_crops = ocr.read_crops = read_crops  # type: ignore[assignment]


def _read(image: Any, label: str, squeeze: Any = None) -> tuple[Phases, float, str]:
    """One page read (with other crops.SQUEEZE and crops.WIDE, if given): its phases, CPU seconds and text."""
    phases = Phases()
    kept = crops.SQUEEZE, crops.WIDE
    crops.SQUEEZE, crops.WIDE = squeeze if squeeze is not None else kept
    try:
        with phases.installed():
            started = time.process_time()
            blocks = ocr.read_image(image, int(label.rsplit(":", 1)[1]))
            cpu = time.process_time() - started
    finally:
        crops.SQUEEZE, crops.WIDE = kept
    return phases, cpu, _text(blocks)


def _text(blocks: list[Any]) -> str:
    parts = []
    for block in blocks:
        if block.kind == "paragraph":
            parts.append(block.text)
        else:
            parts += ["\t".join(row) for row in block.rows]
    return "\n".join(parts)


def _differences(old: str, new: str) -> str:
    out = ""
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            out += f"\n      {old[max(a0 - 6, 0) : a1 + 6]!r} → {new[max(b0 - 6, 0) : b1 + 6]!r}"
    return out


def _matched(source: str, read: str) -> int:
    """Characters of `read` (spaces aside) found in order in `source`."""
    squeeze = re.compile(r"\s")
    matcher = difflib.SequenceMatcher(None, squeeze.sub("", source), squeeze.sub("", read), autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def _figures(text: str) -> int:
    return len(re.findall(r"\d+(?:\.\d+)?", text))


@contextlib.contextmanager
def wheel_models(sessions: list[Any]) -> Iterator[None]:
    """The engine reading with `sessions` (the detector's, the recogniser's) in place of its own."""
    engine = ocr._ocr_engine()
    own = [engine.text_det.infer.session, engine.text_rec.session.session]
    engine.text_det.infer.session, engine.text_rec.session.session = sessions
    try:
        yield
    finally:
        engine.text_det.infer.session, engine.text_rec.session.session = own


def _wheel_sessions() -> list[Any]:
    """Sessions of the wheel's model files as they are, with the engine's options (ocr._with_arena)."""
    import copy

    import rapidocr_onnxruntime

    engine = ocr._ocr_engine()
    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    out = []
    for wrapper, name in (
        (engine.text_det.infer, "ch_PP-OCRv4_det_infer.onnx"),
        (engine.text_rec.session, "ch_PP-OCRv4_rec_infer.onnx"),
    ):
        plain = copy.copy(wrapper)
        ocr._with_arena(plain, str(models / name))
        out.append(plain.session)
    return out


def threads() -> str:
    engine = ocr._ocr_engine()
    out = []
    for label, session in (("检测", engine.text_det.infer.session), ("识别", engine.text_rec.session.session)):
        options = session.get_session_options()
        out.append(
            f"{label} intra_op={options.intra_op_num_threads} inter_op={options.inter_op_num_threads} "
            f"execution_mode={options.execution_mode.name} opt={options.graph_optimization_level.name} "
            f"model={Path(session._model_path or '（内存中）').name}"
        )
    return "；".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs="*", help="NAME:PAGE (NAME: a corpus folder's first word, as t68)")
    parser.add_argument("--all", action="store_true", help="every page of every corpus document, as scanned")
    parser.add_argument("--cache", type=Path, help="where the scans are kept between runs")
    parser.add_argument("--untuned", action="store_true", help="also read each page by RapidOCR as installed")
    parser.add_argument("--before", help="squeeze settings to compare with, as 480:0.7 or none")
    parser.add_argument("--wheel", action="store_true", help="also read each page with the wheel's model files")
    parser.add_argument("--save", type=Path, help="write each page's text read to this JSON file")
    parser.add_argument("--against", type=Path, help="a --save file of an earlier run, to compare the text with")
    args = parser.parse_args()
    if args.all:
        specs = [f"{p.name}:*" for p in sorted(CORPUS.iterdir()) if (p / "document.txt").exists()]
    else:
        specs = args.pages or SLOW + SYNTHETIC
    before = json.loads(args.against.read_text(encoding="utf-8")) if args.against else {}
    before_squeeze = None
    if args.before:
        squeeze = (
            ()
            if args.before == "none"
            else tuple((int(w), float(f)) for w, f in (part.split(":") for part in args.before.split(",")))
        )
        before_squeeze = (squeeze, 0)
    untuned = None
    if args.untuned:
        from rapidocr_onnxruntime import RapidOCR

        untuned = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    wheel = _wheel_sessions() if args.wheel else None
    print(f"ONNX Runtime 会话线程：{threads()}；git {_commit()}", flush=True)
    rows: list[dict[str, Any]] = []
    saved: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        cache = args.cache or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="jixiao-ocr-")))
        for label, image, source in page_images(specs, cache):
            if before_squeeze is not None:
                earlier = _read(image, label, before_squeeze)
            if wheel is not None:
                with wheel_models(wheel):
                    plain = _read(image, label)
            phases, cpu, text = _read(image, label)
            saved[label] = text
            row = {
                "label": label,
                "cpu": cpu,
                "detect": phases.detect,
                "recognise": phases.recognise,
                "crops": len(phases.widths),
                "widest": max(phases.widths, default=0),
                "width": sum(phases.widths),
                "chars": len(re.sub(r"\s", "", text)),
                "figures": _figures(text),
                "matched": _matched(source, text),
            }
            line = (
                f"{label:<22} CPU {cpu:5.2f} s（检测 {phases.detect:4.2f}，识别 {phases.recognise:4.2f}）"
                f" 行 {row['crops']:3d}，最宽 {row['widest']:4.0f} px，总宽 {row['width']:6.0f} px；"
                f"读出 {row['chars']} 字（与原文相符 {row['matched']}），数字 {row['figures']} 个"
            )
            if before_squeeze is not None:
                _, row["before"], old = earlier
                row["before_matched"], row["before_figures"] = _matched(source, old), _figures(old)
                row["changed"] = old != text
                line += (
                    f"；之前（{args.before}）CPU {row['before']:5.2f} s，相符 {row['before_matched']}，"
                    f"数字 {row['before_figures']} 个{'，文字相同' if old == text else ''}"
                ) + _differences(old, text)
            if wheel is not None:
                row["wheel"], old = plain[1], plain[2]
                row["wheel_matched"], row["wheel_figures"] = _matched(source, old), _figures(old)
                row["wheel_changed"] = old != text
                line += (
                    f"；原模型 CPU {row['wheel']:5.2f} s"
                    f"（检测 {plain[0].detect:4.2f}，识别 {plain[0].recognise:4.2f}），"
                    f"相符 {row['wheel_matched']}，数字 {row['wheel_figures']} 个{'，文字相同' if old == text else ''}"
                ) + _differences(old, text)
            if untuned is not None:
                started = time.process_time()
                found, _ = untuned(image)
                row["untuned"] = time.process_time() - started
                row["untuned_figures"] = _figures("\n".join(t for _, t, _ in found or []))
                row["box_figures"] = _figures("\n".join(b.text for b in phases.boxes))
                line += (
                    f"；未调优 {row['untuned']:5.2f} s；框内数字 调优 {row['box_figures']} 个，"
                    f"未调优 {row['untuned_figures']} 个"
                )
            if label in before and before[label] != text:
                old = before[label]
                line += (
                    f"；与 --against 不同：相符 {_matched(source, old)} → {row['matched']}，"
                    f"数字 {_figures(old)} → {row['figures']}" + _differences(old, text)
                )
            print(line, flush=True)
            rows.append(row)
    if args.save:
        args.save.write_text(json.dumps(saved, ensure_ascii=False, indent=0), encoding="utf-8")
    cpus = sorted(r["cpu"] for r in rows)
    p95 = cpus[min(len(cpus) - 1, int(0.95 * len(cpus)))]
    print(
        f"\n{len(rows)} 页：CPU 中位数 {statistics.median(cpus):.2f} s，p95 {p95:.2f} s，最大 {max(cpus):.2f} s"
        f"（目标 ≤ 2 s，单核）；超过 2 s 的 {sum(c > 2 for c in cpus)} 页；"
        f"读出 {sum(r['chars'] for r in rows)} 字，与原文相符 {sum(r['matched'] for r in rows)}，"
        f"数字 {sum(r['figures'] for r in rows)} 个"
    )
    if before_squeeze is not None:
        times: list[float] = sorted(r["before"] for r in rows)
        print(
            f"之前的设置（{args.before}，同一次运行）：CPU 中位数 {statistics.median(times):.2f} s，"
            f"p95 {times[min(len(times) - 1, int(0.95 * len(times)))]:.2f} s，最大 {max(times):.2f} s；"
            f"与原文相符 {sum(r['before_matched'] for r in rows)}，数字 {sum(r['before_figures'] for r in rows)} 个；"
            f"文字不同的页 {sum(1 for r in rows if r['changed'])}"
        )
    if wheel is not None:
        times = sorted(r["wheel"] for r in rows)
        print(
            f"原模型文件（同一次运行）：CPU 中位数 {statistics.median(times):.2f} s，"
            f"p95 {times[min(len(times) - 1, int(0.95 * len(times)))]:.2f} s，最大 {max(times):.2f} s；"
            f"与原文相符 {sum(r['wheel_matched'] for r in rows)}，数字 {sum(r['wheel_figures'] for r in rows)} 个；"
            f"文字不同的页 {sum(1 for r in rows if r['wheel_changed'])}"
        )
    if untuned is not None:
        print(
            f"未调优引擎（同一页图像，同一次运行）：CPU 中位数 {statistics.median(r['untuned'] for r in rows):.2f} s，"
            f"最大 {max(r['untuned'] for r in rows):.2f} s；框内数字 调优 {sum(r['box_figures'] for r in rows)} 个，"
            f"未调优 {sum(r['untuned_figures'] for r in rows)} 个"
        )


def _commit() -> str:
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=CORPUS)
    return run.stdout.strip()


if __name__ == "__main__":
    main()
