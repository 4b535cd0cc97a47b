"""Scans as bureaus receive them (bench/review_scans.py): a table page fed askew, a blue signature across a
table. Each page is a small project table printed to PDF by LibreOffice, rendered at 150 dpi and degraded with
bench/degrade.py; its review must be the text PDF's.

Steps checked on their own: the skew found on a table page and a speck of dust taken off (formats/scanprep.py),
a stray mark read beside a lone figure dropped (formats/reading.py), a county's rare character settled by the
place names (places.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from docx import Document

from jixiao.formats import office
from jixiao.formats.scanprep import despeckled, skew_angle

from .review_support import review_summary

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from degrade import photographed, seal, signature

pytestmark = pytest.mark.skipif(office.find_soffice() is None, reason="LibreOffice is installed by scripts/setup.sh")

DEPARTMENT = "临沧市临翔区林业和草原局"
# a project table whose cells are short (no line of text long enough to straighten the page by: ocr._skew);
# 10 + 15 + 15 + 10 + 10 = 60 scored against a stated 合计 of 65
ROWS = [
    ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"),
    ("产出指标", "数量指标", "收容所面积", "≥200平方米", "204.46平方米", "20", "10"),
    ("", "", "圈养围栏", "≥120米", "121.5米", "20", "15"),
    ("", "时效指标", "完工时限", "2023年12月", "2023年10月", "20", "15"),
    ("效益指标", "社会效益指标", "务工岗位", "≥5个", "5个", "20", "10"),
    ("满意度指标", "服务对象满意度", "受益农户满意度", "≥90%", "95%", "20", "10"),
    ("合计", "", "", "", "", "100", "65"),
]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The table as a text PDF, its review, and its page as an RGB image at 150 dpi."""
    return _printed(tmp_path_factory.mktemp("degraded"))


@pytest.fixture(scope="module")
def tall(tmp_path_factory):
    """The same table with rows 2.4 cm high, down most of the page (a perspective bends a tall table's rules)."""
    return _printed(tmp_path_factory.mktemp("tall"), row_height=1.2)


def _printed(folder: Path, row_height: float | None = None) -> tuple:
    import pypdfium2
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Cm

    doc = Document()
    doc.add_paragraph("项目支出绩效自评表")
    doc.add_paragraph("（2023年度）")
    doc.add_paragraph(f"主管部门：{DEPARTMENT}")
    table = doc.add_table(rows=len(ROWS), cols=len(ROWS[0]))
    table.style = "Table Grid"
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
        if row_height:
            table.rows[r].height, table.rows[r].height_rule = Cm(row_height), WD_ROW_HEIGHT_RULE.AT_LEAST
    doc.save(str(folder / "表.docx"))
    pdf = office.convert_file(folder / "表.docx", "pdf", folder)
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=150 / 72).to_pil().convert("RGB")
    finally:
        document.close()
    return review_summary(pdf), image


def _reviewed(image, path: Path, quality: int = 95) -> tuple:
    image.save(path, resolution=150, quality=quality)
    return review_summary(path)


def _where(image, dark: int = 100) -> tuple[int, int, int, int]:
    """The bounding box of the page's ink (the table and its title)."""
    import numpy as np

    ys, xs = np.nonzero(np.asarray(image.convert("L")) < dark)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_the_reference_review_finds_the_stated_total_wrong(printed):
    department, year, total, _, tables, findings = printed[0]
    assert (department, year, total) == (DEPARTMENT, 2023, 65)
    assert [(r[1], r[2]) for r in tables[0][1]][:2] == [(20, 10), (20, 15)]
    assert any(f[0] == "review.score_sum" and (f[2], f[3]) == ("60", "65") for f in findings)


@pytest.mark.parametrize("degrees", [1.0, -2.5, 3.0])
def test_a_table_page_fed_askew_is_straightened_from_its_rules(printed, tmp_path, degrees):
    """The page's only long lines are the table's rules: its detected lines of text are too short to measure."""
    from PIL import Image

    reference, image = printed
    turned = image.rotate(degrees, resample=Image.Resampling.BILINEAR, fillcolor="white")
    assert _reviewed(turned, tmp_path / "歪斜表.pdf") == reference


def test_a_blue_signature_across_the_table_does_not_rule_it(printed, tmp_path):
    """A ballpoint scribble's upright strokes are as long as a table's short rules; faded with the colour."""
    import numpy as np

    reference, image = printed
    x0, y0, x1, y1 = _where(image)
    signed = image
    for k in range(3):  # three scribbles down the table's middle columns
        signed = signature(
            signed, (x0 + (x1 - x0) * 0.75, y0 + (y1 - y0) * (0.45 + 0.2 * k)), 150, np.random.default_rng(k)
        )
    assert _reviewed(signed, tmp_path / "签字.pdf") == reference


# --- formats/scanprep.py step by step -----------------------------------------------------------------------------


def test_the_skew_of_a_table_page_is_found_from_its_rules(printed):
    import numpy as np
    from PIL import Image

    _, image = printed
    for degrees in (-2.5, 0.7, 3.0):
        turned = image.rotate(degrees, resample=Image.Resampling.BILINEAR, fillcolor="white")
        assert abs(skew_angle(np.asarray(turned.convert("L"))) + degrees) <= 0.1
    assert skew_angle(np.asarray(image.convert("L"))) == 0.0


def test_a_speck_of_dust_goes_and_marks_on_a_line_stay():
    """A lone speck between lines goes; a decimal point, a comma standing apart on its line (n19: "》，下"), an
    ellipsis's dots and the dot of a colon stay."""
    import cv2
    import numpy as np

    page = np.full((120, 300), 255, np.uint8)
    cv2.putText(page, "121.5", (20, 40), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 1, cv2.LINE_AA)
    cv2.rectangle(page, (150, 25), (160, 40), 0, 2)  # a character, then a comma 12 px on, then another
    cv2.circle(page, (174, 38), 2, 0, -1)
    cv2.rectangle(page, (188, 25), (198, 40), 0, 2)
    for x in (100, 106, 112, 118):  # an ellipsis: a row of dots
        cv2.circle(page, (x, 100), 1, 0, -1)
    cv2.circle(page, (250, 70), 2, 60, -1)  # dust between lines
    cleaned = despeckled(page)
    assert cleaned[66:75, 246:255].min() > 200
    assert (cleaned == page)[:60, :].all()
    assert (cleaned == page)[90:110, :].all()


def test_a_stray_mark_beside_a_lone_figure_in_a_cell_is_dropped_and_text_keeps_its_marks():
    """A speck beside a cell's figure read as a point, a colon or a quote (t05, t20, t62 degraded: "10." "'10"
    "5:"); a figure read as two boxes ("100." | "00%": t03's clean scan), a label's colon and a decimal point
    stay."""
    import dataclasses

    from jixiao.formats.layout import Box, Grid, blocks_from_boxes

    grid = Grid((0.0, 100.0, 200.0, 300.0), (0.0, 50.0, 100.0))
    boxes = [
        Box("100.", 5, 5, 40, 25, 0.9),
        Box("00%", 45, 5, 80, 25, 0.9),
        Box("10.", 105, 5, 140, 25, 0.9),
        Box("指标2:", 205, 5, 260, 25, 0.9),
        Box("'10", 5, 55, 40, 75, 0.9),
        Box("5:", 105, 55, 140, 75, 0.9),
        Box("1.5", 205, 55, 240, 75, 0.9),
    ]
    (table,) = blocks_from_boxes(boxes, 1, (grid,))
    assert table.rows == (("100.00%", "10", "指标2:"), ("10", "5", "1.5"))
    text_layer = [dataclasses.replace(b, confidence=None) for b in boxes]  # an OFD's runs: as written
    (table,) = blocks_from_boxes(text_layer, 1, (grid,))
    assert table.rows == (("100.00%", "10.", "指标2:"), ("'10", "5:", "1.5"))


def test_a_point_after_a_figure_in_a_tables_last_row_stays_for_the_page_after():
    """corpus t13 scanned: a page break cuts "4557.51" in the last row into "4557." and "51" overleaf; the point is
    the figure's, not a speck, so the page's last row keeps it (review/pdfread joins the two). Higher rows lose a
    trailing speck as before."""
    from jixiao.formats.layout import Box, Grid, blocks_from_boxes

    grid = Grid((0.0, 100.0, 200.0), (0.0, 50.0, 100.0))
    boxes = [Box("10.", 5, 5, 40, 25, 0.9), Box("服务外", 105, 5, 160, 25, 0.9), Box("4557.", 5, 55, 60, 75, 0.9)]
    (table,) = blocks_from_boxes(boxes, 1, (grid,))
    assert table.rows == (("10", "服务外"), ("4557.", ""))


# --- a county's rare character settled against the administrative divisions (formats/places.py) -----------------

_PLACE_CHARACTERS = [
    "",
    "淮",
    "潍",
    "濉",
    "尤",
    "溪",
    "县",
    "民",
    "政",
    "局",
    "池",
    "浥",
    "渑",
    "单",
    "位",
    "城",
    "乡",
    "区",
    "厢",
]


def _place_output(*steps: dict[str, float]):
    """A recogniser's output over _PLACE_CHARACTERS: one row a step, the blank taking the rest."""
    import numpy as np

    rows = []
    for step in steps:
        row = np.zeros(len(_PLACE_CHARACTERS))
        for character, probability in step.items():
            row[_PLACE_CHARACTERS.index(character)] = probability
        row[0] = 1 - row.sum()
        rows.append(row)
    return np.array(rows)


def _decoded(output):
    from jixiao.formats.reading import _decoded

    return _decoded(output, _PLACE_CHARACTERS, {c: i for i, c in enumerate(_PLACE_CHARACTERS)})


def test_a_countys_rare_character_the_recogniser_gave_a_share_is_settled_by_the_place_names():
    """Corpus t27 scanned: 濉溪县 read 淮溪县 (淮 0.372, 潍 0.246, 濉 0.075 at its step; 尤溪县 is a county too,
    but 尤 has no share); n38: 渑池县 read 池县, the blank winning 渑's step with 0.497 (渑 0.023)."""
    replaced = _decoded(
        _place_output(
            {"淮": 0.372, "潍": 0.246, "濉": 0.075}, {}, {"溪": 1.0}, {}, {"县": 1.0}, {"民": 1.0}, {"政": 1.0}
        )
    )
    assert (replaced.text, replaced.places) == ("濉溪县民政", (("淮溪县", "濉溪县"),))
    dropped = _decoded(
        _place_output({"单": 1.0}, {"位": 1.0}, {}, {"浥": 0.275, "渑": 0.023}, {}, {"池": 1.0}, {"县": 1.0})
    )
    assert (dropped.text, dropped.places) == ("单位渑池县", (("池县", "渑池县"),))


def test_a_place_name_is_not_settled_when_the_reading_is_sure_or_the_names_tie():
    sure = _decoded(_place_output({"淮": 0.95, "濉": 0.04}, {"溪": 1.0}, {"县": 1.0}))
    assert (sure.text, sure.places) == ("淮溪县", ())
    tied = _decoded(_place_output({"淮": 0.5, "濉": 0.05, "尤": 0.04}, {"溪": 1.0}, {"县": 1.0}))
    assert (tied.text, tied.places) == ("淮溪县", ())
    unseen = _decoded(_place_output({"城": 1.0}, {"乡": 0.6, "厢": 0.001}, {"区": 1.0}))  # 城乡区域, not 城厢区
    assert (unseen.text, unseen.places) == ("城乡区", ())


# --- a seal, a perspective, the scanner's border (formats/scanprep.py) ----------------------------------------------


def test_a_red_seal_over_the_department_and_the_table_is_faded_and_matters(printed, tmp_path, monkeypatch):
    """A department's seal stamped over its name and the table's first rows (as a bureau receives the table):
    read as the text PDF once its red ink is faded; read as it stands (the ink only made grey), the name or the
    table under it is not — the step matters."""
    import cv2
    import numpy as np

    from jixiao.formats import scanprep

    reference, image = printed
    x0, y0, *_ = _where(image)
    stamped = seal(image, (x0 + 170, y0 + 150), 150, DEPARTMENT, np.random.default_rng(3))
    assert _reviewed(stamped, tmp_path / "盖章.pdf") == reference

    def grey(page):  # the paper white-balanced as before, the seal's ink left as it stands
        return cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)

    monkeypatch.setattr(scanprep, "ink_only", grey)
    assert _reviewed(stamped, tmp_path / "盖章原样.pdf") != reference


def test_a_page_seen_in_perspective_is_made_flat_by_its_tables_frame(tall, tmp_path):
    """A page photographed at a slant (its right side drawn in by 2.5% of the page's width at both ends, as a
    phone held left of the sheet's middle sees it: one homography): a tall table's top and bottom rules lean
    together, no turn straightens both, and its rows were not found as drawn."""
    import cv2
    import numpy as np
    from PIL import Image

    reference, image = tall
    page = np.asarray(image)
    h, w = page.shape[:2]
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    moved = corners + np.float32([[0, 0], [0, 0.025 * w], [0, -0.025 * w], [0, 0]])
    slanted = cv2.warpPerspective(
        page, cv2.getPerspectiveTransform(corners, moved), (w, h), borderValue=(255, 255, 255)
    )
    assert _reviewed(Image.fromarray(slanted), tmp_path / "透视.pdf") == reference


def test_the_scanners_grey_border_is_made_paper_and_a_rule_to_the_edge_stays():
    """A sheet fed askew leaves the scanner's grey at the page's corners; its edge with the paper is a long
    straight line that was found with a table's rules as a second frame (corpus t26 degraded: the table read
    twice). The grey goes; a rule and a line of text running to the page's edge stay."""
    import cv2
    import numpy as np

    from jixiao.formats.scanprep import unbordered

    page = np.full((400, 600), 255, np.uint8)
    cv2.fillPoly(page, [np.int32([[0, 0], [120, 0], [0, 40]])], 200)  # the grey wedge of a turned sheet
    cv2.line(page, (0, 300), (400, 300), 40, 2)  # a table's rule from the edge
    cv2.putText(page, "1234", (0, 200), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 30, 2)  # text touching the edge
    cleaned = unbordered(page)
    assert (cleaned[:40, :120] < 255).sum() < 20  # all but the wedge's thin tip
    assert (cleaned[150:, :] == page[150:, :]).all()


def test_a_long_stroke_inside_a_cell_is_not_a_columns_rule():
    """A signature's upright stroke (or a seal's ring the ink removal left grey) 38 px down a row 80 px high is
    longer than any character's stroke, and was found as a rule that cut the cell's text in two (corpus t26
    degraded: 黄石市文 | 化和旅游局). A rule is drawn along a whole cell."""
    import cv2
    import numpy as np

    from jixiao.formats.ocr import find_grids

    page = np.full((400, 700), 255, np.uint8)
    for x in (50, 250, 450, 650):
        cv2.line(page, (x, 50), (x, 290), 0, 2)
    for y in (50, 130, 210, 290):
        cv2.line(page, (50, y), (650, y), 0, 2)
    cv2.line(page, (350, 140), (351, 178), 60, 3)  # the stroke, inside the middle column's second cell
    (grid,) = find_grids(page)
    assert [round(x) for x in grid.xs] == [50, 250, 450, 650]
    assert [round(y) for y in grid.ys] == [50, 130, 210, 290]


def test_a_cells_figure_is_cropped_without_the_dust_beside_it():
    """A lone figure the detector missed is read from its cell's ink (ocr._missed_in_cells); the paper's grain
    and specks of dust further down the cell made the crop the whole cell, read as nothing (corpus t32 and t44
    degraded: a "4" beside the left rule, ".5·" over dust)."""
    import cv2
    import numpy as np

    from jixiao.formats.ocr import _marks

    cell = np.zeros((60, 120), np.uint8)
    cv2.putText(cell, "4", (6, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 255, 2)
    cell[50:53, 100:103] = 255  # a speck of dust
    cell[40:42, 60:62] = 255  # and another
    rows, cols = _marks(cell)
    assert rows.max() < 30 and cols.max() < 25
    dust = np.zeros((60, 120), np.uint8)
    dust[50:53, 100:103] = 255
    assert len(_marks(dust)[0]) == 9  # a cell of specks alone gives them (too few to read)


# --- a decimal point JPEG blurred away (formats/confidence.py) ------------------------------------------------------

_GROWTH = "2020年度“三公”经费支出决算总额为5.48万元,比去年增加1.55万元,增长{}%,主要是公务用车运行支出增加。"


def _growth_findings(rate: str, confidence: float | None):
    from jixiao.model.problems import Severity
    from jixiao.review.pipeline import review_document
    from jixiao.review.segments import Segment, SourceDocument

    lines = ("2020年度部门决算公开说明", _GROWTH.format(rate))
    text = [Segment("paragraph", i, line, page=1, confidence=confidence) for i, line in enumerate(lines, 1)]
    found = review_document(SourceDocument(Path("扫描件.pdf"), text)).findings
    return [(f.severity is Severity.INFO, f.message) for f in found if f.code == "review.narrative.growth_rate"]


def test_a_rate_read_without_its_point_where_the_arithmetic_proves_it_is_a_hint():
    """Corpus n119 degraded: "增长39.4%" read "394%" at a sure 0.99 (JPEG took the point). 1.55 ÷ (5.48 − 1.55)
    = 39.44%, and 39.4% — the reading with its point put back, and only there — agrees: a hint saying so, not a
    warning against the report. The same sentence from a text layer, or a rate no point makes agree, stays a
    warning."""
    ((hint, message),) = _growth_findings("394", 0.99)
    assert hint and "小数点" in message and "39.4%" in message
    assert [hint for hint, _ in _growth_findings("394", None)] == [False]  # a text layer's own figure
    assert [hint for hint, _ in _growth_findings("52", 0.99)] == [False]  # 5.2% is no reading of 39.44%
    assert _growth_findings("39.4", 0.99) == []


def test_a_lines_box_that_cuts_its_first_stroke_is_widened_over_it_and_not_onto_a_rule():
    """The detector's box may start a pixel or two inside a line's first stroke: a lone 一 so cut read as nothing
    (corpus n01 degraded: "一、基本情况" read "、基本情况"). The box's end moves out over the stroke (a JPEG'd thin
    stroke is grey, 150-190), a few pixels at most, and never onto a table's rule."""
    import cv2
    import numpy as np

    from jixiao.formats.ocr import END_REACH, _ends_kept

    page = np.full((60, 300), 255, np.uint8)
    cv2.line(page, (40, 30), (58, 30), 170, 2)  # 一, greyed (drawn from x 39), its start 4 px left of the box
    cv2.rectangle(page, (70, 20), (120, 40), 40, 2)  # the rest of the line
    cv2.line(page, (197, 5), (197, 55), 30, 2)  # a cell's rule (x 196-198) just right of another box
    box = np.array([[43, 18], [125, 18], [125, 42], [43, 42]], dtype=np.float32)
    beside_rule = np.array([[150, 18], [196, 18], [196, 42], [150, 42]], dtype=np.float32)
    widened, kept = _ends_kept(page, [box, beside_rule])
    assert widened[0][0] == widened[3][0] == 39 and widened[1][0] == 125
    assert (kept == beside_rule).all()
    far = np.array([[52, 18], [125, 18], [125, 42], [52, 42]], dtype=np.float32)  # 13 px into the stroke
    assert _ends_kept(page, [far])[0][0][0] == 39
    cv2.line(page, (200, 30), (299, 30), 60, 1)  # a level line running on past the reach: a rule, not a stroke
    on_a_rule = np.array([[150, 18], [230, 18], [230, 42], [150, 42]], dtype=np.float32)
    assert (_ends_kept(page, [on_a_rule])[0] == on_a_rule).all()
    assert END_REACH < 299 - 230


def test_a_cell_two_grids_share_is_read_once(monkeypatch):
    """Two grids found over one table (its body, and the body with the rows above it) share their cells; a lone
    figure the detector missed in such a cell was read once for each grid, and the cell's "1" became "11"
    (corpus t08 degraded: a score of 1 read as 11, then a false 得分超过分值 error)."""
    import cv2
    import numpy as np

    from jixiao.formats import ocr
    from jixiao.formats.layout import Grid
    from jixiao.formats.reading import Read

    page = np.full((200, 300), 255, np.uint8)
    cv2.putText(page, "1", (140, 112), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    body = Grid(xs=(50.0, 250.0), ys=(70.0, 130.0))
    with_header = Grid(xs=(50.0, 250.0), ys=(10.0, 70.0, 130.0))

    class Engine:
        text_rec, text_score = None, 0.5

    monkeypatch.setattr(ocr, "_ocr_engine", lambda: Engine)
    monkeypatch.setattr(ocr, "read_crops", lambda rec, crops: [Read("1", 0.99) for _ in crops])
    found = ocr._missed_in_cells(page, (body, with_header), [])
    assert [b.text for b in found] == ["1"]


@pytest.mark.parametrize("seed", [3, 8])
def test_a_phone_photo_of_the_sheet_on_a_desk_with_a_shadow_across_it_reads_as_the_text_pdf(printed, tmp_path, seed):
    """A phone's photo (bench/degrade.photographed): the sheet on a desk that shows round it, tilted and seen at
    an angle, one side darker and a shadow band across it, JPEG 80. Read as it was, the desk's edge made rules of
    a second table and the shadow stayed grey, so that its edge was taken for a scanner's border and the text it
    touched was made paper (corpus t20 photographed: no score table found). The sheet is cut out and made square,
    and lit evenly (scanprep.photographed), before it is read."""
    import numpy as np

    from jixiao.formats.scanprep import sheet_quad

    reference, image = printed
    photo, drawn = photographed(image, np.random.default_rng(seed))
    assert sheet_quad(np.asarray(photo)[:, :, ::-1]) is not None
    path = tmp_path / "微信图片.jpg"
    photo.save(path, quality=80)
    *read, findings = review_summary(path)
    assert ("review.unread", "提示", "", "") in findings  # the note that a picture was read by OCR
    assert (*read, [f for f in findings if f[0] != "review.unread"]) == reference, drawn


def test_a_point_among_the_characters_of_a_cells_name_is_dust_and_other_points_stay():
    """A speck of dust on a cell's line read as a point: "渔船补贴发放率." and "退捕渔民抽样调查.满意度" (corpus t17
    degraded), "财政.供养人员控制率" (t08), "指标1:…通过率." (t23). A cell of Chinese characters alone has no
    Latin point; one beside digits or among other marks ("1.预算执行率", "元/生.年", "10.") and a middle dot
    (间隔号) stay as read."""
    from jixiao.formats.layout import _unspecked

    assert _unspecked("渔船补贴发放率.") == "渔船补贴发放率"
    assert _unspecked("退捕渔民抽样调查.满意度") == "退捕渔民抽样调查满意度"
    assert _unspecked("财政．供养人员控制率") == "财政供养人员控制率"
    assert _unspecked("指标1:美丽宜居自然村庄验收通过率.") == "指标1:美丽宜居自然村庄验收通过率"  # t23
    for kept in ("1.预算执行率", "1000元/生.年", "美丽家园·移民新村", "指标1:成本控制率", ".项目", "甲.乙.丙"):
        assert _unspecked(kept) == kept


def test_a_figure_whose_point_the_table_puts_in_doubt_is_not_read_surely():
    """Corpus t74 degraded: a score of 9.3 read 93 (or 9:3, its point blurred beside a speck) at a sure 0.99 —
    a score over its weight, a total of 143.7, a grade of 优. The column's other figures have one decimal each
    (10.3, 9.3, 10.8) and 93 with its point put back lies among them, so the cell is doubted (its confidence made
    layout.DOUBTED, below LOW_CONFIDENCE: a finding resting on it is a hint); the point is not put back. A whole
    number of its column's size (20 among 9.3 and 10.8), a text layer's cell and a figure with a point stay sure."""
    from jixiao.formats.confidence import LOW_CONFIDENCE
    from jixiao.formats.layout import DOUBTED, _doubted

    assert DOUBTED < LOW_CONFIDENCE
    rows = [("分值", "得分"), ("10.3", "10.3"), ("9.3", "93"), ("9.3", "9:3"), ("10.8", "10.8"), ("20", "20"),
            ("合计", "100")]  # fmt: skip
    sure = [(0.99, 0.99)] * len(rows)
    assert [levels[1] for levels in _doubted(rows, sure)] == [0.99, 0.99, DOUBTED, DOUBTED, 0.99, 0.99, 0.99]
    assert [levels[0] for levels in _doubted(rows, sure)] == [0.99] * len(rows)
    text_layer = [(None, None)] * len(rows)
    assert _doubted(rows, text_layer) == text_layer
    rates = [("执行率",), ("98.5%",), ("985%",), ("100%",), ("97.2%",)]  # % figures against % figures
    assert [levels[0] for levels in _doubted(rates, [(0.99,)] * 5)] == [0.99, 0.99, DOUBTED, 0.99, 0.99]


def test_a_blue_signature_over_a_red_seal_and_the_label_is_lifted_where_no_print_is_under_it(tmp_path, monkeypatch):
    """Corpus t26 as bench/review_scans.py degrades it (seed 20): the department's seal stamped over the 主管部门
    row and a signature scribbled across the label and the seal. Where blue ink crosses red every channel is dark,
    the lightest one too, so the scribble stayed as dark as print over 主管部门 and the name and the department
    was not found (黄石市图书馆主要领导签字 taken for it). Blue standing above green tells the pen from the seal and
    from print (scanprep._pen_lifted): the department reads as the .docx's. Without that step it does not."""
    import zlib

    import numpy as np

    from jixiao.formats import scanprep

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from review_scans import CORPUS, _blocks, _seal_texts, degraded_scan, write_docx

    name = "t26-hubei-huangshi-library-project-2022"
    folder = CORPUS / name
    docx = write_docx(_blocks((folder / "document.txt").read_text(encoding="utf-8")), tmp_path / "报告.docx")
    pdf = office.convert_file(docx, "pdf", tmp_path / "pdf")
    scan = tmp_path / "扫描件.pdf"
    degraded_scan(pdf, scan, np.random.default_rng([20, zlib.crc32(name.encode())]), *_seal_texts(folder))
    assert review_summary(scan)[0] == "黄石市文化和旅游局" == review_summary(docx)[0]
    monkeypatch.setattr(scanprep, "_pen_lifted", lambda image, gray: gray)
    assert review_summary(scan)[0] != "黄石市文化和旅游局"


def test_a_hard_shadows_edge_across_a_photo_is_not_a_tables_rule(tmp_path):
    """Corpus t35 as bench/review_scans.py --photo-hard photographs it (seed 20): a hand's shadow 60% darker with a
    hard edge across each sheet. The paper's level divided by was taken on a 300-px page and smoothed, so a band
    either side of the edge kept the other side's level: a thin line across the page, found as a table's rule,
    that cut the title line 来源:安居区市场监管局 into a cell and lost the department. The level is now taken on a
    900-px page by a closing alone, which keeps the edge where it is (scanprep.evened)."""
    import zlib

    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from review_scans import CORPUS, _blocks, photographed_pages, write_docx

    name = "t35-sichuan-anju-food-supervision-transfer-2021"
    docx = write_docx(_blocks((CORPUS / name / "document.txt").read_text(encoding="utf-8")), tmp_path / "报告.docx")
    pdf = office.convert_file(docx, "pdf", tmp_path / "pdf")
    photo, drawn = photographed_pages(pdf, tmp_path, np.random.default_rng([20, zlib.crc32(name.encode())]), True)
    assert [how["case"] for how in drawn] == ["shadow", "shadow"]
    assert review_summary(photo)[0] == "安居区市场监管局" == review_summary(docx)[0]
