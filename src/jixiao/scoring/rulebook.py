"""Indicator systems (指标体系) as versioned YAML files, loaded and checked.

A rulebook is addressed by an id `region/kind/year` (e.g. `shenzhen-baoan/department/2023`) and lives in
`rulebooks/<id>.yaml` inside the package, or in a folder named by JIXIAO_RULEBOOK_PATH, or at any path
given directly. It holds the indicator tree with weights, one rule per leaf (a rule kind and its
parameters), the rounding, the grades, the facts it asks for, and where every rule comes from with its
confidence (official / inferred). Loading reports every problem of the file at once, each with its line.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from jixiao.files.yamlsrc import SourceMap, load_yaml
from jixiao.model.numbers import NumberError, Rounding, fmt_score, parse_decimal
from jixiao.model.problems import JixiaoError, Location, Problem, Severity, has_errors

from .rules import KINDS, FactDef, ParamError, Params, RoundingRule
from .rules.target import parse_options
from .rules.veto import Veto, parse_vetoes

__all__ = ["BUILTIN_DIR", "IndicatorNode", "Rule", "Rulebook", "available_rulebooks", "load_rulebook"]

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "rulebooks"
CONFIDENCE = {"official": "官方文件", "inferred": "推定（依公布结果或通行口径反推）"}
DEFAULT_GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))


@dataclass(frozen=True)
class Rule:
    kind: str
    spec: Any
    rounding: RoundingRule
    confidence: str
    source: str
    if_undefined: str = "uncomputable"  # uncomputable | full | zero | not_applicable
    location: Location | None = None


@dataclass(frozen=True)
class TargetGroup:
    """A node whose 二级/三级 indicators are the department's own performance targets (MoF-format tables).

    The rows of `targets` (or a project's `targets`) whose 一级指标 is one of `level1` become the leaves,
    grouped by their 二级指标, each scored by the target rule with these options.
    """

    level1: tuple[str, ...]
    options: Any
    rounding: RoundingRule
    confidence: str
    source: str


@dataclass(frozen=True)
class IndicatorNode:
    id: str
    name: str
    level: int
    weight: Decimal
    path: tuple[str, ...]
    children: tuple[IndicatorNode, ...] = ()
    rule: Rule | None = None
    standard: str = ""  # 评分标准 text for tables (given, or generated from the rule)
    definition: str = ""  # 指标解释
    location: Location | None = None
    targets: TargetGroup | None = None
    # Set on the nodes that `target_rows.expand_targets` makes from a department's own target rows:
    weight_given: bool = True  # False when the department left a target's 分值 blank (未填报)
    item: str = ""  # a target row's path in the data ("targets[3]")
    rescale: str = ""  # a rule kind: scale the score to the weight when the children's weights differ

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Rulebook:
    id: str
    title: str
    region: str
    kind: str
    year: int
    version: str
    source: dict[str, str]
    confidence: str
    roots: tuple[IndicatorNode, ...]
    total: Decimal = Decimal(100)
    rounding: RoundingRule = field(default_factory=lambda: RoundingRule(Rounding("half_up", 2)))
    percent_places: int = 2
    strip_zeros: bool = False
    grades: tuple[tuple[Decimal, str], ...] = DEFAULT_GRADES
    facts: dict[str, FactDef] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)
    file: str = ""
    supplementary: tuple[IndicatorNode, ...] = ()  # scored and shown, not added to the total
    supplementary_title: str = ""
    vetoes: tuple[Veto, ...] = ()  # 一票否决, applied to the total and grade (rules/veto.py)
    review: dict[str, Any] = field(default_factory=dict)  # e.g. {auto_select: false}: review never picks it alone
    extends: str = ""  # the rulebook this one changes (`extends:` in the file)
    changes: tuple[str, ...] = ()  # what it changes, in Chinese, one line each

    @property
    def auto_select(self) -> bool:
        """Whether review may choose this rulebook by a document's region and kind (default yes)."""
        return str(self.review.get("auto_select", True)).lower() not in ("false", "no", "否", "0")

    def leaves(self) -> list[IndicatorNode]:
        """Leaves with a rule (a targets node's leaves come from the data, at evaluation)."""
        nodes = [*self.roots, *self.supplementary]
        return [n for root in nodes for n in root.walk() if not n.children and n.rule is not None]

    def grade(self, total: Decimal) -> str:
        return next((name for minimum, name in self.grades if total >= minimum), self.grades[-1][1])


def _search_dirs() -> list[Path]:
    extra = [Path(p) for p in os.environ.get("JIXIAO_RULEBOOK_PATH", "").split(os.pathsep) if p]
    return [*extra, BUILTIN_DIR]


def available_rulebooks() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for base in reversed(_search_dirs()):
        for path in sorted(base.rglob("*.yaml")):
            found[path.relative_to(base).with_suffix("").as_posix()] = path
    return found


def resolve(id_or_path: str) -> Path:
    candidate = Path(id_or_path)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    known = available_rulebooks()
    if id_or_path in known:
        return known[id_or_path]
    close = difflib.get_close_matches(id_or_path, list(known), n=1, cutoff=0.5)
    hint = f"是否应为“{close[0]}”？" if close else ""
    raise JixiaoError(
        [
            Problem(
                "rulebook.unknown",
                f"找不到指标体系“{id_or_path}”。{hint}"
                f"可用的指标体系：{'、'.join(known) or '无'}（jixiao rulebooks 查看详情）。",
                Location(id_or_path, field="rulebook"),
            )
        ]
    )


class _Loader:
    def __init__(
        self, smap: SourceMap, facts: dict[str, FactDef], rounding: RoundingRule, confidence: str, source: str
    ):
        self.smap = smap
        self.facts = facts
        self.rounding = rounding
        self.confidence = confidence
        self.source = source
        self.problems: list[Problem] = []
        self.ids: dict[str, tuple[Any, ...]] = {}

    def error(self, code: str, message: str, path: tuple[Any, ...], severity=Severity.ERROR) -> None:
        self.problems.append(Problem(code, message, self.smap.locate(path), severity))

    def weight(self, raw: Any, path: tuple[Any, ...]) -> Decimal | None:
        try:
            value = parse_decimal(raw, allow_units=("分",))
        except NumberError as exc:
            self.error("rulebook.bad_weight", f"分值{exc}", path)
            return None
        if value < 0:
            self.error("rulebook.bad_weight", f"分值不能为负数（{raw}）", path)
            return None
        return value

    def node(self, raw: Any, path: tuple[Any, ...], level: int, parents: tuple[str, ...]) -> IndicatorNode | None:
        if not isinstance(raw, dict):
            self.error("rulebook.bad_node", "每个指标应为包含 name、weight 以及 children 或 rule 的分组", path)
            return None
        name = str(raw.get("name") or "").strip()
        if not name:
            self.error("rulebook.missing", "指标缺少名称（name）", path)
            name = f"<第{path[-1] + 1}项>"
        weight = self.weight(raw.get("weight"), (*path, "weight")) if raw.get("weight") is not None else None
        if raw.get("weight") is None:
            self.error("rulebook.missing", f"指标“{name}”缺少分值（weight）", path)
        known = {
            "id",
            "name",
            "weight",
            "children",
            "rule",
            "targets",
            "standard",
            "definition",
            "note",
            "confidence",
            "source",
        }
        for key in raw:
            if key not in known:
                close = difflib.get_close_matches(key, sorted(known), n=1)
                hint = f"是否应为“{close[0]}”？" if close else ""
                self.error(
                    "rulebook.unknown_field",
                    f"指标“{name}”中的未知字段“{key}”已忽略。{hint}",
                    (*path, key),
                    Severity.WARNING,
                )
        node_path = (*parents, name)
        ident = str(raw.get("id") or name)
        if ident in self.ids:
            self.error("rulebook.duplicate_id", f"指标编号“{ident}”重复，编号在指标体系中必须唯一", path)
        self.ids[ident] = path
        children_raw, rule_raw, targets_raw = raw.get("children"), raw.get("rule"), raw.get("targets")
        if sum(x is not None for x in (children_raw, rule_raw, targets_raw)) != 1:
            self.error(
                "rulebook.bad_node",
                f"指标“{name}”应且只应有 children（下级指标）、rule（评分规则）或 targets（取自填报的绩效指标）之一",
                path,
            )
            return None
        # what every kind of node shares; the branches add children, a rule, or a targets group
        make = partial(
            IndicatorNode,
            ident,
            name,
            level,
            weight or Decimal(0),
            node_path,
            definition=str(raw.get("definition") or ""),
            location=self.smap.locate(path),
        )
        if targets_raw is not None:
            group = self.target_group(targets_raw, (*path, "targets"), raw, name)
            return make(targets=group, standard=str(raw.get("standard") or ""))
        if children_raw is not None:
            if not isinstance(children_raw, list) or not children_raw:
                self.error("rulebook.bad_node", f"指标“{name}”的 children 应为非空列表", (*path, "children"))
                return None
            children = [self.node(c, (*path, "children", i), level + 1, node_path) for i, c in enumerate(children_raw)]
            kids = tuple(c for c in children if c is not None)
            if weight is not None and len(kids) == len(children):
                self.check_sum(name, weight, kids, (*path, "weight"))
            return make(children=kids)
        rule = self.rule(rule_raw, (*path, "rule"), raw, name, weight)
        standard = str(raw.get("standard") or "")
        if not standard and rule is not None and weight is not None:
            standard = KINDS[rule.kind].standard(rule.spec, weight)
        return make(rule=rule, standard=standard)

    def target_group(self, raw: Any, path: tuple[Any, ...], node: dict[str, Any], name: str) -> TargetGroup | None:
        raw = raw if isinstance(raw, dict) else {}
        level1 = raw.get("level1") or name
        level1 = tuple(str(x) for x in (level1 if isinstance(level1, list) else [level1]))
        params = Params({k: v for k, v in raw.items() if k not in ("level1", "rounding")}, self.facts, KINDS)
        try:
            options = parse_options(params)
            rounding = Params(raw, self.facts).rounding() or self.rounding
        except ParamError as exc:
            self.error("rulebook.bad_param", f"指标“{name}”（绩效指标）：{exc.message}", (*path, *_key_path(exc.key)))
            return None
        for key in params.unused():
            self.error(
                "rulebook.unused_param",
                f"指标“{name}”（绩效指标）不使用参数“{key}”，已忽略",
                (*path, key),
                Severity.WARNING,
            )
        confidence = str(node.get("confidence") or self.confidence)
        return TargetGroup(level1, options, rounding, confidence, str(node.get("source") or self.source))

    def check_sum(self, name: str, weight: Decimal, kids: tuple[IndicatorNode, ...], path: tuple[Any, ...]) -> None:
        total = sum((k.weight for k in kids), Decimal(0))
        if total != weight:
            parts = " + ".join(f"{k.name} {fmt_score(k.weight)}" for k in kids)
            self.error(
                "rulebook.weights",
                f"“{name}”分值为 {fmt_score(weight)}，但下级指标分值合计为 "
                f"{fmt_score(total)}（{parts}）。请修改分值使二者相等。",
                path,
            )

    def rule(
        self, raw: Any, path: tuple[Any, ...], node: dict[str, Any], name: str, weight: Decimal | None
    ) -> Rule | None:
        if not isinstance(raw, dict) or "kind" not in raw:
            self.error("rulebook.bad_rule", f"指标“{name}”的 rule 应包含 kind（规则类型）", path)
            return None
        kind_name = str(raw["kind"])
        kind = KINDS.get(kind_name)
        if kind is None:
            close = difflib.get_close_matches(kind_name, list(KINDS), n=1)
            hint = f"是否应为“{close[0]}”？" if close else ""
            self.error(
                "rulebook.unknown_kind",
                f"未知的规则类型“{kind_name}”。{hint}可用类型："
                f"{'、'.join(f'{k}（{v.label}）' for k, v in KINDS.items())}",
                (*path, "kind"),
            )
            return None
        params = Params({k: v for k, v in raw.items() if k not in ("rounding", "if_undefined")}, self.facts, KINDS)
        try:
            spec = kind.parse(params)
            rounding = Params(raw, self.facts).rounding() or self.rounding
            if_undefined = Params(raw, self.facts).choice(
                "if_undefined", ("uncomputable", "full", "zero", "not_applicable"), "uncomputable"
            )
        except ParamError as exc:
            self.error(
                "rulebook.bad_param", f"指标“{name}”（{kind.label}）：{exc.message}", (*path, *_key_path(exc.key))
            )
            return None
        for key in params.unused():
            self.error(
                "rulebook.unused_param",
                f"指标“{name}”（{kind.label}）不使用参数“{key}”，已忽略",
                (*path, key),
                Severity.WARNING,
            )
        if weight is not None:
            for message in kind.check(spec, weight):
                self.error("rulebook.bad_param", f"指标“{name}”（{kind.label}）：{message}", path)
        confidence = str(node.get("confidence") or self.confidence)
        if confidence not in CONFIDENCE:
            self.error(
                "rulebook.bad_confidence",
                f"confidence 应为 official（官方文件）或 inferred（推定），实际为“{confidence}”",
                (*path[:-1], "confidence"),
            )
        return Rule(
            kind_name,
            spec,
            rounding,
            confidence,
            str(node.get("source") or self.source),
            if_undefined,
            self.smap.locate(path),
        )


def _key_path(key: str) -> tuple[Any, ...]:
    out: list[Any] = []
    for part in key.split("."):
        match = re.fullmatch(r"(\w+)\[(\d+)\]", part)
        out.extend((match.group(1), int(match.group(2))) if match else (part,))
    return tuple(out)


def _header(tree: dict[str, Any], smap: SourceMap, problems: list[Problem]) -> dict[str, Any]:
    required = ("id", "title", "year") if tree.get("extends") else ("id", "title", "year", "indicators")
    for key in required:
        if tree.get(key) in (None, ""):
            problems.append(Problem("rulebook.missing", f"指标体系缺少必填项“{key}”", smap.locate((key,))))
    params = Params(tree, {})
    out: dict[str, Any] = {}
    try:
        out["rounding"] = params.rounding() or RoundingRule(Rounding("half_up", 2))
    except ParamError as exc:
        problems.append(Problem("rulebook.bad_param", exc.message, smap.locate(("rounding",))))
        out["rounding"] = RoundingRule(Rounding("half_up", 2))
    grades = []
    for i, g in enumerate(tree.get("grades") or []):
        try:
            grades.append((parse_decimal(g["min"], allow_units=("分",)), str(g["name"])))
        except (KeyError, TypeError, NumberError):
            problems.append(
                Problem("rulebook.bad_grades", "等级应写成 {min: 90, name: 优} 的形式", smap.locate(("grades", i)))
            )
    out["grades"] = tuple(sorted(grades, reverse=True)) or DEFAULT_GRADES
    facts = {}
    for key, raw in (tree.get("facts") or {}).items():
        raw = raw if isinstance(raw, dict) else {"question": raw}
        answers = tuple(raw.get("answers") or ("是", "否"))
        facts[key] = FactDef(key, str(raw.get("question") or key), answers)
    out["facts"] = facts
    return out


def load_rulebook(id_or_path: str) -> Rulebook:
    """Load and check a rulebook; raises JixiaoError with every problem found (warnings are kept apart).

    Rulebooks are immutable, so a loaded one is shared until its file changes (a server scores many pages).
    """
    path = resolve(id_or_path)
    return _load_checked(str(path.resolve()), path.stat().st_mtime_ns)


@lru_cache(maxsize=64)
def _load_checked(path: str, mtime: int) -> Rulebook:
    rulebook, problems = load_rulebook_with_problems(path)
    if rulebook is None or has_errors(problems):
        raise JixiaoError(problems)
    return rulebook


def load_rulebook_with_problems(id_or_path: str, _seen: tuple[str, ...] = ()) -> tuple[Rulebook | None, list[Problem]]:
    path = resolve(id_or_path)
    tree, smap, problems = load_yaml(path)
    if not isinstance(tree, dict):
        return None, [*problems, Problem("rulebook.bad_file", "指标体系文件应为 YAML 分组", Location(str(path)))]
    if tree.get("extends"):
        from .rulebook_changes import load_extended

        return load_extended(tree, smap, problems, path, _seen)
    head = _header(tree, smap, problems)
    source = tree.get("source") or {}
    source = source if isinstance(source, dict) else {"document": str(source)}
    loader = _Loader(
        smap,
        head["facts"],
        head["rounding"],
        str(tree.get("confidence") or "inferred"),
        str(source.get("document") or ""),
    )
    raw_roots = tree.get("indicators") or []
    roots = tuple(r for r in (loader.node(raw, ("indicators", i), 1, ()) for i, raw in enumerate(raw_roots)) if r)
    problems.extend(loader.problems)
    try:
        total = parse_decimal(tree.get("total", 100), allow_units=("分",))
    except NumberError:
        total = Decimal(100)
    if roots and len(roots) == len(raw_roots):
        loader.problems = []
        loader.check_sum("总分", total, roots, ("indicators",))
        problems.extend(loader.problems)
    supplement = tree.get("supplementary") or {}
    loader.problems = []
    supplementary = []
    for i, raw in enumerate(supplement.get("indicators") or []):
        node = loader.node(raw, ("supplementary", "indicators", i), 1, ())
        if node is not None:
            supplementary.append(node)
    problems.extend(loader.problems)
    display = tree.get("display") or {}
    try:
        year = int(str(tree.get("year") or 0))
    except ValueError:
        problems.append(Problem("rulebook.bad_year", "year 应为年份，如 2023", smap.locate(("year",))))
        year = 0
    ids = {n.id for top in (*roots, *supplementary) for n in top.walk()}
    vetoes, veto_errors = parse_vetoes(tree.get("vetoes"), head["facts"], tuple(n for _, n in head["grades"]), ids)
    problems.extend(Problem("rulebook.bad_veto", message, smap.locate(where)) for where, message in veto_errors)
    rulebook = Rulebook(
        id=str(tree.get("id") or path.stem),
        title=str(tree.get("title") or ""),
        region=str(tree.get("region") or ""),
        kind=str(tree.get("kind") or "department"),
        year=year,
        version=str(tree.get("version") or "1"),
        source={k: str(v) for k, v in source.items()},
        confidence=loader.confidence,
        roots=roots,
        total=total,
        rounding=head["rounding"],
        percent_places=int(display.get("percent_places", 2)),
        strip_zeros=str(display.get("strip_zeros", "false")).lower() == "true",
        grades=head["grades"],
        facts=head["facts"],
        report=tree.get("report") or {},
        file=str(path),
        supplementary=tuple(supplementary),
        supplementary_title=str(supplement.get("title") or "附加核查指标"),
        vetoes=vetoes,
        review=dict(tree.get("review") or {}),
    )
    return rulebook, problems
