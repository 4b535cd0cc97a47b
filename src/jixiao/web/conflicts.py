"""A save that lost the race: what the other person changed since the version the user started from, field by field
and table row by row (untouched fields take their value; what both changed is the user's to choose), and for the
text editor and a workbook upload, their changes line by line."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session as DbSession

from jixiao.files.excel_layout import FORM_FIELDS

from .data_words import to_chinese
from .db import Evaluation, Version
from .forms import EDITABLE_LISTS, form_values, list_rows, narrative_names
from .service import load

__all__ = ["Change", "merge_conflict", "text_changes"]


@dataclass(frozen=True)
class Change:
    """One field, narrative section or table row the other person changed since the user's version.

    `target` is the id of the input (a field or a section) or `l:<list>:<row>` (a table row, whose cells are set
    together); `take` and `keep` are what the two buttons put there (for a row, JSON of its cells); `merged` says
    the user had not changed it, so the other person's value is already in the form."""

    target: str
    label: str
    old: str
    theirs: str
    mine: str
    take: str
    keep: str
    merged: bool
    row: bool = False


def _row_text(sheet, row: dict[str, str]) -> str:
    """A table row in the user's words: 季度：1；序时执行率：93.58%."""
    return "；".join(f"{c.header}：{row[c.path]}" for c in sheet.columns if row.get(c.path))


def _cells(sheet, row: dict[str, str]) -> str:
    return json.dumps({c.path: row.get(c.path, "") for c in sheet.columns}, ensure_ascii=False)


def merge_conflict(
    db: DbSession,
    evaluation: Evaluation,
    base_version: int,
    form: dict[str, str] | None,
    lists: dict[str, list[dict[str, str]]] | None,
    narrative: dict[str, str] | None,
) -> list[Change]:
    """What the other person changed since the version the user started from, in the part the user was saving:
    field by field, section by section and table row by row. Where the user had left a thing as it was, the other
    person's value is put into the form (`form`, `lists` and `narrative` are changed in place); where both changed
    it, the user's value stays and the two buttons let them choose. Nothing of either is lost unseen."""
    from .service import load as load_text

    base = db.scalar(select(Version).where(Version.evaluation_id == evaluation.id, Version.version == base_version))
    if base is None:
        return []
    before, now_ = load_text(evaluation, base.data_yaml), load(evaluation)
    changes: list[Change] = []

    def add(target: str, label: str, old: str, theirs: str, mine: str) -> bool:
        if old == theirs or mine == theirs:
            return False
        merged = mine == old
        changes.append(Change(target, label, old, theirs, mine, theirs, mine, merged))
        return merged

    if form is not None:
        old_values, their_values = form_values(before.data), form_values(now_.data)
        questions = {key: fact.question for key, fact in now_.prepared.rulebook.facts.items()} if now_.prepared else {}
        labelled = [(f.path, f.label) for f in FORM_FIELDS] + [
            (f"facts.{key}.{part}", f"定性事实：{question}（{'回答' if part == 'answer' else '依据或说明'}）")
            for key, question in questions.items()
            for part in ("answer", "evidence")
        ]
        for path, label in labelled:
            old, theirs = old_values.get(path, ""), their_values.get(path, "")
            if add(f"f-{path}", label, old, theirs, form.get(path, old)):
                form[path] = theirs
        for path, value in their_values.items():  # not posted (the other form of the page) and not changed
            form.setdefault(path, value)
    if narrative is not None:
        old_text = json.loads(base.narrative_json or "{}")
        their_text = json.loads(evaluation.narrative_json or "{}")
        for name, heading in narrative_names(now_):
            old, theirs = old_text.get(name, ""), their_text.get(name, "")
            if add(f"n-{name}", f"报告文字：{heading}", old, theirs, narrative.get(name, "")):
                narrative[name] = theirs
    if lists is not None:
        old_rows, their_rows = list_rows(before.data), list_rows(now_.data)
        for sheet in EDITABLE_LISTS:
            old_list = [r for r in old_rows[sheet.list_path] if r]
            their_list = [r for r in their_rows[sheet.list_path] if r]
            mine_list = [{k: v for k, v in r.items() if v} for r in lists.get(sheet.list_path, [])]
            for i in range(max(len(old_list), len(their_list), len(mine_list))):
                o, t, m = (rows[i] if i < len(rows) else {} for rows in (old_list, their_list, mine_list))
                if o == t or m == t:
                    continue
                merged = m == o
                changes.append(
                    Change(
                        f"l:{sheet.list_path}:{i}",
                        f"{sheet.name} 第{i + 1}行",
                        _row_text(sheet, o) or "（无此行）",
                        _row_text(sheet, t) or "（已删除此行）",
                        _row_text(sheet, m) or "（无此行）",
                        _cells(sheet, t),
                        _cells(sheet, m),
                        merged,
                        row=True,
                    )
                )
                if merged:
                    rows_of = lists.setdefault(sheet.list_path, [])
                    rows_of.extend({} for _ in range(i + 1 - len(rows_of)))
                    rows_of[i] = dict(t)
            rows_of = lists.setdefault(sheet.list_path, [])  # room for every row of theirs in the form
            rows_of.extend({} for _ in range(len(their_list) - len(rows_of)))
    return changes


def text_changes(db: DbSession, evaluation: Evaluation, base_version: int) -> list[tuple[str, str]]:
    """The other person's changes to the whole data as text, line by line since the user's version (for the text
    editor, whose save replaces everything): ("-", line) removed, ("+", line) added, ("@", "第N行起") where."""
    import difflib

    base = db.scalar(select(Version).where(Version.evaluation_id == evaluation.id, Version.version == base_version))
    if base is None:
        return []
    lines: list[tuple[str, str]] = []
    # as the editor shows them: keys in Chinese, the same lines
    theirs = to_chinese(evaluation.data_yaml, evaluation.rulebook_id).splitlines()
    before = to_chinese(base.data_yaml, evaluation.rulebook_id).splitlines()
    diff = difflib.unified_diff(before, theirs, lineterm="", n=1)
    for line in list(diff)[2:]:
        if line.startswith("@@"):
            start = line.split("+")[1].split(",")[0].split(" ")[0]
            lines.append(("@", f"第{start}行起"))
        elif line[:1] in ("-", "+"):
            lines.append((line[0], line[1:]))
        else:
            lines.append((" ", line[1:]))
    return lines[:400]
