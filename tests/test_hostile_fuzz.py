"""What bench/fuzz_review.py's mutations found, each made here as the smallest file that showed it: a bit flipped
inside a zip member's deflated data, or a local header whose name is not the directory's, was an 内部错误
(zlib.error, UnicodeDecodeError) instead of a refusal naming the file and its part.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from jixiao.files import guard

from .cli_support import run_cli
from .test_hostile_files import HENGSHAN_XLSX, Member, sheet_xlsx, text_pdf, with_cell, workbook_members, write_zip

_BAD_DEFLATE = b"\xff\xff\xff\xff"  # a deflate block of the reserved type 3: zlib says "invalid block type"


def uninflatable(members: dict[str, bytes], name: str) -> bytes:
    """The package with member `name`'s deflated data replaced by bytes no inflater takes (its CRC and size kept)."""
    out = []
    for member, content in members.items():
        packed = Member.of(member, content)
        if member == name:
            packed = Member(member, _BAD_DEFLATE, packed.crc, packed.size)
        out.append(packed)
    return write_zip(out)


def zip_members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def report_docx() -> bytes:
    import docx

    document = docx.Document()
    for line in ("某单位2023年度项目支出绩效自评报告", "一、基本情况", "项目年初预算100万元，全年执行100万元。"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_report_whose_part_cannot_be_inflated_is_refused_naming_the_part(tmp_path, capsys):
    path = tmp_path / "报告.docx"
    path.write_bytes(uninflatable(zip_members(report_docx()), "word/styles.xml"))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "报告.docx" in said and "word/styles.xml" in said and "无法解压（压缩数据已损坏）" in said


def test_a_workbook_whose_part_cannot_be_inflated_is_refused_naming_the_part(tmp_path, capsys):
    path = tmp_path / "填报.xlsx"
    path.write_bytes(uninflatable(workbook_members(HENGSHAN_XLSX), "xl/styles.xml"))
    code, said = run_cli(capsys, "score", str(path))
    assert code == 2 and "填报.xlsx" in said and "xl/styles.xml" in said and "另存" in said


def test_an_ofd_whose_part_cannot_be_inflated_is_refused_naming_the_part(tmp_path, capsys):
    from .test_formats import _write_ofd

    sound = _write_ofd(tmp_path / "源.ofd", [(20.0, 20.0, "某单位2023年度项目支出绩效自评报告")])
    path = tmp_path / "报告.ofd"
    path.write_bytes(uninflatable(zip_members(sound.read_bytes()), "Doc_0/Document.xml"))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "报告.ofd" in said and "Doc_0/Document.xml" in said and "OFD 阅读器" in said


def reports_zip(damage: str, other: bool = True) -> bytes:
    """报送.zip holding 甲's report and (`other`) 乙's; `damage`: "inflate" (甲's data cut) or "name" (甲's local
    header names it in bytes that are not UTF-8 while its flag says UTF-8, as a flipped bit does)."""
    report = report_docx()
    first, second = "甲单位/报告.docx", "乙单位/报告.docx"
    members = {first: report, second: report} if other else {first: report}
    if damage == "inflate":
        data = uninflatable(members, first)
    else:
        data = write_zip([Member.of(name, content) for name, content in members.items()])
        local = data.index(first.encode())  # the local header's copy comes first, the directory's last
        data = data[:local] + b"\xbd" * len(first.encode()) + data[local + len(first.encode()) :]
    return data


def _sent(tmp_path: Path, damage: str) -> Path:
    path = tmp_path / "报送.zip"
    path.write_bytes(reports_zip(damage))
    return path


def test_an_archive_member_that_cannot_be_inflated_is_named_and_the_others_reviewed(tmp_path, capsys):
    code, said = run_cli(capsys, "review", str(_sent(tmp_path, "inflate")), "--jobs", "1")
    assert "报送.zip/甲单位/报告.docx" in said and "无法解压（压缩数据已损坏）" in said
    assert "报送.zip/乙单位/报告.docx" in said and code in (0, 1)


def test_an_archive_member_whose_local_name_is_not_its_directory_name_is_named(tmp_path, capsys):
    code, said = run_cli(capsys, "review", str(_sent(tmp_path, "name")), "--jobs", "1")
    assert "报送.zip/甲单位/报告.docx" in said and "无法解压（条目的文件头与目录不符）" in said
    assert "报送.zip/乙单位/报告.docx" in said and code in (0, 1)


def test_each_unpacking_failure_is_one_the_readers_catch():
    import zlib

    archive = zipfile.ZipFile(io.BytesIO(uninflatable({"a.xml": b"<a/>"}, "a.xml")))
    with archive, pytest.raises(guard.unpack_errors()) as caught:
        archive.read("a.xml")
    assert isinstance(caught.value, zlib.error)


def test_a_workbook_cell_whose_shared_string_is_missing_is_refused_naming_the_cell(tmp_path, capsys):
    # 部门名称's cell pointing at shared string 99999 of a workbook that has none: read as blank it said
    # 缺少必填字段“部门名称”, and a header cell so damaged said 找不到表头; the text was lost, not missing
    path = tmp_path / "填报.xlsx"
    path.write_bytes(with_cell("基本信息", "C3", '<c r="C3" t="s"><v>99999</v></c>'))
    code, said = run_cli(capsys, "score", str(path))
    assert code == 2 and "填报.xlsx[基本信息!C3]" in said and "[xlsx.bad_sheet]" in said
    assert "编号 99999" in said and "data.missing" not in said


def test_a_pdf_stream_of_negative_length_is_refused_naming_the_page(tmp_path, capsys):
    # pdfminer reads a stream's /Length bytes: -5 raised "read length must be non-negative" inside the guard
    data, count = re.subn(rb"/Length \d+", b"/Length -5", text_pdf(1))
    assert count >= 1
    path = tmp_path / "报告.pdf"
    path.write_bytes(data)
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "报告.pdf:第1页" in said and "[file.pdf_damaged]" in said and "另存" in said


def _needs_version(data: bytes, version: int) -> bytes:
    """The zip with its directory's first entry saying it needs zip version `version` / 10 to be unpacked."""
    at = data.index(b"PK\x01\x02") + 6  # signature, version made by, then version needed to extract
    return data[:at] + bytes([version, 0]) + data[at + 2 :]


@pytest.mark.parametrize("name", ["报告.docx", "报告.ofd", "报送.zip"])
def test_a_zip_whose_directory_asks_for_an_unknown_version_is_refused_by_name(tmp_path, capsys, name):
    # one flipped bit: version 2.0 read as 14.8, and zipfile raised NotImplementedError("zip file version 14.8")
    # as it read the directory
    from .test_formats import _write_ofd

    sound = {
        "报告.docx": report_docx,
        "报告.ofd": lambda: _write_ofd(tmp_path / "源.ofd", [(20.0, 20.0, "自评报告")]).read_bytes(),
        "报送.zip": lambda: reports_zip("name"),
    }[name]()
    path = tmp_path / name
    path.write_bytes(_needs_version(sound, 148))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and name in said and "NotImplementedError" in said and "损坏" in said


def broken_midway(members: dict[str, bytes], name: str) -> bytes:
    """The package with member `name`'s deflated data garbled past its first half (64 seeded random bytes, tried
    until zlib refuses them): its start, which the zip check parses, is sound."""
    import random
    import zlib

    rng = random.Random(20261203)
    sound = Member.of(name, members[name])
    while True:
        raw = bytearray(sound.raw)
        at = len(raw) // 2 + rng.randrange(len(raw) // 3)
        raw[at : at + 64] = bytes(rng.randrange(256) for _ in range(64))
        try:
            zlib.decompress(bytes(raw), -15)
        except zlib.error:
            break
    packed = [Member.of(n, c) for n, c in members.items() if n != name]
    return write_zip([*packed, Member(name, bytes(raw), sound.crc, sound.size)])


def _long_report() -> dict[str, bytes]:
    """A .docx of 3,000 paragraphs of varied characters: its document.xml deflates to ~170 KB."""
    import random

    rng = random.Random(7)
    members = zip_members(report_docx())
    paragraphs = "".join(
        "<w:p><w:r><w:t>" + "".join(chr(0x4E00 + rng.randrange(2000)) for _ in range(30)) + "</w:t></w:r></w:p>"
        for _ in range(3000)
    )
    members["word/document.xml"] = members["word/document.xml"].replace(b"<w:body>", b"<w:body>" + paragraphs.encode())
    return members


def test_a_report_whose_text_cannot_be_inflated_past_its_start_is_refused_naming_the_part(tmp_path, capsys):
    # the zip check parses word/document.xml's prolog only; the count of its characters read on and met zlib.error
    path = tmp_path / "报告.docx"
    path.write_bytes(broken_midway(_long_report(), "word/document.xml"))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "报告.docx" in said and "部件 word/document.xml 无法解压（压缩数据已损坏）" in said


def test_a_sheet_that_cannot_be_inflated_past_its_start_is_refused_naming_it(tmp_path, capsys):
    import random

    rng = random.Random(7)
    rows = [
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{rng.randrange(10**9)}</v></c>' for c in "ABCDEFGH") + "</row>"
        for r in range(1, 3001)
    ]
    members = zip_members(sheet_xlsx(rows, "A1:H3000"))
    path = tmp_path / "自评表.xlsx"
    path.write_bytes(broken_midway(members, "xl/worksheets/sheet1.xml"))
    code, said = run_cli(capsys, "review", str(path))
    assert code == 2 and "自评表.xlsx" in said and "无法解压（压缩数据已损坏）" in said


def test_a_damaged_pdf_is_answered_in_chinese_only(tmp_path):
    # a MediaBox of 1e30: pdfminer's warning "Invalid MediaBox in /Page, defaulting to US Letter" was printed
    # (twice: the guard's parse and the reader's) above the Chinese answer. In a process of its own: pytest's
    # logging capture would keep the warning from standard error
    import subprocess
    import sys

    path = tmp_path / "报告.pdf"
    path.write_bytes(re.sub(rb"/MediaBox \[[^\]]*\]", b"/MediaBox [0 0 1e30 1e30]", text_pdf(1)))
    run = "import sys\nfrom jixiao.cli import main\nsys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", run, "review", str(path)], capture_output=True, text=True, check=False)
    said = done.stderr + done.stdout
    assert "报告.pdf" in said and "Traceback" not in said and "MediaBox" not in said and "US Letter" not in said
