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
  bracket only where the cell's text leaves a "(" open before it (layout._closed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["FIGURE_RECHECK", "Read", "narrowed", "read_crops"]

REC_HEIGHT = 48  # the recogniser's input height (PP-OCRv4); a line is scaled to it
LONG_LINE = 480  # width at REC_HEIGHT above which a line is narrowed (about ten Chinese characters)
NARROWING = 0.7
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


@dataclass(frozen=True)
class Read:
    text: str
    score: float
    closings: tuple[int, ...] = ()  # positions in text where a ")" was seen but not written (CLOSING_SEEN)


def narrowed(crop: Any) -> Any:
    """A long line squeezed to 70% of its width before recognition: the recogniser's cost follows the width,
    and PP-OCR is trained on lines squeezed to fit its 320-px input, so it reads them as well. On the scanned
    pages of 20 corpus documents (13,547 characters, 646 figures; one thread): the same 590 figures read as
    unsqueezed, 1,790 character differences from the text layer against 1,794, recognition 32 s against 41 s
    and at most 1.6 s a page against 2.5 s; squeezed to 50%, 8 more figures were lost. Short crops — a table
    cell's figure — are left as they are."""
    import cv2

    h, w = crop.shape[:2]
    if h == 0 or w * REC_HEIGHT / h <= LONG_LINE:
        return crop
    return cv2.resize(crop, (max(1, int(w * NARROWING)), h), interpolation=cv2.INTER_AREA)


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
    return Read(text, score, _closings(steps, best, kept, closing))


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
