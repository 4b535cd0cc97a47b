"""Who and when on forms the corpus holds too rarely: a unit named only by its level ("市交通运输局", "县政协") in a
document that names its place once, the unit a self-evaluation's money went to, a form whose labels head their
columns, a unit's second plate after the 2023 reform, a year in Chinese numerals or two digits in a title, the
seal's place between a 落款's name and its date, a page saved with its site's particulars first, a county's own
government printed as 主管部门, and county-level places renamed or set up since regions.yaml's list
(review/identity.py, review/years.py, review/facts.py, review/regions.yaml; docs/review.md "Identity").

Each document is made by hand after the corpus document named beside it.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.review import review_file
from jixiao.review.identity import province_of


def _review(tmp_path: Path, text: str, name: str = "doc.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return review_file(path)


_BODY = "二、绩效自评结论\n经自评，项目资金执行率100%，总体运行良好，达到了年初设定的绩效目标。\n"


def test_a_unit_named_by_its_level_takes_the_one_place_of_that_level_the_document_names(tmp_path):
    """corpus n164: the whole name is printed nowhere, 保山市 is the only city named — "市交通运输局" is 保山市's;
    the money of a self-evaluation went to it ("市财政下达市交通运输局……经费"). A document that names two cities
    leaves it by its level, which this reading does not give: a name filed under no one."""
    text = (
        "一、项目基本情况\n保山市应承担站房扩大规模增加投资共9925万元，还需拨付325万元。\n"
        "二、项目绩效自评工作开展情况\n我局成立了预算绩效管理工作领导小组。\n"
        "三、项目绩效实现情况\n市财政下达市交通运输局站房规模扩大工程建设经费260万元。\n"
    )
    assert _review(tmp_path, text).department == "保山市交通运输局"
    two = text.replace("我局成立", "借鉴大理市经验，我局成立")
    assert _review(tmp_path, two, "two.txt").department == ""


def test_the_one_unit_a_self_evaluation_s_money_was_allocated_to(tmp_path):
    """corpus n174: "自治区广电局每年均为林芝市广电局下达村村通维护经费" — the unit that received the money makes the
    self-evaluation; money allocated to two units names none."""
    text = (
        "项目支出绩效自评报告\n项目名称:村村通维护经费\n一、项目基本情况\n"
        "自治区广电局每年均为林芝市广电局下达村村通维护经费，资金金额每年有所不同。\n" + _BODY
    )
    assert _review(tmp_path, text).department == "林芝市广电局"
    two = text.replace("下达村村通维护经费，", "下达村村通维护经费，并为林芝市文化局下达设备经费，")
    assert _review(tmp_path, two, "two.txt").department == ""


def test_a_department_s_report_whose_paragraphs_open_with_its_short_name(tmp_path):
    """corpus n63: "县政协坚持按照……", "县政协牢牢把握……" in a report that names 南县 once: the report of 南县政协. The
    county's own organs opening paragraphs ("县委、县政府高度重视……") are no department."""
    text = (
        "部门整体支出绩效评价报告\n一、基本情况\n2021年部门决算收支完成情况。\n"
        "县政协坚持按照县委十五字方针和发展定位，奋力谱写南县高质量跨越发展新篇章。\n"
        "县政协牢牢把握团结和民主两大主题，切实履行政治协商、民主监督、参政议政三大职能。\n"
    )
    assert _review(tmp_path, text).department == "南县政协"
    organs = text.replace("县政协坚持", "县委高度重视").replace("县政协牢牢", "县委始终")
    assert _review(tmp_path, organs, "organs.txt").department == ""


def test_a_department_s_report_that_describes_the_unit_in_more_ways(tmp_path):
    """corpus n232: "(二)机构设置。市水利局为市政府组成部门" (a heading closed by a full stop; 重庆市 the city);
    n228: "……社区卫生服务中心是卫生医疗预防工作的综合性机构"; n251: "山东省残疾人联合会(以下简称“省残联”)是中国残疾人
    联合会的地方组织"."""
    text = (
        "一、部门基本情况\n(一)职能职责。负责全市水资源保护，承担重庆市河长办公室日常工作。\n"
        "(二)机构设置。市水利局为市政府组成部门，局机关设办公室、规划计划处。\n"
    )
    assert _review(tmp_path, text).department == "重庆市水利局"
    text = (
        "目录\n第一部分 单位概况\n一、主要职能\n"
        "金平县城区社区卫生服务中心是卫生医疗预防工作的综合性机构，其主要职能是提供预防、保健服务。\n"
    )
    result = _review(tmp_path, text, "centre.txt")
    assert (result.department, result.province) == ("金平县城区社区卫生服务中心", "云南省")
    text = (
        "山东省残疾人联合会2023年度部门整体支出绩效评价报告\n一、部门基本情况\n"
        "山东省残疾人联合会(以下简称“省残联”)是中国残疾人联合会的地方组织，是残疾人事业管理机构。\n"
    ).replace("山东省残疾人联合会2023年度部门整体支出绩效评价报告\n", "部门整体支出绩效评价报告\n")
    assert _review(tmp_path, text, "federation.txt").department == "山东省残疾人联合会"
    text = (
        "2024年度部门整体支出绩效自评报告\n一、部门基本情况\n大英县交通运输局是主管全县交通运输工作的县政府工作部门。\n"
    )
    assert _review(tmp_path, text, "bureau.txt").department == "大英县交通运输局"


def test_a_bare_city_name_that_names_a_hospital_is_no_place(tmp_path):
    """corpus n257 (北京市卫生健康委员会): "朝阳医院东院……开诊运行" is 北京's 朝阳医院, no 朝阳市 of 辽宁."""
    text = (
        "一、总体情况\n2023年,市卫生健康委紧紧围绕首都功能定位和健康北京建设开展工作。\n"
        "二、主要做法\n推动优质医疗资源扩容布局，朝阳医院东院、友谊医院通州院区二期开诊运行。\n"
    )
    assert _review(tmp_path, text).province != "辽宁省"
    assert province_of("朝阳市财政局") == "辽宁省"


def test_the_unit_of_the_one_who_makes_the_report_under_its_title(tmp_path):
    """corpus n222: "市审计局局长   李火生" under the title of a report to the 人大常委会; 瑞金市 the only city
    named."""
    text = (
        "关于2020年度市本级预算执行和其他财政收支审计查出问题整改情况的报告\n"
        "市审计局局长   李火生\n主任、各位副主任、各位委员:\n"
        "市人大常委会听取和审议了《关于瑞金市2020年度市本级预算执行和其他财政收支的审计工作报告》。\n"
    )
    assert _review(tmp_path, text).department == "瑞金市审计局"


def test_a_form_whose_labels_head_their_columns_or_stand_over_their_names(tmp_path):
    """A project's form whose labels head the columns of a row, the names in the row under them, and one whose
    label stands alone over the row with its name; a list of projects under the same headings (one unit a row)
    names no department."""
    text = (
        "农村公路养护项目2024年度绩效自评表\n项目名称\t项目主管部门\t项目实施单位\n"
        "农村公路养护\t大英县交通运输局\t大英县公路事务中心\n"
        "项目资金(万元)\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        "\t年度资金总额\t100\t100\t100\t10\t100%\t10\n"
    )
    result = _review(tmp_path, text)
    assert (result.department, result.unit) == ("大英县交通运输局", "大英县公路事务中心")
    text = (
        "农村公路养护项目绩效自评报告\n项目名称\t农村公路养护\t项目资金（万元）\t100\n项目主管部门\t\t\t\n"
        "\t大英县交通运输局\t\t\n一、项目基本情况\n该项目全年预算100万元，已全部支出。\n"
    )
    assert _review(tmp_path, text, "below.txt").department == "大英县交通运输局"
    text = (
        "2024年度财政重点项目绩效评价结果\n项目名称\t项目主管部门\t项目实施单位\n"
        "道路养护\t大英县交通运输局\t大英县公路事务中心\n学校运转\t大英县教育局\t大英县第一中学\n"
    )
    assert _review(tmp_path, text, "list.txt").department == ""


def test_a_unit_s_second_plate_after_the_2023_reform_is_no_part_of_its_name(tmp_path):
    """After the 2023 reform 乡村振兴局's duties went to 农业农村部, which bears its name as a second plate
    (加挂国家乡村振兴局牌子, http://rcyhjx.com/dn/kuaixun/417188.html): a county prints "大英县农业农村局（大英县
    乡村振兴局）" in a title or beside 主管部门 — the department is 大英县农业农村局."""
    title = "大英县农业农村局（大英县乡村振兴局）2024年度部门整体支出绩效自评报告\n一、部门基本情况\n本局负责农业。\n"
    assert _review(tmp_path, title).department == "大英县农业农村局"
    form = (
        "项目支出绩效自评表\n(2024年度)\n项目名称\t衔接推进乡村振兴补助资金\n"
        "主管部门\t大英县农业农村局（大英县乡村振兴局）\t实施单位\t大英县蓬莱镇人民政府\n"
        "项目资金(万元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n"
        "\t年度资金总额\t100\t100\t100\t10\t100%\t10\n"
    )
    result = _review(tmp_path, form, "form.txt")
    assert (result.department, result.unit) == ("大英县农业农村局", "大英县蓬莱镇人民政府")
    # a local financial regulator bore 金融工作办公室 as its second plate from 2018 until the 2023 reform took it off
    # (不再加挂金融工作局、金融办公室等牌子: https://www.gqgt.com/zcpg/70827.html, 2023-03-07)
    title = "大英县地方金融监督管理局（大英县金融工作办公室）2022年度部门整体支出绩效自评报告\n一、基本情况\n"
    assert _review(tmp_path, title, "finance.txt").department == "大英县地方金融监督管理局"


def test_a_title_s_year_in_chinese_numerals_or_two_digits(tmp_path):
    """A title's "大英县民政局二〇二四年度……", "……24年度……", "……24年部门……", "……2 0 2 4 年 度……" (a justified
    line): the year, and the unit before it; "24年" in prose (a span: "工作24年") is no year."""
    titles = ("大英县民政局二〇二四年度", "大英县民政局24年度", "大英县民政局24年", "大英县民政局2 0 2 4 年 度")
    for i, title in enumerate(titles):
        text = f"{title}部门整体支出绩效自评报告\n一、部门基本情况\n本局负责全县民政工作。\n"
        result = _review(tmp_path, text, f"y{i}.txt")
        assert (result.department, result.year) == ("大英县民政局", 2024), title
    prose = "部门整体支出绩效自评报告\n一、部门基本情况\n本局老同志在民政岗位工作24年，经验丰富。\n"
    assert _review(tmp_path, prose, "prose.txt").year is None


def test_a_signature_with_the_seal_s_place_set_apart_between_name_and_date(tmp_path):
    """The 落款 on one line: "大英县交通运输局 （章） 2025年3月", "大英县交通运输局（印章）  二〇二五年三月十日"."""
    head = "部门整体支出绩效自评报告\n一、部门基本情况\n本单位负责全县道路运输管理。\n" + _BODY
    for i, line in enumerate(
        ("大英县交通运输局 （章） 2025年3月", "大英县交通运输局（印章）            二〇二五年三月十日")
    ):
        assert _review(tmp_path, head + line + "\n", f"s{i}.txt").department == "大英县交通运输局", line


def test_a_signature_whose_date_has_its_label_and_a_closing_label_with_the_seal_s_place(tmp_path):
    """ "大英县交通运输局（盖章）   日期：2025年3月10日" names the unit and, in spring, the year before; so does
    "单位：…" over "时间：2025年3月10日"; "报告单位：大英县交通运输局（盖章）" names the unit."""
    head = "部门整体支出绩效自评报告\n一、部门基本情况\n本单位负责全县道路运输管理。\n" + _BODY
    result = _review(tmp_path, head + "大英县交通运输局（盖章）   日期：2025年3月10日\n")
    assert (result.department, result.year) == ("大英县交通运输局", 2024)
    result = _review(tmp_path, head + "单位：大英县交通运输局\n时间：2025年3月10日\n", "time.txt")
    assert result.year == 2024
    assert (
        _review(tmp_path, head + "报告单位：大英县交通运输局（盖章）\n", "label.txt").department == "大英县交通运输局"
    )


def test_a_page_saved_with_its_site_s_particulars_before_its_title(tmp_path):
    """corpus n253: "- 开远市机关事务管理局" (the site's menu) and "发布机构开远市机关事务局" over the title
    "开远市市级机关公务用车保障中心2024年度……自评报告"; n250: the source line run on into the first sentence
    ("信息来源:区湘湖旅游度假区管委会我单位2024年……")."""
    text = (
        "- 开远市机关事务管理局\n-\n索引号kysjgswj/2025-00012\n-\n发布机构开远市机关事务局\n-\n文号\n-\n"
        "发布日期2025-07-03\n-\n时效性有效\n开远市市级机关公务用车保障中心2024年度部门整体和项目支出绩效自评报告\n"
        "我单位及时对2024年部门整体和项目支出绩效情况进行自查自评。\n"
    )
    assert _review(tmp_path, text).department == "开远市市级机关公务用车保障中心"
    text = (
        "2024年度新增地方政府专项债券项目绩效评价情况\n"
        "发布日期:2025-06-24 08:59 访问次数: 信息来源:萧山区湘湖旅游度假区管委会我单位2024年新增专项债券项目1个。\n"
    )
    assert _review(tmp_path, text, "source.txt").department == "萧山区湘湖旅游度假区管委会"


def test_a_county_s_government_printed_as_the_competent_department(tmp_path):
    """corpus t79: "主管部门 | 施甸县人民政府" — a county's government is no department; the unit the form names
    (单位名称, 项目实施单位) answers for it. A township's government is a budget unit and stays."""
    text = (
        "项目支出绩效自评表\n单位名称:施甸县农业农村局\t填报日期:2022年7月5日\n项目名称\t新型农业经营主体扶持项目\n"
        "主管部门\t施甸县人民政府\t项目实施单位\t施甸县农业农村局\n"
        "预算执行情况(万元)(20分)\t\t预算数(A)\t执行数(B)\t执行率(B/A)\t得分\n\t年度财政资金总额\t650\t94\t0.1\t2.9\n"
    )
    assert _review(tmp_path, text).department == "施甸县农业农村局"
    town = text.replace("施甸县人民政府", "施甸县仁和镇人民政府")
    assert _review(tmp_path, town, "town.txt").department == "施甸县仁和镇人民政府"


def test_county_level_places_set_up_or_renamed_since_the_divisions_list():
    """regions.yaml, each with its source: 龙港市 (浙江, 2019), 黔西市 (贵州, 2021), 肥乡区 and 永年区 (河北,
    国函〔2016〕157号), 龙感湖管理区 (湖北 黄冈, a county-level zone; corpus n27), and the ones below."""
    assert province_of("龙港市财政局") == "浙江省"
    assert province_of("黔西市教育局") == "贵州省"
    assert province_of("肥乡区卫生健康局") == "河北省"
    assert province_of("永年区民政局") == "河北省"
    assert province_of("龙感湖管理区农业农村局") == "湖北省"
    # 2016-2024, each cited in regions.yaml: 2017's 柴桑区, 罗江区, 达孜区, 南郑区; 郫都区 (2016); 莱芜区 (2019);
    # the 兵团 cities 胡杨河市 (2019), 新星市 (2021), 白杨市 (2022); 和安县, 和康县 (2024); 米林市 (林芝)
    places = {"柴桑区": "江西省", "罗江区": "四川省", "达孜区": "西藏自治区", "南郑区": "陕西省", "郫都区": "四川省"}
    places |= {
        "莱芜区": "山东省",
        "胡杨河市": "新疆维吾尔自治区",
        "白杨市": "新疆维吾尔自治区",
        "和康县": "新疆维吾尔自治区",
    }
    places |= {"新星市": "新疆维吾尔自治区", "和安县": "新疆维吾尔自治区", "米林市": "西藏自治区"}
    for place, province in places.items():
        assert province_of(place + "财政局") == province, place


def test_a_town_or_a_subdistrict_named_before_a_year_is_its_government_s_or_office_s(tmp_path):
    """corpus n25: "攀枝花市仁和区同德镇2021年度部门预算项目支出绩效自评报告"; n131: "……,现将涪陵区新妙镇2021年度
    “三公”经费决算情况公布如下": the town's government (…镇人民政府), a subdistrict's office (…街道办事处); the scorer
    files the town and its government together. "城乡" or "乡镇" before a year is no town."""
    from jixiao.review.identity_score import same_name

    body = "一、部门基本情况\n本单位负责辖区经济社会发展，预算执行良好。\n"
    text = "攀枝花市仁和区同德镇2021年度部门预算项目支出绩效自评报告\n" + body
    assert _review(tmp_path, text).department == "攀枝花市仁和区同德镇人民政府"
    text = "按照区政府关于推进政府信息公开工作部署,现将涪陵区新妙镇2021年度“三公”经费决算情况公布如下:\n" + body
    assert _review(tmp_path, text, "town.txt").department == "涪陵区新妙镇人民政府"
    text = "成都市锦江区书院街街道2024年度部门整体支出绩效自评报告\n" + body
    assert _review(tmp_path, text, "street.txt").department == "成都市锦江区书院街街道办事处"
    text = "大英县城乡2024年度居民医保补助绩效自评报告\n" + body
    assert _review(tmp_path, text, "rural.txt").department == ""
    assert same_name("攀枝花市仁和区同德镇", "攀枝花市仁和区同德镇人民政府")
    assert not same_name("同德镇", "同德乡人民政府")


def test_a_unit_s_name_with_its_seal_s_place_on_a_line_over_the_title(tmp_path):
    """A cover: "大英县交通运输局（公章）" on its own line over "2024年度部门整体支出绩效自评报告"."""
    text = "大英县交通运输局（公章）\n2024年度部门整体支出绩效自评报告\n一、部门基本情况\n本单位负责道路运输管理。\n"
    assert _review(tmp_path, text).department == "大英县交通运输局"


def test_a_project_report_that_says_which_unit_carried_the_project_out(tmp_path):
    """held-out n259: "该项目由西平县农业农村局组织实施" — a project's report is its implementing unit's."""
    text = (
        "一、项目基本情况\n2023年下达财政衔接资金280万元，用于优质小麦种植补贴项目。该项目由西平县农业农村局组织实施。\n"
        "二、项目资金拨付情况及总体评价\n截止评价点，该项目已拨付资金269.30万元，资金拨付率96%。\n"
    )
    assert _review(tmp_path, text).department == "西平县农业农村局"


def test_a_page_s_path_on_its_site_names_the_unit_and_its_banner_does_not(tmp_path):
    """held-out n261: "牟定县人民政府" (the site's banner) over "首页 >> 部门信息公开 >> 牟定县交通运输局 >> 正文";
    n258: "您的位置: 首页 >……>山西省太谷师范附属小学>详细内容" over a title whose unit prints no place."""
    text = (
        "牟定县人民政府\n首页 >> 部门信息公开 >> 牟定县交通运输局 >> 正文\n"
        "牟定县2020年第一批公路安全生命防护工程绩效自评报告\n一、项目基本情况\n项目资金100万元，已全部支出。\n"
    )
    assert _review(tmp_path, text).department == "牟定县交通运输局"
    text = (
        "您的位置: 首页 >政府财政预决算公开专栏>部门预决算>其他部门>山西省太谷师范附属小学>详细内容\n"
        "太谷师范附属小学2018年决算公开\n第一部分  概况\n一、本部门主要职责\n实施小学义务教育。\n"
    )
    assert _review(tmp_path, text, "school.txt").department == "山西省太谷师范附属小学"


def test_a_party_school_and_the_labels_of_a_project_s_answerable_and_executing_units(tmp_path):
    """corpus n249: a 党校's report ("中共沅江市委党校2023年度专项支出绩效评价报告") — 党校 ends a unit's name as 局
    does (vocabulary.yaml department_endings: whole words, since 场 alone would end 大英县市场监督管理局 at 市场). A
    project form labelled 项目主管单位 / 项目承担单位 names the department and the unit as 主管部门 / 实施单位 do."""
    school = "中共沅江市委党校2023年度专项支出绩效评价报告\n一、项目基本概况\n我单位设5个内设机构。\n" + _BODY
    assert _review(tmp_path, school).department == "中共沅江市委党校"
    form = (
        "项目支出绩效自评表\n（2023年度）\n项目名称：农村义务教育营养改善计划\n"
        "项目主管单位：大英县教育局\n项目承担单位：大英县蓬莱镇中心小学\n" + _BODY
    )
    result = _review(tmp_path, form, "form.txt")
    assert (result.department, result.unit) == ("大英县教育局", "大英县蓬莱镇中心小学")
