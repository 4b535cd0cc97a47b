"""Benchmark (issue 20): peak memory and time of `jixiao review` on each hostile or broken report a bureau may
be sent — PDFs, the old Office formats through LibreOffice, OFD, texts, archives (.zip, .7z, .rar) and saved e-mails
(.eml) — beside a baseline in the same run.

Each case runs `jixiao review FILE` in a fresh process (bench/bad_input.py's measure: its own peak resident
memory from getrusage, and its children's — pdftotext, LibreOffice's worker — apart). The inputs are made by
tests/test_hostile_files.py's makers (and a few here) at run time. Goal: each refusal within 1 s of the command (a
LibreOffice one within its timeout), one Chinese message; memory bounded. The case of a hung LibreOffice stops
the measured process's LibreOffice (SIGSTOP) before the review and sets the conversion's timeout to 10 s (HANG).
Run: .venv/bin/python bench/bad_review_input.py [--only SUBSTRING …] [--timeout SECONDS] (a case still running at
the timeout is killed and shown as such). 命令秒 is main() in the measured process, without Python's start-up and
the CLI's imports (~0.3 s).
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_hostile_files import (  # noqa: E402 - the makers live beside the tests that pin each case
    MB,
    Member,
    archive,
    archive_bomb,
    broken_xref_pdf,
    content_bomb_pdf,
    cyclic_pdf,
    deep_tree_pdf,
    eml,
    encrypted_office,
    encrypted_pdf,
    flate_bomb,
    image_pdf,
    jbig2_pdf,
    laughs_office,
    lying_office,
    many_fonts_pdf,
    nested_archive,
    nested_pdf,
    objstm_bomb_pdf,
    objstm_pages_pdf,
    objstm_text_pdf,
    rar4,
    ref_loop_pdf,
    seven_zip,
    seven_zip_bomb,
    shared_content_pdf,
    sheet_xlsx,
    text_pdf,
    write_zip,
)
from tests.test_hostile_fuzz import reports_zip, uninflatable, zip_members  # noqa: E402 - as above

SEEDS = ROOT / "tests" / "fixtures" / "seeds"

# Runs in the measured process: the CLI in-process, its output kept apart; prints the last line of what it said,
# then code, seconds, own peak KB, children's peak KB.
_CHILD = """
import contextlib, io, os, resource, signal, sys, time
from jixiao.cli import main
if os.environ.get("JIXIAO_BENCH_HANG"):  # LibreOffice started, then stopped: it takes the file and never answers
    from jixiao.formats import office
    converter = office.shared_converter()
    converter.ensure_started()
    os.killpg(converter._proc.pid, signal.SIGSTOP)
    office.CONVERT_TIMEOUT = float(os.environ["JIXIAO_BENCH_HANG"])
started = time.perf_counter()
said = io.StringIO()
with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
    code = main(sys.argv[1:])
seconds = time.perf_counter() - started
first = [line for line in said.getvalue().splitlines() if line.strip() and not line.startswith("审核 [")][:1] or [""]
print(first[0][:150].replace(" ", "\u3000"))
print(code, seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def measure(path: Path, timeout: float) -> tuple[str, float, float, float, str]:
    """(exit code, seconds of the command, own peak MB, children's peak MB, what it said first)."""
    env = {**os.environ, "JIXIAO_BENCH_HANG": str(HANG[path.name])} if path.name in HANG else None
    try:
        result = subprocess.run(
            [sys.executable, "-c", _CHILD, "review", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=timeout,
            check=False,
            start_new_session=True,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return "超时", timeout, 0.0, 0.0, f"{timeout:.0f} 秒后仍未结束，已终止"
    lines = result.stdout.strip().splitlines()
    try:
        code, seconds, own, children = lines[-1].split()
    except (IndexError, ValueError):
        return f"崩溃{result.returncode}", 0.0, 0.0, 0.0, (result.stderr.strip().splitlines() or [""])[-1][:150]
    return code, float(seconds), int(own) / 1024, int(children) / 1024, lines[-2] if len(lines) > 1 else ""


def _docx_bomb(unpacked: int) -> bytes:
    """A Word file whose document.xml unpacks to about `unpacked` bytes (blanks inside its body)."""
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_paragraph("2024年度部门整体支出绩效自评报告")
    document.save(out)
    with zipfile.ZipFile(out) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    head, _, tail = members["word/document.xml"].partition(b"<w:body>")
    bomb = Member.bomb("word/document.xml", head + b"<w:body>", b" " * MB, unpacked // MB, tail)
    return write_zip([bomb if n == "word/document.xml" else Member.of(n, c) for n, c in members.items()])


def _million_rows() -> bytes:
    import random

    rows = [f'<row r="{i}"><c r="A{i}"><v>{random.randint(0, 10**9)}</v></c></row>' for i in range(1, 1_000_001)]
    return sheet_xlsx(rows, "A1:A1000000")


def _columns() -> bytes:
    from openpyxl.utils import get_column_letter

    cells = "".join(f'<c r="{get_column_letter(i)}1" t="inlineStr"><is><t>列{i}</t></is></c>' for i in range(1, 16385))
    return sheet_xlsx([f'<row r="1">{cells}</row>'], "A1:XFD1")


def _corners() -> bytes:
    """Two cells: A1 and XFD1048576, the first and the last cell a sheet can have."""
    return sheet_xlsx(
        ['<row r="1"><c r="A1" t="inlineStr"><is><t>项目支出绩效自评表</t></is></c></row>',
         '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'],
        "A1:XFD1048576",
    )  # fmt: skip


def _ofd_bomb() -> bytes:
    """An OFD (a zip) whose one page's content unpacks to 1.1 GB of blanks."""
    head = b'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content>'
    page = Member.bomb("Doc_0/Pages/Page_0/Content.xml", head, b" " * MB, 1100, b"</ofd:Content></ofd:Page>")
    ofd = (b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0">'
           b"<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")  # fmt: skip
    return write_zip([Member.of("OFD.xml", ofd), page])


def _report_text(pages: int) -> str:
    seeds = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    return (seeds * (pages * 1500 // len(seeds) + 1))[: pages * 1500]


def _docx_bytes() -> bytes:
    from docx import Document

    out = io.BytesIO()
    document = Document()
    for line in _report_text(3).splitlines():
        document.add_paragraph(line)
    document.save(out)
    return out.getvalue()


def _pdf_of(docx: bytes, folder: Path) -> bytes:
    """The .docx printed to PDF by LibreOffice (a real CID-font text layer)."""
    (folder / "_print.docx").write_bytes(docx)
    command = ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(folder / "_print.docx")]
    subprocess.run(command, capture_output=True, check=True, timeout=180)
    return (folder / "_print.pdf").read_bytes()


def _scan_of(pdf: bytes) -> bytes:
    """The PDF's pages as a scan: each rendered at 150 dpi in grey and drawn as one image over its page."""
    import zlib

    import pypdfium2

    from tests.test_hostile_files import pdf_file, stream

    document = pypdfium2.PdfDocument(pdf)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for page in document:
        gray = page.render(scale=150 / 72, grayscale=True).to_numpy()
        height, width = gray.shape[:2]
        n = len(objects)
        objects.append(stream("", f"q 595 0 0 842 0 0 cm /Im{n} Do Q".encode()))
        objects.append(
            stream(
                f"/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray "
                "/BitsPerComponent 8 /Filter /FlateDecode",
                zlib.compress(gray[:, :, 0].tobytes() if gray.ndim == 3 else gray.tobytes()),
            )
        )
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {n + 1} 0 R "
            f"/Resources << /XObject << /Im{n} {n + 2} 0 R >> >> >>".encode()
        )
        kids.append(f"{n + 3} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    return pdf_file(objects)


def _doc_of(docx: bytes, folder: Path) -> bytes:
    """The .docx saved as a Word 97 .doc by LibreOffice."""
    (folder / "_save.docx").write_bytes(docx)
    command = ["soffice", "--headless", "--convert-to", "doc", "--outdir", str(folder), str(folder / "_save.docx")]
    subprocess.run(command, capture_output=True, check=True, timeout=180)
    return (folder / "_save.doc").read_bytes()


def _overlapping_docx(copies: int = 200) -> bytes:
    """A .docx whose directory lists `copies` parts of 0.9 MB each, all pointing at the same 1 KB of deflated data
    (an overlapping zip bomb: 180 MB from a file of 60 KB)."""
    import struct

    good = _docx_bytes()
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        members = [Member.of(i.filename, archive.read(i)) for i in archive.infolist()]
    shared = Member.bomb("word/media/s0000.xml", b"<a>", b" " * (900 * 1024), 1, b"</a>")
    data = bytearray(write_zip([*members, shared]))
    end = data.rindex(b"PK\x05\x06")
    count, size, start = struct.unpack("<HII", data[end + 10 : end + 20])
    central = data[start : start + size]
    last = central.rindex(b"PK\x01\x02")  # the shared part's entry: copied under other names, same offset
    entry = bytes(central[last:])
    copies_bytes = b"".join(
        entry.replace(b"word/media/s0000.xml", f"word/media/c{i:04d}.xml".encode()) for i in range(copies)
    )
    central_new = bytes(central) + copies_bytes
    tail = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count + copies, count + copies, len(central_new), start, 0)
    return bytes(data[:start]) + central_new + tail


def _spreadsheetml(rows: int, doctype: str = "") -> bytes:
    """An Excel 2003 XML workbook (what many systems export as ".xls") of `rows` rows of four cells."""
    cells = '<Cell><Data ss:Type="String">项目{0}</Data></Cell><Cell><Data ss:Type="Number">{0}</Data></Cell>'
    row = "<Row>" + cells * 2
    body = "".join(row.format(i) + "</Row>" for i in range(rows))
    return (
        f'<?xml version="1.0"?>{doctype}<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        f'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="表1"><Table>{body}</Table>'
        "</Worksheet></Workbook>"
    ).encode()


_LAUGHS = (
    '<!DOCTYPE Workbook [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + "]>"
)


def _mht(picture: int) -> bytes:
    """Word's single-file web page: the report's text as its gb2312 page (quoted-printable), then a picture of
    `picture` bytes in base64."""
    import base64
    import quopri

    page = "<html><body>" + "".join(f"<p>{line}</p>" for line in _report_text(3).splitlines()) + "</body></html>"
    return (
        b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01"\r\n\r\n'
        b"------=_NextPart_01\r\nContent-Transfer-Encoding: quoted-printable\r\n"
        b'Content-Type: text/html; charset="gb2312"\r\n\r\n' + quopri.encodestring(page.encode("gb18030"))
        + b"\r\n------=_NextPart_01\r\nContent-Transfer-Encoding: base64\r\nContent-Type: image/png\r\n\r\n"
        + base64.encodebytes(os.urandom(picture)) + b"\r\n------=_NextPart_01--\r\n"
    )  # fmt: skip


def _reports_zip() -> bytes:
    """A department's material: the report (.docx) and a table (.txt) in GBK-named folders, a zip inside."""
    text = _report_text(3).encode("gb18030")
    inner = archive([("附件/附表.txt", text)], gbk=True)
    return archive([("部门材料/自评报告.docx", _docx_bytes()), ("部门材料/附件包.zip", inner)], gbk=True)


ARCHIVE_FIXTURES = ROOT / "tests" / "fixtures" / "archives"


def _reports_7z() -> bytes:
    """The department's material as a .7z (solid LZMA): the report (.docx) and a .rar inside holding a table."""
    inner = rar4([("附件/自评表.txt", _report_text(3).encode())], gbk=True)
    return seven_zip([("部门材料/自评报告.docx", _docx_bytes()), ("部门材料/附件包.rar", inner)])


def _nested_rar(depth: int) -> bytes:
    data = rar4([("报告.txt", _report_text(3).encode())])
    for level in range(depth - 1):
        data = rar4([(f"第{level + 2}层.rar", data)])
    return data


def _reports_eml() -> bytes:
    """A 政务邮箱 message: the report (.docx) and a table (.txt) attached, names in RFC 2231 GB2312."""
    return eml([("2023年度自评报告.docx", _docx_bytes()), ("附件1 自评表.txt", _report_text(3).encode())], "2231")


def _parts_flood(parts: int) -> bytes:
    """A message of `parts` empty MIME parts under one boundary (one declaration: the parts are counted as read)."""
    body = b"".join(b'--b\r\nContent-Disposition: attachment; filename="%d.txt"\r\n\r\nx\r\n' % i for i in range(parts))
    return b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' + body + b"--b--\r\n"


def _deep_mail(depth: int) -> bytes:
    """Multipart parts nested `depth` deep, each with a boundary of its own."""
    head = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i) for i in range(depth))
    tail = b"".join(b"\r\n--b%d--\r\n" % i for i in reversed(range(depth)))
    return b"MIME-Version: 1.0\r\n" + head + b'Content-Disposition: attachment; filename="a.txt"\r\n\r\nx' + tail


# LibreOffice stopped before the review of these files (the measured process stops it): the conversion's timeout
HANG = {"卡死.doc": 10.0}

# (label, file name, maker): the maker gets the folder and returns the file's bytes
CASES: list[tuple[str, str, object]] = [
    ("基准：20 页报告 .txt", "二十页.txt", lambda f: _report_text(20).encode()),
    ("基准：3 页报告 .docx", "三页.docx", lambda f: _docx_bytes()),
    ("基准：3 页文字版 PDF", "三页.pdf", lambda f: _pdf_of(_docx_bytes(), f)),
    ("基准：3 页扫描件 PDF（OCR）", "扫描三页.pdf", lambda f: _scan_of(_pdf_of(_docx_bytes(), f))),
    ("扫描件 2,000 页", "扫描两千页.pdf", lambda f: image_pdf(2000)),
    ("扫描件 300 页（页数上限内）", "扫描三百页.pdf", lambda f: image_pdf(300)),
    ("页面图像 40000×40000（1.6 GB）", "大图.pdf", lambda f: image_pdf(1, 40000, 40000, flate_bomb(40000 * 40000))),
    ("内容流 Flate 炸弹 1 GB", "内容炸弹.pdf", lambda f: content_bomb_pdf(1024 * MB)),
    ("400 页共用 29 MB 内容流", "共用内容.pdf", lambda f: shared_content_pdf(400, 29 * MB)),
    ("400 页各 29 MB 内容流", "各页内容.pdf", lambda f: shared_content_pdf(400, 29 * MB, shared=False)),
    ("300 个字体各 29 MB 映射表", "字体.pdf", lambda f: many_fonts_pdf(300, 29 * MB)),
    ("文字版 100,000 页", "十万页.pdf", lambda f: text_pdf(100_000)),
    ("100,000 页而 /Count 写 1", "十万页谎报.pdf", lambda f: text_pdf(100_000, count=1)),
    ("数组嵌套 100,000 层", "嵌套.pdf", lambda f: nested_pdf(100_000)),
    ("页面树自己包含自己", "循环.pdf", lambda f: cyclic_pdf()),
    ("页面树嵌套 20,000 层", "深页面树.pdf", lambda f: deep_tree_pdf(20_000)),
    ("加密 PDF（无打开密码）", "加密无密码.pdf", lambda f: encrypted_pdf("")),
    ("加密 PDF（有打开密码）", "加密有密码.pdf", lambda f: encrypted_pdf("1234")),
    ("设了打开密码的 .docx", "加密.docx", lambda f: encrypted_office()),
    ("设了打开密码的 .xlsx", "加密.xlsx", lambda f: encrypted_office()),
    (
        ".doc 实为 HTML",
        "网页.doc",
        lambda f: "<html><body><p>2024年度部门整体支出绩效自评报告</p></body></html>".encode(),
    ),
    (".doc 实为 RTF", "富文本.doc", lambda f: rb"{\rtf1\ansi{\fonttbl\f0 Arial;}\f0 Self-evaluation report 2024\par}"),
    ("document.xml 解压 1 GB", "正文炸弹.docx", lambda f: _docx_bomb(1024 * MB)),
    (".xlsx 一百万行", "百万行.xlsx", lambda f: _million_rows()),
    (".xlsx 16,384 列", "满列.xlsx", lambda f: _columns()),
    (".xlsx 只有 A1 和 XFD1048576", "两角.xlsx", lambda f: _corners()),
    ("OFD 页面解压 1.1 GB", "炸弹.ofd", lambda f: _ofd_bomb()),
    (".txt GB18030", "国标.txt", lambda f: _report_text(3).encode("gb18030")),
    (".txt UTF-16（带 BOM）", "记事本.txt", lambda f: _report_text(3).encode("utf-16")),
    ("二进制乱码 .txt", "乱码.txt", lambda f: os.urandom(MB)),
    (".pdf 实为 .docx", "其实是docx.pdf", lambda f: _docx_bytes()),
    ("PDF 对象互相引用成环", "环.pdf", lambda f: ref_loop_pdf()),
    ("对象流 PDF（正常）", "对象流.pdf", lambda f: objstm_text_pdf()),
    ("对象流 Flate 炸弹 1 GB", "对象流炸弹.pdf", lambda f: objstm_bomb_pdf(1024 * MB)),
    ("xref 损坏的 100,000 页", "xref损坏十万页.pdf", lambda f: broken_xref_pdf(100_000)),
    ("100,000 页（交叉引用流）", "xref流十万页.pdf", lambda f: objstm_pages_pdf(100_000)),
    ("同上而 /Count 写 1", "xref流十万页谎报.pdf", lambda f: objstm_pages_pdf(100_000, count=1)),
    ("JBIG2 声明 40000×40000 像素", "jbig2.pdf", lambda f: jbig2_pdf(40000, 40000)),
    (".docx 十亿笑（8 KB 注释后）", "十亿笑.docx", lambda f: laughs_office("docx")),
    (".xlsx 十亿笑（8 KB 注释后）", "十亿笑.xlsx", lambda f: laughs_office("xlsx")),
    ("OFD 十亿笑（8 KB 注释后）", "十亿笑.ofd", lambda f: laughs_office("ofd")),
    (".docx 目录谎报 500 KB 实为 1 GB", "谎报大小.docx", lambda f: lying_office("docx")),
    (".xlsx 目录谎报 500 KB 实为 1 GB", "谎报大小.xlsx", lambda f: lying_office("xlsx")),
    (".docx 重叠部件 200×0.9 MB", "重叠.docx", lambda f: _overlapping_docx()),
    (".txt 单行 500 MB", "单行.txt", lambda f: b"2024" * (125 * MB)),
    ("加密 PDF 对象流炸弹 1 GB", "加密对象流炸弹.pdf", lambda f: objstm_bomb_pdf(1024 * MB, encrypted=True)),
    ("基准：.zip 报告+内层 zip（GBK 名）", "部门材料.zip", lambda f: _reports_zip()),
    (".zip 条目解压 1 GB", "解压炸弹.zip", lambda f: archive_bomb(1024 * MB)),
    (".zip 100 个条目各 1 GB", "百个炸弹.zip", lambda f: archive_bomb(1024 * MB, 100)),
    (".zip 嵌套 10 层", "十层.zip", lambda f: nested_archive(10, "报告.txt", _report_text(3).encode())),
    (".zip 50,000 个条目", "五万条目.zip", lambda f: archive([(f"{i:05d}.txt", b"x") for i in range(50_000)])),
    (".zip 路径 ../../etc", "穿越.zip", lambda f: archive([("../../etc/报告.txt", b"x")])),
    (".zip 符号链接", "链接.zip", lambda f: archive([("报告.txt", b"/etc/passwd")], links=("报告.txt",))),
    (".zip 条目设了密码", "加密条目.zip", lambda f: archive([("报告.docx", b"x" * 100)], flags={"报告.docx": 1})),
    (".rar 损坏（RAR5 头后是乱码）", "材料.rar", lambda f: b"Rar!\x1a\x07\x01\x00" + os.urandom(1000)),
    ("基准：.7z 报告+内层 .rar", "部门材料.7z", lambda f: _reports_7z()),
    (".7z 固实块解压 1 GB", "固实炸弹.7z", lambda f: seven_zip_bomb(1024 * MB)),
    (".7z 文件名加密", "加密文件名.7z", lambda f: (ARCHIVE_FIXTURES / "密码文件名.7z").read_bytes()),
    (".7z 符号链接", "链接.7z", lambda f: (ARCHIVE_FIXTURES / "符号链接.7z").read_bytes()),
    (".rar 50,000 个条目", "五万条目.rar", lambda f: rar4([(f"{i:05d}.txt", b"x") for i in range(50_000)])),
    (".rar 路径 ../../etc", "穿越.rar", lambda f: rar4([("../../etc/报告.txt", b"x")])),
    (".rar 嵌套 10 层", "十层.rar", lambda f: _nested_rar(10)),
    ("基准：.eml 报告+表格（GB2312 名）", "报送材料.eml", lambda f: _reports_eml()),
    (".eml 200,000 个分段", "分段洪水.eml", lambda f: _parts_flood(200_000)),
    (".eml 分段嵌套 5,000 层", "深嵌套.eml", lambda f: _deep_mail(5000)),
    (".eml 60 MB（附件 44 MB）", "大邮件.eml", lambda f: eml([("报告.txt", bytes(44 * MB))])),
    (".xls 实为 Excel 2003 XML（2,000 行）", "二千行2003.xls", lambda f: _spreadsheetml(2000)),
    (".xls 实为 Excel 2003 XML 15 万行", "十五万行2003.xls", lambda f: _spreadsheetml(150_000)),
    (".xls 实为 Excel 2003 XML 十亿笑", "十亿笑2003.xls", lambda f: _spreadsheetml(3, _LAUGHS)),
    (".xls 实为 .xlsx", "其实是xlsx.xls", lambda f: sheet_xlsx(['<row r="1"><c r="A1"><v>1</v></c></row>'], "A1")),
    (".doc 实为 .docx", "其实是docx.doc", lambda f: _docx_bytes()),
    (".doc 实为 .mht（3 页）", "网页存档.doc", lambda f: _mht(1000)),
    (".mht 内含 30 MB 图片", "大图网页.mht", lambda f: _mht(30 * MB)),
    (".csv 100 万行", "百万行.csv", lambda f: b"".join(b"%d,2024\n" % i for i in range(1_000_000))),
    (
        ".xls 实为 2003 XML 合并 100 万×500",
        "合并2003.xls",
        lambda f: _spreadsheetml(3).replace(
            b"<Row><Cell>", b'<Row><Cell ss:MergeDown="1000000" ss:MergeAcross="499">', 1
        ),
    ),
    (
        "网页表格 colspan/rowspan 100000",
        "合并网页.html",
        lambda f: b"<table><tr><td colspan=100000 rowspan=100000>x</td><td>y</td></tr><tr><td>z</td></tr></table>",
    ),
    (".docx 实为 .doc（LibreOffice）", "其实是doc.docx", lambda f: _doc_of(_docx_bytes(), f)),
    ("LibreOffice 卡死（.doc，超时 10 秒）", "卡死.doc", lambda f: _doc_of(_docx_bytes(), f)),
    # what bench/fuzz_review.py found (内部错误 before 3c48250): a bit flipped inside a part's deflated data
    (
        ".docx 部件无法解压（zlib）",
        "无法解压.docx",
        lambda f: uninflatable(zip_members(_docx_bytes()), "word/styles.xml"),
    ),
    (".zip 条目无法解压（zlib）", "条目损坏.zip", lambda f: reports_zip("inflate", other=False)),
    (".zip 条目本地文件名非 UTF-8", "条目改名.zip", lambda f: reports_zip("name", other=False)),
]


def make_inputs(folder: Path, only: list[str]) -> None:
    for label, name, maker in CASES:
        if not only or any(o in label or o in name for o in only):
            (folder / name).write_bytes(maker(folder))  # type: ignore[operator]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--make")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    if args.make:
        make_inputs(Path(args.make), args.only)
        return
    folder = Path(tempfile.mkdtemp(prefix="jixiao-bench-review-"))
    started = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--make", str(folder), "--only", *args.only], check=True)
    print(f"输入已生成（{time.perf_counter() - started:.0f} 秒）：{folder}")
    print(f"{'情形':<28} {'退出码':>4} {'命令秒':>7} {'峰值MB':>7} {'子进程MB':>8}  所说的第一行")
    for label, name, _ in CASES:
        if not (folder / name).exists():
            continue
        code, seconds, own, children, said = measure(folder / name, args.timeout)
        print(f"{label:<28} {code:>4} {seconds:>7.2f} {own:>7.0f} {children:>8.0f}  {said}", flush=True)


if __name__ == "__main__":
    main()
