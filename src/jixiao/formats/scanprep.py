"""A scanned page made ready for text detection: the page as a bureau receives it — grey or yellowed paper, a red
seal and a blue signature over the text, fed a few degrees askew — turned into dark text on white, upright.

- Paper: each colour channel is divided by the paper's own level (white balance), so grey and yellowish sheets
  become white and the ink's contrast is what it was on the page.
- Coloured ink (seals 公章 in red, signatures in blue ballpoint): a pixel whose channels differ widely (after
  the white balance: the paper's own tint is gone) is taken at its lightest channel — red ink is light in the
  red channel, blue in the blue — lifted to the paper where that is light; so the seal and the stroke go while
  black text under them stays dark (keep the dark, unsaturated pixels).
- Skew: the angle whose row and column ink profiles are sharpest (text lines and a table's rules line up with
  the rows, its rules with the columns), searched within ±5° on a reduced page and refined; the page is turned
  by it when it is at least SKEW_LEAST. A page whose lines of text are long was already straightened from its
  detected lines (ocr._skew); a table page's cells are short, so its skew is found here from its rules.

Measured with bench/review_scans.py (pages degraded by bench/degrade.py).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = ["SKEW_LEAST", "deskewed", "despeckled", "ink_only", "prepared", "skew_angle"]

SKEW_LEAST = 0.2  # degrees: a smaller tilt moves a line's end by under 2 px across a 150-dpi page
_SEARCH = 5.0  # degrees either way
# channel spread (0–255, after white balance) from which a pixel counts as coloured ink, and where it fully does
_COLOUR_FROM, _COLOUR_FULL = 20.0, 50.0
# a coloured pixel's lightest channel below this may be text under the ink (a thin stroke of black text under a
# seal reads 150–180 in the red channel on a grey scanned page); above, the paper under the ink. A seal is
# stamped over the text (骑字盖章); a signature is written beside it, and its blue ballpoint is darker than a
# seal's red (150–190 in the blue channel): taken to the paper from lower
_TEXT_UNDER, _TEXT_UNDER_BLUE = 190.0, 120.0


def prepared(image: Any) -> Any:
    """The page (BGR or grey numpy array) as grey, paper white, coloured ink removed, specks of dust taken
    away, straightened."""
    return deskewed(despeckled(ink_only(image)))


def ink_only(image: Any) -> Any:
    """The grey page with the paper white and coloured ink (red seals, blue signatures) faded to it."""
    import cv2
    import numpy as np

    if image.ndim == 2:
        return cv2.LUT(image, _balance(float(np.percentile(image[::4, ::4], 75))))
    channels = [
        cv2.LUT(np.ascontiguousarray(image[:, :, i]), _balance(float(np.percentile(image[::4, ::4, i], 75))))
        for i in range(3)
    ]
    gray = cv2.cvtColor(cv2.merge(channels), cv2.COLOR_BGR2GRAY)
    lightest = cv2.max(cv2.max(channels[0], channels[1]), channels[2])
    spread = cv2.subtract(lightest, cv2.min(cv2.min(channels[0], channels[1]), channels[2]))
    coloured = spread > _COLOUR_FROM
    if coloured.any():  # only there: a seal or a stroke is a small share of a page
        share = np.clip((spread[coloured].astype(np.float32) - _COLOUR_FROM) / (_COLOUR_FULL - _COLOUR_FROM), 0, 1)
        low = gray[coloured].astype(np.float32)
        # the lightest channel: the paper's under coloured ink alone, still dark where black text lies under it;
        # a light one (a seal's red on paper alone) taken to the paper
        light = lightest[coloured].astype(np.float32)
        under = np.where(channels[0][coloured] == lightest[coloured], _TEXT_UNDER_BLUE, _TEXT_UNDER)
        light += (255.0 - light) * np.clip((light - under) / 40.0, 0, 1)
        gray[coloured] = (low + (light - low) * share).astype(np.uint8)
    return gray


def _balance(paper: float) -> Any:
    """A lookup table taking the paper's level to white (a channel scaled by 255 / paper)."""
    import numpy as np

    return np.clip(np.arange(256, dtype=np.float32) * (255.0 / max(paper, 64.0)), 0, 255).astype(np.uint8)


# specks (page pixels at 150 dpi): a dust dot is at most SPECK px across and roughly round. One with other ink
# within ALONE px is left as it is — a decimal point lies 3–4 px from its digits, 。 and 、 beside their
# character, a stroke of 氵 beside the rest — and so is one with ink on its own rows within LINE px to either
# side (a mark on a line of text: a full-width comma after 》 stands 10–12 px from both neighbours, 5 × 6 px
# like a speck: corpus n19 scanned), and one of a row of at least DOTS dots, each within ALONE px of the next
# (an ellipsis, a dot leader). The rest — in a margin, between lines, in a blank cell — is dust: read, it became
# a stray "." or "," in a line. A speck close beside a figure is left (reading._unspecked takes it off a lone
# figure).
SPECK, ALONE, LINE, DOTS = 7, 8, 24, 3


def despeckled(gray: Any) -> Any:
    """The grey page with its specks of dust (isolated dots a scan's glass and toner leave) turned paper."""
    import cv2
    import numpy as np

    ink = (gray < 200).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    left, top = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    w, h = stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]
    small = (w <= SPECK) & (h <= SPECK) & (np.maximum(w, h) <= 2 * np.minimum(w, h) + 1)
    small[0] = False  # the paper
    if not small.any():
        return gray
    rows = cv2.dilate(small[labels].astype(np.uint8), np.ones((3, ALONE + 1), np.uint8))
    _, grouped = cv2.connectedComponents(rows, connectivity=8)
    specks = np.nonzero(small)[0].tolist()
    group_of = {label: int(grouped[top[label], left[label] : left[label] + w[label]].max()) for label in specks}
    in_group = Counter(group_of.values())
    out = gray.copy()
    for label in specks:
        if in_group[group_of[label]] >= DOTS:
            continue
        y0, y1, x0, x1 = top[label], top[label] + h[label], left[label], left[label] + w[label]
        around = labels[max(0, y0 - ALONE) : y1 + ALONE, max(0, x0 - ALONE) : x1 + ALONE]
        if ((around != 0) & (around != label)).any():
            continue
        beside = labels[y0:y1, max(0, x0 - LINE) : x1 + LINE]
        if ((beside != 0) & (beside != label)).any():
            continue
        box = labels[y0:y1, x0:x1] == label
        out[y0:y1, x0:x1][box] = 255
    return out


def skew_angle(gray: Any) -> float:
    """The angle (degrees, counter-clockwise as cv2 turns) that makes the page's ink profiles sharpest."""
    import cv2
    import numpy as np

    ink = (gray < 160).astype(np.float32)
    coarse = cv2.resize(ink, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    best = _best(coarse, np.arange(-_SEARCH, _SEARCH + 0.01, 0.25))
    fine = cv2.resize(ink, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    return _best(fine, np.arange(best - 0.25, best + 0.26, 0.05))


def _best(ink: Any, angles: Any) -> float:
    import cv2

    h, w = ink.shape
    centre = (w / 2, h / 2)
    scores = []
    for angle in angles:
        turned = cv2.warpAffine(ink, cv2.getRotationMatrix2D(centre, float(angle), 1.0), (w, h))
        rows, cols = turned.sum(axis=1), turned.sum(axis=0)
        scores.append(float(((rows[1:] - rows[:-1]) ** 2).sum() + ((cols[1:] - cols[:-1]) ** 2).sum()))
    return round(float(angles[max(range(len(scores)), key=scores.__getitem__)]), 2)


def deskewed(gray: Any) -> Any:
    """The grey page turned straight (skew_angle), or as it is when its tilt is under SKEW_LEAST."""
    import cv2

    angle = skew_angle(gray)
    if abs(angle) < SKEW_LEAST:
        return gray
    h, w = gray.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
