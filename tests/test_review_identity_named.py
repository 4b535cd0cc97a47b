"""A report's department where it names itself as real reports do and the corpus shows too rarely (review/identity.py;
docs/review.md "Identity"): a report that speaks as 我厅 under its page's 发布机构 line, and a unit's short name
defined in brackets after its whole one ("山东省残疾人联合会(以下简称“省残联”)").

Each document is made by hand after the corpus document named beside it.
"""

from __future__ import annotations

from .test_review_identity_robust import _review

_BODY = (
    "一、项目基本情况\n2023年，我厅对省级专项资金使用情况进行了自评，资金到位率100%，执行率98%。\n"
    "二、绩效目标完成情况\n全面完成年初确定的各项目标任务，达到了预期的绩效目标。\n三、存在问题\n个别项目进度偏慢。\n"
)
_TITLE = "2023年度省级专项资金绩效自评报告\n"


def test_a_report_speaking_as_我厅_under_its_page_s_publisher(tmp_path):
    """corpus n254 ("我厅委托第三方机构开展2018年度省级专项资金绩效评价", the 住建厅's name only on its site): a page
    that prints its publisher over the text — "发布机构 福建省住房和城乡建设厅", with or without a colon — names the
    unit that says 我厅. A publisher of another kind than the unit that speaks (a 局's page, 我厅), or a report that
    says only 我单位 (corpus n253: a 机关事务局 publishes its 公务用车保障中心's report), names no one this way."""
    published = "索引号 001\n发布机构 福建省住房和城乡建设厅\n发布日期 2024-03-01\n"
    assert _review(tmp_path, published + _TITLE + _BODY).department == "福建省住房和城乡建设厅"
    colon = "发布机构：福建省住房和城乡建设厅  发布日期：2024-03-01\n" + _TITLE + _BODY
    assert _review(tmp_path, colon, "colon.txt").department == "福建省住房和城乡建设厅"
    bureau = published.replace("福建省住房和城乡建设厅", "福州市机关事务管理局")
    assert _review(tmp_path, bureau + _TITLE + _BODY, "bureau.txt").department == ""
    generic = published + _TITLE + _BODY.replace("我厅", "我单位")
    assert _review(tmp_path, generic, "generic.txt").department == ""


def test_a_short_name_defined_after_the_whole_one(tmp_path):
    """corpus n251: "山东省残疾人联合会(以下简称“省残联”)是……" — wherever a reading finds 省残联 (here the unit a
    project report's opening says evaluated), the department is the whole name the document defined, not 省残联
    placed in the document's one province (山东省残联)."""
    text = (
        "2023年度残疾人康复专项资金绩效自评报告\n山东省残疾人联合会（以下简称“省残联”）是全省残疾人事业的主管单位。\n"
        "一、项目基本情况\n2023年，省残联对残疾人康复专项资金使用情况进行了自评，资金到位率100%。\n"
        "二、绩效目标完成情况\n省残联全面完成年初确定的各项目标任务。\n"
    )
    assert _review(tmp_path, text).department == "山东省残疾人联合会"


def test_the_unit_a_project_s_leading_group_s_office_sits_in(tmp_path):
    """corpus n57: "……保山市推进电子商务进农村综合示范工作领导小组。领导小组办公室设在市商务局" — the unit that runs the
    programme, made whole by the one city named; offices seated in two units name none."""
    text = (
        "2019年度项目绩效自评报告(电子商务进农村示范项目资金)\n一、项目基本情况\n"
        "保山市人民政府成立了保山市推进电子商务进农村综合示范工作领导小组。领导小组办公室设在市商务局，负责统筹协调。\n"
        "二、绩效目标完成情况\n项目资金执行率100%，全面完成年初确定的各项目标任务。\n"
    )
    assert _review(tmp_path, text).department == "保山市商务局"
    two = text.replace("负责统筹协调。", "负责统筹协调。物流工作小组办公室设在市交通运输局。")
    assert _review(tmp_path, two, "two.txt").department == ""


def test_a_unit_that_calls_itself_我_with_its_name_but_no_place(tmp_path):
    """corpus n62: "年初预算安排我公路建设养护中心……项目174万元" in a report that speaks as a county ("全县", "县财政")
    and names one county — 桂阳县's centre. A report that speaks as a county and a city, or names two counties,
    leaves it unplaced: no department."""
    text = (
        "为贯彻落实全面实施预算绩效管理要求，县财政预算安排“四好农村公路”建设工程174万元，用于全县农村公路提质。"
        "根据《桂阳县财政局关于开展绩效评价工作的通知》要求，现将绩效自评情况报告如下：\n一、项目基本情况\n"
        "年初预算安排我公路建设养护中心“四好农村公路”建设工程项目174万元，实际下达预算指标173.65万元。\n"
        "二、绩效目标完成情况\n完成26条路线的养护，资金使用率100%。\n"
    )
    assert _review(tmp_path, text).department == "桂阳县公路建设养护中心"
    city = text.replace("资金使用率100%。", "资金使用率100%，得到全市推广。")
    assert _review(tmp_path, city, "city.txt").department == ""
    two = text.replace("资金使用率100%。", "资金使用率100%，嘉禾县前来学习。")
    assert _review(tmp_path, two, "two.txt").department == ""


def test_the_province_of_a_unit_a_line_of_its_own_labels_after_the_head(tmp_path):
    """corpus n24: a township's report (its department the 项目实施单位, 更戛乡人民政府) that names its county once,
    on a line of its own far below the head ("项目主管部门:昌宁县农业农村局。") — the report's place; a county named
    once in passing (a place it learnt from) places it nowhere."""
    head = "更戛乡2021年中央动物防疫等补助经费项目支出绩效自评报告\n" + "".join(
        f"{i}.重大动物强制免疫第{i}项指标，年初目标值≥90%，实际完成值≥90%，自评得分10分；\n" for i in range(1, 14)
    )
    labelled = head + "项目主管部门:昌宁县农业农村局。\n项目实施单位:更戛乡人民政府。\n"
    assert _review(tmp_path, labelled).province == "云南省"
    assert _review(tmp_path, head + "学习借鉴昌宁县农业农村局的做法。\n", "passing.txt").province == ""
