"""一票否决 (veto): a fact that, when it holds, caps the grade or takes a block's points out of the total.

Tables write it as “发生重大安全责任事故的，评价等级不得高于中” or “出现……的，该部分得0分”. A rulebook lists its vetoes
at the top level, each naming a declared fact and the answers that trigger it:
```
vetoes:
  - {fact: major_accident, answer: 是, cap_grade: 中, reason: 发生重大安全责任事故}
  - {fact: funds_misused, answer: 是, zero_block: performance, reason: 资金被挤占挪用}
```
With a total of 92 (优), the first caps the grade at 中; the second takes the block's score (say 40) out:
92 − 40 = 52 (差). The block's own rows keep their scores, so the trace shows what was lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.model.numbers import fmt_score

from ..trace import Step
from .base import FactDef

__all__ = ["Veto", "apply_vetoes", "parse_vetoes"]


@dataclass(frozen=True)
class Veto:
    fact: str
    answers: tuple[str, ...]
    reason: str
    cap_grade: str = ""
    zero_block: str = ""


def parse_vetoes(
    raw: Any, facts: dict[str, FactDef], grades: tuple[str, ...], node_ids: set[str]
) -> tuple[tuple[Veto, ...], list[tuple[tuple[Any, ...], str]]]:
    """The vetoes, and (path, Chinese message) for each one that does not fit."""
    vetoes: list[Veto] = []
    errors: list[tuple[tuple[Any, ...], str]] = []
    if raw is None:
        return (), errors
    if not isinstance(raw, list):
        return (), [(("vetoes",), "vetoes 应为列表，每项含 fact、answer 以及 cap_grade 或 zero_block")]
    for i, item in enumerate(raw):
        here = ("vetoes", i)
        if not isinstance(item, dict):
            errors.append((here, "一票否决项应为“键: 值”分组"))
            continue
        fact = str(item.get("fact") or "")
        cap, block = str(item.get("cap_grade") or ""), str(item.get("zero_block") or "")
        if fact not in facts:
            errors.append(((*here, "fact"), f"一票否决的事实“{fact}”未在 facts 中声明"))
        elif bool(cap) == bool(block):
            errors.append((here, "一票否决项应且只应指定 cap_grade（封顶等级）或 zero_block（清零的指标编号）之一"))
        elif cap and cap not in grades:
            errors.append(((*here, "cap_grade"), f"封顶等级“{cap}”不在等级（{'、'.join(grades)}）之中"))
        elif block and block not in node_ids:
            errors.append(((*here, "zero_block"), f"指标编号“{block}”不存在"))
        else:
            answer = item.get("answer", "是")
            answers = tuple(str(a) for a in answer) if isinstance(answer, list) else (str(answer),)
            vetoes.append(Veto(fact, answers, str(item.get("reason") or facts[fact].question), cap, block))
    return tuple(vetoes), errors


def apply_vetoes(
    vetoes: tuple[Veto, ...],
    values: Mapping[str, Any],
    total: Decimal | None,
    grade: str | None,
    scores: Mapping[str, Decimal | None],
    grades: tuple[tuple[Decimal, str], ...],
) -> tuple[Decimal | None, str | None, list[Step], list[str]]:
    """The total and grade after the vetoes that hold, with a step or note for each."""
    steps: list[Step] = []
    notes: list[str] = []
    order = [name for _, name in grades]  # best first

    def graded(value: Decimal) -> str:
        return next((name for minimum, name in grades if value >= minimum), grades[-1][1])

    for veto in vetoes:
        if values.get(f"facts.{veto.fact}.answer") not in veto.answers:
            continue
        block_score = scores.get(veto.zero_block) if veto.zero_block else None
        if veto.zero_block and total is not None and block_score is not None:
            steps.append(
                Step(
                    f"一票否决：{veto.reason}",
                    f"{fmt_score(total)} − {fmt_score(block_score)}（该部分得0分）",
                    fmt_score(total - block_score),
                )
            )
            total = total - block_score
            grade = graded(total)
        elif veto.cap_grade and grade is not None and order.index(grade) < order.index(veto.cap_grade):
            notes.append(f"一票否决：{veto.reason}，评价等级由“{grade}”降为“{veto.cap_grade}”")
            grade = veto.cap_grade
        elif veto.cap_grade:
            notes.append(f"一票否决：{veto.reason}，评价等级不得高于“{veto.cap_grade}”")
    return total, grade, steps, notes
