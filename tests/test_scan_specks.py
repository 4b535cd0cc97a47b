"""Dust in the margin of a narrow column's wrapped lines (formats/layout._wrap_specked): a speck beside a line's
first or last character is read with the line as a middle dot or a Latin point, and the cell's name takes it
("基础·信息完善", "指标1·成本控制率", "野生菌·加工车间": corpus t08, t11 and t74 degraded, bench/review_scans.py)."""

from __future__ import annotations

from jixiao.formats.layout import Box, Grid, _grid_table


def _cell(*lines: str, confidence: float | None = 0.95) -> str:
    """The text of a one-cell table whose lines are `lines`, each a box under the last, as OCR reads a wrapped
    cell (a text layer's boxes have no confidence)."""
    boxes = [Box(text, 10, 10 + 30 * i, 10 + 25 * len(text), 36 + 30 * i, confidence) for i, text in enumerate(lines)]
    grid = Grid((0.0, 200.0), (0.0, 40.0 + 30 * len(lines)))
    return _grid_table(grid, boxes, 1).rows[0][0]


def test_a_speck_read_at_the_edge_of_a_wrapped_line_is_dropped():
    assert _cell("基础", "·信息", "完善") == "基础信息完善"  # t08
    assert _cell("指标1", "·成本控", "制率") == "指标1成本控制率"  # t11
    assert _cell("屯社区", "野生菌·", "加工车") == "屯社区野生菌加工车"  # t74's project name
    assert _cell("年初", "预算.", "数·") == "年初预算数"  # t08's head
    assert _cell("配套生.", "产设备") == "配套生产设备"


def test_marks_a_wrapped_line_holds_for_itself_stay():
    assert _cell("美丽家园·移民新村", "建设") == "美丽家园·移民新村建设"  # a 间隔号 inside its line
    assert _cell("1.", "预算执行率") == "1.预算执行率"  # a number's point after its digit
    assert _cell("指标1:", "成本控制率") == "指标1:成本控制率"
    assert _cell("基础·信息完善") == "基础·信息完善"  # one line: no margin to tell by
    assert _cell("基础", "·信息", "完善", confidence=None) == "基础·信息完善"  # a text layer's own text


def test_a_point_between_a_targets_figure_and_its_unit_is_dust():
    """Corpus t26 degraded: "≥360天服务读者" read "≥360.天服务读者" (and README's "≥1000.人"): a decimal point has a
    digit after it. An item's number ("1.预算执行率", "12.绩效目标") and a real decimal stay (formats/layout
    _SPECKED_UNIT)."""
    assert _cell("≥360.天服务读者") == "≥360天服务读者"
    assert _cell("≥1000.人") == "≥1000人"
    assert _cell("1200.平方米") == "1200平方米"
    for kept in ("1.预算执行率", "12.绩效目标", "360.5天", "≥95.5%"):
        assert _cell(kept) == kept
    assert _cell("≥360.天", confidence=None) == "≥360.天"  # a text layer's own text
