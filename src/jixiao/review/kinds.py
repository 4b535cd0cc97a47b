"""What a document is: its kind (vocabulary.yaml `kinds`), whether the store cut it off, and the rulebook chosen
from its kind and its identity (identity.py: department, unit, year, province), with the reason. A region
without a rulebook gets the national rules — never another province's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jixiao.model.problems import JixiaoError
from jixiao.scoring.review_form import ReviewForm, parse_review_form
from jixiao.scoring.rulebook import available_rulebooks, load_rulebook

from .cache import cached, digest
from .identity import Identity, head_text, identify, province_of, title_lines
from .rx import rx
from .scoretable import ScoreTable
from .source import Segment, SourceDocument
from .table import Table
from .vocabulary import norm, vocabulary

__all__ = ["Identity", "choose_rulebook", "identify", "is_truncated", "kind_of", "province_of", "rulebook_title"]

CUT_MARK = "〔以下原文未存〕"
# the marker as text recognition reads it too: 【…】, […], （…）, or without brackets, spaces between characters
_CUT_BRACKETED = rx(r"[〔【\[［〖（(「]以下原文未存[〕】\]］〗）)」]")
_CUT_BARE = rx(r"^[…\.。]*以下原文未存[…\.。]*$")


def _is_cut_mark(text: str) -> bool:
    compact = re.sub(r"\s+", "", text or "")
    return bool(_CUT_BRACKETED.search(compact) or _CUT_BARE.match(compact))


_NOTICE_END = rx(r"^特此(?:通知|函告)[。.]?$")
_DATE_ONLY = rx(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")


def _own_paragraphs(doc: SourceDocument) -> list[Segment]:
    """The document's paragraphs but those of a notice it carries before its own text: the allocation notices
    ("城管委: 为贯彻落实……现下达你单位……特此通知。2020年7月22日") a finance bureau's page puts before the
    self-evaluation form they fund (corpus t59) are no report of the form's."""
    paragraphs = doc.paragraphs()
    ends = [i for i, s in enumerate(paragraphs) if _NOTICE_END.match(re.sub(r"\s+", "", s.text))]
    if not ends:
        return paragraphs
    rest = paragraphs[ends[-1] + 1 :]
    while rest and _DATE_ONLY.match(rest[0].text):
        rest = rest[1:]  # the notice's date under 特此通知
    return rest


def _long_paragraphs(doc: SourceDocument) -> int:
    return sum(1 for s in _own_paragraphs(doc) if len(s.text) >= 60)


def _mostly_table(doc: SourceDocument) -> bool:
    """More of the document's text stands in table rows than in its own paragraphs: a form, whatever its title
    calls it ("岳阳市南湖新区财政支出项目绩效评价自评报告" over 项目名称/项目单位/资金/支出明细 rows, corpus t34,
    t45, t53, t70). A report that tabulates its figures (a 三公 table, corpus n117, n130) has more prose than rows."""
    rows = sum(len("".join(row)) for t in doc.tables() for row in t.rows)
    prose = sum(len(s.text) for s in _own_paragraphs(doc))
    return rows > prose


_ACCOUNTS_PROJECT = rx(r"项目支出|采购项目")
# a report that first describes the unit itself — its functions, its sections, its staff — is the unit's own
# ("(一)部门主要职能 …", corpus n226; "……事业单位。主要职能:", n219, the 部门决算 of a centre)
_DESCRIBES_ITSELF = (
    "主要职能",
    "部门职能",
    "单位职能",
    "基本职能",
    "职能职责",
    "职能简介",
    "机构设置",
    "内设机构",
    "人员编制",
    "单位概况",
    "部门概况",
    "部门基本情况",
    # or its year's duties and tasks as a whole: "我们重点对照日常履职清单逐项梳理年度任务完成情况" (held-out n257, a
    # 市卫生健康委's yearly summary of its 绩效任务, whose first 项目 is one of its works further on)
    "履职",
    "年度任务",
    "绩效任务",
)
_WHOLE_AND_PROJECTS = rx(r"部门整体(?:支出)?(?:和|及|与|、)项目(?:支出)?绩效")
# a department that counts its own projects: "我部门及所属二层单位2024年度项目21个" (corpus n208, the 自评 results of a
# 部门决算)
_OWN_PROJECTS = rx(r"(?:我|本)(?:部门|单位)(?:及(?:所属|下属)[^，,。；;]{0,8}单位)?[^，,。；;]{0,12}项目\s*\d+\s*个")
# a title that names a programme and reports how it goes, with no unit's name and no kind's word: "通渭县农村义务
# 教育学生营养改善计划情况汇报" (corpus n191)
_PROGRAMME_TITLE = rx(
    r"^[\u4e00-\u9fff]{2,40}?(?:计划|工程|行动|补助|补贴|资金)(?:实施|执行|落实|推进|试点)?(?:工作)?情况(?:汇报|报告)"
)
_CITED = rx(r"《[^》]{0,80}》")


def _narrative_kind(head: str, kinds: dict) -> tuple[str, str]:
    """A report whose title names no kind: a department's when its head first speaks of the department's accounts
    (部门决算, 部门预算, 三公 — vocabulary.yaml narrative_department.words; corpus n33, n116, n152), a project's
    when it first speaks of a project or its funds (项目, 专项, 彩票公益金 — narrative_project.words; n121), else a
    department's. A generic title (绩效自评报告) decides only when neither does."""
    # 项目 in a department's accounts is no project: 基本支出 and 项目支出 are the two parts of its spending
    # ("项目支出预算48100元", corpus n75, n76; "相关项目支出因客观原因结转", n51), 采购项目 a kind of purchase (n72)
    said = _ACCOUNTS_PROJECT.sub(lambda m: "＿" * len(m.group(0)), head)
    said = said.replace("各项目标", "各项＿标")  # 各项 目标 ("完成……各项目标任务", held-out n235): no project
    # nor does what a cited document's name says ("根据《…关于开展…部门整体支出和项目支出绩效评价工作的通知》",
    # corpus n62, a project's report)
    said = _CITED.sub(lambda m: "＿" * len(m.group(0)), said)
    own = _OWN_PROJECTS.search(said)
    if own:
        return "narrative_department", f"正文统计本部门的项目（“{own.group(0)}”）"
    found = [
        (said.find(norm(w)), kid, w)
        for kid in ("narrative_department", "narrative_project")
        for w in [*kinds[kid].get("words", []), *(_DESCRIBES_ITSELF if kid == "narrative_department" else ())]
        if norm(w) in said
    ]
    if found:
        _, kid, word = min(found)  # the first said: "一、项目基本情况 …纳入部门预算" is a project's (corpus n165)
        return kid, f"正文为叙述性报告，开头含“{word}”"
    generic = next((w for w in kinds["narrative_project"].get("generic_title", []) if norm(w) in head), None)
    endings = "|".join(re.escape(e) for e in vocabulary().words("department_endings"))
    unit = re.match(
        rf"^[\u4e00-\u9fff]{{2,24}}?(?:{endings})(?:19|20)\d{{2}}年度?{re.escape(norm(generic or '-'))}", head
    )
    if generic and unit:
        # a unit's own self-evaluation that names no project: "下桥镇人民政府2024年度绩效自评报告" (corpus n201)
        return "narrative_department", f"标题为单位名称加“{generic}”"
    if generic:
        return "narrative_project", f"标题含“{generic}”"
    programme = _PROGRAMME_TITLE.match(head)
    named = [e for e in vocabulary().words("department_endings") if len(e) >= 2]  # 教育局, 服务中心: a unit's
    if programme and not any(e in programme.group(0) for e in named):
        return "narrative_project", f"标题为计划或资金的情况汇报（“{programme.group(0)}”）"
    return "narrative_department", "正文为叙述性报告"


def kind_of(doc: SourceDocument, tables: list[Table], score_tables: list[ScoreTable]) -> tuple[str, str]:
    """(kind id, the reason in Chinese)."""
    kinds = vocabulary().raw["kinds"]
    head = head_text(doc, tables)
    # a report's text layer may come as one or two very long lines (a PDF's paragraphs joined, held-out n223): prose
    # all the same when no table stands beside it
    prose = sum(len(s.text) for s in doc.paragraphs())
    narrative = _long_paragraphs(doc) >= 3 or (not tables and (len(doc.paragraphs()) >= 3 or prose >= 600))
    generic = set(kinds["narrative_project"].get("generic_title", []))
    title = _CITED.sub("", norm("".join(title_lines(doc))))
    whole = _WHOLE_AND_PROJECTS.search(title) if narrative else None
    if whole:
        # "开远市殡仪馆2024年度部门整体和项目支出绩效自评报告" (corpus n176): the department's whole spending with its
        # projects is the department's report, though its title ends as a project's does (not a cited notice's
        # name: "根据《…部门整体支出和项目支出绩效评价工作的通知》", corpus n62)
        return "narrative_department", f"标题含“{whole.group(0)}”"
    for kid in ("narrative_department", "narrative_project") if narrative else ():
        word = next((w for w in kinds[kid]["title"] if norm(w) in head and w not in generic), None)
        if word:
            return kid, f"标题含“{word}”"
    if narrative:
        return _narrative_kind(head, kinds)
    titled = [
        (head.find(norm(w)), -len(w), kid, w)
        for kid in ("project_table", "department_table", "base_data", "hundred_point_table")
        for w in kinds[kid]["title"]
        if norm(w) in head
    ]
    if titled:
        _, _, kid, word = min(titled)  # the first title of the document names it
        own = next((x for x in sorted(titled) if x[2] == "department_table"), None)
        if kid == "base_data" and own:
            # the base data is an attachment of the department's self-evaluation it comes with ("附件一 基础数据表
            # … 附件二 部门整体支出绩效自评表", corpus t24): the self-evaluation is what is reviewed
            _, _, kid, word = own
        process = _process_level(score_tables, tables) if kid == "project_table" else ""
        if process:
            # a project's form scored on the whole process (项目决策, 项目管理, 产出, 效益: corpus t06, t54), not on
            # the MoF's 产出/效益/满意度 targets: a hundred-point multi-level table
            return "hundred_point_table", f"表题含“{word}”，得分表一级指标含“{process}”（百分制多级指标）"
        return kid, f"表题含“{word}”"
    all_text = "".join(t.text() for t in tables)
    for kid in ("base_data", "project_table", "department_table"):
        words = [w for w in kinds[kid]["header"] if norm(w) in all_text]
        if len(words) >= 2 or (kid == "project_table" and "项目名称" in words and score_tables):
            return kid, f"表中有“{'、'.join(words[:3])}”"
    if score_tables:
        if any(t.family == "mof" for t in score_tables):
            return "project_table", "得分表含年度指标值和实际完成值（财政部自评表格式）"
        return "hundred_point_table", "得分表为多级指标百分制评分表"
    if _mostly_table(doc):
        # a form cut before its scores (the store kept its head): the kind whose header words its head and rows
        # hold most (项目名称 … a project's)
        text = head + norm(all_text)
        counted = [
            (sum(1 for w in kinds[kid]["header"] if norm(w) in text), kid)
            for kid in ("project_table", "department_table", "base_data")
        ]
        found, kid = max(counted, key=lambda x: x[0])
        if found:
            return kid, "正文以表格为主（" + "、".join(w for w in kinds[kid]["header"] if norm(w) in text) + "）"
    if doc.paragraphs():
        kid, _ = _narrative_kind(head, kinds)
        return kid, "未见得分表，按叙述性报告审核"
    return "base_data", "未见得分表"


def _process_level(score_tables: list[ScoreTable], tables: list[Table]) -> str:
    """The first first-level indicator of the score tables that scores the project's decision or management
    (项目决策, 项目管理, 过程), else a table's cell that heads such a group with its points ("项目决策 2 分",
    corpus t07, whose score table was found in its 产出 rows only); "" when none does."""
    for table in score_tables:
        for row in table.rows:
            if re.search(r"决策|管理|过程|^投入", norm(row.level1)):
                return row.level1
    for t in tables:
        for cells in t.grid:
            # the group may stand in the second column, under a wider one ("项目绩效实现情况(80 分) | 投入目标(28
            # 分) | 资金使用合规性", corpus t32)
            for cell in [c.strip() for c in cells if c.strip()][:2]:
                if _PROCESS_GROUP.match(cell):
                    return cell
    return ""


# a group of the 投入-过程-产出-效果 framework scored with its points: 决策/管理/过程, or 投入 — the MoF's project
# table has no such group (its first-level indicators are 产出/效益/满意度 and 成本)
_PROCESS_GROUP = rx(r"^(?:项目)?(?:决策|管理|过程|投入)(?:目标|指标)?\s*[(（]?\s*\d+(?:\.\d+)?\s*分")


_PAGE_NUMBER = rx(r"^[-—–－·]*第?\d{1,3}页?(?:(?:[/／]|共)\d{1,3}页?)?[-—–－·]*$")


def is_truncated(doc: SourceDocument) -> bool:
    """The document ends with the cut marker — its last segment, page numbers after it (a scan's footer) aside."""
    segments = list(doc.segments)
    while segments and segments[-1].kind == "paragraph" and _PAGE_NUMBER.match(re.sub(r"\s+", "", segments[-1].text)):
        segments.pop()
    last = segments[-1] if segments else None
    if last is None:
        return False
    if last.kind == "paragraph":
        return _is_cut_mark(last.text)
    return any(_is_cut_mark(c) for c in last.rows[-1]) if last.rows else False


_KIND_OF_RULEBOOK = {
    "project_table": "project",
    "narrative_project": "project",
    "department_table": "department",
    "narrative_department": "department",
    "hundred_point_table": "department",
    "base_data": "department",
}


_WEIGHT_SUFFIX = re.compile(r"[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")


def _leaf_key(name: str) -> str:
    """An indicator's name as compared: a weight printed after it ("绩效目标合理性(2分)", corpus t44) left out."""
    return _WEIGHT_SUFFIX.sub("", norm(name))


def _region_matches(region: str, province: str, text: str) -> bool:
    """A rulebook's region ("湖南省", "广东省深圳市宝安区") holds the document when the province is the same
    and each smaller place the region names appears in the document."""
    if not province or not region.startswith(province):
        return False
    rest = region[len(province) :]
    places = [p for p in re.split(r"(?<=[市区县州旗])", rest) if p]
    return all(re.sub(r"[市区县州旗]$", "", p) in text for p in places)


# what choosing reads of a rulebook, besides its leaves: kept between runs (cache.py) so that a review loads
# only the rulebook it chose, not all of them (issue 15)
_HEADER = ("kind", "region", "title", "year", "auto_select")
# A rulebook that extends another by its file's path (not by id) depends on a file outside the set hashed
# below: choosing then reads the rulebooks themselves.
_EXTENDS_PATH = re.compile(rb"(?m)^extends\s*:\s*['\"]?[^\n#]*\.ya?ml\b")
_JIXIAO = Path(__file__).resolve().parent.parent


def _headers_of(found: dict[str, Path]) -> dict[str, dict[str, Any] | None]:
    """Per rulebook id: the header fields and leaf names of the rulebook as loaded, or None if it does not
    load (a rulebook with errors is never chosen)."""
    headers: dict[str, dict[str, Any] | None] = {}
    for rid, path in found.items():
        try:
            rulebook = load_rulebook(str(path))
        except JixiaoError:
            headers[rid] = None
            continue
        header: dict[str, Any] = {name: getattr(rulebook, name) for name in _HEADER}
        header["leaves"] = [leaf.name for leaf in rulebook.leaves()]
        header["form"] = rulebook.review.get("form")  # review.form, checked when the rulebook loaded
        headers[rid] = header
    return headers


def _rulebook_headers() -> dict[str, dict[str, Any] | None]:
    """The headers of every available rulebook, cached under the SHA-256 of the rulebooks' ids, paths and bytes
    and of the code that loads them (a change to any gives a new entry)."""
    found = available_rulebooks()
    parts: list[bytes | str] = []
    try:
        for rid, path in found.items():
            data = path.read_bytes()
            if _EXTENDS_PATH.search(data):
                return _headers_of(found)
            parts += [rid, str(path), data]
    except OSError:
        return _headers_of(found)
    if _LOADED_CODE is None:
        return _headers_of(found)
    return cached("rulebook-headers", digest(*parts, *_LOADED_CODE), lambda: _headers_of(found))


def _code_read() -> list[bytes | str] | None:
    """The code that loads rulebooks, as each file's path, size and modification time (None when a file cannot be
    read) — as Python's own bytecode cache tells a changed source, without reading ~320 KB and hashing it at every
    start (2.8 ms of a review's start-up, which has a 15× budget of a bare interpreter's: issue 15)."""
    code = sorted([*_JIXIAO.glob("scoring/**/*.py"), *_JIXIAO.glob("model/*.py"), _JIXIAO / "files" / "yamlsrc.py"])
    parts: list[bytes | str] = []
    try:
        for source in [*code, Path(__file__)]:
            stat = source.stat()
            parts.append(f"{source}:{stat.st_size}:{stat.st_mtime_ns}")
    except OSError:
        return None
    return parts


# Read once, when this module is imported — with the code it imports: a process that loaded older code (a test run
# or a server started before an edit) then never files the headers its code makes under the digest of the newer
# files, where a newer process would read them (seen: the three form rulebooks cached as not loading).
_LOADED_CODE = _code_read()


def rulebook_title(rulebook_id: str) -> str:
    """A rulebook's title as its file gives it ("" for one unknown or with errors), from the cached headers."""
    header = _rulebook_headers().get(rulebook_id)
    return str(header["title"]) if header else ""


def choose_rulebook(kind: str, ident: Identity, doc_text: str, leaf_names: set[str]) -> tuple[str | None, str]:
    """(rulebook id or None, the reason in Chinese). A rulebook with a form of its own (`review.form`) is chosen
    when the document shows that form: of its region and of a kind the form is filled as, of a year it was seen in
    use, printing each of its marks (“得分(20分*执行率)”); it comes first. Another regional rulebook is chosen
    when the document is of its region, or when the document's score table shows its indicators (half of them or
    more) and the document is of its province or names none (for a hundred-point table, a project's rulebook as well
    as a department's, but only so); one whose indicators the table shows comes before
    one that only covers the region (a county's own table before its province's), then the narrower region, then
    the nearest year. A form rulebook of the document's region and kind that is not chosen is named with what the
    document lacks, in the reason of the one chosen instead."""
    wanted = _KIND_OF_RULEBOOK.get(kind, "department")
    names = {_leaf_key(name) for name in leaf_names}
    found: list[tuple[tuple[Any, ...], str, str]] = []
    passed: list[str] = []  # form rulebooks of the document's region and kind, with what the document lacks
    for rid, rulebook in _rulebook_headers().items():
        if rulebook is None or rulebook["region"] == "全国":
            continue
        form = parse_review_form({"form": rulebook.get("form")})[0] if rulebook.get("form") else None
        if form is not None:
            if rulebook["auto_select"] and kind in form.kinds and _place_matches(rulebook["region"], ident, doc_text):
                lacking = _form_lacks(form, ident, doc_text)
                if lacking:
                    passed.append(f"“{rulebook['title']}”{lacking}")
                else:
                    rank = (True, True, len(rulebook["region"]), True, rulebook["year"])
                    found.append((rank, rid, _form_reason(rulebook, form, kind, ident)))
            continue
        other_kind = rulebook["kind"] != wanted
        if other_kind and kind != "hundred_point_table":
            continue
        leaves = {_leaf_key(name) for name in rulebook["leaves"]}
        shown = bool(leaves) and len(names & leaves) / len(leaves) >= 0.5
        if other_kind and not shown:
            # a hundred-point table scores a project as often as a department (corpus t22's 项目支出绩效评价得分表,
            # t37's 农村公益事业财政奖补): a rulebook of the other kind only when the table shows its rows, never by
            # region
            continue
        year = rulebook["year"]
        rank = (False, shown, len(rulebook["region"]), year <= (ident.year or 9999), year)
        if _region_matches(rulebook["region"], ident.province, doc_text):
            # A partly published regional table (auto_select: false) is used only when the table's indicators
            # show it is that table: its structure may differ from the region's other tables.
            if rulebook["auto_select"] or shown:
                found.append((rank, rid, f"文件属{rulebook['region']}，按本地区指标体系“{rulebook['title']}”审核"))
        elif shown and (not ident.province or rulebook["region"].startswith(ident.province)):
            found.append((rank, rid, f"得分表指标与“{rulebook['title']}”一致"))
    aside = f"（未选用{'；'.join(passed)}）" if passed else ""
    if found:
        _rank, rid, reason = max(found, key=lambda item: item[0])
        return rid, reason + aside
    national = vocabulary().raw.get("national_rulebooks", {}).get(kind)
    where = ident.province or "未识别地区"
    none = f"{where}暂无本地区指标体系" if not passed else f"文件不是{where}本地区指标体系的表式{aside}"
    if national and national in available_rulebooks():
        return national, f"{none}，按全国通用规则（{national}）审核"
    return None, f"{none}，按全国通用规则（财政部部门整体支出绩效自评表格式）审核"


def _place_matches(region: str, ident: Identity, text: str) -> bool:
    """A form's region holds the document: the same province, and the narrowest place the region names (广水市 of
    湖北省随州市广水市) printed in the document — a county's form names the county, not always its city."""
    if not ident.province or not region.startswith(ident.province):
        return False
    places = [p for p in re.split(r"(?<=[市区县州旗])", region[len(ident.province) :]) if p]
    return not places or re.sub(r"[市区县州旗]$", "", places[-1]) in text


def _form_lacks(form: ReviewForm, ident: Identity, doc_text: str) -> str:
    """What the document lacks of the form, as a clause (“未印该表式的“…””), or "" when it shows the form."""
    first, last = form.years
    if ident.year is None:
        return f"：未识别年度（该表式见于{form.span}）"
    if not first <= ident.year <= last:
        return f"：{ident.year}年度不在该表式见于的{form.span}内"
    missing = [m for m in form.marks if norm(m) not in doc_text]
    return f"：未印该表式的“{'”“'.join(missing)}”" if missing else ""


def _form_reason(rulebook: dict[str, Any], form: ReviewForm, kind: str, ident: Identity) -> str:
    kind_name = vocabulary().raw["kinds"][kind]["name"]
    marks = "”“".join(form.marks)
    return (
        f"文件属{rulebook['region']}，为{kind_name}，{ident.year}年度在该表式见于的{form.span}内，"
        f"且印有该表式的“{marks}”，按“{rulebook['title']}”审核"
    )
