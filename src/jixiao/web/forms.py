"""The page's forms and the stored data: the 基本信息 fields and the editable tables (units, quarterly execution,
key tasks, performance targets) to and from the YAML an evaluation keeps."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from jixiao.files.excel_layout import FORM_FIELDS, LIST_SHEETS
from jixiao.files.serialize import data_to_tree, set_path
from jixiao.files.yamlsrc import parse_yaml_text
from jixiao.model.dataset import DepartmentData
from jixiao.model.numbers import fmt_amount, fmt_score
from jixiao.model.problems import JixiaoError

from .amounts import stored_amount
from .db import Evaluation

__all__ = [
    "EDITABLE_LISTS",
    "fact_paths",
    "fact_rows",
    "form_to_yaml",
    "form_values",
    "list_rows",
    "lists_from_form",
    "lists_to_yaml",
    "narrative_names",
    "problem_place",
]


def form_to_yaml(evaluation: Evaluation, form: dict[str, str]) -> str:
    """The scalar fields of the form (the same ones as the workbook's 基本信息) and the answers to the rulebook's
    qualitative facts (`f:facts.<key>.answer`, `.evidence`; keys the rulebook does not declare are ignored) merged
    into the stored data. A fact left without answer and evidence is removed."""
    tree, _, _ = parse_yaml_text(evaluation.data_yaml or "{}", "stored")
    tree = tree if isinstance(tree, dict) else {}
    for field in FORM_FIELDS:
        key = f"f:{field.path}"
        if key in form:
            value = stored_amount(key, form[key].strip())  # "1.2万", "12,000元" in a 万元 field: as 万元
            set_path(tree, field.path, value or None)
    stored = tree.get("facts")
    facts: dict[str, Any] = stored if isinstance(stored, dict) else {}
    for path in fact_paths(evaluation.rulebook_id):
        if f"f:{path}" in form:
            _, key, part = path.split(".")
            value = form[f"f:{path}"].strip()[:2000]
            known = facts.get(key)
            entry: dict[str, Any] = known if isinstance(known, dict) else {}
            entry[part] = value or None
            facts[key] = entry
    for key in [k for k, v in facts.items() if isinstance(v, dict) and not any(v.values())]:
        del facts[key]
    if facts:
        tree["facts"] = facts
    else:
        tree.pop("facts", None)
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=120)


def fact_paths(rulebook_id: str) -> tuple[str, ...]:
    """The form's inputs for the rulebook's qualitative facts (定性事实): each fact's answer and evidence."""
    from jixiao.scoring.rulebook import load_rulebook

    try:
        facts = load_rulebook(rulebook_id).facts
    except JixiaoError:
        return ()
    return tuple(f"facts.{key}.{part}" for key in facts for part in ("answer", "evidence"))


def fact_rows(loaded, evaluation: Evaluation) -> list[dict[str, Any]]:
    """Each fact the rulebook asks for, by its question, with its answers and the indicators whose score reads it
    (each with the points it loses and why): what the form's 定性事实 section shows (also while the data has
    errors, so that a wrong answer can be corrected there)."""
    from jixiao.scoring.rulebook import load_rulebook

    evaluation_id = evaluation.id
    try:
        rulebook = loaded.prepared.rulebook if loaded.prepared else load_rulebook(evaluation.rulebook_id)
    except JixiaoError:
        return []
    readers: dict[str, list[dict[str, Any]]] = {}
    if loaded.scored is not None:
        for leaf in loaded.scored.leaves():
            reads = leaf.trace.inputs if leaf.trace else ()
            keys = {r.path.split(".")[1] for r in reads if r.path.startswith("facts.")}
            for key in keys:
                lost = sum((d.points for d in leaf.deductions), Decimal(0))
                readers.setdefault(key, []).append(
                    {
                        "name": leaf.name,
                        "href": f"/evaluations/{evaluation_id}/indicator/{leaf.id}",
                        "lost": fmt_score(lost) if lost else "",
                        "reasons": [d.reason for d in leaf.deductions],
                        "status": leaf.trace.status if leaf.trace else "",
                    }
                )
    return [
        {"key": key, "question": fact.question, "answers": fact.answers, "indicators": readers.get(key, [])}
        for key, fact in rulebook.facts.items()
    ]


# The lists editable as tables on the page (projects, with their many fund columns, go through the workbook).
EDITABLE_LISTS = tuple(
    sheet for sheet in LIST_SHEETS if sheet.list_path in ("units", "quarterly", "key_tasks", "targets")
)
SPARE_ROWS = 3


def list_rows(data: DepartmentData) -> dict[str, list[dict[str, str]]]:
    """Each editable list as rows of text (as the YAML stores them), plus empty rows to add to."""
    tree = data_to_tree(data)
    out: dict[str, list[dict[str, str]]] = {}
    for sheet in EDITABLE_LISTS:
        rows = []
        for item in tree.get(sheet.list_path) or []:
            row = {}
            for column in sheet.columns:
                node: Any = item
                for part in column.path.split("."):
                    node = node.get(part) if isinstance(node, dict) else None
                if node is not None:
                    row[column.path] = shown_value(column.spec, node)
            rows.append(row)
        out[sheet.list_path] = rows + [{} for _ in range(SPARE_ROWS)]
    return out


def lists_from_form(form: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """The posted table cells (`l:targets:3:actual`) back into rows; empty rows are dropped, and cells of an unknown
    table, column or row number (a tampered form) are ignored."""
    columns = {sheet.list_path: {c.path for c in sheet.columns} for sheet in EDITABLE_LISTS}
    rows: dict[str, dict[int, dict[str, str]]] = {}
    for key, value in form.items():
        parts = key.split(":", 3)
        if len(parts) != 4 or parts[0] != "l" or parts[1] not in columns or parts[3] not in columns[parts[1]]:
            continue
        _, list_path, index, column = parts
        if not index.isdigit() or int(index) > 10_000:
            continue
        rows.setdefault(list_path, {}).setdefault(int(index), {})[column] = value.strip()
    return {name: [row for _, row in sorted(items.items()) if any(row.values())] for name, items in rows.items()}


def lists_to_yaml(evaluation: Evaluation, lists: dict[str, list[dict[str, str]]]) -> str:
    tree, _, _ = parse_yaml_text(evaluation.data_yaml or "{}", "stored")
    tree = tree if isinstance(tree, dict) else {}
    for sheet in EDITABLE_LISTS:
        if sheet.list_path not in lists:
            continue
        items = []
        for row in lists[sheet.list_path]:
            item: dict[str, Any] = {}
            for column in sheet.columns:
                if row.get(column.path):
                    set_path(item, column.path, stored_amount(f"l:{sheet.list_path}:0:{column.path}", row[column.path]))
            items.append(item)
        if items:
            tree[sheet.list_path] = items
        else:
            tree.pop(sheet.list_path, None)
    return yaml.safe_dump(tree, allow_unicode=True, sort_keys=False, width=120)


def shown_value(spec: Any, node: Any) -> str:
    """A stored value as its input shows it: an amount in 万元 as finance staff write it (2,377.56, 123.10, 0.00 —
    read back as the same amount on save), anything else as stored."""
    if getattr(spec, "kind", "") in ("amount", "signed_amount") and getattr(spec, "unit", "") == "万元":
        try:
            number = Decimal(str(node))
        except InvalidOperation:
            return str(node)
        if number.is_finite() and not isinstance(node, bool):
            return fmt_amount(number)
    return str(node)


def form_values(data: DepartmentData, *, as_stored: bool = False) -> dict[str, str]:
    """The form's fields as text (`as_stored`: an amount as stored, 2377.56, not as shown, 2,377.56), and every
    fact's answer and evidence (`facts.<key>.answer`)."""
    tree = data_to_tree(data)
    values: dict[str, str] = {}
    for field in FORM_FIELDS:
        node: Any = tree
        for part in field.path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            values[field.path] = str(node) if as_stored else shown_value(field.spec, node)
    facts = tree.get("facts")
    for key, entry in facts.items() if isinstance(facts, dict) else ():
        for part in ("answer", "evidence"):
            if isinstance(entry, dict) and entry.get(part) is not None:
                values[f"facts.{key}.{part}"] = str(entry[part])
    return values


def problem_place(problem) -> str:
    """Where a problem is, in the user's words: the sheet and cell, or the field's label (never a field path)."""
    location = problem.location
    if location is None:
        return ""
    if location.sheet:
        return f"工作表“{location.sheet}”{location.cell or ''}"
    labels = {f.path: f.label for f in FORM_FIELDS}
    if location.field and location.field.startswith("facts."):
        return "定性事实"
    if location.field:
        return labels.get(location.field) or _list_label(location.field)
    return ""


def _list_label(path: str) -> str:
    """`targets[2].actual` → 绩效指标 第3行 实际完成值."""
    head, _, rest = path.partition("[")
    for sheet in EDITABLE_LISTS:
        if sheet.list_path == head:
            index, _, column = rest.partition("]")
            headers = {c.path: c.header for c in sheet.columns}
            row = f"第{int(index) + 1}行" if index.isdigit() else ""
            return f"{sheet.name} {row} {headers.get(column.lstrip('.'), '')}".strip()
    return "数据"


def narrative_names(loaded) -> list[tuple[str, str]]:
    """The narrative sections the rulebook's outline asks for: (file name, heading)."""
    from ..report.outline import load_outline

    if loaded.prepared is None:
        return []
    outline = load_outline(str(loaded.prepared.rulebook.report.get("outline", "shenzhen-department")))
    year = str(loaded.prepared.data.year or "")  # as the report writes it: 2023年部门预算编制情况, not 年部门…
    names: list[tuple[str, str]] = []

    def walk(section) -> None:
        for item in section.content:
            key, value = next(iter(item.items()))
            if key == "narrative" or key in ("problems", "measures"):
                names.append((value if key == "narrative" else key, section.heading.replace("{year}", year)))
        for child in section.sections:
            walk(child)

    for item in outline.intro:
        if "narrative" in item:
            names.append((item["narrative"], "开头"))
    for section in outline.sections:
        walk(section)
    return list(dict.fromkeys(names))
