"""Hostile and broken inputs made at test time (never committed): bombs, cut-off parts, huge numbers.

The makers are shared by tests/test_hostile.py and bench/bad_input.py. A zip bomb is written by hand: a
deflate stream of one repeated block (the compressor is reset after each block with a full flush, so every
copy compresses to the same bytes), which makes a 1.1 GB sheet in about a second of CRC work.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BAOAN_YAML = ROOT / "examples" / "baoan-fulian-2023" / "data.yaml"
HENGSHAN_XLSX = ROOT / "examples" / "hengshan-fulian-2023" / "填报.xlsx"
MB = 1024 * 1024


class Member:
    """One zip member as raw deflate data with its CRC and sizes."""

    def __init__(self, name: str, raw: bytes, crc: int, size: int):
        self.name, self.raw, self.crc, self.size = name, raw, crc, size

    @classmethod
    def of(cls, name: str, content: bytes) -> Member:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        raw = compressor.compress(content) + compressor.flush()
        return cls(name, raw, zlib.crc32(content), len(content))

    @classmethod
    def bomb(cls, name: str, head: bytes, filler: bytes, copies: int, tail: bytes) -> Member:
        """head + filler × copies + tail, deflated with the filler's compressed block repeated."""
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        parts = [compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)]
        block = compressor.compress(filler) + compressor.flush(zlib.Z_FULL_FLUSH)
        again = compressor.compress(filler) + compressor.flush(zlib.Z_FULL_FLUSH)
        assert block == again, "the compressor did not reset"
        parts.append(block * copies)
        parts.append(compressor.compress(tail) + compressor.flush())
        crc = zlib.crc32(head)
        for _ in range(copies):
            crc = zlib.crc32(filler, crc)
        crc = zlib.crc32(tail, crc)
        return cls(name, b"".join(parts), crc, len(head) + len(filler) * copies + len(tail))


def write_zip(members: list[Member]) -> bytes:
    """A plain (non-zip64) zip of deflated members; sizes must stay below 4 GB."""
    out = io.BytesIO()
    central = []
    for m in members:
        name = m.name.encode()
        offset = out.tell()
        out.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, m.crc, len(m.raw), m.size, len(name), 0)
        )
        out.write(name)
        out.write(m.raw)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0x800,
                8,
                0,
                0x21,
                m.crc,
                len(m.raw),
                m.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), out.tell() - start, start, 0))
    return out.getvalue()


def workbook_members(source: Path = HENGSHAN_XLSX) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(source) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def xlsx_with(replace: dict[str, bytes | Member], source: Path = HENGSHAN_XLSX) -> bytes:
    """The bundled workbook with some members replaced (bytes, or a ready Member such as a bomb)."""
    members = []
    for name, content in workbook_members(source).items():
        new = replace.get(name, content)
        members.append(new if isinstance(new, Member) else Member.of(name, new))
    return write_zip(members)


def first_sheet(source: Path = HENGSHAN_XLSX) -> str:
    return next(n for n in workbook_members(source) if n.startswith("xl/worksheets/sheet"))


# The bundled workbook is written by openpyxl: sheet N of its tabs is xl/worksheets/sheetN.xml.
HENGSHAN_SHEETS = (
    "填报说明",
    "基本信息",
    "基础数据表",
    "单位与人员",
    "季度执行",
    "项目",
    "绩效指标",
    "重点工作",
    "定性事实",
)


def sheet_part(title: str) -> str:
    return f"xl/worksheets/sheet{HENGSHAN_SHEETS.index(title) + 1}.xml"


def with_cell(title: str, coordinate: str, cell_xml: str) -> bytes:
    """The bundled workbook with one filled cell of a sheet replaced by `cell_xml` (a whole <c> element)."""
    part = sheet_part(title)
    xml = workbook_members()[part]
    new, count = re.subn(rf'<c r="{coordinate}"[^>]*>.*?</c>'.encode(), cell_xml.encode(), xml, count=1)
    assert count == 1, (title, coordinate)
    return xlsx_with({part: new})


def sheet_bomb(unpacked: int) -> bytes:
    """A workbook whose first sheet unpacks to about `unpacked` bytes of blanks inside <sheetData>."""
    sheet = first_sheet()
    xml = workbook_members()[sheet]
    head, _, tail = xml.partition(b"<sheetData>")
    filler = b" " * MB
    bomb = Member.bomb(sheet, head + b"<sheetData>", filler, unpacked // MB, tail)
    return xlsx_with({sheet: bomb})


def billion_laughs_yaml(levels: int = 9) -> str:
    lines = ['l0: &l0 ["哈哈哈哈哈哈哈哈"]']
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def yaml_with(pattern: str, replacement: str, source: Path = BAOAN_YAML) -> str:
    text, count = re.subn(pattern, replacement, source.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert count == 1, pattern
    return text


def many_projects_yaml(count: int) -> str:
    """The 宝安 data with `count` generated projects (each with its funds)."""
    base = BAOAN_YAML.read_text(encoding="utf-8")
    rows = "".join(f"  - name: 生成项目{i:06d}\n    funds: {{adjusted: 10.5, actual: 9.87}}\n" for i in range(count))
    return base + "\nprojects:\n" + rows


def many_projects_xlsx(count: int) -> bytes:
    """The 衡山 workbook with `count` generated rows on its 项目 sheet (name, 全年预算数, 全年执行数)."""
    import openpyxl

    workbook = openpyxl.load_workbook(HENGSHAN_XLSX)
    sheet = workbook["项目"]
    for i in range(count):
        sheet.append([f"生成项目{i:06d}", None, None, None, None, 10.5, 9.87])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_bomb_maker_makes_what_it_says(tmp_path):
    import zipfile

    # 3 MB of blanks inside the first sheet: the zip says so and packs it about a thousand times smaller
    data = sheet_bomb(3 * MB)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(first_sheet())
        assert info.file_size > 3 * MB and info.compress_size < 10_000
        assert archive.testzip() is None  # CRCs hold: a real bomb, not a lying header


def test_billion_laughs_would_expand_to_a_billion_items():
    # 9 levels of 9 references: 9**9 = 387,420,489 copies of the first list
    text = billion_laughs_yaml()
    assert text.count("*l8") == 9 and len(text.encode()) < 1024
