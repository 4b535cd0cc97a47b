"""Charts as data, drawn as vector by each renderer: quarterly execution against the schedule, 得分率 by 一级.

`quarterly_chart` and `score_rate_chart` return a `Chart` block. Word gets a native chart (DrawingML, see
`ooxml_chart.py`), which Word, WPS and LibreOffice draw and print sharp and which a reader can restyle; HTML and
Markdown get the SVG from `chart_svg`. No plotting library is loaded: a chart costs microseconds, and the
same data always gives the same bytes.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from .document import Chart
from .xmltext import escape

__all__ = ["BLUE", "FONT_STACK", "GREY", "RED", "chart_svg", "quarterly_chart", "score_rate_chart", "ticks"]

BLUE, RED, GREY = "#2f5597", "#b22222", "#444444"
FONT_STACK = "'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Zen Hei',SimHei,'Microsoft YaHei',sans-serif"
_HUNDRED = Decimal(100)
_QUOTE = {'"': "&quot;"}


def _percent(rate: Decimal) -> Decimal:
    return (rate * _HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def quarterly_chart(rates: dict[int, Decimal], caption: str = "", title: str = "季度序时执行率") -> Chart:
    """Each quarter's 序时执行率 as a bar (red below 100%), the 序时进度 100% as a dashed line."""
    values = tuple(_percent(r) for r in rates.values())
    top = max([*values, _HUNDRED]) * Decimal("1.15")
    return Chart(
        title,
        tuple(f"第{'一二三四'[q - 1]}季度" for q in rates),
        values,
        caption or title,
        axis_title="序时执行率（%）",
        axis_max=top.quantize(Decimal(1), rounding=ROUND_HALF_UP),
        reference=_HUNDRED,
        reference_label="序时进度 100%",
        highlight_below=_HUNDRED,
        height_cm=7.0,
        alt="季度序时执行率与序时进度",
    )


def score_rate_chart(items: list[tuple[str, Decimal]], caption: str = "", title: str = "各一级指标得分率") -> Chart:
    """得分率 of each 一级指标 as a horizontal bar, first 一级 on top."""
    return Chart(
        title,
        tuple(name for name, _ in items),
        tuple(_percent(rate) for _, rate in items),
        caption or title,
        axis_title="得分率（%）",
        horizontal=True,
        axis_max=Decimal(110),
        height_cm=round(2.2 + 1.35 * len(items), 1),
        alt="各一级指标得分率",
    )


def ticks(axis_max: Decimal) -> list[int]:
    """Round tick values from 0 up to the axis maximum, at most seven of them."""
    top = float(axis_max)
    step = next((s for s in (5, 10, 20, 25, 50, 100, 200, 500) if top / s <= 6), 1000)
    return list(range(0, int(top) + 1, step))


def _fmt(value: Decimal) -> str:
    return f"{value:.2f}%"


def chart_svg(chart: Chart) -> str:
    """The chart as a standalone SVG document (sized in cm, drawn on a 40-units-per-cm grid)."""
    width, height = 40 * chart.width_cm, 40 * chart.height_cm
    left = 120.0 if chart.horizontal else 70.0
    box = (left, 52.0, width - 24.0, height - (50.0 if chart.horizontal else 46.0))  # x0, y0, x1, y1
    x0, y0, x1, y1 = box
    top = float(chart.axis_max)
    label = escape(chart.alt or chart.title, _QUOTE)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{chart.width_cm}cm" height="{chart.height_cm}cm" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT_STACK}" font-size="13" role="img" '
        f'aria-label="{label}">',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
        f'<text x="{x0 if not chart.horizontal else (x0 + x1) / 2:.1f}" y="28" font-size="16" '
        f'text-anchor="{"start" if not chart.horizontal else "middle"}">{escape(chart.title)}</text>',
    ]
    n = max(len(chart.values), 1)
    if chart.horizontal:
        scale = (x1 - x0) / top
        for tick in ticks(chart.axis_max):
            x = x0 + tick * scale
            parts.append(f'<line x1="{x:.1f}" y1="{y1:.1f}" x2="{x:.1f}" y2="{y1 + 5:.1f}" stroke="#000"/>')
            parts.append(f'<text x="{x:.1f}" y="{y1 + 20:.1f}" text-anchor="middle">{tick}</text>')
        band = (y1 - y0) / n
        for i, (name, value) in enumerate(zip(chart.categories, chart.values, strict=True)):
            y = y0 + band * i + band * 0.25
            w = float(value) * scale
            parts.append(f'<rect x="{x0:.1f}" y="{y:.1f}" width="{w:.1f}" height="{band * 0.5:.1f}" fill="{BLUE}"/>')
            mid = y + band * 0.25 + 4.5
            parts.append(f'<text x="{x0 + w + 6:.1f}" y="{mid:.1f}">{_fmt(value)}</text>')
            parts.append(f'<text x="{x0 - 8:.1f}" y="{mid:.1f}" text-anchor="end">{escape(name)}</text>')
        parts.append(
            f'<text x="{(x0 + x1) / 2:.1f}" y="{height - 10:.1f}" text-anchor="middle">'
            f"{escape(chart.axis_title)}</text>"
        )
    else:
        scale = (y1 - y0) / top
        for tick in ticks(chart.axis_max):
            y = y1 - tick * scale
            parts.append(f'<line x1="{x0 - 5:.1f}" y1="{y:.1f}" x2="{x0:.1f}" y2="{y:.1f}" stroke="#000"/>')
            parts.append(f'<text x="{x0 - 8:.1f}" y="{y + 4.5:.1f}" text-anchor="end">{tick}</text>')
        band = (x1 - x0) / n
        for i, (name, value) in enumerate(zip(chart.categories, chart.values, strict=True)):
            x = x0 + band * i + band * 0.25
            h = float(value) * scale
            low = chart.highlight_below is not None and value < chart.highlight_below
            parts.append(
                f'<rect x="{x:.1f}" y="{y1 - h:.1f}" width="{band * 0.5:.1f}" height="{h:.1f}" '
                f'fill="{RED if low else BLUE}"/>'
            )
            centre = x + band * 0.25
            value_y = y1 - h - 6  # the value's baseline, above its bar
            if chart.reference is not None and value_y - 12 <= y1 - float(chart.reference) * scale <= value_y + 3:
                value_y = y1 - float(chart.reference) * scale - 6  # not struck through by the dashed line: above it
            parts.append(f'<text x="{centre:.1f}" y="{value_y:.1f}" text-anchor="middle">{_fmt(value)}</text>')
            parts.append(f'<text x="{centre:.1f}" y="{y1 + 20:.1f}" text-anchor="middle">{escape(name)}</text>')
        mid = (y0 + y1) / 2
        parts.append(
            f'<text x="20" y="{mid:.1f}" text-anchor="middle" transform="rotate(-90 20 {mid:.1f})">'
            f"{escape(chart.axis_title)}</text>"
        )
        if chart.reference is not None:
            y = y1 - float(chart.reference) * scale
            parts.append(
                f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" stroke="{GREY}" stroke-dasharray="6 4"/>'
            )
            parts.append(
                f'<line x1="{x1 - 150:.1f}" y1="24" x2="{x1 - 126:.1f}" y2="24" stroke="{GREY}" '
                f'stroke-dasharray="6 4"/><text x="{x1 - 120:.1f}" y="28" font-size="12">'
                f"{escape(chart.reference_label)}</text>"
            )
    parts.append(f'<path d="M{x0:.1f},{y0:.1f} V{y1:.1f} H{x1:.1f}" fill="none" stroke="#000"/>')
    parts.append("</svg>")
    return "".join(parts)
