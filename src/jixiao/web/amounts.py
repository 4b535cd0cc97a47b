"""Amounts as finance staff type them into the page's 万元 fields, read as they mean them, and amounts that are
hardly a department's (a slip of the unit or of zeros) pointed out beside the field.

A 万元 field holds a number of 万元. Typed with a unit, the unit says what the number counts, so the amount is
converted to 万元: "1.2万" and "1.2 万元" are 1.2 (万元), "12,000元" is 1.2, "0.5亿元" is 5000, "３０千元" is 3;
full-width digits ("１２３．４５") are read as the digits they are (model/numbers.py read_amount, which reads a
workbook's cells and a data file's values the same way). What was read is shown beside the field
("“12,000元”读作 1.2 万元"), so a wrong reading is seen at once. A text that does not name one amount in one unit
("约1.2万", "1.2-1.5万", "1亿2000万", "1.2W") is left as typed, and the data check refuses it with its message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from statistics import median
from typing import Any

from jixiao.files.excel_layout import FORM_FIELDS, LIST_SHEETS
from jixiao.model import numbers
from jixiao.model.numbers import fmt_amount, fmt_number, normalize_text
from jixiao.model.problems import Problem

__all__ = [
    "Read",
    "amount_warnings",
    "read_amount",
    "read_notes",
    "read_params",
    "stored_amount",
    "typed_amounts",
    "typed_in_workbook",
]

_MAX_NOTED = 60  # characters of a typed text carried back to the page in its address
_LISTED = re.compile(r"^(\w+)\[(\d+)\]\.(\w+)$")  # a table's cell as a field's path: units[0].project_funds

# 万元 fields of the form (基本信息) and columns of the page's tables
AMOUNT_FIELDS = frozenset(
    f.path for f in FORM_FIELDS if f.spec.kind in ("amount", "signed_amount") and f.spec.unit == "万元"
)
AMOUNT_COLUMNS = frozenset(
    (sheet.list_path, column.path)
    for sheet in LIST_SHEETS
    for column in sheet.columns
    if column.spec.kind in ("amount", "signed_amount") and column.spec.unit == "万元"
)
_LABELS = {f.path: f.label for f in FORM_FIELDS}

# An amount beyond this many 万元 (1,000 亿元) is beyond a department's budget in any region's self-evaluation
# (a province's largest departments spend some hundreds of 亿元); one beyond this many times the median of the
# department's other amounts is most likely typed in 元 (10,000 times) or with zeros too many.
ABSOLUTE_BOUND = Decimal(10_000_000)
RELATIVE_BOUND = 1000


@dataclass(frozen=True)
class Read:
    """A typed amount read as 万元: `value` the number to store, `note` what was read (empty when typed plainly)."""

    value: str
    note: str


def read_amount(typed: str) -> Read | None:
    """The 万元 amount a typed text names (model/numbers.py read_amount, as a workbook's cell and a data file's value
    are read), or None when it does not name one amount in one unit (left as typed, refused by the data check)."""
    try:
        amount = numbers.read_amount(typed)
    except numbers.NumberError:
        return None
    return Read(format(amount.value, "f"), amount.note)


def stored_amount(name: str, value: str) -> str:
    """What an input's text is stored as: in a 万元 input (`f:<path>`, `l:<list>:<row>:<column>`) the amount as
    read, else the text as typed."""
    if not _is_amount_input(name):
        return value
    read = read_amount(value)
    return read.value if read is not None else value


def typed_amounts(form: dict[str, str] | None, lists: dict[str, list[dict[str, str]]] | None = None) -> dict[str, str]:
    """{input name: as typed} of the posted 万元 inputs typed another way than a plain number of 万元 (the form's
    fields by path, the tables' rows as `lists_from_form` gives them)."""
    inputs = {f"f:{path}": value for path, value in (form or {}).items()}
    for name, rows in (lists or {}).items():
        for i, row in enumerate(rows):
            inputs |= {f"l:{name}:{i}:{column}": value for column, value in row.items()}
    typed = {}
    for name, value in inputs.items():
        read = read_amount(value) if _is_amount_input(name) and value else None
        if read is not None and read.note:
            typed[name] = value.strip()
    return typed


def typed_in_workbook(problems: list[Problem]) -> dict[str, str]:
    """{input name: as typed} of the 万元 cells of an uploaded workbook read another way than a plain number of 万元
    (model.dataset's data.amount_read notes: the field's path, the text as typed), to be said beside the inputs."""
    typed = {}
    for problem in problems:
        field = problem.location.field if problem.code == "data.amount_read" and problem.location else None
        listed = _LISTED.match(field or "")
        name = f"l:{listed[1]}:{listed[2]}:{listed[3]}" if listed else f"f:{field}"
        if field and _is_amount_input(name):
            typed[name] = problem.actual
    return typed


def _is_amount_input(name: str) -> bool:
    if name.startswith("f:"):
        return name[2:] in AMOUNT_FIELDS
    parts = name.split(":", 3)
    return len(parts) == 4 and parts[0] == "l" and (parts[1], parts[3]) in AMOUNT_COLUMNS


def read_params(typed: dict[str, str]) -> list[tuple[str, str]]:
    """What was read, for the address the save redirects to (`r:<input name>` = what was typed)."""
    return [(f"r:{name}", text[:_MAX_NOTED]) for name, text in typed.items()]


def read_notes(typed: dict[str, str], shown: dict[str, str]) -> dict[str, str]:
    """{input name: note} for what was typed (an address's `r:` parameters, or the posted form's), each only while
    it still reads as the value shown in that input (`shown`): a link cannot put words beside a field."""
    notes = {}
    for name, text in typed.items():
        if not _is_amount_input(name):
            continue
        read = read_amount(text)
        if read is not None and read.note and _same(read.value, shown.get(name)):
            notes[name] = read.note
    return notes


def _same(value: str, shown: str | None) -> bool:
    """The input shows `value`: as stored after a save, or as typed again after an error."""
    read = read_amount(shown) if shown else None
    return read is not None and Decimal(read.value) == Decimal(value)


def amount_warnings(values: dict[str, Any]) -> dict[str, str]:
    """{field path: warning} for the 基本信息 amounts hardly a department's: above ABSOLUTE_BOUND, or above
    RELATIVE_BOUND times the median of the department's other amounts (when it has at least two)."""
    amounts: dict[str, Decimal] = {}
    for path in AMOUNT_FIELDS:
        try:
            number = Decimal(normalize_text(str(values.get(path) or "")).replace(",", ""))
        except InvalidOperation:
            continue
        if number.is_finite() and number:
            amounts[path] = abs(number)
    warnings = {}
    for path, number in amounts.items():
        others = [v for p, v in amounts.items() if p != path]
        middle = median(others) if len(others) >= 2 else None
        shown = f"“{_LABELS[path]}”为 {fmt_amount(number, 0)} 万元（即 {_in_words(number)}）"
        if number > ABSOLUTE_BOUND:
            why = f"超过 {fmt_amount(ABSOLUTE_BOUND, 0)} 万元（1000亿元），远超一个部门的预算规模"
        elif middle is not None and number > middle * RELATIVE_BOUND:
            times = (number / middle).quantize(Decimal(1))
            why = f"是本部门其他金额中位数（{fmt_amount(middle, 0)} 万元）的 {times:,} 倍"
        else:
            continue
        warnings[path] = (
            f"{shown}，{why}。请核对是否多写了零，或把元当成了万元（元数 ÷ 10000 为万元数）；"
            "核对无误的可以保留，提交时确认即可。"
        )
    return warnings


def _in_words(wan: Decimal) -> str:
    """万元 in the largest unit a reader counts in: 12,000 万元 → 1.2亿元; 1,000,000,000 万元 → 10万亿元."""
    if wan >= 100_000_000:
        return f"{fmt_number(wan.scaleb(-8))}万亿元"
    if wan >= 10_000:
        return f"{fmt_number(wan.scaleb(-4))}亿元"
    return f"{fmt_number(wan)}万元"
