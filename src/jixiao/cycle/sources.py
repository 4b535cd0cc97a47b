"""Opening one cycle file by its kind: the YAML files, or the workbook of targets or monitoring (its layout in
`workbook`), each read into a `fields.Reader` that keeps every value's place."""

from __future__ import annotations

from pathlib import Path

from jixiao.files.yamlsrc import load_yaml
from jixiao.model.problems import JixiaoError, Location, Problem

from .fields import Reader
from .workbook import WORKBOOK_SUFFIXES, read_cycle_workbook

__all__ = ["read_file"]


def read_file(path: Path, what: str) -> Reader:
    """Load one cycle file (YAML, or the workbook of targets or monitoring); a missing file is a usage error naming
    what the file is for."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES and path.exists():
        return read_cycle_workbook(path, what)
    if not path.exists():
        raise JixiaoError(
            [
                Problem(
                    "file.missing",
                    f"找不到{what}文件。请在部门文件夹中创建 {path.name}（格式见 docs/cycle.md）。",
                    Location(str(path)),
                )
            ]
        )
    tree, smap, problems = load_yaml(path)
    if not isinstance(tree, dict):
        raise JixiaoError(
            [*problems, Problem("cycle.not_mapping", f"{what}文件应为“字段: 值”的结构。", Location(str(path), 1))]
        )
    return Reader(tree, smap, problems)
