"""Keys of a YAML text turned into other words line by line, values and comments untouched, so that the text keeps
its lines and a problem's line number is the editor's line. Shared by the cycle documents' editor
(cycle_words.py, one table of words per document) and the department data's editor (data_words.py, the words of
each mapping level from the schema)."""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from jixiao.files.yamlsrc import YAML_SYNTAX

__all__ = ["KEY", "rename_by_line", "rename_in_tree", "split_comment", "syntax_in_chinese"]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: the same nodes and marks, ~10× faster

# a mapping key: at the start of a line (after list dashes) or after "{" / "," in a flow mapping; then ":" and a
# space or the end of the line (YAML's rule), so "12:30" or a URL in a value is no key
KEY = re.compile(r"(?P<pre>^\s*(?:-\s+)*|[{,]\s*)(?P<key>[^\s:{},#\[\]'\"]+)(?P<colon>\s*:)(?=\s|$)")


def split_comment(line: str) -> tuple[str, str]:
    """The line's YAML and its comment (" #" outside quotes, or a line that is only a comment)."""
    if line.lstrip().startswith("#"):
        return "", line
    quote = ""
    for i, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and i > 0 and line[i - 1] in " \t":
            return line[:i], line[i:]
    return line, ""


def rename_by_line(text: str, rename: Callable[[str], str], code: Callable[[str], str] = lambda c: c) -> str:
    """Every key that looks like one (KEY) renamed by `rename`, line by line, comments kept; `code` then rewrites
    the rest of each line's YAML (e.g. coded values). Blind to nesting: for flat tables of words, and for a text
    that does not parse."""
    out = []
    for line in text.split("\n"):
        yaml_part, comment = split_comment(line)
        yaml_part = KEY.sub(lambda m: m["pre"] + rename(m["key"]) + m["colon"], yaml_part)
        out.append(code(yaml_part) + comment)
    return "\n".join(out)


# rename(level, key) -> (the key as it is to be written, the level of its value); a level is the caller's own
Rename = Callable[[object, str], tuple[str, object]]


def rename_in_tree(
    text: str, top: object, rename: Rename, revalue: Callable[[object, str], str] | None = None
) -> str | None:
    """Every mapping key renamed according to where it stands (block or flow style alike): the text is parsed
    and each key is replaced in place, on its own line and columns; `revalue(level, value)` may rewrite a plain
    value of one line (the level is what `rename` gave for its key). None when the text is not one YAML
    document."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None
    edits: dict[tuple[int, int], tuple[int, str]] = {}

    def replace(node: Node, new: str) -> None:
        start, end = node.start_mark, node.end_mark
        if new != node.value and start.line == end.line:
            edits[start.line, start.column] = (end.column, new)

    def walk(node: Node, level: object) -> None:
        if isinstance(node, ScalarNode) and revalue is not None and not node.style:  # plain: None, or "" (libyaml)
            replace(node, revalue(level, node.value))
        elif isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                child: object = None
                if isinstance(key_node, ScalarNode):
                    new, child = rename(level, key_node.value)
                    replace(key_node, new)
                walk(value_node, child)
        elif isinstance(node, SequenceNode):
            for item in node.value:
                walk(item, level)

    if root is not None:
        walk(root, top)
    lines = text.split("\n")
    for (line, column), (end, new) in sorted(edits.items(), reverse=True):  # right to left within a line
        lines[line] = lines[line][:column] + new + lines[line][end:]
    return "\n".join(lines)


# the YAML parser's reasons for a syntax error (libyaml's or PyYAML's, quoted by the loader in
# “YAML 格式错误（…）”), in the user's words
def syntax_in_chinese(message: str) -> str:
    """A YAML syntax error's English reason (PyYAML's) said in Chinese; an unknown one is left out."""

    def reason(m: re.Match[str]) -> str:
        for pattern, words in YAML_SYNTAX:
            if re.search(pattern, m[1]):
                return f"YAML 格式错误（{words}）"
        return "YAML 格式错误"

    return re.sub(r"YAML 格式错误（([^）]*[A-Za-z][^）]*)）", reason, message)
