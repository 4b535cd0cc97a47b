"""How review knows a document is of a rulebook's own form: `review.form` in the rulebook (docs/rulebooks.md).

A region's units fill more than one form (湖北's fill the MoF table, the transfer-payment form and the province's
20 + 80 point form), so a rulebook of one form is chosen for a document only when the document shows that form:
the document kinds it is filled as, the years it was seen in use, and the words it prints (“得分(20分*执行率)”).
Parsed here with the rulebook's other fields, checked with their lines; review/kinds.py matches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["DOCUMENT_KINDS", "ReviewForm", "parse_review_form"]

# The kinds of document review tells apart, with their names (review/vocabulary.yaml `kinds`; tests/
# test_review_rulebook_form.py keeps the two the same): the core cannot read the review's vocabulary, above it.
DOCUMENT_KINDS = {
    "project_table": "项目支出绩效自评表",
    "department_table": "部门整体支出绩效自评表",
    "hundred_point_table": "百分制多级指标评分表",
    "base_data": "部门整体支出绩效评价基础数据表",
    "narrative_department": "部门整体支出绩效自评报告",
    "narrative_project": "项目支出绩效自评报告",
}


@dataclass(frozen=True)
class ReviewForm:
    """The marks of a rulebook's form: the document kinds it is, its years of use (first, last), the texts it prints."""

    kinds: tuple[str, ...]
    years: tuple[int, int]
    marks: tuple[str, ...]

    @property
    def span(self) -> str:
        """The years of use as said: “2020—2022年度”, “2021年度”."""
        first, last = self.years
        return f"{first}年度" if first == last else f"{first}—{last}年度"

    def describe(self) -> str:
        """The form in Chinese, as a rulebook's page gives it."""
        kinds = "、".join(DOCUMENT_KINDS[k] for k in self.kinds)
        marks = "”“".join(self.marks)
        return f"{kinds}，{self.span}，印有“{marks}”"


Where = tuple[str | int, ...]


def parse_review_form(review: Any) -> tuple[ReviewForm | None, list[tuple[Where, str]]]:
    """The `form` of a rulebook's `review` section (None when it has none), and the problems found, each with
    the path of the field in the file and a message in Chinese saying how to fix it."""
    raw = review.get("form") if isinstance(review, dict) else None
    if raw is None:
        return None, []
    at: Where = ("review", "form")
    if not isinstance(raw, dict):
        return None, [(at, "review.form 应为分组：kinds（文件类型）、years（[起, 止] 年度）、marks（印有的文字）")]
    problems: list[tuple[Where, str]] = []
    for key in raw:
        if key not in ("kinds", "years", "marks"):
            problems.append(((*at, str(key)), f"review.form 中的未知字段“{key}”：只可有 kinds、years、marks"))
    kinds = _strings(raw.get("kinds"), (*at, "kinds"), problems)
    for i, kind in enumerate(kinds):
        if kind not in DOCUMENT_KINDS:
            problems.append(((*at, "kinds", i), f"未知的文件类型“{kind}”，可用：{'、'.join(DOCUMENT_KINDS)}"))
    marks = _strings(raw.get("marks"), (*at, "marks"), problems)
    years = _years(raw.get("years"), (*at, "years"), problems)
    if problems or years is None:
        return None, problems
    return ReviewForm(tuple(kinds), years, tuple(marks)), []


def _strings(value: Any, at: Where, problems: list[tuple[Where, str]]) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append((at, f"review.form.{at[-1]} 应为非空的文字列表，如 [“得分(20分*执行率)”]"))
        return []
    return [v.strip() for v in value]


def _years(value: Any, at: Where, problems: list[tuple[Where, str]]) -> tuple[int, int] | None:
    # the rulebook's YAML is read with every scalar as text (files/yamlsrc.py): a year is its digits
    years = [int(str(v)) for v in value if re.fullmatch(r"\d{4}", str(v))] if isinstance(value, list) else []
    if len(years) == 2 == len(value) and 1990 <= years[0] <= years[1] <= 2100:
        return years[0], years[1]
    problems.append((at, "review.form.years 应为 [起始年度, 截止年度]，如 [2020, 2022]：见到该表式使用的年度"))
    return None
