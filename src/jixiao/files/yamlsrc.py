"""YAML read with the line of every value, so that every error can name file:line and field.

Scalars are kept as the text the user wrote (never float), so that "155.591" stays exactly that Decimal
and "98.78%" can be told from 0.9878. Duplicate keys, which PyYAML silently merges, are reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jixiao.model.dataset import SourceTree
from jixiao.model.problems import JixiaoError, Location, Problem, dotted

from . import diskcache, guard

if TYPE_CHECKING:
    import yaml  # for the annotations only: PyYAML is imported where a text is parsed (a cached parse needs none)

__all__ = [
    "YAML_SYNTAX",
    "Parsed",
    "SourceMap",
    "dotted",
    "load_yaml",
    "parse_yaml_text",
    "syntax_reason",
    "yaml_source",
    "yaml_text_source",
]

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


# a YAML text read: its tree, the line of each value, and the problems found reading it (parse_yaml_text)
Parsed = tuple[Any, SourceMap, list[Problem]]

_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})  # YAML 1.1 core null, as PyYAML's resolver has it


def _is_null(event: yaml.ScalarEvent) -> bool:
    if event.style is not None:  # quoted or block text is never null
        return False
    return event.tag == _NULL_TAG or (event.tag in (None, "!") and event.value in _NULL_WORDS)


class _Frame:
    """A mapping or list being built: its value, field path, and (for a mapping) the key waiting for a value."""

    __slots__ = ("is_map", "key", "key_line", "path", "value")

    def __init__(self, value: dict[str, Any] | list[Any], path: tuple[Any, ...]):
        self.value = value
        self.is_map = isinstance(value, dict)
        self.path = path
        self.key: str | None = None
        self.key_line = 0


def _refuse(code: str, message: str, file: str, line: int) -> JixiaoError:
    return JixiaoError([Problem(code, message, Location(file, line))])


def _refusal_for(event: yaml.Event, file: str, line: int) -> JixiaoError:
    import yaml  # per use, as in parse_yaml_text

    if isinstance(event, yaml.AliasEvent):
        return _refuse(
            "yaml.alias",
            f"不支持 YAML 别名“*{event.anchor}”（引用）：数据文件不需要它，且它可被用来使文件膨胀。"
            "请把所引用的内容直接写出。",
            file,
            line,
        )
    return _refuse(
        "yaml.many_documents",
        "文件中有多个 YAML 文档（“---”分隔）。一个数据文件只应有一个文档，请删除多余的部分。",
        file,
        line,
    )


def _build(events, file: str, smap: SourceMap, problems: list[Problem]) -> Any:
    """The tree of one YAML document from its events, iteratively (no recursion, so nesting cannot overflow
    the stack): aliases and further documents refused, nesting held to `guard.LIMITS.yaml_depth` and lists to
    `table_rows` while reading, every value's line recorded. A mapping value is placed at its key's line
    ("department:"), not where its own content starts."""
    import yaml  # per use, as in parse_yaml_text

    _SCALAR, _MAP, _SEQ = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    _ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    max_depth, max_items, max_chars = guard.LIMITS.yaml_depth, guard.LIMITS.table_rows, guard.LIMITS.value_chars
    stack: list[_Frame] = []
    root: Any = None
    documents = 0
    for event in events:
        kind = type(event)
        if kind in _ENDS:
            done = stack.pop()
            if not stack:
                root = done.value
            continue
        if kind is not _SCALAR and kind is not _MAP and kind is not _SEQ:
            if kind is yaml.AliasEvent or (kind is yaml.DocumentStartEvent and (documents := documents + 1) > 1):
                raise _refusal_for(event, file, event.start_mark.line + 1 if event.start_mark else 1)
            continue  # stream and document start/end
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        parent = stack[-1] if stack else None
        if parent is not None and parent.is_map and parent.key is None:  # a key of a mapping
            if kind is not _SCALAR:
                raise _refuse("yaml.complex_key", "字段名应为文字，不能是分组或列表。请检查该行的写法。", file, line)
            key = event.value
            if key in parent.value:
                problems.append(
                    Problem(
                        "yaml.duplicate_key",
                        f"字段“{key}”重复出现，后一个会覆盖前一个。请删除或合并其中一个。",
                        Location(file, line, field=dotted((*parent.path, key))),
                    )
                )
            parent.key, parent.key_line = key, line
            continue
        if parent is None:
            path: tuple[Any, ...] = ()
            at = line
        elif parent.is_map:
            path, at = (*parent.path, parent.key), parent.key_line
        else:
            path, at = (*parent.path, len(parent.value)), line
        smap.record(path, at)
        if kind is _SCALAR:
            value: Any = None if _is_null(event) else event.value
            if value is not None and len(value) > max_chars:
                raise _refuse(
                    "yaml.too_long",
                    f"“{dotted(path) or '（根）'}”的值有 {len(value)} 个字符，超出上限 {max_chars} 个"
                    "（上限可用环境变量 JIXIAO_LIMIT_VALUE_CHARS 调整）。请精简，长篇文字请写在 narrative 文件中。",
                    file,
                    line,
                )
        else:
            if len(stack) >= max_depth:
                raise _refuse(
                    "yaml.too_deep",
                    f"嵌套超过 {max_depth} 层（分组或列表套得过深），数据文件不需要这么深。请检查缩进或括号是否成对。",
                    file,
                    line,
                )
            value = {} if kind is _MAP else []
        if parent is None:
            root = value
        elif isinstance(parent.value, dict):  # parent.is_map, said so the checker sees it
            parent.value[str(parent.key)] = value
            parent.key = None
        else:
            parent.value.append(value)
            if len(parent.value) > max_items:  # refused while reading, not after
                raise _refuse(
                    "data.too_many_rows",
                    f"列表“{dotted(parent.path)}”超过 {max_items} 项"
                    "（上限可用环境变量 JIXIAO_LIMIT_TABLE_ROWS 调整）。请拆分数据或核对是否重复。",
                    file,
                    line,
                )
        if kind is not _SCALAR:
            stack.append(_Frame(value, path))
    return root


YAML_SYNTAX = (  # PyYAML's reasons, said in Chinese for the user
    (r"expected ',' or '\]'", "方括号“[ ]”未成对，或列表的各项之间缺少逗号"),
    (r"expected ',' or '\}'", "花括号“{ }”未成对，或各项之间缺少逗号"),
    (r"mapping values are not allowed", "此处不能有“字段名: 值”：可能是缩进有误，或值中含有“: ”，请给值加引号"),
    (r"character '\\t'|found character", "含有不能作为开头的字符，如制表符、%、@：缩进请用空格，这样的值请加引号"),
    (r"expected <block end>|did not find expected key", "缩进与上文不一致"),
    (r"did not find expected '-' indicator", "列表各项的“- ”缩进不一致"),
    (r"could not find expected ':'", "缺少“:”，或多行文字未加引号"),
    (r"unexpected end of stream|found unexpected end of stream", "引号未成对"),
    (r"undefined alias", "以“*”开头的值会被当作引用；如是文字请加引号"),
)


def syntax_reason(reason: str) -> str:
    """PyYAML's English reason for a syntax error, said in Chinese ("" when it is not one of the known ones)."""
    return next((words for pattern, words in YAML_SYNTAX if re.search(pattern, reason)), "")


def parse_yaml_text(text: str, file: str, transform: Callable[[Iterator[Any]], Iterator[Any]] | None = None) -> Parsed:
    """A YAML text (the web app's editor and uploads call this too) to a tree, its source map and problems.

    Refuses, as JixiaoError naming the file and line: a text over `guard.LIMITS.yaml_bytes`, aliases, nesting
    over `yaml_depth`, more than one document, and syntax errors. `transform` may change the parser's events on
    their way to the tree (the web editor's keys renamed as they are read: web/yaml_keys.renamed_events)."""

    import yaml  # per parse (issue 15: ~15 ms of start-up; a rulebook parsed in an earlier run needs none)

    smap = SourceMap(file)
    problems: list[Problem] = []
    if len(text) > guard.LIMITS.yaml_bytes:
        raise _refuse(
            "file.too_large",
            f"YAML 文本过长（{len(text)} 字符），上限为 {guard.LIMITS.yaml_bytes} 字符"
            "（上限可用环境变量 JIXIAO_LIMIT_YAML_BYTES 调整）。",
            file,
            1,
        )
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)  # libyaml when installed: the same events
        try:
            events = iter(loader.get_event, None)  # one call per event
            tree = _build(transform(events) if transform else events, file, smap, problems)
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or str(exc)
        if "nesting depth" in reason:
            raise _refuse(
                "yaml.too_deep",
                f"嵌套过深（超过 {guard.LIMITS.yaml_depth} 层），数据文件不需要这么深。请检查缩进或括号是否成对。",
                file,
                line or 1,
            ) from None
        raise JixiaoError(
            [
                Problem(
                    "yaml.syntax",
                    f"YAML 格式错误{f'（{said}）' if (said := syntax_reason(reason)) else ''}。"
                    "请检查该行的缩进、冒号后的空格和引号是否成对。",
                    Location(file, line),
                )
            ]
        ) from None
    return tree, smap, problems


def load_yaml(path: Path, keep: bool = False) -> tuple[Any, SourceMap, list[Problem]]:
    """A YAML file through the guarded entrance: a readable text file within `yaml_bytes`, then parsed.

    With `keep` (a rulebook, read on every start) a parse without problems is kept in jixiao's disk cache
    (files/diskcache.py) as plain data (the tree of dicts, lists, strings and None, and each path's line), named
    by the file's path and bytes and the limits the parse is held to: a later run neither imports PyYAML nor
    parses (issue 15: ~15-20 ms of `jixiao review`), and gets the same tree and lines."""

    path = Path(path)
    guard.check_input_file(path, ("text", "empty"), "yaml_bytes")
    try:
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except OSError as exc:
        raise JixiaoError(
            [
                Problem(
                    "file.unreadable", f"无法读取该文件（{exc.strerror or type(exc).__name__}）。", Location(str(path))
                )
            ]
        ) from None
    except UnicodeDecodeError:
        raise JixiaoError(
            [
                Problem(
                    "file.encoding", "文件不是 UTF-8 编码。请用记事本或编辑器另存为 UTF-8 后重试。", Location(str(path))
                )
            ]
        ) from None
    if not keep:
        return parse_yaml_text(text, str(path))
    limits = guard.LIMITS
    held_to = (limits.yaml_bytes, limits.yaml_depth, limits.table_rows, limits.value_chars)
    key = diskcache.digest("yaml-1", str(path), data, repr(held_to))
    found = diskcache.load("yaml", key)
    if found is not None and isinstance(found[0], tuple) and len(found[0]) == 2 and isinstance(found[0][1], dict):
        smap = SourceMap(str(path))
        smap._lines = found[0][1]
        return found[0][0], smap, []
    tree, smap, problems = parse_yaml_text(text, str(path))
    if not problems:  # a file with problems is parsed again each time, so that they are said each time
        diskcache.store("yaml", key, (tree, smap._lines))
    return tree, smap, problems


def yaml_source(path: Path) -> SourceTree:
    """A department's YAML data file as the raw tree with each value's line (`model.dataset.parse_source`
    parses it); the folder beside it holds its narrative/ and targets.yaml."""
    path = Path(path)
    tree, smap, problems = load_yaml(path)
    return SourceTree(tree, smap.locate, str(path), path.parent, tuple(problems))


def yaml_text_source(text: str, name: str, base_dir: Path | None = None) -> SourceTree:
    """A department's data given as YAML text (an editor, a database): the same tree and places as from a file
    called `name`, the same refusals (size, aliases, nesting, syntax) as JixiaoError naming `name` and the line."""
    tree, smap, problems = parse_yaml_text(text, name)
    return SourceTree(tree, smap.locate, name, base_dir, tuple(problems))
