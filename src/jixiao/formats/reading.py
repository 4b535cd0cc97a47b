"""One line of a scanned page read by the recogniser (PP-OCR's CTC model, run by RapidOCR): the text, its
confidence and what the recogniser's whole output says beyond its best reading.

Each crop is read on its own (one ONNX call a line; formats/ocr.py says why) and the output is decoded as
RapidOCR decodes it — at each time step the likeliest character, repeats and CTC's blank dropped, the
confidence the mean of the kept steps' probabilities — so the text and confidence are RapidOCR's own. The
output is kept for two second readings that cost no second run:

- a figure's confidence over the form of its digits (0 read as O or o: one digit, _figure_confidence);
- a closing bracket the recogniser saw but did not write: at the end of a short crop (a table cell's last line,
  "元)") PP-OCR often gives the bracket less than CTC's blank at its step — split between ")" and "）" — and
  drops it ("(万元" for "(万元)", corpus t13, t56). The step is kept (Read.closings); the layout writes the
  bracket only where the cell's text leaves a "(" open before it (layout._closed);
- another reading of one character that the output gives a fair chance (Read.doubts): a runner-up at a written
  character's step ("=" read where the output gave "≥" 0.43 and "=" 0.30 in one crop and the other way in the
  next, corpus t57), or a character at a step the blank won only narrowly (a "一" at a line's end dropped:
  blank 0.76, "一" 0.15, t66's "两品一械"). The document decides (agreed): the other reading is taken where
  the document prints it, with its neighbours, elsewhere and never prints the chosen one so.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import statistics
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .layout import Box, Doubt
from .places import placed

__all__ = [
    "FIGURE_RECHECK",
    "Doubt",
    "Read",
    "agreed",
    "boxed",
    "folded",
    "read_crops",
    "settled",
    "unturned",
]

REC_HEIGHT = 48  # the recogniser's input height (PP-OCRv4); a line is scaled to it
FIGURE_RECHECK = 0.95  # a figure read less surely than this is read a second time (_figure_confidence)
# a bracket's probability (both widths) at a step the blank won, from which it counts as seen: a dropped ")"
# after 元 had 0.40 (t56) and 0.69 (t13) on the corpus scans. A line cut inside brackets ("…数据(截图" | "或表)")
# can reach 0.2–0.3 at its end too, which is why the layout writes one only at a whole cell's end
CLOSING_SEEN = 0.25

_FIGURE_TEXT = re.compile(r"[-+]?\d[\d.,]*%?")
# Characters one figure's digit may be read as, all meaning that digit in a figure: the recogniser's doubt over
# a lone round glyph is shared between 0, O and o (a cell's "0" read at 0.70–0.89 on the corpus scans, "o" at
# 0.5 read again), not between 0 and another digit.
_SAME_DIGIT = {"0": "0OoＯ〇○０", "1": "1lI|丨１"}
_CLOSING_FORMS = ")）"
# A runner-up reading of a step counts as a doubt from this probability; a step the blank won as a character
# seen when the blank had less than BLANK_DOUBT. On t57 and t66 the right readings had 0.30 and 0.15; a sure
# step's runner-up has under 0.01.
DOUBT = 0.1
BLANK_DOUBT = 0.85


@dataclass(frozen=True)
class Read:
    text: str
    score: float
    closings: tuple[int, ...] = ()  # positions in text where a ")" was seen but not written (CLOSING_SEEN)
    doubts: tuple[Doubt, ...] = ()  # other readings the output gives a fair chance (DOUBT, BLANK_DOUBT)
    places: tuple[tuple[str, str], ...] = ()  # a place name settled (as read, as settled): places.py


def unturned(crops: list[Any], boxes: list[Any], lines: list[Any] | None = None) -> list[Any]:
    """RapidOCR's crops of `boxes` (get_crop_img_list) with its quarter turn undone where a box is one character
    tall. RapidOCR turns a crop 1.5 times taller than wide on its side, taking it for a column of characters;
    a lone narrow character — a digit in a table cell — is as tall, and read on its side it is read unsurely
    (corpus t22 scanned: a 得分 "5" at 0.73 on its side, 0.998 upright, which made the finding on it a hint).
    One character tall: less than 1.6 times the median height of the page's lines (`lines`, by default
    `boxes`) that are wider than tall."""
    import numpy as np

    def sides(box: Any) -> tuple[int, int]:  # as RapidOCR measures a crop
        width = int(max(np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[2] - box[3])))
        return width, int(max(np.linalg.norm(box[0] - box[3]), np.linalg.norm(box[1] - box[2])))

    flat = [h for w, h in map(sides, boxes if lines is None else lines) if w >= h]
    if not flat:
        return crops
    line = statistics.median(flat)
    return [
        np.ascontiguousarray(np.rot90(crop, -1)) if h >= 1.5 * max(w, 1) and h < 1.6 * line else crop
        for crop, (w, h) in zip(crops, map(sides, boxes), strict=True)
    ]


def stacked_lines(gray: Any, boxes: list[Any]) -> list[Any]:
    """Boxes (corner points) with a tall box that holds several lines cut into them. In a narrow table column
    whose text wraps two characters a line, the detector may find the whole cell as one tall box, which the
    recogniser takes for a column of characters and reads as nonsense (corpus t25 scanned: "促进基本公共文化
    服务…" in lines of two, read "洪畅伪戏权益大毁直" at 0.51). A box at least 1.5 times taller than wide and
    two line heights tall is cut between its lines of ink: a line ends at a blank row once its ink is at least
    half a line height (a character's own blank rows, 三, lie above that), each line as wide as its ink; a
    line another box already holds is left to it."""
    import numpy as np

    heights = [float(np.ptp(b[:, 1])) for b in boxes if np.ptp(b[:, 0]) >= np.ptp(b[:, 1])]
    if not heights:
        return boxes
    line = statistics.median(heights)
    tall = [i for i, b in enumerate(boxes) if np.ptp(b[:, 1]) >= 1.5 * np.ptp(b[:, 0]) and np.ptp(b[:, 1]) >= 2 * line]
    out = [b for i, b in enumerate(boxes) if i not in tall]
    for i in tall:
        x0, y0 = (int(v) for v in np.maximum(boxes[i].min(axis=0), 0))
        x1, y1 = (int(v) for v in boxes[i].max(axis=0))
        ink = gray[y0:y1, x0:x1] < 128
        ink[:, ink.mean(axis=0) >= 0.6] = False  # a table's rule the box runs along is not a line's ink
        runs: list[list[int]] = []
        for r in np.nonzero(ink.any(axis=1))[0].tolist():
            if runs and (r == runs[-1][1] + 1 or runs[-1][1] - runs[-1][0] < line * 0.5):
                runs[-1][1] = r
            else:
                runs.append([r, r])
        runs = _cut_merged(runs, ink)
        pieces = []
        for a, b in runs:
            columns = np.nonzero(ink[a : b + 1].any(axis=0))[0]
            left, right = x0 + columns.min() - 3, x0 + columns.max() + 4
            top, bottom = y0 + a - 3, y0 + b + 4
            cx, cy = (left + right) / 2, (top + bottom) / 2
            held = any(o[:, 0].min() <= cx <= o[:, 0].max() and o[:, 1].min() <= cy <= o[:, 1].max() for o in out)
            if not held:
                pieces.append(np.array([[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float32))
        out += pieces if len(runs) >= 2 else [boxes[i]]
    return out


def _cut_merged(runs: list[list[int]], ink: Any) -> list[list[int]]:
    """Runs of ink rows with one that holds two lines touching (no blank row between them: 人民 over 群众 in
    corpus t25) cut where it has least ink near each expected line boundary; a line's height is the runs'
    median."""
    if len(runs) < 3:
        return runs
    pitch = statistics.median(b - a + 1 for a, b in runs)
    out = []
    for a, b in runs:
        count = round((b - a + 1) / pitch)
        if (b - a + 1) < 1.5 * pitch or count < 2:
            out.append([a, b])
            continue
        cuts = []
        for j in range(1, count):
            middle = a + j * (b - a + 1) // count
            near = range(max(a + 1, middle - int(pitch // 4)), min(b, middle + int(pitch // 4)) + 1)
            cuts.append(min(near, key=lambda r: (int(ink[r].sum()), abs(r - middle))))
        edges = [a, *cuts, b + 1]
        out += [[top, bottom - 1] for top, bottom in itertools.pairwise(edges)]
    return out


SHORT_BATCH = 8  # crops padded to the recogniser's least width, read this many a call


def read_crops(recogniser: Any, crops: list[Any]) -> list[Read]:
    """Each crop (BGR) read by RapidOCR's TextRecognizer `recogniser`: a line on its own, as wide as it is; the
    crops no wider than the recogniser's least width (a table cell's few characters: half the crops of a table
    page) padded to it and read SHORT_BATCH a call — the same input per crop, on one core 7.6 ms a crop
    rather than 9.5 (measured at 96 px; batches of longer lines cost more per pixel, formats/ocr.py)."""
    import numpy as np

    least = recogniser.rec_image_shape[2] / recogniser.rec_image_shape[1]
    inputs = [
        recogniser.resize_norm_img(crop, max(crop.shape[1] / max(crop.shape[0], 1), least)).astype(np.float32)
        for crop in crops
    ]
    short = [i for i, x in enumerate(inputs) if x.shape[2] <= recogniser.rec_image_shape[2]]
    outputs: dict[int, Any] = {}
    for start in range(0, len(short), SHORT_BATCH):
        group = short[start : start + SHORT_BATCH]
        for i, steps in zip(group, recogniser.session(np.stack([inputs[i] for i in group]))[0], strict=True):
            outputs[i] = steps
    for i, x in enumerate(inputs):
        if i not in outputs:
            outputs[i] = recogniser.session(x[np.newaxis, :])[0][0]
    characters = recogniser.postprocess_op.character
    index = {c: i for i, c in enumerate(characters)}
    return [_decoded(outputs[i], characters, index) for i in range(len(crops))]


def _decoded(steps: Any, characters: list[str], index: dict[str, int]) -> Read:
    """One crop's output (time steps × characters; index 0 is CTC's blank) decoded as RapidOCR decodes it."""
    import numpy as np

    closing = [index[c] for c in _CLOSING_FORMS if c in index]
    best = steps.argmax(axis=1)
    kept = [t for t in range(len(best)) if best[t] != 0 and (t == 0 or best[t] != best[t - 1])]
    text = "".join(characters[best[t]] for t in kept)
    score = float(np.mean([steps[t][best[t]] for t in kept])) if kept else 0.0
    if _FIGURE_TEXT.fullmatch(text) and score < FIGURE_RECHECK:
        score = _figure_confidence(steps, best, kept, index, characters, score)
    read = Read(text, score, _closings(steps, best, kept, closing), _doubts(steps, best, kept, characters))
    fixed, places = placed(text, _Steps(steps, best, kept, index))
    return _with_place(read, fixed, places[0]) if places else read


class _Steps:
    """One crop's output by position in its decoded text, for places.placed."""

    def __init__(self, steps: Any, best: Any, kept: list[int], index: dict[str, int]):
        self.steps, self.best, self.kept, self.index = steps, best, kept, index

    def _span(self, at: int) -> range:  # the steps from the character before `at` to the one after
        return range(
            self.kept[at - 1] + 1 if at > 0 else 0, self.kept[at + 1] if at + 1 < len(self.kept) else len(self.best)
        )

    def _gap(self, at: int) -> list[int]:  # the blank's steps just before the character at `at`
        return [t for t in range(self.kept[at - 1] + 1 if at > 0 else 0, self.kept[at]) if self.best[t] == 0]

    def written(self, at: int) -> float:
        return float(self.steps[self.kept[at]][self.best[self.kept[at]]])

    def gap(self, at: int) -> float:
        return min((float(self.steps[t][0]) for t in self._gap(at)), default=-1.0)

    def share(self, at: int, character: str, inserted: bool) -> float:
        if character not in self.index:
            return 0.0
        steps = self._gap(at) if inserted else self._span(at)
        return max((float(self.steps[t][self.index[character]]) for t in steps), default=0.0)


def _with_place(read: Read, fixed: str, place: tuple[str, str]) -> Read:
    """`read` with its text settled to a place name (places.placed): one character replaced or inserted."""
    at = next((i for i, (a, b) in enumerate(zip(read.text, fixed, strict=False)) if a != b), len(read.text))
    shift = len(fixed) - len(read.text)  # 1 where a character was inserted at `at`
    return Read(
        fixed,
        read.score,
        tuple(c + shift if c > at or (shift and c == at) else c for c in read.closings),
        tuple(dataclasses.replace(d, at=d.at + shift * (d.at >= at)) for d in read.doubts if d.at != at or shift),
        (place,),
    )


def _figure_confidence(
    steps: Any, best: Any, kept: list[int], index: dict[str, int], characters: list[str], score: float
) -> float:
    """A figure's confidence read a second time from the same output: at each step where a digit is read, the
    probability of every character that means that digit (0 or O or o), averaged as RapidOCR averages the top
    one. Higher than the first reading only where the doubt was over the form of a digit, not its value; the
    text itself is not changed."""
    levels = []
    for t in kept:
        forms = _SAME_DIGIT.get(characters[best[t]], characters[best[t]])
        levels.append(float(sum(steps[t][index[c]] for c in forms if c in index)))
    return max(score, sum(levels) / len(levels)) if levels else score


def _closings(steps: Any, best: Any, kept: list[int], closing: list[int]) -> tuple[int, ...]:
    """Positions in the decoded text where a ")" was seen at a step the blank won (not next to a ")" written)."""
    if not closing or not kept:
        return ()
    written = {t for t in kept if best[t] in closing}
    found: list[int] = []
    for t in range(kept[0] + 1, len(best)):
        if best[t] != 0 or any(abs(t - w) <= 2 for w in written):
            continue
        if float(sum(steps[t][i] for i in closing)) >= CLOSING_SEEN:
            position = sum(1 for k in kept if k < t)
            if not found or found[-1] != position:
                found.append(position)
    return tuple(found)


# brackets come in pairs: one taken from elsewhere in the document may leave its line's pair unmatched
# (corpus n79 scanned: "财预(2020)10号" became "财预[2020)10号" when brackets were settled too)
_BRACKETS = frozenset("()[]{}<>（）［］【】〔〕《》〈〉「」『』")


def _settles(character: str) -> bool:
    """A character the document's other lines may settle: not a digit or Latin letter (a figure's digits are
    doubted by their confidence, confidence.py: a figure elsewhere proves nothing about this one), a bracket
    or a space."""
    return bool(character.strip()) and not (character.isascii() and character.isalnum()) and character not in _BRACKETS


def _doubts(steps: Any, best: Any, kept: list[int], characters: list[str]) -> tuple[Doubt, ...]:
    """Other readings the output gives at least DOUBT: a written character's runner-up, and a character at a
    step the blank won with less than BLANK_DOUBT that is not the spread of a written neighbour's."""
    import numpy as np

    rest = steps.copy()
    rest[np.arange(len(best)), best] = -1.0
    rest[:, 0] = -1.0
    runner = rest.argmax(axis=1)
    found: list[Doubt] = []
    for t in np.nonzero(rest[np.arange(len(best)), runner] >= DOUBT)[0].tolist():
        other = int(runner[t])
        if not _settles(characters[other]):
            continue
        position = sum(1 for k in kept if k < t)
        if best[t] != 0:
            if t in kept and _settles(characters[best[t]]):
                found.append(Doubt(position, characters[other], True))
        elif steps[t][0] < BLANK_DOUBT:
            near = [k for k in kept if abs(k - t) <= 1 and best[k] == other]
            if not near and (t == 0 or best[t - 1] != other):
                found.append(Doubt(position, characters[other], False))
    return tuple(dict.fromkeys(found))


_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def folded(text: str) -> str:
    """Full-width ASCII (，：；（）％０-９Ａ-Ｚ and the ideographic space) read as its half-width form. The
    recogniser cannot tell "，" from "," in print — it returns either, even within one line — so one form is
    kept (half-width, as labels are compared, review.vocabulary.norm). Without it a scanned paragraph's
    figures were grouped otherwise than the same paragraph's in the .docx (corpus n12: a false 预算执行率
    conflict between two rates of one sentence). Only that block is folded: NFKC would also make ① a 1."""
    text = text.translate(_HALF_WIDTH)
    # an ellipsis (……) standing for rows left out is read as a run of dots ("·.....")
    return "……" if re.fullmatch(r"[.·・…。]{3,}", text) else text


def boxed(read: Read, corners: tuple[float, float, float, float]) -> Box:
    """A recognised line as the layout takes it: its text folded (folded), with the other readings it may take."""
    text = folded(read.text)
    doubts = () if len(text) != len(read.text) else read.doubts  # the whole text replaced: none
    doubts = tuple(Doubt(d.at, folded(d.text), d.replaces) for d in doubts if folded(d.applied(read.text)) != text)
    return Box(text, *corners, round(read.score, 3), read.closings, doubts, read.places)


def agreed(pages: list[list[Any]]) -> list[list[Any]]:
    """Boxes (layout.Box) of a document's pages, each doubtful character settled by the document: the other
    reading (Doubt) is taken where, with a neighbour, it is printed in the document's other lines and the
    chosen reading, with the same neighbour, is not — so a name read once otherwise than it is printed
    everywhere else reads as printed ("(=台)" among "(≥套)" "(≥**平方": "(≥"; "两品械" beside "两品一械")."""

    texts = [box.text for boxes in pages for box in boxes]
    counts: dict[str, int] = {}
    for text in texts:
        for n in (2, 3):
            for i in range(len(text) - n + 1):
                counts[text[i : i + n]] = counts.get(text[i : i + n], 0) + 1

    def seen(text: str, at: int, width: int, own: str) -> int:
        """How often the document prints, outside `own`, a window of `text` holding text[at:at+width]."""
        total = 0
        for n in (2, 3):  # the windows that hold the span (an insertion's: both its neighbours)
            for start in range(max(0, at + max(width, 1) - n), min(at - (width == 0), len(text) - n) + 1):
                window = text[start : start + n]
                total += counts.get(window, 0) - own.count(window)
        return total

    out = []
    for boxes in pages:
        settled = []
        for box in boxes:
            text, closings = box.text, list(box.closings)
            taken = [
                d
                for d in box.doubts
                if seen(d.applied(box.text), d.at, 1, box.text) >= 2
                and seen(box.text, d.at, int(d.replaces), box.text) == 0
            ]
            for doubt in sorted(taken, key=lambda d: d.at, reverse=True):
                text = doubt.applied(text)
                if not doubt.replaces:
                    closings = [c + (c >= doubt.at) for c in closings]
            settled.append(dataclasses.replace(box, text=text, closings=tuple(closings)) if taken else box)
        out.append(settled)
    return out


# The lines of the documents' pages recognised last (path, size, mtime → page → boxes as read): a reader asks for
# a document's scanned pages one at a time (review/pdfread.py), and a doubtful character is settled by the lines
# of every page of its document recognised so far (reading.agreed)
_read_lines: OrderedDict[tuple[str, int, int], dict[int, list[Any]]] = OrderedDict()
_read_lines_lock = threading.Lock()
READ_DOCUMENTS_KEPT = 4


def settled(path: Path, read: dict[int, list[Any]]) -> dict[int, list[Any]]:
    """The pages `read`, each doubtful character settled by the lines of its document's pages read so far."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _read_lines_lock:
        lines = _read_lines.pop(key, {})
        lines.update(read)
        _read_lines[key] = lines
        while len(_read_lines) > READ_DOCUMENTS_KEPT:
            _read_lines.popitem(last=False)
        numbers = sorted(lines)
        pages = [lines[n] for n in numbers]
    return {n: boxes for n, boxes in zip(numbers, agreed(pages), strict=True) if n in read}


def places_settled(path: Path) -> list[tuple[int, str, str]]:
    """(page, as read, as settled) of each place name settled on the pages of `path` read so far (places.py),
    for the review to say so (confidence.doubtful_name)."""
    try:
        stat = path.stat()
    except OSError:
        return []
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _read_lines_lock:
        lines = dict(_read_lines.get(key, {}))
    return [(n, *place) for n in sorted(lines) for box in lines[n] for place in box.places]
