"""Department data back to the canonical YAML text, so the web app stores what the CLI reads."""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any

from jixiao.model.dataset import DepartmentData
from jixiao.model.indicators import FIELD_KINDS, generic_path

__all__ = ["data_to_tree", "data_to_yaml", "set_path"]


def _text(path: str, value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if FIELD_KINDS.get(generic_path(path)) == "rate":
            return f"{value.scaleb(2):f}%"
        return f"{value:f}"
    return str(value)


def set_path(tree: dict[str, Any], path: str, value: Any) -> None:
    """Set 'units[1].staffing.actual' in a nested tree of dicts and lists, creating what is missing."""
    parts: list[Any] = []
    for part in path.split("."):
        m = re.fullmatch(r"(\w+)\[(\d+)\]", part)
        parts += [m.group(1), int(m.group(2))] if m else [part]
    node: Any = tree
    for key, following in itertools.pairwise(parts):
        if isinstance(key, int):
            while len(node) <= key:
                node.append({})
            node = node[key]
        else:
            if key not in node or node[key] is None:
                node[key] = [] if isinstance(following, int) else {}
            node = node[key]
    if value is None:
        node.pop(parts[-1], None) if isinstance(node, dict) else None
    else:
        node[parts[-1]] = value


def data_to_tree(data: DepartmentData) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path, value in data.values.items():
        if path == "project.name":
            continue
        set_path(tree, path, _text(path, value))
    for list_path, items in data.members.items():  # keep empty items and map keys present
        for item in items:
            if "[" in item and item.rsplit("[", 1)[0] == list_path:
                set_path(tree, item, _get(tree, item) or {})
    return tree


def _get(tree: dict[str, Any], path: str) -> Any:
    node: Any = tree
    for part in path.split("."):
        m = re.fullmatch(r"(\w+)\[(\d+)\]", part)
        try:
            node = node[m.group(1)][int(m.group(2))] if m else node[part]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def data_to_yaml(data: DepartmentData) -> str:
    import yaml  # per use: the review imports set_path from here and reads no YAML (issue 15: start-up)

    return yaml.safe_dump(data_to_tree(data), allow_unicode=True, sort_keys=False, width=120)
