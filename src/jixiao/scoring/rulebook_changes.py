"""Rulebooks that change another (`extends:`), and what changed between two rulebooks (`jixiao rulebooks diff`).

A city's table that changes a few rules of its province's, or a new year that copies last year's, is written
as the other rulebook's id and a list of changes, each naming an indicator by its id:
```
extends: sichuan/department/2017
changes:
  - {set: special_funds_timing, name: 市级财力专项预算分配时限, note: 市级表以市级财力代替省级财力}
  - {replace: asset_report, with: {id: asset_report, name: ..., weight: 2, rule: {...}}}
  - {remove: mid_term_review}
  - {add: {id: ..., name: ..., weight: 2, rule: {...}}, under: management}
```
Header fields the file gives (title, region, year, source, grades, facts…) replace the other's; facts are
merged. Every node the changes bring is checked as in a plain rulebook, with its line in this file; the
weights are checked again over the whole tree after the changes.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.files.yamlsrc import SourceMap
from jixiao.model.numbers import NumberError, fmt_score, parse_decimal
from jixiao.model.problems import Location, Problem

from .rulebook_loader import Loader, header
from .rulebook_types import CONFIDENCE, IndicatorNode, Rulebook
from .rules import KINDS
from .rules.veto import parse_vetoes

__all__ = ["apply_changes", "diff_rulebooks"]

_CHANGE_OPS = ("set", "replace", "remove", "add")
_SETTABLE = ("name", "weight", "rule", "standard", "definition", "confidence", "source")


def apply_changes(
    tree: dict[str, Any], smap: SourceMap, problems: list[Problem], path: Path, base: Rulebook, base_id: str
) -> tuple[Rulebook | None, list[Problem]]:
    """The rulebook a file with `extends:` describes: its base (loaded by `rulebook.load_rulebook_with_problems`)
    with the file's head and `changes` applied, each change said in Chinese."""
    head = header(tree, smap, problems)
    facts = {**base.facts, **head["facts"]}
    source = tree.get("source") or {}
    source = source if isinstance(source, dict) else {"document": str(source)}
    rounding = head["rounding"] if tree.get("rounding") else base.rounding
    loader = Loader(
        smap,
        facts,
        rounding,
        str(tree.get("confidence") or base.confidence),
        str(source.get("document") or base.source.get("document", "")),
    )
    loader.ids = {n.id: ("base",) for top in (*base.roots, *base.supplementary) for n in top.walk()}
    roots, supplementary = list(base.roots), list(base.supplementary)
    described: list[str] = []
    touched: dict[str, tuple[Any, ...]] = {}  # indicator id -> the change that touched it
    for i, change in enumerate(tree.get("changes") or []):
        where = ("changes", i)
        try:
            roots, supplementary, line = _apply(change, where, loader, roots, supplementary)
        except _ChangeError as exc:
            problems.append(Problem("rulebook.bad_change", exc.message, smap.locate(exc.where or where)))
            continue
        for op in _CHANGE_OPS:
            target = change.get(op)
            touched[str(target.get("id") or target.get("name")) if isinstance(target, dict) else str(target)] = where
        note = str(change.get("note") or "") if isinstance(change, dict) else ""
        described.append(f"{line}{'（' + note + '）' if note else ''}")
    problems.extend(loader.problems)
    roots = [_reparent(r, (), 1) for r in roots]
    supplementary = [_reparent(r, (), 1) for r in supplementary]
    total = base.total
    if tree.get("total") is not None:
        try:
            total = parse_decimal(tree["total"], allow_units=("分",))
        except NumberError:
            problems.append(Problem("rulebook.bad_weight", "total 应为数字", smap.locate(("total",))))
    problems.extend(_check_weights(roots, supplementary, total, smap, touched))
    ids = {n.id for top in (*roots, *supplementary) for n in top.walk()}
    grades = head["grades"] if tree.get("grades") else base.grades
    vetoes = base.vetoes
    if tree.get("vetoes") is not None:
        vetoes, errors = parse_vetoes(tree.get("vetoes"), facts, tuple(n for _, n in grades), ids)
        problems.extend(Problem("rulebook.bad_veto", message, smap.locate(w)) for w, message in errors)
    display = tree.get("display") or {}
    rulebook = replace(
        base,
        id=str(tree.get("id") or path.stem),
        title=str(tree.get("title") or base.title),
        region=str(tree.get("region") or base.region),
        kind=str(tree.get("kind") or base.kind),
        year=_year(tree, base, smap, problems),
        version=str(tree.get("version") or base.version),
        source={k: str(v) for k, v in source.items()} or base.source,
        confidence=loader.confidence,
        roots=tuple(roots),
        total=total,
        rounding=rounding,
        percent_places=int(display.get("percent_places", base.percent_places)),
        grades=grades,
        facts=facts,
        report=tree.get("report") or base.report,
        file=str(path),
        supplementary=tuple(supplementary),
        vetoes=vetoes,
        review=dict(tree.get("review") or base.review),
        extends=base_id,
        changes=tuple(described),
    )
    return rulebook, problems


def _year(tree: dict[str, Any], base: Rulebook, smap: SourceMap, problems: list[Problem]) -> int:
    try:
        return int(str(tree.get("year") or base.year))
    except ValueError:
        problems.append(Problem("rulebook.bad_year", "year 应为年份，如 2023", smap.locate(("year",))))
        return base.year


class _ChangeError(Exception):
    def __init__(self, message: str, where: tuple[Any, ...] | None = None):
        self.message, self.where = message, where
        super().__init__(message)


def _find(nodes: list[IndicatorNode], ident: str) -> IndicatorNode | None:
    return next((n for top in nodes for n in top.walk() if n.id == ident), None)


def _map(nodes: list[IndicatorNode], ident: str, fn) -> list[IndicatorNode]:
    """The tree with the node `ident` replaced by fn(node) (a node, or None to remove it)."""
    out = []
    for node in nodes:
        if node.id == ident:
            new = fn(node)
            if new is not None:
                out.append(new)
        elif node.children:
            out.append(replace(node, children=tuple(_map(list(node.children), ident, fn))))
        else:
            out.append(node)
    return out


def _apply(change: Any, where: tuple[Any, ...], loader: Loader, roots: list, supplementary: list):
    if not isinstance(change, dict) or sum(op in change for op in _CHANGE_OPS) != 1:
        raise _ChangeError("每项修改应且只应有 set（修改）、replace（替换）、remove（删除）、add（新增）之一")
    op = next(op for op in _CHANGE_OPS if op in change)
    if op == "add":
        return _add(change, where, loader, roots, supplementary)
    ident = str(change[op])
    old = _find(roots, ident) or _find(supplementary, ident)
    if old is None:
        verb = {"set": "修改", "replace": "替换", "remove": "删除"}[op]
        raise _ChangeError(f"要{verb}的指标编号“{ident}”不存在", (*where, op))
    if op == "remove":
        line = f"删除 {old.name}（{ident}，{fmt_score(old.weight)}分）"
        return _map(roots, ident, lambda n: None), _map(supplementary, ident, lambda n: None), line
    if op == "replace":
        for gone in old.walk():  # the replaced subtree's ids may come back in the new node
            loader.ids.pop(gone.id, None)
        new = loader.node(change.get("with"), (*where, "with"), old.level, old.path[:-1])
        if new is None:
            raise _ChangeError(f"替换指标“{ident}”的内容（with）有误", (*where, "with"))
        line = f"替换 {old.name}（{ident}）为 {new.name}（{fmt_score(new.weight)}分）"
    else:
        new, line = _set(change, where, loader, old)
    return _map(roots, ident, lambda n: new), _map(supplementary, ident, lambda n: new), line


def _set(change: dict[str, Any], where: tuple[Any, ...], loader: Loader, old: IndicatorNode):
    unknown = [k for k in change if k not in (*_SETTABLE, "set", "note")]
    if unknown:
        raise _ChangeError(f"修改项不能改“{unknown[0]}”，可改：{'、'.join(_SETTABLE)}", (*where, unknown[0]))
    fields: dict[str, Any] = {}
    said = []
    if "name" in change:
        fields["name"] = str(change["name"])
        said.append(f"名称改为“{fields['name']}”")
    weight = old.weight
    if "weight" in change:
        weight = loader.weight(change["weight"], (*where, "weight")) or Decimal(0)
        fields["weight"] = weight
        said.append(f"分值 {fmt_score(old.weight)} → {fmt_score(weight)}")
    for key in ("standard", "definition"):
        if key in change:
            fields[key] = str(change[key])
    if "rule" in change or "confidence" in change or "source" in change:
        if old.rule is None:
            raise _ChangeError(f"指标“{old.name}”没有评分规则，不能修改 rule/confidence/source", where)
        rule = old.rule
        if "rule" in change:
            new_rule = loader.rule(change["rule"], (*where, "rule"), change, fields.get("name", old.name), weight)
            if new_rule is None:
                raise _ChangeError(f"指标“{old.name}”的新规则有误", (*where, "rule"))
            rule = new_rule
            said.append(f"规则改为{KINDS[rule.kind].label}")
            if "standard" not in change:
                fields["standard"] = KINDS[rule.kind].standard(rule.spec, weight)
        else:
            rule = replace(
                rule,
                confidence=str(change.get("confidence") or rule.confidence),
                source=str(change.get("source") or rule.source),
            )
        fields["rule"] = rule
    return replace(old, **fields), f"修改 {old.name}（{old.id}）：{'；'.join(said) or '说明或出处'}"


def _add(change: dict[str, Any], where: tuple[Any, ...], loader: Loader, roots: list, supplementary: list):
    under = change.get("under")
    parent = _find(roots, str(under)) or _find(supplementary, str(under)) if under else None
    if under and parent is None:
        raise _ChangeError(f"新增指标的上级编号“{under}”不存在", (*where, "under"))
    level, parents = (parent.level + 1, parent.path) if parent else (1, ())
    new = loader.node(change.get("add"), (*where, "add"), level, parents)
    if new is None:
        raise _ChangeError("新增指标的内容（add）有误", (*where, "add"))
    line = f"新增 {new.name}（{new.id}，{fmt_score(new.weight)}分）{'于 ' + parent.name + ' 之下' if parent else ''}"
    if parent is None:
        return [*roots, new], supplementary, line
    attach = lambda n: replace(n, children=(*n.children, new))  # noqa: E731
    return _map(roots, parent.id, attach), _map(supplementary, parent.id, attach), line


def _reparent(node: IndicatorNode, parents: tuple[str, ...], level: int) -> IndicatorNode:
    path = (*parents, node.name)
    return replace(node, path=path, level=level, children=tuple(_reparent(c, path, level + 1) for c in node.children))


def _where(location: Location | None) -> str:
    return f"{location.file}:{location.line}" if location and location.line else "继承的指标体系"


def _check_weights(
    roots, supplementary, total: Decimal, smap: SourceMap, touched: dict[str, tuple[Any, ...]]
) -> list[Problem]:
    """Parents whose children no longer add up, located at the change that broke them."""
    where = smap.locate(("changes",))
    problems = []
    for node in (n for top in (*roots, *supplementary) for n in top.walk() if n.children):
        given = sum((c.weight for c in node.children), Decimal(0))
        if given != node.weight:
            culprit = next((touched[c.id] for c in (node, *node.children) if c.id in touched), ("changes",))
            problems.append(
                Problem(
                    "rulebook.weights",
                    f"修改后“{node.name}”分值为 {fmt_score(node.weight)}，但下级指标"
                    f"分值合计为 {fmt_score(given)}。请同时修改分值使二者相等"
                    f"（该指标定义于 {_where(node.location)}）。",
                    smap.locate(culprit),
                )
            )
    given = sum((r.weight for r in roots), Decimal(0))
    if given != total:
        problems.append(
            Problem(
                "rulebook.weights",
                f"修改后一级指标分值合计为 {fmt_score(given)}，与总分 {fmt_score(total)} 不符",
                where,
            )
        )
    return problems


def _describe_rule(node: IndicatorNode) -> str:
    if node.rule is None:
        if node.targets is None:
            return ""
        return f"取自填报的绩效指标（一级指标：{'、'.join(node.targets.level1)}）"
    return f"{KINDS[node.rule.kind].label}：{node.standard}"


def _grades(rulebook: Rulebook) -> str:
    return "、".join(f"{name}≥{fmt_score(minimum)}" for minimum, name in rulebook.grades)


def diff_rulebooks(a: Rulebook, b: Rulebook) -> list[str]:
    """What changed from a to b, one Chinese line each: header fields, then indicators by id."""
    lines = []
    for label, x, y in (
        ("名称", a.title, b.title),
        ("地区", a.region, b.region),
        ("类型", a.kind, b.kind),
        ("年度", a.year, b.year),
        ("总分", fmt_score(a.total), fmt_score(b.total)),
        ("来源", a.source.get("document", ""), b.source.get("document", "")),
        ("等级", _grades(a), _grades(b)),
    ):
        if x != y:
            lines.append(f"~ {label}：{x} → {y}")
    nodes_a = {n.id: n for top in (*a.roots, *a.supplementary) for n in top.walk()}
    nodes_b = {n.id: n for top in (*b.roots, *b.supplementary) for n in top.walk()}
    for ident, node in nodes_a.items():
        if ident not in nodes_b:
            lines.append(f"- 删除 {'/'.join(node.path)}（{fmt_score(node.weight)}分）")
    for ident, node in nodes_b.items():
        if ident not in nodes_a:
            lines.append(f"+ 新增 {'/'.join(node.path)}（{fmt_score(node.weight)}分）{_describe_rule(node)}")
            continue
        old = nodes_a[ident]
        said = []
        if old.name != node.name:
            said.append(f"名称 {old.name} → {node.name}")
        if old.weight != node.weight:
            said.append(f"分值 {fmt_score(old.weight)} → {fmt_score(node.weight)}")
        if (old.rule and old.rule.spec) != (node.rule and node.rule.spec) or old.targets != node.targets:
            said.append(f"规则 {_describe_rule(old) or '—'} → {_describe_rule(node) or '—'}")
        elif old.standard != node.standard:
            said.append(f"评分标准 {old.standard} → {node.standard}")
        if old.rule and node.rule and old.rule.confidence != node.rule.confidence:
            said.append(f"依据 {CONFIDENCE[old.rule.confidence]} → {CONFIDENCE[node.rule.confidence]}")
        if said:
            lines.append(f"~ {'/'.join(node.path)}：{'；'.join(said)}")
    return lines
