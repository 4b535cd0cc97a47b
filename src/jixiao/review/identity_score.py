"""Scoring what the review reads of a document's identity — its kind, province, department, implementing unit,
year and rulebook — against the hand-checked truth of the review corpus (tests/fixtures/review_corpus/*/truth.yaml).

Each field of each document gets one outcome:
  right     read, and the same as the truth;
  wrong     read, and not the truth (a finding filed under another name, year or rulebook);
  missed    the truth has a value, nothing was read;
  spurious  the truth says the document does not state it (''/null), something was read;
  unknown   neither has a value — an honest "未识别".
Precision is right / (right + wrong + spurious), recall right / (right + wrong + missed): reading no year is
better than reading a wrong one, so precision comes first.

The truth's `department` and `implementing_unit` carry the transcriber's notes in brackets ("山东省财政厅
(publisher)", "县交通运输局(县名未载)", "(镇,名称未载)"): a bracket after a space or one that says the name is
not stated is a note, not part of the name; a value that is only a note is no name. A name read with the
place it belongs to before it (岳阳市南湖新区民政局 for the truth's 南湖新区民政局, or the other way round) is
the same unit: a finance officer files them together. The expected rulebook is the one the review chooses
when it is given the truth's kind, province and year (kinds.choose_rulebook): a wrong identity that still
leads to the right rulebook is counted right there, and a right identity is never blamed for a missing
regional rulebook.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .findings import ReviewResult
from .kinds import Identity, choose_rulebook
from .source import read_source
from .table import tables_of
from .vocabulary import norm

__all__ = [
    "FIELDS",
    "IdentityScore",
    "expected_rulebook",
    "judge_identity",
    "precision_recall",
    "same_name",
    "score_identity",
    "totals",
    "truth_name",
]

FIELDS = ("kind", "province", "department", "unit", "year", "rulebook")
OUTCOMES = ("right", "wrong", "missed", "spurious", "unknown")

# a bracketed note that says the name is not there: (县名未载), (名称被遮), (某乡), (not named …)
_NOTE = re.compile(r"未载|被遮|某|未名|not named|masked|unnamed")
_PLACE_END = re.compile(r"(?:省|自治区|市|州|盟|地区|县|区|旗)$")


def truth_name(value: Any) -> str:
    """The name a truth's department or unit field holds, without the transcriber's notes; "" for none."""
    text = "" if value is None else str(value).strip()
    text = re.sub(r"\s+[(（].*$", "", text)  # "山东省财政厅 (publisher)", "井研县财政局 (汇总)"
    m = re.search(r"[(（]([^()（）]*)[)）]$", text)
    if m and (_NOTE.search(m.group(1)) or not re.search(r"[\u4e00-\u9fff]", m.group(1))):
        text = text[: m.start()]
    text = text.strip()
    if not text or text.startswith(("(", "（")):
        return ""
    return text


# a unit's name and its standard short form, as documents print either (中方县残联 in the title of the report
# of 中方县残疾人联合会, corpus n100; 池州市人社局, n49): the same unit
_SHORT_FORMS = {
    "人力资源和社会保障局": "人社局",
    "人力资源社会保障局": "人社局",
    "残疾人联合会": "残联",
    "住房和城乡建设局": "住建局",
    "卫生健康委员会": "卫健委",
    "发展和改革委员会": "发改委",
    "发展改革委员会": "发改委",
    # a town's or a subdistrict's budget unit and the town itself, as a title names it (攀枝花市仁和区同德镇, n25)
    "镇人民政府": "镇",
    "乡人民政府": "乡",
    "街道办事处": "街道",
}


# the peoples an autonomous county, banner or prefecture is named for (张家川回族自治县, 围场满族蒙古族自治县,
# 红河哈尼族彝族自治州); its name is printed without them as often ("张家川县", "围场县", "红河州", "彭水自治县")
_PEOPLES = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|东乡|纳西|景颇"
    "|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|俄罗斯|鄂温克|德昂|保安|裕固|京"
    "|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各"
)
_AUTONOMOUS = re.compile(rf"(?<=[\u4e00-\u9fff])(?:(?:{_PEOPLES})族)*自治(?=[县旗州])")


def _short(name: str) -> str:
    name = _AUTONOMOUS.sub("", name)
    for full, short in _SHORT_FORMS.items():
        if name.endswith(full):
            return name[: -len(full)] + short
    return name


def same_name(read: str, truth: str) -> bool:
    """The same unit: equal as compared (norm), or one is the other with the places it belongs to before it
    (岳阳市南湖新区民政局 / 南湖新区民政局; 重庆市忠县科学技术协会 / 忠县科学技术协会), either in its standard short
    form (中方县残联 / 中方县残疾人联合会)."""
    a, b = _short(norm(read)), _short(norm(truth))
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    if len(short) < 3 or not long_.endswith(short):
        return False
    prefix = long_[: -len(short)]
    return bool(_PLACE_END.search(prefix))


@dataclass
class IdentityScore:
    id: str
    outcomes: dict[str, str] = field(default_factory=dict)
    read: dict[str, str] = field(default_factory=dict)
    truth: dict[str, str] = field(default_factory=dict)


def _outcome(read: str, truth: str, same: bool) -> str:
    if not truth:
        return "spurious" if read else "unknown"
    if not read:
        return "missed"
    return "right" if same else "wrong"


def judge_identity(
    doc_id: str, truth: dict[str, Any], result: ReviewResult, expected_rulebook: str | None
) -> IdentityScore:
    """One document's identity as read (`result`) against its truth; `expected_rulebook` as chosen from the
    truth's kind, province and year (None when that choice gives the national default of no file)."""
    score = IdentityScore(doc_id)
    year = truth.get("year")
    pairs = {
        "kind": (result.kind, str(truth.get("kind") or "")),
        "province": (result.province, str(truth.get("province") or "")),
        "department": (result.department, truth_name(truth.get("department"))),
        "unit": (result.unit, truth_name(truth.get("implementing_unit"))),
        "year": (str(result.year or ""), str(year) if isinstance(year, int) else ""),
        "rulebook": (result.rulebook_id or "（全国通用）", expected_rulebook or "（全国通用）"),
    }
    for name, (read, wanted) in pairs.items():
        if name == "unit" and "implementing_unit" not in truth:
            continue  # not transcribed for this document: not scored
        same = same_name(read, wanted) if name in ("department", "unit") else norm(read) == norm(wanted)
        score.outcomes[name] = _outcome(read, wanted, same)
        score.read[name], score.truth[name] = read, wanted
    return score


def expected_rulebook(truth: dict[str, Any], path: Path, result: ReviewResult) -> str | None:
    """The rulebook the review chooses for the document at `path` when given the truth's identity."""
    doc = read_source(path)
    tables = tables_of(doc)
    doc_text = norm("".join(s.text for s in doc.paragraphs()) + "".join(t.text() for t in tables))
    year = truth.get("year")
    ident = Identity(
        department=truth_name(truth.get("department")),
        year=year if isinstance(year, int) else None,
        province=str(truth.get("province") or ""),
    )
    leaf_names = {r.name for t in result.tables for r in t.rows}
    return choose_rulebook(str(truth.get("kind") or ""), ident, doc_text, leaf_names)[0]


def score_identity(doc_id: str, truth: dict[str, Any], path: Path, result: ReviewResult) -> IdentityScore:
    """judge_identity with the rulebook expected from the truth (expected_rulebook)."""
    return judge_identity(doc_id, truth, result, expected_rulebook(truth, path, result))


def totals(scores: list[IdentityScore]) -> dict[str, Counter[str]]:
    """Per field, how many documents had each outcome."""
    out: dict[str, Counter[str]] = {name: Counter() for name in FIELDS}
    for s in scores:
        for name, outcome in s.outcomes.items():
            out[name][outcome] += 1
    return out


def precision_recall(counts: Counter[str]) -> tuple[tuple[int, int], tuple[int, int]]:
    """((right, read), (right, stated)): precision's and recall's numerator and denominator."""
    right = counts["right"]
    read = right + counts["wrong"] + counts["spurious"]
    stated = right + counts["wrong"] + counts["missed"]
    return (right, read), (right, stated)
