"""Reading the cycle's YAML files: every value with its file:line, every bad value a Problem in Chinese.

The four cycle files are small hand-written tables; a `Reader` walks one of them and collects every problem
(missing field, text where a number belongs, an unknown choice) instead of stopping at the first, as the
department data loader does.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from jixiao.files.yamlsrc import SourceMap
from jixiao.model.numbers import NumberError, parse_decimal, parse_rate
from jixiao.model.problems import JixiaoError, Location, Problem, Severity

__all__ = ["Reader"]


class Reader:
    """Typed access to a parsed YAML tree; problems are collected, values default to None."""

    def __init__(self, tree: dict[str, Any], smap: SourceMap, problems: list[Problem] | None = None):
        self.tree = tree
        self.smap = smap
        self.problems: list[Problem] = list(problems or [])

    def where(self, path: tuple[Any, ...]) -> Location:
        return self.smap.locate(path)

    def get(self, path: tuple[Any, ...]) -> Any:
        node: Any = self.tree
        for key in path:
            if isinstance(key, int):
                node = node[key] if isinstance(node, list) and key < len(node) else None
            else:
                node = node.get(key) if isinstance(node, dict) else None
            if node is None:
                return None
        return node

    def problem(self, path: tuple[Any, ...], code: str, message: str, severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(code, message, self.where(path), severity))

    def text(self, path: tuple[Any, ...], label: str, required: bool = False) -> str:
        value = self.get(path)
        if value is None or str(value).strip() == "":
            if required:
                self.problem(path, "cycle.missing", f"缺少“{label}”。请填写后重试。")
            return ""
        if isinstance(value, (dict, list)):
            self.problem(path, "cycle.not_text", f"“{label}”应为一段文字。")
            return ""
        return str(value).strip()

    def items(self, path: tuple[Any, ...], label: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        value = self.get(path)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, "cycle.not_list", f"“{label}”应为列表（每项以“- ”开头）。")
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append(((*path, i), item))
            else:
                self.problem((*path, i), "cycle.not_mapping", f"“{label}”第{i + 1}项应为“字段: 值”的结构。")
        return out

    def amount(self, path: tuple[Any, ...], label: str, required: bool = False) -> Decimal | None:
        value = self.get(path)
        if value is None or str(value).strip() == "":
            if required:
                self.problem(path, "cycle.missing", f"缺少“{label}”（万元）。请填写后重试。")
            return None
        try:
            number = parse_decimal(value)
        except NumberError as exc:
            self.problem(path, "cycle.not_number", f"“{label}”应为数字：{exc}。")
            return None
        if not number.is_finite() or abs(number) >= Decimal("1e9"):
            self.problem(path, "cycle.out_of_range", f"“{label}”超出范围（{value}）。请以万元填写。")
            return None
        return number

    def rate(self, path: tuple[Any, ...], label: str, required: bool = False) -> Decimal | None:
        value = self.get(path)
        if value is None or str(value).strip() == "":
            if required:
                self.problem(path, "cycle.missing", f"缺少“{label}”。请以百分数填写，如“40%”。")
            return None
        try:
            rate = parse_rate(value)
        except NumberError as exc:
            self.problem(path, "cycle.not_rate", f"“{label}”应为比率：{exc}。")
            return None
        if not rate.is_finite() or abs(rate) > 100:
            self.problem(path, "cycle.out_of_range", f"“{label}”超出范围（{value}）。")
            return None
        return rate

    def integer(self, path: tuple[Any, ...], label: str, low: int, high: int, required: bool = False) -> int | None:
        value = self.get(path)
        if value is None or str(value).strip() == "":
            if required:
                self.problem(path, "cycle.missing", f"缺少“{label}”。")
            return None
        text = str(value).strip()
        if not text.isdigit() or not low <= int(text) <= high:
            self.problem(path, "cycle.out_of_range", f"“{label}”应为{low}到{high}之间的整数，实际为“{value}”。")
            return None
        return int(text)

    def date(self, path: tuple[Any, ...], label: str, required: bool = False) -> dt.date | None:
        value = self.get(path)
        if value is None or str(value).strip() == "":
            if required:
                self.problem(path, "cycle.missing", f"缺少“{label}”。请按“2023-07-31”填写。")
            return None
        text = str(value).strip().replace("/", "-").replace("年", "-").replace("月", "-").rstrip("日")
        try:
            return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
        except ValueError:
            self.problem(path, "cycle.not_date", f"“{label}”应为日期，如“2023-07-31”，实际为“{value}”{_why(text)}。")
            return None

    def choice(self, path: tuple[Any, ...], label: str, choices: tuple[str, ...], required: bool = False) -> str:
        value = self.get(path)
        if required and (value is None or str(value).strip() == ""):  # said with what may be chosen
            self.problem(path, "cycle.missing", f"缺少“{label}”。请填写{'、'.join(choices)}之一。")
            return ""
        text = self.text(path, label, required)
        if text and text not in choices:
            self.problem(path, "cycle.bad_choice", f"“{label}”应为{'、'.join(choices)}之一，实际为“{text}”。")
            return ""
        return text

    def raise_errors(self) -> None:
        if any(p.severity is Severity.ERROR for p in self.problems):
            raise JixiaoError(self.problems)


def _why(text: str) -> str:
    """Why a year-month-day that reads as numbers is no date: the month or the day out of range."""
    parts = text.split("-")
    if len(parts) != 3 or not all(p.strip().isdigit() for p in parts):
        return ""
    year, month, day = (int(p) for p in parts)
    if not 1 <= month <= 12:
        return f"（月份应为1到12，实际为{month}）"
    if not 1 <= year <= 9998:
        return ""
    days = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    if not 1 <= day <= days:
        return f"（{year}年{month}月只有{days}天）"
    return ""
