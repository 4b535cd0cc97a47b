"""Department data: typed values by field path, each with the place it was read from.

The readers (`jixiao.files`: YAML, a filled workbook) produce a `SourceTree`: the nested tree of what the file
says, a function giving each value's place (file:line or sheet!cell), and what the reader found wrong.
`parse_source` (or `parse_department(tree, locate)`) turns it into a `DepartmentData` plus all problems found,
following `schema.SCHEMA`. One bad field never hides another: errors are collected at the loop, so a run reports
all of them at once. Reading files and choosing the reader is not done here (`jixiao.files.department`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.files import guard  # the input limits (guard.LIMITS), looked up at call time so tests may replace them
from jixiao.files.guard import check_magnitude

from .numbers import NumberError, normalize_text, parse_count, parse_decimal, parse_rate, read_amount
from .problems import JixiaoError, Location, Problem, Severity, has_errors
from .schema import SCHEMA, Field, Group, ListOf, MapOf, Node

__all__ = [
    "ANSWERS",
    "DepartmentData",
    "Locate",
    "SourceTree",
    "parse_department",
    "parse_source",
    "parse_value",
    "require_ok",
]

Locate = Callable[[tuple[Any, ...]], Location]

ANSWERS = ("是", "否", "达成", "部分达成", "未达成", "不适用")
_ANSWER_ALIASES = {
    "是": "是",
    "有": "是",
    "yes": "是",
    "true": "是",
    "y": "是",
    "√": "是",
    "已完成": "是",
    "完成": "是",
    "否": "否",
    "无": "否",
    "no": "否",
    "false": "否",
    "n": "否",
    "×": "否",
    "未完成": "否",
    "达成": "达成",
    "达标": "达成",
    "达成年度指标": "达成",
    "部分达成": "部分达成",
    "部分达成并具有一定效果": "部分达成",
    "未达成": "未达成",
    "未达成且效果较差": "未达成",
    "不适用": "不适用",
    "n/a": "不适用",
    "na": "不适用",
}
_OPERATORS = {
    "≥": "≥",
    ">=": "≥",
    "＞＝": "≥",
    ">": "≥",
    "＞": "≥",
    "不低于": "≥",
    "大于等于": "≥",
    "≤": "≤",
    "<=": "≤",
    "＜＝": "≤",
    "<": "≤",
    "＜": "≤",
    "不高于": "≤",
    "小于等于": "≤",
    "不超过": "≤",
    "=": "=",
    "＝": "=",
    "等于": "=",
    "定性": "定性",
    "qualitative": "定性",
}
_KIND_WORDS = {
    "amount": "金额（万元，数字）",
    "signed_amount": "金额（万元，可为负）",
    "rate": "比率（如 98.78% 或 0.9878）",
    "count": "整数",
    "quantity": "数字",
    "year": "年度（如 2023）",
    "bool": "是 或 否",
    "answer": "、".join(ANSWERS),
    "operator": "≥、≤、= 或 定性",
}


@dataclass(frozen=True)
class DepartmentData:
    """Typed department figures keyed by dotted path ("budget.adjusted.total", "units[0].staffing.actual")."""

    values: Mapping[str, Any]
    locations: Mapping[str, Location]
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""
    base_dir: Path | None = None

    def get(self, path: str) -> Any:
        return self.values.get(path)

    def location(self, path: str) -> Location:
        probe = path
        while probe and probe not in self.locations:
            probe = probe.rsplit(".", 1)[0] if "." in probe else ""
        return self.locations.get(probe, Location(self.source, field=path))

    def items(self, list_path: str) -> tuple[str, ...]:
        """Paths of the items of a list ('units' -> ('units[0]', 'units[1]')) or keys of a map."""
        return self.members.get(list_path, ())

    def scoped(self, item: str) -> DepartmentData:
        """One list item (a project) seen as the whole data: its fields at the top level, the department's
        identity kept, the department's own targets and projects left out; `project.name` names it."""
        prefix = f"{item}."

        def rekey(mapping):
            out = {k: v for k, v in mapping.items() if not k.startswith(("targets", "projects"))}
            out.update({k[len(prefix) :]: v for k, v in mapping.items() if k.startswith(prefix)})
            return out

        values = rekey(self.values)
        values["project.name"] = self.values.get(f"{item}.name")
        locations = rekey(self.locations)
        members = {
            k[len(prefix) :] if k.startswith(prefix) else k: tuple(
                m[len(prefix) :] if m.startswith(prefix) else m for m in v
            )
            for k, v in self.members.items()
            if k.startswith(prefix) or not k.startswith(("targets", "projects"))
        }
        return DepartmentData(values, locations, members, self.source, self.base_dir)

    @property
    def name(self) -> str:
        return str(self.values.get("department.name", ""))

    @property
    def year(self) -> int | None:
        return self.values.get("department.year")


@dataclass(frozen=True)
class SourceTree:
    """A department's data as a reader produced it, before any parsing: the nested tree of texts (dicts, lists,
    strings), `locate` giving the place of any path in it as the user knows it (file:line, file[sheet!cell]),
    the file's name as shown, the folder beside it (narrative/, targets.yaml), and the reader's own problems."""

    tree: Any
    locate: Locate
    source: str
    base_dir: Path | None = None
    problems: tuple[Problem, ...] = ()
    format: str = "yaml"  # yaml | workbook


def parse_source(raw: SourceTree) -> tuple[DepartmentData, list[Problem]]:
    """The typed data of a reader's tree, with the reader's problems and the parser's, in that order."""
    data, problems = parse_department(raw.tree, raw.locate, raw.source, raw.base_dir)
    return data, [*raw.problems, *problems]


class _Bad(ValueError):
    """A value that does not fit its field; the message is Chinese."""


def parse_value(spec: Field, raw: Any) -> Any:
    """One raw scalar (text, number) to the field's typed value, or _Bad with a Chinese reason.

    Numbers are held to the plausible ranges of `guard.LIMITS` here, where they are read, so that nothing
    downstream (sums, rates, Decimal formatting) meets a value it cannot handle."""
    if spec.kind == "text":  # the commonest kind after amounts, and nothing to check
        return raw.strip() if isinstance(raw, str) else str(raw)
    value = _parse_value(spec, raw)
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        trouble = check_magnitude(Decimal(value), spec.kind)
        if trouble:
            raise _Bad(f"{trouble}（实际为 {_short(raw)}）")
    return value


def _short(raw: Any) -> str:
    text = str(raw)
    return text if len(text) <= 30 else f"{text[:12]}…（共 {len(text)} 个字符）"


def _typed_wan_yuan(spec: Field, raw: Any) -> bool:
    """A 万元 field's text ("1.2万", "12,000元", "１２３．４５"): read by numbers.read_amount, which converts another
    unit to 万元 (parse_decimal would take 元 off and keep 12000 元 as 12000 万元) and says what it read."""
    return spec.unit == "万元" and isinstance(raw, str)


def _parse_value(spec: Field, raw: Any) -> Any:
    kind = spec.kind
    try:
        if kind in ("amount", "quantity"):
            value = read_amount(raw).value if _typed_wan_yuan(spec, raw) else parse_decimal(raw)
            if value < 0:
                raise _Bad(f"{spec.label}不能为负数（实际为 {_short(raw)}）。请填写 0 或正数；调减请填在“调整数”中")
            return value
        if kind == "signed_amount":
            return read_amount(raw).value if _typed_wan_yuan(spec, raw) else parse_decimal(raw)
        if kind == "rate":
            value = parse_rate(raw)
            if value < 0:
                raise _Bad(f"比率不能为负数（实际为 {_short(raw)}）")
            return value
        if kind == "count":
            count = parse_count(raw)
            if count < 0:
                raise _Bad(f"{spec.label}不能为负数（实际为 {_short(raw)}）")
            return count
        if kind == "year":
            year = parse_count(raw)
            if not 2000 <= year <= 2100:
                raise _Bad(f"年度应为四位年份，如 2023（实际为 {_short(raw)}）")
            return year
    except NumberError as exc:
        raise _Bad(str(exc)) from None
    text = normalize_text(str(raw))
    if kind == "bool":
        answer = _ANSWER_ALIASES.get(text.lower())
        if answer not in ("是", "否"):
            raise _Bad(f"应填写“是”或“否”，实际为“{_short(raw)}”")
        return answer == "是"
    if kind == "answer":
        answer = _ANSWER_ALIASES.get(text.lower())
        if answer is None:
            raise _Bad(f"应填写{_KIND_WORDS['answer']}之一，实际为“{_short(raw)}”")
        return answer
    if kind == "operator":
        op = _OPERATORS.get(text.lower())
        if op is None:
            raise _Bad(f"指标方向应为 ≥、≤、= 或 定性，实际为“{_short(raw)}”")
        return op
    if kind == "choice":
        if text not in spec.choices:
            raise _Bad(f"应为{'、'.join(spec.choices)}之一，实际为“{_short(raw)}”")
        return text
    if kind == "value":
        try:
            return parse_decimal(raw)
        except NumberError:
            return text
    return str(raw).strip() if isinstance(raw, str) else str(raw)


class _Collector:
    """Walks the schema over a tree. Each value's dotted name (`dotted(path)`) is built as the walk goes down,
    one key at a time, rather than from the whole path at every field; each group's keys and which of its nodes
    must be visited when absent are worked out once per schema group (`_group`)."""

    def __init__(self, locate: Locate):
        self.locate = locate
        self.values: dict[str, Any] = {}
        self.locations: dict[str, Location] = {}
        self.members: dict[str, tuple[str, ...]] = {}
        self.problems: list[Problem] = []

    def problem(self, code: str, message: str, path: tuple[Any, ...], severity=Severity.ERROR) -> None:
        self.problems.append(Problem(code, message, self.locate(path), severity))

    def unknown_keys(self, tree: dict[str, Any], nodes: tuple[Node, ...], path: tuple[Any, ...]) -> None:
        known = [n.key for n in nodes]
        for key in tree:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"是否应为“{close[0]}”？" if close else f"可用字段：{'、'.join(known)}。"
                self.problem("data.unknown_field", f"未知字段“{key}”，已忽略。{hint}", (*path, key), Severity.WARNING)

    def walk(self, nodes: tuple[Node, ...], tree: Any, path: tuple[Any, ...], name: str = "") -> None:
        if tree is None:
            tree = {}
        if not isinstance(tree, dict):
            self.problem("data.not_mapping", "此处应为若干“字段: 值”组成的分组，请检查缩进。", path)
            return
        keys, entries = _group(nodes)
        if not keys.issuperset(tree):
            self.unknown_keys(tree, nodes, path)
        for key, node, must in entries:
            raw = tree.get(key)
            if raw is None and not must:
                continue  # absent and nothing in it required: most of the 172 fields of a department
            child = f"{name}.{key}" if name else key
            if type(node) is Field:
                self.field(node, raw, (*path, key), child)
            else:
                self.node(node, raw, (*path, key), child)

    def node(self, node: Node, raw: Any, path: tuple[Any, ...], name: str) -> None:
        if isinstance(node, Field):
            self.field(node, raw, path, name)
        elif isinstance(node, Group):
            if raw is None and node.required:
                self.problem("data.missing", f"缺少必填分组“{node.label}”（{node.key}）。", path)
            self.walk(node.children, raw, path, name)
        elif isinstance(node, ListOf):
            self.list(node, raw, path, name)
        else:
            self.map(node, raw, path, name)

    def list(self, node: ListOf, raw: Any, path: tuple[Any, ...], name: str) -> None:
        if raw is None:
            return
        if not isinstance(raw, list):
            self.problem("data.not_list", f"“{node.label}”应为列表（每项以“- ”开头）。", path)
            return
        if len(raw) > guard.LIMITS.table_rows:
            self.problem(
                "data.too_many_rows",
                f"“{node.label}”共 {len(raw)} 项，超出上限 {guard.LIMITS.table_rows} 项"
                "（上限可用环境变量 JIXIAO_LIMIT_TABLE_ROWS 调整）。请拆分数据或核对是否重复。",
                path,
            )
            return
        items = tuple(f"{name}[{i}]" for i in range(len(raw)))
        self.members[name] = items
        for i, item in enumerate(raw):
            self.walk(node.item, item, (*path, i), items[i])

    def map(self, node: MapOf, raw: Any, path: tuple[Any, ...], name: str) -> None:
        if raw is None:
            return
        if not isinstance(raw, dict):
            self.problem("data.not_mapping", f"“{node.label}”应为“编号: 内容”形式的分组。", path)
            return
        # dotted() spells an int key (YAML `1:`) as an index: units[1], not units.1
        items = tuple(f"{name}[{key}]" if isinstance(key, int) else f"{name}.{key}" for key in raw)
        self.members[name] = items
        for (key, item), child in zip(raw.items(), items, strict=True):
            if not isinstance(item, dict):
                # Short form: `asset_inventory_done: 否` means the answer alone.
                item = {"answer": item}
            self.walk(node.item, item, (*path, key), child)

    def field(self, spec: Field, raw: Any, path: tuple[Any, ...], name: str) -> None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if spec.required:
                self.problem("data.missing", f"缺少必填字段“{spec.label}”（{spec.key}）。请补充后重试。", path)
            return
        if isinstance(raw, (dict, list)):
            self.problem("data.not_scalar", f"“{spec.label}”应为单个值，不应是分组或列表。", path)
            return
        try:
            value = parse_value(spec, raw)
        except _Bad as exc:
            self.problem(f"data.bad_{spec.kind}", f"“{spec.label}”{exc}", path)
            return
        if (
            spec.kind == "rate"
            and name.startswith(_NEAR_FULL)
            and "%" in normalize_text(str(raw))
            and value < Decimal("0.02")
        ):
            self.problem(
                "data.implausible_rate",
                f"“{spec.label}”为“{raw}”，即{value}，明显过小：若指"
                f"{value.scaleb(4).normalize():f}%，请写成“{value.scaleb(4).normalize():f}%”或"
                f"“{value.scaleb(2).normalize():f}”。",
                path,
                Severity.WARNING,
            )
        if _typed_wan_yuan(spec, raw) and (note := read_amount(raw).note):  # never read another way in silence
            said = f"“{spec.label}”填写的{note}"  # `actual` as typed: the web says it beside the field
            self.problems.append(
                Problem("data.amount_read", said, self.locate(path), Severity.INFO, actual=raw.strip())
            )
        self.values[name] = value
        self.locations[name] = self.locate(path)


_GROUPS: dict[int, tuple[tuple[Node, ...], frozenset[str], tuple[tuple[str, Node, bool], ...]]] = {}


def _group(nodes: tuple[Node, ...]) -> tuple[frozenset[str], tuple[tuple[str, Node, bool], ...]]:
    """A schema group's keys, and each node with its key and whether it must be visited when absent."""
    found = _GROUPS.get(id(nodes))
    if found is None or found[0] is not nodes:  # the group itself is kept, so its id is never reused
        found = (nodes, frozenset(n.key for n in nodes), tuple((n.key, n, _must_visit(n)) for n in nodes))
        _GROUPS[id(nodes)] = found
    return found[1], found[2]


_MUST_VISIT: dict[int, bool] = {}


def _must_visit(node: Node) -> bool:
    """Whether an absent node can still say something (a required field or group, at any depth)."""
    found = _MUST_VISIT.get(id(node))
    if found is None:
        if isinstance(node, Field):
            found = node.required
        elif isinstance(node, Group):
            found = node.required or any(_must_visit(child) for child in node.children)
        else:
            found = False  # an absent list or map is simply empty
        _MUST_VISIT[id(node)] = found
    return found


# Rates that are near 100% by their nature (execution, satisfaction, stated control rates): a value below 2%
# typed with a % sign is almost surely a fraction typed as a percent ("0.9878%" for 98.78%).
_NEAR_FULL = (
    "quarterly",
    "services.handling_rate",
    "services.satisfaction_rate",
    "stated.execution_rate",
    "stated.procurement_rate",
    "stated.staff_control_rate",
    "stated.fixed_asset_utilization",
)


def parse_department(
    tree: Any, locate: Locate, source: str = "", base_dir: Path | None = None
) -> tuple[DepartmentData, list[Problem]]:
    collector = _Collector(locate)
    collector.walk(SCHEMA, tree, ())
    _check_items(collector)
    # Plain dicts (not MappingProxyType) so that data can be sent to worker processes; never mutated.
    data = DepartmentData(collector.values, collector.locations, collector.members, source, base_dir)
    return data, collector.problems


def _check_items(c: _Collector) -> None:
    """Checks that need more than one field of an item (quarters 1–4, no quarter twice)."""
    seen: set[int] = set()
    for item in c.members.get("quarterly", ()):
        quarter = c.values.get(f"{item}.quarter")
        if quarter is None:
            continue
        place = c.locations[f"{item}.quarter"]
        if quarter not in (1, 2, 3, 4):
            c.problems.append(Problem("data.bad_quarter", f"季度应为 1–4，实际为 {quarter}。", place))
        elif quarter in seen:
            c.problems.append(Problem("data.duplicate_quarter", f"第{quarter}季度重复填写，请只保留一行。", place))
        seen.add(quarter)


def require_ok(problems: list[Problem]) -> None:
    if has_errors(problems):
        raise JixiaoError(problems)
