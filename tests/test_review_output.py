"""What a bureau reads after a review, read back as the officer gets it: 审核意见.docx (python-docx), 审核汇总.xlsx
(openpyxl) and the command line's text. The documents are the seeds and corpus t05/t41 (the 中江县水利局 and
稷山县医疗保障局 project tables), whose findings tests/test_review_corpus.py holds to their truths."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from docx import Document as read_docx

from jixiao.model.problems import Location, Problem, Severity
from jixiao.review import ReviewResult, review_file
from jixiao.review.opinion import HINT_LINES
from jixiao.review.output import (
    CLI_ITEMS,
    opinion_docx,
    render_review_text,
    review_folder,
    summary_workbook,
)

HERE = Path(__file__).resolve().parent
SEED_000 = HERE / "fixtures" / "seeds" / "000_273d22226811a2f3.txt"
SEED_004 = HERE / "fixtures" / "seeds" / "004_6448f6cab597d7a3.txt"
CORPUS = HERE / "fixtures" / "review_corpus"
T05 = CORPUS / "t05-sichuan-zhongjiang-slj-project-2022" / "document.txt"
T41 = CORPUS / "t41-shanxi-jishan-medical-insurance-match-2020" / "document.txt"
T02 = CORPUS / "t02-sichuan-qingshen-fgj-project-2023" / "document.txt"


def _paragraphs(data: bytes) -> list[tuple[str, str | None]]:
    doc = read_docx(io.BytesIO(data))
    return [(p.text, str(p.alignment) if p.alignment is not None else None) for p in doc.paragraphs]


@pytest.fixture(scope="module")
def zhongjiang(tmp_path_factory) -> ReviewResult:
    path = tmp_path_factory.mktemp("t05") / "中江县水利局项目自评表.txt"
    shutil.copy(T05, path)
    return review_file(path)


def test_the_opinion_reads_as_a_bureaus_reply(zhongjiang):
    """t05: 2 errors (the 总分 row's weights and scores add to 110, not 100), 2 warnings (level weights against the
    table's 注), cut off after its table. Before: a title, one paragraph of counts, the findings as "1. 消息（位置：…）"
    and a signature line; no 主送, no 审核依据, no grouping, no place first, no text quoted, no 整改 asked."""
    said = _paragraphs(opinion_docx(zhongjiang))
    texts = [t for t, _ in said]
    assert texts[0] == "关于中江县水利局2022年度项目支出绩效自评表的审核意见"
    assert said[1] == ("中江县水利局：", "LEFT (0)")  # 主送: the department, left, no indent
    basis = texts[2]
    assert basis.startswith("根据财政部关于印发《项目支出绩效评价管理办法》的通知（财预〔2020〕10号）")
    assert "《中江县水利局项目自评表.txt》（项目支出绩效自评表，2022年度" in basis
    heads = [t for t in texts if t[:2] in ("一、", "二、", "三、", "四、", "五、") or t.startswith("（")]
    assert heads == [
        "一、总体意见",
        "二、需要更正的问题（2项）",
        "（一）分值合计不符（1项）",
        "（二）得分合计不符（1项）",
        "三、需要补充说明的事项（2项）",
        "四、整改要求",
    ]
    overall = texts[texts.index("一、总体意见") + 1]
    assert "发现需要更正的问题2项、需要补充说明的事项2项" in overall and "报送的文件不完整" in overall
    first = texts[texts.index("（一）分值合计不符（1项）") + 1]
    assert first.startswith("1. 【表1 第22行第8列】“总分”行分值为100")
    assert "原文：“总分｜100”" in first  # the row of the table where it is, as printed
    assert first.endswith("整改要求：报告所列为100，按所列数据核算应为110，请核实更正。")
    assert texts[texts.index("三、需要补充说明的事项（2项）") + 1].startswith("1. 【表1 第11行第8列】")
    assert any("逐项作出书面说明" in t and "重新报送" in t for t in texts)
    signed = [
        (t, a) for t, a in said if t.startswith(("审核单位（盖章）：", "审核人：")) or t.endswith("年    月    日")
    ]
    assert len(signed) == 3 and all(a == "RIGHT (2)" for _, a in signed)
    section = read_docx(io.BytesIO(opinion_docx(zhongjiang))).sections[0]  # the report's page: A4, numbered
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    assert "PAGE" in section.footer._element.xml


def _result(findings: list[Problem]) -> ReviewResult:
    return ReviewResult(
        Path("大英县民政局自评报告.docx"), "大英县民政局", 2023, [], [], [], findings,
        rulebook_id=None, kind="narrative_department", kind_name="部门整体支出绩效自评报告（标题）",
    )  # fmt: skip


def test_an_opinion_without_findings_is_still_an_opinion():
    said = [t for t, _ in _paragraphs(opinion_docx(_result([])))]
    assert said[0] == "关于大英县民政局2023年度部门整体支出绩效自评报告的审核意见" and said[1] == "大英县民政局："
    assert "全国通用" in said[2] and "《大英县民政局自评报告.docx》（部门整体支出绩效自评报告，2023年度）" in said[2]
    assert said[3] == "一、总体意见" and said[4].endswith("未发现需要更正或补充说明的问题。")
    assert not [t for t in said if "整改要求" in t or "需要更正的问题（" in t]  # nothing to correct: not asked
    assert said[-3].startswith("审核单位（盖章）：") and said[-1].endswith("年    月    日")


def test_hints_are_a_few_lines_apart():
    """Twenty hints of eight kinds: one line per kind up to HINT_LINES, the rest counted, after the findings to
    correct; before, each hint was a numbered paragraph of its own."""
    codes = [
        "check.sum_rounding",
        "review.unsupported_claim",
        "review.missing_section",
        "review.no_score_table",
        "review.problems_vague",
        "check.large_adjustment",
        "review.target_overshoot",
        "review.attachment_linked",
    ]
    hints = [
        Problem(codes[i % 8], f"提示内容{i}", Location("", place=f"第{i + 1}段"), Severity.INFO) for i in range(20)
    ]
    warning = Problem(
        "review.blank_cell", "“得分”未填写。", Location("", place="表1 第3行第4列"), Severity.WARNING, "得分"
    )
    said = [t for t, _ in _paragraphs(opinion_docx(_result([warning, *hints])))]
    start = said.index("四、提示事项")
    assert said.index("二、需要补充说明的事项（1项）") < said.index("三、整改要求") < start
    lines = said[start + 1 : said.index(next(t for t in said if t.startswith("审核单位")))]
    assert lines[0] == "以下20项提示供你单位参考，不作整改要求，可在今后编报时改进："
    assert len(lines) == 1 + HINT_LINES + 1 and lines[-1] == "另有2类4项提示，详见审核结果。"
    assert "第1段、第9段、第17段" in lines[1]  # one kind's three places on its one line


def test_the_summary_is_a_ledger(tmp_path):
    """A folder of four reports and a broken file. Rows as the officer works: errors first (t05 2, t41 1), the
    file that could not be read, then warnings only (衡山 4, 宝安 1); before, the folder's order."""
    folder = tmp_path / "报送"
    folder.mkdir()
    for source, name in ((SEED_000, "a宝安.txt"), (SEED_004, "b衡山.txt"), (T05, "c中江.txt"), (T41, "d稷山.txt")):
        shutil.copy(source, folder / name)
    (folder / "e坏文件.docx").write_bytes(b"not a zip")
    book = openpyxl.load_workbook(io.BytesIO(summary_workbook(review_folder(folder))))
    assert book.sheetnames == ["汇总", "全部问题", "问题类别统计", "分类计数", "无法审核"]
    summary = book["汇总"]
    rows = list(summary.iter_rows(values_only=True))
    head = rows[0]
    assert head[:10] == ("文件", "部门", "年度", "指标体系", "得分表合计", "等级", "错误", "警告", "提示", "说明")
    assert head[-1] == "实施单位" and "审核结论" in head and "主要问题类别" in head
    conclusion, kinds = head.index("审核结论"), head.index("主要问题类别")
    assert [r[0] for r in rows[1:]] == ["c中江.txt", "d稷山.txt", "e坏文件.docx", "b衡山.txt", "a宝安.txt"]
    assert [r[conclusion] for r in rows[1:]] == ["需更正", "需更正", "无法审核", "需补充说明", "需补充说明"]
    # t05: 总分 weights (error) and the two level weights against the 注 (warnings) are 分值合计不符; its score sum
    assert rows[1][kinds] == "分值合计不符3、得分合计不符1"
    # numbers as numbers: the year, the total (two places shown), the counts; a file not read leaves them empty
    assert rows[1][2] == 2022 and rows[1][4] == 100 and summary["E2"].number_format == "0.00"
    assert rows[3][2:9] == (None,) * 7 and "无法读取" in rows[3][9]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
        assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToWidth == 1
        assert ws["A2"].alignment.wrap_text
    issues = list(book["全部问题"].iter_rows(values_only=True))
    assert issues[0] == ("文件", "部门", "级别", "问题类别", "位置", "问题", "应为", "报告", "原文", "整改情况", "代码")
    assert ("c中江.txt", "错误", "表1 第22行第8列", "总分｜100") in {(r[0], r[2], r[4], r[8]) for r in issues}
    by_kind = {r[0]: r[1:] for r in book["问题类别统计"].iter_rows(min_row=2, values_only=True)}
    # 得分合计不符: t05's 总分 row (error), t41's 总分 row 94 against 93 (error); 分值合计不符 only t05's three
    assert by_kind["得分合计不符"][:2] == (2, 0) and by_kind["分值合计不符"] == (1, 2, 0, 3, 1)
    assert by_kind["合计"][-1] == 4  # four files read, each with a finding
    per_file = list(book["分类计数"].iter_rows(values_only=True))
    column = per_file[0].index("分值合计不符")
    assert per_file[1][0] == "c中江.txt" and per_file[1][column] == 3
    unread = list(book["无法审核"].iter_rows(values_only=True))
    assert unread[1][0] == "e坏文件.docx" and "无法读取" in unread[1][1] and unread[1][2]


def test_the_command_line_groups_findings_place_first(tmp_path):
    """t02: seven blank or template cells, one kind: the first CLI_ITEMS printed place first, the rest counted with
    their places. The 宝安 seed's five hints: one line per kind."""
    text = render_review_text(review_file(T02))
    assert "【警告】7 项\n  应填未填（7）\n    表1 第5行第4列：“年度目标完成情况”栏保留了填表说明文字" in text
    assert text.count("\n    表1 ") == CLI_ITEMS
    assert "    ……另有 2 项（表1 第14行第10列、表1 第15行第10列），全部见 --json 或 --out 的审核意见" in text
    hints = render_review_text(review_file(SEED_000)).split("【提示】")[1]
    assert hints.startswith("5 项（供参考）\n  合计尾差（3）第18段、第22段：年初预算·合计2,377.56万元")
    assert len(hints.strip().splitlines()) == 3


def test_an_opinion_on_a_document_whose_department_was_not_read():
    """n53's kind of report names no department: the title and 总体意见 leave it out (were "关于（部门）2016年度…",
    "经审核，（部门）2016年度…共识别数据0项"), the 主送 line leaves it for the bureau to write."""
    result = _result([])
    result.department, result.figures = "", []
    said = [t for t, _ in _paragraphs(opinion_docx(result))]
    assert said[0] == "关于2023年度部门整体支出绩效自评报告的审核意见" and said[1] == "报送单位："
    assert said[4] == "经审核，该部门整体支出绩效自评报告未发现需要更正或补充说明的问题。"


def test_the_signature_takes_the_bureau_reviewer_and_date():
    from datetime import date

    said = [t for t, _ in _paragraphs(opinion_docx(_result([]), "大英县财政局", "王明", date(2024, 5, 6)))]
    assert said[-3:] == ["审核单位（盖章）：大英县财政局", "审核人：王明", "2024年5月6日"]


def test_the_signature_stays_with_the_body(zhongjiang):
    """The 落款 was three loose paragraphs: t41's opinion printed 审核单位 at the foot of page 2 and 审核人 and the date
    on page 3. Now each line keeps with the next, and the body's last paragraph with the 落款."""
    doc = read_docx(io.BytesIO(opinion_docx(zhongjiang)))
    texts = [p.text for p in doc.paragraphs]
    at = next(i for i, t in enumerate(texts) if t.startswith("审核单位（盖章）："))
    keep = [doc.paragraphs[i].paragraph_format.keep_with_next for i in range(at - 1, at + 3)]
    assert keep == [True, True, True, None]


def test_a_kind_not_recognised_is_not_guessed():
    """A file with nothing readable: its kind is not known, and the opinion does not call it a department's report
    (was "关于年度部门整体支出绩效自评报告的审核意见")."""
    empty = Problem("review.empty", "文件中没有可读取的文字或表格，无法审核。", Location("空.docx"), Severity.ERROR)
    result = ReviewResult(Path("空.docx"), "", None, [], [], [], [empty])
    said = [t for t, _ in _paragraphs(opinion_docx(result))]
    assert said[0] == "关于自评材料的审核意见" and "《空.docx》（自评材料）" in said[2]
    assert "1. 【全文】文件中没有可读取的文字或表格，无法审核。" in said[said.index("二、需要更正的问题（1项）") + 1]


def test_a_file_named_like_a_formula_stays_its_name_in_the_summary(tmp_path):
    """A report uploaded as "=1+2.txt" (or "+sum.txt", "@x.docx"): its name is text in 审核汇总.xlsx, never a formula
    Excel would run, and reads back as the same name (the web's job page reads the 汇总 sheet)."""
    folder = tmp_path / "报送"
    folder.mkdir()
    shutil.copy(SEED_004, folder / "=1+2.txt")
    (folder / "@坏.docx").write_bytes(b"not a zip")
    book = openpyxl.load_workbook(io.BytesIO(summary_workbook(review_folder(folder))))
    cells = [c for sheet in book.worksheets for line in sheet.iter_rows() for c in line if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    names = [r[0] for r in book["汇总"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["=1+2.txt", "@坏.docx"]
