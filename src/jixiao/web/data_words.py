"""The department data in Chinese in the evaluation page's text editor: each key shown by its label in the schema
(jixiao.model.schema, the one declaration of the fields) and turned back into the stored English key on save,
in place, so the text keeps its lines and a problem's 第N行 is the editor's line. Values and comments are left as
they are; English keys typed by hand are read as they are. The words of a key depend on where it stands
(`name` is 部门名称 under 部门信息 and 三级指标 in a 绩效指标 row), so each mapping level has its own table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from jixiao.model.schema import SCHEMA, Group, ListOf, MapOf, Node

from .yaml_keys import Edits, apply_edits, rename_by_line, rename_in_tree, renamed_events, syntax_in_chinese

if TYPE_CHECKING:
    from jixiao.files.yamlsrc import Parsed

__all__ = [
    "Level",
    "former_questions",
    "in_chinese",
    "legend",
    "levels",
    "manual_names",
    "problem_in_chinese",
    "to_chinese",
    "to_english",
    "to_english_read",
    "top",
]


@dataclass
class Level:
    """The keys of one mapping level: English key → (the label shown, the level of its value)."""

    keys: dict[str, tuple[str, Level | None]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # shown label → English key
    chosen: Level | None = None  # a MapOf: keys chosen by the user (fact ids), each with this level under it
    words: str = ""  # the table of words of those chosen keys (_CHOSEN), if any


def _level(nodes: tuple[Node, ...]) -> Level:
    level = Level()
    counts: dict[str, int] = {}
    for node in nodes:
        counts[node.label] = counts.get(node.label, 0) + 1
    for node in nodes:
        # two fields of one level with one label are told apart by their place in it: 标签（一）, 标签（二）…
        label = node.label
        if counts[label] > 1:
            nth = sum(1 for other in nodes[: nodes.index(node) + 1] if other.label == label)
            label = f"{label}（{'一二三四五六七八九十'[nth - 1]}）"
        child: Level | None = None
        if isinstance(node, Group):
            child = _level(node.children)
        elif isinstance(node, ListOf):
            child = _level(node.item)  # a list's rows are mappings of the item's fields
        elif isinstance(node, MapOf):
            child = Level(chosen=_level(node.item), words=_CHOSEN.get(node.key, ""))
        level.keys[node.key] = (label, child)
        level.labels[label] = node.key
    return level


@cache
def top() -> Level:
    return _level(SCHEMA)


def levels(level: Level | None = None, path: str = "") -> list[tuple[str, Level]]:
    """Every mapping level with its dotted path (a list's rows as `key[]`, a map's entries as `key.*`)."""
    level = level or top()
    out = [(path, level)]
    for key, (_label, child) in level.keys.items():
        if child is not None:
            out += levels(child, f"{path}.{key}" if path else key)
    if level.chosen is not None:
        out += levels(level.chosen, f"{path}.*")
    return out


@dataclass(frozen=True)
class _Coded:
    """The value of a field whose codes are shown by their names (the rulebook's id by its title)."""

    table: str


_CODED = {"rulebook": "rulebook"}  # top-level field → its table of words
# map → the table of its chosen keys: a fact's id by its question, a manual score's indicator by its name and id
_CHOSEN = {"facts": "facts", "manual_scores": "manual"}


def _tables(rulebook_id: str | None) -> dict[str, dict[str, str]]:
    """The words of coded values and chosen keys, {table: {code: 中文}}: every rulebook's title; the facts of the
    evaluation's rulebook by their questions, and facts answered under another rulebook (the one used before a
    change) by that rulebook's question; the indicators scored by hand (人工评分) by name and id:
    支付进度（payment_progress）.
    A word that would not read back as the same YAML key or value is left out (the code is shown). Built once per
    rulebook as loaded (a changed rulebook file is a new one)."""
    from .rulebook_choice import rulebook_choices

    rulebook = None
    if rulebook_id:
        from jixiao.model.problems import JixiaoError
        from jixiao.scoring.rulebook import load_rulebook

        try:
            rulebook = load_rulebook(rulebook_id)
        except JixiaoError:
            rulebook = None
    hit = _TABLES.get(rulebook_id)
    if hit is not None and hit[0] is rulebook:
        return hit[1]
    titles = dict(rulebook_choices() + rulebook_choices("project"))
    facts = {key: fact.question for key, fact in rulebook.facts.items() if fact.question} if rulebook else {}
    if rulebook is not None:  # a fact of a former rulebook, unless its question is one of this rulebook's
        asked = set(facts.values())
        facts |= {key: q for key, q in former_questions().items() if key not in facts and q not in asked}
    manual = {node_id: f"{name}（{node_id}）" for node_id, name in manual_names(rulebook_id).items()}

    def plain(pairs: dict[str, str]) -> dict[str, str]:
        names = list(pairs.values())
        return {code: name for code, name in pairs.items() if names.count(name) == 1 and _reads_back(name)}

    tables = {"rulebook": plain(titles), "facts": plain(facts), "manual": plain(manual)}
    if len(_TABLES) >= 64:
        _TABLES.clear()
    _TABLES[rulebook_id] = (rulebook, tables)
    return tables


_TABLES: dict[str | None, tuple[object, dict[str, dict[str, str]]]] = {}


def manual_names(rulebook_id: str | None) -> dict[str, str]:
    """The rulebook's indicators scored by hand (rule `manual`, the keys of 人工评分): id → name."""
    from jixiao.model.problems import JixiaoError
    from jixiao.scoring.rulebook import load_rulebook

    try:
        rulebook = load_rulebook(rulebook_id) if rulebook_id else None
    except JixiaoError:
        return {}
    if rulebook is None:
        return {}
    return {
        node.id: node.name
        for top in (*rulebook.roots, *rulebook.supplementary)
        for node in top.walk()
        if node.rule is not None and node.rule.kind == "manual"
    }


@lru_cache(maxsize=1)
def former_questions() -> dict[str, str]:
    """Every fact id of the rulebooks at hand with its question, where they all ask it alike (read once per
    process): a fact answered under the rulebook an evaluation used before is still shown by its question."""
    from jixiao.model.problems import JixiaoError
    from jixiao.scoring.rulebook import available_rulebooks, load_rulebook

    questions: dict[str, set[str]] = {}
    for rulebook_id in available_rulebooks():
        try:
            facts = load_rulebook(rulebook_id).facts
        except JixiaoError:
            continue
        for key, fact in facts.items():
            if fact.question:
                questions.setdefault(key, set()).add(fact.question)
    return {key: next(iter(asked)) for key, asked in questions.items() if len(asked) == 1}


@lru_cache(maxsize=4096)
def _reads_back(word: str) -> bool:
    """The word reads back as itself, as a YAML key and as a plain value."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return bool(yaml.load(f"{word}: {word}", Loader=loader) == {word: word})
    except yaml.YAMLError:
        return False


def _renamers(forward: bool, tables: dict[str, dict[str, str]]):
    """rename(level, key) and revalue(level, value) for yaml_keys.rename_in_tree, one direction."""
    if not forward:
        tables = {name: {word: code for code, word in pairs.items()} for name, pairs in tables.items()}

    def rename(level: object, key: str) -> tuple[str, object]:
        if not isinstance(level, Level):
            return key, None
        if level.chosen is not None:
            return tables.get(level.words, {}).get(key, key), level.chosen
        english = level.labels.get(key, key)  # a Chinese key, or an English one typed by hand
        if english not in level.keys:
            return key, None  # unknown: left as typed (the loader says so)
        label, child = level.keys[english]
        coded = _Coded(_CODED[english]) if level is top() and english in _CODED else child
        return (label if forward else english), coded

    def revalue(level: object, value: str) -> str:
        if isinstance(level, _Coded):
            return tables.get(level.table, {}).get(value, value)
        return value

    return rename, revalue


@cache
def _flat(forward: bool) -> dict[str, str]:
    """One table for a text that does not parse (line by line, blind to nesting): only the words that mean the
    same key wherever they stand."""
    seen: dict[str, set[str]] = {}
    for _path, level in levels():
        for key, (label, _child) in level.keys.items():
            a, b = (key, label) if forward else (label, key)
            seen.setdefault(a, set()).add(b)
    return {a: next(iter(b)) for a, b in seen.items() if len(b) == 1}


def _translate(text: str, forward: bool, rulebook_id: str | None) -> str:
    rename, revalue = _renamers(forward, _tables(rulebook_id))
    renamed = rename_in_tree(text, top(), rename, revalue)
    if renamed is not None:
        return renamed
    table = _flat(forward)
    return rename_by_line(text, lambda key: table.get(key, key))


def to_chinese(text: str, rulebook_id: str | None = None) -> str:
    """The stored data (English keys) as the editor shows it: 部门信息: / 部门名称: …; the rulebook by its title
    and, with the evaluation's rulebook, each fact by its question."""
    return _translate(text, True, rulebook_id)


def to_english(text: str, rulebook_id: str | None = None) -> str:
    """The editor's text with the stored English keys and codes; English keys typed by hand stay as they are."""
    return _translate(text, False, rulebook_id)


def to_english_read(text: str, rulebook_id: str | None, file: str) -> tuple[str, Parsed | None]:
    """`to_english(text)` and, read in the same pass, the data it holds as `parse_yaml_text` reads that English
    text under the name `file` (the editor's save parses once, not twice). None for the data when the text must
    be read on its own, as before: it does not parse here, or its English form is over the size limit."""
    from jixiao.files import guard
    from jixiao.files.yamlsrc import parse_yaml_text
    from jixiao.model.problems import JixiaoError

    rename, revalue = _renamers(False, _tables(rulebook_id))
    edits: Edits = {}
    try:
        parsed = parse_yaml_text(text, file, lambda events: renamed_events(events, top(), rename, revalue, edits))
    except JixiaoError:  # the old way, line by line if need be; the loader then says what is wrong
        return to_english(text, rulebook_id), None
    stored = apply_edits(text, edits)
    return stored, (parsed if len(stored) <= guard.LIMITS.yaml_bytes else None)


def legend() -> list[tuple[str, list[str]]]:
    """The keys of the editor by section: (部门信息, [部门名称, 部门编码, …]), fields of the top level first."""
    level = top()
    plain = [label for label, child in level.keys.values() if child is None]
    out = [("基本字段", plain)]
    for label, child in level.keys.values():
        if child is None:
            continue
        names = []
        for _path, inner in levels(child):
            names += [name for name, _ in inner.keys.values()]
        if child.chosen is not None:  # the keys of a map: a fact's question, an indicator's number
            names.insert(0, "（各项问题）" if child.words == "facts" else "（指标名称（编号））")
        out.append((label, list(dict.fromkeys(names))))
    return out


_IDENT = re.compile(r"(?<![A-Za-z0-9_])([a-z][a-z0-9_]*)(?![A-Za-z0-9_])")


def _level_at(path: str) -> Level | None:
    """The level whose keys stand at the end of a field path such as `units[0].staffing.actual`."""
    level: Level | None = top()
    for part in re.sub(r"\[\d*\]", "", path).split(".")[:-1]:
        if level is None:
            return None
        if level.chosen is not None:
            level = level.chosen
        elif part in level.keys:
            level = level.keys[part][1]
        else:
            return None
    return level


def in_chinese(message: str, field_path: str | None = None) -> str:
    """A problem's message with the keys it names as stored (“name”, （name）) in the editor's words: the labels of
    the field's own level when its path is known, else the words that mean one key wherever they stand."""
    message = syntax_in_chinese(message)
    level = _level_at(field_path) if field_path else None
    flat = _flat(True)

    def word(m: re.Match[str]) -> str:
        key = m[1]
        if level is not None and key in level.keys:
            return level.keys[key][0]
        return flat.get(key, key)

    message = re.sub(r"“([a-z][a-z0-9_]*)”", lambda m: f"“{word(m)}”", message)
    message = _DOTTED.sub(_path_in_words, message)  # “overall.goal” → “年度总体目标（预期目标）”
    for said, meant in _SERVER_WORDS:
        message = message.replace(said, meant)
    message = _EXCEPTION_NAME.sub(lambda m: "" if m[1] == "）" else "（", message)
    message = re.sub(r"“([^”]+)”（([a-z][a-z0-9_]*)）", lambda m: f"“{m[1]}”", message)  # “部门名称”（name）
    return re.sub(r"可用字段：([a-z0-9_、]+)", lambda m: "可用字段：" + _IDENT.sub(word, m[1]), message)


def _path_in_words(found: re.Match[str]) -> str:
    """A quoted dotted path of the data in the page's words; another dotted name (a file's, “report.docx”) as it is."""
    path = found[1]
    return f"“{path_words(path)}”" if path.split(".")[0].partition("[")[0] in top().keys else found[0]


_DOTTED = re.compile(r"“([a-z][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z][a-z0-9_]*(?:\[\d+\])?)+)”")
# what a message of the reading says for the command line that a user of the page cannot act on, and its words there
_SERVER_WORDS = (
    ("（上限可用环境变量 JIXIAO_LIMIT_VALUE_CHARS 调整）", ""),
    ("长篇文字请写在 narrative 文件中", "长篇文字请写在下方“报告文字”中"),
    ("YAML 格式错误", "文本格式错误"),  # the page calls the editor's text 文本格式, not by the format's English name
    (
        "请使用 jixiao template 生成的填报模板。",
        "请使用本系统的填报模板（在自评页面点击“填报模板（含当前数据）”下载），填写后上传。",
    ),
    ("（jixiao rulebooks 查看详情）", ""),
    ("可用 jixiao rulebooks --indicators 查看全部计算指标。", ""),
)
# the name of the reader's exception in a message ("文件已损坏（BadZipFile）"): nothing a user can act on
_EXCEPTION_NAME = re.compile(r"（[A-Z][A-Za-z]*(?:Error|Exception|Warning|ZipFile)(）|，)")  # not （PDF）, （OFD）


def path_words(path: str) -> str:
    """A field path in the page's words: a form field by its label (overall.goal → 年度总体目标（预期目标）), else each
    key by its label at its level, joined by “·” (units[0].staffing.actual → 单位与人员第1行·人员情况·实有在编人数)."""
    from jixiao.files.excel_layout import FORM_FIELDS

    labels = {f.path: f.label for f in FORM_FIELDS}
    if path in labels:
        return labels[path]
    words: list[str] = []
    level: Level | None = top()
    for part in path.split("."):
        key, _, index = part.partition("[")
        if level is not None and level.chosen is not None:
            level = level.chosen
        label, child = level.keys.get(key, (key, None)) if level is not None else (key, None)
        words.append(f"{label}第{int(index.rstrip(']')) + 1}行" if index.rstrip("]").isdigit() else label)
        level = child
    return "·".join(words)


def problem_in_chinese(problem, rulebook_id: str | None) -> str:
    """A problem's message as the evaluation page says it (`in_chinese`); a fact the evaluation's rulebook does not
    ask — answered under the rulebook used before a change, most often — by its question, with the rulebook's
    title rather than its id."""
    field = problem.location.field if problem.location else None
    if problem.code != "data.unknown_fact" or not field or not field.startswith("facts."):
        return in_chinese(problem.message, field)
    from .rulebook_choice import rulebook_choices

    key = field.split(".")[1]
    title = dict(rulebook_choices() + rulebook_choices("project")).get(rulebook_id or "", rulebook_id or "")
    question = former_questions().get(key)
    if question:
        return (
            f"定性事实“{question}”是原指标体系的问题，当前指标体系“{title}”不再询问，该回答不参与评分。"
            "如已更换指标体系，请按当前指标体系的问题作答，并可在“全部数据”中删去该项。"
        )
    return (
        f"定性事实“{key}”不是当前指标体系“{title}”的问题（可能是更换指标体系前按原指标体系填写的，或编号有误），"
        "该回答不参与评分。请核对，或在“全部数据”中删去该项。"
    )
