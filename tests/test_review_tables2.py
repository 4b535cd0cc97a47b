"""Table checks found wanting by the seventh held-out batch (t76, t77 in tests/fixtures/review_corpus), each on a
HYPOTHETICAL table laid out as the real one is (figures chosen and worked by hand here)."""

from __future__ import annotations

import re

from jixiao.model.problems import Severity
from jixiao.review import review_file

_HEADER = "分解目标\t自评权重\t二级指标\t三级指标\t年度指标值\t全年完成值\t分值\t得分\t偏差及原因分析"


def _review(tmp_path, lines: list[str]):
    path = tmp_path / "表.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return review_file(path).findings


def test_an_actual_blank_beside_a_target_on_a_row_that_lost_points_is_a_warning(tmp_path):
    """医疗文书及时率: 指标值 "按规定时限", 完成值 blank, 3 of 4 (t77). Read as one cell merged across both columns the
    target was met and still lost a point; read as two cells the actual is missing: either way the row needs an
    answer — a warning. 健康档案管理率: the same blank scored 3 of 3 — the merged reading is sound: a hint (t06,
    t74)."""
    lines = [
        "整体支出绩效自评表(2021年度)",
        _HEADER,
        "产出指标\t10\t时效指标\t医疗文书及时率\t按规定时限\t\t4\t3\t个别人未及时完成",
        "\t\t质量指标\t健康档案管理率\t100%\t\t3\t3\t",
        "\t\t数量指标\t门诊人次\t≥1000人次\t1200人次\t3\t3\t",
    ]
    found = [(f.location.place, f.severity) for f in _review(tmp_path, lines) if f.code == "review.blank_cell"]
    assert found == [("表1 第2行第8列", Severity.WARNING), ("表1 第3行第8列", Severity.INFO)]
    warning = next(f for f in _review(tmp_path, lines) if f.severity is Severity.WARNING)
    assert "医疗文书及时率" in warning.message and "却得3分" in warning.message and "扣分" in warning.message


def test_an_execution_rate_without_either_amount_is_a_blank(tmp_path):
    """整体支出规模 (the Jiangxi 部门整体 form, t77): 财政拨款 prints 执行率 103.21% with 全年预算数 and 全年执行数 both
    empty — the rate rests on nothing the table shows: a warning on that row. 基本支出 prints 80 and 76 beside 95%
    (76 ÷ 80 = 95%): nothing. 项目支出 prints no amounts and 0.00%: nothing (a row without funds)."""
    lines = [
        "卫生院整体支出绩效自评表(2021年度)",
        "评价部门名称\t某乡卫生院\t下属单位个数\t0",
        "整体支出规模\t全年预算数\t全年执行数\t执行率",
        "资金来源:(1)财政拨款\t\t\t103.21%",
        "资金结构:(1)基本支出\t80\t76\t95%",
        "(2)项目支出\t\t\t0.00%",
        _HEADER,
        "产出指标\t10\t数量指标\t门诊人次\t≥1000人次\t1200人次\t10\t10\t",
    ]
    found = [f for f in _review(tmp_path, lines) if f.code == "review.blank_cell"]
    assert [(f.location.place, f.severity) for f in found] == [("表1 第3行第4列", Severity.WARNING)]
    assert "资金来源:(1)财政拨款" in found[0].message and "103.21%" in found[0].message
    assert not [f for f in _review(tmp_path, lines) if f.code == "review.execution_rate"]


def _wide_funds(spacer: bool) -> list[str]:
    """A funds row carrying one amount more than its header (as t73's), over an indicator block; with `spacer`, an
    empty column (header and rows) after the first amount column (HYPOTHETICAL figures: 45 ÷ 50 = 90%, 10 × 90% =
    9; the indicators 50 + 40 with full points)."""
    rows = [
        ["项目资金(万元)", "", "年初预算数", "全年预算数(A)", "全年执行数(B)", "分值", "预算执行率(B/A)", "得分"],
        ["", "年度资金总额:", "50", "50", "50", "45", "10", "90%", "9"],
        ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "50", "50", ""],
        ["效益指标", "社会效益指标", "就业率", "≥80%", "85%", "40", "40", ""],
    ]
    if spacer:
        rows = [[*r[:3], "", *r[3:]] for r in rows]
    return ["特殊教育补助资金转移支付整体绩效目标自评表(2024年度)", *("\t".join(r) for r in rows)]


def test_an_empty_column_inside_a_wide_funds_row_does_not_move_its_figures(tmp_path):
    """The wide row is read right-aligned to its header (得分 9 is its last figure, t73); an empty column in header
    and rows alike (t03, t07 and t60 print one) is no break in its run of figures: the same reading, no finding
    on the funds row in either layout."""
    plain = {(f.code, f.severity) for f in _review(tmp_path, _wide_funds(False))}
    spaced = {(f.code, f.severity) for f in _review(tmp_path, _wide_funds(True))}
    funds = {"review.execution_rate", "review.funds_score", "review.weight_sum", "review.blank_cell"}
    assert not {c for c, _ in plain} & funds
    assert spaced == plain


def _pairs_table(one_cell: bool) -> list[str]:
    """A HYPOTHETICAL indicator table whose 分值 and 得分 stand in one cell ("30/30", header "分值／得分") or in two
    columns: 就业率 met (85% ≥ 80%) and 35 of 40 with no reason; 满意度 15 of 10; the 总分 row 100/96 against
    30 + 18 + 35 + 15 = 98 (worked by hand)."""
    rows = [
        ("产出指标", "数量指标", "培训人次", "≥100人次", "120人次", "30", "30", ""),
        ("", "质量指标", "合格率", "≥95%", "90%", "20", "18", "部分学员补考"),
        ("效益指标", "社会效益指标", "就业率", "≥80%", "85%", "40", "35", ""),
        ("满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "95%", "10", "15", ""),
        ("总分", "", "", "", "", "100", "96", ""),
    ]
    head = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    if one_cell:
        head = [*head[:5], "分值／得分", head[7]]
        rows = [(*r[:5], f"{r[5]}／{r[6]}", r[7]) for r in rows]  # type: ignore[misc]
    return ["项目支出绩效自评表(2023年度)", "\t".join(head), *("\t".join(r) for r in rows)]


def test_scores_and_points_in_one_cell_are_read_as_two_columns(tmp_path):
    """Each "分值／得分" cell is split: the same findings as the two-column layout (a met target that lost points
    without a reason, a score over its points, the 总分 against its rows), placed at the pair's cell (第6列)."""
    two = {(f.code, f.message) for f in _review(tmp_path, _pairs_table(False)) if f.severity is not Severity.INFO}
    found = [f for f in _review(tmp_path, _pairs_table(True)) if f.severity is not Severity.INFO]
    assert {f.code for f in found} >= {"review.target_met_lost", "review.score_over_weight", "review.score_sum"}
    assert {(f.code, f.message) for f in found} == two
    over = next(f for f in found if f.code == "review.score_over_weight")
    assert over.location.place == "表1 第5行第6列"


_WIDE = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


def test_figures_in_full_width_digits_are_read_as_half_width(tmp_path):
    """A table typed with a full-width input method ("２０３０．１２", "１００％"): the same findings as the half-width
    table — here the 按支出性质分 total 1925.67 against 2030.12 (HYPOTHETICAL, laid out as t24), which the funds
    breakdown's pattern did not read in full-width digits."""
    lines = [
        "部门整体支出绩效自评表(2023年度)",
        "年度预算申请(万元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t自评得分",
        "\t年度资金总额\t861.10\t2030.12\t2030.12\t10\t100%\t10",
        "\t按收入性质分:2030.12\t\t\t按支出性质分:1925.67",
    ]
    half = {(f.code, f.location.place) for f in _review(tmp_path, lines)}
    wide = {(f.code, f.location.place) for f in _review(tmp_path, [x.translate(_WIDE) for x in lines])}
    assert "review.funds_parts" in {code for code, _ in half}
    assert wide == half


def test_a_joined_label_over_single_figures_is_not_split(tmp_path):
    """A joined "分值／得分" over cells holding one figure each (HYPOTHETICAL): which of the two each figure is, the
    table does not say — the column is read as before (分值), and no 得分 is reported blank on every row."""
    lines = [re.sub(r"(\d+)／\d+", r"\1", x) for x in _pairs_table(True)]
    assert "\t40\t" in lines[4] and "／" in lines[1]
    assert not [f for f in _review(tmp_path, lines) if f.code == "review.blank_cell"]


def _funds_below(total: str) -> list[str]:
    """The funds block printed below the indicators, the 总分 row last under the indicators' columns (HYPOTHETICAL
    figures: 80 ÷ 100 = 80%, so the funds earn 10 × 80% = 8 of their 10; the rows print 10; 50 + 30 + 10 + 10 = 100)."""
    return [
        "项目支出绩效自评表(2023年度)",
        "项目名称\t某培训项目",
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施",
        "产出指标\t数量指标\t培训人次\t≥100人次\t120人次\t50\t50\t",
        "效益指标\t社会效益指标\t群众知晓率\t≥90%\t95%\t30\t30\t",
        "满意度指标\t服务对象满意度指标\t满意度\t≥90%\t96%\t10\t10\t",
        "项目资金(万元)\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分",
        "年度资金总额\t100\t100\t80\t10\t80%\t10",
        "其中:当年财政拨款\t100\t100\t80\t\t\t",
        f"总分\t\t\t\t\t100\t{total}\t",
    ]


def test_funds_printed_below_the_indicators_are_the_tables_funds(tmp_path):
    """预算执行情况 last (a form some offices print): the funds rows belong to the score table above them, and the 总分
    row after them is the indicators' total — read as a funds row it was "执行率 100 without amounts", and the table
    was read as two (the indicators without their funds, the funds alone) with no total."""
    path = tmp_path / "表.txt"
    path.write_text("\n".join(_funds_below("100")) + "\n", encoding="utf-8")
    result = review_file(path)
    assert len(result.tables) == 1 and result.total == 100
    found = [(f.code, f.location.place) for f in result.findings if f.severity is not Severity.INFO]
    assert found == [("review.funds_score", "表1 第7行第7列")]  # 年度资金总额's 得分: 10 where 8 is due
    path.write_text("\n".join(_funds_below("99")) + "\n", encoding="utf-8")  # 99 against 100: the total is checked
    assert "review.score_sum" in {f.code for f in review_file(path).findings}


def test_a_met_target_scored_by_its_actual_percentage_with_the_unit_in_its_own_column(tmp_path):
    """A block carrying its points ("(40分)") and no 分值 column, the unit in a 度量单位 column ("98 | % | 98", as
    Yunnan's forms print it; t49 prints "98%"): 资料审核 met its 98% and was scored 19.6 = 20 × 98% — points lost on a
    met target (HYPOTHETICAL figures: 10 + 10 + 19.6 = 39.6 of 40)."""
    lines = [
        "项目绩效自评表(2020年度)",
        "年度绩效目标1(40分)\t一级指标\t二级指标\t三级指标\t年初目标值(A)\t度量单位\t实际完成值(B)\t得分",
        "\t产出指标\t质量指标\t监测数据合格率\t100\t%\t100\t10",
        "\t\t进度指标\t资料上报及时率\t100\t%\t100\t10",
        "\t满意度指标\t服务对象满意度指标\t资料审核通过率\t98\t%\t98\t19.6",
    ]
    found = [f for f in _review(tmp_path, lines) if f.code == "review.target_met_lost"]
    assert len(found) == 1 and "资料审核通过率" in found[0].message and "实际完成值98%" in found[0].message


def test_two_tables_side_by_side_in_one_sheet_are_read_as_two(tmp_path):
    """Two projects' tables on one sheet, a blank column between them (HYPOTHETICAL figures): each is its own score
    table, its funds and indicators read under its own header — the right one's 年度资金总额 80 against its parts 50 +
    20 = 70 is found at its own cells; read as one grid, the right table's labels took the left's columns and its
    rows were lost."""
    left = [
        ["项目名称", "甲项目", "", "", "", "", ""],
        ["项目资金(万元)", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""],
        ["年度资金总额", "100", "100", "10", "100%", "10", ""],
        ["其中:财政拨款", "100", "100", "", "", "", ""],
        ["一级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["产出指标", "培训人次", "≥100人次", "120人次", "90", "90", ""],
        ["总分", "", "", "", "100", "100", ""],
    ]
    right = [
        ["项目名称", "乙项目", "", "", "", "", ""],
        ["项目资金(万元)", "全年预算数", "全年执行数", "分值", "执行率", "得分", ""],
        ["年度资金总额", "80", "80", "10", "100%", "10", ""],
        ["其中:财政拨款", "50", "50", "", "", "", ""],
        ["其他资金", "20", "20", "", "", "", ""],
        ["一级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
        ["产出指标", "维修面积", "≥500平方米", "520平方米", "90", "90", ""],
        ["总分", "", "", "", "100", "100", ""],
    ]
    left += [[""] * 7] * (len(right) - len(left))
    lines = ["项目支出绩效自评表(2023年度)"] + ["\t".join([*a, "", *b]) for a, b in zip(left, right, strict=True)]
    path = tmp_path / "表.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = review_file(path)
    assert len(result.tables) == 2
    found = [(f.code, f.location.place) for f in result.findings if f.severity is not Severity.INFO]
    assert ("review.funds_parts", "表1 第3行第10列") in found and len(found) == 2  # 80 vs 70, 全年预算数 and 执行数
