"""A scanned page made ready for text detection: the page as a bureau receives it — grey or yellowed paper, a red
seal and a blue signature over the text, fed a few degrees askew — turned into dark text on white, upright.

- Paper: each colour channel is divided by the paper's own level (white balance), so grey and yellowish sheets
  become white and the ink's contrast is what it was on the page.
- Coloured ink (seals 公章 in red, signatures in blue ballpoint): a pixel whose channels differ widely (after
  the white balance: the paper's own tint is gone) is taken at its lightest channel — red ink is light in the
  red channel, blue in the blue — lifted to the paper where that is light; so the seal and the stroke go while
  black text under them stays dark (keep the dark, unsaturated pixels).
- The scanner's border: where a sheet fed askew or photographed does not cover the glass, the page has a grey or
  dark wedge at its edges; its edge with the paper is a long straight line a table's rules would be found with
  (a second grid framing the table and the page's edge, read as a second table). A solid region touching the
  page's edge, darker than the paper but not ink, is made paper (unbordered); text or a rule running to the
  edge is not solid or is ink, and stays (so does a black border).
- Skew: the angle whose row and column ink profiles are sharpest (text lines and a table's rules line up with
  the rows, its rules with the columns), searched within ±5° on a reduced page and refined; the page is turned
  by it when it is at least SKEW_LEAST. A page whose lines of text are long was already straightened from its
  detected lines (ocr._skew); a table page's cells are short, so its skew is found here from its rules.
- Perspective (a page photographed, or fed so that it lifted): a table's frame is then a quadrilateral, not a
  rectangle, and its rules are not straight across the page, so the grid is not found. The page's largest ruled
  frame gives the quad — its outer rules, each fitted as a line, meet at its corners — and the page is warped so
  that they make a rectangle (one homography: a flat sheet seen in perspective); a frame whose corners are
  already within UNWARP_LEAST of a rectangle (every page scanned flat) is left as it is.
- A phone's photo (formats/images.py only): the sheet cut out of the desk round it and made square (sheet_quad,
  squared), and lit evenly where its paper's level varies (a shadow across it, a darker side: evened).

Measured with bench/review_scans.py (pages degraded by bench/degrade.py; --photo for phone photos).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

__all__ = [
    "SKEW_LEAST",
    "UNWARP_LEAST",
    "deskewed",
    "despeckled",
    "evened",
    "frame_quad",
    "ink_only",
    "prepared",
    "sheet_quad",
    "sheet_size",
    "skew_angle",
    "squared",
    "unwarped",
]

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
    return unwarped(deskewed(despeckled(unbordered(ink_only(image)))))


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
    return _pen_lifted(image, gray)


# A blue ballpoint stroke: its blue channel stands above its green (the pen's ink passes blue, stops red and most
# green) by PEN_FROM–PEN_FULL (0–255, the page's paper and black taken to 255 and 0 in each channel), where black
# print and a red seal's ink are as dark in blue as in green (a seal's tint is 35 in green, 40 in blue of 255). So
# the stroke is told from a seal's ink it crosses — where the two overlap every channel is dark, the lightest one
# too, and the scribble stayed as dark as print over the 主管部门 label or the name, read as strokes of it — and
# from black print, whose own pixels stay where a stroke crosses them (there blue is dark too: below PEN_PRINT).
PEN_FROM, PEN_FULL = 10.0, 25.0
PEN_PRINT = 35.0  # blue (0–255, balanced) below which a stroke's pixel holds print under it
RULE_RUN = 25  # px at 150 dpi: a rule's straight run; a character's stroke is shorter than its 20-px height


def _pen_lifted(image: Any, gray: Any) -> Any:
    """`gray` (ink_only's page) with the pixels of blue ink lifted to the paper: where the page's blue channel
    stands above its green (each balanced from the page's black to its paper, so a yellowed sheet's dark print
    stays neutral), averaged over 3×3 pixels (JPEG keeps a thin stroke's colour only at half the resolution)."""
    import cv2
    import numpy as np

    lum = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    paper_b, paper_g = (float(np.percentile(image[::4, ::4, i], 75)) for i in (0, 1))
    # the print's black: its darkest pixels (a page without print has none darker than half its paper)
    black = min(float(np.percentile(lum[::2, ::2], 0.5)), 0.5 * min(paper_b, paper_g))
    blue = (image[:, :, 0].astype(np.float32) - black) * (255.0 / max(paper_b - black, 30.0))
    green = (image[:, :, 1].astype(np.float32) - black) * (255.0 / max(paper_g - black, 30.0))
    own = blue - green
    excess = np.minimum(cv2.blur(own, (3, 3)), own + PEN_FROM / 2)
    lift = np.clip((excess - PEN_FROM) / (PEN_FULL - PEN_FROM), 0.0, 1.0)
    # print under the stroke: the pen passes blue (a stroke alone is 170–180 in it, over a seal's ink 70–100),
    # black print does not — a pixel that dark in blue holds print, and stays
    lift *= np.clip((blue - PEN_PRINT) / 20.0, 0.0, 1.0)
    if not lift.any():
        return gray
    # a table's rule the stroke crosses stays whole (a thin rule's pixels take the stroke's colour): ink in a
    # straight run of RULE_RUN px across or down is print, whatever its colour
    dark = (gray < 200).astype(np.uint8)
    across = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (RULE_RUN, 1)))
    down = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, RULE_RUN)))
    lift[cv2.bitwise_or(across, down) > 0] = 0.0
    return (gray + (255.0 - gray) * lift).astype(np.uint8)


# the scanner's border: darker than the paper (after the white balance) on a blurred page, touching its edge, and
# solid — at least BORDER_SOLID px from its own edge somewhere, and most of it at least 2 px in (a stroke of text
# or a rule is 1–3 px wide, its blurred halo too thin)
# and not ink: under 5% of it darker than BORDER_INK (a grey wedge has none; text blurred into a solid patch
# has its strokes; a black border is left as it is)
BORDER_BELOW, BORDER_SOLID, BORDER_INK = 235, 6.0, 100


def unbordered(gray: Any) -> Any:
    """The grey page with the scanner's border — solid regions darker than the paper at its edge — made paper."""
    import cv2
    import numpy as np

    dark = (cv2.blur(gray, (5, 5)) < BORDER_BELOW).astype(np.uint8)
    edge = np.zeros_like(dark)
    edge[0, :] = edge[-1, :] = 1
    edge[:, 0] = edge[:, -1] = 1
    if not (dark & edge).any():
        return gray
    _, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=4)
    touching = set(np.unique(labels[(dark & edge) > 0]).tolist()) - {0}
    depth = cv2.distanceTransform(dark, cv2.DIST_L2, 3)
    out = gray
    for label in touching:
        x, y, w, h = stats[label, :4]
        part = labels[y : y + h, x : x + w] == label
        inside = depth[y : y + h, x : x + w][part]
        if inside.max() < BORDER_SOLID or (inside >= 2).mean() < 0.5:
            continue
        if (gray[y : y + h, x : x + w][part] < BORDER_INK).mean() > 0.05:  # text or a rule run to the edge
            continue
        if out is gray:
            out = gray.copy()
        grown = cv2.dilate(part.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        out[y : y + h, x : x + w][grown] = 255
    return out


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


# Perspective, in page pixels at 150 dpi. A frame counts from FRAME_LEAST across and down (smaller tables give too
# short a base to take a whole page's geometry from); its corners off a rectangle by less than UNWARP_LEAST are
# left (a flat scan's frame is within a pixel), by more than UNWARP_MOST are not a perspective (a table whose rows
# are not all as wide: its outline is not a quad at all)
UNWARP_LEAST, UNWARP_MOST = 1.5, 45.0
FRAME_LEAST = (450, 225)


def frame_quad(gray: Any) -> Any:
    """The corners (top-left, top-right, bottom-right, bottom-left; float32 4×2) of the page's largest ruled
    frame, each where two of its outer rules fitted as lines meet; None when the page has no such frame or its
    outline is not a quadrilateral."""
    import cv2
    import numpy as np

    binary = cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    # rules a little off the level still leave runs this long (a 1.5° slope moves a 2-px rule a row in 70 px)
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (40, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 30)))
    frame = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    contours, _ = cv2.findContours(frame, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contours = [c for c in contours if _wide(cv2.boundingRect(c))]
    if not contours:
        return None
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float32)
    if len(quad) != 4:
        return None
    by_sum, by_diff = quad.sum(axis=1), quad[:, 0] - quad[:, 1]
    rough = np.array(
        [quad[by_sum.argmin()], quad[by_diff.argmax()], quad[by_sum.argmax()], quad[by_diff.argmin()]], dtype=np.float32
    )
    sides = []
    for k, mask in enumerate((horizontal, vertical, horizontal, vertical)):  # top, right, bottom, left
        line = _fitted(mask, rough[k], rough[(k + 1) % 4])
        if line is None:
            return None
        sides.append(line)
    corners = [_meet(sides[(k + 3) % 4], sides[k]) for k in range(4)]  # top-left = left ∩ top, …
    if any(c is None for c in corners):
        return None
    found = np.array(corners, dtype=np.float32)
    return found if float(np.abs(found - rough).max()) <= 8.0 else None


def _wide(rect: Any) -> bool:
    return rect[2] >= FRAME_LEAST[0] and rect[3] >= FRAME_LEAST[1]


def _fitted(mask: Any, start: Any, end: Any, near: float = 6.0) -> Any:
    """The line (point, direction) fitted to the rule pixels of `mask` within `near` px of the segment
    start–end, or None when there are too few of them."""
    import cv2
    import numpy as np

    x0, y0 = np.minimum(start, end) - near
    x1, y1 = np.maximum(start, end) + near
    x0, y0 = max(int(x0), 0), max(int(y0), 0)
    ys, xs = np.nonzero(mask[y0 : int(y1) + 1, x0 : int(x1) + 1])
    if len(xs) < 40:
        return None
    points = np.stack([xs + x0, ys + y0], axis=1).astype(np.float32)
    direction = (end - start) / max(float(np.linalg.norm(end - start)), 1.0)
    normal = np.array([-direction[1], direction[0]], dtype=np.float32)
    points = points[np.abs((points - start) @ normal) <= near]
    if len(points) < 40:
        return None
    vx, vy, px, py = cv2.fitLine(points, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([px, py], dtype=np.float32), np.array([vx, vy], dtype=np.float32)


def _meet(a: Any, b: Any) -> Any:
    """Where two lines (point, direction) meet; None for parallel ones."""
    import numpy as np

    (p, d), (q, e) = a, b
    matrix = np.array([[d[0], -e[0]], [d[1], -e[1]]], dtype=np.float32)
    if abs(float(np.linalg.det(matrix))) < 1e-6:
        return None
    t, _ = np.linalg.solve(matrix, q - p)
    return p + t * d


def unwarped(gray: Any) -> Any:
    """The grey page warped so that its largest ruled frame (frame_quad) is a rectangle, or as it is when the
    frame is one already, or there is none."""
    import cv2
    import numpy as np

    quad = frame_quad(gray)
    if quad is None:
        return gray
    left, right = (quad[0, 0] + quad[3, 0]) / 2, (quad[1, 0] + quad[2, 0]) / 2
    top, bottom = (quad[0, 1] + quad[1, 1]) / 2, (quad[2, 1] + quad[3, 1]) / 2
    target = np.array([[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float32)
    off = float(np.abs(quad - target).max())
    if off < UNWARP_LEAST or off > UNWARP_MOST:
        return gray
    h, w = gray.shape[:2]
    matrix = cv2.getPerspectiveTransform(quad, target)
    return cv2.warpPerspective(gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


# A photo of a sheet (a phone's, as a bureau gets it by chat): the sheet lies on a desk that shows round it, seen
# at an angle, lit unevenly, a shadow across it. The sheet is the largest bright quadrilateral of the picture —
# over SHEET_LEAST of it and under SHEET_MOST (a scan is all sheet) — and is cut out and made a rectangle (one
# homography, as a table's frame is made square in `unwarped`; the hull of the bright parts, which a shadow across
# the sheet may cut in two); then each channel is divided by the paper's own
# level where it lies (the page's brightest, ink taken away by a maximum over more than a character, smoothed), so
# a shadow band or a darker side becomes paper again. Only where the paper's level varies by over UNEVEN (tiles'
# paper 10th against 90th percentile): a scanner lights a page evenly, and its pages are left as they are.
SHEET_LEAST, SHEET_MOST, UNEVEN = 0.3, 0.97, 0.12


def sheet_quad(image: Any) -> Any:
    """The corners (top-left, top-right, bottom-right, bottom-left; float32 4×2, picture pixels) of the sheet
    lying on a darker ground, or None when the picture is all sheet or shows no four-cornered one."""
    import cv2
    import numpy as np

    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    scale = 400 / max(gray.shape)
    small = cv2.GaussianBlur(cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA), (5, 5), 0)
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8))  # the text inside the sheet
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    # a shadow across the sheet may cut its bright part in two or three: the sheet is the hull of them all
    area = small.shape[0] * small.shape[1]
    parts = [c for c in contours if cv2.contourArea(c) >= 0.05 * area]
    if not parts:
        return None
    hull = cv2.convexHull(np.concatenate(parts))
    if not SHEET_LEAST <= cv2.contourArea(hull) / area <= SHEET_MOST:
        return None
    quad = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True).reshape(-1, 2).astype(np.float32)
    if len(quad) != 4:
        return None
    by_sum, by_diff = quad.sum(axis=1), quad[:, 0] - quad[:, 1]
    ordered = [quad[by_sum.argmin()], quad[by_diff.argmax()], quad[by_sum.argmax()], quad[by_diff.argmin()]]
    return np.array(ordered, dtype=np.float32) / scale


def squared(image: Any, quad: Any) -> Any:
    """The sheet within `quad` (sheet_quad) warped to a rectangle of its sides' mean lengths."""
    import cv2
    import numpy as np

    width, height = sheet_size(quad)
    inset = 0.004 * max(width, height)  # the sheet's very edge (its shadow on the desk, the cut's blur) left out
    target = np.array(
        [[-inset, -inset], [width + inset, -inset], [width + inset, height + inset], [-inset, height + inset]],
        dtype=np.float32,
    )
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(image, matrix, (max(1, round(width)), max(1, round(height))), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REPLICATE)  # fmt: skip


def sheet_size(quad: Any) -> tuple[float, float]:
    """The mean width and height of the sheet within `quad`, picture pixels."""
    import numpy as np

    width = float(np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3])) / 2
    height = float(np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1])) / 2
    return width, height


def evened(image: Any) -> Any:
    """The picture with each channel divided by the paper's level round each pixel, where that level varies over
    the page by more than UNEVEN; as it is otherwise."""
    import cv2
    import numpy as np

    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    scale = 300 / max(gray.shape)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    # the paper's level: ink taken away by a closing over ~a character and a half of the reduced page (a closing,
    # not a maximum alone, keeps a shadow's edge where it is), smoothed
    closed = cv2.morphologyEx(small, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))
    paper = cv2.GaussianBlur(closed, (0, 0), 1.5).astype(np.float32)
    level = paper.mean(axis=2) if paper.ndim == 3 else paper
    low, high = np.percentile(level, [10, 90])
    if high <= 0 or (high - low) / high <= UNEVEN:
        return image
    # the level divided by is taken finer (a page of 900 px, by the closing alone, which keeps a step where it
    # is): on the 300-px page, smoothed, a hard shadow's edge (a hand's, 50–65% darker) left a band either side
    # divided by the other side's level — a thin line across the page, found as a table's rule, that cut the
    # title line into a cell (corpus t35, bench/review_scans.py --photo-hard)
    fine = min(1.0, 900 / max(gray.shape))
    finer = cv2.resize(image, None, fx=fine, fy=fine, interpolation=cv2.INTER_AREA)
    paper = cv2.morphologyEx(finer, cv2.MORPH_CLOSE, np.ones((19, 19), np.uint8)).astype(np.float32)
    whole = cv2.resize(paper, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = image.astype(np.float32) * (float(high) / np.maximum(whole, 1.0))
    return np.clip(out, 0, 255).astype(np.uint8)
