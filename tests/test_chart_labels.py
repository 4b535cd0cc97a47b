"""The SVG charts (HTML report and the PDF): a bar's value is never struck through by the reference line."""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.report.charts import chart_svg, quarterly_chart


def test_a_value_just_under_the_reference_line_is_written_above_it():
    # 宝安's quarters (seed): 93.58% sits just under the 100% 序时进度 line, whose dashes crossed its label
    rates = {1: Decimal("0.9358"), 2: Decimal("0.8074"), 3: Decimal("1.0088"), 4: Decimal("0.9987")}
    svg = chart_svg(quarterly_chart(rates))
    (line_y,) = {float(y) for y in re.findall(r'<line x1="[\d.]+" y1="([\d.]+)" x2="[\d.]+" y2="\1" stroke="[^"]+" '
                                              r'stroke-dasharray', svg) if float(y) > 30}  # fmt: skip
    values = {
        text: float(y)
        for y, text in re.findall(r'<text x="[\d.]+" y="([\d.]+)" text-anchor="middle">([\d.]+%)</text>', svg)
    }
    assert set(values) == {"93.58%", "80.74%", "100.88%", "99.87%"}
    for text, baseline in values.items():
        # a 13 px label spans about 12 px above its baseline and 3 below
        assert not baseline - 12 <= line_y <= baseline + 3, (text, baseline, line_y)
    assert values["93.58%"] < line_y  # written above the line, not hidden under it
