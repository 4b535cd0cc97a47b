"""Amounts listed down a column (自评内容 | 完成情况): a total's 其中 rows add up to it, each breakdown (按资金来源分,
按经济分类分) on its own, and programmes listed after the total add up to it per source. Code: review.funds_parts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.model.numbers import fmt_score
from jixiao.model.problems import Location, Severity

from .findings import Findings
from .table import Table, number
from .tolerance import add_up, tol_text, tolerance
from .vocabulary import norm, vocabulary

__all__ = ["check_vertical_breakdowns", "row_locations"]


def row_locations(table: Table, rows: Iterable[int | None]) -> list[Location]:
    """Whole rows as the basis of a finding (the lowest OCR confidence of each row counts)."""
    return [Location("", place=f"{table.location().place} 第{r + 1}行") for r in rows if r is not None]


@dataclass
class _Group:
    """One amount listed down a label column: its heading (the label row above it with no value, if any), the
    total's row and printed text, and its parts (label, printed value or "" when blank, row)."""

    heading: str
    row: int
    label: str
    total_text: str
    parts: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.heading or self.label

    def value(self, label: str) -> Decimal | None:
        return next((number(v) for lab, v, _ in self.parts if lab == label), None)


def _bare(label: str) -> str:
    """A label as it reads before its value: "年度预算资金总额):" → "年度预算资金总额"."""
    return re.sub(r"[\s：:)）]+$", "", label.strip())


def _part_label(text: str) -> str:
    """ "其中:中央补助" → "中央补助" (the prefix that opens a breakdown is not part of the source's name)."""
    prefix = "|".join(re.escape(p) for p in vocabulary().words("funds", "parts_prefix"))
    return norm(re.sub(rf"^(?:{prefix})[:：]?", "", text.strip()))


def _groups_down(table: Table, c: int) -> list[list[_Group]]:
    """The runs of total-and-parts groups in label column c (values in column c + 1): a total is a label with a
    total word (总额, 合计); the label row just above it with no value is its heading; its parts are the rows
    after it up to the next total's heading. A run ends at a value cell holding text."""
    grid = table.grid
    totals = [norm(w) for w in vocabulary().words("funds", "list_totals")]
    prefix = tuple(norm(p) for p in vocabulary().words("funds", "parts_prefix"))
    runs: list[list[tuple[int, str, str]]] = [[]]
    for r, row in enumerate(grid):
        label = row[c].strip() if c < len(row) else ""
        value = row[c + 1].strip() if c + 1 < len(row) else ""
        further = any(number(x) is not None for x in row[c + 2 :])
        if (value and (number(value) is None or not label)) or further:
            runs.append([])  # text in the value column, or amounts further right: a funds block of columns
        elif label:
            runs[-1].append((r, label, value))
    out = []
    for entries in runs:
        lone = [norm(lab).rstrip(":：") in prefix and not v for _, lab, v in entries]
        at = [i for i, (_, lab, _) in enumerate(entries) if any(t in norm(lab) for t in totals)]
        groups: list[_Group] = []
        for k, i in enumerate(at):
            r, label, value = entries[i]
            before = i - 1
            heading = ""
            if (
                before >= 0
                and not entries[before][2]
                and not lone[before]
                and not norm(entries[before][1]).startswith(prefix)
            ):
                heading = entries[before][1]
            g = _Group(heading, r, label, value)
            stop = at[k + 1] if k + 1 < len(at) else len(entries)
            if k + 1 < len(at):
                nxt = at[k + 1] - 1
                if nxt > i and not entries[nxt][2] and not lone[nxt]:
                    stop = nxt  # the next total's heading
                while stop - 1 > i and lone[stop - 1]:
                    stop -= 1
            for j in range(i + 1, stop):
                if not lone[j]:
                    g.parts.append((_part_label(entries[j][1]), entries[j][2], entries[j][0]))
            groups.append(g)
        if groups:
            out.append(groups)
    return out


def check_vertical_breakdowns(f: Findings, table: Table) -> None:
    """Amounts listed down a column as label | value (a 记录 column of 自评内容 | 完成情况): "年度预算资金总额: |
    321.25" above "其中:中央补助 | 166.00", "市级资金 | 136.00", "本级资金 | 20.25". The parts must add up to the
    total (when every part is filled in; blank parts may leave it short, never over). When a total's breakdown
    is followed by "其中:" and headed groups of the same sources (the programmes it is made of), their totals
    and each source must add up to the first group's."""
    grid = table.grid
    width = max((len(r) for r in grid), default=0)
    for c in range(width - 1):
        for run in _groups_down(table, c):
            for g in run:
                _check_group(f, table, c, g)
            if len(run) >= 3:
                _check_programmes(f, table, c, run[0], run[1:])


def _check_group(f: Findings, table: Table, c: int, g: _Group) -> None:
    """Each breakdown under the total — the rows from one "其中" to the next (by source, then by use, say) —
    against it."""
    stated = number(g.total_text)
    if stated is None or not g.parts or not norm(table.grid[g.parts[0][2]][c]).startswith("其中"):
        return
    breakdowns: list[list[tuple[str, str, int]]] = []
    for part in g.parts:
        if norm(table.grid[part[2]][c]).startswith("其中") or not breakdowns:
            breakdowns.append([])
        breakdowns[-1].append(part)
    for parts in breakdowns:
        filled = [number(v) for _, v, _ in parts if number(v) is not None]
        values = [v for v in filled if v is not None]
        if len(values) < 2:
            continue
        s, tol = add_up(values), tolerance(values, stated)
        if abs(s - stated) <= tol or (len(values) < len(parts) and s < stated):
            continue
        listed = " + ".join(f"{lab}{v}" for lab, v, _ in parts if number(v) is not None)
        where = f"“{g.heading}”的" if g.heading else ""
        f.add(
            "review.funds_parts",
            Severity.WARNING,
            f"{where}{_bare(g.label)}{g.total_text}，其下“其中”各项（{listed}）合计为{fmt_score(s)}{tol_text(tol)}。",
            table.location(g.row, c + 1),
            s,
            stated,
            row_locations(table, [g.row, *(r for _, _, r in parts)]),
        )


def _check_programmes(f: Findings, table: Table, c: int, whole: _Group, programmes: list[_Group]) -> None:
    """The first group is the sum of the headed groups after it: its total, and each source it lists."""
    if not all(p.heading for p in programmes) or number(whole.total_text) is None:
        return
    labels = [lab for lab, _, _ in whole.parts]
    if not labels or any([lab for lab, _, _ in p.parts] != labels for p in programmes):
        return
    listed = [p for p in programmes if number(p.total_text) is not None]
    blank = [p for p in programmes if p not in listed]
    if not listed or any(any(v for _, v, _ in p.parts) for p in blank):
        return  # a programme with amounts but no total: its share cannot be told
    names = "、".join(f"“{p.heading}”" for p in listed)
    for label, printed, row in [("", whole.total_text, whole.row), *whole.parts]:
        stated = number(printed)
        shares = [number(p.total_text) if not label else p.value(label) for p in listed]
        if stated is None or any(v is None for v in shares):
            continue
        values = [v for v in shares if v is not None]
        s, tol = add_up(values), tolerance(values, stated)
        if abs(s - stated) <= tol:
            continue
        what = label or _bare(whole.label)
        f.add(
            "review.funds_parts",
            Severity.WARNING,
            f"合计中{what}{printed}，而其下各项目（{names}）的{what}合计为{fmt_score(s)}"
            f"（{' + '.join(fmt_score(v) for v in values)}）{tol_text(tol)}。",
            table.location(row, c + 1),
            s,
            stated,
            row_locations(table, [row, *(p.row for p in listed)]),
        )
