"""Scanned PDF pages read offline on the CPU: RapidOCR on ONNX Runtime (its Chinese PP-OCR models ship inside the
rapidocr-onnxruntime wheel, so nothing is downloaded at run time).

Why RapidOCR rather than Debian's tesseract-ocr-chi-sim: on a table page of the review corpus rendered at
150 dpi, tesseract 5.3 (3 s CPU) misread names (棠溪 → 党误, 实际完成 → 买际完) and lost the figures of the
年初预算数/全年预算数 columns, while RapidOCR read every figure of the page, gives a confidence per box (which the
review needs to tell a sure figure from a doubtful one) and, as tuned below, takes about 1.4 s CPU a table page.

A page is rendered at OCR_DPI; red ink (stamps 公章, red signatures) is whitened before recognition so a seal
over the text does not break it; ruled tables are found from their lines (OpenCV morphology) and the recognised
boxes are placed into their cells (layout.py); the rest reads as lines. Every block keeps its page, its box (in
pixels at OCR_DPI) and the lowest confidence of the text it holds.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .crops import read_lines, squeezed
from .layout import Block, Box, Grid, blocks_from_boxes
from .lean import lean_model
from .reading import Read, agreed, boxed, folded, read_crops, settled, stacked_lines, unturned
from .scanprep import SPECK, prepared

__all__ = [
    "MAX_OCR_PAGES",
    "OCR_DPI",
    "OcrStats",
    "OcrUnavailable",
    "figures_read",
    "find_grids",
    "folded",
    "measured",
    "read_image",
    "read_pdf_pages",
]

OCR_DPI = 150
MAX_OCR_PAGES = 100  # scanned pages recognised per document; the same limit for every input


class OcrUnavailable(RuntimeError):
    """The OCR engine is not installed; the message is Chinese and says how to install it."""


@dataclass
class OcrStats:
    """What recognition cost and found, for the bench: CPU seconds and boxes per page."""

    pages: int = 0
    cpu_seconds: list[float] = field(default_factory=list)
    figures: list[int] = field(default_factory=list)


_engine: Any = None
_engine_lock = threading.Lock()
_measuring: OcrStats | None = None


@contextlib.contextmanager
def measured() -> Iterator[OcrStats]:
    """Every page recognised inside the block is counted (for the bench, around a whole review)."""
    global _measuring
    _measuring = stats = OcrStats()
    try:
        yield stats
    finally:
        _measuring = None


def _ocr_engine() -> Any:
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError:
                raise OcrUnavailable(
                    "该 PDF 是扫描件，需要文字识别组件 rapidocr-onnxruntime，但未安装。请运行 bash scripts/setup.sh。"
                ) from None
            # One thread: a bureau's batch runs one document per core. Lines are padded to at least the model's
            # width before recognition; 96 px instead of 320 px keeps a table cell's few characters from being
            # read as a 7-character line (recognition 2.6× faster on a table page, the same figures read).
            # One line per call (formats/reading.py; only crops of the least width go eight a call): the
            # recogniser's cost per pixel of width grows with the batch (on one core, 83 µs/px for one 1760-px
            # line, 139 µs/px for six of them: they no longer fit the cache), so the wheel's batches of six made a
            # page of 20 long lines cost 5–7 s; alone, 2.7 s at most.
            engine = RapidOCR(
                intra_op_num_threads=1, inter_op_num_threads=1, rec_img_shape=[3, 48, 96], rec_batch_num=1
            )
            for wrapper in (engine.text_det.infer, engine.text_rec.session):  # models in fewer steps: lean.py
                _with_arena(wrapper, lean_model(wrapper.session._model_path))
            _warmed(engine)
            _engine = engine
        return _engine


def _with_arena(wrapper: Any, model: str | bytes | None = None) -> None:
    """A model's session made again with ONNX Runtime's memory arena, which the wheel turns off: each of a page's
    hundred-odd calls then reuses its buffers rather than allocating them (8% less CPU a page, measured A/B
    on three corpus pages in one process; the same arithmetic, the same readings). `model`: another file (or
    bytes) of the same model to load instead."""
    import onnxruntime  # type: ignore[import-untyped]

    options = onnxruntime.SessionOptions()
    options.enable_cpu_mem_arena = True
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    model = model or wrapper.session._model_path
    wrapper.session = onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])


def _warmed(engine: Any) -> None:
    """The engine's first run of each model sets up ONNX Runtime's buffers (0.3 s CPU, once a process): done on
    a blank page as the engine loads, so that it is not charged to the first page read."""
    import numpy as np

    engine.auto_text_det(np.full((992, 768, 3), 255, np.uint8))  # the size a page is detected at
    # a batch of short crops, and lines up to a page's width (ONNX Runtime grows its buffers to the widest)
    read_crops(engine.text_rec, [np.full((48, w, 3), 255, np.uint8) for w in [64] * 8 + [1800]])


def _without_red(image: Any) -> Any:
    """Red ink (seals, signatures in red) turned white; returns the grey page."""
    import cv2
    import numpy as np

    if image.ndim == 3:
        b, g, r = (image[:, :, i].astype(np.int16) for i in range(3))
        red = (r > 120) & (r - np.maximum(g, b) > 50)
        image = image.copy()
        image[red] = 255
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return image


def _rules(values: Any, minimum: float) -> list[float]:
    """Centres of runs of positions whose count reaches `minimum` (a rule a few pixels thick is one rule)."""
    found: list[list[int]] = []
    for i, count in enumerate(values):
        if count < minimum:
            continue
        if found and i - found[-1][-1] <= 3:
            found[-1].append(i)
        else:
            found.append([i])
    return [(run[0] + run[-1]) / 2 for run in found]


def _long(dpi: int) -> tuple[int, int]:
    return int(dpi * 0.35), int(dpi * 0.2)  # strokes of 10.5 pt characters are under 0.15 inch


def _rule_lines(gray: Any, dpi: int) -> tuple[Any, Any, Any]:
    """The page's ink (binary) and, of it, the horizontal and the vertical lines longer than any stroke."""
    import cv2

    binary = cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    long_h, long_v = _long(dpi)
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_h, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long_v)))
    return binary, horizontal, vertical


def _without_rules(gray: Any, dpi: int) -> Any:
    """The page with its ruled lines whitened, for a line read again when a rule's end caught in its crop was
    read as a character ("「国家政策…" for "国家政策…" beside a cell's corner, corpus t16). Only then: a lone "0"
    cropped with a rule beside it is read more surely than without (0.95 against 0.63–0.89)."""
    import cv2
    import numpy as np

    _, horizontal, vertical = _rule_lines(gray, dpi)
    rules = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((3, 3), np.uint8))
    out = gray.copy()
    out[rules > 0] = 255
    return out


def find_grids(gray: Any, dpi: int = OCR_DPI) -> tuple[Grid, ...]:
    """Ruled tables on a grey page: the lines longer than any character stroke, grouped into frames."""
    import cv2
    import numpy as np

    binary, horizontal, vertical = _rule_lines(gray, dpi)
    long_h, long_v = _long(dpi)
    frame = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(frame, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    grids = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w < dpi or h < dpi * 0.2:
            continue
        ys = _rules((horizontal[y : y + h, x : x + w] > 0).sum(axis=1), long_h)
        xs = _rules((vertical[y : y + h, x : x + w] > 0).sum(axis=0), long_v)
        if len(ys) >= 2 and len(xs) >= 2:
            drawn_xs, drawn_ys = _drawn(horizontal, vertical, tuple(x + v for v in xs), tuple(y + v for v in ys))
            grids.append(_with_merges(binary, drawn_xs, drawn_ys))
    return tuple(grids)


def _drawn(
    horizontal: Any, vertical: Any, xs: tuple[float, ...], ys: tuple[float, ...]
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The grid's rules without an inner one drawn along no whole cell: long strokes that are not a rule — a
    signature's upright stroke, a seal's ring the ink removal left grey, 38 px down a row 80 px high (degraded
    scans of corpus t26, t41) — were found as a column's rule and cut a cell's text in two. A rule is drawn
    (its long-line pixels cover DRAWN of the stretch) beside at least one cell."""
    import numpy as np

    def drawn(mask: Any, at: float, stretches: tuple[float, ...]) -> bool:
        shares = [
            float((mask[int(a) + 4 : int(b) - 3, max(int(at) - 2, 0) : int(at) + 3] > 0).any(axis=1).mean())
            for a, b in itertools.pairwise(stretches)
            if int(b) - int(a) > 8
        ]
        return not shares or max(shares) >= DRAWN

    kept_x = (xs[0], *(x for x in xs[1:-1] if drawn(vertical, x, ys)), xs[-1])
    kept_y = (ys[0], *(y for y in ys[1:-1] if drawn(np.ascontiguousarray(horizontal.T), y, kept_x)), ys[-1])
    return kept_x, kept_y


DRAWN = 0.8  # share of a cell's side a rule's long-line pixels cover where it is drawn


def _inked(strip: Any) -> float:
    """Share of a rule's length that is ink (1.0: the rule is drawn; well under: cells merged across it)."""
    return float((strip > 0).mean()) if strip.size else 1.0


def _with_merges(binary: Any, xs: tuple[float, ...], ys: tuple[float, ...]) -> Grid:
    """The grid, with the stretches where a rule is missing: there two cells are one merged cell."""
    open_v = {
        (r, k)
        for r in range(len(ys) - 1)
        for k in range(1, len(xs) - 1)
        if _inked(binary[int(ys[r]) + 4 : int(ys[r + 1]) - 3, int(xs[k]) - 2 : int(xs[k]) + 3].max(axis=1)) < 0.8
    }
    open_h = {
        (k, c)
        for k in range(1, len(ys) - 1)
        for c in range(len(xs) - 1)
        if _inked(binary[int(ys[k]) - 2 : int(ys[k]) + 3, int(xs[c]) + 4 : int(xs[c + 1]) - 3].max(axis=0)) < 0.8
    }
    return Grid(xs, ys, frozenset(open_v), frozenset(open_h))


DET_SCALE = 0.6  # text is found on a smaller page (a third of the work), read on the full one


def _split_at_rules(box: Any, grids: tuple[Grid, ...]) -> list[Any]:
    """A detected line that runs across a table's rule cut at it: a line across a vertical rule (two cells' text
    close together), a column of stacked characters across a horizontal one (a narrow column's cells, t30)."""
    import numpy as np

    x0, y0 = box[:, 0].min(), box[:, 1].min()
    x1, y1 = box[:, 0].max(), box[:, 1].max()
    if y1 - y0 > 1.5 * (x1 - x0):  # a column of characters
        cx, margin = (x0 + x1) / 2, (x1 - x0) * 0.5
        cuts = sorted(
            y
            for g in grids
            if g.xs[0] <= cx <= g.xs[-1]
            for k, y in enumerate(g.ys)
            if y0 + margin < y < y1 - margin and (k, g.col_of(cx)) not in g.open_h
        )
        if not cuts:
            return [box]
        edges = [y0, *cuts, y1]
        return [
            np.array([[x0, a], [x1, a], [x1, b], [x0, b]], dtype=np.float32)
            for a, b in itertools.pairwise(edges)
            if b - a > 2
        ]
    cy = (y0 + y1) / 2
    margin = (y1 - y0) * 0.5
    cuts = sorted(
        x
        for g in grids
        if g.ys[0] <= cy <= g.ys[-1]
        for k, x in enumerate(g.xs)
        if x0 + margin < x < x1 - margin and (g.row_of(cy), k) not in g.open_v  # a drawn rule, not a merged cell
    )
    if not cuts:
        return [box]
    edges = [x0, *cuts, x1]
    return [
        np.array([[a, y0], [b, y0], [b, y1], [a, y1]], dtype=np.float32)
        for a, b in itertools.pairwise(edges)
        if b - a > 2
    ]


def _detect(gray: Any) -> list[Any]:
    """Corner points of each line of text, in page pixels (found on the page reduced by DET_SCALE)."""
    import cv2

    small = cv2.resize(gray, None, fx=DET_SCALE, fy=DET_SCALE, interpolation=cv2.INTER_AREA)
    found, _ = _ocr_engine().auto_text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    return [] if found is None else [box / DET_SCALE for box in found]


def _sides(box: Any) -> tuple[float, float]:
    import numpy as np

    return float(np.linalg.norm(box[1] - box[0])), float(np.linalg.norm(box[3] - box[0]))


def _turn(gray: Any, boxes: list[Any]) -> int | None:
    """How to turn a page scanned sideways or upside down upright (a cv2.ROTATE_* code), or None.

    Sideways: most lines are found taller than wide. Which way up: the engine's angle classifier (0° or 180°,
    a few milliseconds a line) on the page's eight longest lines — the only use of the classifier, so an upright
    page does not pay it per line. A turn needs three lines of four agreeing, so a page of stray marks stays."""
    import cv2

    if len(boxes) < 3:
        return None
    tall = [b for b in boxes if _sides(b)[1] > 1.5 * _sides(b)[0]]
    wide = [b for b in boxes if _sides(b)[0] > 1.5 * _sides(b)[1]]
    sideways = len(tall) > 2 * len(wide)
    sample = sorted(tall if sideways else wide, key=lambda b: -max(_sides(b)))[:8]
    if len(sample) < 3:
        return None
    if sideways and _stacked(gray, sample):
        return None  # an upright page whose narrow table columns stack their characters one a line (t30)
    engine = _ocr_engine()
    # a tall line's crop comes turned a quarter counter-clockwise (get_crop_img_list), upright when the page was
    # turned clockwise
    crops = engine.get_crop_img_list(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), sample)
    _, read, _ = engine.text_cls(crops)
    upside_down = sum(1 for label, score in read if label == "180" and score >= 0.9) / len(read)
    if sideways:
        return cv2.ROTATE_90_CLOCKWISE if upside_down >= 0.5 else cv2.ROTATE_90_COUNTERCLOCKWISE
    return cv2.ROTATE_180 if upside_down >= 0.75 else None


UPRIGHT_CHARACTERS = 0.6  # mean confidence of a tall line's first characters read as they stand on the page


def _stacked(gray: Any, tall: list[Any]) -> bool:
    """Whether tall lines are columns of upright characters stacked one a line (a table's narrow column, corpus
    t30) rather than the lines of a page scanned sideways: their first three character-sized squares, each read
    as it stands on the page, read as characters (0.77–0.97 on t30's pages) — a sideways page's characters,
    lying on their side, do not (0.10–0.33 on four corpus pages turned a quarter)."""
    import cv2
    import numpy as np

    squares = []
    for box in tall:
        x0, y0 = (int(v) for v in np.maximum(box.min(axis=0), 0))
        x1, y1 = (int(v) for v in box.max(axis=0))
        side = x1 - x0
        for k in range(min(3, (y1 - y0) // max(side, 1))):
            squares.append(cv2.cvtColor(gray[y0 + k * side : y0 + (k + 1) * side, x0:x1], cv2.COLOR_GRAY2BGR))
    if not squares:
        return False
    reads = read_crops(_ocr_engine().text_rec, squares)
    return sum(r.score for r in reads) / len(reads) >= UPRIGHT_CHARACTERS


def _skew(boxes: list[Any]) -> float:
    """The angle (degrees, counter-clockwise positive as cv2 turns) that straightens a page fed askew: the median
    slope of its long lines, when between 0.3° and 10° (a straight page's lines are found at exactly 0°)."""
    import numpy as np

    slopes = [
        float(np.degrees(np.arctan2(b[1][1] - b[0][1], b[1][0] - b[0][0])))
        for b in boxes
        if _sides(b)[0] > 4 * _sides(b)[1]
    ]
    if len(slopes) < 3:
        return 0.0
    angle = float(np.median(slopes))
    return angle if 0.3 <= abs(angle) <= 10 else 0.0


def _upright(gray: Any) -> tuple[Any, list[Any]]:
    """The page turned upright and straightened, and its lines of text found on it. Boxes and table rules are
    then those of the corrected page (a ruled table is found only from straight rules)."""
    import cv2

    boxes = _detect(gray)
    turn = _turn(gray, boxes)
    if turn is not None:
        gray = cv2.rotate(gray, turn)
        boxes = _detect(gray)
    angle = _skew(boxes)
    if angle:
        h, w = gray.shape[:2]
        turned = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        gray = cv2.warpAffine(gray, turned, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        boxes = _detect(gray)
    return gray, boxes


def _recognise(gray: Any, found: list[Any], grids: tuple[Grid, ...] = ()) -> list[tuple[Any, Read]]:
    """(corner points, what was read) of each line of text found, in page pixels."""
    import cv2

    engine = _ocr_engine()
    boxes = _ends_kept(gray, stacked_lines(gray, [piece for box in found for piece in _split_at_rules(box, grids)]))
    if not boxes:
        return []
    crops = engine.get_crop_img_list(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), boxes)
    crops = [squeezed(crop) for crop in unturned(crops, boxes)]
    reads = read_lines(engine.text_rec, crops)
    edged = [i for i, read in enumerate(reads) if read.text[:1] in _RULE_GLYPHS or read.text[-1:] in _RULE_GLYPHS]
    if grids and edged:  # read again on the page without its rules; the surer reading kept
        page = cv2.cvtColor(_without_rules(gray, OCR_DPI), cv2.COLOR_GRAY2BGR)
        again = [boxes[i] for i in edged]
        crops = [squeezed(crop) for crop in unturned(engine.get_crop_img_list(page, again), again, boxes)]
        again = read_lines(engine.text_rec, crops)
        for i, read in zip(edged, again, strict=True):
            if read.text and read.score >= reads[i].score:
                reads[i] = read
    return [(box, read) for box, read in zip(boxes, reads, strict=True) if read.score >= engine.text_score]


END_REACH = 14  # px: how far past a line's box its first or last stroke may run and still be its own
# and from how far it is taken: a pixel or two of a glyph's edge beside a box is not a cut stroke
END_LEAST = 3
FLAT = 5  # rows a level stroke (一, a dash) spans at 150 dpi, greyed and blurred
STROKE_LIGHT = 200  # a thin stroke JPEG has greyed (一 at 150-190) is darker than this; the paper's grain is not


def _reach(band: Any, x: int, step: int) -> int:
    """How many columns from x, going by step, hold a level stroke's ink (within FLAT rows: the 一 the box cut,
    not a bracket's curve) that ends — a blank column — within END_REACH (a rule or a line runs on); 0 when none."""
    import numpy as np

    for moved in range(END_REACH + 1):
        at = x + step * (moved + 1)
        if not 0 <= at < band.shape[1]:
            return 0
        rows = np.flatnonzero(band[:, at])
        if not len(rows):
            return moved
        if rows[-1] - rows[0] >= FLAT:
            return 0
    return 0


def _ends_kept(gray: Any, boxes: list[Any]) -> list[Any]:
    """Level line boxes widened over the stroke their left or right edge cuts: the detector's box may start a
    pixel or two inside a line's first stroke, and a lone 一 at a line's start so cut is read as nothing
    ("一、基本情况" read "、基本情况", "一级预算单位名称" read "级预算…": corpus n01, t38 degraded). A box's end
    moves out while the columns beside it hold a level stroke, from END_LEAST to END_REACH px: not over a
    bracket's curve nor onto a rule (widened over those, a clean scan's "(30分)" read 0.896, not 0.9: t04)."""
    import numpy as np

    out = []
    for box in boxes:
        x0, y0 = (int(v) for v in box.min(axis=0))
        x1, y1 = (int(v) for v in np.ceil(box.max(axis=0)))
        level = abs(float(box[1][1] - box[0][1])) < 2 and abs(float(box[3][0] - box[0][0])) < 2
        if not level or x1 - x0 <= y1 - y0 or y0 < 0 or y1 > gray.shape[0]:
            out.append(box)
            continue
        band = gray[y0 + 3 : y1 - 3, :] < STROKE_LIGHT  # inside the box's rows: not a rule along its top or foot
        left, right = (moved if moved >= END_LEAST else 0 for moved in (_reach(band, x0, -1), _reach(band, x1 - 1, 1)))
        if left or right:
            box = box.copy()
            box[[0, 3], 0] -= left
            box[[1, 2], 0] += right
        out.append(box)
    return out


# what a table rule's end caught at a crop's edge is read as (corpus t16: "「国家政策" beside a cell's corner)
_RULE_GLYPHS = frozenset("「」『』|丨[]")


def read_image(image: Any, page: int, dpi: int = OCR_DPI, path: Path | None = None) -> list[Block]:
    """One page image (BGR or grey numpy array) → its paragraphs and tables. A page scanned sideways, upside
    down or a few degrees askew is turned upright first; boxes are in the corrected page's pixels. A doubtful
    character is settled by the page's lines, or those of the document's pages read so far (`path`: reading.py)."""
    gray, found = _upright(prepared(image))  # paper white, seals and signatures faded, skew undone: scanprep.py
    grids = find_grids(gray, dpi)
    boxes = []
    for points, read in _recognise(gray, found, grids):
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        boxes.append(boxed(read, (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys)))))
    boxes += _missed_in_cells(gray, grids, boxes)
    boxes = settled(path, {page: boxes})[page] if path else agreed([boxes])[0]
    blocks = blocks_from_boxes(boxes, page, grids)
    return [b for b in blocks if not (b.kind == "paragraph" and _PAGE_NUMBER.fullmatch(b.text))]


def _marks(cell: Any) -> Any:
    """The ink pixels (rows, columns) of a cell without its specks of dust (marks at most SPECK px across): a
    speck in a blank stretch of a cell widened the crop around its figure so that it read as nothing (".5·"
    with dust further down, corpus t44 degraded). A cell holding only specks gives them all."""
    import cv2
    import numpy as np

    _, labels, stats, _ = cv2.connectedComponentsWithStats(cell, connectivity=8)
    large = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) > SPECK
    large[0] = False
    if not large[1:].any():
        return np.nonzero(cell)
    return np.nonzero(large[labels])


INK_DARK = 160  # a character's strokes on the white-balanced page are darker than this; the paper's grain is not


def _missed_in_cells(gray: Any, grids: tuple[Grid, ...], boxes: list[Box]) -> list[Box]:
    """Ink in a table cell that no detected line covers, recognised on its own: the text detector, working on
    a reduced page, can miss a lone narrow figure such as a "1" in a 目标值 cell."""
    import cv2

    engine = _ocr_engine()
    binary = cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    # and dark: on a noisy scan the local threshold also takes the paper's grain, all over a blank stretch of the
    # cell, and a crop of the whole cell with its figure in a corner reads as nothing (a "4" beside the left
    # rule, corpus t32 degraded)
    binary[gray >= INK_DARK] = 0
    found: list[Box] = []
    for grid in grids:
        for r in range(len(grid.ys) - 1):
            for c in range(len(grid.xs) - 1):
                x0, y0, x1, y1 = (
                    int(grid.xs[c]) + 4,
                    int(grid.ys[r]) + 4,
                    int(grid.xs[c + 1]) - 3,
                    int(grid.ys[r + 1]) - 3,
                )
                if x1 - x0 < 4 or y1 - y0 < 4:
                    continue
                # and none read here already: two grids found over one table (its body, and the body with the
                # rows above it) share their cells, and a lone "1" read in each was the cell's "11" (corpus t08
                # degraded: a score of 1 read as 11, a false 得分超过分值 error)
                held = [b for b in (*boxes, *found) if b.x0 < x1 and b.x1 > x0 and b.y0 < y1 and b.y1 > y0]
                if held:
                    found += _missed_line(engine, gray, binary, (x0, y0, x1, y1), held)
                    continue
                ink = _marks(binary[y0:y1, x0:x1])
                if len(ink[0]) < 12:  # specks of a scan, not a character
                    continue
                top, bottom = y0 + ink[0].min() - 4, y0 + ink[0].max() + 5
                left, right = x0 + ink[1].min() - 4, x0 + ink[1].max() + 5
                crop = cv2.cvtColor(gray[max(top, 0) : bottom, max(left, 0) : right], cv2.COLOR_GRAY2BGR)
                (read,) = read_crops(engine.text_rec, [crop])
                if read.text.strip() and read.score >= engine.text_score:
                    found.append(boxed(read, (float(left), float(top), float(right), float(bottom))))
    return found


# what a line missed in a cell must read as to be taken: a figure's or a word's characters, surely
_LINE_TEXT = re.compile(r"[\d\u4e00-\u9fff%]")
LINE_SURE = 0.9


def _missed_line(engine: Any, gray: Any, binary: Any, cell: tuple[int, int, int, int], held: list[Box]) -> list[Box]:
    """A line of a cell's text that the detector missed where it found the others: the lone last digit of a
    figure wrapped in a narrow column ("338.3" over "1", corpus t23 degraded: read 338.3 at 0.994 and "329.7" for
    329.77, and the funds' parts no longer added up to them — a false warning). A band of ink rows of the cell
    (its marks, without specks) at least half as tall as its boxes whose middle no box of the cell covers, read
    on its own and taken only if read surely as figures or characters."""
    import cv2
    import numpy as np

    x0, y0, x1, y1 = cell
    rows, cols = _marks(binary[y0:y1, x0:x1])
    if not len(rows):
        return []
    tall = float(np.median([b.y1 - b.y0 for b in held])) / 3  # a box stands a third above and below its ink
    inked = np.zeros(y1 - y0, bool)
    inked[rows] = True
    found = []
    for top, bottom in _runs(inked):
        middle = y0 + (top + bottom) / 2
        if bottom - top < tall or any(b.y0 <= middle <= b.y1 for b in held):
            continue
        band = cols[(rows >= top) & (rows < bottom)]
        left, right = x0 + int(band.min()) - 4, x0 + int(band.max()) + 5
        crop = cv2.cvtColor(gray[max(y0 + top - 4, 0) : y0 + bottom + 4, max(left, 0) : right], cv2.COLOR_GRAY2BGR)
        (read,) = read_crops(engine.text_rec, [crop])
        if read.score >= LINE_SURE and _LINE_TEXT.search(read.text):
            found.append(boxed(read, (float(left), float(y0 + top - 4), float(right), float(y0 + bottom + 4))))
    return found


def _runs(inked: Any) -> list[tuple[int, int]]:
    """(first, past last) of each run of True in `inked`, a gap of one row bridged (a stroke's thin part)."""
    runs: list[list[int]] = []
    for at in map(int, inked.nonzero()[0]):
        if runs and at - runs[-1][1] <= 1:
            runs[-1][1] = at + 1
        else:
            runs.append([at, at + 1])
    return [(a, b) for a, b in runs]


# "- 3 -", "— 3 —", "3", "第3页", "第3页 共12页": page numbers, not the report's text (as for text PDFs)
_PAGE_NUMBER = re.compile(r"\s*[-—－–]?\s*(第\s*)?\d{1,4}\s*(页)?\s*(共\s*\d{1,4}\s*页)?\s*[-—－–]?\s*")


def read_pdf_pages(path: Path, pages: list[int], stats: OcrStats | None = None) -> dict[int, list[Block]]:
    """The given pages (1-based) of a PDF, rendered and recognised."""
    import pypdfium2

    if len(pages) > MAX_OCR_PAGES:
        raise OcrUnavailable(
            f"扫描页过多（{len(pages)} 页），一次最多识别 {MAX_OCR_PAGES} 页。请拆分文件或提供文字版 PDF / Word 版。"
        )
    _ocr_engine()
    stats = stats or _measuring
    out: dict[int, list[Block]] = {}
    document = pypdfium2.PdfDocument(str(path))
    try:
        for number in pages:
            started = time.process_time()
            bitmap = document[number - 1].render(scale=OCR_DPI / 72)
            image = bitmap.to_numpy()[:, :, :3]  # BGR(x) → BGR
            out[number] = read_image(image, number, path=path)
            if stats is not None:
                stats.pages += 1
                stats.cpu_seconds.append(time.process_time() - started)
                stats.figures.append(sum(figures_read(b) for b in out[number]))
    finally:
        document.close()
    return out


def figures_read(block: Block) -> int:
    """Figures (123, 12.5) a block holds: what the bench counts per page."""
    cells = [block.text] if block.kind == "paragraph" else [c for row in block.rows for c in row]
    return sum(len(re.findall(r"\d+(?:\.\d+)?", c)) for c in cells)
