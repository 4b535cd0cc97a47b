"""YAML read with the line of every value, so that every error can name file:line and field.

Scalars are kept as the text the user wrote (never float), so that "155.591" stays exactly that Decimal
and "98.78%" can be told from 0.9878. Duplicate keys, which PyYAML silently merges, are reported.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .problems import JixiaoError, Location, Problem

__all__ = ["SourceMap", "load_yaml", "parse_yaml_text"]

_NULL_TAG = "tag:yaml.org,2002:null"


class SourceMap:
    """Field path (tuple of keys and list indexes) -> Location of that value in the file."""

    def __init__(self, file: str):
        self.file = file
        self._lines: dict[tuple[Any, ...], int] = {}

    def record(self, path: tuple[Any, ...], line: int) -> None:
        self._lines[path] = line

    def locate(self, path: tuple[Any, ...], field: str | None = None) -> Location:
        """The line of `path`, or of its nearest recorded parent when the value itself is missing."""
        probe = tuple(path)
        while probe and probe not in self._lines:
            probe = probe[:-1]
        line = self._lines.get(probe, 1 if not probe else None)
        return Location(file=self.file, line=line, field=field if field is not None else dotted(path))


def dotted(path: tuple[Any, ...]) -> str:
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def _convert(
    node: yaml.Node, path: tuple[Any, ...], smap: SourceMap, problems: list[Problem], line: int | None = None
) -> Any:
    # A mapping value is placed at its key's line ("department:"), not where its own content starts.
    smap.record(path, line if line is not None else node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                problems.append(
                    Problem(
                        "yaml.duplicate_key",
                        f"字段“{key}”重复出现，后一个会覆盖前一个。请删除或合并其中一个。",
                        Location(smap.file, key_node.start_mark.line + 1, field=dotted((*path, key))),
                    )
                )
            result[key] = _convert(value_node, (*path, key), smap, problems, key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), smap, problems) for i, item in enumerate(node.value)]
    if node.tag == _NULL_TAG and node.style is None:
        return None
    return node.value


def parse_yaml_text(text: str, file: str) -> tuple[Any, SourceMap, list[Problem]]:
    smap = SourceMap(file)
    problems: list[Problem] = []
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise JixiaoError(
            [
                Problem(
                    "yaml.syntax",
                    f"YAML 格式错误（{reason}）。请检查该行的缩进、冒号后的空格和引号是否成对。",
                    Location(file, line),
                )
            ]
        ) from None
    if node is None:
        return None, smap, problems
    return _convert(node, (), smap, problems), smap, problems


def load_yaml(path: Path) -> tuple[Any, SourceMap, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise JixiaoError(
            [Problem("file.missing", "找不到该文件，请检查路径是否正确。", Location(str(path)))]
        ) from None
    except UnicodeDecodeError:
        raise JixiaoError(
            [
                Problem(
                    "file.encoding", "文件不是 UTF-8 编码。请用记事本或编辑器另存为 UTF-8 后重试。", Location(str(path))
                )
            ]
        ) from None
    return parse_yaml_text(text, str(path))
