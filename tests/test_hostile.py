"""Issue 19: each hostile or careless input is a clear Chinese error with its place, in bounded time and memory.

Every case the issue found (a 内部错误, a hang, a misleading message) is pinned here with an input made at test
time (tests/test_hostile_files.py). Exit codes: 0 clean, 1 errors in the figures, 2 usage or file problems,
3 internal faults only.
"""

from __future__ import annotations

import io
import os
import shutil
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.cli import main
from jixiao.files import guard
from jixiao.files.excel_in import read_workbook
from jixiao.model.numbers import fmt_amount, fmt_percent
from jixiao.model.problems import JixiaoError

from .cli_support import run_cli
from .test_hostile_files import (
    BAOAN_YAML,
    HENGSHAN_XLSX,
    MB,
    billion_laughs_yaml,
    many_projects_yaml,
    sheet_bomb,
    sheet_part,
    with_cell,
    workbook_members,
    xlsx_with,
    yaml_with,
)

BAOAN = BAOAN_YAML.parent


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# --- 1. YAML that expands without limit -----------------------------------------------------------------


def test_billion_laughs_is_refused_at_the_first_alias(tmp_path, capsys):
    path = _write(tmp_path, "data.yaml", billion_laughs_yaml())
    started = time.perf_counter()
    code, err = run_cli(capsys, "check", str(path))
    assert time.perf_counter() - started < 1
    assert code == 2 and "data.yaml:2:" in err and "[yaml.alias]" in err and "不支持 YAML 别名“*l0”" in err


def test_an_alias_sent_to_the_web_editor_is_refused_too():
    from jixiao.files.yamlsrc import parse_yaml_text

    with pytest.raises(JixiaoError) as caught:
        parse_yaml_text("a: &x [1, 2]\nb: *x\n", "编辑器")
    assert caught.value.problems[0].code == "yaml.alias" and caught.value.problems[0].location.line == 2


def test_a_list_nested_5000_deep_is_refused_not_a_recursion_error(tmp_path, capsys):
    path = _write(tmp_path, "data.yaml", BAOAN_YAML.read_text(encoding="utf-8") + "extra: " + "[" * 5000 + "]" * 5000)
    code, err = run_cli(capsys, "check", str(path))
    assert code == 2 and "[yaml.too_deep]" in err and "嵌套" in err


def test_nesting_over_the_setting_is_refused_with_the_limit(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(yaml_depth=5))
    # block style, six levels deep: a: b: c: d: e: f: 1 — one more than the setting allows
    text = "a:\n b:\n  c:\n   d:\n    e:\n     f:\n      g: 1\n"
    code, err = run_cli(capsys, "check", str(_write(tmp_path, "deep.yaml", text)))
    assert code == 2 and "嵌套超过 5 层" in err and "deep.yaml:6:" in err


def test_a_value_longer_than_a_cell_can_hold_is_refused(tmp_path, capsys):
    # Excel holds at most 32,767 characters in a cell; a 40,000-character name is a slip or an attack
    path = _write(tmp_path, "data.yaml", yaml_with(r"^(  name: ).*$", r"\g<1>" + "名" * 40_000))
    code, err = run_cli(capsys, "check", str(path))
    assert code == 2 and "[yaml.too_long]" in err and "department.name" in err and "40000 个字符" in err


# --- 2. Workbooks that unpack to gigabytes --------------------------------------------------------------


def test_a_sheet_unpacking_to_1_1_gb_is_refused_within_a_second(tmp_path, capsys):
    path = _write(tmp_path, "炸弹.xlsx", sheet_bomb(1100 * MB))
    assert path.stat().st_size < 5 * MB
    started = time.perf_counter()
    code, err = run_cli(capsys, "check", str(path))
    assert time.perf_counter() - started < 1
    assert code == 2 and "[file.zip_bomb]" in err and "炸弹.xlsx" in err and "上限 100 倍" in err


def test_a_sheet_unpacking_to_400_mb_is_refused_not_read_to_the_end(tmp_path, capsys, monkeypatch):
    # the ratio check off, so that the part's size (400 MB > 30 MB) is what refuses it
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(zip_ratio=10**9))
    path = _write(tmp_path, "大表.xlsx", sheet_bomb(400 * MB))
    started = time.perf_counter()
    code, err = run_cli(capsys, "check", str(path))
    assert time.perf_counter() - started < 1
    assert code == 2 and "部件 xl/worksheets/sheet1.xml 解压后 400 MB，上限为 30 MB" in err
    # and with that off too, the unpacked total (400 MB > 100 MB)
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(zip_ratio=10**9, part_bytes=10**12))
    code, err = run_cli(capsys, "check", str(path))
    assert code == 2 and "解压后共 400 MB，上限为 100 MB" in err


def test_too_many_filled_cells_in_a_sheet_are_refused(capsys, monkeypatch):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(table_cells=10))
    code, err = run_cli(capsys, "check", str(HENGSHAN_XLSX))
    assert code == 2 and "[xlsx.too_many_cells]" in err and "超过 10 个" in err


def test_the_web_upload_check_is_the_same_guard():
    problem = guard.check_upload("填报.xlsx", sheet_bomb(200 * MB))
    assert problem is not None and problem.code == "file.zip_bomb"
    assert guard.check_upload("填报.xlsx", HENGSHAN_XLSX.read_bytes()) is None
    assert guard.check_upload("填报.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)).code == "file.type"
    assert guard.check_upload("data.yaml", bytes(range(256)) * 4).code == "file.type"


def test_the_workbook_is_opened_once_and_read_only(monkeypatch):
    import openpyxl

    calls = []
    real = openpyxl.load_workbook

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    read_workbook(HENGSHAN_XLSX)
    assert calls == [{"data_only": True, "read_only": True}]


# --- 3. 内部错误 where the input was at fault -------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "replacement", "field"),
    [
        (r"(authorized: )7\b", r"\g<1>" + "1" + "0" * 50, "units[0].staffing.authorized"),
        (r"(  plan: )155\.591", r"\g<1>" + "1" + "0" * 50, "procurement.plan"),
    ],
)
def test_ten_to_the_fiftieth_is_out_of_range_with_its_place(tmp_path, capsys, pattern, replacement, field):
    path = _write(tmp_path, "data.yaml", yaml_with(pattern, replacement))
    code, err = run_cli(capsys, "score", str(path))
    assert code == 1 and f"字段 {field}" in err and "超出范围" in err


def test_a_cell_holding_1e400_is_not_a_number(tmp_path, capsys):
    # openpyxl reads <v>1e400</v> as float('inf'); that is 应为数字 at its cell and never reaches formatting
    path = _write(tmp_path, "填报.xlsx", with_cell("单位与人员", "D3", '<c r="D3" t="n"><v>1e400</v></c>'))
    code, err = run_cli(capsys, "score", str(path))
    assert code == 1 and "应为数字" in err and "[单位与人员!D3]" in err


def test_a_cell_holding_a_number_openpyxl_cannot_cast_is_reported_at_its_cell(tmp_path, capsys):
    # int("nan") fails inside openpyxl's parser: the cell is kept as text and reported by its field
    path = _write(tmp_path, "填报.xlsx", with_cell("单位与人员", "D3", '<c r="D3" t="n"><v>nan</v></c>'))
    code, err = run_cli(capsys, "check", str(path))
    assert code == 1 and "应为数字，实际为“nan”" in err and "[单位与人员!D3]" in err


@pytest.mark.parametrize(
    ("part", "content", "fragment"),
    [
        ("xl/workbook.xml", b"this is not xml", "部件 xl/workbook.xml 不是完整的 XML"),
        ("[Content_Types].xml", b"\x00\x01garbage", "部件 [Content_Types].xml 不是完整的 XML"),
        ("xl/styles.xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', "DOCTYPE"),
        ("xl/styles.xml", b"<a>" * 101 + b"</a>" * 101, "XML 嵌套超过 100 层"),
    ],
)
def test_broken_xml_inside_a_valid_zip_is_named(tmp_path, capsys, part, content, fragment):
    path = _write(tmp_path, "填报.xlsx", xlsx_with({part: content}))
    code, err = run_cli(capsys, "check", str(path))
    assert code == 2 and fragment in err and "填报.xlsx" in err


def test_a_cut_off_sheet_is_named(tmp_path, capsys):
    part = sheet_part("基础数据表")
    xml = workbook_members()[part]
    path = _write(tmp_path, "填报.xlsx", xlsx_with({part: xml[: len(xml) // 2]}))
    code, err = run_cli(capsys, "check", str(path))
    assert code == 2 and "[xlsx.bad_sheet]" in err and "“基础数据表”表的内容已损坏" in err


def test_a_data_file_without_read_permission(tmp_path, capsys, monkeypatch):
    path = tmp_path / "data.yaml"
    shutil.copy(BAOAN_YAML, path)
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the open fail as it does for a user
        real_open = io.open

        def denied(file, *args, **kwargs):
            if str(file) == str(path):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(io, "open", denied)
    code, err = run_cli(capsys, "check", str(path))
    assert code == 2 and "[file.unreadable]" in err and "没有读取该文件的权限" in err


def test_out_that_is_a_file_is_refused_before_the_work(tmp_path, capsys, monkeypatch):
    import jixiao.pipeline as pipeline

    monkeypatch.setattr(pipeline, "evaluate", lambda *a: pytest.fail("the work started"))
    target = _write(tmp_path, "报告", "a file")
    code, err = run_cli(capsys, "report", str(BAOAN), "--out", str(target), "--format", "md")
    assert code == 2 and "[output.not_dir]" in err
    code, err = run_cli(capsys, "report", str(BAOAN), "--out", str(target / "下级"), "--format", "md")
    assert code == 2 and "[output.under_file]" in err and "是一个文件" in err


def test_out_that_is_read_only_is_refused_before_the_work(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "只读"
    folder.mkdir()
    folder.chmod(0o555)
    if os.geteuid() == 0:
        real_open = io.open

        def read_only(file, mode="r", *args, **kwargs):
            if str(file).startswith(str(folder)) and any(c in mode for c in "wax+"):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, mode, *args, **kwargs)

        monkeypatch.setattr(io, "open", read_only)
        monkeypatch.setattr("builtins.open", read_only)
    code, err = run_cli(capsys, "report", str(BAOAN), "--out", str(folder), "--format", "md")
    assert code == 2 and "[output.not_writable]" in err and "无法写入输出目录" in err


def test_template_out_that_is_a_folder_or_under_a_file(tmp_path, capsys):
    folder = tmp_path / "模板.xlsx"
    folder.mkdir()
    code, err = run_cli(capsys, "template", "--out", str(folder))
    assert code == 2 and "[output.is_dir]" in err
    blocker = _write(tmp_path, "文件", "x")
    code, err = run_cli(capsys, "template", "--out", str(blocker / "模板.xlsx"))
    assert code == 2 and "[output.under_file]" in err


def test_a_report_file_that_cannot_be_replaced_is_said(tmp_path, capsys):
    (tmp_path / "自评报告.md").mkdir()  # a folder where the report file goes
    code, err = run_cli(capsys, "report", str(BAOAN), "--out", str(tmp_path), "--format", "md")
    assert code == 2 and "[output.write_failed]" in err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".jixiao-")]


# --- 4. Sizes ------------------------------------------------------------------------------------------


def test_100000_project_rows_are_refused_while_reading(tmp_path, capsys):
    path = _write(tmp_path, "data.yaml", many_projects_yaml(100_000))
    started = time.perf_counter()
    code, err = run_cli(capsys, "check", str(path))
    assert time.perf_counter() - started < 10
    assert code == 2 and "超过 20000 项" in err and "projects" in err


def test_too_many_rows_in_a_sheet_are_refused_with_the_sheet(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(table_rows=5))
    code, err = run_cli(capsys, "check", str(HENGSHAN_XLSX))
    assert code == 2 and "[xlsx.too_many_rows]" in err and "超出上限 5 行" in err


def test_a_50_mb_text_review_is_refused(tmp_path, capsys):
    path = _write(tmp_path, "报告.txt", ("一、部门概况。" * 8 + "\n") * (50 * MB // 170))
    started = time.perf_counter()
    code, err = run_cli(capsys, "review", str(path))
    assert time.perf_counter() - started < 2
    assert code == 2 and "[file.too_large]" in err and "上限为 20 MB" in err and "JIXIAO_LIMIT_TEXT_BYTES" in err


def _blank_pdf(pages: int) -> bytes:
    """A valid PDF of blank A4 pages, written by hand (objects, then the xref table of their byte offsets)."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>"]
    objects += ["<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def test_pages_over_the_setting_are_refused(tmp_path, capsys, monkeypatch):
    path = tmp_path / "报告.pdf"
    path.write_bytes(_blank_pdf(3))
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(pages=2))
    code, err = run_cli(capsys, "review", str(path))
    assert code == 2 and "PDF 共 3 页，上限为 2 页" in err


def test_characters_over_the_setting_are_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(document_chars=100))
    path = _write(tmp_path, "报告.txt", "一" * 101)
    code, err = run_cli(capsys, "review", str(path))
    assert code == 2 and "文本共约 101 字，上限为 100 字" in err


def test_docx_text_over_the_setting_is_refused(tmp_path, capsys, monkeypatch):
    from docx import Document

    document = Document()
    document.add_paragraph("一" * 60)
    document.add_paragraph("二" * 41)  # 60 + 41 = 101 characters of text
    path = tmp_path / "报告.docx"
    document.save(path)
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(document_chars=100))
    code, err = run_cli(capsys, "review", str(path))
    assert code == 2 and "正文超过 100 字" in err
    monkeypatch.setattr(guard, "LIMITS", guard.Limits(document_chars=101))
    code, err = run_cli(capsys, "review", str(path))
    assert "正文超过" not in err


# --- 5. Misleading or silent ----------------------------------------------------------------------------


def test_a_path_that_does_not_exist_says_so(tmp_path, capsys):
    code, err = run_cli(capsys, "check", str(tmp_path / "没有这个文件"))
    assert code == 2 and "找不到该文件或目录" in err and "不支持的文件类型" not in err


def test_a_pipe_is_refused_instead_of_waiting_for_ever(tmp_path, capsys):
    pipe = tmp_path / "data.yaml"
    os.mkfifo(pipe)
    code, err = run_cli(capsys, "check", str(pipe))
    assert code == 2 and "[file.not_regular]" in err


@pytest.mark.parametrize("command", [["check"], ["review"], ["report", "--out", "报告", "--format", "md"]])
def test_a_path_too_long_for_the_system_is_a_file_problem(tmp_path, capsys, command):
    too_long = str(tmp_path / ("长" * 2000))  # 6,000 bytes: over any file system's name limit
    argv = [command[0], too_long, *command[1:]] if command[0] != "report" else ["report", str(BAOAN), "--out", too_long]
    code, err = run_cli(capsys, *argv)
    assert code == 2 and ("错误[file" in err or "错误[output" in err)


def test_unknown_rulebook_id_is_said_and_fails(capsys):
    code, err = run_cli(capsys, "rulebooks", "nowhere/x/2023")
    assert code == 2 and "找不到指标体系“nowhere/x/2023”" in err and "shenzhen-baoan/department/2023" in err


def test_text_in_a_count_cell_is_not_a_number(tmp_path, capsys):
    cell = '<c r="D3" t="inlineStr"><is><t>十四人</t></is></c>'
    path = _write(tmp_path, "填报.xlsx", with_cell("单位与人员", "D3", cell))
    code, err = run_cli(capsys, "check", str(path))
    assert code == 1 and "应为数字，实际为“十四人”" in err and "[单位与人员!D3]" in err and "不一致" not in err


def test_random_bytes_as_txt_are_not_a_report(tmp_path, capsys):
    path = _write(tmp_path, "报告.txt", os.urandom(200_000))
    code, err = run_cli(capsys, "review", str(path))
    assert code == 2 and "不是文本文件" in err


def test_what_a_file_is_comes_from_its_content():
    assert guard.sniff("部门：宝安\n".encode("gbk") * 50) == "text"  # Chinese Windows tools save GBK
    assert guard.sniff("部门：宝安\n".encode("utf-16")) == "text"  # Notepad's "Unicode"
    assert guard.sniff(b"\xff\xfe" + bytes(range(256)) * 8) == "binary"
    assert guard.sniff(HENGSHAN_XLSX.read_bytes()[:4096]) == "zip"
    assert guard.sniff(b"%PDF-1.7\n") == "pdf"
    assert guard.sniff(b"") == "empty"


def test_format_with_only_commas_is_refused(tmp_path, capsys):
    code, err = run_cli(capsys, "report", str(BAOAN), "--out", str(tmp_path), "--format", ",,")
    assert code == 2 and "未指定任何格式" in err
    assert list(tmp_path.iterdir()) == []


def test_pdf_asked_for_but_impossible_exits_non_zero(tmp_path, capsys, monkeypatch):
    import jixiao.report.pdf as pdf_module

    monkeypatch.setattr(pdf_module, "find_soffice", lambda: None)
    code, err = run_cli(capsys, "report", str(BAOAN), "--out", str(tmp_path), "--format", "md,pdf")
    assert code == 2 and "未找到 LibreOffice" in err and "所要求的 PDF 未能生成" in err
    assert (tmp_path / "自评报告.md").exists()


def test_score_with_consistency_errors_exits_1_unless_allowed(tmp_path, capsys):
    # 编制数 7 with 行政编制 6 + 事业编制 1 = 7 agrees; 行政编制 5 + 事业编制 1 = 6 ≠ 7 is a 错误 finding
    text = yaml_with(r"(      authorized_admin: )7$", r"\g<1>5\n      authorized_institution: 1")
    path = _write(tmp_path, "data.yaml", text)
    code, err = run_cli(capsys, "score", str(path))
    assert code == 1 and "错误" in err and "--allow-errors" in err
    code, _ = run_cli(capsys, "score", str(path), "--allow-errors")
    assert code == 0


def test_a_killed_report_leaves_nothing_after_the_next_run(tmp_path, capsys):
    # a staging folder of a process that is gone (pid 2**22 + 1 is above Linux's default pid_max of 2**22)
    stale = tmp_path / f".jixiao-staging-{2**22 + 1}-abc"
    stale.mkdir()
    (stale / "自评报告.md").write_text("half")
    code, _ = run_cli(capsys, "report", str(BAOAN), "--out", str(tmp_path), "--format", "md")
    assert code == 0
    assert not stale.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_terminated_report_removes_its_staging_and_keeps_the_old_files(tmp_path, monkeypatch):
    import signal

    import jixiao.report.write as report
    from jixiao.pipeline import run

    (tmp_path / "自评报告.docx").write_bytes(b"the previous good file")
    prepared, evaluation = run(BAOAN)

    def terminated(files, outdir):  # `kill` arrives while LibreOffice converts in the staging folder
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(report, "convert_to_pdf", terminated)
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(SystemExit) as stopped:
        report.write_report(prepared, evaluation, tmp_path, ("docx", "pdf"))
    assert stopped.value.code == 128 + signal.SIGTERM
    assert sorted(p.name for p in tmp_path.iterdir()) == ["自评报告.docx"]
    assert (tmp_path / "自评报告.docx").read_bytes() == b"the previous good file"
    assert signal.getsignal(signal.SIGTERM) is before  # the handler was put back


def test_exit_code_3_is_for_internal_faults_only(capsys, monkeypatch):
    import jixiao.pipeline as pipeline

    def broken(*_args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "load_department", broken)
    assert main(["check", str(BAOAN)]) == 3
    assert "内部错误" in capsys.readouterr().err


# --- formatting never meets what it cannot format -------------------------------------------------------


def test_the_largest_admitted_values_format():
    # 1e10 万元 is the amount limit; 1e12 ÷ 1e-8 = 1e20 is the largest ratio of admitted values: as a
    # percent 1e22 with 2 places is 25 digits, within Decimal's default 28 even outside numbers.py
    assert fmt_amount(guard.LIMITS.max_amount) == "10,000,000,000.00"
    largest = guard.Limits().max_quantity / Decimal("1e-8")
    assert (largest * 100).quantize(Decimal("0.01")) == Decimal("1e22")
    assert fmt_percent(largest).startswith("1" + "0" * 22 + ".00")
    assert guard.check_magnitude(Decimal("1e-9"), "quantity").startswith("超出范围")
    assert guard.check_magnitude(Decimal("1e-8"), "quantity") is None
    assert guard.check_magnitude(Decimal("0.30000000000000004"), "rate") is None  # Excel's float noise is fine


def test_limits_can_be_set_by_environment():
    limits = guard.Limits.from_env({"JIXIAO_LIMIT_TABLE_ROWS": "50000", "JIXIAO_LIMIT_MAX_AMOUNT": "1e12"})
    assert limits.table_rows == 50_000 and limits.max_amount == Decimal("1e12")
    assert guard.Limits.from_env({"JIXIAO_LIMIT_PAGES": "很多"}).pages == guard.Limits().pages


def test_openpyxl_parses_through_defusedxml():
    import openpyxl

    assert openpyxl.DEFUSEDXML is True  # no DTDs, no entity expansion in the parts openpyxl reads


def test_a_refused_workbook_never_loads_openpyxl(tmp_path):
    import subprocess
    import sys

    path = _write(tmp_path, "炸弹.xlsx", sheet_bomb(300 * MB))
    probe = (
        "import sys; from jixiao.cli import main; code = main(['check', sys.argv[1]]); "
        "print(code, 'openpyxl' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=False)
    assert result.stdout.split() == ["2", "False"], result.stderr


def test_the_guard_reads_only_the_zip_directory_for_sizes():
    with zipfile.ZipFile(io.BytesIO(sheet_bomb(2 * MB))) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 2 * MB
