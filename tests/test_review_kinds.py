"""A report's kind on forms the corpus holds too rarely (review/kinds.py; docs/review.md "Identity"): a title naming
both the department's whole spending and its projects where a page saved from a site prints its particulars
first, and a report of the unit's year of duties and tasks with no title, whose projects are its works.

Each document is made by hand after the corpus document named beside it.
"""

from __future__ import annotations

from .test_review_identity_robust import _review

_SITE = "- 大英县机关事务管理局\n-\n索引号dyx/2025-00012\n-\n发布机构大英县机关事务局\n-\n发布日期2025-07-03\n"
_BODY = (
    "为贯彻落实全面实施预算绩效管理要求，我单位及时对2024年部门整体和项目支出绩效情况进行自查自评，现报告如下：\n"
    "一、部门基本情况\n大英县公务用车保障中心为二级预算单位，内设3个科室，核定事业编制4名，在职在编人员4人。\n"
    "二、项目支出情况\n车辆运行维护项目预算12万元，实际支出11.8万元，执行率98.3%，达到了年初设定的绩效目标。\n"
)


def test_a_title_on_both_the_whole_spending_and_the_projects_after_a_site_s_particulars(tmp_path):
    """corpus n253: "开远市市级机关公务用车保障中心2024年度部门整体和项目支出绩效自评报告" under the site's 索引号,
    发布机构 and 发布日期 lines — the department's report with its projects, though its title ends as a project's
    does; its place among the site's lines does not change what it says."""
    title = "大英县公务用车保障中心2024年度部门整体和项目支出绩效自评报告\n"
    assert _review(tmp_path, title + _BODY).kind == "narrative_department"
    assert _review(tmp_path, _SITE + title + _BODY, "site.txt").kind == "narrative_department"
    project = _SITE + "大英县公务用车保障中心2024年度车辆运行维护项目支出绩效自评报告\n" + _BODY
    assert _review(tmp_path, project, "project.txt").kind == "narrative_project"


def test_a_report_of_the_unit_s_year_of_duties_is_the_department_s(tmp_path):
    """corpus n257: a 市卫生健康委's yearly summary with no title ("对照日常履职清单逐项梳理年度任务完成情况"), whose
    first 项目 is one of the works it lists — the department's report; a project's report that speaks of its
    project first stays a project's."""
    text = (
        "根据市政府办公厅关于做好2023年度绩效管理年终考评工作的通知要求，我们对照日常履职清单逐项梳理年度任务完成情况。\n"
        "一、总体情况\n2023年，市卫生健康委坚决落实市委市政府各项决策部署，46项市级绩效任务全部完成。\n"
        "二、主要做法和工作成效\n一是加快市属医疗资源疏解项目规划建设，友谊医院通州院区二期开诊运行。\n"
    )
    assert _review(tmp_path, text).kind == "narrative_department"
    project = "一、项目基本情况\n疏解项目总投资2亿元，当年完成投资1.5万元。\n" + text
    assert _review(tmp_path, project, "project.txt").kind == "narrative_project"
