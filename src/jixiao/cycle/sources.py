"""Opening one cycle file by its kind: the YAML files, or the workbook of targets or monitoring (its layout in
`workbook`), each read into a `fields.Reader` that keeps every value's place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jixiao.files.yamlsrc import SourceMap, load_yaml, parse_yaml_text
from jixiao.model.problems import JixiaoError, Location, Problem

from .fields import Reader
from .workbook import WORKBOOK_SUFFIXES, read_cycle_workbook

__all__ = ["read_file"]


def read_file(path: Path, what: str, content: str | bytes | None = None) -> Reader:
    """Load one cycle file (YAML, or the workbook of targets or monitoring); a missing file is a usage error naming
    what the file is for. With `content` — the file's text, or a workbook's bytes, as the web app holds them — no
    file is read and `path` only names it (its suffix says which kind, its name is the problems' place)."""
    if content is not None:
        return _read_content(Path(path), what, content)
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
    return _reader(tree, smap, problems, path, what)


def _read_content(path: Path, what: str, content: str | bytes) -> Reader:
    if path.suffix.lower() in WORKBOOK_SUFFIXES and isinstance(content, bytes):
        return read_cycle_workbook(path, what, content)
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            message = "文件不是 UTF-8 编码。请用记事本或编辑器另存为 UTF-8 后重试。"
            raise JixiaoError([Problem("file.encoding", message, Location(str(path)))]) from None
    # parse_yaml_text refuses a text over the YAML size limit, as load_yaml's file check does
    tree, smap, problems = parse_yaml_text(content.removeprefix("\ufeff"), str(path))
    return _reader(tree, smap, problems, path, what)


def _reader(tree: Any, smap: SourceMap, problems: list[Problem], path: Path, what: str) -> Reader:
    if not isinstance(tree, dict):
        raise JixiaoError(
            [*problems, Problem("cycle.not_mapping", f"{what}文件应为“字段: 值”的结构。", Location(str(path), 1))]
        )
    return Reader(tree, smap, problems)
