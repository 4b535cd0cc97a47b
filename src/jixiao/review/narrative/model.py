"""One figure of a narrative report with its meaning (the record the grammar produces and the checks read)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from jixiao.model.problems import Location

from .vocabulary import vocabulary

__all__ = ["NarrativeFigure"]


@dataclass(frozen=True)
class NarrativeFigure:
    """One figure of the text: 值 with 单位, what it is about (主体) and how it is tied to it (关系词)."""

    value: Decimal  # as printed (98.78 for "98.78%", 1200 for "1200万元"); yyyymmdd for a date
    unit: str  # as printed: 万元, 元, 元/年, %, 个, 万人次, 分, 日期
    kind: str  # amount | rate | count | score | date
    subject: str
    relation: str
    text: str  # the quoted phrase: subject, relation and number with its unit
    location: Location
    quote: str = ""  # the whole sentence
    segment: int = 0  # index into SourceDocument.segments
    sentence: int = 0  # sentence number within the segment (0-based)
    start: int = 0  # position of the number in the segment's normalized text
    end: int = 0
    raw: str = ""  # the number as printed
    depth: int = 0  # inside how many brackets
    approximate: bool = False  # 约, 余, 超过, 左右 …
    other_year: bool = False  # about another year (上年, 2022年 in a 2023 report)
    target: bool = False  # a plan, target or limit, not a result
    per_unit: bool = False  # a standard: 元/年, 元/人
    base: str = ""  # 占总支出的39.55% → 总支出; 较上年增长 → 上年
    cell: tuple[int, int] | None = None  # (row, column) in a table
    flags: tuple[str, ...] = field(default=())

    @property
    def family(self) -> str:
        """Figures of one family can be added and compared: money in any unit; counts of one measure word."""
        if self.kind == "amount":
            return "amount" + ("/" + self.unit.split("/", 1)[1] if self.per_unit else "")
        if self.kind == "count":
            return "count:" + self.unit.lstrip("万亿")
        return self.kind

    @property
    def scaled(self) -> Decimal:
        """The value in 元 (amounts) or in single units (counts: 10.7万人次 → 107000)."""
        return self.value * self.factor

    @property
    def factor(self) -> Decimal:
        """What one of the figure's unit is in `scaled` terms (万元 → 10000 元; 万人次 → 10000), a zero's too."""
        voc = vocabulary()
        if self.kind == "amount":
            return voc.amount_units.get(self.unit.split("/", 1)[0], Decimal(1))
        if self.kind == "count" and self.unit[:1] in "万亿" and len(self.unit) > 1:
            return Decimal(10_000) if self.unit[0] == "万" else Decimal(100_000_000)
        return Decimal(1)

    @property
    def half_unit(self) -> Decimal:
        """Half a unit in the last printed place, scaled like `scaled`: the rounding a printed figure may carry."""
        places = len(self.raw.split(".", 1)[1]) if "." in self.raw else 0
        return Decimal(5).scaleb(-places - 1) * self.factor

    @property
    def exact(self) -> bool:
        """Printed as an exact figure (not 约, 余, 超过): its arithmetic with the figures around it holds, whatever
        year or plan it speaks of."""
        return not self.approximate

    @property
    def checkable(self) -> bool:
        """A figure that can carry an arithmetic finding: exact, this year's, a result."""
        return not (self.approximate or self.other_year or self.target)

    def display(self) -> str:
        if self.kind == "date":
            v = int(self.value)
            y, m, d = v // 10000, v // 100 % 100, v % 100
            return f"{y:04d}-{m:02d}" + (f"-{d:02d}" if d else "")
        return f"{self.raw}{self.unit}"
