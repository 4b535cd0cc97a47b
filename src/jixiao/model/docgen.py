"""Reference documentation generated from the declarations (docs/data-format.md, docs/indicators.md).

Kept in the package so a test can check the committed docs match the code: `python -m jixiao.model.docgen`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .indicators import INDICATORS
from .schema import SCHEMA, Field, Group, ListOf, MapOf, Node

__all__ = ["data_format_markdown", "indicators_markdown"]

_KIND_TEXT = {
    "amount": "金额（万元，≥ 0）",
    "signed_amount": "金额（万元，可为负）",
    "rate": "比率（`98.78%` 或 `0.9878`）",
    "count": "整数（≥ 0）",
    "quantity": "数字（≥ 0）",
    "text": "文字",
    "bool": "是 / 否",
    "answer": "是 / 否 / 达成 / 部分达成 / 未达成 / 不适用",
    "value": "数字或文字",
    "choice": "选项",
    "operator": "≥ / ≤ / = / 定性",
    "year": "年份",
}

_INTRO = """# Department data format (部门基础数据)

Generated from `src/jixiao/model/schema.py` by `python -m jixiao.model.docgen`; do not edit by hand.

A department's data is one YAML file (`data.yaml` in the department's folder) or the Excel template
(`jixiao template`). Every field is optional unless marked required: a figure that is not filled in is
**未填报**, never 0, and every indicator that needs it says so. Amounts are in 万元 and keep the decimals
given (155.591 stays 155.591). Rates are written `98.78%` or `0.9878`; a bare `98.78` is refused as
ambiguous. Full-width digits, thousands separators (`2,377.56`) and a trailing `万元` are accepted. An amount
typed in another unit (`1.2万`, `12,000元`, `0.5亿元`) is read as the 万元 it means, the web form, a workbook's cell
and the data file alike (`model/numbers.py` read_amount), and what was read is said (a 提示 naming the cell or the
line: “合计”填写的“12,000元”读作 1.2 万元); one that does not name one amount in one unit (`约1.2万`, `1.2-1.5万`,
`1亿2000万`) is refused.

Paths: `a.b` is field `b` of group `a`; `a[]` is a list (each item starts with `- `); `a.*` is a map whose
keys you choose (for `facts`, the fact ids the rulebook declares: `jixiao rulebooks --facts`).

The example `examples/baoan-fulian-2023/data.yaml` fills every figure seed 000 states.

| path | 中文名称 | type | unit | required | notes |
|---|---|---|---|---|---|
"""


def _rows(nodes: tuple[Node, ...], prefix: str = "") -> list[str]:
    rows = []
    for node in nodes:
        path = f"{prefix}.{node.key}" if prefix else node.key
        if isinstance(node, Field):
            kind = _KIND_TEXT[node.kind] + (f"：{' / '.join(node.choices)}" if node.choices else "")
            rows.append(
                f"| `{path}` | {node.label} | {kind} | {node.unit} | {'是' if node.required else ''} | {node.help} |"
            )
        elif isinstance(node, Group):
            rows.append(f"| `{path}` | **{node.label}** | 分组 | | {'是' if node.required else ''} | {node.help} |")
            rows += _rows(node.children, path)
        elif isinstance(node, ListOf):
            rows.append(f"| `{path}[]` | **{node.label}** | 列表 | | | {node.help} |")
            rows += _rows(node.item, f"{path}[]")
        elif isinstance(node, MapOf):
            rows.append(f"| `{path}.*` | **{node.label}** | 映射 | | | {node.help} |")
            rows += _rows(node.item, f"{path}.*")
    return rows


def data_format_markdown() -> str:
    return _INTRO + "\n".join(_rows(SCHEMA)) + "\n"


def indicators_markdown() -> str:
    lines = [
        "# Derived indicators (计算指标)",
        "",
        "Generated from `src/jixiao/model/indicators.py` by `python -m jixiao.model.docgen`; do not edit by hand.",
        "Rulebooks refer to these by name (`indicator: procurement_execution_rate`).",
        "",
        "| name | 中文名称 | formula | source | notes |",
        "|---|---|---|---|---|",
    ]
    for d in INDICATORS.values():
        note = d.note + (f"（缺少数据时：{d.fallback.formula}）" if d.fallback else "")
        lines.append(f"| `{d.name}` | {d.label} | {d.formula} | {d.source} | {note} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    docs = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs")
    (docs / "data-format.md").write_text(data_format_markdown(), encoding="utf-8")
    (docs / "indicators.md").write_text(indicators_markdown(), encoding="utf-8")


if __name__ == "__main__":
    main()
