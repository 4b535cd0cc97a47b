"""A scanned page's lines prepared for the recogniser at the least cost a page (issue 20: ≤ 2 s a page on one core):
the recogniser's cost follows the width of what it reads, 66 µs a pixel of width for a line up to 800 px at its
48-px height, 72 µs at 1,100–1,400 px and 83 µs at 1,800 px (one thread, the best of six rounds; batching lines
does not lower it: bench/ocr_pages.py). So a crop is squeezed to a share of its width (SQUEEZE), and a line still
wider than WIDE is cut in two at the blank column nearest its middle, both halves read in the same call and their
readings joined.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .reading import REC_HEIGHT, Read, read_crops

__all__ = ["SQUEEZE", "WIDE", "read_lines", "squeezed"]

# (width at the recogniser's height, share kept): a crop wider is squeezed to that share. A/B on 62 corpus pages
# in one process (bench/ocr_pages.py): 480 alone, as before, 83.7 s; with 240 82.2 s, the same figures and
# characters; with 160 80.2 s, but an ellipsis and a 。 lost; lines over 960 px at 0.6 76.2 s, 4 characters lost.
SQUEEZE: tuple[tuple[int, float], ...] = ((480, 0.7), (240, 0.7))
# A line wider than WIDE at the recogniser's height is read as two halves (0: never). A/B on 29 pages (the slowest
# and a sample): 44.2 s against 45.0, 3 figures and 2 characters more matched; a detector working on half the page
# (not a 0.6 share) took 38.7 s but lost 42 characters and a dense table's cells, so it was not kept.
WIDE = 960


def squeezed(crop: Any) -> Any:
    import cv2

    h, w = crop.shape[:2]
    share = next((share for width, share in SQUEEZE if h and w * REC_HEIGHT / h > width), 1.0)
    return crop if share == 1.0 else cv2.resize(crop, (max(1, int(w * share)), h), interpolation=cv2.INTER_AREA)


def read_lines(recogniser: Any, crops: list[Any]) -> list[Read]:
    """Each crop read (reading.read_crops), a line wider than WIDE as its two halves joined."""
    pieces: list[Any] = []
    owners: list[int] = []
    for i, crop in enumerate(crops):
        for piece in _halves(crop):
            pieces.append(piece)
            owners.append(i)
    reads = read_crops(recogniser, pieces)
    out: list[Read | None] = [None] * len(crops)
    for owner, read in zip(owners, reads, strict=True):
        first = out[owner]
        out[owner] = read if first is None else _joined(first, read)
    return [read or Read("", 0.0) for read in out]


def _halves(crop: Any) -> list[Any]:
    """The crop, or its two halves cut at a blank column (no ink darker than the page's paper) in its middle
    third — the one nearest the middle; a line without such a column stays whole."""
    import numpy as np

    h, w = crop.shape[:2]
    if not WIDE or h == 0 or w * REC_HEIGHT / h <= WIDE:
        return [crop]
    gray = crop.min(axis=2) if crop.ndim == 3 else crop
    paper = np.percentile(gray, 90)
    blank = (gray >= paper - 40).all(axis=0)
    middle = w // 2
    columns = [x for x in range(w // 3, 2 * w // 3) if blank[x]]
    if not columns:
        return [crop]
    cut = min(columns, key=lambda x: abs(x - middle))
    return [crop[:, :cut], crop[:, cut:]]


def _joined(first: Read, second: Read) -> Read:
    """Two halves' readings as one line's: the text joined, the confidence the mean over both halves' characters
    (as the recogniser's over one line's), the second half's positions moved past the first's text."""
    shift = len(first.text)
    total = len(first.text) + len(second.text)
    score = (first.score * len(first.text) + second.score * len(second.text)) / total if total else 0.0
    return Read(
        first.text + second.text,
        score,
        first.closings + tuple(p + shift for p in second.closings),
        first.doubts + tuple(dataclasses.replace(d, at=d.at + shift) for d in second.doubts),
        first.places + second.places,
    )
