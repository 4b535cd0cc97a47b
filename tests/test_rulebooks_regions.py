"""Issue 18: the regional rulebooks, inheritance (`extends`), `rulebooks diff`, the listing, the generated pages,
and template/report over a generated example of every rulebook. Scores of the rule kinds and rulebooks are in the
YAML cases (tests/cases/rule_kinds.yaml, tests/cases/regions.yaml)."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
import yaml
from docx import Document

from jixiao.cli import main
from jixiao.scoring.rulebook import BUILTIN_DIR, load_rulebook, load_rulebook_with_problems
from jixiao.scoring.rulebook_changes import diff_rulebooks
from jixiao.scoring.rulebook_pages import expected_pages
from jixiao.scoring.rules import KINDS

from .rulebook_examples import example_tree

ROOT = Path(__file__).resolve().parent.parent
BROKEN = ROOT / "tests" / "cases" / "rulebooks" / "broken"
BUILTIN = sorted(p.relative_to(BUILTIN_DIR).with_suffix("").as_posix() for p in BUILTIN_DIR.rglob("*.yaml"))
NEW = [
    "sichuan/department/2017",
    "sichuan-dazhou/department/2017",
    "sichuan/project/2017",
    "sichuan-daying/department/2020",
    "anhui-shouxian/department/2023",
    "mof/project/2021",
    "hunan-yueyang/department/2018",
    "jiangxi-nanchangxian/department/2021",
    "hunan-xinshao/department/2017",
    "chongqing/department/2021",
    "hubei/project/2020",
    "hubei-guangshui/project/2021",
    "ningxia-yinchuan/project/2021",
    "yunnan-baoshan/project/2022",
    "anhui-tongling-jiaoqu/project/2021",
    "beijing-haidian/project/2016",
    "xinjiang-fukang/project/2023",
    "sichuan/project/2023",
    "yunnan-baoshan/project/2023",
]


@pytest.fixture(autouse=True)
def _builtin_only(monkeypatch):
    monkeypatch.delenv("JIXIAO_RULEBOOK_PATH", raising=False)


@pytest.mark.parametrize("rid", BUILTIN)
def test_every_builtin_rulebook_loads_without_problems(rid):
    rulebook, problems = load_rulebook_with_problems(rid)
    assert rulebook is not None and [p.format() for p in problems] == []


@pytest.mark.parametrize("rid", NEW)
def test_new_rulebooks_cite_their_source_and_stay_out_of_automatic_review(rid):
    rulebook = load_rulebook(rid)
    for key in ("document", "number", "address", "date", "known", "unknown"):
        assert rulebook.source.get(key), f"{rid}: source.{key}"
    assert re.search(r"https?://", rulebook.source["address"])
    # Review chooses a rulebook by region and kind; a partly known table must not be imposed on documents: it is
    # chosen by itself only by its form (review.form, tests/test_review_rulebook_form.py), if at all.
    assert rulebook.auto_select is False or rulebook.review.get("form")
    for leaf in rulebook.leaves():
        assert leaf.rule is not None and leaf.rule.confidence in ("official", "inferred")
        # A row whose criterion was not published is never marked official unless the text is quoted.
        if "原文未取得" in leaf.name:
            assert leaf.rule.confidence == "inferred" and leaf.rule.kind == "manual"


def test_the_known_rulebooks_keep_being_chosen_automatically():
    for rid in ("shenzhen-baoan/department/2023", "hunan/department/2023", "mof/project/2020"):
        assert load_rulebook(rid).auto_select is True


def test_dazhou_changes_one_row_of_the_province_table():
    province, city = load_rulebook("sichuan/department/2017"), load_rulebook("sichuan-dazhou/department/2017")
    assert city.extends == "sichuan/department/2017"
    assert [leaf.id for leaf in city.leaves()] == [leaf.id for leaf in province.leaves()]
    renamed = [(a.name, b.name) for a, b in zip(province.leaves(), city.leaves(), strict=True) if a.name != b.name]
    assert renamed == [("省级财力专项预算分配时限", "市级财力专项预算分配时限")]
    changed = city.roots[1].children[0].children[0]
    assert changed.path == ("综合管理", "专项资金分配时限", "市级财力专项预算分配时限")
    # the inherited nodes keep the line of the file that defines them
    assert changed.location is not None and changed.location.file.endswith("sichuan/department/2017.yaml")


def test_diff_between_province_and_city_and_between_years():
    lines = diff_rulebooks(load_rulebook("sichuan/department/2017"), load_rulebook("sichuan-dazhou/department/2017"))
    indicator_lines = [line for line in lines if "/" in line.split("：")[0]]
    assert indicator_lines == [
        "~ 综合管理/专项资金分配时限/市级财力专项预算分配时限：名称 省级财力专项预算分配时限 → 市级财力专项预算分配时限"
    ]
    assert "~ 地区：四川省 → 四川省达州市" in lines
    lines = diff_rulebooks(load_rulebook("mof/project/2020"), load_rulebook("mof/project/2021"))
    assert "~ 年度：2020 → 2021" in lines
    assert any(line.startswith("~ 产出指标：规则") and "产出指标、成本指标" in line for line in lines)
    assert diff_rulebooks(load_rulebook("mof/project/2020"), load_rulebook("mof/project/2020")) == []


def test_diff_shows_added_and_removed_indicators(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text(
        "id: t/child\ntitle: 子\nyear: 2018\nextends: sichuan/department/2017\nchanges:\n"
        "  - {remove: talent}\n"
        "  - {set: innovation, weight: 10}\n",
        encoding="utf-8",
    )
    rulebook, problems = load_rulebook_with_problems(str(child))
    assert [p.code for p in problems] == [] and rulebook is not None
    lines = diff_rulebooks(load_rulebook("sichuan/department/2017"), rulebook)
    assert "- 删除 部门绩效情况/可持续发展能力/人才培养（5分）" in lines
    assert "~ 部门绩效情况/可持续发展能力/科技（制度、方法、机制等）创新：分值 5 → 10" in lines
    assert rulebook.changes[0] == "删除 人才培养（talent，5分）"


def test_cli_lists_region_kind_year_source_and_official_share(capsys):
    assert main(["rulebooks"]) == 0
    out = capsys.readouterr().out
    for rid in BUILTIN:
        assert f"{rid}\t" in out
    # 大英: 5 rules, 3 official (目标制定, 目标实现, 编制准确): 3 × 100 ÷ 5 = 60%
    block = out.split("sichuan-daying/department/2020\t")[1].split("\n\n")[0]
    assert "地区：四川省遂宁市大英县；类型：部门整体；年度：2020" in block
    assert "5 项，其中 3 项来自官方文件，2 项推定" in block and "官方规则占 60%" in block
    assert "（2021-08-16）" in block
    assert "继承自 sichuan/department/2017，修改 1 处" in out


def test_cli_diff(capsys):
    assert main(["rulebooks", "diff", "sichuan/department/2017", "sichuan-dazhou/department/2017"]) == 0
    out = capsys.readouterr().out
    assert "sichuan/department/2017 → sichuan-dazhou/department/2017：4 处不同" in out
    assert main(["rulebooks", "diff", "sichuan/department/2017"]) == 2
    assert "用法：jixiao rulebooks diff" in capsys.readouterr().err
    assert main(["rulebooks", "diff", "sichuan/department/2017", "sichuan/department/2071"]) == 2
    assert "是否应为“sichuan/department/2017”" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("fixture", "code", "line", "fragment"),
    [
        ("extends_unknown.yaml", "rulebook.extends", 4, "继承的指标体系“sichuan/department/2071”无法加载"),
        ("extends_unknown.yaml", "rulebook.unknown", None, "是否应为“sichuan/department/2017”"),
        ("extends_bad_change.yaml", "rulebook.bad_change", 7, "要修改的指标编号“relevence”不存在"),
        ("extends_bad_change.yaml", "rulebook.bad_change", 8, "应且只应有 set（修改）、replace（替换）"),
        ("extends_weights.yaml", "rulebook.weights", 6, "修改后“目标任务”分值为 15，但下级指标分值合计为 16"),
        ("cycle_a.yaml", "rulebook.extends_cycle", 4, "指标体系循环继承"),
        ("kinds_bad.yaml", "rulebook.bad_param", 14, "worst（得0分的值）应大于 best"),
        ("kinds_bad.yaml", "rulebook.bad_param", 15, "定性分档只能读取定性事实"),
        ("kinds_bad.yaml", "rulebook.bad_param", 16, "factor（扣减系数）应为正数"),
        ("kinds_bad.yaml", "rulebook.bad_param", 24, "可选项的事实“use_b”未在指标体系的 facts 中声明"),
        ("kinds_bad.yaml", "rulebook.bad_param", 28, "未知的规则类型“manuel”。是否应为“manual”"),
        ("kinds_bad.yaml", "rulebook.bad_veto", 7, "一票否决的事实“nowhere”未在 facts 中声明"),
        ("kinds_bad.yaml", "rulebook.bad_veto", 8, "应且只应指定 cap_grade（封顶等级）或 zero_block"),
    ],
)
def test_broken_rulebooks_name_line_and_fix(fixture, code, line, fragment):
    _, problems = load_rulebook_with_problems(str(BROKEN / fixture))
    matching = [p for p in problems if p.code == code and fragment in p.message]
    assert matching, [p.format() for p in problems]
    if line is not None:
        assert matching[0].location.line == line
        assert matching[0].location.file.endswith(fixture)


def test_every_kind_has_a_worked_example_and_a_case():
    doc = (ROOT / "docs" / "rule-kinds.md").read_text(encoding="utf-8")
    # a kind is scored by some case when a rulebook the cases use (built-in or under tests/cases) has it
    files = [*(ROOT / "tests" / "cases").rglob("*.yaml"), *BUILTIN_DIR.rglob("*.yaml")]
    cases = "".join(p.read_text(encoding="utf-8") for p in files)
    for name, kind in KINDS.items():
        assert f"## {name} — {kind.label}" in doc, name
        assert f"kind: {name}" in cases or f"kind: {name}," in cases, name


def test_generated_pages_are_current():
    pages = expected_pages()
    folder = ROOT / "docs" / "rulebooks"
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*.md")}
    assert on_disk == set(pages), "run: python -m jixiao.scoring.rulebook_pages docs/rulebooks"
    for rel, text in pages.items():
        assert (folder / rel).read_text(encoding="utf-8") == text, (
            f"{rel} is stale: python -m jixiao.scoring.rulebook_pages"
        )
    assert "| `sichuan-daying/department/2020`" not in pages["README.md"]  # the ids are links
    assert "[`sichuan-daying/department/2020`](sichuan-daying/department/2020.md)" in pages["README.md"]


@pytest.mark.parametrize("rid", BUILTIN)
def test_template_and_report_work_with_every_rulebook(rid, tmp_path):
    rulebook = load_rulebook(rid)
    data_dir = tmp_path / "dept"
    data_dir.mkdir()
    (data_dir / "data.yaml").write_text(yaml.safe_dump(example_tree(rulebook), allow_unicode=True), encoding="utf-8")
    template = tmp_path / "填报模板.xlsx"
    assert main(["template", "--rulebook", rid, "--out", str(template)]) == 0
    book = openpyxl.load_workbook(template)
    if rulebook.facts:  # every fact the rulebook asks is in the template
        cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value}
        for fact in rulebook.facts.values():
            assert any(fact.question in cell for cell in cells), fact.question
    out = tmp_path / "out"
    assert main(["report", str(data_dir), "--rulebook", rid, "--out", str(out), "--format", "docx,xlsx,md"]) == 0
    text = "\n".join(p.text for p in Document(str(out / "自评报告.docx")).paragraphs)
    tables = "\n".join(c.text for t in Document(str(out / "自评报告.docx")).tables for r in t.rows for c in r.cells)
    first_leaf = rulebook.leaves()[0].name if rulebook.leaves() else rulebook.roots[0].name
    assert first_leaf in tables or first_leaf in text
    assert openpyxl.load_workbook(out / "附件表.xlsx").sheetnames
    markdown = (out / "自评报告.md").read_text(encoding="utf-8")
    assert rulebook.roots[0].name in markdown


def _damaged(rulebook, i: int) -> dict:
    """A generated example with something taken out or pushed, so both scoring paths meet every status."""
    tree = example_tree(rulebook, seed=i)
    damage = i % 5
    if damage == 1 and tree["manual_scores"]:
        tree["manual_scores"].pop(sorted(tree["manual_scores"])[i % len(tree["manual_scores"])])  # 未填报
    elif damage == 2:
        for key in list(tree["facts"])[: 1 + i % 3]:
            tree["facts"][key] = {"answer": "否"}
    elif damage == 3:
        tree["budget"]["adjustment"] = {"amount": str(50 + i * 7)}
        tree["budget"]["carryover"] = {"opening": "0", "closing": "5"}  # 结转结余变动率: zero denominator
    elif damage == 4:
        tree["targets"] = [dict(row, actual="200") for row in tree["targets"]]  # far above target
    return tree


@pytest.mark.parametrize("rid", [*NEW, str(ROOT / "tests" / "cases" / "rulebooks" / "kinds-demo.yaml")])
def test_new_rulebooks_score_the_same_on_both_paths(rid):
    from jixiao.model.dataset import parse_department
    from jixiao.model.problems import Location

    from .test_speed_paths import assert_same

    rulebook = load_rulebook(rid)
    for i in range(15):
        data, _ = parse_department(_damaged(rulebook, i), lambda p: Location("generated"))
        assert_same(rulebook, data)


def test_a_rulebook_that_extends_another_follows_a_change_of_its_base(tmp_path):
    # A server keeps loaded rulebooks; an edit of the base file must reach a rulebook that `extends` it, not only an
    # edit of the child's own file. The base is the bundled 四川 table; one indicator's name is changed there and
    # read back through the child, which changes nothing.
    import os

    from jixiao.scoring.rulebook import BUILTIN_DIR, load_rulebook

    base = tmp_path / "base.yaml"
    text = (BUILTIN_DIR / "sichuan" / "department" / "2017.yaml").read_text(encoding="utf-8")
    base.write_text(text.replace("id: sichuan/department/2017", "id: test/base/2017"), encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text(
        "id: test/child/2017\nextends: base.yaml\ntitle: 继承的表\nregion: 四川省\nkind: department\nyear: 2017\n"
        "version: '1'\nsource: {document: 测试}\nconfidence: inferred\nchanges: []\n",
        encoding="utf-8",
    )
    first = load_rulebook(str(child))
    assert load_rulebook(str(child)) is first  # kept while nothing changed

    def names(rulebook):
        return {node.name for root in rulebook.roots for node in root.walk()}

    assert "省级财力专项预算分配时限" in names(first)
    base.write_text(
        base.read_text(encoding="utf-8").replace("省级财力专项预算分配时限", "改过的指标名"), encoding="utf-8"
    )
    stat = base.stat()
    os.utime(base, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))  # a later time, whatever the clock
    again = load_rulebook(str(child))
    assert "改过的指标名" in names(again) and "省级财力专项预算分配时限" not in names(again)


CORPUS = ROOT / "tests" / "fixtures" / "review_corpus"


def _findings(result) -> list[str]:
    return sorted(f"{f.code}|{f.message}" for f in result.findings)


@pytest.mark.parametrize(
    ("rid", "documents", "chosen"),
    [
        (
            "chongqing/department/2021",
            ["t08-chongqing-kxc-media-dept-2021", "t68-chongqing-zhongxian-science-association-dept-2024"],
            False,  # auto_select false: see the rulebook's header
        ),
        ("jiangxi-nanchangxian/department/2021", ["t77-jiangxi-nanchang-cancha-health-center-dept-2021"], True),
        ("shandong-licheng/project/2019", ["t25-shandong-licheng-wenhuaguan-project-2019"], True),
        ("hunan-xinshao/department/2017", ["t44-hunan-xinshao-library-dept-scores-2017"], False),
        (
            "hubei/project/2020",
            [
                "t26-hubei-huangshi-library-project-2022",
                "t47-hubei-xiangyang-central-hospital-dongjin-2021",
                "t52-hubei-huanggang-archives-project-2020",
                "t61-hubei-huangshi-sponge-city-application-2022",
                "t69-hubei-ezhou-science-association-popularization-2022",
            ],
            True,  # chosen by its form (review.form: “得分(20分*执行率)”), not by the province (t09 is MoF's)
        ),
        ("hubei-guangshui/project/2021", ["t07-hubei-guangshui-jtj-project-2021"], True),  # by its form
        ("ningxia-yinchuan/project/2021", ["t06-ningxia-yinchuan-no6school-project-2021"], True),  # by its form
        ("yunnan-baoshan/project/2022", ["t33-yunnan-baoshan-veterans-spring-visits-2022"], True),  # by its form
        ("yunnan-baoshan/project/2023", ["t60-yunnan-baoshan-energy-bureau-project-2023"], True),  # by its form
        # 昌宁县 names its county only: named with --rulebook, not chosen (tests/test_review_rulebook_form.py)
        ("yunnan-baoshan/project/2022", ["t57-yunnan-changning-supply-coop-pig-farm-2022"], False),
        # names neither its province nor its city: chosen by its rows, a hundred-point table showing a project
        # rulebook's indicators (as t22, the 2017 四川 project 得分表 of sichuan/project/2017, province not printed)
        ("anhui-tongling-jiaoqu/project/2021", ["t37-anhui-tongling-jiaoqu-rural-public-welfare-2021"], True),
        ("sichuan/project/2017", ["t22-unknown-2017-dept-and-project-scores"], True),
        ("beijing-haidian/project/2016", ["t29-beijing-haidian-xueyuanlu-cleaning-project-2016"], True),  # by its form
        ("xinjiang-fukang/project/2023", ["t30-xinjiang-fukang-statistics-project-2023"], True),  # by its form
        (
            "sichuan/project/2023",
            [
                "t02-sichuan-qingshen-fgj-project-2023",
                "t03-sichuan-daying-sfj-project-2023",
                "t21-sichuan-nanchong-lyj-project-2023",
                "t75-sichuan-daying-medical-insurance-project-2023",
            ],
            True,  # by its form: the province's 部门预算项目支出绩效自评表 (报表编号 510000_0013zp)
        ),
    ],
)
def test_rulebooks_from_the_corpus_cite_it_and_review_them_without_new_findings(rid, documents, chosen):
    from jixiao.review import review_file

    rulebook = load_rulebook(rid)
    for key in ("document", "number", "address", "date", "known", "unknown"):
        assert rulebook.source.get(key), f"{rid}: source.{key}"
    for doc in documents:
        # the table the rulebook was read from names its address in the corpus; the rulebook cites it
        address = re.search(r"https?://\S+", (CORPUS / doc / "source.md").read_text(encoding="utf-8"))
        assert address and address.group(0) in rulebook.source["address"], doc
        path = CORPUS / doc / "document.txt"
        named = review_file(path, rid)
        assert named.rulebook_id == rid
        if chosen:  # chosen by region and the table's rows
            assert review_file(path).rulebook_id == rid, doc
        else:  # named with --rulebook, it finds what the review finds without it: no false finding from the rulebook
            assert _findings(named) == _findings(review_file(path)), doc


def test_a_county_table_is_chosen_by_its_indicators_before_its_provinces():
    """Corpus t44 (湖南 新邵县图书馆) prints each indicator with its weight ("绩效目标合理性(2分)") and names no
    county in its text: its rows show 新邵's own table, which is chosen before 湖南's province-wide one; a 湖南
    report without such a table keeps the province's."""
    from jixiao.review import kinds
    from jixiao.scoring.rulebook import load_rulebook

    leaves = [leaf.name for leaf in load_rulebook("hunan-xinshao/department/2017").leaves()]
    ident = kinds.Identity(department="新邵县图书馆", year=2017, province="湖南省")
    printed = {f"{name}(2分)" for name in leaves}
    chosen, reason = kinds.choose_rulebook("department_table", ident, "湖南省新邵县图书馆", printed)
    assert chosen == "hunan-xinshao/department/2017" and "得分表指标与" in reason
    assert kinds.choose_rulebook("department_table", ident, "湖南省某县图书馆", set())[0] == "hunan/department/2023"
    # a table of another province's county is not taken for it
    elsewhere = kinds.Identity(department="某局", year=2017, province="广东省")
    assert (
        kinds.choose_rulebook("department_table", elsewhere, "广东省某县", printed)[0]
        != "hunan-xinshao/department/2017"
    )
