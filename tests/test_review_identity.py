"""Who and when: the department, implementing unit, year and region the review reads from a document it has never
seen (review/identity.py), and how that reading is scored against the corpus truth (review/identity_score.py).

The documents are cut down from corpus documents (tests/fixtures/review_corpus/<id>/document.txt), named beside
each test; the policy they hold is docs/review.md's "Identity".
"""

from __future__ import annotations

from pathlib import Path

from jixiao.review import review_file
from jixiao.review.facts import find_department
from jixiao.review.identity_score import judge_identity, same_name, truth_name
from jixiao.review.output import review_to_dict
from jixiao.review.source import read_source


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


def test_a_self_evaluation_filled_in_after_its_year_is_of_the_year_before(tmp_path):
    """corpus t07: "填报日期:2022 年 8 月 10 日" and no year elsewhere — a self-evaluation is made once its year is
    closed, so the table evaluates 2021; a budget published in its own year is not moved (no 自评 in its title)."""
    text = (
        "广水市财政预算支出项目绩效目标自评表\n填报日期:2022 年 8 月 10 日\t自评总分: 95\n" + MOF_HEAD.split("\n", 2)[2]
    )
    assert _review(tmp_path, text).year == 2021
    evaluated = "项目支出绩效自评报告\n评价时间：2023年5月\n" + MOF_HEAD.split("\n", 2)[2]
    assert _review(tmp_path, evaluated, "evaluated.txt").year == 2022
    budget = "广水市部门预算公开表\n发布日期:2022-03-10\n项目名称\t运转经费\n"
    assert _review(tmp_path, budget, "budget.txt").year is None


def test_what_is_no_year_evaluated_is_passed_over(tmp_path):
    """corpus n70, n174, n148: a document's name (《…(2022年修订)》), a cover's date standing alone under "…制", a
    target (到2025年), a founding year (成立于1984年) and a date (2021年4月) are not the year evaluated."""
    text = (
        "绵竹市三公经费预算情况说明\n"
        "林芝市财政局制\n2025年\n"
        "根据《关于印发四川省预决算公开操作规程(2022年修订)的通知》的规定，2021年4月起施行的办法要求到2025年完成。\n"
        "县图书馆成立于1984年。2024年全市行政单位“三公”经费预算总额为1969万元，较上年减少209万元。\n"
    )
    assert _review(tmp_path, text).year == 2024


def test_a_year_in_chinese_numerals_a_list_of_years_and_a_clause_about_last_year(tmp_path):
    assert _review(tmp_path, "某县民政局二〇二二年度部门整体支出绩效自评报告\n一、基本情况\n").year == 2022
    # corpus n15: an evaluation over two years runs to the last of them
    text = "一、项目基本情况\n2021年、2022年山东省分别立项实施高标准农田项目620万亩、640万亩。\n"
    assert _review(tmp_path, text, "two.txt").year == 2022
    # corpus n84: after 同比 the sentence speaks of last year; n115: before 比上年 it speaks of its own
    text = "基本支出预算0.52%，同比增加4,800.00元，2020年无此项预算。\n"
    assert _review(tmp_path, text, "other.txt").year is None
    text = "2020年“三公”经费支出431万元，比上年减少12万元。\n"
    assert _review(tmp_path, text, "own.txt").year == 2020


def test_a_report_names_its_unit_in_its_title_its_signature_or_as_the_compiler(tmp_path):
    body = "一、基本情况\n本项目资金100万元，全部用于困难群众救助，执行率100%，完成了年初设定的目标。\n"
    # corpus n101, n11, n40: the unit at the start of the title, before 关于, the subject or after the year
    for title, name in (
        ("万源市民政局 关于2021年度困难群众救助补助资金绩效自评报告", "万源市民政局"),
        ("镜湖区残联中央转移支付2023年度残疾人事业发展补助资金绩效自评报告", "镜湖区残联"),
        ("2021 年茂名市发展和改革局整体支出绩效自评报告", "茂名市发展和改革局"),
        ("重庆市铜梁区安居镇人民政府2021年“三公”经费决算情况说明", "重庆市铜梁区安居镇人民政府"),
    ):
        assert _review(tmp_path, f"{title}\n{body}").department == name, title
    # corpus n18: two senders of a notice quoted first are no title's unit
    text = "四川省财政厅 四川省水利厅《关于提前下达2022年中央水利发展资金预算的通知》\n" + body
    assert _review(tmp_path, text, "notice.txt").department == ""
    # corpus n123: the name signed above the date at the end
    signed = "关于2021年度体育彩票公益金使用情况的自评报告\n" + body + "白河县教育体育和科技局\n2022年3月10日\n"
    assert _review(tmp_path, signed, "signed.txt").department == "白河县教育体育和科技局"
    # corpus n118: "经井研县财政局汇总" — the unit that compiled the county's figures
    compiled = "一、说明\n经井研县财政局汇总，2020年井研县“三公”经费支出共计100万元。\n"
    assert _review(tmp_path, compiled, "compiled.txt").department == "井研县财政局"


def test_the_project_s_competent_department_label_on_a_form_a_report_and_a_seal(tmp_path):
    """项目主管部门 names the department on a form (corpus t32: "项目主管部门(单位) | 苏州市园林和绿化管理局"); a
    report naming its 项目主管部门 and 项目实施单位 is the implementing unit's, which writes it (n24); "项目主管部门
    (单位):(公章)" leaves the place for the seal and names no one (n174)."""
    form = "项目绩效目标自评表\n项目名称\t绿地养护\n项目主管部门(单位)\t苏州市园林和绿化管理局\n"
    assert _review(tmp_path, form, "form.txt").department == "苏州市园林和绿化管理局"
    body = (
        "一、基本情况\n本项目资金100万元，用于动物防疫，执行率100%，完成了年初设定的目标，群众满意度较高。\n"
        "二、绩效目标完成情况\n全年免疫牲畜10万头，免疫密度达到100%，未发生区域性重大动物疫情。\n"
        "三、存在的问题\n个别村防疫员年龄偏大，业务能力有待提高，需要加强培训和管理工作。\n"
    )
    head = "项目支出绩效自评报告\n项目名称:动物防疫\n"
    text = head + "项目主管部门:昌宁县农业农村局。\n项目实施单位:更戛乡人民政府。\n" + body
    assert _review(tmp_path, text).department == "更戛乡人民政府"
    sealed = head + "项目主管部门(单位):(公章)\n" + body
    assert _review(tmp_path, sealed, "sealed.txt").department == ""


def test_the_province_from_the_place_words_of_the_whole_document(tmp_path):
    """corpus n82: a 梧州 unit's budget names its city only deep in its body (the head names no place); a single
    place word is not enough (at least two mentions, twice as many as any other province's)."""
    filler = "".join(f"{i}、本单位第{i}项工作按计划完成，资金使用规范。\n" for i in range(1, 14))
    text = filler + "本单位在梧州市万秀区、长洲区设有服务点。\n"
    assert _review(tmp_path, text).province == "广西壮族自治区"
    once = filler + "本单位在万秀区设有服务点。\n"
    assert _review(tmp_path, once, "once.txt").province == ""


def test_a_report_without_a_kind_in_its_title_is_whose_its_head_first_speaks_of(tmp_path):
    """corpus n152: "…2017年度部门决算" is a department's report; n165: "一、项目基本情况 … 纳入部门预算" is a
    project's (its first words speak of the project); n121: 彩票公益金 is a project's funds."""
    body = "主要职责是保障单位日常运转，全年收入100万元，支出98万元，结余2万元，资金使用规范，无违规情况。\n" * 3
    assert _review(tmp_path, "德钦县移民局2017年度部门决算\n" + body).kind == "narrative_department"
    text = "一、项目基本情况\n服务费用一律由审批部门支付并纳入部门预算。\n" + body
    assert _review(tmp_path, text, "project.txt").kind == "narrative_project"
    text = "天水市秦州区关于2023年度彩票公益金使用情况公示说明\n" + body
    assert _review(tmp_path, text, "lottery.txt").kind == "narrative_project"


def test_a_money_unit_a_column_heading_or_a_sentence_is_no_department(tmp_path):
    """corpus n130: "单位:万元" on a line of its own and "按照区政府关于……" opening the text; n110: "单位名称 | 编制数 |
    实有人数" heading a list of units — none names the department; n110's title does."""
    body = "一、情况说明\n全年“三公”经费支出100万元，比上年减少10万元，主要是严格控制公务接待。\n"
    text = "按照区政府关于推进政府信息公开工作部署和要求，现将情况说明如下。\n单位:万元\n" + body
    assert _review(tmp_path, text).department == ""
    text = "黔南布依族苗族自治州疾病预防控制中心2021年部门预算\n" + body + "单位名称\t编制数\t实有人数\n本级\t10\t9\n"
    assert _review(tmp_path, text, "listed.txt").department == "黔南布依族苗族自治州疾病预防控制中心"


def test_a_department_s_report_names_itself_where_it_describes_itself(tmp_path):
    """corpus n114, n150: a department's final accounts name the unit where they say what it is and has."""
    body = "一、部门基本情况\n（一）机构设置\n1、机构设置:北京市通州区玉桥街道办事处(本级)下设6个内设机构。\n"
    body += "二、收入支出决算总体情况说明\n2023年度收入总计100万元，支出总计98万元，年末结转和结余2万元。\n" * 2
    assert _review(tmp_path, "2023年度部门决算\n" + body).department == "北京市通州区玉桥街道办事处"


def test_a_name_wrapped_in_its_cell_or_split_over_two_cells(tmp_path):
    """A scan or a workbook may wrap a long name inside its cell or put its tail in the next cell: the name is read
    whole; a next cell that is a label or a figure is not part of it."""
    head = "项目支出绩效自评表(2023年度)\n项目名称\t造林补助\n"
    path = tmp_path / "wrapped.txt"
    path.write_text(head + "主管部门\t南充市林业和草原局\t实施单位\t南充市林业局\n", encoding="utf-8")
    assert review_file(path).department == "南充市林业和草原局"
    split = head + "主管部门\t南充市林业和草\t原局\t实施单位\t南充市林业局\n"
    assert _review(tmp_path, split, "split.txt").department == "南充市林业和草原局"
    figure = head + "主管部门\t南充市林业\t100\t实施单位\t南充市水利局\n"
    assert _review(tmp_path, figure, "figure.txt").department == "南充市林业"
    from docx import Document  # a line break inside a cell is a new row in a .txt: a .docx holds the wrapped cell

    doc = Document()
    doc.add_paragraph("项目支出绩效自评表(2023年度)")
    table = doc.add_table(rows=1, cols=4)
    for i, text in enumerate(("主管部门", "南充市林业和\n草原局", "实施单位", "南充市林业局")):
        table.cell(0, i).text = text
    doc.save(str(tmp_path / "wrapped.docx"))
    assert review_file(tmp_path / "wrapped.docx").department == "南充市林业和草原局"


def test_a_unit_named_beside_its_label_inside_a_line_or_first_in_its_accounts_list(tmp_path):
    """corpus n133: "项目名称:… 项目单位:南宁市学生资助管理办公室 主管部门:南宁市教育局" on one line of a report —
    the report is its 项目单位's, which writes it; n134: a department's final accounts list its own accounts first,
    "巴彦淖尔市妇女联合会部门(本级)"."""
    body = "一、基本情况\n本项目资金100万元，用于资助困难新生，执行率100%，完成了年初设定的目标，学生满意度较高。\n" * 3
    text = "一、项目概况\n项目名称:困难大学新生入学补助项目 项目单位:南宁市学生资助管理办公室 主管部门:南宁市教育局\n"
    assert _review(tmp_path, text + body).department == "南宁市学生资助管理办公室"
    accounts = "第一部分 2022年度部门决算报表\n" + body + "序号\t单位名称\n1\t巴彦淖尔市妇女联合会部门(本级)\n"
    assert _review(tmp_path, accounts, "accounts.txt").department == "巴彦淖尔市妇女联合会"


def test_the_unit_is_in_the_opinion_and_the_folder_summary(tmp_path):
    """审核意见.docx names the unit beside the department; 审核汇总.xlsx has it as its last column."""
    import io

    import openpyxl

    from jixiao.review.output import opinion_document, review_folder, summary_workbook

    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "t11.txt").write_text(MOF_HEAD, encoding="utf-8")
    results = review_folder(folder)
    result = results[0][1]
    opinion = opinion_document(result)
    said = ["".join(run.text for run in block.runs) for block in opinion.blocks if hasattr(block, "runs")]
    first = next(text for text in said if text.startswith("经审核"))  # 总体意见, after the 主送 line and 审核依据
    assert first.startswith("经审核，廊坊市发改委2019年度（实施单位：廊坊市食品工程学校）项目支出绩效自评表")
    rows = list(openpyxl.load_workbook(io.BytesIO(summary_workbook(results)))["汇总"].iter_rows(values_only=True))
    assert rows[0][-1] == "实施单位" and rows[1][-1] == "廊坊市食品工程学校"


def test_labels_a_scan_ran_together_or_left_half_a_bracket_of(tmp_path):
    """OCR of a scanned page loses what a text layer keeps: the spaces between labels on one line (corpus n133 as a
    scan: "…补助项目项目单位:南宁市学生资助管理办公室主管部门:南宁市教育局评价人员:") and one bracket of a label
    (corpus t32 as a scan: "项目主管部门单位)" for 项目主管部门(单位)). The review reads the same unit from both."""
    body = "一、基本情况\n本项目资金100万元，用于资助困难新生，执行率100%，完成了年初设定的目标，学生满意度较高。\n" * 3
    text = (
        "一、项目概况\n"
        "项目名称:困难大学新生入学补助项目项目单位:南宁市学生资助管理办公室主管部门:南宁市教育局评价人员:\n"
    )
    assert _review(tmp_path, text + body).department == "南宁市学生资助管理办公室"
    table = (
        "苏州市级财政支出项目绩效自评表\n"
        "项目名称\t市管绿地养护\t项目年份\t2017\n项目主管部门单位)\t苏州市园林和绿化管理局\n"
    )
    assert _review(tmp_path, table, "table.txt").department == "苏州市园林和绿化管理局"


# corpus t45: a Hunan project form whose title calls it a 自评报告, cut by the store before its scores
HUNAN_FORM = """附件3-2
岳阳市南湖新区财政支出项目绩效评价自评报告
评价类型:项目实施过程评价□ 项目完成结果评价■
项目名称 低保专项
项目单位 南湖新区民政局
主管部门
评价方式:部门(单位)绩效自评
报告日期:2017年 7月 15日
岳阳市南湖新区财政局(制)
一、项 目 基 本 概 况
项目负责人	胡 军	联系电话	13575009550
项目地址	南湖新区民政局	邮 编	414000
项目起止时间	2016 年 1 月起至 2016 年 12 月止
计划安排资金 (万元)	1208.75	实际到位资金 (万元)	1208.75	实际支出 (万元)	991.51	结余(万元)	217.24
省财政	1125	省财政	1125	省财政	907.76	省财政	217.24
市财政	33.75	市财政	33.75	市财政	33.75	市财政
二、项目支出明细情况
支出内容	实际支出数	会计凭证号	备注
2015年12月城乡低保	70.1	1月31日9号凭证
2016年1月城乡低保	70.2	1月31日42、43号凭证
2016年2月城乡低保	69.3	1月31日5、6号凭证
〔以下原文未存〕
"""


def test_a_document_that_is_mostly_a_table_is_a_form_whatever_its_title_says(tmp_path):
    """A form is a form though its title says 自评报告 and no score table survived the cut: more of its text
    stands in table rows than in paragraphs (corpus t34, t45, t53, t70). Its blank 主管部门 leaves the department
    to the unit it names (项目单位)."""
    result = _review(tmp_path, HUNAN_FORM)
    assert result.kind == "project_table"
    assert (result.department, result.unit) == ("南湖新区民政局", "南湖新区民政局")


def test_a_report_with_a_table_of_its_figures_stays_a_report(tmp_path):
    """corpus n117: a 三公 report that tabulates its figures has more prose than rows — still a narrative."""
    text = """2020年度全区“三公”经费决算情况
经费项目	2020年度支出 (万元)	支出减少情况(万元)	支出减少率
因公出国(境)费	0	0	0%
公务接待费	71.53	-	-
根据提供的数据,2020年度全区“三公”经费总支出为1928.76万元。与上年相比,2020年度的“三公”经费支出减少了，主要是各单位严格落实中央八项规定精神，从严控制一般性支出。
需要特别指出的是,因公出国(境)费在2020年度的支出为0,这可能是因为受到疫情的限制,单位暂停了因公出国(境)活动。公务接待费较上年有所下降。
"""
    assert _review(tmp_path, text).kind == "narrative_department"


def test_the_notices_before_a_form_are_not_its_report(tmp_path):
    """corpus t59: a finance bureau's allocation notices ("……特此通知。") printed before the self-evaluation form
    they fund make the page long in prose; the document is the form."""
    notice = (
        "城管委:\n为贯彻落实《天津市财政局关于下达2020年抗疫特别国债额度的通知》有关规定,经研究并结合资金拨付使用"
        "情况,现下达你单位2020年抗疫特别国债中央直达资金3400万元,用于供热补贴项目,请按规定使用。\n本次下达中央直达"
        "资金标识为“01004抗疫特别国债”,贯穿资金分配、拨付、使用整个环节且保持不变。请你单位及时将本次中央直达资金"
        "支付到最终收款方,并建立实名台账,确保精准下达。\n特此通知。\n2020年7月22日\n"
    )
    form = MOF_HEAD.replace("项目支出绩效自评表", "抗疫特别国债项目(打捆项目)绩效目标自评表") + (
        "年度绩效指标	一级指标	二级指标	三级指标	年度指标值	实际完成值	分值	得分\n"
        "	产出指标	数量指标	供热面积	≥100万平方米	120万平方米	50	50\n"
    )
    result = _review(tmp_path, notice * 3 + "附件2\n" + form)
    assert result.kind == "project_table"


def test_a_name_without_its_place_is_read_whole_where_the_document_prints_it(tmp_path):
    """corpus n90: the title names "县司法局"; the report names 紫金县司法局 below it — a finance bureau files the
    report under the whole name. A document that never prints the place keeps the name as printed (t15)."""
    text = """县司法局2020年度一村(社区)一法律顾问经费绩效自评报告
根据《关于印发紫金县财政支出绩效管理工作方案(2021--2022年)》紫财办[2021]6号文件精神,紫金县司法局对紫金县一村(社区)一法律顾问经费进行了自评,现将情况汇报如下:
一、基本情况
2020年度紫金县财政划给紫金县司法局一村(社区)一法律顾问经费,指标金额是110万元,实际拨付金额110万元,资金到位率100%。
二、绩效目标完成情况
一村(社区)一法律顾问经费由司法局公律股按确定的方案组织实施,分管领导、财政局绩效股跟踪监督管理,确保资金使用规范。
"""
    assert _review(tmp_path, text).department == "紫金县司法局"
    alone = text.replace("紫金县", "本县")
    assert _review(tmp_path, alone).department == "县司法局"


def test_a_form_row_flattened_into_one_line_names_its_department_and_unit(tmp_path):
    """corpus t19: a PDF's text layer reads the form's head across its cells into one line of words."""
    row = (
        "项目名称 国家基本公共卫生服务 主管部门 稷山县卫生健康和体育局 年初预算 数 0 项目资金 (万元) 年度资金总额 "
        "实施单位 稷山县翟店镇卫生院 全年预算数 全年执行数 分值 执行率 得分 0 207.4538 10 100% 10"
    )
    text = f"""稷山县项目支出绩效自评表
(2021年度)
{row}
三级指标	年度指标值	实际完成值	分值	得分
指标6:举办健康教育宣传咨询活动	12次	96次	1	1
"""
    result = _review(tmp_path, text)
    assert (result.department, result.unit) == ("稷山县卫生健康和体育局", "稷山县翟店镇卫生院")


def test_the_unit_a_report_says_evaluated_is_its_department(tmp_path):
    """The opening names the unit that made the self-evaluation (corpus n29, n05), or says 我市财政局 of the city
    its title names when the document prints the whole name (n190)."""
    body = "\n一、绩效目标分解下达情况\n2024年下达资金1000万元,全部用于项目建设,资金到位率100%。\n"
    n29 = (
        "根据《财政部关于开展2024年度中央对地方转移支付预算执行情况绩效自评工作的通知》有关规定,广西壮族自治区"
        "住房和城乡建设厅、财政厅认真组织开展了2024年度中央财政城镇保障性安居工程补助资金绩效自评工作。"
    )
    assert _review(tmp_path, n29 + body).department == "广西壮族自治区住房和城乡建设厅"
    n05 = (
        "为做好2022年财政衔接推进乡村振兴资金项目绩效管理工作,现将2022年西平县交通运输局财政衔接推进乡村振兴"
        "资金项目绩效自评总结报告如下:"
    )
    assert _review(tmp_path, n05 + body).department == "西平县交通运输局"
    n190 = (
        "宁国市中央对地方转移支付2023年度绩效自评报告(农业保险保费)\n根据《宁国市财政局关于开展2023年度中央对"
        "地方转移支付预算执行情况绩效自评工作的通知》,我市财政局对政策性农业保险保费补贴转移支付进行了绩效自评,"
        "现将具体情况报告如下:\n宣城市财政局下达资金1000万元。"
    )
    assert _review(tmp_path, n190 + body).department == "宁国市财政局"


def test_a_competent_department_cut_short_in_its_cell_is_the_unit_it_begins(tmp_path):
    """corpus t21: "主管部门 | 南充市林业 | … | 实施单位(盖章) | 南充市林业局" — the cell cut the name."""
    text = MOF_HEAD.replace(
        "主管部门	廊坊市发改委	实施单位	廊坊市食品工程学校",
        "主管部门	南充市林业	实施单位(盖章)	南充市林业局",
    )
    assert _review(tmp_path, text).department == "南充市林业局"


def test_the_office_a_report_is_sent_up_to_is_not_its_department(tmp_path):
    """corpus n43: "关于上报……的报告" names the office it is sent to on a line of its own under the title — the
    department is not that office."""
    text = """关于上报2023年1-4级残疾军人护理费项目支出绩效自评的报告
临夏州退役军人事务局
根据《甘肃省退役军人事务厅关于开展2023年度中央对地方转移支付绩效自评工作(优抚)的通知》通知,临夏市对2023转移支付资金进行了绩效自评,现将自评报告如下:
一、基本概况
2023年省级下拨1-4级分散供养残疾军人护理费3.89万元;市级下拨3.89万元;全年应执行数为7.79万元,实际执行率为100%。
"""
    assert _review(tmp_path, text).department != "临夏州退役军人事务局"


def test_a_column_heading_beside_a_label_is_no_department(tmp_path):
    """corpus n200: a list of projects headed "序号 | 项目名称 | 实施单位 | 预算资金(万元)" — the heading beside
    实施单位 is no name; the title names the department."""
    text = """阳高县财政局关于2025年财政重点绩效评价结果公开
本次项目支出绩效评价共24个项目,项目类型包括政府基金预算项目、政策类项目、一般债务项目。
表1:2025年财政重点项目绩效评价结果表
序号	项目名称	实施单位	预算资金(万元)	评分情况	评价等级
1	区域养老服务中心消防改造项目	山西省阳高县民政局	162.00	89.72	良
"""
    assert _review(tmp_path, text).department == "阳高县财政局"


def test_a_unit_and_its_standard_short_name_are_the_same_unit():
    """中方县残联 is 中方县残疾人联合会 (corpus n100), 池州市人社局 池州市人力资源和社会保障局 (n49)."""
    assert same_name("中方县残联", "中方县残疾人联合会")
    assert same_name("池州市人社局", "池州市人力资源和社会保障局")
    assert not same_name("中方县残联", "芷江县残疾人联合会")


def test_find_department_reads_the_name_under_a_column_headed_unit_name(tmp_path):
    """corpus n110: "单位名称 | 编制数 | 实有人数" heads a list of units — the name stands under 单位名称, not beside
    it (facts.find_department returned the heading 编制数)."""
    path = tmp_path / "doc.txt"
    path.write_text(
        "黔南州疾控中心2021年部门预算\n单位名称\t编制数\t实有人数\n\t\t小计\n黔南布依族苗族自治州疾病预防控制中心\t91\t149\n",
        encoding="utf-8",
    )
    assert find_department(read_source(path)) == "黔南布依族苗族自治州疾病预防控制中心"


def test_a_span_of_two_years_and_a_year_set_against_the_one_before_give_the_later(tmp_path):
    """corpus n15: "2021年、2022年山东省分别立项……" then "2.2021年度绩效目标 3.2022年度绩效目标" — the evaluation runs
    to 2022; n170: "2022-2023年……计划改造" over "2022年度改造计划" — to 2023; n82: "2021年……列入项目支出,2022年列入
    基本支出" speaks of 2022; n52: "2022年预算执行情况和2023年预算草案" of 2022."""
    body = "\n资金到位率100%,执行率100%,项目建设进度符合计划要求。\n"
    n15 = (
        "一、项目基本情况\n2021年、2022年山东省分别立项实施高标准农田项目620万亩、640万亩。\n(三)项目绩效目标\n"
        "1.总体目标\n2.2021年度绩效目标\n新建高标准农田620万亩。\n3.2022年度绩效目标\n新建高标准农田640万亩。"
    )
    assert _review(tmp_path, n15 + body).year == 2022
    n170 = "一、项目基本情况\n对经审核确认的2022年度改造计划给予补助。\n2022-2023年全省计划改造3639.79公里。"
    assert _review(tmp_path, n170 + body, "n170.txt").year == 2023
    n82 = "对个人和家庭补助支出预算73200元。下降原因2021年编外人员经费支出列入项目支出,2022年列入基本支出。"
    assert _review(tmp_path, n82 + body, "n82.txt").year == 2022
    n52 = "黄平县2022年预算执行情况和2023年预算草案的报告\n一、2022年财政预算执行情况"
    assert _review(tmp_path, n52 + body, "n52.txt").year == 2022


def test_a_title_that_begins_with_the_unit_before_the_level_of_its_funds(tmp_path):
    """corpus n203: "红河州第二人民医院国家基本公共卫生服务项目州级补助资金2023年度绩效自评报告" — the title begins
    with the unit, then the funds (国家…, 省级…, 州级…)."""
    text = """红河州第二人民医院国家基本公共卫生服务项目州级补助资金2023年度绩效自评报告
一、绩效目标完成情况分析
(一)资金投入情况分析。
红财社发〔2023〕128号文件下达国家基本公共卫生服务项目州级补助资金2.00万元,资金到位率100%。
"""
    assert _review(tmp_path, text).department == "红河州第二人民医院"


def test_a_department_s_report_names_itself_where_it_says_what_it_has(tmp_path):
    """corpus n113: "杨庄街道办事处设置6个内设机构" (a 街道 is a place); n71: "另外,梧州市民政局下属共有6个事业单位";
    n112: "北京学校为公益一类事业单位" (北京 is a place's own name)."""
    body = "\n二、收入支出决算总体情况说明\n2023年度收入总计100万元，支出总计98万元，年末结转和结余2万元。\n" * 2
    n113 = "2023年度部门决算\n1.主要职能\n杨庄街道办事处设置6个内设机构,分别为:综合办公室、党群工作办公室。"
    assert _review(tmp_path, n113 + body).department == "杨庄街道办事处"
    n71 = "2025年部门预算\n另外,梧州市民政局下属共有6个事业单位,事业运行经费总预算安排37337407.64元。"
    assert _review(tmp_path, n71 + body, "n71.txt").department == "梧州市民政局"
    n112 = "2023年度部门决算公开\n北京学校为公益一类事业单位,是一所十二年一体化改革试验学校。"
    assert _review(tmp_path, n112 + body, "n112.txt").department == "北京学校"


def test_a_unit_label_misread_by_one_character_still_names_the_unit(tmp_path):
    """corpus t06 as published: text recognition read 实施单位 as "实施第位"; the cell after it is a unit's whole
    name. A cell that differs from a label in its first character or in two is no label."""
    text = MOF_HEAD.replace(
        "主管部门	廊坊市发改委	实施单位	廊坊市食品工程学校",
        "主管部门	银川市教育局\n实施第位	银川市第六中学",
    )
    assert _review(tmp_path, text).unit == "银川市第六中学"
    other = text.replace("实施第位", "实际单价")
    assert _review(tmp_path, other, "other.txt").unit == ""


def test_the_project_spending_of_a_department_s_accounts_is_no_project(tmp_path):
    """corpus n76: a unit budget's "基本支出 … 项目支出" are the two parts of a department's spending, and n72's
    采购项目 a kind of purchase — the report is a department's; a project's report stays a project's."""
    text = """19816.81元,项目支出0元。主要用于人员经费保障。
(二)按支出结构分类划分,分为基本支出预算和项目支出预算。
1. 基本支出预算2476260.58元,占一般公共预算支出的84.06%,同比减少4966.66元,下降0.2%。其中人员经费支出较上年有所增加。
2. 项目支出预算0元,同比减少47600元,下降100%。下降原因是编外人员经费支出列入基本支出,预算编报更加规范。
"""
    assert _review(tmp_path, text).kind == "narrative_department"
    project = "一、项目基本情况\n" + text
    assert _review(tmp_path, project, "project.txt").kind == "narrative_project"


def test_a_scan_that_loses_the_spaces_of_a_form_printed_as_text(tmp_path):
    """corpus t34 and t19 as scans: text recognition reads "项目单位 南湖新区民政局" as "项目单位南湖新区民政局" and
    the flattened row without its spaces — the names are read as from the text layer."""
    t34 = HUNAN_FORM.replace("项目单位 南湖新区民政局", "项目单位南湖新区民政局").replace(
        "项目名称 低保专项", "项目名称低保专项"
    )
    assert (_review(tmp_path, t34).department, _review(tmp_path, t34).unit) == ("南湖新区民政局", "南湖新区民政局")
    row = (
        "项目名称国家基本公共卫生服务主管部门稷山县卫生健康和体育局年初预算数0项目资金(万元)年度资金总额 "
        "实施单位稷山县翟店镇卫生院全年预算数全年执行数分值执行率得分0 207.453810 100% 10"
    )
    text = f"稷山县项目支出绩效自评表\n(2021年度)\n{row}\n三级指标\t年度指标值\t实际完成值\t分值\t得分\n"
    result = _review(tmp_path, text, "t19.txt")
    assert (result.department, result.unit) == ("稷山县卫生健康和体育局", "稷山县翟店镇卫生院")


def test_a_county_that_sends_its_notice_itself(tmp_path):
    """corpus n121: "天水市秦州区关于2023年度彩票公益金使用情况公示说明" — the district sends it; a title that
    begins with a name of no county ("项目区关于…") names no one."""
    body = "\n一、体育彩票公益金总体情况\n2023年度收到上级体育彩票公益金143万元,全部用于群众体育事业。\n"
    assert _review(tmp_path, "天水市秦州区关于2023年度彩票公益金使用情况公示说明" + body).department == "天水市秦州区"
    other = "示范项目区关于2023年度彩票公益金使用情况公示说明" + body
    assert _review(tmp_path, other, "other.txt").department == ""


def test_a_unit_and_the_body_under_it_joined_by_a_dash(tmp_path):
    """corpus t50: 资金使用单位 "市农业农村局-市畜牧兽医服务中心" — the department is the bureau, named whole where the
    page prints it (发布机构 宣城市农业农村局); the unit stays as printed."""
    text = """发布机构	宣城市农业农村局	发文日期	2025-04-15
中央对地方转移支付区域绩效自评表
(2024年度)
转移支付(项目)名称	动物防疫等补助经费
中央主管部门	农业农村部
地方主管部门	省农业农村厅	资金使用单位	市农业农村局-市畜牧兽医服务中心
项目资金(万元)		年初预算数	全年预算数	全年执行数	分值	执行率	得分
	年度资金总额	100	100	100	10	100%	10
"""
    result = _review(tmp_path, text)
    assert (result.department, result.unit) == ("宣城市农业农村局", "市农业农村局-市畜牧兽医服务中心")


def test_a_project_form_scored_on_the_whole_process_is_a_hundred_point_table(tmp_path):
    """corpus t54, t06: a 项目绩效自评表 whose first-level indicators are 项目决策/项目管理/项目绩效 is a hundred-point
    multi-level table; one scored on the MoF's 产出/效益/满意度 targets stays a project table."""
    head = "服务贸易项目绩效自评表\n项目实施单位\t省商务厅服务贸易处\t主管部门\t省商务厅\n"
    rows = (
        "一级指标\t二级指标\t三级指标\t分值\t得分\n"
        "项目决策(20分)\t项目目标\t目标内容\t10\t10\n"
        "\t决策过程\t决策依据\t10\t9\n"
        "项目管理(20分)\t资金管理\t资金到位率\t10\t10\n"
        "\t组织实施\t管理制度健全性\t10\t10\n"
        "项目绩效(60分)\t项目产出\t实际完成率\t30\t28\n"
        "\t项目效益\t经济效益\t30\t27\n"
        "合计\t\t\t100\t94\n"
    )
    assert _review(tmp_path, head + rows).kind == "hundred_point_table"
    assert _review(tmp_path, MOF_HEAD, "mof.txt").kind == "project_table"


def test_what_a_cited_document_s_name_says_is_not_the_report_s_kind(tmp_path):
    """corpus n62: "根据《桂阳县财政局关于开展20xx年度财政资金部门整体支出和项目支出绩效评价工作的通知》" — the
    notice's name speaks of 部门整体; the report is about a project."""
    text = (
        "根据《桂阳县财政局关于开展20xx年度财政资金部门整体支出和项目支出绩效评价工作的通知》"
        "精神,年初预算安排我中心四好农村公路建设项目资金174万元,全部用于农村公路建设。\n"
        "二、绩效目标完成情况\n全年完成农村公路提质改造30公里,资金到位率100%,执行率100%。\n"
        "三、存在的问题\n部分路段养护资金不足,下一步将积极争取上级资金支持,确保道路安全畅通。\n"
    )
    assert _review(tmp_path, text).kind == "narrative_project"


def test_a_unit_s_self_evaluation_that_names_no_project_is_the_department_s(tmp_path):
    """corpus n201: "下桥镇人民政府2024年度绩效自评报告" — the unit's own self-evaluation; "永兴县农业保险保费补贴
    2020年度绩效自评报告" (n179) names its funds and stays a project's."""
    body = "\n根据上级财政部门关于年度绩效自评工作的通知要求,我单位迅速成立自评工作小组,明确分工、核查资料。\n"
    assert _review(tmp_path, "下桥镇人民政府2024年度绩效自评报告" + body).kind == "narrative_department"
    other = "永兴县农业保险保费补贴2020年度绩效自评报告" + body
    assert _review(tmp_path, other, "other.txt").kind == "narrative_project"


def test_a_project_run_over_one_whole_calendar_year_gives_the_year(tmp_path):
    """corpus n38: no year in the head; "该项目实施期为2019年元月至2019年12月" further down gives 2019 (元月 is
    January). A run over two years gives none."""
    head = "美丽乡村示范点及自然村财政奖励资金绩效\n评价报告\n项目名称 美丽乡村示范点及自然村财政奖励\n"
    filler = "各村按照规划完成了道路硬化、绿化亮化和环境整治工作,群众满意度较高。\n" * 12
    text = head + filler + "该项目实施期为2019年元月至2019年12月;\n"
    assert _review(tmp_path, text).year == 2019
    two = text.replace("至2019年12月", "至2020年12月")
    assert _review(tmp_path, two, "two.txt").year is None


def test_a_project_form_whose_process_groups_carry_their_points_is_a_hundred_point_table(tmp_path):
    """corpus t07: "项目决策 2 分 | 决策依据 | 2 | 2" heads the form's process group though its score table is found
    in its 产出 rows only."""
    text = """广水市财政预算支出项目绩效目标自评表
填报日期:2022 年 8 月 10 日	自评总分: 95
项目名称	乡村道路建设养护项目
项目主管单位	广水市交通运输局	项目实施单位	广水市交通运输局
项目权重	评价内容	分值	自评分	复核分	评价标准及依据
项目决策 2 分	决策依据	2	2		有项目年度工作计划或有上级文件计 2 分
项目管理 13 分	财务制度	3	3		单位财务管理制度 1 分
一级指标	二级指标	三级指标	年度指标值	实际完成值	分值	得分
产出指标	数量指标	道路养护里程	300公里	300公里	20	20
"""
    assert _review(tmp_path, text).kind == "hundred_point_table"


def test_a_year_in_full_width_digits(tmp_path):
    """A form typed with a full-width input method (bench/review_variants.py's full_width layout of t34, t45, t53):
    "项目起止时间 | ２０１６年１月起至２０１６年１２月止" gives 2016 as its half-width original does."""
    wide = HUNAN_FORM.replace("2016 年 1 月起至 2016 年 12 月止", "２０１６年１月起至２０１６年１２月止")
    assert "２０１６" in wide
    assert _review(tmp_path, wide).year == 2016


_LONG = "各项工作按计划推进,资金按规定拨付使用,未发现截留、挤占、挪用等问题,群众对服务的满意度较高,社会反响良好。\n"


def test_base_data_before_the_department_s_self_evaluation_is_its_attachment(tmp_path):
    """corpus t24: "附件一 …基础数据表 … 附件二 …部门整体支出绩效自评表" — the self-evaluation is the document's
    kind."""
    text = """2023年贯塘乡人民政府决算编制说明
附件一
2023年度部门整体支出绩效评价基础数据表
财政供养人员情况	编制数	2023 年实际在职人数	控制率
	46	50	108.70%
经费控制情况	2022 年决算数	2023 年预算数	2023 年决算数
三公经费:	0	0	0
附件二
2023年度部门整体支出绩效自评表
预算部门、单位名称	衡山县贯塘乡人民政府
年度预算申请		年初预算数	全年预算数	全年执行数	分值	执行率	自评得分
	年度资金总额	861.10	2030.12	2030.12	10	100%	10
"""
    assert _review(tmp_path, text).kind == "department_table"
    alone = text.split("附件二")[0]
    assert _review(tmp_path, alone, "alone.txt").kind == "base_data"


def test_a_project_form_scored_on_input_groups_with_their_points_is_a_hundred_point_table(tmp_path):
    """corpus t32: "项目绩效实现情况(80 分) | 投入目标(28 分) | 资金使用合规性 | 合规 | 2.8 | 好 | 2.8" — the
    投入-产出-结果 framework scored in points, its group in the second column, is a hundred-point table."""
    text = """苏州市级财政支出项目绩效自评表
项目名称	市管绿地养护	项目年份	2017
项目主管部门(单位)	苏州市园林和绿化管理局
项目	类别	指标名称	目标值	权重	实际完成值	自评分
项目绩效实现情况(80 分)	投入目标(28 分)	资金使用合规性	合规	2.8	好	2.8
		财务制度健全性	健全	2.8	好	2.8
	产出目标(28 分)	保洁	及时,整洁	5.6	及时,整洁	5.6
		植物状况	健康	5.6	健康	5.6
	结果目标(16 分)	树木保存率	98%	4	98%	4
"""
    assert _review(tmp_path, text).kind == "hundred_point_table"
    assert _review(tmp_path, MOF_HEAD, "mof.txt").kind == "project_table"


def test_a_report_on_the_whole_department_and_its_projects_is_the_department_s(tmp_path):
    """corpus n176: "开远市殡仪馆2024年度部门整体和项目支出绩效自评报告" ends as a project's title does but covers the
    department's whole spending; a cited notice's name that says the same decides nothing."""
    text = "开远市殡仪馆2024年度部门整体和项目\n支出绩效自评报告\n一、部门基本情况\n" + _LONG * 4
    assert _review(tmp_path, text).kind == "narrative_department"
    cited = (
        "2024年度农村公路养护项目支出绩效自评报告\n根据《县财政局关于开展部门整体支出和项目支出绩效评价工作的通知》,"
        "现将项目自评情况报告如下。\n" + _LONG * 4
    )
    assert _review(tmp_path, cited, "cited.txt").kind == "narrative_project"


def test_a_department_that_counts_its_own_projects_reports_its_accounts(tmp_path):
    """corpus n208: "项目绩效自评总体情况:我部门及所属二层单位2024年度项目21个" — the 自评 results of a department's
    final accounts, though the excerpt speaks of projects first."""
    text = (
        "(二)项目支出绩效自评结果。\n1.项目绩效自评总体情况:我部门及所属二层单位2024年度项目21个,项目支出总额656.93"
        "万元。其中,本级项目8个。\n" + _LONG * 4
    )
    assert _review(tmp_path, text).kind == "narrative_department"


def test_a_report_on_how_a_programme_goes_is_a_project_s(tmp_path):
    """corpus n191: "通渭县农村义务教育学生营养改善计划情况汇报" names a programme and its funds, no unit and no kind's
    word; a report titled with a unit's name stays the unit's."""
    body = "一是供餐范围。" + _LONG * 4
    text = "通渭县农村义务教育学生营养改善计划情况汇报\n" + body
    assert _review(tmp_path, text).kind == "narrative_project"
    unit = "通渭县教育体育局工作情况汇报\n" + body
    assert _review(tmp_path, unit, "unit.txt").kind == "narrative_department"


def test_a_report_that_calls_itself_our_bureau_is_the_unit_it_names_as_subject(tmp_path):
    """corpus n155, n205, n146: a report speaks as 我局/我中心/我校 and prints its whole name as the subject of that
    sentence, or as the only unit of that kind, or as the unit the money went to; a unit acting on this one
    ("县财政局下达我局…") or one this one acts on ("我局对…") is not it, nor a name inside 《》."""
    title = "2019年度畜禽粪污资源化利用项目绩效自评报告\n一、项目基本情况\n"
    text = (
        title + _LONG * 3 + "经腾冲市农业农村局、腾冲市财政局认真研究,决定实施以下建设内容。\n"
        "根据《保山市财政局关于2020年财政支出绩效评价工作有关事项的通知》相关要求,腾冲市农业农村局及时整理出由我局"
        "管理的项目资料。\n"
    )
    assert _review(tmp_path, text).department == "腾冲市农业农村局"
    centre = title + "2019年昌宁县殡葬服务中心向县级财政争取资金124.79万元。\n二、自评工作开展情况\n"
    centre += "我中心成立绩效自评小组。\n"
    assert _review(tmp_path, centre + _LONG * 3, "centre.txt").department == "昌宁县殡葬服务中心"
    school = title + "根据市财政局预算,下达三亚市业余体育学校的经常性项目“教学管理”,"
    school += "我校主管部门为三亚市旅游和文化广电体育局。\n"
    assert _review(tmp_path, school + _LONG * 3, "school.txt").department == "三亚市业余体育学校"
    acted_on = title + "腾冲市财政局下达我局项目资金1000万元。\n" + _LONG * 3
    assert _review(tmp_path, acted_on, "acted_on.txt").department == ""
    acts_on = title + "我局对腾冲市教育局的项目进行了检查。\n" + _LONG * 3
    assert _review(tmp_path, acts_on, "acts_on.txt").department == ""
    cited = title + "根据《腾冲市财政局关于绩效评价的通知》,我局开展了自评。\n" + _LONG * 3
    assert _review(tmp_path, cited, "cited.txt").department == ""


def test_a_report_names_itself_in_the_set_phrases_of_its_accounts_and_its_project(tmp_path):
    """corpus n119: the 三公 template's "全年使用财政拨款安排本部门出国团组" with the unit's name for 本部门; n154:
    "项目实施主体保山市文化和旅游局于10月20日……"."""
    sangong = (
        "2020年度“三公”经费支出情况说明\n(一)因公出国(境)费支出0万元。全年使用财政拨款安排梧州市农产品质量安全综合检测中心"
        "出国团组0个,参加其他单位组织的出国团组0个。\n" + _LONG * 3
    )
    assert _review(tmp_path, sangong).department == "梧州市农产品质量安全综合检测中心"
    project = (
        "2020年文物保护专项资金绩效自评报告\n一是工程经费于下达到位后,项目实施主体保山市文化和旅游局于10月20日启动"
        "项目招投标手续。\n" + _LONG * 3
    )
    assert _review(tmp_path, project, "project.txt").department == "保山市文化和旅游局"
    each = project.replace("主体保山市文化和旅游局于10月20日", "主体为保山市各县区文化和旅游局,于10月20日")
    assert _review(tmp_path, each, "each.txt").department == ""


def test_the_one_unit_a_report_names_as_the_actor_of_its_own_work(tmp_path):
    """corpus n122: "今后,环江县文化广电体育和旅游局将……"; n102: "东阳市文化和广电旅游体育局及其下属各单位……组织开展
    了……" — the only unit the report names; a report that names another unit too names none this way."""
    title = "2023年度彩票公益金使用情况报告\n"
    text = title + _LONG * 3 + "2023年没有违法违纪使用的情况发生,今后,环江县文化广电体育和旅游局将不断完善管理。\n"
    assert _review(tmp_path, text).department == "环江县文化广电体育和旅游局"
    subordinate = title + "一是2020年,东阳市文化和广电旅游体育局及其下属各单位组织开展了文化服务活动。\n" + _LONG * 3
    assert _review(tmp_path, subordinate, "sub.txt").department == "东阳市文化和广电旅游体育局"
    two = text + "环江县财政局按时拨付了资金。\n"
    assert _review(tmp_path, two, "two.txt").department == ""


def test_one_label_for_the_competent_department_and_the_implementing_unit(tmp_path):
    """A form that names both under one label: "主管部门及实施单位 | 大英县交通运输局/大英县公路事务中心" (in its cell
    or after a colon) — the first is the department, the second the unit; one name there is both."""
    head = "项目支出绩效自评表\n（2023年度）\n项目名称\t农村公路养护\n"
    rows = (
        "项目资金(万元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        "\t年度资金总额\t100\t100\t100\t10\t100%\t10\n"
    )
    cell = head + "主管部门及实施单位\t大英县交通运输局/大英县公路事务中心\n" + rows
    result = _review(tmp_path, cell)
    assert (result.department, result.unit) == ("大英县交通运输局", "大英县公路事务中心")
    colon = head + "主管部门及实施单位：大英县交通运输局/大英县公路事务中心\n" + rows
    result = _review(tmp_path, colon, "colon.txt")
    assert (result.department, result.unit) == ("大英县交通运输局", "大英县公路事务中心")
    one = head + "项目主管部门和实施单位\t大英县交通运输局\n" + rows
    result = _review(tmp_path, one, "one.txt")
    assert (result.department, result.unit) == ("大英县交通运输局", "大英县交通运输局")


def test_a_department_named_only_where_it_signs_with_the_date(tmp_path):
    """The 落款 at a report's end: the name above a date in Chinese numerals, with the seal's place after it, or the
    name and the date on one line; a line that ends as a unit's name with no date near it signs nothing."""
    body = "2023年度农村公路养护项目绩效自评报告\n一、项目基本情况\n" + _LONG * 8
    for i, sign in enumerate(
        (
            "大英县交通运输局\n二〇二四年三月十日\n",
            "大英县交通运输局（盖章）\n2024年3月10日\n",
            "大英县交通运输局    2024年3月10日\n",
            "大英县交通运输局\n2024.3.10\n附件：项目自评表\n",
        )
    ):
        assert _review(tmp_path, body + sign, f"s{i}.txt").department == "大英县交通运输局", sign
    assert _review(tmp_path, body + "联系单位：大英县交通运输局\n", "none.txt").department == ""


def test_a_whole_calendar_year_written_with_dots(tmp_path):
    """ "项目实施期：2023.1-2023.12", "评价期间：2023.01—2023.12" give 2023 as "2023年1月至2023年12月" does; a
    period over two years gives none. "二〇二三年度" in the title and "（2023年度）" give 2023."""
    body = "一、项目基本情况\n" + _LONG * 3
    title = "农村公路养护项目绩效自评报告\n"
    assert _review(tmp_path, title + "项目实施期：2023.1-2023.12。\n" + body).year == 2023
    assert _review(tmp_path, title + "评价期间：2023.01—2023.12\n" + body, "b.txt").year == 2023
    assert _review(tmp_path, title + "项目实施期：2023.1-2024.12。\n" + body, "c.txt").year is None
    assert _review(tmp_path, "二〇二三年度" + title + body, "d.txt").year == 2023
    assert _review(tmp_path, title + "（2023年度）\n" + body, "e.txt").year == 2023


def test_a_town_or_a_subdistrict_may_be_the_unit_a_village_or_community_named_in_prose_never_the_department(
    tmp_path,
):
    """A 乡镇 or 街道 is a budget unit: the implementing unit on a form, the department that signs its report. A
    village's or a community's committee that the prose says did the work ("新华社区居民委员会对……进行了绩效自评",
    "今后,新华社区居委会将……", "大英县蓬莱镇金元村村民委员会对……") is no budget unit and never the department."""
    form = MOF_HEAD.replace("廊坊市发改委", "徐汇区民政局").replace("廊坊市食品工程学校", "徐汇区漕河泾街道办事处")
    result = _review(tmp_path, form)
    assert (result.department, result.unit) == ("徐汇区民政局", "徐汇区漕河泾街道办事处")
    signed = "2024年度部门整体支出绩效自评报告\n一、部门基本情况\n" + _LONG * 8 + "下桥镇人民政府\n2025年3月1日\n"
    assert _review(tmp_path, signed, "town.txt").department == "下桥镇人民政府"
    title = "2023年度人居环境整治项目绩效自评报告\n一、项目基本情况\n"
    for i, prose in enumerate(
        (
            "新华社区居民委员会对2023年度人居环境整治项目进行了绩效自评。\n",
            "大英县蓬莱镇金元村村民委员会对2023年度人居环境整治项目进行了绩效自评。\n",
            _LONG + "今后,新华社区居委会将进一步加强管理。\n",
        )
    ):
        assert _review(tmp_path, title + prose + _LONG * 8, f"p{i}.txt").department == "", prose


def test_a_year_in_chinese_numerals_whose_zero_a_scan_read_as_the_letter_o(tmp_path):
    """Text recognition reads 〇 as O: "二O二三年度…" in the title gives 2023, and "大英县交通运输局 /
    二O二四年三月十日" at the end is the 落款 (bench/review_formats.py --ocr on a hand-made report)."""
    body = "农村公路养护项目绩效自评报告\n一、项目基本情况\n" + _LONG * 8
    assert _review(tmp_path, "二O二三年度" + body).year == 2023
    signed = "2023年度" + body + "大英县交通运输局\n二O二四年三月十日\n"
    assert _review(tmp_path, signed, "signed.txt").department == "大英县交通运输局"


def test_a_sentence_that_begins_with_a_label_word_or_a_page_s_placeholder_names_no_department(tmp_path):
    """Held-out n215: "部门项目共8个,分别为:市城管委工作经费、小城镇管理经费…" begins with 部门 and has a colon, but
    its words before the colon are no label; n218: "主管部门:点击登录查看" is a page's placeholder, no name. A label
    with its seal's place ("填报单位(盖章):…") still names the unit."""
    body = "一、项目支出基本情况\n" + _LONG * 3
    listed = "项目支出绩效监控报告\n" + body + "部门项目共8个,分别为:市城管委工作经费、小城镇管理经费、文明创建。\n"
    assert _review(tmp_path, listed).department == ""
    hidden = "项目支出绩效自评报告\n项目名称:标准厂房建设\n主管部门:点击登录查看\n" + body
    assert _review(tmp_path, hidden, "hidden.txt").department == ""
    sealed = "项目支出绩效自评报告\n填报单位(盖章):大英县交通运输局\n" + body
    assert _review(tmp_path, sealed, "sealed.txt").department == "大英县交通运输局"


def test_a_department_s_report_that_first_describes_the_unit_itself(tmp_path):
    """Held-out n226, n219, n221: a report that begins with the unit's functions ("(一)部门主要职能 舟曲县城关镇社区
    卫生服务中心主要负责辖区内……") is the department's, whatever projects it lists after; the unit is the one it
    describes — "…主要负责…", "…(本级)属…管理委员会全额拨款的一级法人事业单位", "2021年,通川区人民检察院在区委……
    的坚强领导下……" — a 社区卫生服务中心 being a budget unit, not a community's committee."""
    later = "二、绩效自评工作开展情况\n一是部门整体支出自评;二是部门项目支出自评,包括乡村医生定额补助项目等16个项目。\n"
    centre = (
        "2024年度城关镇社区卫生服务中心预算执行情况绩效自评报告\n一、基本情况\n(一)部门主要职能\n"
        "舟曲县城关镇社区卫生服务中心主要负责辖区内居民的基本医疗及公共卫生工作。\n" + _LONG * 3 + later
    )
    result = _review(tmp_path, centre)
    assert (result.kind, result.department) == ("narrative_department", "舟曲县城关镇社区卫生服务中心")
    owned = (
        "昌吉高新技术产业开发区市政公用事业管理中心(本级)属昌吉高新技术产业开发区管理委员会全额拨款的一级法人事业单位。"
        "主要职能:负责辖区市政基础设施的维修养护工作,编制年度管护项目计划。\n" + _LONG * 3
    )
    result = _review(tmp_path, owned, "owned.txt")
    assert (result.kind, result.department) == ("narrative_department", "昌吉高新技术产业开发区市政公用事业管理中心")
    led = (
        "第一部分 部门概况\n一、基本职能及主要工作\n(二)2021年重点工作完成情况。\n"
        "2021年,通川区人民检察院在区委和市检察院的坚强领导下,依法履行法律监督职责。\n" + _LONG * 3
    )
    assert _review(tmp_path, led, "led.txt").department == "通川区人民检察院"


def test_a_report_that_calls_itself_our_unit_a_closing_label_and_a_title_after_about(tmp_path):
    """ "大英县交通运输局负责全县农村公路养护,我单位……" — 我单位 with the unit as that sentence's subject; "报送单位：
    大英县交通运输局" among the last lines; "关于大英县交通运输局2023年度……的报告". The sender of a notice the report
    follows ("按照黑龙江省财政厅等五部门关于转发《…》的通知要求,我单位……", corpus n64) is not the unit; "株洲市荷塘区
    妇女联合会" is read whole, not cut at 联."""
    body = "一、部门基本情况\n" + _LONG * 8
    own = (
        "2023年度农村公路养护项目绩效自评报告\n一、项目基本情况\n"
        "大英县交通运输局负责全县农村公路养护,我单位2023年共养护农村公路500公里。\n" + _LONG * 8
    )
    assert _review(tmp_path, own).department == "大英县交通运输局"
    closing = "2023年度部门整体支出绩效自评报告\n" + body + "报送单位：大英县交通运输局\n报送日期：2024年3月1日\n"
    assert _review(tmp_path, closing, "closing.txt").department == "大英县交通运输局"
    about = "关于大英县交通运输局2023年度部门整体支出绩效自评情况的报告\n" + body
    assert _review(tmp_path, about, "about.txt").department == "大英县交通运输局"
    notice = (
        "按照黑龙江省财政厅等五部门关于转发《财政专项扶贫资金绩效管理操作指南》的通知要求,我单位及时对路边沟建设项目"
        "开展自评,县级自评情况报告如下:\n" + _LONG * 8
    )
    assert _review(tmp_path, notice, "notice.txt").department == ""
    federation = (
        "2022年度部门整体支出绩效评价报告\n" + _LONG * 3 + "株洲市荷塘区妇女联合会认真履行职责,我单位开展活动30场。\n"
    )
    assert _review(tmp_path, federation + _LONG * 5, "fed.txt").department == "株洲市荷塘区妇女联合会"


def test_a_self_evaluation_signed_in_spring_is_of_the_year_before(tmp_path):
    """No year in the head, the 落款 "大英县交通运输局 / 2024年3月10日" (or "二〇二四年三月十日"): the self-evaluation
    is made after its year closes — 2023, as a 填报日期 in January to October gives; signed in December it gives none,
    nor does a date inside a sentence, nor a report that is no self-evaluation."""
    body = "农村公路养护项目绩效自评报告\n一、项目基本情况\n" + _LONG * 8
    assert _review(tmp_path, body + "大英县交通运输局\n2024年3月10日\n").year == 2023
    assert _review(tmp_path, body + "大英县交通运输局\n二〇二四年三月十日\n", "cn.txt").year == 2023
    assert _review(tmp_path, body + "大英县交通运输局\n2024年12月30日\n", "dec.txt").year is None
    sentence = body + "项目于2024年3月10日通过验收,运行良好。\n"
    assert _review(tmp_path, sentence, "sentence.txt").year is None
    other = body.replace("自评", "") + "大英县交通运输局\n2024年3月10日\n"
    assert _review(tmp_path, other, "other.txt").year is None


def test_a_title_with_the_unit_s_own_accounts_and_a_joint_signature(tmp_path):
    """ "大英县交通运输局（本级）2023年度部门整体支出绩效自评报告" names the unit; a 落款 of two units side by side
    ("大英县交通运输局  大英县财政局" above the date) names no one department — not the two as one name."""
    body = "一、部门基本情况\n" + _LONG * 8
    own = "大英县交通运输局（本级）2023年度部门整体支出绩效自评报告\n" + body
    assert _review(tmp_path, own).department == "大英县交通运输局"
    joint = "2023年度农村公路养护项目绩效自评报告\n" + body + "大英县交通运输局  大英县财政局\n2024年3月10日\n"
    assert _review(tmp_path, joint, "joint.txt").department == ""


def test_a_report_whose_text_came_as_one_long_line_and_one_that_opens_with_its_functions(tmp_path):
    """Held-out n223: a report's text layer in one very long line, no table, is a report ("…财政项目支出绩效评价报告
    … 附件1 绩效评价指标体系" in its contents is no score table's title); held-out n232, n235: a report that opens with
    the unit's functions ("一、部门基本情况 (一)职能职责", "(一)职能简介 …基本职能…") is a department's, and
    "各项目标任务" speaks of no project."""
    line = (
        "漕河泾街道办事处财政项目支出绩效评价报告 项目名称:2016年社区道路整治项目 目录 一、项目概况 二、绩效评价情况 "
        "附件1 绩效评价指标体系 " + _LONG.strip() * 12 + "\n"
    )
    assert _review(tmp_path, line).kind == "narrative_project"
    functions = (
        "一、基本职能及主要工作\n(一)职能简介\n永胜镇人民政府基本职能贯彻党的路线、方针、政策,承担促进经济发展等职能。\n"
        "(二)2024年重点工作\n全面完成上级下达的经济社会发展和乡村振兴发展等各项目标任务。\n" + _LONG * 3
    )
    assert _review(tmp_path, functions, "functions.txt").kind == "narrative_department"
    duties = "一、部门基本情况\n(一)职能职责。负责水资源保护,提出水利资金安排建议并负责项目实施的监督。\n" + _LONG * 3
    assert _review(tmp_path, duties, "duties.txt").kind == "narrative_department"


def test_our_bureau_in_a_report_on_another_unit_s_project_names_no_department(tmp_path):
    """A finance bureau says 我局 too: "我局组织对……开展了重点绩效评价" in a report that names only the unit it
    evaluated ("大英县教育局负责项目实施") is not that unit's; 我局, 我厅, 我委, 我单位 and 我部门 name a unit only as
    the subject of their own sentence. A 我中心 that names one centre is still that centre (corpus n205)."""
    text = (
        "2023年度学生资助项目绩效评价报告\n一、项目基本情况\n大英县教育局负责项目实施,资金1000万元。\n"
        "二、评价工作开展情况\n我局组织对该项目开展了重点绩效评价。\n" + _LONG * 6
    )
    assert _review(tmp_path, text).department == ""
    centre = text.replace("大英县教育局", "大英县学生资助管理中心").replace("我局组织", "我中心组织")
    assert _review(tmp_path, centre, "centre.txt").department == "大英县学生资助管理中心"


def test_a_seal_mark_before_the_name_is_not_part_of_it(tmp_path):
    """'单位名称（公章）：<name>' as text recognition reads a scan: the colon after the seal's mark comes out a full
    stop, and the mark stayed in front of the department's name (seen on a scanned 宝安 report in the web app)."""
    for mark in ("（公章）。", "(盖章)：", "（公章）"):
        text = f"2023年度部门整体支出绩效自评报告\n\n单位名称{mark}深圳市宝安区妇女联合会\n\n一、部门基本情况\n"
        text += "本部门2023年年初预算数为100.00万元。\n"
        assert _review(tmp_path, text).department == "深圳市宝安区妇女联合会", mark


def test_a_third_party_s_report_is_the_evaluated_department_s_never_the_firm_s(tmp_path):
    """A report a firm made on a finance bureau's commission ("受大英县财政局委托，我所对大英县民政局……进行了绩效评价")
    is the evaluated department's: the firm signs it ("四川天府会计师事务所 / 2024年5月10日") or is named under
    评价机构/评价单位/报告单位, and is never the department; a company (…有限公司) is none either (n218's 项目单位)."""
    body = "一、基本情况\n" + _LONG * 3
    signed = "部门整体支出绩效评价报告\n受大英县财政局委托，我所对大英县民政局2023年度部门整体支出进行了绩效评价。\n"
    signed += body + "四川天府会计师事务所\n2024年5月10日\n"
    assert _review(tmp_path, signed).department == "大英县民政局"
    partnership = signed.replace("四川天府会计师事务所\n", "四川天府会计师事务所（特殊普通合伙）\n")
    partnership = partnership.replace("我所对大英县民政局", "我所对该局")
    assert _review(tmp_path, partnership, "partnership.txt").department == ""
    for label in ("评价单位", "评价机构", "报告单位"):
        text = f"项目支出绩效评价报告\n{label}：成都天府资产评估事务所\n项目名称：农村低保资金\n" + body
        assert _review(tmp_path, text, f"{label}.txt").department == "", label
    company = (
        "项目支出绩效自评报告\n项目名称:标准厂房\n主管部门:点击登录查看\n项目单位:海南中部绿色产业园投资发展有限公司\n"
    )
    result = _review(tmp_path, company + body, "company.txt")
    assert (result.department, result.unit) == ("", "海南中部绿色产业园投资发展有限公司")


def test_a_unit_s_name_under_its_heading_with_the_unit_s_particulars_beside(tmp_path):
    """ "单位名称 | 联系人 | 联系电话" over "大英县民政局 | 张三 | …": the name is in the row below, the cells beside
    the label are the particulars' headings, no name (was "联系人"); "单位名称 | 大英县民政局" beside it still reads."""
    table = "部门整体支出绩效自评表（2023年度）\n单位名称\t联系人\t联系电话\n大英县民政局\t张三\t12345678\n"
    table += "项目\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n年度资金总额\t100\t100\t100\t10\t100%\t10\n"
    assert _review(tmp_path, table).department == "大英县民政局"
    beside = table.replace(
        "单位名称\t联系人\t联系电话\n大英县民政局\t张三\t12345678", "单位名称\t大英县民政局\t填报日期\t2024年3月10日"
    )
    assert _review(tmp_path, beside, "beside.txt").department == "大英县民政局"


def test_a_name_cut_at_a_cell_s_edge_or_wrapped_after_its_county(tmp_path):
    """Held-out n244: "单位:张家川回族自治县龙山镇四方中学 | 2024年度 | 金额单位:万元" — a row exported as text: the
    name ends at the cell's edge; n240: "部门(单位)全称:围场满族蒙古族自治县" over "人民法院(公章)" — one name."""
    body = "一、部门基本情况\n" + _LONG * 3
    row = "2024年度部门决算\n单位:张家川回族自治县龙山镇四方中学 | 2024年度 | 金额单位:万元 |\n" + body
    assert _review(tmp_path, row).department == "张家川回族自治县龙山镇四方中学"
    cover = "评价类型: 项目完成结果评价\n部门(单位)全称:围场满族蒙古族自治县\n人民法院(公章)\n填报日期 2024年2月27日\n"
    assert _review(tmp_path, cover + body, "cover.txt").department == "围场满族蒙古族自治县人民法院"
    heading = "部门整体支出绩效自评报告\n单位名称:大英县\n一、财政局\n" + body  # a heading, no name's second line
    assert _review(tmp_path, heading, "heading.txt").department == "大英县"


def test_a_whole_year_written_with_its_year_once(tmp_path):
    """ "项目实施期为2023年1月-12月", "评价期间：2023年1-12月", "2023年1月至12月": one whole calendar year, the
    year evaluated; "2023年1月-2024年12月" and "2023年3月-12月" are not."""
    title = "大英县民政局项目支出绩效自评报告\n"
    for period in ("项目实施期为2023年1月-12月", "评价期间：2023年1-12月", "评价期间：2023年1月 至 12月"):
        assert _review(tmp_path, title + period + "，项目资金100万元全部到位。\n").year == 2023, period
    for period in ("项目实施期为2023年1月-2024年12月", "项目实施期为2023年3月-12月"):
        assert _review(tmp_path, title + period + "，项目资金100万元全部到位。\n", "no.txt").year is None, period


def test_the_file_s_name_is_the_weakest_source_of_the_year_and_the_department(tmp_path):
    """The web's batch and the command line keep the file's name: "2023年度大英县民政局项目支出绩效自评报告.docx" or
    "附件2-大英县民政局.pdf" says whose and which year a document is when its text does not; the text, where it
    says so, wins; "附件2.txt" says nothing."""
    text = "项目支出绩效自评报告\n项目资金100万元全部到位，执行率100%。\n"
    result = _review(tmp_path, text, "2023年度大英县民政局项目支出绩效自评报告.txt")
    assert (result.department, result.year, result.province) == ("大英县民政局", 2023, "四川省")
    assert _review(tmp_path, text, "附件2-大英县民政局.txt").department == "大英县民政局"
    stated = "2022年度中江县水利局项目支出绩效自评报告\n" + text
    result = _review(tmp_path, stated, "2023年度大英县民政局项目支出绩效自评报告.txt")
    assert (result.department, result.year) == ("中江县水利局", 2022)
    result = _review(tmp_path, text, "附件2.txt")
    assert (result.department, result.year) == ("", None)


def test_the_scorer_files_an_autonomous_county_s_short_name_with_its_whole_name():
    """ "张家川县龙山镇四方中学" is 张家川回族自治县龙山镇四方中学 (held-out n244), 彭水自治县 is 彭水苗族土家族自治县,
    红河州 is 红河哈尼族彝族自治州; two counties are not one."""
    assert same_name("张家川回族自治县龙山镇四方中学", "张家川县龙山镇四方中学")
    assert same_name("彭水自治县卫生健康委员会", "彭水苗族土家族自治县卫生健康委员会")
    assert same_name("红河州财政局", "红河哈尼族彝族自治州财政局")
    assert not same_name("张家川回族自治县财政局", "清水县财政局")


def test_a_county_renamed_since_the_divisions_list_and_an_autonomous_county_s_short_name_are_placed(tmp_path):
    """regions.yaml is cpca's list of 2020 (older in places): 无为市 (撤县设市 2019, corpus n23), 龙南市 (2020, n93),
    渌口区 (株洲县 2018, n58), each added with its source; "寻甸县委统战部" is 寻甸回族彝族自治县's (held-out n238)."""
    from jixiao.review.identity import province_of

    assert province_of("无为市财政局") == "安徽省"
    assert province_of("龙南市林业局") == "江西省"
    assert province_of("渌口区住房和城乡建设局") == "湖南省"
    assert province_of("中共寻甸县委统战部") == "云南省"
    assert province_of("河南县级财政") != "青海省"  # 河南县 (青海) is left out: a province's name before 县级
    text = "中共寻甸县委统战部2024年部门整体支出绩效自评报告\n一、部门概况\n" + _LONG * 3
    assert _review(tmp_path, text).province == "云南省"


def test_a_department_label_a_scan_misread_by_one_character(tmp_path):
    """On a scan, 主管部门 read "主管部冂" or "主營部门", 单位名称 read "单位各称": the label, the same but for one
    character after its first, still names the unit beside it — a whole unit's name only; "预算单价" (a price, no
    label) names nothing, and the form's department falls back to its implementing unit as before."""
    form = (
        "项目支出绩效自评表\n(2023年度)\n项目名称\t农村公路养护\n{label}\t大英县交通运输局\t实施单位\t大英县公路事务中心\n"
        "项目资金(万元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        "\t年度资金总额\t100\t100\t100\t10\t100%\t10\n"
    )
    for label in ("主管部冂", "主營部门"):
        result = _review(tmp_path, form.format(label=label), f"{label}.txt")
        assert (result.department, result.unit) == ("大英县交通运输局", "大英县公路事务中心"), label
    price = _review(tmp_path, form.format(label="预算单价"), "price.txt")
    assert price.department == "大英县公路事务中心"
    report = "2023年度部门整体支出绩效自评报告\n单位各称：大英县民政局\n一、部门基本情况\n" + _LONG * 3
    assert _review(tmp_path, report, "report.txt").department == "大英县民政局"


def test_the_one_unit_whose_budget_a_report_tells(tmp_path):
    """Corpus n41: "绵阳市科学技术局主要有部门预算项目支出、专项预算支出二类支出" — the one unit the report names, as
    the subject of its budget; a report that names another unit with its place names none so."""
    text = (
        "项目绩效自评报告\n一、项目基本情况\n(一)绩效目标情况\n"
        "绵阳市科学技术局主要有部门预算项目支出、专项预算支出二类支出,项目资金总预算为2455.5万元。\n" + _LONG * 3
    )
    assert _review(tmp_path, text).department == "绵阳市科学技术局"
    other = text + "绵阳市财政局下达资金2455.5万元。\n"
    assert _review(tmp_path, other, "other.txt").department == ""


_FORM_ROWS = "项目\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n年度资金总额\t100\t100\t100\t10\t100%\t10\n"


def test_a_fill_in_line_with_its_seal_and_date(tmp_path):
    """ "填报单位（盖章）：大英县交通运输局 2024年3月10日" — the seal's place and the date on the unit's line are no
    part of its name (was "大英县交通运输局 2024年3月10日"), and the date is the fill-in date: a self-evaluation filled
    in in March evaluates the year before; in a cell too, with the seal's place between the label and its colon, and
    with the next label after one space ("… 填报时间：…")."""
    body = "一、部门基本情况\n本部门全年预算100万元，执行100万元。\n"
    for line in (
        "填报单位（盖章）：大英县交通运输局 2024年3月10日",
        "填报单位(盖章):大英县交通运输局2024年3月10日",
        "填报单位：大英县交通运输局（盖章）  2024年3月10日",
        "填报单位（盖章）：大英县交通运输局    填报日期：2024年3月10日",
    ):
        result = _review(tmp_path, f"部门整体支出绩效自评报告\n{line}\n" + body)
        assert (result.department, result.year) == ("大英县交通运输局", 2023), line
    for row in (
        "填报单位（盖章）：大英县交通运输局\t填报日期：2024年3月10日",
        "填报单位（盖章）：大英县交通运输局 填报时间：2024年3月10日",
    ):
        result = _review(tmp_path, f"部门整体支出绩效自评表\n{row}\n" + _FORM_ROWS, "table.txt")
        assert (result.department, result.year) == ("大英县交通运输局", 2023), row


def test_a_unit_s_name_in_the_row_under_its_label(tmp_path):
    """ "单位名称" alone in its row (the cells beside it empty), the name in the cell under it."""
    table = "部门整体支出绩效自评表\n单位名称\t\t\t\n大英县民政局\t\t\t\n" + _FORM_ROWS
    assert _review(tmp_path, table).department == "大英县民政局"


def test_a_place_whose_name_begins_like_a_sentence_and_a_competent_department_in_prose(tmp_path):
    """Held-out n231: "本溪满族自治县水务局2022年度部门决算" — 本溪 and 全椒 are places, not 本/全 opening a sentence
    ("本部门…", "全县…"); n217: "主管部门为海口国家高新区管委会(行政主管部门)" names the department where the report
    names no implementing unit in prose (one that says "实施单位为…" is that unit's)."""
    body = "一、部门概况\n" + _LONG * 3
    assert _review(tmp_path, "本溪满族自治县水务局2022年度部门决算\n" + body).department == "本溪满族自治县水务局"
    assert _review(tmp_path, "全椒县民政局2022年度部门决算\n" + body, "q.txt").department == "全椒县民政局"
    assert _review(tmp_path, "本单位2022年度部门决算\n" + body, "own.txt").department == ""
    prose = "云龙产业园路网项目绩效自评报告\n一、项目概况\n主管部门为海口国家高新区管委会(行政主管部门)。\n" + _LONG * 3
    assert _review(tmp_path, prose, "prose.txt").department == "海口国家高新区管委会"
    both = prose.replace("主管部门为", "实施单位为海口市政工程中心,主管部门为")
    assert _review(tmp_path, both, "both.txt").department != "海口国家高新区管委会"


def test_a_whole_year_in_iso_dates(tmp_path):
    """ "评价期间：2023-01-01至2023-12-31" (a system's export): one whole calendar year, the year evaluated; a span
    over two years is none."""
    title = "大英县民政局项目支出绩效自评报告\n"
    assert _review(tmp_path, title + "评价期间：2023-01-01至2023-12-31\n项目资金全部到位。\n").year == 2023
    span = title + "评价期间：2023-01-01至2024-12-31\n项目资金全部到位。\n"
    assert _review(tmp_path, span, "span.txt").year is None


def test_a_unit_s_own_accounts_in_brackets_and_a_firm_s_title_about_the_unit(tmp_path):
    """ "单位名称：大英县民政局（本级）" names 大英县民政局 (was the name with its bracket, filed apart from it); a
    third party's title "四川天府会计师事务所关于大英县民政局2023年度……评价报告" is the evaluated unit's."""
    body = "一、部门基本情况\n本部门全年预算100万元，执行100万元。\n"
    own = "部门整体支出绩效自评报告\n单位名称：大英县民政局（本级）\n" + body
    assert _review(tmp_path, own).department == "大英县民政局"
    firm = "四川天府会计师事务所关于大英县民政局2023年度部门整体支出绩效评价报告\n" + body
    assert _review(tmp_path, firm, "firm.txt").department == "大英县民政局"


def test_a_label_cell_with_its_seal_and_colon_before_the_value_s_cell(tmp_path):
    """ "单位名称（公章）： | 大英县民政局": the label's cell ends with its colon, the name in the next cell (was
    none)."""
    table = "部门整体支出绩效自评表\n（2023年度）\n单位名称（公章）：\t大英县民政局\n" + _FORM_ROWS
    assert _review(tmp_path, table).department == "大英县民政局"
    assert _review(tmp_path, table.replace("（公章）：", "："), "colon.txt").department == "大英县民政局"


def test_a_place_read_across_a_province_s_name_is_none():
    """ "云南县域经济", "河南县级财政" hold 湖南's 南县 only as letters run on from the province's name, and
    "江西安远县" no 西安 (was 湖南省, 湖南省, 陕西省); 南县 standing alone is 湖南's."""
    from jixiao.review.identity import province_of

    assert province_of("云南县域经济发展") == "云南省"
    assert province_of("河南县级财政") != "湖南省"
    assert province_of("江西安远县财政局") == "江西省"
    assert province_of("南县财政局") == "湖南省"


def test_a_city_s_bare_name_that_another_place_s_district_bears_or_a_set_phrase_holds_is_none():
    """ "朝阳区财政局" (北京's or 长春's: 朝阳区 is in two provinces) is no 朝阳市 of 辽宁 (was 辽宁省);
    "维护社会长治久安" and "幸福安康" name no 长治 (山西) or 安康 (陕西); 长治市 and 朝阳县 still are theirs."""
    from jixiao.review.identity import province_of

    assert province_of("朝阳区财政局2023年度部门决算") == ""
    assert province_of("维护社会长治久安") == "" and province_of("人民幸福安康") == ""
    assert province_of("长治市财政局") == "山西省" and province_of("朝阳县财政局") == "辽宁省"
