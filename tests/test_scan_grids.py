"""A photo's hard shadow edge or the sheet's edge, ruled together with a table's rules, makes a second grid around
the table (formats/layout._within): corpus t02 and t20 under bench/review_scans.py --photo-hard read each
indicator row twice, the second time as a score table of its own."""

from __future__ import annotations

from jixiao.formats.layout import Box, Grid, blocks_from_boxes

TABLE = Grid((100.0, 200.0, 300.0, 400.0), (100.0, 140.0, 180.0))
# the same rules with the shadow's edge and the sheet's edge beside them: a column more each side, a row above
AROUND = Grid((20.0, 100.0, 200.0, 300.0, 400.0, 480.0), (40.0, 100.0, 140.0, 180.0))


def _box(text: str, x: float, y: float) -> Box:
    return Box(text, x, y, x + 60, y + 24, 0.99)


CELLS = [_box("指标", 110, 108), _box("分值", 210, 108), _box("得分", 310, 108)]
CELLS += [_box("完成率", 110, 148), _box("10", 210, 148), _box("9", 310, 148)]


def _tables(boxes: list[Box], grids: tuple[Grid, ...]) -> list[tuple[tuple[str, ...], ...]]:
    return [block.rows for block in blocks_from_boxes(boxes, 1, grids) if block.kind == "table"]


def test_a_grid_around_a_table_holding_no_text_of_its_own_is_no_second_table():
    assert _tables(CELLS, (AROUND, TABLE)) == [(("指标", "分值", "得分"), ("完成率", "10", "9"))]
    assert _tables(CELLS, (TABLE, AROUND)) == _tables(CELLS, (TABLE,))


def test_a_grid_around_a_table_with_text_of_its_own_stays():
    title = _box("项目名称", 110, 60)  # a row above the table's body, inside the grid around it only
    tables = _tables([title, *CELLS], (AROUND, TABLE))
    assert len(tables) == 2 and any("项目名称" in cell for row in tables[0] for cell in row)
