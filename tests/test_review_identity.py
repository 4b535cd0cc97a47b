"""Who and when: the department, implementing unit, year and region the review reads from a document it has never
seen (review/identity.py), and how that reading is scored against the corpus truth (review/identity_score.py).

The documents are cut down from corpus documents (tests/fixtures/review_corpus/<id>/document.txt), named beside
each test; the policy they hold is docs/review.md's "Identity".
"""

from __future__ import annotations

from pathlib import Path

from jixiao.review import review_file
from jixiao.review.identity_score import judge_identity, same_name, truth_name
from jixiao.review.output import review_to_dict


def _review(tmp_path: Path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return review_file(path)


# corpus t11: a MoF project table naming both its 主管部门 and its 实施单位
MOF_HEAD = """项目支出绩效自评表
(2019年度)
项目名称	学校运转经费
主管部门	廊坊市发改委	实施单位	廊坊市食品工程学校
项目资金(万元)		年初预算数	全年预算数	全年执行数	分值	执行率	得分
	年度资金总额	100	100	100	10	100%	10
"""


def test_a_project_table_is_filed_under_its_competent_department_with_its_unit_beside(tmp_path):
    """A project form's department is the 主管部门 that answers for the self-evaluation; the unit that spent the
    money is kept as `unit` and shown in the text, the JSON and the opinion (docs/review.md, "Identity")."""
    result = _review(tmp_path, MOF_HEAD)
    assert (result.department, result.unit) == ("廊坊市发改委", "廊坊市食品工程学校")
    assert review_to_dict(result)["unit"] == "廊坊市食品工程学校"


def test_a_blank_competent_department_is_no_label_value(tmp_path):
    """corpus t04: "主管部门 | (blank) | 实施单位 | 天长市水利局" — the next cell is the next label, not a name: the
    department falls back to the only unit named."""
    text = MOF_HEAD.replace("廊坊市发改委", "").replace("廊坊市食品工程学校", "天长市水利局")
    result = _review(tmp_path, text)
    assert (result.department, result.unit) == ("天长市水利局", "天长市水利局")


def test_a_central_ministry_is_not_the_department_of_a_transfer(tmp_path):
    """corpus t39: a transfer's regional table names the ministry that allocated the money as 主管部门; the unit
    that reports is the local one (资金使用单位)."""
    text = """中央对地方转移支付区域绩效自评表
(2024年度)
转移支付(项目)名称	就业补助资金
主管部门	人力资源社会保障部
地方主管部门	安徽省人力资源和社会保障厅	资金使用单位	淮南市田家庵区人力资源和社会保障局
项目资金(万元)		年初预算数	全年预算数	全年执行数	分值	执行率	得分
	年度资金总额	100	100	100	10	100%	10
"""
    result = _review(tmp_path, text)
    assert result.department == "淮南市田家庵区人力资源和社会保障局"
    assert result.unit == "淮南市田家庵区人力资源和社会保障局"


def test_a_form_printed_as_text_names_its_unit_after_spaces(tmp_path):
    """corpus t70: "项目单位       汨罗市城市公共汽车公司" / "主管部门       汨罗市交通运输局", lines of text."""
    text = """汨罗市2017年度财政支出项目绩效自评报告
项目名称       城市公交低票价补贴
项目单位       汨罗市城市公共汽车公司
主管部门       汨罗市交通运输局
项目资金共计100万元，全部用于公交票价补贴，按时足额拨付到位，执行率100%，达到了年初设定的目标。
"""
    result = _review(tmp_path, text)
    assert (result.department, result.unit) == ("汨罗市交通运输局", "汨罗市城市公共汽车公司")


def test_the_scorer_reads_the_truth_without_its_notes_and_files_a_unit_with_its_places():
    assert truth_name("山东省财政厅 (publisher)") == "山东省财政厅"
    assert truth_name("县交通运输局(县名未载)") == "县交通运输局"
    assert truth_name("(镇,名称未载)") == "" and truth_name(None) == ""
    assert truth_name("罗城仫佬族自治县(某乡)") == "罗城仫佬族自治县"
    assert same_name("岳阳市南湖新区民政局", "南湖新区民政局")
    assert not same_name("临夏州退役军人事务局", "临夏市退役军人事务局")
    assert not same_name("县司法局", "紫金县司法局")  # the county is the name's own part, not a place before it


def test_the_scorer_counts_a_wrong_year_apart_from_an_honest_unknown(tmp_path):
    result = _review(tmp_path, MOF_HEAD)
    truth = {"kind": "project_table", "province": "河北省", "department": "廊坊市发改委", "year": None}
    score = judge_identity("t", truth, result, result.rulebook_id)
    assert score.outcomes["year"] == "spurious"  # the truth says the year is not stated; 2019 was read
    assert score.outcomes["department"] == "right" and "unit" not in score.outcomes  # no implementing_unit: unscored
