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
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.files.yamlsrc import SourceMap, load_yaml
from jixiao.model.numbers import NumberError, parse_decimal
from jixiao.model.problems import JixiaoError, Location, Problem, has_errors

from .review_form import parse_review_form
from .rulebook_changes import apply_changes
from .rulebook_loader import Loader, header
from .rulebook_types import CONFIDENCE, DEFAULT_GRADES, IndicatorNode, Rule, Rulebook, TargetGroup
from .rules.veto import parse_vetoes

__all__ = [
    "BUILTIN_DIR",
    "CONFIDENCE",
    "DEFAULT_GRADES",
    "IndicatorNode",
    "Rule",
    "Rulebook",
    "TargetGroup",
    "available_rulebooks",
    "load_rulebook",
    "load_rulebook_with_problems",
    "resolve",
]

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "rulebooks"


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
    if id_or_path and not candidate.is_absolute() and ".." not in candidate.parts:  # an id names its file: no scan
        for base in _search_dirs():  # the first folder that has it, as available_rulebooks() decides
            if (base / f"{id_or_path}.yaml").is_file():
                return base / f"{id_or_path}.yaml"
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


def load_rulebook(id_or_path: str) -> Rulebook:
    """Load and check a rulebook; raises JixiaoError with every problem found (warnings are kept apart).

    Rulebooks are immutable, so a loaded one is shared until its file, or a file it `extends`, changes (a server
    scores many pages): each entry keeps the modification times of its whole chain and is used only while they hold.
    """
    path = str(resolve(id_or_path).resolve())
    hit = _LOADED.get(path)
    if hit is not None and all(_mtime(file) == stamp for file, stamp in hit[0]):
        return hit[1]
    stamp = _mtime(path)  # read before the file, so a change while loading is seen next time
    rulebook, problems = load_rulebook_with_problems(path)
    if rulebook is None or has_errors(problems):
        raise JixiaoError(problems)
    chain: tuple[tuple[str, int], ...] = ((path, stamp),)
    if rulebook.extends:
        load_rulebook(rulebook.extends)  # the base's own entry, whose chain this one carries
        chain += _LOADED[_key(rulebook.extends)][0]
    if len(_LOADED) >= 64:
        _LOADED.pop(next(iter(_LOADED), ""), None)
    _LOADED[path] = (chain, rulebook)
    return rulebook


_LOADED: dict[str, tuple[tuple[tuple[str, int], ...], Rulebook]] = {}


def _key(id_or_path: str) -> str:
    return str(resolve(id_or_path).resolve())


def _mtime(path: str) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def load_rulebook_with_problems(id_or_path: str, _seen: tuple[str, ...] = ()) -> tuple[Rulebook | None, list[Problem]]:
    path = resolve(id_or_path)
    tree, smap, problems = load_yaml(path, keep=True)  # kept parsed between runs (issue 15: start-up)
    if not isinstance(tree, dict):
        return None, [*problems, Problem("rulebook.bad_file", "指标体系文件应为 YAML 分组", Location(str(path)))]
    form_problems = parse_review_form(tree.get("review"))[1]  # how review knows the rulebook's form, if it has one
    problems.extend(Problem("rulebook.bad_review", message, smap.locate(where)) for where, message in form_problems)
    if tree.get("extends"):
        return _load_extended(tree, smap, problems, path, _seen)
    head = header(tree, smap, problems)
    source = tree.get("source") or {}
    source = source if isinstance(source, dict) else {"document": str(source)}
    loader = Loader(
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


def _load_extended(
    tree: dict[str, Any], smap: SourceMap, problems: list[Problem], path: Path, seen: tuple[str, ...]
) -> tuple[Rulebook | None, list[Problem]]:
    """A rulebook that `extends` another: the base loaded first (a cycle of extends refused), then changed."""
    base_id = str(tree["extends"])
    if str(path.resolve()) in seen:
        return None, [
            *problems,
            Problem("rulebook.extends_cycle", f"指标体系循环继承（{base_id}）", smap.locate(("extends",))),
        ]
    if base_id.endswith((".yaml", ".yml")) and not Path(base_id).is_absolute():
        base_id = str(path.parent / base_id)  # a file named beside this one
    try:
        base, base_problems = load_rulebook_with_problems(base_id, (*seen, str(path.resolve())))
    except JixiaoError as exc:
        base, base_problems = None, list(exc.problems)
    if base is None or has_errors(base_problems):
        return None, [
            *problems,
            Problem("rulebook.extends", f"继承的指标体系“{base_id}”无法加载，请先修正它", smap.locate(("extends",))),
            *base_problems,
        ]
    return apply_changes(tree, smap, problems, path, base, base_id)
