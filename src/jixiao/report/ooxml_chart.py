"""A `Chart` as a native Office chart part (DrawingML, ECMA-376 Part 1 §21.2), for Word documents.

The values travel in the chart's own caches (c:strCache / c:numCache), so Word, WPS and LibreOffice draw the
chart, and print it as vector, without an embedded workbook. The bar series carries one data point override
per red bar; the schedule line (序时进度 100%) is a second, dashed line series on the same axes.
"""

from __future__ import annotations

from decimal import Decimal

from .charts import BLUE, GREY, RED, ticks
from .document import Chart
from .xmltext import escape

__all__ = ["CHART_CONTENT_TYPE", "CHART_RELATIONSHIP", "chart_part_xml", "inline_chart_xml"]

CHART_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CHART_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_EMU_PER_CM = 360000
_FONT = '<a:latin typeface="Times New Roman"/><a:ea typeface="宋体"/>'


def _fill(color: str) -> str:
    return f'<c:spPr><a:solidFill><a:srgbClr val="{color.lstrip("#").upper()}"/></a:solidFill></c:spPr>'


def _text_props(size_pt: float, bold: bool = False, font: str = "宋体") -> str:
    face = f'<a:latin typeface="Times New Roman"/><a:ea typeface="{escape(font)}"/>'
    return (
        f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{round(size_pt * 100)}" b="{int(bold)}">'
        f'{face}</a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'
    )


def _rich(text: str, size_pt: float, font: str = "黑体", vertical: bool = False) -> str:
    rotation = ' rot="-5400000" vert="horz"' if vertical else ""
    face = f'<a:latin typeface="Times New Roman"/><a:ea typeface="{escape(font)}"/>'
    return (
        f'<c:tx><c:rich><a:bodyPr{rotation}/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{round(size_pt * 100)}" '
        f'b="0">{face}</a:defRPr></a:pPr><a:r><a:rPr lang="zh-CN" sz="{round(size_pt * 100)}" b="0">{face}</a:rPr>'
        f"<a:t>{escape(text)}</a:t></a:r></a:p></c:rich></c:tx>"
    )


def _strings(ref: str, items: tuple[str, ...]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{escape(v)}</c:v></c:pt>' for i, v in enumerate(items))
    return f'<c:strRef><c:f>{ref}</c:f><c:strCache><c:ptCount val="{len(items)}"/>{points}</c:strCache></c:strRef>'


def _numbers(ref: str, items: tuple[Decimal, ...], fmt: str) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, v in enumerate(items))
    return (
        f"<c:numRef><c:f>{ref}</c:f><c:numCache><c:formatCode>{escape(fmt)}</c:formatCode>"
        f'<c:ptCount val="{len(items)}"/>{points}</c:numCache></c:numRef>'
    )


def _layout(x: float, y: float, w: float, h: float, target: str = "inner") -> str:
    """A manual layout, as fractions of the chart (ECMA-376 §21.2.2.95)."""
    where = f'<c:layoutTarget val="{target}"/>' if target else ""
    return (
        f'<c:layout><c:manualLayout>{where}<c:xMode val="edge"/><c:yMode val="edge"/><c:x val="{x}"/>'
        f'<c:y val="{y}"/><c:w val="{w}"/><c:h val="{h}"/></c:manualLayout></c:layout>'
    )


def _axes_ids() -> str:
    return '<c:axId val="50010001"/><c:axId val="50010002"/>'


def _bars(chart: Chart) -> str:
    n = len(chart.values)
    red = [i for i, v in enumerate(chart.values) if chart.highlight_below is not None and v < chart.highlight_below]
    points = "".join(
        f'<c:dPt><c:idx val="{i}"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/>{_fill(RED)}</c:dPt>' for i in red
    )
    labels = (
        '<c:dLbls><c:numFmt formatCode="0.00&quot;%&quot;" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/>'
        f'</a:ln></c:spPr>{_text_props(9)}<c:dLblPos val="outEnd"/><c:showLegendKey val="0"/><c:showVal val="1"/>'
        '<c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
        "</c:dLbls>"
    )
    return (
        f'<c:barChart><c:barDir val="{"bar" if chart.horizontal else "col"}"/><c:grouping val="clustered"/>'
        '<c:varyColors val="0"/><c:ser><c:idx val="0"/><c:order val="0"/>'
        f"<c:tx>{_strings('Sheet1!$B$1', (chart.axis_title or chart.title,))}</c:tx>{_fill(BLUE)}"
        f'<c:invertIfNegative val="0"/>{points}{labels}'
        f"<c:cat>{_strings(f'Sheet1!$A$2:$A${n + 1}', chart.categories)}</c:cat>"
        f"<c:val>{_numbers(f'Sheet1!$B$2:$B${n + 1}', chart.values, '0.00')}</c:val></c:ser>"
        f'<c:gapWidth val="100"/>{_axes_ids()}</c:barChart>'
    )


def _reference_line(chart: Chart, reference: Decimal) -> str:
    n = len(chart.values)
    values = (reference,) * n
    return (
        '<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/><c:ser><c:idx val="1"/><c:order val="1"/>'
        f"<c:tx>{_strings('Sheet1!$C$1', (chart.reference_label,))}</c:tx>"
        f'<c:spPr><a:ln w="12700"><a:solidFill><a:srgbClr val="{GREY.lstrip("#").upper()}"/></a:solidFill>'
        '<a:prstDash val="dash"/></a:ln></c:spPr><c:marker><c:symbol val="none"/></c:marker>'
        f"<c:cat>{_strings(f'Sheet1!$A$2:$A${n + 1}', chart.categories)}</c:cat>"
        f"<c:val>{_numbers(f'Sheet1!$C$2:$C${n + 1}', values, '0')}</c:val>"
        f'<c:smooth val="0"/></c:ser><c:marker val="1"/>{_axes_ids()}</c:lineChart>'
    )


def _axes(chart: Chart) -> str:
    step = ticks(chart.axis_max)
    major = step[1] - step[0] if len(step) > 1 else 10
    # A horizontal chart lists categories bottom-up; reversing the category axis keeps the first 一级 on top.
    orientation = "maxMin" if chart.horizontal else "minMax"
    crosses = "max" if chart.horizontal else "autoZero"  # with categories reversed, the value axis stays below
    cat_pos, val_pos = ("l", "b") if chart.horizontal else ("b", "l")
    line = '<c:spPr><a:ln w="9525"><a:solidFill><a:srgbClr val="000000"/></a:solidFill></a:ln></c:spPr>'
    return (
        f'<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="{orientation}"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{cat_pos}"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{line}{_text_props(10)}<c:crossAx val="50010002"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/>'
        f'<c:max val="{chart.axis_max}"/><c:min val="0"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="{val_pos}"/><c:title>{_rich(chart.axis_title, 10, "宋体", not chart.horizontal)}'
        '<c:overlay val="0"/></c:title><c:numFmt formatCode="0" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{line}{_text_props(9)}<c:crossAx val="50010001"/><c:crosses val="{crosses}"/>'
        f'<c:crossBetween val="between"/><c:majorUnit val="{major}"/></c:valAx>'
    )


def chart_part_xml(chart: Chart) -> bytes:
    """The chart part (word/charts/chartN.xml)."""
    legend = ""
    if chart.reference is not None:
        # Only the schedule line needs a legend entry; the bars are named by the title and the axis.
        legend = (
            '<c:legend><c:legendPos val="t"/><c:legendEntry><c:idx val="0"/><c:delete val="1"/></c:legendEntry>'
            f'{_layout(0.68, 0.02, 0.3, 0.1, target="")}<c:overlay val="1"/>{_text_props(9)}</c:legend>'
        )
    plot_layout = _layout(0.12, 0.16, 0.85, 0.68) if chart.reference is not None else "<c:layout/>"
    line = _reference_line(chart, chart.reference) if chart.reference is not None else ""
    plot = _bars(chart) + line + _axes(chart)
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}"><c:date1904 val="0"/><c:lang val="zh-CN"/>'
        f'<c:roundedCorners val="0"/><c:chart><c:title>{_rich(chart.title, 12)}<c:overlay val="0"/></c:title>'
        f'<c:autoTitleDeleted val="0"/><c:plotArea>{plot_layout}{plot}</c:plotArea>{legend}'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill><a:ln><a:noFill/></a:ln></c:spPr>'
        f"{_text_props(10)}</c:chartSpace>"
    )
    return xml.encode("utf-8")


def inline_chart_xml(chart: Chart, relationship_id: str, shape_id: int) -> str:
    """The run content that places the chart in a paragraph (w:drawing with an inline graphic frame)."""
    cx, cy = round(chart.width_cm * _EMU_PER_CM), round(chart.height_cm * _EMU_PER_CM)
    name = escape(chart.alt or chart.title, {'"': "&quot;"})
    return (
        f'<w:drawing><wp:inline xmlns:wp="{_WP}" distT="0" distB="0" distL="0" distR="0">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{shape_id}" name="图表 {shape_id}" descr="{name}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic xmlns:a="{_A}"><a:graphicData uri="{_C}">'
        f'<c:chart xmlns:c="{_C}" xmlns:r="{_R}" r:id="{relationship_id}"/></a:graphicData></a:graphic>'
        "</wp:inline></w:drawing>"
    )
