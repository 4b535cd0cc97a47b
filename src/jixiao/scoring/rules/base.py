"""What every rule kind shares: reading its parameters from a rulebook, and the context it scores in.

A rule kind is a small class with `parse(params) -> typed parameters` (run when the rulebook loads, so a
bad parameter is an error naming the rulebook line) and `score(parameters, context) -> (score, trace)`.
Missing figures raise `Missing` and zero denominators `Undefined`; the engine turns both into a status.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any, ClassVar, overload

from jixiao.model.dataset import DepartmentData
from jixiao.model.indicators import FIELD_LABELS, INDICATORS, Missing, Reader, compiled_indicator, label_of
from jixiao.model.numbers import (
    NumberError,
    Rounding,
    fmt_number,
    fmt_percent,
    fmt_score,
    given_places,
    parse_decimal,
    parse_rate,
)

from ..trace import Deduction, Step, Trace

__all__ = [
    "FactDef",
    "Leaf",
    "ParamError",
    "Params",
    "RoundingRule",
    "RuleContext",
    "RuleKind",
    "Scorer",
    "ValueRef",
    "compile_one_value",
    "compile_ref",
    "round_score",
    "score_finisher",
]


class ParamError(Exception):
    """A rule parameter that does not fit; `key` says which, the message is Chinese."""

    def __init__(self, key: str, message: str):
        self.key = key
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class FactDef:
    """A qualitative fact a rulebook asks for (e.g. whether an asset count was done)."""

    key: str
    question: str
    answers: tuple[str, ...] = ("是", "否")


class Params:
    """Typed access to a rule's raw parameters; each getter raises ParamError naming the key."""

    def __init__(
        self, raw: dict[str, Any], facts: dict[str, FactDef], kinds: Mapping[str, RuleKind] | None = None
    ) -> None:
        self.raw = raw
        self.facts = facts
        self.kinds = kinds or {}  # the rule kinds an inner rule may name (exemption, either_or): the registry's
        self.used: set[str] = set()

    def _get(self, key: str, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.raw or self.raw[key] is None:
            if default is ...:
                raise ParamError(key, f"缺少参数“{key}”")
            return default
        return self.raw[key]

    @overload
    def decimal(self, key: str, default: Decimal = ...) -> Decimal: ...
    @overload
    def decimal(self, key: str, default: None) -> Decimal | None: ...
    def decimal(self, key: str, default: Any = ...) -> Decimal | None:
        value = self._get(key, default)
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return parse_decimal(value, allow_units=("分",))
        except NumberError as exc:
            raise ParamError(key, f"参数“{key}”{exc}") from None

    @overload
    def rate(self, key: str, default: Decimal = ...) -> Decimal: ...
    @overload
    def rate(self, key: str, default: None) -> Decimal | None: ...
    def rate(self, key: str, default: Any = ...) -> Decimal | None:
        value = self._get(key, default)
        if value is None or isinstance(value, Decimal):
            return value
        try:
            return parse_rate(value)
        except NumberError as exc:
            raise ParamError(key, f"参数“{key}”{exc}") from None

    def choice(self, key: str, options: tuple[str, ...], default: Any = ...) -> str:
        value = self._get(key, default)
        if value not in options:
            raise ParamError(key, f"参数“{key}”应为 {' / '.join(options)} 之一，实际为“{value}”")
        return value

    @overload
    def text(self, key: str, default: str = ...) -> str: ...
    @overload
    def text(self, key: str, default: None) -> str | None: ...
    def text(self, key: str, default: Any = ...) -> str | None:
        value = self._get(key, default)
        return value if value is None else str(value)

    def items(self, key: str) -> list[dict[str, Any]]:
        value = self._get(key)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ParamError(key, f"参数“{key}”应为列表，每项为“键: 值”分组")
        return value

    def sub(self, raw: dict[str, Any]) -> Params:
        return Params(raw, self.facts, self.kinds)

    def rounding(self, key: str = "rounding") -> RoundingRule | None:
        value = self._get(key, None)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ParamError(key, "参数“rounding”应包含 mode、places，可选 target")
        sub = self.sub(value)
        return RoundingRule(
            Rounding(sub.choice("mode", Rounding.MODES), int(sub.decimal("places", Decimal(2)))),
            sub.choice("target", ("score", "deduction"), "score"),
        )

    def value_ref(self) -> ValueRef:
        """The value a rule reads: `indicator:` (derived), `input:` (a field path) or `fact:`."""
        given = [k for k in ("indicator", "input", "fact") if self.raw.get(k) is not None]
        self.used.update(("indicator", "input", "fact"))
        if len(given) != 1:
            raise ParamError(
                "indicator", "应且只应指定一个取值来源：indicator（计算指标）、input（填报字段）或 fact（定性事实）"
            )
        key = given[0]
        name = str(self.raw[key])
        if key == "indicator" and name not in INDICATORS:
            close = difflib.get_close_matches(name, list(INDICATORS), n=1)
            hint = f"是否应为“{close[0]}”？" if close else "可用 jixiao rulebooks --indicators 查看全部计算指标。"
            raise ParamError(key, f"未知的计算指标“{name}”。{hint}")
        if key == "input" and name not in FIELD_LABELS:
            raise ParamError(key, f"未知的填报字段“{name}”，请对照 docs/data-format.md 填写字段路径")
        if key == "fact" and name not in self.facts:
            raise ParamError(key, f"事实“{name}”未在指标体系的 facts 中声明")
        return ValueRef(key, name)

    def unused(self) -> list[str]:
        return [k for k in self.raw if k not in self.used and k != "kind"]


@dataclass(frozen=True)
class RoundingRule:
    """Rounding of a leaf: the mode and places, and whether it cuts the score or the deduction.

    Seed 000 needs both: 政府采购 truncates the score (2 × 99.99% = 1.9998 -> 1.99), while 预算执行率
    truncates the deduction (1.5 × 25.81% = 0.38715 -> 0.38, score 5.62; truncating the score gives 5.61).
    """

    rounding: Rounding
    target: str = "score"

    def describe(self) -> str:
        return f"{'得分' if self.target == 'score' else '扣分'}{self.rounding.describe()}"


@dataclass(frozen=True)
class ValueRef:
    source: str  # indicator | input | fact
    name: str

    @property
    def label(self) -> str:
        if self.source == "indicator":
            return INDICATORS[self.name].label
        return label_of(self.name) if self.source == "input" else self.name


@dataclass
class RuleContext:
    """Everything a rule kind needs to score one leaf, and the reader that records its inputs."""

    data: DepartmentData
    weight: Decimal
    name: str
    rounding: RoundingRule
    percent_places: int = 2
    strip_zeros: bool = False
    facts: dict[str, FactDef] = field(default_factory=dict)
    indicator_id: str = ""
    standard: str = ""  # the leaf's 评分标准, computed once when the rulebook loads
    reader: Reader = None  # type: ignore[assignment]
    steps: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.reader is None:
            self.reader = Reader(self.data)

    def pct(self, rate: Decimal) -> str:
        return fmt_percent(rate, self.percent_places, strip_zeros=self.strip_zeros)

    def step(self, label: str, expression: str, value: str) -> None:
        self.steps.append(Step(label, expression, value))

    def read(self, ref: ValueRef) -> Any:
        """The value behind a reference, recording the arithmetic of derived indicators as steps."""
        if ref.source == "input":
            return self.reader.value(ref.name)
        if ref.source == "fact":
            return self.reader.value(f"facts.{ref.name}.answer")
        num, den, value, used = INDICATORS[ref.name].compute_parts(self.reader)
        shown = f"{used.formula} = {fmt_number(num)} ÷ {fmt_number(den)}" if den != 1 else used.formula
        self.step(used.label, shown, self.precise_pct(value))
        return value

    def precise_pct(self, rate: Decimal) -> str:
        """A rate with two more decimals than the tables print, so the trace shows what rounding did."""
        return fmt_percent(rate, self.percent_places + 2, strip_zeros=True)

    def finish(self, raw_score: Decimal) -> tuple[Decimal, str]:
        """Apply the leaf's rounding to the score or the deduction; clamp to [0, weight]."""
        score = round_score(self.weight, raw_score, self.rounding)
        clamped = min(max(raw_score, Decimal(0)), self.weight)
        if self.rounding.target == "deduction":
            deduction = self.weight - score
            self.step(
                f"扣分（{self.rounding.rounding.describe()}）", fmt_number(self.weight - clamped), fmt_score(deduction)
            )
        elif score != clamped:
            self.step(f"得分（{self.rounding.rounding.describe()}）", fmt_number(clamped), fmt_score(score))
        return score, self.rounding.describe()

    def gap(self, ref: ValueRef, target: Decimal) -> str:
        """For a simple ratio indicator, how much its numerator must change to reach `target`."""
        if ref.source != "indicator":
            return ""
        definition = INDICATORS[ref.name]
        num, den = definition.numerator.alternatives, definition.denominator.alternatives
        if len(num[0]) != 1 or len(den[0]) != 1 or "(" in num[0][0] or "[]" in num[0][0] + den[0][0]:
            return ""
        numerator, denominator = self.data.get(num[0][0]), self.data.get(den[0][0])
        if not isinstance(numerator, Decimal) or not isinstance(denominator, Decimal):
            return ""
        needed = target * denominator
        delta = needed - numerator
        if delta == 0:
            return ""
        places = max(2, given_places(numerator), given_places(denominator))
        amount = format(abs(delta).quantize(Decimal(1).scaleb(-places), rounding=ROUND_UP), "f")
        verb = "增加" if delta > 0 else "减少"
        unit = "万元" if "万元" in label_of(num[0][0]) or num[0][0].split(".")[0] in _MONEY else ""
        return f"（{definition.numerator.text}需{verb}{amount}{unit}）"

    def trace(
        self,
        kind: RuleKind,
        deductions: list[Deduction],
        rounding: str = "",
        note: str = "",
        flags: tuple[str, ...] = (),
    ) -> Trace:
        return Trace(
            kind.name,
            kind.label,
            self.standard,
            tuple(self.reader.reads),
            tuple(self.steps),
            rounding,
            tuple(d for d in deductions if d.points),
            note=note,
            flags=flags,
        )


_MONEY = {"budget", "procurement", "three_public", "public_funds", "assets"}


def score_finisher(weight: Decimal, rule: RoundingRule) -> Callable[[Decimal], Decimal]:
    """`round_score` for one leaf, its weight and rounding bound once (the compiled scorers call it per score)."""
    exponent = Decimal(1).scaleb(-rule.rounding.places)
    mode = ROUND_DOWN if rule.rounding.mode == "truncate" else ROUND_HALF_UP
    zero = Decimal(0)

    def finish_score(raw: Decimal) -> Decimal:
        raw = zero if raw < zero else weight if raw > weight else raw
        return raw.quantize(exponent, rounding=mode)

    def finish_deduction(raw: Decimal) -> Decimal:
        raw = zero if raw < zero else weight if raw > weight else raw
        return weight - (weight - raw).quantize(exponent, rounding=mode)

    return finish_deduction if rule.target == "deduction" else finish_score


def round_score(weight: Decimal, raw_score: Decimal, rule: RoundingRule) -> Decimal:
    """The rounded score of a leaf: clamp to [0, weight], then cut the score or the deduction."""
    raw_score = min(max(raw_score, Decimal(0)), weight)
    if rule.target == "deduction":
        return weight - rule.rounding.apply(weight - raw_score)
    return rule.rounding.apply(raw_score)


class RuleKind:
    """Base of the rule kinds: a name, a Chinese label, parse and score."""

    name: ClassVar[str]
    label: ClassVar[str]

    def parse(self, params: Params) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def score(self, spec: Any, ctx: RuleContext) -> tuple[Decimal | None, Trace]:  # pragma: no cover - abstract
        """The score and its trace; None when the rule gives none (its trace says why: 未填报, 不适用)."""
        raise NotImplementedError

    def standard(self, spec: Any, weight: Decimal) -> str:
        """The scoring standard in one Chinese sentence (评分标准), for the score table."""
        return ""

    def check(self, spec: Any, weight: Decimal) -> list[str]:
        """Checks of the parameters against the indicator's weight; Chinese messages."""
        return []

    def compile(self, spec: Any, leaf: Leaf) -> Scorer | None:
        """The score alone as a function of (values, members): the arithmetic of `score` without the trace.

        It must give the same score as `score` and raise Missing / Undefined in the same cases (the messages
        may be shorter: the engine takes them from the traced run when someone reads the trace). None means
        the engine scores the leaf through `score` and keeps only the number.
        """
        return None


@dataclass(frozen=True)
class Leaf:
    """What a compiled leaf knows besides its rule's parameters."""

    weight: Decimal
    rounding: RoundingRule
    indicator_id: str
    name: str


# A compiled leaf: (values, members) -> score, reading a department's data (`DepartmentData.values`, `.members`).
Scorer = Callable[[Mapping[str, Any], Mapping[str, tuple[str, ...]]], Decimal]


def compile_ref(ref: ValueRef) -> Callable[[Mapping[str, Any], Mapping[str, tuple[str, ...]]], Any]:
    """The value behind a reference as a function of (values, members), raising Missing like `RuleContext.read`."""
    if ref.source == "indicator":
        return compiled_indicator(ref.name)
    path = ref.name if ref.source == "input" else f"facts.{ref.name}.answer"

    def read(values: Mapping[str, Any], members: Mapping[str, tuple[str, ...]]) -> Any:
        value = values.get(path)
        if value is None:
            raise Missing(path)
        return value

    return read


def compile_one_value(raw: Callable[[Any, Decimal], Decimal], ref: ValueRef, leaf: Leaf) -> Scorer:
    """The scorer of a rule that reads one value and turns it into raw points: finish(raw(value, weight))."""
    finish = score_finisher(leaf.weight, leaf.rounding)
    value, weight = compile_ref(ref), leaf.weight

    def score(values: Mapping[str, Any], members: Mapping[str, tuple[str, ...]]) -> Decimal:
        return finish(raw(value(values, members), weight))

    return score
