"""A Word body's text as printed, where python-docx's paragraphs read something else (review/source.py's .docx
reader calls `as_printed` once, after tabledocx.printed, before any paragraph or cell is read).

python-docx reads a paragraph as the text of its runs. What Word prints differs in these ways, each put right in the
XML in place so that every later reading (body paragraphs, table cells, framed forms) sees the printed text:

- **automatic numbering** (w:numPr → numbering.xml, or a style's own numPr such as a Heading style's): the label
  Word prints ("一、", "（三）", "1.", "①") is written before the paragraph's text, counted as Word counts: per list
  (a w:num with a startOverride is a list of its own, the others share their abstractNum's counters), deeper levels
  restarting when a higher one is used (w:lvlRestart), %1…%9 of lvlText each in its own level's format;
- **text boxes and shapes** (w:txbxContent in w:drawing, w:pict or mc:AlternateContent, whose mc:Fallback repeats
  the mc:Choice: read once): their paragraphs and tables put before the paragraph they are anchored in;
- **w:sym** symbols (Wingdings' ✓ and ☑, Symbol's ≥ ×): the character printed;
- page and column breaks (python-docx reads them as nothing, gluing the text on both sides): a line break ("\\n",
  which the reader splits a paragraph at, as it does for w:br and w:cr);
- **hidden text** (w:vanish) is not printed: removed;
- **footnote and endnote marks**: a reference prints a superscript number python-docx does not read, but a mark
  typed as a superscript run ("12.5" + superscript "1" + "万元") would glue onto the figure ("12.51万元"): dropped
  (after a Latin letter, "m" + superscript "2", it is an exponent: "m²"). The notes' own text is returned, to be read
  apart from the body as review/pdftext.py reads a PDF's footnotes.

Soft hyphens (w:softHyphen, not printed inside a line), no-break hyphens (w:noBreakHyphen, "-"), tabs and fields
(w:instrText not printed, the result read) python-docx already reads as printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

__all__ = ["as_printed", "number_label"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_VAL = f"{_W}val"


def as_printed(document) -> list[str]:
    """The python-docx `document`'s body made to read as printed, in place; returns its footnotes' and endnotes'
    texts in the order their marks stand in the body."""
    body = document.element.body
    _drop_hidden(body)
    _lift_text_boxes(body)
    _symbols(body)
    _breaks(body)
    marks = _note_marks(body)
    _Numbering(_part_element(document, "numbering"), _part_element(document, "styles")).label_all(body)
    return _notes(document, marks)


# --- hidden text, breaks, symbols -------------------------------------------------------------------------------


def _on(element) -> bool:
    """A toggle property (w:vanish, w:b …) set: present, its w:val not false."""
    return element is not None and element.get(_VAL, "true").lower() not in ("false", "0", "off")


def _drop_hidden(body) -> None:
    for run in list(body.iter(f"{_W}r")):
        props = run.find(f"{_W}rPr")
        if props is not None and _on(props.find(f"{_W}vanish")) and run.getparent() is not None:
            run.getparent().remove(run)


def _breaks(body) -> None:
    """A page or column break inside a paragraph: a line break (the text after it starts a new line)."""
    for br in body.iter(f"{_W}br"):
        if br.get(f"{_W}type") in ("page", "column"):
            br.set(f"{_W}type", "textWrapping")


# Characters of the symbol fonts as Word prints them (w:sym w:font w:char, the char in the font's own encoding,
# often written in the private-use range F0xx): the ones forms and reports use — check marks and boxes of
# 是否 questions, Symbol's relations and operators. A character not listed is left out rather than guessed.
_SYMBOLS = {
    "wingdings": {
        0x6C: "●",
        0x6E: "■",
        0x6F: "□",
        0x71: "❑",
        0x75: "◆",
        0x76: "❖",
        0x9F: "•",
        0xA1: "○",
        0xA7: "▪",
        0xA8: "□",
        0xD8: "➢",
        0xFB: "✗",
        0xFC: "✓",
        0xFD: "☒",
        0xFE: "☑",
    },
    "wingdings 2": {0x4F: "✗", 0x50: "✓", 0x52: "☑", 0x53: "☒", 0x54: "☒", 0xA3: "□", 0x2A: "□", 0x97: "●"},
    "symbol": {
        0xA3: "≤",
        0xB3: "≥",
        0xB9: "≠",
        0xB1: "±",
        0xB4: "×",
        0xB8: "÷",
        0xB0: "°",
        0xAE: "→",
        0xD6: "√",
        0xB7: "•",
        0xA5: "∞",
        0xBB: "≈",
        0x44: "Δ",
        0x53: "Σ",
        0x61: "α",
        0x62: "β",
        0x67: "γ",
        0x6D: "μ",
    },
}


def _symbols(body) -> None:
    for sym in list(body.iter(f"{_W}sym")):
        font = (sym.get(f"{_W}font") or "").strip().lower()
        try:
            code = int(sym.get(f"{_W}char") or "", 16)
        except ValueError:
            code = -1
        if font in _SYMBOLS:
            text = _SYMBOLS[font].get(code & 0xFF if code >= 0xF000 else code, "")
        else:  # a Unicode font: the character itself
            text = chr(code) if 0x20 <= code < 0xE000 or 0xF900 <= code <= 0xFFFD else ""
        _replace_with_text(sym, text)


def _replace_with_text(element, text: str) -> None:
    parent = element.getparent()
    if parent is None:
        return
    if text:
        t = parent.makeelement(f"{_W}t", {})
        t.text = text
        parent.insert(parent.index(element), t)
    parent.remove(element)


# --- text boxes -------------------------------------------------------------------------------------------------


def _lift_text_boxes(body) -> None:
    """Each text box's content before the paragraph it is anchored in, the shape removed. A shape is taken whole:
    every box of a group in order; of mc:AlternateContent only the first branch holding a box (mc:Choice's
    DrawingML), its mc:Fallback (the same boxes in VML for older readers) never. A box inside a box goes out with
    its content and is lifted in turn, before the paragraph it now stands in."""
    while True:
        first = next(body.iter(f"{_W}txbxContent"), None)
        if first is None:
            return
        shape = _shape_of(first)
        branch = shape
        if shape.tag == f"{_MC}AlternateContent":
            branch = next((b for b in shape if next(b.iter(f"{_W}txbxContent"), None) is not None), shape)
        boxes = [c for c in branch.iter(f"{_W}txbxContent") if _ancestor(c, f"{_W}txbxContent", stop=branch) is None]
        paragraph = _ancestor(shape, f"{_W}p")
        if paragraph is not None and paragraph.getparent() is not None:
            at = paragraph.getparent().index(paragraph)
            lifted = [c for box in boxes for c in list(box) if c.tag in (f"{_W}p", f"{_W}tbl")]
            for offset, child in enumerate(lifted):
                paragraph.getparent().insert(at + offset, child)
        if shape.getparent() is None:  # a box standing nowhere a paragraph is: dropped whole
            return
        shape.getparent().remove(shape)


_NS = {"w": _W[1:-1], "mc": _MC[1:-1]}


def _shape_of(content):
    """The element a text box is drawn by, to be removed with it: the whole mc:AlternateContent (its fallback too)
    where there is one, else the w:drawing or w:pict."""
    shape, node = content, content.getparent()
    while node is not None and node.tag != f"{_W}p":
        if node.tag in (f"{_W}drawing", f"{_W}pict", f"{_MC}AlternateContent"):
            shape = node
        node = node.getparent()
    return shape


def _ancestor(element, tag: str, stop=None):
    """The nearest ancestor of `element` with `tag`, looked for up to `stop` (excluded) or the root; None if none."""
    node = element.getparent()
    while node is not None and node is not stop and node.tag != tag:
        node = node.getparent()
    return node if node is not stop else None


# --- footnotes --------------------------------------------------------------------------------------------------

_MARK_TEXT = re.compile(r"[\d*※†‡]{1,3}|\[\d{1,2}\]|[\u2460-\u2473]")
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _note_marks(body) -> list[tuple[str, str]]:
    """The footnote and endnote references in body order, (kind, id); a superscript mark run beside them or typed by
    hand dropped, so that it does not glue onto the figure before or after it."""
    marks = []
    for run in list(body.iter(f"{_W}r")):
        for ref in run:
            if ref.tag in (f"{_W}footnoteReference", f"{_W}endnoteReference"):
                marks.append((ref.tag[len(_W) :].replace("Reference", ""), ref.get(f"{_W}id", "")))
        props = run.find(f"{_W}rPr")
        align = props.find(f"{_W}vertAlign") if props is not None else None
        if align is None or align.get(_VAL) != "superscript":
            continue
        texts = run.findall(f"{_W}t")
        text = "".join(t.text or "" for t in texts)
        if not texts or not _MARK_TEXT.fullmatch(text.strip()):
            continue
        before = _text_before(run)
        if before[-1:].isascii() and before[-1:].isalpha() and text.strip().isdigit():  # m², km³: an exponent
            texts[0].text, rest = text.strip().translate(_SUPERSCRIPT), texts[1:]
        else:
            rest = texts
        for t in rest:
            run.remove(t)
    return marks


def _text_before(run) -> str:
    """The text of the runs before `run` in its paragraph."""
    paragraph = _ancestor(run, f"{_W}p")
    if paragraph is None:
        return ""
    out = []
    for other in paragraph.iter(f"{_W}r"):
        if other is run:
            break
        out += [t.text or "" for t in other.iter(f"{_W}t")]
    return "".join(out)


def _notes(document, marks: list[tuple[str, str]]) -> list[str]:
    texts: dict[tuple[str, str], str] = {}
    for kind in ("footnote", "endnote"):
        part = _part_element(document, kind + "s")
        if part is None:
            continue
        for note in part.iter(f"{_W}{kind}"):
            if note.get(f"{_W}type") in (None, "normal"):
                lines = ["".join(t.text or "" for t in p.iter(f"{_W}t")) for p in note.iter(f"{_W}p")]
                texts[(kind, note.get(f"{_W}id", ""))] = " ".join(line.strip() for line in lines if line.strip())
    return [texts[m] for m in dict.fromkeys(marks) if texts.get(m)]


def _part_element(document, name: str):
    """The root element of the document part related as `name` (numbering, styles, footnotes, endnotes), or None;
    looked up by relationship, never created (python-docx's numbering_part makes one when absent)."""
    from docx.opc.part import XmlPart
    from docx.oxml.parser import parse_xml  # python-docx's parser: no entities resolved, no network

    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype.rsplit("/", 1)[-1] != name:
            continue
        part = rel.target_part
        if isinstance(part, XmlPart):
            return part.element
        try:  # a part python-docx has no class for (footnotes, endnotes): its XML read as is
            return parse_xml(part.blob)
        except Exception:  # a damaged notes part: the body is still read
            return None
    return None


# --- automatic numbering ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    """One level of a list (w:lvl): its start, format, text ("%1、"), after which level it restarts (w:lvlRestart,
    1-based; 0 never; None: after any higher level), whether it shows every level in decimal (w:isLgl), the style
    it belongs to (w:pStyle) and what follows the label (w:suff: tab, space, nothing)."""

    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None
    legal: bool = False
    style: str = ""
    suffix: str = "tab"
    format: str = ""  # a numFmt "custom"'s w:format ("一, 二, 三, ...")


def _int(element, default: int | None = None) -> int | None:
    try:
        return int(element.get(_VAL)) if element is not None else default
    except (TypeError, ValueError):
        return default


def _level(lvl, base: _Level | None = None) -> _Level:
    level = base or _Level()
    found = {child.tag[len(_W) :]: child for child in lvl}
    if "start" in found:
        level = replace(level, start=_int(found["start"], 1) or 0)
    if "numFmt" in found:
        fmt = found["numFmt"]
        level = replace(level, fmt=fmt.get(_VAL, "decimal"), format=fmt.get(f"{_W}format", ""))
    if "lvlText" in found:
        level = replace(level, text=found["lvlText"].get(_VAL, ""))
    if "lvlRestart" in found:
        level = replace(level, restart=_int(found["lvlRestart"]))
    if "isLgl" in found:
        level = replace(level, legal=_on(found["isLgl"]))
    if "pStyle" in found:
        level = replace(level, style=found["pStyle"].get(_VAL, ""))
    if "suff" in found:
        level = replace(level, suffix=found["suff"].get(_VAL, "tab"))
    return level


class _Numbering:
    """numbering.xml and the styles' numPr, and the counters of the lists as the body is read in order."""

    def __init__(self, numbering, styles) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}  # abstractNum id → the numbering style it takes its levels from
        self.nums: dict[str, tuple[str, dict[int, int], dict[int, _Level]]] = {}
        self.styles: dict[str, tuple[str | None, str | None, int | None]] = {}  # id → basedOn, numId, ilvl
        self.counters: dict[str, dict[int, int]] = {}
        for style in styles.iter(f"{_W}style") if styles is not None else ():
            based = style.find(f"{_W}basedOn")
            num_pr = style.find(f"{_W}pPr/{_W}numPr")
            num_id, ilvl = _num_pr(num_pr)
            self.styles[style.get(f"{_W}styleId", "")] = (based.get(_VAL) if based is not None else None, num_id, ilvl)
        if numbering is None:
            return
        for abstract in numbering.iter(f"{_W}abstractNum"):
            key = abstract.get(f"{_W}abstractNumId", "")
            self.abstracts[key] = {_int_attr(lvl): _level(lvl) for lvl in abstract.iter(f"{_W}lvl")}
            link = abstract.find(f"{_W}numStyleLink")
            if link is not None:
                self.links[key] = link.get(_VAL, "")
        for num in numbering.iter(f"{_W}num"):
            abstract_id = num.find(f"{_W}abstractNumId")
            starts, levels = {}, {}
            for override in num.iter(f"{_W}lvlOverride"):
                ilvl = _int_attr(override)
                start = _int(override.find(f"{_W}startOverride"))
                if start is not None:
                    starts[ilvl] = start
                if override.find(f"{_W}lvl") is not None:
                    levels[ilvl] = override.find(f"{_W}lvl")
            key = abstract_id.get(_VAL, "") if abstract_id is not None else ""
            self.nums[num.get(f"{_W}numId", "")] = (key, starts, levels)

    def label_all(self, body) -> None:
        """Each numbered paragraph's label written before its text, in body order (table cells and text boxes
        lifted out included: Word counts them in the same lists)."""
        for paragraph in list(body.iter(f"{_W}p")):
            label = self.label(paragraph)
            if label:
                run = paragraph.makeelement(f"{_W}r", {})
                t = run.makeelement(f"{_W}t", {})
                t.text = label
                run.append(t)
                props = paragraph.find(f"{_W}pPr")
                paragraph.insert(paragraph.index(props) + 1 if props is not None else 0, run)

    def label(self, paragraph) -> str:
        """The label Word prints before this paragraph ("" when it is not numbered), its list counted on."""
        style_el = paragraph.find(f"{_W}pPr/{_W}pStyle")
        style = style_el.get(_VAL, "") if style_el is not None else ""
        num_id, ilvl = _num_pr(paragraph.find(f"{_W}pPr/{_W}numPr"))
        styled_num, styled_lvl = self._style_numbering(style)
        num_id = num_id if num_id is not None else styled_num
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return ""
        abstract_id, starts, overrides = self.nums[num_id]
        levels = self._levels(abstract_id)
        if ilvl is None:
            ilvl = (
                styled_lvl
                if styled_lvl is not None
                else next((i for i, v in levels.items() if style and v.style == style), 0)
            )
        levels = {**levels, **{i: _level(lvl, levels.get(i)) for i, lvl in overrides.items()}}
        for i, start in starts.items():
            levels[i] = replace(levels.get(i, _Level()), start=start)
        if ilvl not in levels:
            return ""
        # a num restarting its levels is a list of its own; the others go on with their abstractNum's list
        counts = self.counters.setdefault(f"num {num_id}" if starts else f"abstract {abstract_id}", {})
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else levels[ilvl].start
        for deeper in [d for d in counts if d > ilvl]:
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or (restart and ilvl < restart):
                del counts[deeper]
        return _label_text(levels, ilvl, counts)

    def _style_numbering(self, style: str) -> tuple[str | None, int | None]:
        seen: set[str] = set()
        while style and style not in seen and style in self.styles:
            seen.add(style)
            based, num_id, ilvl = self.styles[style]
            if num_id is not None:
                return num_id, ilvl
            style = based or ""
        return None, None

    def _levels(self, abstract_id: str) -> dict[int, _Level]:
        """An abstractNum's levels; one that links to a numbering style (w:numStyleLink) takes that style's list's."""
        link = self.links.get(abstract_id)
        if link:
            num_id, _ = self._style_numbering(link)
            target = self.nums.get(num_id or "")
            if target and target[0] != abstract_id:
                return self.abstracts.get(target[0], {})
        return self.abstracts.get(abstract_id, {})


def _int_attr(element) -> int:
    try:
        return int(element.get(f"{_W}ilvl", "0"))
    except ValueError:
        return 0


def _num_pr(num_pr) -> tuple[str | None, int | None]:
    if num_pr is None:
        return None, None
    num_id = num_pr.find(f"{_W}numId")
    return (num_id.get(_VAL) if num_id is not None else None), _int(num_pr.find(f"{_W}ilvl"))


def _label_text(levels: dict[int, _Level], ilvl: int, counts: dict[int, int]) -> str:
    level = levels[ilvl]
    if level.fmt == "bullet":  # a bullet is no number: nothing any check reads, often a symbol font's glyph
        return ""

    def value(match: re.Match) -> str:
        at = int(match.group(1)) - 1
        shown = levels.get(at, _Level())
        count = counts.get(at, shown.start)
        return number_label(count, "decimal" if level.legal and at != ilvl else shown.fmt, shown.format)

    text = re.sub(r"%([1-9])", value, level.text)
    if not text:
        return ""
    # the tab or space after the label is a gap on the page; after a closing mark ("一、", "（一）", "1.") it is
    # no character a reader sees between the label and the words
    gap = " " if level.suffix in ("tab", "space") and re.search(r"[0-9A-Za-z\u4e00-\u9fff]$", text) else ""
    return text + gap


_CN_DIGITS = "〇一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_CIRCLED = [chr(c) for c in range(0x2460, 0x2474)]  # ①…⑳
_PAREN = [chr(c) for c in range(0x2474, 0x2488)]  # ⑴…⒇
_FULLSTOP = [chr(c) for c in range(0x2488, 0x249C)]  # ⒈…⒛
_IDEOGRAPH_CIRCLED = [chr(c) for c in range(0x3280, 0x328A)]  # ㊀…㊉
_IDEOGRAPH_PAREN = [chr(c) for c in range(0x3220, 0x322A)]  # ㈠…㈩
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY = "子丑寅卯辰巳午未申酉戌亥"


def number_label(n: int, fmt: str, custom: str = "") -> str:
    """The number `n` as Word prints it in the list format `fmt` (w:numFmt; `custom` the w:format of a "custom" one,
    as LibreOffice writes some Chinese formats): 11 in chineseCounting is 十一, 3 in decimalEnclosedCircle ③."""
    if fmt == "custom":
        fmt = _custom_format(custom)
    if fmt == "none":
        return ""
    if n <= 0:
        return str(n)
    enclosed = {
        "decimalEnclosedCircle": _CIRCLED,
        "decimalEnclosedCircleChinese": _CIRCLED,
        "decimalEnclosedParen": _PAREN,
        "decimalEnclosedFullstop": _FULLSTOP,
        "ideographEnclosedCircle": _IDEOGRAPH_CIRCLED,
        "ideographParenthesis": _IDEOGRAPH_PAREN,
    }.get(fmt)
    if enclosed is not None:
        return enclosed[n - 1] if n <= len(enclosed) else str(n)
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting"):  # fmt: skip
        return _counted(n, _CN_DIGITS, "十百千")
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional", "japaneseLegal"):
        return _counted(n, _LEGAL_DIGITS, "拾佰仟", legal=True)
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _HEAVENLY[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return _EARTHLY[(n - 1) % 12]
    if fmt in ("upperLetter", "lowerLetter"):
        letter = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman"):
        return _roman(n) if fmt == "upperRoman" else _roman(n).lower()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return str(n)


def _custom_format(custom: str) -> str:
    """A "custom" numFmt by its first sample ("一, 二, 三, ..." is Chinese counting; "001, 002" decimal)."""
    first = custom.split(",")[0].strip()
    for fmt, sample in (
        ("chineseCounting", "一"),
        ("chineseLegalSimplified", "壹"),
        ("decimalEnclosedCircle", "①"),
        ("ideographTraditional", "甲"),
        ("ideographZodiac", "子"),
        ("decimalFullWidth", "１"),
    ):
        if first == sample:
            return fmt
    return "decimalZero" if first == "01" else "decimal"


def _counted(n: int, digits: str, units: str, legal: bool = False) -> str:
    """Chinese counting below 10,000: 十, 十一, 二十一, 一百零五, 一千二百; in legal figures 壹拾 (a ten is written with
    its one)."""
    if n >= 10000:
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    out, zero = "", False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit = n // power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0] if digits is _LEGAL_DIGITS else "零"
            zero = False
        out += "" if (digit == 1 and power == 10 and not out and not legal) else digits[digit]
        out += unit
    return out


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out, n = out + letters, n - value
    return out
