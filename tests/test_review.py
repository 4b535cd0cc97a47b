"""Review of reports written elsewhere, on both seeds: figures found, findings expected by the issue, no
false errors, recall measured on mutated copies, and the outputs (text, JSON, 审核意见.docx, folder summary)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from docx import Document as read_docx

from jixiao.cli import main
from jixiao.model.problems import Severity
from jixiao.review import review_file
from jixiao.review.mutate import measure
from jixiao.review.source import read_source

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # copies of shared/seeds (README there)
SEED_000 = SEEDS / "000_273d22226811a2f3.txt"
SEED_004 = SEEDS / "004_6448f6cab597d7a3.txt"


@pytest.fixture(scope="module")
def baoan():
    return review_file(SEED_000)


@pytest.fixture(scope="module")
def hengshan():
    return review_file(SEED_004)


def _values(result) -> dict[str, list[Decimal]]:
    out: dict[str, list[Decimal]] = {}
    for fig in result.figures:
        out.setdefault(fig.key, []).append(fig.value)
    return out


def test_seed_000_figures(baoan):
    v = _values(baoan)
    expected = {
        "budget.initial.total": "2377.56",
        "budget.initial.basic": "996.82",
        "budget.initial.project": "1380.73",
        "budget.adjustment.amount": "123.1",
        "stated.adjustment_rate": "0.0492",
        "budget.adjusted.total": "2500.65",
        "budget.adjusted.basic": "942.51",
        "budget.adjusted.project": "1558.15",
        "budget.final.total": "2470.14",
        "stated.execution_rate": "0.9878",
        "budget.carryover.opening": "27.58",
        "budget.carryover.closing": "27.19",
        "procurement.plan": "155.591",
        "procurement.actual": "155.586",
        "stated.procurement_rate": "0.9999",
        "assets.fixed_original": "527.49",
        "assets.fixed_in_use": "527.49",
        "assets.fixed_idle": "0",
        "stated.fixed_asset_utilization": "1",
        "units[0].staffing.authorized": "7",
        "units[0].staffing.actual": "6",
        "stated.staff_control_rate": "0.8571",
        "units[1].staffing.authorized": "14",
        "units[1].staffing.actual": "12",
        "three_public.total.budget": "8",
        "three_public.total.actual": "4.16",
        "stated.three_public_control_rate": "0.52",
        "public_funds.daily.initial": "64.65",
        "public_funds.daily.adjusted": "57.94",
        "public_funds.daily.actual": "57.94",
        "stated.public_funds_control_rate": "1",
        "quarterly[0].time_rate": "0.9358",
        "quarterly[1].time_rate": "0.8074",
        "quarterly[2].time_rate": "1.0088",
        "quarterly[3].time_rate": "0.9987",
        "score.total": "97.61",
    }
    for key, value in expected.items():
        assert v.get(key, [None])[0] == Decimal(value), key
    assert len(expected) >= 30
    assert baoan.department == "深圳市宝安区妇女联合会" and baoan.year == 2023
    # the place and the quoted text of a figure
    fig = next(f for f in baoan.figures if f.key == "stated.adjustment_rate")
    assert fig.location.place == "第22段" and "调整率为4.92%" in fig.quote


def test_seed_000_score_table_and_findings(baoan):
    table = baoan.tables[0]
    assert table.family == "three_level" and len(table.rows) == 21 and table.total_score == Decimal("97.61")
    assert baoan.total == Decimal("97.61") and baoan.grade == "优"
    assert baoan.rulebook_id == "shenzhen-baoan/department/2023"
    # 20 + 18.99 + 58.62 = 97.61: the sums are right, so no error at all
    assert baoan.count(Severity.ERROR) == 0, [f.message for f in baoan.findings if f.severity is Severity.ERROR]
    # 123.1 ÷ 2,500.65 = 4.92% as stated; 123.1 ÷ 2,377.56 = 5.18% by the 财预〔2013〕53号 definition
    finding = next(f for f in baoan.findings if f.code == "check.stated_rate_definition")
    assert finding.severity is Severity.WARNING and "调整数 ÷ 调整后预算" in finding.message
    assert (finding.expected, finding.actual) == ("5.18%", "4.92%")


def test_seed_004_findings(hengshan):
    codes = [f.code for f in hengshan.findings]
    # 155.32 − 155.29 = 0.03
    revenue = next(f for f in hengshan.findings if f.code == "check.revenue_expenditure")
    assert "相差0.03万元" in revenue.message
    missing = [f for f in hengshan.findings if f.code == "review.attachment_missing"]
    assert [f.expected for f in missing] == [
        "部门整体支出绩效评价基础数据表",
        "部门整体支出绩效自评表",
        "项目支出绩效自评表",
    ]
    # the report lists them and this file does not hold them: to be checked, not an error of the report
    assert all(f.severity is Severity.WARNING for f in missing)
    assert "review.problems_vague" in codes
    assert hengshan.rulebook_id == "hunan/department/2023"


def test_mutated_copies_are_caught():
    for seed in (SEED_000, SEED_004):
        result = measure(read_source(seed))
        assert result.recall >= 0.95, (seed.name, result.missed)
        assert len(result.caught) >= 30


def test_review_of_jixiao_reports_has_no_false_errors(tmp_path):
    assert main(["report", "examples/baoan-fulian-2023", "--out", str(tmp_path), "--format", "docx,pdf"]) == 0
    for name in ("自评报告.docx", "自评报告.pdf"):
        if not (tmp_path / name).exists():
            continue
        result = review_file(tmp_path / name)
        assert result.count(Severity.ERROR) == 0, (name, [f.message for f in result.findings])
        assert result.total == Decimal("97.61")


def test_tampered_score_table_in_a_docx(tmp_path):
    assert main(["report", "examples/baoan-fulian-2023", "--out", str(tmp_path), "--format", "docx"]) == 0
    doc = read_docx(str(tmp_path / "自评报告.docx"))
    table = next(t for t in doc.tables if t.cell(0, 0).text == "评价指标")
    table.cell(7, 6).paragraphs[0].runs[0].text = "2"  # 政府采购执行情况 1.99 → 2
    doc.save(str(tmp_path / "改过.docx"))
    result = review_file(tmp_path / "改过.docx")
    codes = {f.code for f in result.findings if f.severity is Severity.ERROR}
    # the table no longer adds up to 97.61, and 155.586 ÷ 155.591 = 99.99% calls for 1.99
    assert {"review.score_sum", "review.score_contradicts_data"} <= codes


def test_cli_text_json_and_opinion(tmp_path, capsys):
    assert main(["review", str(SEED_004), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "【警告】" in out and "但本文件中没有该表" in out and "【错误】" not in out
    assert main(["review", str(SEED_000), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"findings", "extracted"} <= set(data)
    assert set(data["findings"][0]) == {"code", "severity", "message", "location", "expected", "actual"}
    assert len(data["extracted"]) >= 30
    opinion = read_docx(str(tmp_path / "审核意见.docx"))
    text = "\n".join(p.text for p in opinion.paragraphs)
    assert "关于衡山县妇女联合会2023年度部门整体支出绩效自评报告的审核意见" in text
    assert "需要补充说明的事项" in text and "部门整体支出绩效自评表" in text


def test_folder_review_with_summary_workbook(tmp_path, capsys):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(SEED_000, folder / "宝安.txt")
    shutil.copy(SEED_004, folder / "衡山.txt")
    (folder / "坏文件.docx").write_bytes(b"not a zip")
    assert main(["review", str(folder), "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "3/3" in captured.err  # progress
    wb = openpyxl.load_workbook(tmp_path / "审核汇总.xlsx")
    rows = list(wb["汇总"].iter_rows(values_only=True))
    assert rows[0][:3] == ("文件", "部门", "年度")
    by_file = {r[0]: r for r in rows[1:]}
    # 衡山: no error; 4 warnings (0.03万元 between revenue and spending, three attachments not in the file)
    assert by_file["衡山.txt"][6:8] == (0, 4) and by_file["宝安.txt"][4] == 97.61
    assert "无法读取" in by_file["坏文件.docx"][9]
    # the rulebook by the title an officer knows, its id after it (what --rulebook takes)
    title = "深圳市宝安区部门整体支出绩效自评指标体系（2023年度）"
    assert by_file["宝安.txt"][3] == f"{title}（shenzhen-baoan/department/2023）"
    issues = list(wb["全部问题"].iter_rows(values_only=True))
    assert len(issues) > 5
    # each finding's kind in Chinese; the code, for a filter, last
    assert issues[0][3] == "问题类别" and issues[0][-1] == "代码"
    assert all(row[3] and not row[3].startswith(("review.", "check.")) for row in issues[1:])


def test_a_folder_reviewed_in_parallel_gives_the_rows_of_one_process(tmp_path):
    """Issue 15: a folder reviewed in parallel. `jixiao review DIR` reviewed one document after another; with
    `jobs` processes the rows are the same, in the folder's order (not the order they finish in), a file that
    cannot be read still one row, and the progress counts every document once."""
    from jixiao.review.output import review_folder, review_to_dict

    folder = tmp_path / "reports"
    folder.mkdir()
    for i in range(3):
        shutil.copy(SEED_000, folder / f"宝安{i}.txt")
        shutil.copy(SEED_004, folder / f"衡山{i}.txt")
    (folder / "坏文件.docx").write_bytes(b"not a zip")
    seen: list[tuple[int, int]] = []
    serial = review_folder(folder)
    parallel = review_folder(folder, progress=lambda done, total, _: seen.append((done, total)), jobs=2)
    assert [p.name for p, _ in parallel] == sorted(p.name for p in folder.iterdir())
    assert [p for p, _ in parallel] == [p for p, _ in serial]

    def said(result):
        return review_to_dict(result) if not isinstance(result, Exception) else [p.message for p in result.problems]

    assert [said(r) for _, r in parallel] == [said(r) for _, r in serial]
    assert sorted(seen) == [(n, 7) for n in range(1, 8)]


def test_unsupported_file_type(tmp_path, capsys):
    path = tmp_path / "报告.ppt"  # .doc/.wps/.xls/.et/.ofd are read since issue 20; slides are not reports
    path.write_bytes(b"old slides")
    assert main(["review", str(path)]) == 2  # a file problem (README: exit codes)
    assert "不支持审核“.ppt”文件" in capsys.readouterr().err


def test_review_of_a_workbook_in_the_mof_layout(tmp_path):
    assert main(["report", "examples/hengshan-fulian-2023", "--out", str(tmp_path), "--format", "xlsx"]) == 0
    result = review_file(tmp_path / "附件表.xlsx")
    assert (result.department, result.year) == ("衡山县妇女联合会", 2023)
    mof = [t for t in result.tables if t.family == "mof"]
    assert mof and any(r.name == "“两癌”免费筛查人数" and r.actual == "5792例" for r in mof[0].rows)
    assert not [f for f in result.findings if f.code == "review.missing_section"]


def test_mof_table_target_without_deviation_reason_is_flagged(tmp_path):
    import yaml

    from jixiao.pipeline import run
    from jixiao.report.write import write_report

    tree = yaml.safe_load(Path("examples/hengshan-fulian-2023/data.yaml").read_text(encoding="utf-8"))
    # 7 of 8 training sessions, no reason given: 10 × 7 ÷ 8 = 8.75
    tree["targets"] = [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "妇女职业技能培训期数",
            "operator": "≥",
            "target": 8,
            "unit": "期",
            "actual": 7,
            "weight": 10,
        }
    ]
    (tmp_path / "data.yaml").write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    prepared, evaluation = run(tmp_path)
    write_report(prepared, evaluation, tmp_path / "out", ("xlsx",))
    result = review_file(tmp_path / "out" / "附件表.xlsx")
    row = next(r for t in result.tables for r in t.rows if r.name == "妇女职业技能培训期数")
    assert row.score == Decimal("8.75")
    assert any(f.code == "review.missing_reason" and "偏差原因" in f.message for f in result.findings)


def test_score_table_with_columns_named_in_the_header():
    """一级 | 二级 | 三级 | 分值 | 得分, with no 分值 beside the parents: read by the header, checked the same way."""
    from jixiao.review import review_document
    from jixiao.review.source import Segment, SourceDocument

    rows = [
        ("一级指标", "二级指标", "三级指标", "分值", "得分"),
        ("决策", "预算编制", "合理性", "10", "10"),
        ("", "", "规范性", "10", "9"),
        ("管理", "资金", "执行率", "80", "75"),
        ("合计", "", "", "100", "95"),
    ]
    doc = SourceDocument(
        Path("x.docx"),
        [Segment("paragraph", 1, "2023年度部门整体支出绩效自评报告"), Segment("table", 1, rows=tuple(rows))],
    )
    result = review_document(doc)
    table = result.tables[0]
    assert [(r.level1, r.name, r.weight, r.score) for r in table.rows][1] == ("决策", "规范性", Decimal(10), Decimal(9))
    # 10 + 9 + 75 = 94, not the 95 the 合计 row states
    error = next(f for f in result.findings if f.code == "review.score_sum")
    assert (error.expected, error.actual) == ("94", "95")


def test_gbk_text_and_empty_files(tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(SEED_004.read_text(encoding="utf-8").encode("gb18030"))
    result = review_file(gbk)
    assert result.department == "衡山县妇女联合会" and len(result.figures) >= 30
    empty = tmp_path / "空.txt"
    empty.write_text("", encoding="utf-8")
    assert [f.code for f in review_file(empty).findings] == ["review.empty"]


def _complete_hengshan(tmp_path: Path) -> Path:
    """衡山 with HYPOTHETICAL 全年预算数, weights and targets, so that its MoF table is complete."""
    import yaml

    from jixiao.pipeline import run
    from jixiao.report.write import write_report

    tree = yaml.safe_load(Path("examples/hengshan-fulian-2023/data.yaml").read_text(encoding="utf-8"))
    tree["budget"]["adjusted"] = {"total": 160}
    tree["targets"] = [
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "“两癌”免费筛查人数",
            "operator": "≥",
            "target": 5000,
            "unit": "例",
            "actual": 5792,
            "weight": 30,
        },
        {
            "level1": "产出指标",
            "level2": "数量指标",
            "name": "培训期数",
            "operator": "≥",
            "target": 8,
            "actual": 7,
            "weight": 20,
            "deviation_reason": "师资不足",
        },
        {
            "level1": "效益指标",
            "level2": "社会效益指标",
            "name": "权益保障",
            "operator": "定性",
            "actual": "达成",
            "weight": 30,
        },
        {
            "level1": "满意度指标",
            "level2": "满意度",
            "name": "家长满意度",
            "target": "≥95%",
            "actual": "97.8%",
            "weight": 10,
        },
    ]
    (tmp_path / "data.yaml").write_text(yaml.safe_dump(tree, allow_unicode=True), encoding="utf-8")
    prepared, evaluation = run(tmp_path)
    write_report(prepared, evaluation, tmp_path / "out", ("docx", "xlsx"))
    return tmp_path / "out"


def test_complete_mof_table_has_no_false_errors_and_tampering_is_caught(tmp_path):
    import openpyxl

    out = _complete_hengshan(tmp_path)
    # 155.29 ÷ 160 = 97.06% → 9.71; 30 + 20 × 7 ÷ 8 + 30 + 10 = 87.5; total 97.21
    for name in ("自评报告.docx", "附件表.xlsx"):
        result = review_file(out / name)
        assert result.count(Severity.ERROR) == 0, [f.message for f in result.findings]
        assert result.total == Decimal("97.21")
    wb = openpyxl.load_workbook(out / "附件表.xlsx")
    ws = wb["部门整体支出绩效自评表"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    funds_row = cells["年度资金总额"].row
    score_cell = next(c for c in ws[funds_row] if c.value == 9.71)
    score_cell.value = 10  # 年度资金总额 claimed full marks at 97.06%
    wb.save(out / "改过.xlsx")
    result = review_file(out / "改过.xlsx")
    codes = {f.code for f in result.findings}
    assert "review.funds_score" in codes and "review.score_sum" in codes  # 87.5 + 10 ≠ 97.21


def test_figures_about_last_year_are_not_this_years():
    from jixiao.review.extract import extract_figures
    from jixiao.review.source import Segment, SourceDocument

    doc = SourceDocument(
        Path("x.txt"),
        [
            Segment("paragraph", 1, "2023年度部门整体支出绩效自评报告"),
            Segment("paragraph", 2, "2023年，“三公”经费实际支出数为4.16万元。"),
            Segment(
                "paragraph", 3, "上年“三公”经费实际支出数为5.20万元，较上年减少1.04万元。2022年“三公”经费支出5.2万元。"
            ),
        ],
    )
    found = [(f.key, f.value) for f in extract_figures(doc) if f.key.startswith("three_public")]
    assert found == [("three_public.total.actual", Decimal("4.16"))]
