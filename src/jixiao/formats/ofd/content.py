"""One page's objects placed on it, in millimetres from its top left: the glyphs of its text, the straight lines
of its paths (table rules) and its pictures.

A page is its templates' layers (a letterhead, page numbers) and then its own Content layers. Objects are
TextObject, PathObject and ImageObject, grouped by PageBlock and reused through CompositeObject. Each object has a
Boundary (its origin on the page) and may have a CTM, applied in the Boundary's space before the move to its
origin. A TextCode places its first glyph at X, Y (the baseline) and each next one DeltaX/DeltaY further
("g n d": n steps of d); without DeltaX a glyph advances its width, HScale times its size for a CJK glyph. A
glyph keeps the quarter turn of its writing direction on the page (Glyph.turn: a landscape table set on a
portrait page, a header cell written upwards), read in its own frame (orient.py). A glyph that the object's
Clips hide is not read: Clips are the intersection of their Clip elements, a Clip the union of its Areas, each
taken as its path's bounding box relative to the object's Boundary — producers differ on whether the object's
CTM applies as well, so a glyph is left out only when it lies outside both ways. A path's AbbreviatedData is S/M
(start), L (line), Q, B (curves), A (arc), C or Z (close); only straight lines are kept, as rules.
"""

from __future__ import annotations

import math
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .document import PageRef, Resources, resources_in
from .package import Container, OfdError, child, children, local, number_list

__all__ = ["Glyph", "PageContent", "Picture", "Segment", "read_page"]

MAX_NESTING = 32  # PageBlock and CompositeObject inside one another
MAX_OBJECTS = 200_000  # objects walked on one page, composite units counted each time they are drawn
MAX_SEGMENTS = 20_000  # straight lines kept on one page (beyond them the page is read without its rules)
MAX_PATH_TOKENS = 200_000  # commands and numbers read of one path's AbbreviatedData (a table's frame: a few hundred)

# x' = a x + c y + e, y' = b x + d y + f
Affine = tuple[float, float, float, float, float, float]
_IDENTITY: Affine = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True)
class Glyph:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float  # the baseline
    size: float
    # quarter turns (clockwise on the page, y down) of the writing direction: 0 upright, 1 written downwards, 2
    # upside down, 3 written upwards; -1 at another angle (a diagonal watermark), which is not read
    turn: int = 0


@dataclass(frozen=True)
class Segment:
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class Picture:
    part: str  # the image's part in the zip
    box: tuple[float, float, float, float]
    # how the image's own axes lie on the page: (swapped, mirrored left-right, mirrored top-bottom) after
    # swapping, so the picture is read as it is seen; None when its CTM turns it by another angle
    axes: tuple[bool, bool, bool] | None = (False, False, False)


@dataclass
class PageContent:
    box: tuple[float, float, float, float]
    glyphs: list[Glyph] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    pictures: list[Picture] = field(default_factory=list)
    walked: int = 0


def read_page(container: Container, page: PageRef, used: int, limit: int) -> PageContent:
    """The page's glyphs, rules and pictures; `used` characters were read before it, at most `limit` in all."""
    root = container.xml(page.location)
    area = number_list((child(child(root, "Area"), "PhysicalBox") or ET.Element("x")).text)
    content = PageContent((area[0], area[1], area[2], area[3]) if len(area) >= 4 else page.box)
    resources = page.resources
    for res in children(root, "PageRes"):
        part = container.resolve(page.location, res.text)
        if part is not None:
            resources = resources.merged(resources_in(container, part))
    walker = _Walker(content, resources, used, limit)
    for reference in children(root, "Template"):  # under the page's own layers, as drawn
        part = page.templates.get((reference.get("TemplateID") or "").strip())
        if part is not None:
            walker.layers(container.xml(part, keep=True))
    walker.layers(root)
    return content


class _Walker:
    def __init__(self, content: PageContent, resources: Resources, used: int, limit: int) -> None:
        self.content, self.resources, self.used, self.limit = content, resources, used, limit

    def layers(self, root: ET.Element) -> None:
        for layer in children(child(root, "Content"), "Layer"):
            self.walk(list(layer), _IDENTITY, 0)

    def walk(self, elements: list[ET.Element], transform: Affine, depth: int) -> None:
        for element in elements:
            self.content.walked += 1
            if self.content.walked > MAX_OBJECTS:
                raise OfdError(f"单页图形对象超过 {MAX_OBJECTS} 个（复合对象层层引用），疑似恶意文件，已拒绝读取。")
            name = local(element.tag)
            if (element.get("Visible") or "").strip().lower() == "false":
                continue
            if name == "TextObject":
                self.text(element, _compose(transform, _placed(element)), transform)
            elif name == "PathObject":
                self.path(element, _compose(transform, _placed(element)))
            elif name == "ImageObject":
                self.image(element, _compose(transform, _placed(element)))
            elif depth >= MAX_NESTING:
                continue
            elif name == "PageBlock":
                self.walk(list(element), transform, depth + 1)
            elif name == "CompositeObject":
                unit = self.resources.units.get((element.get("ResourceID") or "").strip())
                inner = child(unit, "Content")
                if inner is not None:
                    self.walk(list(inner), _compose(transform, _placed(element)), depth + 1)

    def text(self, element: ET.Element, transform: Affine, outer: Affine) -> None:
        size = _number(element.get("Size"), 3.5)
        scale = _number(element.get("HScale"), 1.0)
        scale = scale if 0 < scale <= 10 else 1.0
        upright = transform[1] == transform[2] == 0
        turn = _turn(transform)
        high = size * math.hypot(transform[2], transform[3]) or size  # a glyph's height on the page
        clips = _clips(element, outer)
        x = y = 0.0
        for code in children(element, "TextCode"):
            text = _clean(code.text)
            x, y = _number(code.get("X"), x), _number(code.get("Y"), y)
            if self.used + len(self.content.glyphs) + len(text) > self.limit:
                raise OfdError(
                    f"OFD 正文超过 {self.limit} 字，超出上限。（上限可用环境变量 JIXIAO_LIMIT_DOCUMENT_CHARS 调整）"
                )
            dx, dy = _deltas(code.get("DeltaX"), len(text) - 1), _deltas(code.get("DeltaY"), len(text) - 1)
            stacked = turn == 0 and _stacked(len(text) - 1, dx, dy, size, element.get("ReadDirection"))
            gx, gy = x, y
            for i, char in enumerate(text):
                wide = scale * (
                    size if unicodedata.east_asian_width(char) in ("W", "F", "A") else size * 0.5
                )  # “ ” — full in 宋体
                step = dx[i] if i < len(dx) else (0.0 if stacked else wide)
                # a space is kept as a glyph without ink: it joins the words it stands between, as written
                # the step to the next glyph, unless it jumps further than a glyph's width (to the next cell)
                width = step if 0 < step <= 1.5 * wide else wide
                if upright:  # no turn or shear: two corners place the glyph
                    (x0, y0), (x1, y1) = _apply(transform, gx, gy - size), _apply(transform, gx + width, gy)
                    xs, ys = [x0, x1], [y0, y1]
                else:
                    corners = [_apply(transform, px, py) for px in (gx, gx + width) for py in (gy - size, gy)]
                    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
                if not clips or _visible(clips, (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2):
                    self.content.glyphs.append(
                        Glyph(char, min(xs), min(ys), max(xs), max(ys), high, 1 if stacked else turn)
                    )
                gx += step
                gy += dy[i] if i < len(dy) else 0.0

    def path(self, element: ET.Element, transform: Affine) -> None:
        stroked = (element.get("Stroke") or "true").strip().lower() != "false"
        filled = (element.get("Fill") or "false").strip().lower() == "true"
        if not (stroked or filled):
            return
        data = child(element, "AbbreviatedData")
        for points, closed in _subpaths(data.text if data is not None else ""):
            placed = [_apply(transform, x, y) for x, y in points]
            if stroked:
                edges = list(zip(placed, placed[1:] + (placed[:1] if closed else []), strict=False))
                self._keep([Segment(a[0], a[1], b[0], b[1]) for a, b in edges if a != b])
            else:  # a filled thin rectangle drawn as a rule (how PDF-born OFDs draw table borders)
                self._keep(_thin_rule(placed))

    def _keep(self, segments: list[Segment]) -> None:
        if len(self.content.segments) + len(segments) <= MAX_SEGMENTS:
            self.content.segments.extend(segments)

    def image(self, element: ET.Element, transform: Affine) -> None:
        part = self.resources.media.get((element.get("ResourceID") or "").strip())
        if part is None:
            return
        # an image fills the unit square of its own space, which its CTM maps onto the page
        corners = [_apply(transform, x, y) for x in (0.0, 1.0) for y in (0.0, 1.0)]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        self.content.pictures.append(Picture(part, (min(xs), min(ys), max(xs), max(ys)), _axes(transform)))


def _axes(transform: Affine) -> tuple[bool, bool, bool] | None:
    """An image's axes on the page (Picture.axes), from the signs of its transform."""
    a, b, c, d = transform[:4]
    tiny = 1e-6 * max(abs(a), abs(b), abs(c), abs(d), 1e-9)
    if abs(b) <= tiny and abs(c) <= tiny:  # its x along the page's x: mirrored where a or d is negative
        return (False, a < 0, d < 0)
    if abs(a) <= tiny and abs(d) <= tiny:  # its x down the page (turned a quarter): swapped first
        return (True, c < 0, b < 0)
    return None


def _stacked(steps: int, dx: list[float], dy: list[float], size: float, direction: str | None) -> bool:
    """Upright glyphs written down the page one under another (vertical text in a narrow cell: each step DeltaY
    down and no DeltaX across, or ReadDirection 90 without DeltaX): read as a run written downwards (turn 1)."""
    if steps < 1 or len(dy) < steps or any(d < 0.5 * size for d in dy[:steps]):
        return False
    if len(dx) >= steps:
        return all(abs(d) <= 0.1 * size for d in dx[:steps])
    return (direction or "").strip() == "90"


def _turn(transform: Affine) -> int:
    """Quarter turns of the direction a glyph advances in, or -1 when it is more than 2° off one."""
    angle = math.degrees(math.atan2(transform[1], transform[0]))
    quarter = round(angle / 90)
    return quarter % 4 if abs(angle - 90 * quarter) <= 2 else -1


# Where an object's Clips let it show, two ways (without and with the object's CTM): per Clip, its Areas' boxes
Rect = tuple[float, float, float, float]


def _clips(element: ET.Element, outer: Affine) -> list[list[list[Rect]]]:
    """The boxes of each Clip of the object, on the page, each way; [] when it has none (or none that can be
    read: an Area holding text, not a path)."""
    clips = [clip for holder in children(element, "Clips") for clip in children(holder, "Clip")]
    if not clips:
        return []
    box = number_list(element.get("Boundary"))
    origin = (box[0], box[1]) if len(box) >= 2 else (0.0, 0.0)
    ways = [
        _compose(outer, (1.0, 0.0, 0.0, 1.0, origin[0], origin[1])),  # relative to the Boundary
        _compose(outer, _placed(element)),  # and through the object's CTM as well
    ]
    out = []
    for way in ways:
        rects: list[list[Rect]] = []
        for clip in clips:
            areas = []
            for area in children(clip, "Area"):
                path = child(area, "Path")
                data = child(path, "AbbreviatedData")
                if path is None or data is None:
                    return []
                place = _compose(_compose(way, _ctm(area)), _placed(path))
                points = [_apply(place, x, y) for run, _ in _subpaths(data.text) for x, y in run]
                if not points:
                    return []
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                areas.append((min(xs), min(ys), max(xs), max(ys)))
            if areas:
                rects.append(areas)
        out.append(rects)
    return out


def _visible(clips: list[list[list[Rect]]], x: float, y: float, slack: float = 0.5) -> bool:
    """Whether (x, y) is inside every Clip (inside one of its Areas) either way."""

    def inside(rect: Rect) -> bool:
        return rect[0] - slack <= x <= rect[2] + slack and rect[1] - slack <= y <= rect[3] + slack

    return any(all(any(inside(r) for r in areas) for areas in way) for way in clips)


def _thin_rule(points: list[tuple[float, float]]) -> list[Segment]:
    if len(points) < 4:
        return []
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    if y1 - y0 <= 1.0 and x1 - x0 > 3 * (y1 - y0):
        return [Segment(x0, (y0 + y1) / 2, x1, (y0 + y1) / 2)]
    if x1 - x0 <= 1.0 and y1 - y0 > 3 * (x1 - x0):
        return [Segment((x0 + x1) / 2, y0, (x0 + x1) / 2, y1)]
    return []


_OPERANDS = {"S": 2, "M": 2, "L": 2, "Q": 4, "B": 6, "A": 7, "C": 0, "Z": 0}


def _subpaths(data: str | None) -> list[tuple[list[tuple[float, float]], bool]]:
    """Each subpath's straight runs as point lists, and whether it was closed. A curve or arc ends a run (the
    current point moves to its end): rules are straight."""
    tokens = (data or "").split(None, MAX_PATH_TOKENS)[:MAX_PATH_TOKENS]
    out: list[tuple[list[tuple[float, float]], bool]] = []
    run: list[tuple[float, float]] = []
    start: tuple[float, float] | None = None
    i = 0
    while i < len(tokens):
        command = tokens[i].upper()
        count = _OPERANDS.get(command)
        if count is None:
            i += 1
            continue
        values = number_list(" ".join(tokens[i + 1 : i + 1 + count]))
        i += 1 + count
        if len(values) != count:
            continue
        if command in ("S", "M"):
            if len(run) > 1:
                out.append((run, False))
            run, start = [(values[0], values[1])], (values[0], values[1])
        elif command == "L":
            run = run or ([start] if start else [])
            run.append((values[0], values[1]))
        elif command in ("C", "Z"):
            if len(run) > 1:
                out.append((run, start is not None and run[0] == start))
            run = [start] if start else []
        else:  # Q, B, A: a curve to its last point
            if len(run) > 1:
                out.append((run, False))
            run = [(values[-2], values[-1])]
    if len(run) > 1:
        out.append((run, False))
    return out


def _ctm(element: ET.Element) -> Affine:
    ctm = number_list(element.get("CTM"))
    return (ctm[0], ctm[1], ctm[2], ctm[3], ctm[4], ctm[5]) if len(ctm) >= 6 else _IDENTITY


def _placed(element: ET.Element) -> Affine:
    """Object space → its parent's: the CTM, then the move to the Boundary's origin."""
    box = number_list(element.get("Boundary"))
    ctm = number_list(element.get("CTM"))
    a, b, c, d, e, f = (ctm[0], ctm[1], ctm[2], ctm[3], ctm[4], ctm[5]) if len(ctm) >= 6 else _IDENTITY
    return (a, b, c, d, e + (box[0] if len(box) >= 2 else 0.0), f + (box[1] if len(box) >= 2 else 0.0))


def _compose(outer: Affine, inner: Affine) -> Affine:
    """`inner` first, then `outer`."""
    A, B, C, D, E, F = outer
    a, b, c, d, e, f = inner
    return (A * a + C * b, B * a + D * b, A * c + C * d, B * c + D * d, A * e + C * f + E, B * e + D * f + F)


def _apply(t: Affine, x: float, y: float) -> tuple[float, float]:
    return (t[0] * x + t[2] * y + t[4], t[1] * x + t[3] * y + t[5])


def _number(value: str | None, default: float) -> float:
    try:
        number = float(value) if value is not None else default
    except ValueError:
        return default
    return number if math.isfinite(number) else default


def _deltas(value: str | None, limit: int) -> list[float]:
    """DeltaX/DeltaY as a list of at most `limit` steps, "g n d" expanded (bounded by `limit`)."""
    tokens = (value or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens) and len(out) < limit:
        if tokens[i] == "g" and i + 2 < len(tokens):
            repeat, step = number_list(tokens[i + 1]), number_list(tokens[i + 2])
            if repeat and step:
                out.extend([step[0]] * max(0, min(int(repeat[0]), limit - len(out))))
            i += 3
            continue
        out.extend(number_list(tokens[i]))
        i += 1
    return out


def _clean(text: str | None) -> str:
    """Control characters dropped; a tab is a space."""
    return "".join(" " if ch == "\t" else ch for ch in (text or "") if ch == "\t" or unicodedata.category(ch) != "Cc")
