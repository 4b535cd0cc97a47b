"""The year evaluated on forms the corpus holds too rarely (review/years.py, review/identity.py; docs/review.md
"Identity"): a year's budget at its start ("2022年年初专项经费") is the year's, a date early in a year is not; a
project's name that carries its funds' year, filled in on a date that says another year, gives no year.

Each document is made by hand after the corpus document named beside it.
"""

from __future__ import annotations

from .test_review_identity_robust import _review


def test_a_year_s_budget_at_its_start_is_the_year_s(tmp_path):
    """corpus n214: "长沙市城市建设档案馆2022年年初专项经费指标总额为84万元" — the year's money; "2021年年初，省委、
    省政府印发了……" (n147) dates an act early in a year and gives none."""
    text = (
        "项目运行绩效监控报告\n一、项目支出基本情况\n长沙市城市建设档案馆2022年年初专项经费指标总额为84万元，"
        "用于档案保护保管。\n二、绩效目标完成情况\n按计划推进，资金执行率60%。\n"
    )
    assert _review(tmp_path, text).year == 2022
    assert _review(tmp_path, text.replace("2022年年初专项经费", "2022年初预算"), "b.txt").year == 2022
    act = text.replace("长沙市城市建设档案馆2022年年初专项经费指标", "2021年年初，省委印发了行动计划，专项经费指标")
    assert _review(tmp_path, act, "act.txt").year is None


def test_a_project_s_name_year_against_a_fill_in_date_of_another_year(tmp_path):
    """corpus t79: "项目名称 2019年新型农业经营主体扶持项目" on a form filled in on 2022年7月5日 — the name's year is
    its funds', the date's says 2021: two readings that disagree give no year. Filled in on 2020年3月, both say
    2019."""
    text = (
        "项目支出绩效自评表\n单位名称:施甸县农业农村局\t填报日期:2022年7月5日\n"
        "项目名称\t2019年新型农业经营主体扶持项目\n主管部门\t施甸县农业农村局\t项目实施单位\t施甸县农业农村局\n"
        "预算执行情况(万元)(20分)\t\t预算数(A)\t执行数(B)\t执行率(B/A)\t得分\n\t年度财政资金总额\t650\t94\t0.1\t2.9\n"
    )
    assert _review(tmp_path, text).year is None
    assert _review(tmp_path, text.replace("2022年7月5日", "2020年3月5日"), "same.txt").year == 2019


def test_the_one_year_the_part_headings_name(tmp_path):
    """corpus n245: a 部门决算 whose head describes the unit only, its parts headed "第二部分 2019年度部门决算报表" and
    "第三部分 2019年度部门决算情况说明" — 2019. A heading of the next year's plan ("2020年度预算安排") is none, and
    headings of two years give none."""
    text = (
        "第一部分 部门概况\n一、职能职责\n1.对区人民代表大会负责并做报告，接受区人民代表大会及其常委会的监督；\n"
        "2.贯彻落实区委的安排部署；\n"
        + "".join(f"{i}.依法履行第{i}项检察职能，接受上级院的领导；\n" for i in range(3, 14))
        + "第二部分 2019年度部门决算报表\n（见附件）\n"
        "第三部分 2019年度部门决算情况说明\n收、支总计2,261.82万元。\n"
    )
    assert _review(tmp_path, text).year == 2019
    plan = text + "第四部分 2020年度预算安排\n继续压减一般性支出。\n"
    assert _review(tmp_path, plan, "plan.txt").year == 2019
    two = text.replace("第三部分 2019年度", "第三部分 2018年度")
    assert _review(tmp_path, two, "two.txt").year is None


def test_the_year_a_form_s_overall_completion_says_it_worked_in(tmp_path):
    """corpus t08: a department's form whose title and 填报日期 a scan lost; under "全年目标实际完成情况" the cell
    says "中心2021年较好地完成了履职任务" — 2021. A completion that speaks of the next year too names none."""
    text = (
        "部门整体绩效自评表\n主管部门\t\t财政处室\t\t自评总分(分)\t97.6\n部门联系人\t曾雪莲\t联系电话\t\n"
        "部门预算执行情况\t年初预算数\t全年预算数\t全年执行数\t执行率(%)\t执行率权重\t执行率得分(分)\n"
        "\t100\t100\t76\t76%\t10\t7.6\n"
        "当年绩效目标\t年初绩效目标\t全年(调整)绩效目标\t全年目标实际完成情况\n"
        "\t无\t保障融媒体中心正常运转。\t中心2021年较好地完成了履职任务，有效开展了新闻宣传管理工作。\n"
        "指标名称\t计量单位\t指标性质\t年初指标值\t实际完成值\t指标权重(分)\t指标得分(分)\n"
        "宣传报道\t篇\t≥\t100\t120\t10\t10\n"
    )
    assert _review(tmp_path, text).year == 2021
    later = text.replace("新闻宣传管理工作。", "新闻宣传管理工作，2022年将继续加强。")
    assert _review(tmp_path, later, "later.txt").year is None
