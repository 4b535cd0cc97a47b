"""A rulebook's YAML tree checked and turned into records: every indicator, rule and parameter checked against
its kind, each problem with its line (`Loader`); the file's head (rounding, grades, facts: `header`)."""

from __future__ import annotations

import difflib
import re
from decimal import Decimal
from functools import partial
from typing import Any

from jixiao.files.yamlsrc import SourceMap
from jixiao.model.numbers import NumberError, Rounding, fmt_score, parse_decimal
from jixiao.model.problems import Problem, Severity

from .rulebook_types import CONFIDENCE, DEFAULT_GRADES, IndicatorNode, Rule, TargetGroup
from .rules import KINDS, FactDef, ParamError, Params, RoundingRule
from .rules.target import parse_options

__all__ = ["Loader", "header"]


class Loader:
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


def header(tree: dict[str, Any], smap: SourceMap, problems: list[Problem]) -> dict[str, Any]:
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
