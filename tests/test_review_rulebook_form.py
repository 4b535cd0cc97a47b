"""Review chooses a rulebook of a form of its own (`review.form`: hubei/project/2020, hubei-guangshui/project/2021,
ningxia-yinchuan/project/2021) by itself where the document shows that form — its region, a kind the form is filled
as, a year the form was seen in, the words it prints — and says why; and not where the document lacks any of them,
saying what it lacks. Every corpus document of each form is chosen, every other one of the region is not."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.review import kinds, review_file
from jixiao.review.corpus import load_corpus
from jixiao.review.output import render_review_text
from jixiao.review.vocabulary import norm, vocabulary
from jixiao.scoring.review_form import DOCUMENT_KINDS
from jixiao.scoring.rulebook import load_rulebook_with_problems

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "review_corpus"

HUBEI_FORM = [  # 湖北's 20 + 80 point form, each printing “得分(20分*执行率)”
    "t26-hubei-huangshi-library-project-2022",
    "t47-hubei-xiangyang-central-hospital-dongjin-2021",
    "t49-hubei-huanggang-soil-conservation-monitoring-2020",
    "t52-hubei-huanggang-archives-project-2020",
    "t61-hubei-huangshi-sponge-city-application-2022",
    "t69-hubei-ezhou-science-association-popularization-2022",
]


SICHUAN_2023_FORM = [  # 四川's 部门预算项目支出绩效自评表 of 2023 (报表编号 510000_0013zp), three cities
    "t02-sichuan-qingshen-fgj-project-2023",
    "t03-sichuan-daying-sfj-project-2023",
    "t21-sichuan-nanchong-lyj-project-2023",
    "t75-sichuan-daying-medical-insurance-project-2023",
]


def _review(doc: str):
    return review_file(CORPUS / doc / "document.txt")


def _findings_as_national(doc: str, result) -> bool:
    """The document's findings under its chosen rulebook are those under the national rules: none gained or lost."""
    national = review_file(CORPUS / doc / "document.txt", "mof/project/2020")
    return sorted((f.code, f.message) for f in result.findings) == sorted(
        (f.code, f.message) for f in national.findings
    )


@pytest.mark.parametrize("doc", HUBEI_FORM)
def test_hubei_form_is_chosen_by_what_it_prints(doc):
    result = _review(doc)
    assert result.rulebook_id == "hubei/project/2020"
    assert "文件属湖北省" in result.rulebook_reason and "印有该表式的“得分(20分*执行率)”" in result.rulebook_reason
    assert f"{result.year}年度在该表式见于的2020—2022年度内" in result.rulebook_reason
    # the reason is printed with the rulebook
    assert f"指标体系：hubei/project/2020（{result.rulebook_reason}）" in render_review_text(result)
    # and the form's rulebook finds what the national rules found (no finding gained or lost)
    national = review_file(CORPUS / doc / "document.txt", "mof/project/2020")
    found = sorted((f.code, f.message) for f in result.findings)
    assert found == sorted((f.code, f.message) for f in national.findings)


def test_a_county_hundred_point_project_table_meets_its_project_rulebook():
    """Corpus t07 (广水市交通运输局): a hundred-point table, matched against project rulebooks by its form; its
    text names 广水 and not its city 随州."""
    result = _review("t07-hubei-guangshui-jtj-project-2021")
    assert result.kind == "hundred_point_table"
    assert result.rulebook_id == "hubei-guangshui/project/2021"
    assert "文件属湖北省随州市广水市，为百分制多级指标评分表" in result.rulebook_reason
    assert "“评价标准及依据”“项目决策2分”“项目管理13分”" in result.rulebook_reason


def test_yinchuan_hundred_point_project_table_meets_its_rulebook():
    result = _review("t06-ningxia-yinchuan-no6school-project-2021")
    assert result.rulebook_id == "ningxia-yinchuan/project/2021"
    assert "“项目决策(10分)”“项目管理(25分)”“项目效益(35分)”" in result.rulebook_reason


def test_hubei_documents_of_other_forms_keep_the_national_rules_and_say_why():
    """湖北's units also fill the MoF table (t09) and the transfer-payment form (t36): not the 20 + 80 form."""
    for doc in ("t09-hubei-ezhou-xzspj-project-2021", "t36-hubei-xianning-air-pollution-transfer-2021"):
        result = _review(doc)
        assert result.rulebook_id == "mof/project/2020", doc
    ident = kinds.Identity(department="咸宁市生态环境局", year=2021, province="湖北省")
    chosen, reason = kinds.choose_rulebook("project_table", ident, "咸宁市区域绩效自评表", set())
    assert chosen == "mof/project/2020"
    title = "湖北省项目支出绩效自评表（预算执行情况20分、年度绩效目标80分）"
    assert f"未选用“{title}”：未印该表式的“得分(20分*执行率)”" in reason
    assert "暂无本地区指标体系" not in reason  # 湖北 has one: the document is not of its form


def test_the_same_form_elsewhere_or_in_an_unknown_province_is_not_hubeis():
    """保山 (t33, t57) prints the same 20 + 80 form; t17 prints it with no province: none is 湖北's."""
    for doc in (
        "t33-yunnan-baoshan-veterans-spring-visits-2022",
        "t57-yunnan-changning-supply-coop-pig-farm-2022",
        "t17-unknown-district-fishing-project-2020",
        "t13-unknown-district-commerce-project-2020",
    ):
        assert _review(doc).rulebook_id != "hubei/project/2020", doc


def test_baoshans_copy_of_the_form_is_baoshans():
    """保山市退役军人事务局 (t33) names 保山 and prints “得分 (20分*执行率)”: 保山's rulebook. 昌宁县 (t57), a county of
    保山 on the same form, names its county only: not placed in 保山, it keeps the national rules. 保山市能源局 2023
    (t60) filled another form, in a year the 20 + 80 form was not seen in 保山: 保山's 2023 form, its 90-point
    项目支出绩效指标表 printed apart."""
    result = _review("t33-yunnan-baoshan-veterans-spring-visits-2022")
    assert result.rulebook_id == "yunnan-baoshan/project/2022"
    assert "文件属云南省保山市，为项目支出绩效自评表，2022年度在该表式见于的2022年度内" in result.rulebook_reason
    assert _review("t57-yunnan-changning-supply-coop-pig-farm-2022").rulebook_id == "mof/project/2020"
    later = _review("t60-yunnan-baoshan-energy-bureau-project-2023")
    assert later.rulebook_id == "yunnan-baoshan/project/2023"
    assert "印有该表式的“项目支出绩效指标表”“指标性质”" in later.rulebook_reason
    assert _findings_as_national("t60-yunnan-baoshan-energy-bureau-project-2023", later)
    assert "未选用“保山市项目支出绩效自评表" in later.rulebook_reason and "2023年度不在该表式见于的2022年度内" in (
        later.rulebook_reason
    )


def test_a_year_outside_the_forms_or_none_is_not_chosen():
    text = norm("湖北省黄石市图书馆预算执行情况(万元)(20分)得分 (20分*执行率)")  # as the review compares text
    later = kinds.Identity(department="黄石市图书馆", year=2023, province="湖北省")
    chosen, reason = kinds.choose_rulebook("project_table", later, text, set())
    assert chosen == "mof/project/2020" and "2023年度不在该表式见于的2020—2022年度内" in reason
    unknown = kinds.Identity(department="黄石市图书馆", year=None, province="湖北省")
    chosen, reason = kinds.choose_rulebook("project_table", unknown, text, set())
    assert chosen == "mof/project/2020" and "未识别年度（该表式见于2020—2022年度）" in reason
    within = kinds.Identity(department="黄石市图书馆", year=2021, province="湖北省")
    assert kinds.choose_rulebook("project_table", within, text, set())[0] == "hubei/project/2020"
    # the form is a project form: a department's table printing the words is not it
    assert kinds.choose_rulebook("department_table", within, text, set())[0] != "hubei/project/2020"


def test_a_county_form_needs_its_county_and_its_marks():
    marks = "评价标准及依据项目决策2分项目管理13分"
    ident = kinds.Identity(department="某局", year=2021, province="湖北省")
    assert kinds.choose_rulebook("hundred_point_table", ident, "广水市" + marks, set())[0] == (
        "hubei-guangshui/project/2021"
    )
    assert kinds.choose_rulebook("hundred_point_table", ident, "随县" + marks, set())[0] is None  # another county
    chosen, reason = kinds.choose_rulebook("hundred_point_table", ident, "广水市评价标准及依据项目决策2分", set())
    assert chosen is None and "未印该表式的“项目管理13分”" in reason
    # 银川's weights in another province's hundred-point table (海南, t54: 项目决策 20 / 项目管理 25) do not choose it
    assert _review("t54-hainan-commerce-service-trade-scores").rulebook_id is None


def test_no_other_corpus_document_gets_a_form_rulebook():
    """Across the corpus (the .txt of each), the form rulebooks go to their own documents only."""
    own = {
        "hubei/project/2020": set(HUBEI_FORM),
        "hubei-guangshui/project/2021": {"t07-hubei-guangshui-jtj-project-2021"},
        "ningxia-yinchuan/project/2021": {"t06-ningxia-yinchuan-no6school-project-2021"},
        "yunnan-baoshan/project/2022": {"t33-yunnan-baoshan-veterans-spring-visits-2022"},
        "beijing-haidian/project/2016": {"t29-beijing-haidian-xueyuanlu-cleaning-project-2016"},
        "xinjiang-fukang/project/2023": {"t30-xinjiang-fukang-statistics-project-2023"},
        "sichuan/project/2023": set(SICHUAN_2023_FORM),
        "yunnan-baoshan/project/2023": {"t60-yunnan-baoshan-energy-bureau-project-2023"},
    }
    seen = 0
    for doc in load_corpus():
        if not str(doc.truth.get("province") or "").startswith(("湖北", "宁夏", "云南", "北京", "新疆", "四川")):
            continue  # a form rulebook is of its province only
        seen += 1
        chosen = _review(doc.folder.name).rulebook_id
        for rid, docs in own.items():
            assert (chosen == rid) == (doc.folder.name in docs), (doc.folder.name, chosen)
    assert seen > 8


@pytest.mark.parametrize(
    ("doc", "rid", "marks"),
    [
        # 海淀's form prints its scoring method beside each row (得分计算方法), the funds row's
        # “执行率*该指标分值,最高不得超过分值上限”; 阜康's its 指标值设置依据 and 指标赋分规则 columns
        (
            "t29-beijing-haidian-xueyuanlu-cleaning-project-2016",
            "beijing-haidian/project/2016",
            "“得分计算方法”“执行率*该指标分值,最高不得超过分值上限”",
        ),
        (
            "t30-xinjiang-fukang-statistics-project-2023",
            "xinjiang-fukang/project/2023",
            "“指标值设置依据”“指标赋分规则”",
        ),
    ],
)
def test_a_district_or_county_project_form_is_chosen_by_what_it_prints(doc, rid, marks):
    result = _review(doc)
    assert result.rulebook_id == rid
    assert f"为项目支出绩效自评表，{result.year}年度在该表式见于的{result.year}年度内" in result.rulebook_reason
    assert f"且印有该表式的{marks}" in result.rulebook_reason
    # the form's rulebook finds what the national rules found (no finding gained or lost)
    assert _findings_as_national(doc, result)


def test_the_funds_formula_alone_or_another_place_or_year_is_not_haidians():
    """贵州's 绥阳县太白镇 (t12) prints the same funds formula on a department's form: not 海淀's. A 北京 table of
    another district, or of 海淀 in another year, or without the 得分计算方法 column keeps the national rules."""
    assert _review("t12-guizhou-suiyang-taibai-dept-2021").rulebook_id != "beijing-haidian/project/2016"
    printed = norm("北京市海淀区某街道办事处得分计算方法执行率*该指标分值,最高不得超过分值上限。")
    ident = kinds.Identity(department="某街道办事处", year=2016, province="北京市")
    assert kinds.choose_rulebook("project_table", ident, printed, set())[0] == "beijing-haidian/project/2016"
    elsewhere = printed.replace("海淀区", "朝阳区")
    assert kinds.choose_rulebook("project_table", ident, elsewhere, set())[0] == "mof/project/2020"
    later = kinds.Identity(department="某街道办事处", year=2017, province="北京市")
    chosen, reason = kinds.choose_rulebook("project_table", later, printed, set())
    assert chosen == "mof/project/2020" and "2017年度不在该表式见于的2016年度内" in reason
    chosen, reason = kinds.choose_rulebook("project_table", ident, norm("北京市海淀区某街道办事处得分计算方法"), set())
    assert chosen == "mof/project/2020" and "未印该表式的“执行率*该指标分值,最高不得超过分值上限”" in reason


@pytest.mark.parametrize("doc", SICHUAN_2023_FORM)
def test_sichuans_2023_project_form_is_chosen_by_its_funds_header(doc):
    """The province's form prints “预算执行情况(10分)” over 年度预算数(万元) … 调整后预算数 (where t75's stored text
    ends)."""
    result = _review(doc)
    assert result.rulebook_id == "sichuan/project/2023"
    assert "文件属四川省，为项目支出绩效自评表，2023年度在该表式见于的2023年度内" in result.rulebook_reason
    assert _findings_as_national(doc, result)


def test_sichuans_other_project_tables_keep_the_national_rules_and_say_why():
    """四川's transfer-payment forms (t40 2023, t35, t55, t66 2021) are not the budget form; a 2022 table printing its
    header is outside the year it was seen in."""
    for doc in (
        "t40-sichuan-guangyuan-chaotian-fitness-center-transfer-2023",
        "t35-sichuan-anju-food-supervision-transfer-2021",
        "t55-sichuan-wangcang-essential-drugs-transfer-2021",
    ):
        result = _review(doc)
        assert result.rulebook_id == "mof/project/2020", doc
    later = _review("t40-sichuan-guangyuan-chaotian-fitness-center-transfer-2023").rulebook_reason
    assert "未选用“四川省部门预算项目支出绩效自评表" in later and "未印该表式的“预算执行情况(10分)”" in later
    printed = norm("四川省某县某局预算执行情况(10分)年度预算数(万元)年初预算调整后预算数预算执行数")
    earlier = kinds.Identity(department="某局", year=2022, province="四川省")
    chosen, reason = kinds.choose_rulebook("project_table", earlier, printed, set())
    assert chosen == "mof/project/2020" and "2022年度不在该表式见于的2023年度内" in reason


def test_a_hundred_point_table_meets_a_project_rulebook_by_its_rows_only():
    """A hundred-point table scores a project as often as a department: a project rulebook whose rows the table shows
    (half or more) is chosen for it (corpus t22, 四川's 2017 项目支出绩效评价得分表 with no province printed; t37,
    铜陵市郊区's table naming neither province nor city), never by the region alone, nor for another kind of table."""
    rows = {leaf.name for leaf in load_rulebook_with_problems("sichuan/project/2017")[0].leaves()}
    unnamed = kinds.Identity(department="某局", year=2017, province="")
    chosen, reason = kinds.choose_rulebook("hundred_point_table", unnamed, "2017年项目支出绩效评价得分表", rows)
    assert chosen == "sichuan/project/2017" and "得分表指标与“四川省项目支出绩效评价得分表（2017年度）”一致" in reason
    # the department's table of the same rows is no project's
    assert kinds.choose_rulebook("department_table", unnamed, "2017年得分表", rows)[0] != "sichuan/project/2017"
    # 历城区's project rulebook (chosen by region for its project tables) is not imposed on a hundred-point table
    licheng = kinds.Identity(department="济南市历城区某局", year=2019, province="山东省")
    licheng_rulebook = "shandong-licheng/project/2019"
    assert kinds.choose_rulebook("project_table", licheng, "山东省济南市历城区", set())[0] == licheng_rulebook
    assert kinds.choose_rulebook("hundred_point_table", licheng, "山东省济南市历城区", set())[0] is None
    for doc, rid in (
        ("t22-unknown-2017-dept-and-project-scores", "sichuan/project/2017"),
        ("t37-anhui-tongling-jiaoqu-rural-public-welfare-2021", "anhui-tongling-jiaoqu/project/2021"),
    ):
        result = _review(doc)
        assert result.rulebook_id == rid, doc
        assert _findings_as_national(doc, result), doc  # no finding gained or lost by the rulebook


def test_a_broken_form_is_an_error_with_its_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(
        "id: x/project/2020\ntitle: 测试\nregion: 湖北省\nkind: project\nyear: 2020\n"
        "review:\n  auto_select: true\n  form:\n    kinds: [project_tabel]\n    years: [2022, 2020]\n"
        "    marks: 得分\n    mark: [x]\n"
        "indicators:\n  - {id: a, name: 甲, weight: 100, rule: {kind: manual}}\n",
        encoding="utf-8",
    )
    _rulebook, problems = load_rulebook_with_problems(str(path))
    found = {(p.code, p.location.line if p.location else None): p.message for p in problems}
    assert "未知的文件类型“project_tabel”" in found[("rulebook.bad_review", 9)]
    assert "[起始年度, 截止年度]" in found[("rulebook.bad_review", 10)]
    assert "非空的文字列表" in found[("rulebook.bad_review", 11)]
    assert "未知字段“mark”" in found[("rulebook.bad_review", 12)]


def test_the_forms_document_kinds_are_the_reviews():
    names = {kind: entry["name"] for kind, entry in vocabulary().raw["kinds"].items()}
    assert names == DOCUMENT_KINDS


def test_the_headers_are_filed_under_the_code_this_process_loaded(tmp_path, monkeypatch):
    """A process that loaded older code (a test run or a server started before an edit) files the headers its code
    makes under that code, not under the newer files' digest, where a newer process would take them for its own
    (seen in this session: the form rulebooks, whose `review.form` older code refused, cached as not loading)."""
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path))
    kinds._rulebook_headers()
    assert len(list(tmp_path.glob("rulebook-headers-*.marshal"))) == 1
    monkeypatch.setattr(kinds, "_LOADED_CODE", ["rulebook.py", b"# the code as an older process loaded it"])
    kinds._rulebook_headers()
    assert len(list(tmp_path.glob("rulebook-headers-*.marshal"))) == 2
