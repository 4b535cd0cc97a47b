"""Planted errors in real tables that the review let pass (bench/review_mutations.py), each on a table made after
the corpus one it was found in (tests/fixtures/review_corpus)."""

from __future__ import annotations

from pathlib import Path

from jixiao.review import review_file

# t03 (大英县司法局 2023): a MoF project table whose stored text begins after its funds rows — the indicators'
# block "绩效指标(90分)" (one indicator of 90), then 合计 100 (90 indicators + 10 funds); the funds rows and their
# 10 points are on the part before the cut.
_T03_TAIL = """绩效指标(90分)\t一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t完成值\t权重\t得分\t\
未完成原因分析
\t产出指标\t经济成本指标\t成本控制数\t≤\t30\t万元\t完成\t90\t90\t
合计\t{total}\t\t\t\t\t\t\t\t\t
评价结论\t根据财政局资金下达的管理办法,将资金支付给项目施工方。
"""


def _messages(tmp_path: Path, text: str, code: str) -> list[str]:
    """The messages of `code` on the table `text` reviewed as a .txt file."""
    path = tmp_path / "t.txt"
    path.write_text(text, encoding="utf-8")
    return [f.message for f in review_file(path).findings if f.code == code]


def _weight_sums(tmp_path: Path, total: str) -> list[str]:
    return _messages(tmp_path, _T03_TAIL.format(total=total), "review.weight_sum")


def test_a_cut_mof_tables_total_above_the_full_score(tmp_path):
    # 90 (the block) + 10 (the funds row, cut off) = 100; 101 cannot be the total of a hundred-point table
    found = _weight_sums(tmp_path, "101")
    assert len(found) == 1 and "101" in found[0] and "超过满分100分" in found[0]


def test_a_cut_mof_tables_total_of_the_full_score_passes(tmp_path):
    assert _weight_sums(tmp_path, "100") == []


# t33 (保山市退役军人事务局 春节走访慰问经费 2022): the total row names the full score it is out of, "总分(100分) |
# 100 | 自评等级 | 优", under funds 20 + indicators 20 + 20 + 20 + 10 + 10 = 100; the stored text is cut after it.
_T33 = """2022年度项目支出绩效自评表
项目名称\t春节走访慰问经费
预算执行情况(万元) (20分)\t\t预算数(A)\t执行数(B)\t执行率(B/A)\t得分 (20分*执行率)
\t年度财政资金总额\t34.64\t34.64\t100%\t20
年度绩效目标 (80分)\t一级指标\t二级指标\t三级指标\t年初目标值(A)\t实际完成值(B)\t得分
\t产出指标(60分)\t数量指标\t慰问重点优抚对象150人\t100%\t100%\t20
\t\t质量指标\t补助经费足额拨付率\t100%\t100%\t20
\t\t时效指标\t春节前完成走访慰问\t按时限完成\t100%\t20
\t效益指标(10分)\t社会效益指标\t重点优抚对象总体保持稳定\t小于5次\t无上访\t10
\t满意度指标(10分)\t服务对象满意度指标\t重点优抚对象满意率\t100%\t100%\t10
总分(100分)\t{total}\t自评等级\t{grade}
改进措施及 结果应用方案\t无
〔以下原文未存〕
"""


def _codes(tmp_path: Path, total: str, grade: str) -> list[str]:
    path = tmp_path / "t.txt"
    path.write_text(_T33.format(total=total, grade=grade), encoding="utf-8")
    return [f.code for f in review_file(path).findings if f.severity.value != "提示"]


def test_a_total_row_with_its_full_score_is_the_total(tmp_path):
    assert "review.grade" in _codes(tmp_path, "100", "良")  # 100 points are 优
    assert "review.score_sum" in _codes(tmp_path, "95", "优")  # 20 + 20 + 20 + 20 + 10 + 10 = 100, not 95
    assert not {"review.grade", "review.score_sum"} & set(_codes(tmp_path, "100", "优"))


# t17 (渔业成品油价格改革补贴 2020): the funds row states its rate as a whole fraction, 1 — 100% —, and 20 points.
_T17 = """2020年度项目自评表
项目名称\t渔业成品油价格改革补贴
预算执行情况(万元)(20分)\t\t预算数(A)\t执行数(B)\t执行率(B/A)\t得分(20分*执行率)
\t年度财政资金总额\t1.56\t{executed}\t1\t20
〔以下原文未存〕
"""


def _rate_findings(tmp_path: Path, executed: str) -> list[str]:
    return _messages(tmp_path, _T17.format(executed=executed), "review.execution_rate")


def test_a_rate_written_as_a_whole_one_is_a_hundred_percent(tmp_path):
    # 1.65 / 1.56 = 105.77% and 1.6 / 1.56 = 102.56%: neither is 100% to half a point (both round to 1 as a whole)
    for executed, exact in (("1.65", "105.77%"), ("1.6", "102.56%")):
        found = _rate_findings(tmp_path, executed)
        assert len(found) == 1 and exact in found[0] and "按100%计" in found[0]
    # 1.556 / 1.56 = 99.74%, 100% to half a point; 1.56 / 1.56 = 100%
    assert _rate_findings(tmp_path, "1.556") == [] and _rate_findings(tmp_path, "1.56") == []


# t54 (海南 商务服务贸易 scores): a three-level table of weights and scores cut inside its last 一级 group, 项目绩效
# (55): its 二级 group 项目产出 (15 = 5 + 4 + 3 + 3) is whole, 项目效益 (40) begun and cut.
_T54 = """一级指标\t分值\t二级指标\t分值\t三级指标\t分值\t得分
项目决策\t20\t项目目标\t4\t目标内容\t4\t4
\t\t决策过程\t8\t决策依据\t3\t3
\t\t\t\t决策程序\t5\t5
\t\t资金分配\t8\t分配办法\t2\t2
\t\t\t\t分配结果\t6\t6
项目绩效\t55\t项目产出\t15\t产出数量\t5\t5
\t\t\t\t产出质量\t4\t4
\t\t\t\t产出时效\t{weight}\t3
\t\t\t\t产出成本\t3\t3
\t\t项目效益\t40\t经济效益\t10\t10
〔以下原文未存〕
"""


def _weight_findings(tmp_path: Path, weight: str) -> list[str]:
    return _messages(tmp_path, _T54.format(weight=weight), "review.weight_sum")


def test_a_closed_group_of_a_cut_level_adds_up(tmp_path):
    found = _weight_findings(tmp_path, "33")  # 5 + 4 + 33 + 3 = 45, not 15
    assert len(found) == 1 and "项目产出" in found[0] and "45" in found[0]
    # 项目效益 (40) shows 10 before the cut: no finding on it, nor on 项目绩效 (55)
    assert _weight_findings(tmp_path, "3") == []
