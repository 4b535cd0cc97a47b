"""Keys of a YAML text turned into other words line by line, values and comments untouched, so that the text keeps
its lines and a problem's line number is the editor's line. Shared by the cycle documents' editor
(cycle_words.py, one table of words per document) and the department data's editor (data_words.py, the words of
each mapping level from the schema)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import yaml
from yaml.events import (
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from jixiao.files.yamlsrc import YAML_SYNTAX

__all__ = [
    "KEY",
    "apply_edits",
    "rename_by_line",
    "rename_in_tree",
    "renamed_events",
    "split_comment",
    "syntax_in_chinese",
]

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
Edits = dict[tuple[int, int], tuple[int, str]]  # (line, column) of a scalar -> (its end column, the new text)


def rename_in_tree(
    text: str, top: object, rename: Rename, revalue: Callable[[object, str], str] | None = None
) -> str | None:
    """Every mapping key renamed according to where it stands (block or flow style alike): the text is parsed
    and each key is replaced in place, on its own line and columns; `revalue(level, value)` may rewrite a plain
    value of one line (the level is what `rename` gave for its key). None when the text is not one YAML
    document."""
    edits: Edits = {}
    loader = _LOADER(text)
    try:
        documents = 0
        for event in renamed_events(iter(loader.get_event, None), top, rename, revalue, edits):
            if isinstance(event, DocumentStartEvent) and (documents := documents + 1) > 1:
                return None
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return apply_edits(text, edits)


def apply_edits(text: str, edits: Edits) -> str:
    """The text with each edit made (right to left within a line, so the columns of the others hold)."""
    lines = text.split("\n")
    for (line, column), (end, new) in sorted(edits.items(), reverse=True):
        lines[line] = lines[line][:column] + new + lines[line][end:]
    return "\n".join(lines)


class _Frame:
    """A mapping or list the events are inside: its level, whether a mapping waits for a key, and the level
    `rename` gave for the value of the key just read."""

    __slots__ = ("child", "is_map", "key_next", "level")

    def __init__(self, is_map: bool, level: object):
        self.is_map, self.level, self.key_next = is_map, level, True
        self.child: object = None


def renamed_events(
    events: Iterator[Event], top: object, rename: Rename, revalue: Callable[[object, str], str] | None, edits: Edits
) -> Iterator[Event]:
    """The events of a YAML text with each key renamed (and plain values revalued) as `rename_in_tree` renames
    them in the text, the edits to the text recorded in `edits`: what a parser builds from these events is what
    it builds from the edited text (the same values on the same lines), so a caller can read the renamed data
    without parsing the text a second time. A key or value spanning lines is left as it is, in both."""
    stack: list[_Frame] = []
    for event in events:
        kind = type(event)
        if kind is MappingEndEvent or kind is SequenceEndEvent:
            stack.pop()
            _done(stack)
            yield event
            continue
        if kind is not ScalarEvent and kind is not MappingStartEvent and kind is not SequenceStartEvent:
            yield event  # stream and document marks, aliases
            continue
        parent = stack[-1] if stack else None
        as_key = parent is not None and parent.is_map and parent.key_next
        if parent is None:
            level: object = top
        elif as_key:
            level = None  # a key that is a mapping or list (never renamed): its contents neither
        elif parent.is_map:
            level = parent.child
        else:
            level = parent.level  # a list's items stand where the list stands
        if kind is ScalarEvent:
            assert isinstance(event, ScalarEvent)
            if as_key:
                assert parent is not None
                new, parent.child = rename(parent.level, event.value)
                event = _replaced(event, new, edits)
            elif revalue is not None and not event.style:  # plain: None, or "" (libyaml)
                event = _replaced(event, revalue(level, event.value), edits)
            yield event
            _done(stack)
            continue
        if as_key:
            assert parent is not None
            parent.child = None
        yield event
        stack.append(_Frame(kind is MappingStartEvent, level))


def _done(stack: list[_Frame]) -> None:
    """A node ended: the mapping it stands in now waits for its value, or for its next key."""
    if stack and stack[-1].is_map:
        stack[-1].key_next = not stack[-1].key_next


def _replaced(event: ScalarEvent, new: str, edits: Edits) -> ScalarEvent:
    start, end = event.start_mark, event.end_mark
    if new == event.value or start is None or end is None or start.line != end.line:
        return event
    edits[start.line, start.column] = (end.column, new)
    event.value, event.implicit, event.style = new, (True, False), None  # the parser's own event: plain, as written
    return event


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
