"""What the text layer of a real Chinese PDF puts between the reader and the words the page shows.

A PDF's text is what its fonts' ToUnicode maps say, placed glyph by glyph; the extractors (pdftotext,
pdfplumber) rebuild words and lines from positions. What comes out differs from what was typed:

- WPS's and some Word fonts map ideographs to their Kangxi radical (⽇ U+2F47 for 日, ⾦ U+2F26 for 金, ⼈ U+2F08
  for 人) or CJK compatibility ideograph (U+F900–FAFF, U+2F800–2FA1F) look-alikes: folded by NFKC, but only those
  blocks — NFKC of the whole text would also turn ① into 1, ㎡ into m2 and full-width marks half-width, which the
  review reads as written. A simplified font draws 门 长 页 马 黄 with the glyph of a radicals supplement character
  (⻔ U+2ED4, no NFKC) or of a Kangxi radical whose NFKC is the traditional form (⿈ U+2FC8 → 黃, ⼾ → 戶): both
  read as the simplified ideograph the page shows. Latin ligatures (ﬁ U+FB01) as their letters.
- Justified lines spread their characters apart, and the extractor sees a space between every one ("预 算 执 行
  率"; a table's "合 计"): spaces between single ideographs are dropped, spaces between words of two or more kept.
- Word and WPS set a narrow gap between Chinese and Latin letters or figures (中文与西文、数字间自动空格), which the
  extractor reads as a space ("中心 2024 年度", "项目 985 万元"): dropped where Chinese is on both sides.
- Page numbers and page counts ("第 3 页 共 20 页", "- 3 -", "3/20") are lines of their own that say nothing.
- A footnote's mark is a raised small figure after the word it notes ("1200.00万元¹", "98.50%²"): the text
  layer has it as a figure of its own, which read inline would make "万元1" (`superscript`). The footnotes
  themselves are set at the page's foot in a smaller size, each opening with its mark ("1 含上年结转资金…"): read
  where they stand they fall between the page's last line and the next page's first, in mid-sentence
  (`footnotes`).
- Word's and WPS's running header and footer (the department's name, the report's title, "内部资料") print the
  same line at the same place on every page: in the text it falls between the last line of a page and the first
  of the next, in mid-sentence ("…积极推" | "项目运行绩效监控报告" | "进预算支出…"). `running_lines` finds them.
- A watermark ("内部资料", "仅供审核", the department's name, as WPS, Acrobat and document systems stamp it) is real
  text in pale grey across the page's middle, turned 45° or level in large type: read where it stands it falls
  into a paragraph in mid-sentence, on every page. On pages pdfplumber reads, `stamp_char` sees each character's
  matrix and colour; in pdftotext's lines (no colour; its -nodiag drops a whole page once a turned character has
  set its font) a line in type 1.45 times the text's or more (each character of a turned one is a line of its own)
  that returns at the same place on two pages or more is a running line (`running_lines`). A
  running header printed on the first page only (Word's 首页不同) is a line of its own above the title: kept, as
  a title is (the title's reader takes the lines it needs).
- A seal set as text (an electronic seal printed with the report) is red characters round an arc: most are turned
  (`stamp_char`), the few at its top or foot stand level and fall into the cell below ("三政级指标"): a level red
  character beside a turned red one is the seal's too (`seal_chars`); red text standing alone is the page's.
- A footnote's mark in a table's cell ("1200.00¹") is a raised small figure too: on pages pdfplumber reads,
  `raised_marks` finds such characters, which are left out before the cells' text is made ("1200.001" else).
- A font embedded without its ToUnicode map (or with a wrong one) gives no text at all, only codes: pdfminer
  writes them "(cid:123)", pdftotext as control characters, some maps as private-use codepoints; a font whose
  codes are GBK bytes read as Latin-1 gives mojibake ("×Ô ÆÀ ±¨ ¸æ" for 自评报告). Such a page is read by OCR
  (pdfread.py): `garbled` says why.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence

__all__ = [
    "fold_glyphs",
    "footnotes",
    "garbled",
    "is_page_number",
    "is_running",
    "raised_marks",
    "running_lines",
    "seal_chars",
    "stamp_char",
    "superscript",
    "unspaced",
    "unstamped",
]

# Kangxi radicals, CJK radicals supplement, CJK compatibility ideographs (and their supplement), Latin ligatures
_LOOKALIKE = re.compile("[\u2e80-\u2fdf\uf900-\ufaff\ufb00-\ufb06\U0002f800-\U0002fa1f]")
_IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# a figure or Latin word set apart from the Chinese on both sides (or opening the line): the typesetter's gap.
# One side only ("市级资金 208.00" ending a line, "合计 100 95") may be a typed space or a table's columns: kept.
_AUTOSPACE = re.compile(f"(?:(?<=[{_IDEOGRAPH}]) |^)([0-9A-Za-z][0-9A-Za-z.,%]*) (?=[{_IDEOGRAPH}])")
# the same gap before a figure that a full-width mark follows ("预算执行率为 98.50%。", "支出 92.25，")
_AUTOSPACE_MARK = re.compile(f"(?<=[{_IDEOGRAPH}]) ([0-9][0-9.,%]*)(?=[，。；：、）])")
_ALONE = re.compile(f"[{_IDEOGRAPH}]")
_STARTS, _ENDS = re.compile(f"^[{_IDEOGRAPH}]"), re.compile(f"[{_IDEOGRAPH}]$")
_PAGE_NUMBER = re.compile(
    r"\s*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|共\s*\d{1,4}\s*页\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*",
    re.IGNORECASE,
)


_CID = re.compile(r"\(cid:\d+\)")
# control characters, C1 controls, private use (BMP and planes 15-16), the replacement character
_UNMAPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd\U000f0000-\U0010ffff]")
_LATIN1 = re.compile("[\u00a1-\u00ff]")
_GARBLED = 0.2  # share of a page's characters that are codes, not text (Word's bullets are private-use: ~1%)
_MOJIBAKE = 0.3  # share of Latin-1 letters on a page with (almost) no Chinese
_SHOWN = 40  # bytes of text a page shows before what comes out of it is compared (a short title is left)


def garbled(text: str, shown: int = 0) -> str | None:
    """Why a page's text layer is not the text the page shows (in Chinese, for a note), or None: a fifth of its
    characters or more are unmapped codes, or it is Latin-1 letters where a Chinese report has ideographs, or
    the page shows (`shown`: bytes of the strings its content stream shows, a glyph one or two) four times more
    than comes out (pdftotext drops a code it cannot map)."""
    codes = len(_CID.findall(text))
    rest = re.sub(r"\s", "", _CID.sub("", text))
    total = codes + len(rest)
    if shown >= _SHOWN and 4 * total < shown:
        return "文字层无法提取（字体缺少 ToUnicode 映射，页面上的文字大多提取不出）"
    if total < 8:
        return None
    if codes + len(_UNMAPPED.findall(rest)) >= _GARBLED * total:
        return "文字层无法识别（字体缺少 ToUnicode 映射，提取出的是字符编码而不是文字）"
    if len(_LATIN1.findall(rest)) >= _MOJIBAKE * total and len(_ALONE.findall(rest)) < 0.05 * total:
        return "文字层是乱码（字体编码错误，中文被提取为西文字母）"
    return None


# CJK Radicals Supplement characters have no NFKC decomposition, yet a simplified Chinese font draws 门, 长, 页,
# 马, 黄 with the same glyph as ⻔ (U+2ED4 C-SIMPLIFIED GATE), ⻓, ⻚, ⻢, ⻩, and an exporter's ToUnicode map may name
# either (seen in Chrome's, WPS's and Word's PDFs): each as the ideograph Unicode's EquivalentUnifiedIdeograph.txt
# gives it, only those that stand for a whole character (a side form, 阝 or 牜, is no word of a report's).
_SUPPLEMENT = dict(
    zip(
        "⺁⺜⺝⺠⺩⺬⺮⺶⻁⻄⻅⻆⻇⻉⻋⻓⻔⻗⻘⻙⻚⻛⻜⻝⻞⻡⻢⻣⻤⻥⻦⻧⻨⻩⻪⻬⻮⻰",
        "厂日月民王示竹羊虎西见角角贝车长门雨青韦页风飞食食首马骨鬼鱼鸟卤麦黄黾齐齿龙",
        strict=True,
    )
)
# a Kangxi radical's NFKC is the traditional form where a simplified font shares one glyph between the radical and
# the simplified character (⼾ U+2F3E is 户 on the page, NFKC 戶; ⿈ U+2FC8 黄, NFKC 黃; ⾭ U+2FAD 青, NFKC 靑)
_KANGXI_SIMPLIFIED = {"戶": "户", "黃": "黄", "靑": "青"}


def _folded_glyph(glyph: str) -> str:
    if glyph in _SUPPLEMENT:
        return _SUPPLEMENT[glyph]
    folded = unicodedata.normalize("NFKC", glyph)
    return _KANGXI_SIMPLIFIED.get(folded, folded) if "\u2f00" <= glyph <= "\u2fdf" else folded


def fold_glyphs(text: str) -> str:
    """Kangxi radicals, the radicals supplement's whole characters and compatibility ideographs as the ideographs
    they stand for, and Latin ligatures (ﬁ, ﬂ) as their letters; nothing else changed."""
    if not _LOOKALIKE.search(text):
        return text
    return _LOOKALIKE.sub(lambda m: _folded_glyph(m.group()), text)


def unspaced(text: str) -> str:
    """A line whose ideographs a justified layout spread apart, closed up ("预 算 执 行 率" → "预算执行率"), and
    the gap between Chinese and a figure dropped ("985 万元" → "985万元"); words of two or more ideographs keep
    the space between them ("项目名称 委托业务")."""
    text = fold_glyphs(text)
    if " " not in text:
        return text
    text = _AUTOSPACE_MARK.sub(r"\1", _AUTOSPACE.sub(r"\1", text))
    if " " not in text:
        return text
    words = text.split(" ")
    out = [words[0]]
    for before, word in itertools.pairwise(words):
        alone = _ALONE.fullmatch(before) or _ALONE.fullmatch(word)
        out.append(word if alone and _ENDS.search(before) and _STARTS.match(word) else " " + word)
    return "".join(out)


def is_page_number(line: str) -> bool:
    """A line that only numbers the page: "- 3 -", "第 3 页 共 20 页", "3/20", "3"."""
    return bool(_PAGE_NUMBER.fullmatch(line))


# how far from the page's top or bottom (a share of its height) a running header or footer is printed: Word's
# header sits 1.5 cm from the edge, above a top margin of 2.5-3.7 cm (A4 and A5)
_MARGIN = 0.15
_PLACE = 4.0  # points: the same place on two pages, as two extractors (pdftotext, pdfplumber) see it


def _running_key(text: str) -> str:
    """A line as compared across pages: spaces dropped, figures as one mark ("第3页" and "第4页" alike)."""
    return re.sub(r"\d+", "#", re.sub(r"\s", "", fold_glyphs(text)))


def running_lines(
    pages: Sequence[Sequence[tuple[float, float, str]]], heights: Sequence[float]
) -> dict[str, tuple[float, ...]]:
    """The running header and footer lines of a document: each page's lines as (top, bottom, text) in points
    from the page's top, `heights` each page's height. A line is one when the same text (figures aside) is
    one of the two top or two bottom lines, in the page's top or bottom margin, at the same place on 2 pages
    or more and on at least 2 in 5 of them (odd and even pages may carry different heads; a cover page none).
    Page numbers alone are not (is_page_number). A watermark's line (_stamps) is one wherever it stands, on the
    same terms. Returns each such line's key (_running_key) and its places (a watermark tiled down the page has
    several)."""
    places: dict[str, list[tuple[int, float]]] = {}
    for number, (lines, height) in enumerate(zip(pages, heights, strict=False)):
        kept = sorted((line for line in lines if line[2].strip() and not is_page_number(line[2])), key=lambda x: x[0])
        ends = kept[:2] + kept[2:][-2:]
        for top, bottom, text in ends:
            if bottom > _MARGIN * height and top < (1 - _MARGIN) * height:
                continue
            places.setdefault(_running_key(text), []).append((number, top))
    _stamps(pages, places)
    need = max(2, round(0.4 * len(pages)))
    out: dict[str, tuple[float, ...]] = {}
    for key, seen in places.items():
        kept_places = []
        for cluster in _clusters(sorted(top for _, top in seen)):
            middle = cluster[len(cluster) // 2]
            if len({number for number, top in seen if abs(top - middle) <= _PLACE}) >= need:
                kept_places.append(middle)
        if kept_places:
            out[key] = tuple(kept_places)
    for key, tops in _turned_stamps(pages).items():  # a one-page document's turned watermark, never repeated
        out[key] = tuple(sorted({*out.get(key, ()), *tops}))
    return out


def _turned_stamps(pages: Sequence[Sequence[tuple[float, float, str]]]) -> dict[str, list[float]]:
    """A turned watermark's characters wherever they stand, on a page of their own too: large characters (_STAMP_SIZE),
    each a line of its own, three or more stepping down the page along one slant (each a character's height or so
    to one side and down from the last: "仅" | "供" | "审" | "核" at 45°). Keys (_running_key) and tops."""
    heights = sorted(bottom - top for lines in pages for top, bottom, text in lines if text.strip())
    out: dict[str, list[float]] = {}
    if not heights:
        return out
    usual = heights[len(heights) // 2]
    for lines in pages:
        large = sorted(
            (line for line in lines if len(_running_key(line[2])) == 1 and line[1] - line[0] >= _STAMP_SIZE * usual),
            key=lambda line: line[0],
        )
        run: list[tuple[float, float, str]] = []
        for line in [*large, None]:
            if run and (line is None or not _steps(run, line)):
                if len(run) >= 3:
                    _add_run(out, run)
                run = []
            if line is not None:
                run.append(line)
    return out


def _steps(run: list[tuple[float, float, str]], line: tuple[float, float, str]) -> bool:
    """Whether a large character goes on a turned watermark's run: down from the last by 0.3 to 1.5 of its height."""
    top, bottom, _ = run[-1]
    return 0.3 * (bottom - top) <= line[0] - top <= 1.5 * (bottom - top)


def _add_run(out: dict[str, list[float]], run: list[tuple[float, float, str]]) -> None:
    for top, _, text in run:
        out.setdefault(_running_key(text), []).append(top)


def _clusters(tops: list[float]) -> list[list[float]]:
    """Sorted tops in groups no wider than _PLACE between neighbours."""
    groups: list[list[float]] = []
    for top in tops:
        if groups and top - groups[-1][-1] <= _PLACE:
            groups[-1].append(top)
        else:
            groups.append([top])
    return groups


_STAMP_SIZE = 1.45  # a watermark's type against the text's usual line height: 36–60 pt over 10.5–16 pt (a
# turned glyph's box is as tall as 0.7 of its size: 44 pt turned over 三号 text is 1.49, corpus n91 stamped); a
# title is 1.4 (二号 over 三号) and is not at the same place on two pages
_STAMP_CHARACTERS = 16  # a watermark is a few words: "内部资料", "仅供审核", a unit's name


def _stamps(pages: Sequence[Sequence[tuple[float, float, str]]], places: dict[str, list[tuple[int, float]]]) -> None:
    """A watermark's lines added to `places` (wherever they stand on the page): short lines set in type 1.45 times the
    document's usual line height or more (a turned watermark's characters, each a line of its own, or a level one).
    running_lines keeps those that return at the same place on enough pages; a title, large on the first page only,
    does not. (A watermark tiled in the text's size shares the text's lines: pdftotext cannot tell it apart.)"""
    heights = sorted(bottom - top for lines in pages for top, bottom, text in lines if text.strip())
    if not heights:
        return
    usual = heights[len(heights) // 2]
    for number, lines in enumerate(pages):
        for top, bottom, text in lines:
            key = _running_key(text)
            if not 1 <= len(key) <= _STAMP_CHARACTERS or is_page_number(text):
                continue
            large = bottom - top >= _STAMP_SIZE * usual  # a turned one: each character a line of its own
            if large and (number, top) not in places.get(key, []):
                places.setdefault(key, []).append((number, top))


def stamp_char(obj: dict) -> bool:
    """Whether a character pdfplumber reads (its dict) is a watermark's: turned (neither level nor a quarter turn:
    both of its matrix's first components) or pale grey (every channel at 0.6 or more, not white; in CMYK no
    colour and 40% black or less)."""
    if obj.get("object_type") != "char":
        return False
    if _turned(obj):
        return True
    colour = obj.get("non_stroking_color")
    if not isinstance(colour, (tuple, list)) or not colour or not all(isinstance(x, (int, float)) for x in colour):
        return False
    if len(colour) == 4:  # CMYK
        return max(colour[:3]) <= 0.05 and 0 < colour[3] <= 0.4
    if len(colour) in (1, 3):
        return min(colour) >= 0.6 and max(colour) - min(colour) <= 0.1 and min(colour) < 0.99
    return False


def _turned(obj: dict) -> bool:
    """Whether a character is set turned: neither level nor a quarter turn (both of its matrix's first components)."""
    a, b = (float(x) for x in (obj.get("matrix") or (1, 0))[:2])
    return abs(a) > 0.05 * abs(b) + 0.01 and abs(b) > 0.05 * abs(a) + 0.01


def _red(obj: dict) -> bool:
    """Whether a character is drawn in a seal's red (RGB or CMYK)."""
    colour = obj.get("non_stroking_color")
    if not isinstance(colour, (tuple, list)) or not all(isinstance(x, (int, float)) for x in colour):
        return False
    if len(colour) == 3:
        return colour[0] >= 0.5 and max(colour[1:]) <= 0.35
    return len(colour) == 4 and colour[0] <= 0.2 and min(colour[1:3]) >= 0.5 and colour[3] <= 0.3


def seal_chars(chars: Sequence[dict]) -> set[int]:
    """The indexes of the characters (pdfplumber's dicts) of a seal set as text: red characters round an arc, most of
    them turned (stamp_char leaves those out); the few at the arc's top or foot stand level, and a level red
    character within two of its sizes of a seal's character is one too, in turn (the arc's top: "三政级指标" when
    a seal's 政 lies over a header cell). Red text standing alone (a figure marked red) is the page's."""
    red = [i for i, char in enumerate(chars) if _red(char) and char.get("object_type", "char") == "char"]
    seal = {i for i in red if _turned(chars[i])}
    if not seal:
        return seal
    level = [i for i in red if i not in seal]
    grown = True
    while grown:
        grown = False
        for i in level:
            if i not in seal and any(_near(chars[i], chars[j]) for j in seal):
                seal.add(i)
                grown = True
    return seal


def _near(char: dict, other: dict) -> bool:
    """Whether two characters' middles are within two of the larger one's sizes."""
    size = 2 * max(float(char.get("size", 0)), float(other.get("size", 0)))
    dx = (char["x0"] + char["x1"] - other["x0"] - other["x1"]) / 2
    dy = (char["top"] + char["bottom"] - other["top"] - other["bottom"]) / 2
    return dx * dx + dy * dy <= size * size


def raised_marks(chars: Sequence[dict]) -> set[int]:
    """The indexes of the characters (pdfplumber's dicts) that are footnote marks: a figure, ①, * or ※ set small (three
    quarters of the character before it or less) and raised (its foot a fifth of that character's height above
    its foot or more), right after it on its line, not after a Latin letter (m², a unit's power)."""
    out: set[int] = set()
    ends: dict[int, list[dict]] = {}  # characters by where they end across, to the point
    for char in chars:
        ends.setdefault(int(char["x1"]), []).append(char)
    for i, char in enumerate(chars):
        if not _NOTE_MARK.fullmatch(char.get("text", "")):
            continue
        near = (other for x in range(int(char["x0"]) - 8, int(char["x0"]) + 9) for other in ends.get(x, ()))
        before = next(
            (
                other
                for other in near
                if other is not char
                and abs(other["x1"] - char["x0"]) <= 0.5 * other["size"]
                and _beside(char, other)
                and not stamp_char(other)
            ),
            None,
        )
        if before is None or re.fullmatch(r"[A-Za-z]", before.get("text", "")):
            continue
        height = before["bottom"] - before["top"]
        if char["size"] <= 0.75 * before["size"] and before["bottom"] - char["bottom"] >= 0.2 * height:
            out.add(i)
    return out


def _beside(mark: dict, before: dict) -> bool:
    """Whether a small character stands on the line of the one before it, raised as a mark is (LibreOffice raises
    a superscript by a third: its foot may be above the other's box, never a line higher)."""
    height = before["bottom"] - before["top"]
    return (
        before["top"] - 0.6 * height <= mark["bottom"] <= before["bottom"] + 1
        and mark["top"] >= before["top"] - 0.8 * height
    )


def unstamped(chars: Sequence[dict]) -> Callable[[dict], bool]:
    """pdfplumber's page filter leaving out a page's watermark characters (stamp_char), a seal's (seal_chars) and its
    footnote marks (raised_marks): `chars` the page's characters."""
    marks = {id(chars[i]) for i in raised_marks(chars) | seal_chars(chars)}
    return lambda obj: not (stamp_char(obj) or id(obj) in marks)


def is_running(running: dict[str, tuple[float, ...]], text: str, top: float) -> bool:
    """Whether a line (its text, its top in points) is one of the document's running lines (running_lines)."""
    places = running.get(_running_key(text), ()) if running else ()
    return any(abs(top - place) <= _PLACE for place in places)


_NOTE_MARK = re.compile(r"\d{1,2}|[\u2460-\u2473]|[*※]|\[\d{1,2}\]")
_NOTE_OPENS = re.compile(r"\s*(?:\d{1,2}|[\u2460-\u2473]|[*※]|\[\d{1,2}\])\s*[^\d\s.,%、．)）]")


def superscript(word: str, top: float, bottom: float, line_top: float, line_bottom: float, before: str) -> bool:
    """Whether a word of a line (its text, top and bottom; the line's) is a footnote's mark: a figure of one or
    two digits (①, *, [1]) set small (three quarters of the line's height or less) and raised (its foot a fifth
    of the line's height above the line's). Not after a Latin letter: "m²" typed with a raised 2 is a unit."""
    height = line_bottom - line_top
    return (
        bool(_NOTE_MARK.fullmatch(word))
        and height > 0
        and bottom - top <= 0.75 * height
        and line_bottom - bottom >= 0.2 * height
        and not re.search(r"[A-Za-z]$", before)
    )


def _type_size(x0: float, x1: float, text: str) -> float:
    """A line's type size as its width tells (a line's box is as tall as its tallest mark; a footnote's mark may
    be set in the text's size): an ideograph or full-width mark is one em, a figure or Latin letter half, a
    space a quarter. A justified line comes out wider than it is set: never smaller."""
    text = text.strip()
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")
    spaces = text.count(" ")
    ems = wide + 0.5 * (len(text) - wide - spaces) + 0.25 * spaces
    return (x1 - x0) / ems if ems else 0.0


def footnotes(lines: Sequence[tuple[float, float, float, float, str]]) -> int | None:
    """Where a page's footnotes begin among its lines ((x0, top, x1, bottom, text), top to bottom, page numbers
    and running lines left out), or None: the lines from one opening with a note's mark ("1 含…", "① …") to the
    page's foot, all set smaller than the page's text (at most 0.85 of its usual size). (The gap above them is
    no sign: a line's box is as tall as the mark, set in the text's size, and Word's separator is thin.)"""
    if len(lines) < 2:
        return None
    sizes = sorted(_type_size(x0, x1, text) for x0, _, x1, _, text in lines)
    usual = sizes[len(sizes) // 2]
    start = None
    for i in range(len(lines) - 1, 0, -1):
        x0, _, x1, _, text = lines[i]
        if _type_size(x0, x1, text) > 0.85 * usual:
            break
        if _NOTE_OPENS.match(text):
            start = i
    return start
