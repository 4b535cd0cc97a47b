"""Whose a document is and when: its department and implementing unit (实施单位), project and year under their
real labels, and its province from the place names it contains (docs/review.md, "Identity"). Split from kinds.py,
which decides the document's kind and rulebook from what is read here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .extract import find_department, find_year
from .facts import is_column_heading
from .rx import rx
from .source import Segment, SourceDocument
from .table import Table
from .vocabulary import norm, regions, vocabulary
from .years import (
    digits_of_years,
    stated_year,
    title_years,
    year_from_fill_date,
    year_from_headings,
    year_from_signature,
)

__all__ = ["Identity", "head_text", "identify", "province_of"]


@dataclass
class Identity:
    department: str = ""  # the answerable department (docs/review.md, "Identity")
    unit: str = ""  # a project's implementing unit (实施单位, 项目单位, 资金使用单位) when the form names one
    project: str = ""
    year: int | None = None
    date: str = ""
    province: str = ""
    stated_total: str = ""  # 自评总分 / 自评得分 as the table's head states it


def _head_texts(doc: SourceDocument, tables: list[Table]) -> list[str]:
    """The texts of the document's head, in reading order: its first paragraphs, each table's title rows and first
    rows (head_text joins them)."""
    texts = [s.text for s in doc.paragraphs()[:12]]
    for t in tables:
        texts += t.titles
        texts += ["\t".join(row) for row in t.grid[:3]]
    return texts


def head_text(doc: SourceDocument, tables: list[Table]) -> str:
    texts = [s.text for s in doc.paragraphs()[:12]]
    for t in tables:
        texts += t.titles
        texts += ["".join(row) for row in t.grid[:3]]
    return norm("".join(texts))


def province_of(text: str) -> str:
    """The province a text is from: the first full province name, else the province of the first city or
    county named (a full name such as 中江县 before a short one such as 德阳)."""
    vocab = vocabulary()
    t = norm(text)
    found = [(t.find(p), p) for p in vocab.raw["provinces"] if p in t]
    if found:
        return min(found)[1]
    pairs = {t[i : i + 2] for i in range(len(t) - 1)}  # a place is in the text only if its first two characters are
    for groups in (regions(), vocab.raw["places"]):
        near = [
            (at, -len(x), province)
            for province, places in groups.items()
            for x in places
            if (len(x) < 2 or x[:2] in pairs) and x in t and (at := _place_at(t, x)) >= 0
        ]
        if near:
            return min(near)[2]
    return ""


def _place_count(text: str, place: str) -> int:
    """How often `place` stands in `text` as a place (_stands)."""
    return sum(1 for m in re.finditer(re.escape(place), text) if _stands(text, place, m.start()))


def _place_at(text: str, place: str) -> int:
    """Where `place` first stands in `text` as a place, -1 when nowhere (_stands)."""
    at = text.find(place)
    while at >= 0 and not _stands(text, place, at):
        at = text.find(place, at + 1)
    return at


def _stands(text: str, place: str, at: int) -> bool:
    """Whether `place` at `at` in `text` is that place: not letters run on from a province's name ("云南县域经济",
    "河南县级财政" hold 湖南's 南县; "江西安远县" no 西安), not a city's bare name that a district, county or road
    of another place bears ("朝阳区" of 北京 or 长春 is no 朝阳市 of 辽宁: 朝阳区 itself is in two provinces, nor is
    "朝阳医院"), and not
    inside a set phrase ("长治久安", "幸福安康")."""
    end = at + len(place)
    if at > 0 and text[at - 1 : at + 1] in _province_heads():
        return False
    bare = place[-1] not in "省市县区州旗盟" and place not in _province_heads()  # 朝阳, not 云南 ("云南县域")
    if bare and text[end : end + 1] in tuple("区县镇乡旗街路"):
        return False
    # nor a hospital's name a district gave it: "朝阳医院" of 北京 is no 朝阳市 of 辽宁 (corpus n257)
    if bare and text.startswith("医院", end):
        return False
    return not any(m.start() <= at and end <= m.end() for m in _PHRASES.finditer(text, max(0, at - 4), end + 4))


# set phrases that hold a city's bare name: 长治, 大同, 四平, 安康, 日照
_PHRASES = re.compile(r"长治久安|大同小异|四平八稳|幸福安康|平安健康|日照时数|日照时间")


@lru_cache(maxsize=1)
def _province_heads() -> frozenset[str]:
    return frozenset(p[:2] for p in vocabulary().raw["provinces"])


def province_by_mentions(text: str) -> str:
    """The province a whole document is placed in by its place words, when its head names none: the province whose
    places (regions.yaml's cities and counties, vocabulary.yaml's names) it mentions most, at least twice and twice
    as often as any other ("梧州市…", "万秀区…" in a 梧州 unit's budget, corpus n82). A report that cites another
    province's practice once is not moved there."""
    vocab = vocabulary()
    t = norm(text)
    pairs = {t[i : i + 2] for i in range(len(t) - 1)}
    counts: dict[str, int] = {}
    for province in vocab.raw["provinces"]:
        counts[province] = t.count(province)
    for groups in (regions(), vocab.raw["places"]):
        for province, places in groups.items():
            names = [x for x in places if len(x) >= 2 and x[:2] in pairs and x in t]
            # a name inside a longer one of the same province (梧州 in 梧州市) is one mention
            counts[province] = counts.get(province, 0) + sum(
                _place_count(t, x) for x in names if not any(x != y and x in y for y in names)
            )
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < 2:
        return ""
    second = ranked[1][1] if len(ranked) > 1 else 0
    return ranked[0][0] if ranked[0][1] >= 2 * second else ""


def _labelled(tables: list[Table], doc: SourceDocument, labels: list[str], no_sections: tuple[str, ...] = ()) -> str:
    """The value beside a label: the next non-empty cell of a table row, or the text after "label：" in a
    title row or paragraph. Beside a label of `no_sections` (实施单位, 主管部门), a section of a unit (大气环境科,
    产业发展股 — vocabulary.yaml department_sections) is passed over for the value of a later label (地方主管部门
    咸宁市生态环境局, corpus t36); beside 单位名称 it is the unit that says it reports (corpus t17)."""
    wanted = [norm(x) for x in labels]
    strict = {norm(x) for x in no_sections}

    for label in wanted:
        bare = _unbracketed(label)
        accepted = (bare, bare + "盖章", bare + "公章")
        for t in tables:
            for r, row in enumerate(t.grid):
                for c, cell in enumerate(row):
                    n = norm(cell)
                    # 单位名称(盖章): norm made the brackets half-width; a scan may lose one of them
                    # ("项目主管部门单位)" for 项目主管部门(单位), corpus t32): compared without brackets too, and
                    # without the colon the value is in the next cell after ("单位名称（公章）： | 大英县民政局")
                    if n == label or _unbracketed(n).rstrip(":：") in accepted:
                        value = _cell_value(row, c)
                        named = value and not (_is_label(value) or _unit_only(value) or _heading(value))
                        if named and _ok(value, label, strict):
                            return value
                        value = _under_heading(t.grid, r, c)
                        if value and _ok(value, label, strict):
                            return value
                    elif (
                        n.startswith(label)
                        and len(n) > len(label) + 1
                        # "填报单位（盖章）：…" in one cell: the seal's place between the label and its colon
                        and _SEAL_AFTER_LABEL.sub("", cell.strip()[len(label) :])[:1] in ("：", ":")
                        and not _unit_only(_after_colon(cell))
                        and _ok(_after_colon(cell), label, strict)
                    ):
                        return _after_colon(cell)
        lines = _head(doc)
        for i, seg in enumerate(lines):
            text = seg.text.strip()
            head = re.match(r"^([^：:]{1,12})[：:]", text)
            # the words before the colon are the label, a seal's place or 名称/全称 aside — not a sentence that begins
            # with it ("部门项目共8个,分别为:市城管委工作经费、…", corpus n215)
            labelled = head and _unbracketed(norm(head.group(1))) in (
                *(bare + x for x in ("", "盖章", "公章", "名称", "全称")),
            )
            value = _after_colon(text) if labelled else ""
            if value and i + 1 < len(lines):
                value = _wrapped(value, lines[i + 1].text)
            if labelled and _ok(value, label, strict) and not (value and (_unit_only(value) or _heading(value))):
                return value
    return ""


def _under_heading(grid: list[list[str]], r: int, c: int) -> str:
    """The name under a label that heads its column: "项目名称 | 项目主管部门 | 项目实施单位" over "农村公路养护 |
    大英县交通运输局 | 大英县公路事务中心" — a row of the form's labels only (a label with a blank cell after it has
    a blank value, corpus t04), one row of names under it, and the cell below ends as a unit's name does; or a
    label alone on its row over a row that holds only a unit's name."""
    row = grid[r]
    if r + 1 >= len(grid):
        return ""
    # a heading row of the form's labels only — not a list's ("序号 | 项目名称 | 实施单位 | 预算资金(万元)", one unit
    # a row under it: no one department, corpus n200's kind)
    cells = [x.strip() for x in row if x.strip()]
    heading = len(cells) >= 2 and all(_is_label(x) or norm(x) in ("项目名称", "单位名称") for x in cells)
    endings = tuple(vocabulary().words("department_endings"))
    listed = r + 2 < len(grid) and c < len(grid[r + 2]) and grid[r + 2][c].strip().endswith(endings)
    below = grid[r + 1][c].strip() if c < len(grid[r + 1]) and not listed else ""
    if not any(x.strip() for k, x in enumerate(row) if k != c):
        # the label alone on its row, the name alone on the row under it ("项目主管部门 | | |" over "| 大英县交通运输局
        # | |"): a form whose value cell was set below its label
        rest = [x.strip() for x in grid[r + 1] if x.strip()]
        below = rest[0] if len(rest) == 1 else ""
    elif not heading or (c + 1 < len(row) and not row[c + 1].strip() and any(x.strip() for x in row[c + 1 :])):
        return ""
    whole = below.endswith(endings) and not (_is_label(below) or _unit_only(below) or _heading(below))
    return below if whole else ""


def _wrapped(value: str, following: str) -> str:
    """A name a cover wrapped after its place: "部门(单位)全称:围场满族蒙古族自治县" over "人民法院(公章)" (corpus
    n240) — the value only a county, city or district of regions.yaml, the next line the rest of a unit's name."""
    rest = _SIGNED_SEAL.sub("", following.strip())
    endings = tuple(vocabulary().words("department_endings"))
    place = value.endswith(("县", "市", "区", "旗")) and any(value.endswith(p) for p in _counties() | _cities())
    if place and 2 <= len(rest) <= 12 and rest.endswith(endings) and not re.search(r"[:：，,。、；;\s\d]", rest):
        return value + rest
    return value


@lru_cache(maxsize=1)
def _places() -> tuple[str, ...]:
    """Every place of regions.yaml of two characters or more, and the provinces."""
    places = {p for ps in regions().values() for p in ps if len(p) >= 2} | set(vocabulary().raw["provinces"])
    return tuple(sorted(places))


@lru_cache(maxsize=1)
def _cities() -> set[str]:
    return {p for places in regions().values() for p in places if p.endswith("市") and len(p) >= 3}


@lru_cache(maxsize=1 << 14)  # every cell against every label: the same texts again and again
def _unbracketed(text: str) -> str:
    return _BRACKETS.sub("", text)


_BRACKETS = re.compile(r"[()\[\]【】]")


def _cell_value(row: list[str], c: int) -> str:
    """The first non-empty cell after column `c`, a name wrapped over two lines in it closed up ("南充市林业\n局"),
    or a name split over two cells joined ("南充市林业 | 局"): the first part does not end as a unit's name does,
    the two together do, and the second is a short tail that is no label of its own."""
    cells = [(k, x.strip()) for k, x in enumerate(row) if k > c and x.strip()]
    if not cells:
        return ""
    value = cells[0][1]
    if re.fullmatch(r"[\u4e00-\u9fff（）()\s]+", value):
        value = re.sub(r"\s+", "", value)
    endings = tuple(vocabulary().words("department_endings"))
    if len(cells) > 1 and cells[1][0] == cells[0][0] + 1 and not value.endswith(endings):
        tail = cells[1][1]
        if (
            len(tail) <= 6
            and (value + tail).endswith(endings)
            and not _is_label(tail)
            and re.fullmatch(r"[\u4e00-\u9fff]+", tail)
        ):
            return value + tail
    return value


def _heading(value: str) -> bool:
    """A column's heading beside 单位名称 in a list of units ("单位名称 | 编制数 | 实有人数", corpus n110): a word of
    a table's header (facts.is_column_heading), no unit's name."""
    return is_column_heading(value)


def _is_label(value: str) -> bool:
    """A cell that is itself a label of the document's identity ("主管部门 | | 实施单位 | 天长市水利局", corpus t04:
    the 主管部门 left blank): no value of the label before it."""
    n = norm(value)
    labels = [w for key in ("department", "unit", "answerable") for w in vocabulary().words("identity", key)]
    return any(n == norm(w) for w in labels)


def _ok(value: str, label: str, strict: set[str]) -> bool:
    return label not in strict or not (_section(value) or _central(value) or _government(value))


def _government(name: str) -> bool:
    """A county's, city's or province's government itself printed as a project's 主管部门 ("主管部门 | 施甸县人民政府",
    corpus t79): no department that reports (its budget unit is its office, 办公室) — the unit the form names answers
    for it. A township's (…镇人民政府, …乡人民政府) is a budget unit and may be the department."""
    n = norm(name)
    return bool(re.fullmatch(r"[\u4e00-\u9fff]{1,20}?(?:[省市县区州旗盟]|自治区)人民政府", n))


def _section(name: str) -> bool:
    """A section inside a unit (大气环境科, 粮食调控储备与产业发展股, 财政处室): not the unit that reports."""
    n = norm(name)
    return bool(n) and n.endswith(tuple(vocabulary().words("department_sections")))


def _head(doc: SourceDocument) -> list[Segment]:
    """The paragraphs a label of the report's identity is looked for in: its first page's worth — at least 15
    paragraphs, and on until about a page of text (HEAD_CHARS characters). Counted in characters, not
    paragraphs, it is the same for a Word file and for a scan whose lines were not all joined into paragraphs
    (corpus n24: 项目实施单位 in the 18th paragraph, after the conclusion and a heading)."""
    out: list[Segment] = []
    count = 0
    for seg in doc.paragraphs():
        if len(out) >= 15 and count >= HEAD_CHARS:
            break
        out.append(seg)
        count += len(seg.text)
    return out


HEAD_CHARS = 1000  # a page of A4 in 小四 (about 28 lines of 35 characters)


_STAMP = re.compile(r"^[(（]?(?:公章|盖章|签章|章)[)）]?$")


def _unit_only(text: str) -> bool:
    """ "单位：万元" names the money unit, not the unit that reports (also when it stands in the cell after the
    label: 填报单位: | 单位:万元)."""
    n = norm(text)
    units = vocabulary().raw["units"]
    # a stamp's place left for the seal ("项目主管部门(单位):(公章)", corpus n174) names no unit either
    return not n or n in units or re.sub(r"^(?:金额|资金)?单位", "", n) in units or bool(_STAMP.match(n))


def _after_colon(text: str) -> str:
    value = re.split(r"[：:]", text, maxsplit=1)[1].strip()
    # the value ends at the sentence's end too: "项目实施单位:更戛乡人民政府。" (corpus n24)
    # and at a cell's edge in a row exported as text ("单位:张家川回族自治县龙山镇四方中学 | 2024年度 | 金额单位:万元")
    return re.split(r"\s{2,}|\t|\s*[|｜]|填报日期|日期|金额单位|单位[：:]", value)[0].strip(" ：:。；;")


# what follows a unit's name at the start of a title: a space, a year, or the words of the report's subject
# (a space only before 关于 or a year: "四川省财政厅 四川省水利厅《关于…》" names the senders of a notice, corpus n18)
_AFTER_NAME = (
    r"(?:\s*(?:19|20)\d{2}|\s*关于|中央|国家|省级|州级|市级|县级|转移支付|专项|部门|整体|单位|项目|扶贫|彩票|本级|的)"
)
# a place's level in a unit's name; 区 in 社区, 小区, 辖区, 片区, 景区, 校区, 库区, 矿区, 牧区, 灾区 is no district
_PLACE_MARK = re.compile(r"[省市县州盟旗镇乡]|(?<![社小辖片景校库矿牧灾])区|街道")
# a village's or a community's own body (村民委员会, 社区居委会, 村党支部): self-governing, no budget unit, never the
# department that reports — though a report names it as doing the work ("新华社区居民委员会对……进行了整治")
# (a 社区卫生服务中心 is a health centre, a budget unit: corpus n226, n228)
_GRASSROOTS = re.compile(
    r"社区(?:居民委员会|居委会|党(?:总)?支部|党委)?$|村民委员会|居民委员会|村委会?|居委会?|村党(?:总)?支部|村民小组|(?<![乡农])村$"
)


# a sentence's first words, never a unit's: "按照区政府关于推进……" (corpus n130)
_NOT_A_NAME = re.compile(r"^(?:按照|根据|依据|依照|为了|为|经|由|在|对|关于|我|本|各|全|现将|今年|去年|截至)")


def _named_unit(name: str) -> bool:
    """A unit's name as a title or a signature gives it: with its place (耒阳市第四中学, 镜湖区残联), not a bare
    word that happens to end like one (办公室, 项目部), nor a sentence's opening."""
    placed = _PLACE_MARK.search(name) or province_of(name[:4])  # 北京学校 (corpus n112): a place's own name
    return (
        bool(placed)
        and not re.search(r"[，,。：:；;、\s]", name.strip())  # two names side by side ("A  B", a joint 落款) are none
        and not (_NOT_A_NAME.match(name) and not name.startswith(_places()))  # 本溪, 全椒县: a place's own name
        and not _IN_A_NAME_NEVER.search(name)
        and not _GRASSROOTS.search(name)
    )


# words no unit's name holds: a sentence's that ran on past the name ("腾冲市财政局下达我局项目资金……" read as a title
# "<unit>项目…")
_IN_A_NAME_NEVER = re.compile(r"我|各|下达|拨付|关于|印发|转发|报送|上报|呈报|开展|做好")


def _titled_department(doc: SourceDocument, tables: list[Table]) -> str:
    """A title that begins with the organisation: "大英县民政局2022年度中央对地方转移支付……" → 大英县民政局,
    "万源市民政局 关于2021年度……" (corpus n101), "镜湖区残联中央转移支付……" (n11), also after the year and a
    budget code ("2021 年茂名市发展和改革局整体支出……" n40, "411001-衡山县贯塘乡人民政府2023年部门决算" t24). The
    name ends with one of vocabulary.yaml's department_endings and holds its place (_named_unit). A page saved
    from a site prints its particulars first (索引号, 发布机构, 发布日期 …): its title is then the first line among
    its first fifteen that reads as a report's title (_TITLE_LINE, corpus n253)."""
    titles = title_lines(doc)
    titles = titles[:3] + [x for t in tables[:1] for x in t.titles[:2]] + titles[3:]
    return next((name for name in map(_title_name, titles) if name), "")


def title_lines(doc: SourceDocument) -> list[str]:
    """The lines that may hold a document's title: its first three paragraphs, and the first line among its first
    fifteen that reads as a report's title (_TITLE_LINE) — a page saved from a site prints its particulars first
    (索引号, 发布机构, 发布日期 …, corpus n253)."""
    paragraphs = [s.text for s in doc.paragraphs()[:15]]
    return paragraphs[:3] + [x for x in paragraphs[3:] if _TITLE_LINE.search(x.strip())][:1]


# a report's title on a line of its own: "开远市市级机关公务用车保障中心2024年度部门整体和项目支出绩效自评报告"
_TITLE_LINE = re.compile(r"^[^，,。；;：:]{6,60}(?:自评报告|评价报告|自评表|情况的?报告|情况说明)$")


def _title_name(text: str) -> str:
    """The organisation a title begins with (_titled_department), "" when it begins with none."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    if text:
        # "大英县民政局二〇二四年度……", "大英县民政局24年度……": the year as digits first
        # and a justified line's digits set apart ("大英县民政局2 0 2 4 年 度……", a PDF's text layer) closed up
        text = title_years(digits_of_years(re.sub(r"(?<=\d)[ \t\u3000]+(?=\d|年)", "", text)))
        text = _CODE.sub("", re.sub(r"^\s*(?:19|20)\d{2}\s*年度?\s*", "", text or "").strip())
        text = _FIRM_ABOUT.sub("", text)  # a firm's title about the unit it evaluated
        # "关于大英县交通运输局2023年度部门整体支出绩效自评情况的报告": the unit after 关于 (not 关于上报/下达…: a verb
        # stands in no unit's name, _named_unit)
        text = re.sub(r"^关于\s*", "", text)
        # "大英县交通运输局（本级）2023年度……": the unit's own accounts, without its units under it
        # and "大英县农业农村局（大英县乡村振兴局）2024年度……": the other name the unit bears (_ALIAS) aside
        m = re.match(
            rf"^([\u4e00-\u9fff（）()]{{2,24}}?(?:{endings}))(?:[(（]本级[)）]|{_alias()})?{_AFTER_NAME}", text
        )
        if m and _named_unit(m.group(1)):
            return m.group(1)
        # a county or district that sends the notice itself: "天水市秦州区关于2023年度彩票公益金使用情况公示说明"
        # (corpus n121) — a place of regions.yaml, its city before it or not
        m = re.match(r"^([\u4e00-\u9fff]{2,12}?[县区旗])\s*关于", text)
        if m and any(m.group(1).endswith(p) for p in _counties()):
            return m.group(1)
        return _town(text)
    return ""


def _town(text: str) -> str:
    """A town, township or subdistrict named before a year at the start of a title or a sentence: "攀枝花市仁和区同德镇
    2021年度部门预算项目支出绩效自评报告" (corpus n25), "现将涪陵区新妙镇2021年度“三公”经费决算情况公布如下" (n131),
    "许镇镇2020年“三公”经费决算数共计35.5万元" (n116) — its budget unit, the town's government (…镇人民政府,
    …乡人民政府) or the subdistrict's office (…街道办事处), as a finance bureau files it."""
    m = re.search(r"(?:^\s*|现将\s*)([\u4e00-\u9fff]{2,20}?(?:镇|乡|街道))\s*(?:19|20)\d{2}\s*年", text)
    name = m.group(1) if m else ""
    if not name or name.endswith(("乡镇", "城镇", "村镇", "城乡")) or not _named_unit(name):
        return ""
    return name + ("办事处" if name.endswith("街道") else "人民政府")


# a third party's title: "四川天府会计师事务所关于大英县民政局2023年度……绩效评价报告" — the unit evaluated follows
_FIRM_ABOUT = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}?(?:事务所|公司)(?:[(（][^()（）]{0,10}[)）])?\s*(?=关于)")


def _file_named_department(doc: SourceDocument) -> str:
    """The unit the file's name begins with, as a title would ("大英县民政局2023年度部门整体支出绩效自评报告.docx"):
    the weakest reading, after everything the document itself prints (a department sends its report under its
    own name; a name such as "附件2.docx" or "扫描件001.pdf" names no one)."""
    stem = _file_stem(doc)
    endings = tuple(vocabulary().words("department_endings"))
    whole = stem if 4 <= len(stem) <= 30 and stem.endswith(endings) and _named_unit(stem) else ""  # "大英县民政局.pdf"
    return whole or _title_name(stem)


def _file_stem(doc: SourceDocument) -> str:
    """The file's name without its extension, a leading "附件2：" or number, and its separators as spaces
    ("大英县民政局_2023年度…")."""
    stem = re.sub(r"^\s*(?:附件\s*[\d一二三四五六七八九十]*|\d{1,3})\s*[：:、.．\-—_\s]\s*", "", Path(doc.path).stem)
    return re.sub(r"[_\-—–]+", " ", stem).strip()


@lru_cache(maxsize=1)
def _counties() -> set[str]:
    """regions.yaml's counties, districts and banners (…县, …区, …旗)."""
    return {p for places in regions().values() for p in places if p.endswith(("县", "区", "旗")) and len(p) >= 2}


# a date as a signature gives it: "2022年3月10日", "二〇二四年三月十日" (a scan reads 〇 as O), "2024.3.10"
_DATE = (
    r"(?:(?:19|20)\d{2}|[〇○零OoＯ一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?"
    r"|(?:19|20)\d{2}\s*[.．/-]\s*\d{1,2}\s*[.．/-]\s*\d{1,2}"
)
# the date's own label before it on a 落款's line: "日期：2025年3月10日", "报告时间:…"
_DATE_LABEL = r"(?:(?:报告|填报|编制|落款|报送)?(?:日期|时间)\s*[:：]\s*)?"
_DATE_LINE = re.compile(rf"^\s*{_DATE_LABEL}(?:{_DATE})\s*$")
_SIGNED_LABEL = re.compile(r"^(?:报送|填报|编制|报告|呈报|落款)单位\s*(?:[(（](?:盖章|公章)[)）])?\s*[:：]")
_SIGNED_SEAL = re.compile(r"\s*[(（]?\s*(?:盖章|公章|签章|印章|章)\s*[)）]?\s*$")


def _signed_department(doc: SourceDocument) -> str:
    """The unit that signs the report at its end: a line that is only a unit's name, among the last lines, beside
    the date ("白河县教育体育和科技局" above "2022年3月10日", corpus n123, n124, n149); the seal's place after it
    ("大英县交通运输局（盖章）") aside; or the name and the date on one line ("大英县交通运输局  2024年3月10日")."""
    endings = tuple(vocabulary().words("department_endings"))
    lines = [s.text.strip() for s in doc.paragraphs() if s.text.strip()]
    tail = lines[-4:]
    for line in tail:
        # "报送单位：大英县交通运输局" / "报送日期：…" closing the report
        m = _SIGNED_LABEL.match(line)
        name = _SIGNED_SEAL.sub("", _after_colon(line)) if m else ""  # "报告单位：大英县交通运输局（盖章）"
        if name and name.endswith(endings) and _named_unit(name):
            return name
    for i, line in enumerate(tail):
        # the seal's place between them set apart by spaces: "大英县交通运输局 （章） 2025年3月", and the date's label
        # ("大英县交通运输局（盖章）   日期：2025年3月10日")
        seal = r"(?:[(（]\s*(?:盖章|公章|签章|印章|章)\s*[)）])?"
        m = re.match(rf"^(\S{{4,30}}?)\s*{seal}\s*{_DATE_LABEL}(?:{_DATE})\s*$", line)
        text = _SIGNED_SEAL.sub("", m.group(1) if m else line)
        dated = bool(m) or any(_DATE_LINE.match(x) for x in tail[i + 1 : i + 3])
        if 4 <= len(text) <= 30 and text.endswith(endings) and _named_unit(text) and dated:
            return text
    return ""


_DESCRIBES = (
    r"(?:[(（]本级[)）])?(?:下设|内设|设有|设置[\d一二三四五六七八九十]+个|为公益|为行政|为全额|为差额|为参照|为财政"
    r"|是[^，,。]{0,16}(?:单位|机关|机构|组织|组成部门|工作部门)|(?<!所)属[^，,。]{0,30}(?:单位|机关)|主要职责|的主要职责|主要职能|主要负责|下属"
    # "市水利局为市政府组成部门" (corpus n232)
    r"|[为是](?:[省市县区州旗]|自治区)?(?:人民)?政府(?:的)?(?:组成部门|工作部门|直属(?:事业单位|机构))"
    r"|在[^，,。]{2,30}(?:坚强|正确)?领导下)"
)


_SHORT_NAMED = r"(?:[(（](?:以下)?简称[“\"”]?[\u4e00-\u9fff]{1,10}[”\"“]?[)）])?"


def _self_described(doc: SourceDocument) -> str:
    """The unit a department's report describes as itself at the start of a sentence: "机构设置:北京市通州区玉桥
    街道办事处(本级)下设6个内设……" (corpus n114), "渠县农业综合技术服务中心下设办公室……" (n150), "北京学校为
    公益一类事业单位" (n112)."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    lead = (
        # a heading before it on its line: "机构设置:", "(二)机构设置。" (corpus n232)
        r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,2}[)）、.．]\s*)?(?:[\u4e00-\u9fff]{2,6}[:：。])?"
        r"(?:(?:另外|此外|同时)[,，]\s*)?(?:(?:19|20)\d{2}\s*年度?[,，]?\s*)?\s*"
    )
    for seg in doc.paragraphs():
        # its short name given in brackets between ("山东省残疾人联合会(以下简称“省残联”)是……", corpus n251)
        m = re.match(rf"{lead}([\u4e00-\u9fff（）()]{{2,30}}?(?:{endings})){_SHORT_NAMED}{_DESCRIBES}", seg.text)
        if m and _named_unit(m.group(1)):
            return m.group(1)
    # the units of a department's final accounts, listed with the department's own accounts first:
    # "1 | 巴彦淖尔市妇女联合会部门(本级)" (corpus n134)
    for t in doc.tables():
        for row in t.rows:
            for cell in row:
                m = re.fullmatch(
                    rf"\s*([\u4e00-\u9fff]{{2,30}}?(?:{endings}))(?:部门)?\s*[(（]本级[)）]\s*", cell or ""
                )
                if m and _named_unit(m.group(1)):
                    return m.group(1)
    return ""


def _inline_labelled(doc: SourceDocument, labels: list[str]) -> str:
    """A label inside a line of several: "项目名称:南宁市困难大学新生入学补助项目 项目单位:南宁市学生资助管理办公室
    主管部门:南宁市教育局" (corpus n133) — the first of `labels` (in their order) that has a unit's name after it.
    Only labels of four characters or more: 单位: in a sentence is a money unit as often as not."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    # the name ends at a separator, or where the next label begins: a scan's line loses the spaces between them
    # ("…补助项目项目单位:南宁市学生资助管理办公室主管部门:南宁市教育局评价人员:")
    # (the longest such name: "南宁市学生资助管理办" would end at a unit's ending too, before "公室主管部门:")
    name = rf"([\u4e00-\u9fff（）()]{{2,30}}(?:{endings}))(?=$|[\s，,。；;]|[\u4e00-\u9fff]{{2,6}}[:：])"
    for label in (w for w in labels if len(w) >= 4):
        for seg in _head(doc):
            m = re.search(rf"(?:^|[\s，,。；;]|(?<=[\u4e00-\u9fff])){re.escape(label)}\s*[:：]\s*{name}", seg.text)
            if m and _named_unit(m.group(1)):
                return m.group(1)
    return ""


def _compiled_by(doc: SourceDocument) -> str:
    """The unit that compiled a summary: "经井研县财政局汇总，2020年井研县…“三公”经费…" (corpus n118, n68, n70)."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    for seg in _head(doc):
        m = re.search(rf"经([\u4e00-\u9fff]{{2,20}}?(?:{endings}))汇总", seg.text)
        if m and _named_unit(m.group(1)):
            return m.group(1)
    return ""


# what follows the unit's name in "现将<unit>…报告如下": a year, 关于, or the words of the report's subject
_SUBJECT_AFTER = r"(?=\s*(?:19|20)\d{2}|关于|财政|中央|省级|转移支付|专项|部门|整体|单位|项目|本级)"
_EVALUATES = r"(?:认真|及时|按要求)?(?:组织)?(?:开展|进行)了?[^，,。]{0,40}?(?:绩效)?(?:自评|评价)"


def _evaluator(doc: SourceDocument) -> str:
    """The unit a report's opening says evaluated or reports: "紫金县司法局对紫金县一村(社区)一法律顾问经费进行了
    自评" (corpus n90), "广西壮族自治区住房和城乡建设厅、财政厅认真组织开展了2024年度……绩效自评" (n29), "现将2022年
    西平县交通运输局财政衔接……自评总结报告如下" (n05); "我市财政局对……进行了绩效自评" names the document's own
    city, the first place of that level its first lines name, when the document prints the whole name (宁国市财政局,
    n190). The unit's name begins a clause and holds its place (_named_unit)."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    name = rf"([\u4e00-\u9fff（）()]{{2,24}}?(?:{endings}))"
    clause = r"(?:^|(?<=[，,。；;：:\s]))"
    own = rf"{clause}我([市县区])([\u4e00-\u9fff]{{2,16}}?(?:{endings}))(?:对[^。]{{2,60}}?)?{_EVALUATES}"
    patterns = [
        rf"{clause}{name}对[^。]{{2,60}}?{_EVALUATES}",
        rf"{clause}{name}(?:、[\u4e00-\u9fff]{{2,14}})*{_EVALUATES}",
        rf"现将(?:(?:19|20)\d{{2}}\s*年度?)?{name}{_SUBJECT_AFTER}[^。]{{0,60}}(?:报告|汇报)如下",
    ]
    lines = _head(doc)
    for seg in lines:
        for pattern in patterns:
            m = re.search(pattern, seg.text)
            if m and _named_unit(m.group(1)):
                return m.group(1)
        m = re.search(own, seg.text)
        if m:
            text = norm("".join(s.text for s in doc.paragraphs()))
            head = norm("".join(s.text for s in lines[:3]))
            level, rest = m.group(1), norm(m.group(2))
            places = {p for groups in (regions(), vocabulary().raw["places"]) for ps in groups.values() for p in ps}
            named = sorted((head.find(p), p) for p in places if p.endswith(level) and p in head)
            if named and named[0][1] + rest in text:
                return named[0][1] + rest
    return ""


# what a unit calls itself ("我局", "我中心", "我校") and the endings of its whole name; 我所 (我所在的…) and 我会
# (我会同…) say other things as often
_SELF_ENDINGS = {
    "中心": ("中心",),
    "局": ("局",),
    "委": ("委员会", "委"),
    "校": ("学校", "中学", "小学", "校"),
    "院": ("医院", "院"),
    "站": ("站",),
    "办": ("办公室", "办"),
    "馆": ("馆",),
    "厅": ("厅",),
    "队": ("队",),
}
_SELF_WORD = re.compile(r"(?<![自本])我(中心|局|委|校|院|站|办|馆|厅|队)")
_SELF_GENERIC = re.compile(r"(?<!自)我单位|(?<!自)我部门")
# what a finance bureau says of itself too, in a report on another unit's project that names only that unit
# ("我局组织对……开展重点评价……县教育局负责项目实施"): read only as the subject of its own sentence
_SELF_SHARED = ("我局", "我厅", "我委", "我单位", "我部门")
_CITED = re.compile(r"《[^》]{0,80}》")
# what stands between another unit at a clause's start and "我局" when that unit acts on this one ("县财政局下达
# 我局…", "市局对我局…")
_ACTS_ON = re.compile(r"下达|拨付|拨入|批复|安排|通知|要求|督促|指导|检查|考核|评价|对|向|给|为|和|与|及(?!时)|、")


@lru_cache(maxsize=8)
def _placed_name(endings: tuple[str, ...]) -> re.Pattern[str]:
    """A unit's whole name as prose prints it: a place (a province, or a city or county of regions.yaml), then the
    rest of the name up to the first of `endings` ("腾冲市农业农村局", "昌宁县殡葬服务中心")."""
    places = {p for ps in regions().values() for p in ps if len(p) >= 2} | set(vocabulary().raw["provinces"])
    # longest first, then by name: the same text in every process (a set's order moves with the hash seed), so
    lead = "|".join(re.escape(p) for p in sorted(places, key=lambda p: (-len(p), p)))
    ending = "|".join(re.escape(e) for e in endings)
    # that rx keeps it compiled in the disk cache between runs (an alternation of every place: ~65 ms to compile)
    return rx(rf"(?:{lead})[\u4e00-\u9fff（）()]{{0,20}}?(?:{ending})")


def _self_referred(doc: SourceDocument) -> str:
    """The unit a report speaks as: it calls itself 我局, 我中心, 我校 … and prints its whole name, with its place,
    as the subject of the sentence that says so ("腾冲市农业农村局及时整理出由我局管理的…", corpus n155) or as the only
    unit of that kind it names ("2019年昌宁县殡葬服务中心向县级财政争取资金……我中心成立绩效自评小组", n205). A unit
    that acts on this one ("县财政局下达我局…"), or one this one acts on ("我局对…县教育局"), is not it; a report
    that speaks as two units (我局 and 我中心) names none; what stands inside 《》 is a cited document's name."""
    text = _CITED.sub(lambda m: "＿" * len(m.group(0)), "\n".join(s.text for s in doc.paragraphs()))
    words = {m.group(1) for m in _SELF_WORD.finditer(text)}
    if len(words) > 1:
        return ""
    if words:
        word = words.pop()
        said, pattern = "我" + word, _placed_name(_SELF_ENDINGS[word])
    else:
        # "我单位", "本部门": any unit's ending ("大英县交通运输局负责全县农村公路养护,我单位……")
        generic = _SELF_GENERIC.search(text)
        if not generic:
            return ""
        said, pattern = generic.group(0), _placed_name(tuple(vocabulary().words("department_endings")))
    names = {n for _, _, n in _placed(pattern, text) if _named_unit(n) and not _section(n)}
    subjects: set[str] = set()
    leading: set[str] = set()  # names that stand where a subject does somewhere in the report
    other = False
    for sentence in re.split(r"[。！？!?\n]", text):
        for start, end, name in _placed(pattern, sentence):
            if name not in names:
                continue
            before, at = sentence[:start], sentence.find(said, end)
            # the subject of its clause, or the unit the money went to ("下达三亚市业余体育学校的经常性项目……，我校…",
            # corpus n146) — not the sender of a notice ("按照黑龙江省财政厅等五部门关于转发《…》", n64)
            lead = (
                not before or re.search(r"(?:[，,；;：:]|(?:19|20)\d{2}\s*年度?|下达|拨付|拨给)\s*$", before)
            ) and not (re.match(r"\s*(?:等|关于(?:转发|印发|下达|下发)|印发|下发|联合|会同)", sentence[end:]))
            if lead:
                leading.add(name)
            if said not in sentence:
                continue
            # before 我局, with nothing that acts on another between them
            if lead and at >= 0 and not _ACTS_ON.search(sentence[end:at]):
                subjects.add(name)
            else:
                other = True
    if len(subjects) == 1:
        return subjects.pop()
    if not subjects and not other and len(names) == 1 and names <= leading and said not in _SELF_SHARED:
        return names.pop()
    return ""


def _published_by(doc: SourceDocument) -> str:
    """The page's publisher ("发布机构 福建省住房和城乡建设厅", a site's particulars over the text) when the report
    speaks as one unit of its kind (我厅 and a …厅, 我局 and a …局) and prints no name of its own: the unit that
    publishes is then the one that says 我厅. A publisher is no reporting unit otherwise — a bureau publishes the
    reports of the units under it (corpus n253: 开远市机关事务局 over its 公务用车保障中心's "我单位"), and 我单位
    and 我部门 say nothing of which."""
    text = _CITED.sub("", "\n".join(s.text for s in doc.paragraphs()))
    words = {m.group(1) for m in _SELF_WORD.finditer(text)}
    if len(words) != 1:
        return ""
    ending = "|".join(re.escape(e) for e in _SELF_ENDINGS[words.pop()])
    for seg in _head(doc):
        m = re.search(
            rf"发布(?:机构|单位)\s*[:：]?\s*([\u4e00-\u9fff（）()]{{2,30}}?(?:{ending}))(?=$|[^\u4e00-\u9fff]|{_NEXT_LABEL})",
            seg.text,
        )
        if m and _named_unit(m.group(1)) and not _section(m.group(1)):
            return m.group(1)
    return ""


def _placed(pattern: re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of each whole name `pattern` (_placed_name) finds, run on where its ending begins a longer
    one ("株洲市荷塘区妇女联" → 株洲市荷塘区妇女联合会, "…委" → …委员会, "…街道办" → …街道办事处)."""
    out = []
    for m in pattern.finditer(text):
        end = m.end()
        for rest in _LONGER_ENDING.get(m.group(0)[-1], ()):
            if text.startswith(rest, end):
                end += len(rest)
                break
        out.append((m.start(), end, text[m.start() : end]))
    return out


_LONGER_ENDING = {"联": ("合会",), "委": ("员会",), "办": ("事处", "公室")}


def _phrase_named(doc: SourceDocument) -> str:
    """The unit a report names in the set phrases that name the one that reports: the 三公 accounts' "全年使用财政拨款
    安排梧州市农产品质量安全综合检测中心出国团组0个" (corpus n119; the template's 本部门 filled in with the unit's
    name), a project's "项目实施主体保山市文化和旅游局于10月20日……" (n154) or "该项目由西平县农业农村局组织实施"
    (n259), its "主管部门为…" when it names no implementing unit in prose (n217). A whole name with its place
    (_named_unit)."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    name = rf"([\u4e00-\u9fff（）()]{{2,30}}?(?:{endings}))"
    patterns = [
        rf"安排{name}(?:因公)?出国(?:[(（]境[)）])?团组",
        rf"实施主体(?:为|是|[:：])?\s*{name}(?=[于在对负按将已为是，,。；;、\s(（]|$)",
        # "该项目由西平县农业农村局组织实施" (held-out n259)
        rf"(?:该|本|此)项目由{name}(?:负责|牵头|具体)?(?:组织)?实施",
    ]
    text = "\n".join(s.text for s in doc.paragraphs())
    if not _IMPLEMENTER_SAID.search(text):
        # "主管部门为海口国家高新区管委会(行政主管部门)" (n217), where the report names no implementing unit in prose:
        # one that does is that unit's (docs/review.md, "Identity")
        patterns.append(rf"(?:项目)?主管部门(?:为|是)\s*{name}(?=[(（，,。；;\s]|$)")
    for seg in doc.paragraphs():
        for pattern in patterns:
            m = re.search(pattern, seg.text)
            if m and _named_unit(m.group(1)) and not _section(m.group(1)):
                return m.group(1)
    return ""


_IMPLEMENTER_SAID = re.compile(r"(?:实施|项目|使用)单位(?:为|是)|实施主体|项目由[^。，,]{2,30}?实施")


def _sole_actor(doc: SourceDocument) -> str:
    """The one unit a report names, where it names it as the actor of the report's own work: what it will do next
    ("今后,环江县文化广电体育和旅游局将彩票资金的预算和财务管理不断完善", corpus n122), what it did with the units
    under it ("东阳市文化和广电旅游体育局及其下属各单位……组织开展了……", n102, n172), or whose budget it tells
    ("绵阳市科学技术局主要有部门预算项目支出……二类支出", n41). Only when no other unit with its
    place is named outside 《》: a report that names several may be speaking of another (a finance bureau's
    "今后,县教育局将……")."""
    endings = vocabulary().words("department_endings")
    alt = "|".join(re.escape(e) for e in endings)
    name = rf"([\u4e00-\u9fff（）()]{{2,30}}?(?:{alt}))"
    patterns = [
        rf"(?:^|[。；;!！，,])\s*(?:今后|下一步|下步)[,，]\s*{name}(?:将|要|会)",
        rf"(?:^|[，,。；;：:]|(?:19|20)\d{{2}}\s*年度?[,，]?)\s*{name}及其(?:下属|所属)(?:各)?(?:单位|部门|机构)",
        # the subject of the report's budget: "绵阳市科学技术局主要有部门预算项目支出、专项预算支出二类支出" (n41)
        rf"(?:^|[。；;！!])\s*{name}(?:主要有|共有|(?:本|全)年(?:度)?共?有?)[^。，,]{{0,12}}?(?:支出|资金|预算)",
    ]
    text = _CITED.sub(lambda m: "＿" * len(m.group(0)), "\n".join(s.text for s in doc.paragraphs()))
    found = ""
    for pattern in patterns:
        m = next((m for m in re.finditer(pattern, text, re.M) if _named_unit(m.group(1))), None)
        if m:
            found = m.group(1)
            break
    if not found:
        return ""
    # the other units named with their place: told apart by what follows the place (财政局, 教育局), as a place
    # a county of another name (环江毛南族自治县 printed 环江县) is not always in regions.yaml
    others = {m.group(1) for m in _OTHER_UNIT.finditer(text)} - {m.group(1) for m in _OTHER_UNIT.finditer(found)}
    return "" if others else found


_OTHER_UNIT = re.compile(
    r"(?:自治区|[省市县区州盟旗])(?![在的各内级和与及、])([\u4e00-\u9fff]{1,16}?"
    r"(?:局|厅|委员会|中心|人民政府|学校|医院|办公室|馆|站))"
)


def _allocated_to(doc: SourceDocument) -> str:
    """The unit a project's self-evaluation says the money was allocated to: "市财政下达市交通运输局保山站房规模扩大
    工程建设经费260万元" (corpus n164), "自治区广电局每年均为林芝市广电局下达村村通维护经费" (n174) — a self-evaluation
    is made by the unit that received and spent the money. Only in a report whose head says 自评, only a name that
    begins with its place (a province, a city or county of regions.yaml, or only its level: 市交通运输局, made whole
    by _whole), and only when the report names one such unit: money split among several names none."""
    if "自评" not in norm("".join(s.text for s in _head(doc))):
        return ""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    name = rf"([\u4e00-\u9fff（）()]{{2,24}}?(?:{endings}))"
    patterns = [
        rf"(?:下达|拨付|拨给|拨入)(?:到|至|给)?{name}(?=[^，,。；;]{{0,40}}?(?:经费|资金|补助|款))",
        rf"为{name}下达",
    ]
    text = _CITED.sub(lambda m: "＿" * len(m.group(0)), "\n".join(s.text for s in doc.paragraphs()))
    found = {
        m.group(1)
        for pattern in patterns
        for m in re.finditer(pattern, text)
        if _placed_start(m.group(1)) and _named_unit(m.group(1)) and not _section(m.group(1))
    }
    return found.pop() if len(found) == 1 else ""


def _office_seat(doc: SourceDocument) -> str:
    """The unit a project's report says its leading group's office sits in: "……成立了……示范工作领导小组。领导小组
    办公室设在市商务局,负责统筹协调……" (corpus n57) — the unit that runs the programme day to day and answers for it.
    Only a name that begins with its place (or its level, made whole by _placed_whole), and only when the report
    seats one office so: two groups' offices in two units name none."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    text = _CITED.sub(lambda m: "＿" * len(m.group(0)), "\n".join(s.text for s in doc.paragraphs()))
    found = {
        m.group(1)
        for m in re.finditer(rf"(?:领导|工作)小组办公室设[在于]([\u4e00-\u9fff（）()]{{2,24}}?(?:{endings}))", text)
        if _placed_start(m.group(1)) and _named_unit(m.group(1)) and not _section(m.group(1))
    }
    return found.pop() if len(found) == 1 else ""


# how a report speaks of its own place's level: "我县", "全县", "县财政" (corpus n62) — a county's unit
_OWN_LEVEL = {lvl: re.compile(rf"(?:我|全|本){lvl}|{lvl}(?:财政|政府|委)") for lvl in "县市区"}


# what follows 我 and is no unit's own name: a place (我市, 我县, 我省, 我国), a place's name ("我永兴县的……"), 我们,
# or a word _self_referred reads (我局, 我中心, 我单位, 我部门: "我中心按区财政部……")
_SPOKEN_AFTER_我 = re.compile(
    r"^(?:[省市县区州旗盟镇乡国们]|单位|部门|中心|局|厅|委|校|院|站|办|馆|队|所|会|司|行|处|科)"
)
# characters of a sentence, never of a unit's name ("我单位及时组织涉及乡镇……", "我市召开……会")
_NOT_IN_A_NAME = re.compile(r"[的在将和按与及对为把被从向给是了召组]")


def _self_named(doc: SourceDocument) -> str:
    """The unit a report calls 我 with its name, printed without its place: "年初预算安排我公路建设养护中心……174万元"
    (corpus n62). The name takes the one place of the level the report speaks as ("我县", "全县", "县财政": 桂阳县, the
    only county it names) — only when it speaks as one level and names one place of it (_placed_whole); 我局, 我中心
    alone are _self_referred's."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    text = _CITED.sub(lambda m: "＿" * len(m.group(0)), "\n".join(s.text for s in doc.paragraphs()))
    found = {
        m.group(1)
        for m in re.finditer(rf"(?<![自本])我([\u4e00-\u9fff]{{2,12}}?(?:{endings}))", text)
        if not _SPOKEN_AFTER_我.match(m.group(1))
        and not _NOT_IN_A_NAME.search(m.group(1))
        and not _IN_A_NAME_NEVER.search(m.group(1))
        and not _section(m.group(1))
        and not _GRASSROOTS.search(m.group(1))
    }
    if len(found) != 1:
        return ""
    name = found.pop()
    if _PLACE_MARK.search(name) or province_of(name[:4]):
        return ""  # a place after 我 ("我永兴县……") is the place speaking, not a unit's name
    levels = [lvl for lvl, spoken in _OWN_LEVEL.items() if spoken.search(text)]
    return _placed_whole(levels[0] + name, doc) if len(levels) == 1 else ""


def _placed_start(name: str) -> bool:
    """A name that begins with its place: a province, a place of regions.yaml, or a level alone (市交通运输局)."""
    return name[:1] in _LEVEL or name.startswith(("自治区", *_places()))


# a place's own organs, which a department's report names as leading it ("县委、县政府高度重视……"): never the
# department that reports
_PLACE_ORGANS = {"委", "政府", "人民政府", "党委", "委员会", "人大", "人大常委会", "人大常委", "纪委", "监委"}


def _paragraph_subject(doc: SourceDocument) -> str:
    """The unit a department's report names at the start of two paragraphs or more as their subject and no other
    unit so ("县政协坚持按照县委……", "县政协牢牢把握……两大主题", corpus n63): the report's own unit, made whole by
    _whole. Not a place's own organs (县委, 县政府 …: _PLACE_ORGANS), nor a name followed by 、 or 和 (a list)."""
    endings = tuple(vocabulary().words("department_endings"))  # 政协, 科协 among them (县政协, corpus n63)
    counts: dict[str, int] = {}
    for seg in doc.paragraphs():
        opening = re.sub(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,2}[)）、.．]\s*)?", "", seg.text)[:26]
        names = [opening[:i] for i in range(3, len(opening)) if opening[:i].endswith(endings)]
        name = next((n for n in names if opening[len(n) : len(n) + 1] not in "、，,和与及同"), "")
        if name and _placed_start(name) and _named_unit(name) and not _section(name) and not _firm(name):
            place = re.match(r"^(?:自治区|[\u4e00-\u9fff]*?[省市县区州旗盟])", name)
            if not place or name[place.end() :] not in _PLACE_ORGANS:
                counts[name] = counts.get(name, 0) + 1
    leading = [n for n, c in counts.items() if c >= 2]
    return leading[0] if len(leading) == 1 and len(counts) == 1 else ""


# the speaker's line under a report's title: "市审计局局长   李火生" (corpus n222, a report to the 人大常委会)
_SPEAKER_POST = "副?(?:局长|主任|厅长|院长|主席|书记|部长|处长|检察长|馆长|所长|站长|队长)"


def _speaker(doc: SourceDocument) -> str:
    """The unit of the one who makes a report, on a line of its own under the title: its name, the post and the
    person's name ("市审计局局长   李火生", corpus n222)."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    for seg in doc.paragraphs()[1:5]:
        m = re.match(
            rf"^\s*([\u4e00-\u9fff（）()]{{2,24}}?(?:{endings})){_SPEAKER_POST}\s+[\u4e00-\u9fff]{{2,4}}\s*$", seg.text
        )
        if m and _placed_start(m.group(1)) and _named_unit(m.group(1)):
            return m.group(1)
    return ""


@lru_cache(maxsize=1)
def _alias() -> str:
    """The other name a unit bears, in brackets after its own: a unit that took over another's duties keeps that
    one's name as a second plate (加挂牌子) — the 2023 reform put 国家乡村振兴局's duties into 农业农村部, which bears
    its name as a plate (http://rcyhjx.com/dn/kuaixun/417188.html, 2023-03-07), and a county prints "大英县农业农村局
    （大英县乡村振兴局）". A pattern: the brackets and a name ending as a unit's does."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    return rf"[(（][\u4e00-\u9fff]{{2,24}}?(?:{endings})[)）]"


def _unaliased(name: str) -> str:
    """ "大英县农业农村局（大英县乡村振兴局）" → 大英县农业农村局: the unit under its own name, its second plate aside
    (_alias); a name that is only such brackets stays as it is."""
    rest = re.sub(rf"\s*{_alias()}$", "", name)
    return rest if len(rest) >= 3 and rest.endswith(tuple(vocabulary().words("department_endings"))) else name


def _without_scope(name: str) -> str:
    """ "大英县医疗保障局部门" → 大英县医疗保障局: a budget-scope word after a unit's name (vocabulary.yaml
    department_scope_suffixes) is not part of it; "财政部" or "宣传部" (部 as the unit's own ending) stay whole."""
    vocab = vocabulary()
    name = re.sub(r"[(（]\s*(本级|部门)\s*[)）]$", r"\1", name)  # "大英县民政局（本级）"
    for suffix in vocab.words("department_scope_suffixes"):
        rest = name[: -len(suffix)] if name.endswith(suffix) else ""
        if len(rest) >= 3 and rest.endswith(tuple(vocab.words("department_endings"))):
            return rest
    return name


_NEXT_LABEL = "发布|发表|发文|时间|日期|浏览|点击|作者|字号|索引"


def _source_line_department(doc: SourceDocument) -> str:
    """The unit a page names as its source ("发表时间:2025-03-20 信息来源:霍山县教育局", corpus t73) or as the last
    step of its path on the site, when the document names none under a label of its own: the publisher of the page
    is the unit that reports."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    for seg in _head(doc):
        # the name ends where the line's next label begins, also with no space before it (a justified PDF line
        # closed up: "来源:安居区市场监管局发布时间:…", corpus t35)
        # — or where the report's first sentence begins, run on to the line ("…管委会我单位2024年…", corpus n250)
        name = rf"([\u4e00-\u9fff（）()]{{2,30}}?(?:{endings}))(?=$|[^\u4e00-\u9fff]|{_NEXT_LABEL}|我)"
        m = re.search(rf"(?:信息)?来源\s*[:：]\s*{name}", seg.text)
        if m:
            return m.group(1)
        # the page's path on its site: "首页 >> 部门信息公开 >> 牟定县交通运输局 >> 正文" (corpus n261), "您的位置: 首页
        # >……>山西省太谷师范附属小学>详细内容" (n258) — the last step that is a unit's whole name
        if "首页" in seg.text and re.search(r"[>＞»›]", seg.text):
            steps = [x.strip() for x in re.split(r"\s*(?:>+|＞+|»|›)\s*", seg.text) if x.strip()]
            units = [
                x for x in steps if re.fullmatch(rf"[\u4e00-\u9fff（）()]{{2,30}}(?:{endings})", x) and _named_unit(x)
            ]
            if units:
                return units[-1]
    return ""


# a name blacked out before publication ("部门(单位)名称:****", "×××局"): what stands for a character that is not there
_MASK = re.compile(r"[*＊×✕Xx○〇●□■△▲※]")


def _unmasked(name: str) -> str:
    """`name`, or "" when it is only a mask: published reports often hide the unit's name as **** or ×××, and a
    review that named the department "****" would compare it, rank it and print it as a name; a page's
    placeholder for what it shows only to those logged in ("主管部门:点击登录查看", corpus n218) is none either."""
    rest = _MASK.sub("", name)
    if _PLACEHOLDER.search(name):
        return ""
    return name if re.search(r"[\u4e00-\u9fffA-Za-z]", rest) else ""


_PLACEHOLDER = re.compile(r"点击|登录|登陆|查看|详见|见附件|暂无|^(?:无|略|空|/|-|—)$")


_CODE = re.compile(r"^(?:\d{3,}[-—]|[\[［【]\d{2,}[\]］】]\s*)")  # "219001-池州市…" (t01), "[155]濉溪县民政局" (t27)


def _spaced(doc: SourceDocument, labels: list[str]) -> str:
    """The value after a label and a space on a line of its own, the value one word: "项目单位       汨罗市城市公共
    汽车公司" (corpus t70), "项目单位 南湖新区民政局" (t34) — a form printed as text."""
    endings = tuple(vocabulary().words("department_endings"))
    for seg in _head(doc):
        for label in labels:
            m = re.match(rf"^\s*{re.escape(label)}\s+(\S{{3,}})\s*$", seg.text)
            if m:
                return m.group(1)
            # a scan loses the space ("项目单位南湖新区民政局", corpus t34 scanned): after a label of four characters
            # or more, a unit's whole name
            m = re.match(rf"^\s*{re.escape(label)}(\S{{3,}})\s*$", seg.text) if len(label) >= 4 else None
            if m and m.group(1).endswith(endings) and _named_unit(m.group(1)) and not _is_label(m.group(1)):
                return m.group(1)
    return _flattened_row(doc, labels)


def _flattened_row(doc: SourceDocument, labels: list[str]) -> str:
    """The name after a label in a form's rows flattened into one line of words, a PDF's text layer read across
    the cells: "项目名称 国家基本公共卫生服务 主管部门 稷山县卫生健康和体育局 年初预算 数 0 … 实施单位 稷山县翟店镇
    卫生院 全年预算数 …" (corpus t19). Only in a line naming the project and a unit under their labels, and only a
    word that ends as a unit's name does."""
    vocab = vocabulary()
    endings = tuple(vocab.words("department_endings"))
    units = [w for key in ("department", "unit", "answerable") for w in vocab.words("identity", key) if len(w) >= 4]
    # a scan reads the line without its spaces ("…主管部门稷山县卫生健康和体育局年初预算数0…"): the name then ends
    # where the next cell's label begins
    ending = "|".join(re.escape(e) for e in endings)
    following = "|".join(re.escape(w) for w in [*units, *_NEXT_CELL])
    for seg in _head(doc):
        words = seg.text.split()
        if "项目名称" in words and any(w in words for w in units):
            for label in labels:
                if label in words:
                    i = words.index(label)
                    value = words[i + 1] if i + 1 < len(words) else ""
                    if value.endswith(endings) and _named_unit(value) and not _is_label(value):
                        return value
        elif seg.text.lstrip().startswith("项目名称") and any(w in seg.text for w in units):
            for label in (w for w in labels if len(w) >= 4):
                m = re.search(
                    rf"{re.escape(label)}([\u4e00-\u9fff（）()]{{2,30}}?(?:{ending}))(?={following})", seg.text
                )
                if m and _named_unit(m.group(1)):
                    return m.group(1)
    return ""


# the labels of a form's cells that follow a unit's name in its head, read across the row
_NEXT_CELL = ("年初预算", "全年预算", "项目资金", "预算数", "联系人", "联系电话", "项目负责人", "自评得分", "评价得分")


def _misread(tables: list[Table], labels: list[str], doc: SourceDocument | None = None) -> str:
    """The unit beside a label text recognition misread by one character ("实施第位 | 银川市第六中学", corpus t06 as
    published; "主管部冂：…" on a scan): a cell, or the words before a colon in the head's lines (with `doc`), as
    long as a label of four characters or more, the same but for one character that is not its first (省级主管部门
    is no misread 县级主管部门: corpus t35, t73), and no label or column heading of its own ("预算单价" is a price),
    before a unit's whole name (_named_unit, ending as a unit's name does)."""
    endings = tuple(vocabulary().words("department_endings"))
    wanted = [norm(x) for x in labels if len(norm(x)) >= 4]

    def near(text: str) -> bool:
        n = norm(text)
        return (
            any(
                len(n) == len(w) and n[0] == w[0] and sum(a != b for a, b in zip(n, w, strict=True)) == 1
                for w in wanted
            )
            and not _is_label(n)
            and not _heading(n)
        )

    def whole(value: str) -> bool:
        return value.endswith(endings) and _named_unit(value) and not _is_label(value) and not _firm(value)

    for t in tables:
        for row in t.grid:
            for c, cell in enumerate(row):
                value = _cell_value(row, c) if near(cell) else ""
                if whole(value):
                    return value
    for seg in _head(doc) if doc is not None else []:
        m = re.match(r"^\s*([^：:\s]{4,12})\s*[：:]", seg.text)
        value = _unsealed(_after_colon(seg.text)) if m and near(m.group(1)) else ""
        if whole(value):
            return value
    return ""


def _implementing_unit(tables: list[Table], doc: SourceDocument) -> str:
    """实施单位: the unit a project form names as spending the money (vocabulary.yaml identity.unit), "" when the
    form names none. "本单位" is the unit the form's head names (单位名称, corpus t49)."""
    labels = vocabulary().words("identity", "unit")
    unit = _labelled(tables, doc, labels) or _spaced(doc, labels) or _misread(tables, labels, doc)
    unit = _CODE.sub("", unit).strip()
    if norm(unit) in ("本单位", "本部门"):
        unit = _CODE.sub("", _labelled(tables, doc, ["单位名称"])).strip()
    return _unmasked(unit)


# one label for both: "主管部门及实施单位", "项目主管部门/实施单位", "主管部门(单位)和项目实施单位"
_JOINT = re.compile(r"^(?:项目)?主管部门(?:\(单位\))?(?:及|和|与|、|/)(?:项目)?实施单位(?:名称)?$")


def _joint(tables: list[Table], doc: SourceDocument) -> tuple[str, str]:
    """(department, unit) a form names under one label for both, the two names split by a slash or 、:
    "主管部门及实施单位 | 大英县交通运输局/大英县公路事务中心" or "主管部门及实施单位：…" — one name there is both;
    ("", "") when the form has no such label."""
    value = ""
    for t in tables:
        for row in t.grid:
            for c, cell in enumerate(row):
                if _JOINT.match(norm(cell)):
                    value = value or _cell_value(row, c)
                elif _joint_labelled(cell):
                    value = value or _after_colon(cell)
    for seg in _head(doc) if not value else []:
        if _joint_labelled(seg.text):
            value = _after_colon(seg.text)
            break
    parts = [p.strip() for p in re.split(r"[/／、；;]|\s{2,}", value) if p.strip()]
    names = [_unmasked(_CODE.sub("", p)) for p in parts if not _unit_only(p)]
    if len(names) == 2 and all(names):
        return names[0], names[1]
    if len(names) == 1 and names[0]:
        return names[0], names[0]
    return "", ""


def _joint_labelled(text: str) -> bool:
    """ "主管部门及实施单位：…": the joint label, then a colon and the names."""
    m = re.match(r"^([^：:]{4,16})[：:]", (text or "").strip())
    return m is not None and bool(_JOINT.match(norm(m.group(1))))


def _central(name: str) -> bool:
    """A ministry or national administration (人力资源社会保障部, 国家体育总局, 市场监管总局): the 主管部门 of a
    central transfer, which allocated the money and does not answer for its local use."""
    n = norm(name)
    local = province_of(n) or re.search(r"[省市县区州盟旗镇乡村委]", n)  # 中共某县委宣传部 is a county's
    return n.startswith("国家") or (n.endswith(("总局", "部")) and not local)


def _answerable(tables: list[Table], doc: SourceDocument) -> str:
    """On a project form that names its implementing unit, the department answerable for the self-evaluation is
    its 主管部门 (vocabulary.yaml identity.answerable) — not a central ministry, not a section of a unit."""
    labels = vocabulary().words("identity", "answerable")
    name = _labelled(tables, doc, labels, tuple(labels)) or _spaced(doc, labels) or _misread(tables, labels, doc)
    name = _CODE.sub("", name).strip()
    return "" if not name or _central(name) or _section(name) or _government(name) else _unmasked(name)


def _labelled_department(doc: SourceDocument, tables: list[Table], form: bool) -> str:
    """The department under a label (a form's 主管部门 first), else find_department's, else the title's."""
    vocab = vocabulary()
    named = vocab.words("identity", "department")
    name = (
        (_answerable(tables, doc) if form else "")
        or _labelled(tables, doc, named, ("主管部门", "部门", "实施单位", "项目实施单位", "项目单位"))
        or _misread(tables, named, doc)
    )
    name = _CODE.sub("", name)
    name = re.sub(r"\s*[(（]?(19|20)\d{2}年度?[)）]?$", "", name).strip()
    name = _unmasked(name)
    if not name:
        found = _unmasked(find_department(doc))
        name = "" if _unit_only(found) else found
    if not name:
        name = _titled_department(doc, tables)
    labels = "|".join(re.escape(w) for w in sorted(vocab.words("identity", "department"), key=len, reverse=True))
    name = re.sub(rf"^(?:{labels})\s+(?=\S)", "", name)  # "项目单位 岳阳县林业局" → the name
    # OCR sees no space between the label and the name ("项目单位南湖新区民政局", corpus t45 scanned): a label of
    # four characters or more is never the start of a name
    words = sorted(vocab.words("identity", "department"), key=len, reverse=True)
    long_labels = "|".join(re.escape(w) for w in words if len(w) >= 4)
    name = re.sub(rf"^(?:{long_labels})(?=\S{{2}})", "", name)
    return _without_scope(name)


def _department(doc: SourceDocument, tables: list[Table], kind: str, unit: str) -> str:
    """The department (docs/review.md, "Identity"): the first of the readings below that gives a whole name
    (_whole). `unit` is a form's implementing unit: a 主管部门 left blank leaves the department to it (corpus
    t34: "项目单位 南湖新区民政局 / 主管部门 (blank)")."""
    vocab = vocabulary()
    form = bool(unit)
    readings: list[Callable[[], str]] = [
        lambda: _joint(tables, doc)[0],
        lambda: _labelled_department(doc, tables, form),
        lambda: unit,
        lambda: _source_line_department(doc),
        lambda: _signed_department(doc),
        lambda: _placed_whole(_speaker(doc), doc),
        lambda: _compiled_by(doc),
        lambda: _commissioned(doc),
        lambda: _evaluator(doc),
        lambda: _self_referred(doc) if kind.startswith("narrative") else "",
        lambda: _published_by(doc) if kind.startswith("narrative") else "",
        lambda: _phrase_named(doc) if kind.startswith("narrative") else "",
        lambda: _sole_actor(doc) if kind.startswith("narrative") else "",
        lambda: _placed_whole(_allocated_to(doc), doc) if kind == "narrative_project" else "",
        lambda: _placed_whole(_office_seat(doc), doc) if kind == "narrative_project" else "",
        lambda: _self_named(doc) if kind.startswith("narrative") else "",
        lambda: _inline_labelled(
            doc, (vocab.words("identity", "unit") if not form else []) + vocab.words("identity", "department")
        ),
        lambda: _self_described(doc) if kind == "narrative_department" else "",
        lambda: next((t for t in map(_town, (s.text for s in _head(doc)[:6])) if t), ""),
        lambda: _placed_whole(_paragraph_subject(doc), doc) if kind == "narrative_department" else "",
        lambda: _file_named_department(doc),
    ]
    endings = tuple(vocab.words("department_endings"))
    for read in readings:
        name = _whole(_parent(_unmasked(read()), endings), doc)
        if _firm(name):  # the firm that evaluated (评价机构, its 落款) or a company that did the work
            continue
        if name and unit.startswith(name) and not name.endswith(endings):
            # the 主管部门 cut short in its cell ("南充市林业" beside 实施单位 南充市林业局, corpus t21): the unit
            return unit
        if name:
            return name
    return ""


# a firm: an accounting, tax, law or appraisal firm (会计师事务所, 资产评估事务所, "（特殊普通合伙）") or a company
# (有限公司, 集团). A third party evaluates a department on a finance bureau's commission and signs its report, and a
# company does a project's work: neither is a budget unit, so never the department (docs/review.md, "Identity").
_FIRM = re.compile(r"(?:事务所|公司|集团|普通合伙|有限合伙)$")


def _firm(name: str) -> bool:
    return bool(name) and bool(_FIRM.search(re.sub(r"[(（][^()（）]{0,12}[)）]$", "", norm(name))))


def _commissioned(doc: SourceDocument) -> str:
    """The unit a third party evaluated on a commission: "受大英县财政局委托，我所对大英县民政局2023年度部门整体支出
    进行了绩效评价" — the unit after 对, not the one that commissioned the evaluation nor the firm that made it."""
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    name = rf"([\u4e00-\u9fff（）()]{{2,30}}?(?:{endings}))"
    for seg in _head(doc):
        for sentence in re.split(r"[。；;]", seg.text):
            if "委托" not in sentence:
                continue
            m = re.search(rf"对{name}(?:[(（]本级[)）])?{_SUBJECT_AFTER}[^。]{{0,60}}?{_EVALUATES}", sentence)
            if m and _named_unit(m.group(1)) and not _firm(m.group(1)):
                return m.group(1)
    return ""


def _parent(name: str, endings: tuple[str, ...]) -> str:
    """A unit and the body under it joined by a dash ("市农业农村局-市畜牧兽医服务中心", corpus t50's 资金使用单位):
    the department is the unit; "" stays ""."""
    parts = [p.strip() for p in re.split(r"[-—–－]+", name)]
    if len(parts) == 2 and all(p.endswith(endings) and len(p) >= 3 for p in parts):
        return parts[0]
    return name


_LEVEL = "省市县区州旗盟"


def _whole(name: str, doc: SourceDocument) -> str:
    """`name`, in its whole form when it names only the level of its place ("县司法局" in the title of a report
    that names 紫金县司法局 below it, corpus n90) and the document prints it with its place once: a place of
    regions.yaml or vocabulary.yaml's places ending with that level, then the rest of the name. Where the whole
    name is printed nowhere, the one place of that level the document names is its place ("市交通运输局" in a
    report that names 保山市 and no other city, corpus n164; "县政协" and 南县, n63). A document that names no
    place of that level (corpus t15, "县农业农村局"; n185, "市公路局") or two of them keeps the name as it is."""
    text = norm("".join(s.text for s in doc.paragraphs()) + "".join("".join(r) for t in doc.tables() for r in t.rows))
    defined = _defined(name, text) if name else ""
    if defined:
        return defined
    if not name or name[0] not in _LEVEL or province_of(name[:3]):
        return name
    rest = norm(name)[1:]
    places = _level_places(name[0])
    found = {p + rest for p in places if p + rest in text}
    # a place inside a longer one (南湖区 in 岳阳市南湖区) is the same name
    found = {x for x in found if not any(x != y and y.endswith(x) for y in found)}
    if len(found) == 1:
        return found.pop()
    own = {p for p in places if p in text and _place_at(text, p) >= 0}
    own = {p for p in own if not any(p != q and q.endswith(p) for q in own)}
    return own.pop() + rest if not found and len(own) == 1 and len(rest) >= 2 else name


def _defined(name: str, text: str) -> str:
    """The whole name the document gives `name` as its short form: "山东省残疾人联合会(以下简称“省残联”)是……"
    (corpus n251) makes 省残联 (or 山东省残联, as the document's one province placed it) 山东省残疾人联合会 — the
    shortest whole name with its place (_placed_name) that ends before the brackets; "" when it defines none."""
    shorts = {x for x in (name, name[1:], name[3:] if province_of(name[:3]) else "") if len(x) >= 2}
    if not shorts or "简称" not in text:  # most documents define no short form: no place pattern is made for them
        return ""
    alternatives = "|".join(re.escape(x) for x in sorted(shorts))  # one pattern text however the set is ordered
    for m in re.finditer(rf"[(（](?:以下)?简称[“\"”]?(?:{alternatives})[”\"“]?[)）]", text):
        pattern = _placed_name(tuple(vocabulary().words("department_endings")))  # only for a definition of `name`
        before = text[max(0, m.start() - 30) : m.start()]
        for at in range(len(before) - 2, -1, -1):
            if pattern.fullmatch(before[at:]) and _named_unit(before[at:]):
                return before[at:]
    return ""


def _placed_whole(name: str, doc: SourceDocument) -> str:
    """`name` made whole (_whole), or "" when it still names only its level ("市卫生健康委" where no city is named
    whole): what the weaker readings (_speaker, _allocated_to, _paragraph_subject) find is read only with its place,
    as a name by level alone is filed under no one (corpus n185's "市公路局" is 黄石市's)."""
    whole = _whole(name, doc)
    return "" if whole and whole[0] in _LEVEL and not province_of(whole[:3]) else whole


@lru_cache(maxsize=8)
def _level_places(level: str) -> frozenset[str]:
    """The places of regions.yaml and vocabulary.yaml's places (and the four cities that are provinces: 重庆市) whose
    names end with `level` (市, 县, 区 …), of two characters or more."""
    groups = (regions(), vocabulary().raw["places"], {"": vocabulary().raw["provinces"]})
    return frozenset(p for g in groups for ps in g.values() for p in ps if len(p) >= 2 and p.endswith(level))


def identify(doc: SourceDocument, tables: list[Table], kind: str = "") -> Identity:
    """The document's identity; `kind` (kinds.kind_of) says whose a department is: a report's is the unit that
    writes it, a project form's the 主管部门 that answers for it (docs/review.md, "Identity")."""
    vocab = vocabulary()
    ident = Identity()
    ident.unit = _unaliased(_unsealed(_implementing_unit(tables, doc) or _joint(tables, doc)[1]))
    form = ident.unit and not kind.startswith("narrative")
    ident.department = _unaliased(_without_scope(_unsealed(_department(doc, tables, kind, ident.unit if form else ""))))
    ident.project = _labelled(tables, doc, vocab.words("identity", "project"))
    ident.date = _labelled(tables, doc, vocab.words("identity", "date"))
    ident.stated_total = _labelled(tables, doc, vocab.words("identity", "total"))
    head = head_text(doc, tables)
    ident.year = (
        stated_year(_head_texts(doc, tables))
        or _labelled_year(tables, doc)
        or find_year(doc)
        or _title_row_year(tables)
        or year_from_headings([s.text for s in doc.paragraphs()])
        or year_from_fill_date(doc, tables, [s.text for s in doc.paragraphs()[:12]])
        or year_from_signature(doc, [s.text for s in doc.paragraphs()[:12]])
        or _completion_year(tables)
        or stated_year([_file_stem(doc)])  # the file's name, as a title: the weakest ("2023年度…自评报告.docx")
    )
    if ident.year and _funds_year_only(ident.year, ident.project, head):
        filled = year_from_fill_date(doc, tables, [s.text for s in doc.paragraphs()[:12]])
        if filled and filled != ident.year:
            # "项目名称 2019年新型农业经营主体扶持项目" filled in on 2022年7月5日 (corpus t79): the name's year is its
            # funds', the date's says another year evaluated — two readings that disagree give none
            ident.year = None
    ident.province = (
        province_of(norm(ident.department) + head + "".join(s.text for s in doc.paragraphs()[:5]))
        or province_of(_labelled_line_units(doc))
        or province_by_mentions("".join(s.text for s in doc.paragraphs()) + "".join(t.text() for t in tables))
    )
    return ident


def _labelled_line_units(doc: SourceDocument) -> str:
    """The units a report's lines give under a label of their own anywhere in it ("项目主管部门:昌宁县农业农村局。",
    corpus n24, after the head): where a report names its place nowhere else, the place of its own 主管部门 or
    实施单位 (not of a place it mentions in passing, which province_by_mentions counts)."""
    labels = "|".join(re.escape(w) for w in ("主管部门", "主管单位", "实施单位", "项目单位"))
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    found = []
    for seg in doc.paragraphs():
        m = re.fullmatch(
            rf"\s*(?:项目)?(?:{labels})\s*[:：]\s*([\u4e00-\u9fff（）()]{{2,30}}?(?:{endings}))\s*[。.；;]?\s*",
            seg.text,
        )
        if m and _named_unit(m.group(1)):
            found.append(m.group(1))
    return "".join(found)


def _funds_year_only(year: int, project: str, head: str) -> bool:
    """The head prints `year` only in the project's name ("2019年新型农业经营主体扶持项目")."""
    name = norm(project)
    return bool(name) and f"{year}年" in name and f"{year}年" not in head.replace(name, "")


# the seal's place written before the name it stands for, with what text recognition makes of the colon after it
# ("单位名称（公章）。深圳市宝安区妇女联合会": the label is taken, its seal mark and a full stop are left)
_SEAL_BEFORE = re.compile(r"^\s*[(（]\s*(?:公章|盖章|签章|印章|章)\s*[)）]\s*[:：。.,，、;；]?\s*")


_SEAL_AFTER_LABEL = re.compile(r"^\s*[(（]\s*(?:公章|盖章|签章|印章)\s*[)）]\s*")
# what follows a name on its label's line: the seal's place, the date it was filled in, the next label and its value
# ("填报单位（盖章）：大英县交通运输局（盖章） 2024年3月10日", "…交通运输局 填报时间：2024年3月10日")
_AFTER_THE_NAME = re.compile(
    rf"\s*(?:[(（]\s*(?:公章|盖章|签章|印章)\s*[)）]|(?:{_DATE})\s*$|\s[\u4e00-\u9fff]{{2,8}}\s*[：:]).*$"
)


def _unsealed(name: str) -> str:
    """A name without the seal's place before it and what its line holds after it."""
    if not name:
        return name
    name = _SEAL_BEFORE.sub("", name)
    rest = _AFTER_THE_NAME.sub("", name).strip()
    return rest if len(rest) >= 2 else name


def _labelled_year(tables: list[Table], doc: SourceDocument) -> int | None:
    """A year under its own label: "项目年份 | 2017" (corpus t32), "评价年度：2021" — the value a year, nothing else."""
    value = norm(_labelled(tables, doc, vocabulary().words("identity", "year")))
    m = re.fullmatch(r"((?:19|20)\d{2})(?:年度?)?", value)
    return int(m.group(1)) if m else None


def _completion_year(tables: list[Table]) -> int | None:
    """The year a form's overall completion says it worked in, under its column ("全年目标实际完成情况" over "中心2021年
    较好地完成了履职任务", corpus t08, a scan whose title and 填报日期 were lost) — read as a sentence of the head is
    (stated_year: a date, a target or a part of a year is none) when the cell names one year, the weakest reading
    of a form's own text."""
    for t in tables:
        for r, row in enumerate(t.grid[:-1]):
            for c, cell in enumerate(row):
                if re.fullmatch(r"[\u4e00-\u9fff()（）]{0,8}目标[\u4e00-\u9fff]{0,4}完成情况", norm(cell)):
                    below = t.grid[r + 1]
                    text = digits_of_years(below[c]) if c < len(below) else ""
                    # one year only: a completion that speaks of the next year too ("2022年将继续……") names none
                    year = stated_year([text]) if len(set(re.findall(r"(20\d\d)\s*年", text))) == 1 else None
                    if year:
                        return year
    return None


def _title_row_year(tables: list[Table]) -> int | None:
    """The year in a title row further down a sheet: a row of one cell "…自评表(2023年度)" heading the next table
    of a sheet that holds the tail of one table and the head of another (corpus t03 as a workbook)."""
    for t in tables:
        for row in t.grid:
            cells = [c for c in row if c.strip()]
            m = re.search(r"(20\d\d)\s*年度", cells[0]) if len(cells) == 1 and len(cells[0]) <= 60 else None
            if m:
                return int(m.group(1))
    return None
