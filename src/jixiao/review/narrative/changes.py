"""Changes against the levels they are of: growth and decline (较上年增长 x%, 比上年减少 a万元) read against last year's
level of the same subject, listed changes paired in order with listed levels (各减少C,D万元,各下降x%、y%), and excess
over a plan (超任务 x%). A rate may be rounded or truncated."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.model.problems import Problem, Severity

from .arith import interval, rate_matches, ratio
from .findings import where
from .model import NarrativeFigure
from .parts import gap, sentences
from .rates import base_of_share, introduced_by_comparison, level_before, rate_problem
from .vocabulary import vocabulary

__all__ = ["exceed", "growth"]


def _last_year(current: NarrativeFigure, figures: list[NarrativeFigure]) -> NarrativeFigure | None:
    """Last year's amount of the same subject, stated earlier in the same paragraph."""
    for f in reversed(figures):
        if f.segment != current.segment or f.sentence >= current.sentence:
            continue
        if f.family == current.family and f.other_year and not f.approximate and f.subject:
            same = f.subject.endswith(current.subject) or current.subject.endswith(f.subject)
            if same and len(min(f.subject, current.subject, key=len)) >= 2:
                return f
    return None


@dataclass(frozen=True)
class _Reading:
    """One way to read a change rate: this year's level and either last year's level or the change."""

    current: NarrativeFigure
    previous: NarrativeFigure | None = None
    change: NarrativeFigure | None = None

    def computed(self, down: bool) -> tuple[tuple[Decimal, Decimal] | None, Decimal, str, str]:
        """(interval of the rate, exact rate, base label, formula)."""
        cur = self.current
        if self.previous is not None:
            prev = self.previous
            low = cur.scaled - cur.half_unit - prev.scaled - prev.half_unit
            high = cur.scaled + cur.half_unit - prev.scaled + prev.half_unit
            magnitude = (-high, -low) if down else (low, high)
            interval_ = ratio(magnitude, interval(prev)) if magnitude[0] >= 0 else None
            exact = abs(cur.scaled - prev.scaled) * 100 / prev.scaled if prev.scaled else Decimal(0)
            first, second = (prev, cur) if down else (cur, prev)
            return interval_, exact, f"{prev.raw}{prev.unit}", f"({first.raw}－{second.raw})÷{prev.raw}"
        change = self.change
        assert change is not None
        sign = -1 if down else 1
        bounds = (
            cur.scaled - cur.half_unit - sign * (change.scaled + change.half_unit),
            cur.scaled + cur.half_unit - sign * (change.scaled - change.half_unit),
        )
        base = cur.scaled - sign * change.scaled
        interval_ = ratio(
            (change.scaled - change.half_unit, change.scaled + change.half_unit), (min(bounds), max(bounds))
        )
        label = f"({cur.raw}{'＋' if down else '－'}{change.raw}){cur.unit}"
        exact = change.scaled * 100 / base if base > 0 else Decimal(0)
        return interval_, exact, label, f"{change.raw}÷{label}"


def _readings(rate: NarrativeFigure, sentence: list[NarrativeFigure], figures: list[NarrativeFigure]) -> list[_Reading]:
    """The readings the text allows, nearest first: the change and the level it is of, or the level and the amount
    较/比 introduces; a part of a list may also stand for its list's total ("其中……项目支出b元，同比增加c元")."""
    voc = vocabulary()
    changes = voc.relations["increase"] + voc.relations["decrease"]
    i = sentence.index(rate)
    start = max((k + 1 for k in range(i) if sentence[k].kind == "rate"), default=0)  # this rate's own clause chain
    own = [f for f in sentence[start:i] if f.kind in ("amount", "count") and not f.per_unit]
    after = sentence[i + 1] if i + 1 < len(sentence) else None
    change = next((f for f in reversed(own) if f.relation in changes), None)
    # "完成30,161万元，同比增长14.6%，增收4,376万元": the change follows the rate; not a change of another thing the
    # text names ("收支总决算……下降了20.73%,主要是特教学院新校区建设支出较上年减少了12687.32万元")
    follows = after is not None and after.relation in changes and after.kind == "amount"
    if change is None and follows and after is not None and _same_thing(after, rate):
        change = after
    earlier = [f for f in sentence[:i] if f.kind in ("amount", "count") and not f.per_unit]
    family = (change or (own or earlier or [rate])[-1]).family

    def level(f: NarrativeFigure) -> bool:
        return f.relation not in changes and f.family == family and not base_of_share(f, sentence)

    levels = [f for f in earlier if level(f) and (change is None or f.start < change.start or change is after)]
    out: list[_Reading] = []
    if change is not None and "each" in change.flags:
        return out  # "收、支总计各增加a万元，增长x%": each one's level, which no single amount gives
    if change is not None:
        apart = "named_apart" in change.flags  # a change of a subject a clause after the level names: its own level
        levels = [f for f in levels if not apart or f.subject == change.subject]
        current = next((f for f in reversed(levels) if not introduced_by_comparison(f)), None)
        current = current or (None if apart else level_before(rate, figures, change.family))
        if current is not None:
            out.append(_Reading(current, change=change))
            total = _list_total(current, sentence)
            if total is not None:
                out.append(_Reading(total, change=change))
        return out
    mine = [f for f in own if level(f)]
    previous = next((f for f in reversed(mine[1:]) if introduced_by_comparison(f)), None)
    if previous is not None:
        return [_Reading(mine[mine.index(previous) - 1], previous=previous)]
    if mine:
        last = _last_year(mine[-1], figures)  # "上年支出100万元。本年支出120万元，较上年增长20%。"
        if last is not None:
            return [_Reading(mine[-1], previous=last)]
    return []


def _same_thing(change: NarrativeFigure, rate: NarrativeFigure) -> bool:
    return not change.subject or change.subject in rate.subject or rate.subject in change.subject


def _list_total(part: NarrativeFigure, sentence: list[NarrativeFigure]) -> NarrativeFigure | None:
    if "part" not in part.flags:
        return None
    return next(
        (f for f in reversed(sentence) if f.start < part.start and f.family == part.family and "part" not in f.flags),
        None,
    )


def _run(figures: list[NarrativeFigure], last: int, kinds: tuple[str, ...]) -> list[NarrativeFigure]:
    """The figures listed one after another (only a comma or 、 between them) that end at index `last`."""
    run = [figures[last]]
    k = last
    while k > 0 and figures[k - 1].kind in kinds and _listed(figures[k - 1], figures[k]):
        k -= 1
        run.insert(0, figures[k])
    return run


def _listed(a: NarrativeFigure, b: NarrativeFigure) -> bool:
    """Only a comma, 、 or a joiner between two figures ("4125.49,4143.91万元": the first prints no unit of its own;
    "分别为4125.49万元和4143.91万元": the last of a list joined by 和)."""
    between = gap(a, b)
    return (
        between in (",", "，", "、")
        or between in vocabulary().words["list_joiners"]
        or (a.segment == b.segment and b.start - a.end == 1)
    )


def _respective(
    rate: NarrativeFigure, sentence: list[NarrativeFigure], figures: list[NarrativeFigure]
) -> list[_Reading] | None:
    """ "收、支总计各是A,B万元……各减少C,D万元，各下降x%、y%": listed rates go with the listed changes and levels in
    order; None when the rate is not one of a list, [] when the lists do not line up (no pairing is then sure)."""
    i = sentence.index(rate)
    j = i
    while j + 1 < len(sentence) and sentence[j + 1].kind == "rate" and _listed(sentence[j], sentence[j + 1]):
        j += 1
    rates = _run(sentence, j, ("rate",))
    if len(rates) < 2:
        return None
    first = sentence.index(rates[0])
    if first == 0 or sentence[first - 1].kind != "amount":
        return []
    changes = _run(sentence, first - 1, ("amount",))
    before = sentence.index(changes[0]) - 1
    if before < 0:  # "收、支总计各是A,B万元。与上年相比，……各减少C,D万元": the levels end the sentence before
        previous = [f for f in figures if f.segment == rate.segment and f.sentence == rate.sentence - 1 and not f.cell]
        levels = _run(previous, len(previous) - 1, ("amount",)) if previous and previous[-1].kind == "amount" else []
    else:
        levels = _run(sentence, before, ("amount",)) if sentence[before].kind == "amount" else []
    if len(changes) != len(rates) or len(levels) != len(rates):
        return []
    k = rates.index(rate)
    return [_Reading(levels[k], change=changes[k])]


def growth(figures: list[NarrativeFigure]) -> list[Problem]:
    """增长/下降 x% against the amounts it compares: 本年C、上年B (or the change D) in the same sentence. A finding
    only when no reading the text allows gives the stated rate."""
    voc = vocabulary()
    out = []
    for _key, sentence in sentences(figures).items():
        relation = ""
        for rate in sentence:
            if rate.kind == "rate" and rate.relation in voc.relations["increase"] + voc.relations["decrease"]:
                relation = rate.relation
            elif not (rate.kind == "rate" and not rate.relation and _respective(rate, sentence, figures)):
                continue  # a listed rate after "各下降x%" takes its 下降
            if rate.target or rate.approximate:
                continue
            down = (rate.relation or relation) in voc.relations["decrease"]
            respective = _respective(rate, sentence, figures)
            chosen = respective if respective is not None else _readings(rate, sentence, figures)
            readings: list[tuple[_Reading, tuple[Decimal, Decimal], Decimal, str, str]] = []
            for r in chosen:
                interval_, exact, label, formula = r.computed(down)
                if interval_ is not None and exact > 0:
                    readings.append((r, interval_, exact, label, formula))
            if not readings or any(rate_matches(rate, x[1]) for x in readings):
                continue
            reading, computed, exact, label, formula = readings[0]
            out.append(
                rate_problem(
                    "growth_rate", rate, reading.current, f"比较基数{label}", computed, formula, Severity.WARNING, exact
                )
            )
    return out


def exceed(figures: list[NarrativeFigure]) -> list[Problem]:
    """“任务数为115户，实际完成264户” … "实际改造数超任务43%": (实际 − 任务) ÷ 任务 against the stated excess."""
    voc = vocabulary()
    out = []
    for i, rate in enumerate(figures):
        if rate.kind != "rate" or rate.relation not in voc.relations["exceed"] or not rate.checkable:
            continue
        pair = None
        for planned in reversed(figures[:i]):
            if planned.segment < rate.segment - 6 or planned.kind not in ("amount", "count") or planned.approximate:
                continue
            if rate.base and rate.base in planned.subject:
                actual = next(
                    (
                        f
                        for f in figures[:i]
                        if (f.segment, f.sentence) == (planned.segment, planned.sentence)
                        and f.start > planned.start
                        and f.family == planned.family
                        and f.checkable
                    ),
                    None,
                )
                if actual is not None:
                    pair = (planned, actual)
                    break
        if pair is None:
            continue
        planned, actual = pair
        low = actual.scaled - actual.half_unit - planned.scaled - planned.half_unit
        high = actual.scaled + actual.half_unit - planned.scaled + planned.half_unit
        computed = ratio((low, high), interval(planned)) if low >= 0 else None
        if computed is None or rate_matches(rate, computed):
            continue
        out.append(
            rate_problem(
                "growth_rate",
                rate,
                actual,
                f"计划数见{where(planned)}",
                computed,
                f"({actual.raw}－{planned.raw})÷{planned.raw}",
                Severity.WARNING,
                (actual.scaled - planned.scaled) * 100 / planned.scaled,
            )
        )
    return out
