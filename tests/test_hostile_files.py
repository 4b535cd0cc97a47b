"""Hostile and broken inputs made at test time (never committed): bombs, cut-off parts, huge numbers.

The makers are shared by tests/test_hostile.py and bench/bad_input.py. A zip bomb is written by hand: a
deflate stream of one repeated block (the compressor is reset after each block with a full flush, so every
copy compresses to the same bytes), which makes a 1.1 GB sheet in about a second of CRC work.
"""

from __future__ import annotations

import io
import os
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


def sheet_xlsx(rows: list[str], dimension: str = "A1") -> bytes:
    """A one-sheet workbook ("自评表") whose sheet data is the given <row> elements (as written), its dimension
    as given."""
    import zipfile

    from openpyxl import Workbook

    out = io.BytesIO()
    book = Workbook()
    book.active.title = "自评表"
    book.active["A1"] = "项目支出绩效自评表"
    book.save(out)
    with zipfile.ZipFile(out) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = next(n for n in members if n.startswith("xl/worksheets/"))
    xml = members[sheet].decode()
    start, end = xml.index("<sheetData>"), xml.index("</sheetData>") + len("</sheetData>")
    members[sheet] = (xml[:start] + "<sheetData>" + "".join(rows) + "</sheetData>" + xml[end:]).encode()
    members[sheet] = members[sheet].replace(b'<dimension ref="A1"/>', f'<dimension ref="{dimension}"/>'.encode())
    return write_zip([Member.of(n, c) for n, c in members.items()])


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


# --- a report under review: PDFs, Office files and texts written by hand ------------------------------------


def pdf_file(objects: list[bytes], trailer: str = "", root: int = 1) -> bytes:
    """A PDF of the given objects (numbered from 1, each a body: a dictionary, or a dictionary and its stream),
    with the cross-reference table of their byte offsets; `trailer` adds entries (an /Encrypt, an /ID)."""
    parts, offsets = [b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"], []
    at = len(parts[0])
    for number, body in enumerate(objects, 1):
        offsets.append(at)
        parts.append(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
        at += len(parts[-1])
    out, xref = b"".join(parts), at
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R {trailer}>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def stream(entries: str, data: bytes) -> bytes:
    return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def flate_bomb(size: int, filler: bytes = b"\0" * MB) -> bytes:
    """A zlib (PDF FlateDecode) stream of `size` bytes of `filler`, about a thousand times smaller, written in
    about a second: one compressed block repeated, its Adler-32 summed block by block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(filler) + compressor.flush(zlib.Z_FULL_FLUSH)
    copies = size // len(filler)
    check = 1
    for _ in range(copies):
        check = zlib.adler32(filler, check)
    return b"\x78\xda" + block * copies + compressor.flush() + struct.pack(">I", check)


_PAGE = "/Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def text_pdf(pages: int, text: str = "Performance self-evaluation 2024", count: int | None = None) -> bytes:
    """`pages` pages of one line of text each (sharing one content stream and font); `count`, when given, is
    the /Count the page tree states (a lie when it differs)."""
    content = stream("", f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode())
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages if count is None else count} >>".encode(),
        content,
        _FONT,
    ]
    objects += [f"<< {_PAGE} /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>".encode()] * pages
    return pdf_file(objects)


def image_pdf(pages: int, width: int = 200, height: int = 280, data: bytes | None = None) -> bytes:
    """`pages` scanned pages without a text layer, each drawing one grey image (shared) over the whole page;
    `data` replaces the image's Flate stream (a bomb that declares width × height)."""
    pixels = data if data is not None else zlib.compress(bytes(range(200)) * (width * height // 200 + 1))
    image = stream(
        f"/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray "
        "/BitsPerComponent 8 /Filter /FlateDecode",
        pixels,
    )
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        stream("", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
        image,
    ]
    objects += [f"<< {_PAGE} /Contents 3 0 R /Resources << /XObject << /Im1 4 0 R >> >> >>".encode()] * pages
    return pdf_file(objects)


def content_bomb_pdf(size: int) -> bytes:
    """One page of text whose content stream unpacks to `size` bytes (blanks after the text)."""
    head = b"BT /F1 12 Tf 72 760 Td (Performance self-evaluation) Tj ET\n"
    data = flate_bomb(size, b" " * MB)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        stream("", head),
        _FONT,
        f"<< {_PAGE} /Contents [3 0 R 6 0 R] /Resources << /Font << /F1 4 0 R >> >> >>".encode(),
        stream("/Filter /FlateDecode", data),
    ]
    return pdf_file(objects)


def nested_pdf(depth: int) -> bytes:
    """A page of text whose resources hold an array nested `depth` deep."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        stream("", b"BT /F1 12 Tf 72 760 Td (Performance self-evaluation) Tj ET"),
        _FONT,
        f"<< {_PAGE} /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> /Deep 6 0 R >> >>".encode(),
        b"[" * depth + b"]" * depth,
    ]
    return pdf_file(objects)


def cyclic_pdf() -> bytes:
    """A page tree whose node lists itself among its kids (and its page's parent is that node)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R 2 0 R] /Count 2 >>",
        stream("", b"BT /F1 12 Tf 72 760 Td (Performance self-evaluation) Tj ET"),
        _FONT,
        f"<< {_PAGE} /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>".encode(),
    ]
    return pdf_file(objects)


def _rc4(key: bytes, data: bytes) -> bytes:
    box = list(range(256))
    j = 0
    for i in range(256):
        j = (j + box[i] + key[i % len(key)]) % 256
        box[i], box[j] = box[j], box[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + box[i]) % 256
        box[i], box[j] = box[j], box[i]
        out.append(byte ^ box[(box[i] + box[j]) % 256])
    return bytes(out)


_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _security(user_password: str):
    """The standard security handler (revision 2, RC4 40-bit, PDF 1.7 §7.6.3): the /Encrypt dictionary, the
    trailer's entries naming it as object `number`, and the function sealing an object's stream."""
    import hashlib

    file_id = bytes(range(16))
    owner = _rc4(hashlib.md5((b"owner" + _PAD)[:32]).digest()[:5], (user_password.encode() + _PAD)[:32])
    permissions = -4
    key = hashlib.md5((user_password.encode() + _PAD)[:32] + owner + struct.pack("<i", permissions) + file_id).digest()[
        :5
    ]
    check = _rc4(key, _PAD)

    def sealed(number: int, data: bytes) -> bytes:
        return _rc4(hashlib.md5(key + struct.pack("<I", number)[:3] + b"\0\0").digest()[:10], data)

    body = f"<< /Filter /Standard /V 1 /R 2 /O <{owner.hex()}> /U <{check.hex()}> /P {permissions} >>".encode()
    return body, (lambda number: f"/Encrypt {number} 0 R /ID [<{file_id.hex()}> <{file_id.hex()}>] "), sealed


def encrypted_pdf(user_password: str, text: str = "Performance self-evaluation 2024") -> bytes:
    """A page of text encrypted with the standard security handler (revision 2, RC4 40-bit, PDF 1.7 §7.6.3):
    opened without a password when `user_password` is empty (an owner password only), with it otherwise."""
    body, trailer, sealed = _security(user_password)
    content = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        stream("", sealed(3, content)),
        _FONT,
        f"<< {_PAGE} /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>".encode(),
        body,
    ]
    return pdf_file(objects, trailer(6))


def encrypted_office() -> bytes:
    """What Word and Excel save for a file with an opening password: a compound file (CFB, MS-CFB §2) holding
    the streams EncryptionInfo and EncryptedPackage (MS-OFFCRYPTO §2.3.4), not a zip. Their content is filler:
    it is the container that tells."""
    sector = 512
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    header += bytes(6) + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108  # the FAT is sector 0
    fat = [fat_sector, end, 3, 4, 5, 6, 7, 8, 9, end, 11, 12, 13, 14, 15, 16, 17, end]  # streams at 2 and 10
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, right, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1, free, end, 0)
    directory += entry("EncryptionInfo", 2, free, 2, 2, 4096)
    directory += entry("EncryptedPackage", 2, free, free, 10, 4096)
    directory += entry("", 0, free, free, 0, 0)
    body = struct.pack(f"<{len(fat)}I", *fat) + directory + os.urandom(2 * 4096)
    return header + body


def form_bomb_pdf(size: int) -> bytes:
    """A page of text that draws a form (a stream of drawing of its own) unpacking to `size` bytes of blanks."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        stream("", b"BT /F1 12 Tf 72 760 Td (Performance self-evaluation) Tj ET /Fm1 Do"),
        _FONT,
        f"<< {_PAGE} /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> /XObject << /Fm1 6 0 R >> >> >>".encode(),
        stream("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Filter /FlateDecode", flate_bomb(size, b" " * MB)),
    ]
    return pdf_file(objects)


def tounicode_bomb_pdf(size: int) -> bytes:
    """A page of text whose font's ToUnicode map unpacks to `size` bytes (pdfminer unpacks it whole)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        stream("", b"BT /F1 12 Tf 72 760 Td (Performance self-evaluation) Tj ET"),
        _FONT[:-2] + b"/ToUnicode 6 0 R >>",
        f"<< {_PAGE} /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>".encode(),
        stream("/Filter /FlateDecode", flate_bomb(size, b" " * MB)),
    ]
    return pdf_file(objects)


def broken_xref_pdf(pages: int) -> bytes:
    """`text_pdf(pages)` whose startxref points past the end of the file: readers rebuild the cross-reference
    table by scanning every line of the file (pdfminer's fallback), as they do for a truncated or edited PDF."""
    data = text_pdf(pages)
    at = data.rindex(b"startxref\n") + len(b"startxref\n")
    return data[:at] + str(len(data) * 10).encode() + b"\n%%EOF\n"


def ref_loop_pdf() -> bytes:
    """A page tree reached through two objects that are each only a reference to the other (6 → 7 → 6):
    a reader that follows references until it meets a value never stops."""
    objects = [
        b"<< /Type /Catalog /Pages 6 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        stream("", b"BT /F1 12 Tf 72 760 Td (Performance self-evaluation) Tj ET"),
        _FONT,
        f"<< {_PAGE} /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>".encode(),
        b"7 0 R",
        b"6 0 R",
    ]
    return pdf_file(objects)


def objstm_pdf(
    held: dict[int, bytes],
    plain: dict[int, bytes],
    data: bytes | None = None,
    png: bool = False,
    trailer: str = "",
    seal=None,
) -> bytes:
    """A PDF 1.5 file with a cross-reference stream: the objects of `held` (number → body) in one object stream
    (number 1 + the highest), the others (`plain`) as plain objects; `data` replaces the object stream's Flate
    data (a bomb). Object 1 is the catalog. `png`: the cross-reference rows coded with the PNG Up predictor (each
    row the difference from the row above), as Word and Acrobat write them. `trailer`: more entries of the
    cross-reference stream (an /Encrypt); `seal(number, data)`: the object stream's data encrypted."""
    numbers = sorted(held)
    header = " ".join(f"{n} {0}" for n in numbers)  # offsets filled below
    bodies, offsets, at = [], [], 0
    for n in numbers:
        offsets.append(at)
        bodies.append(held[n] + b" ")
        at += len(bodies[-1])
    header = " ".join(f"{n} {o}" for n, o in zip(numbers, offsets, strict=True)) + " "
    packed = data if data is not None else zlib.compress(header.encode() + b"".join(bodies))
    stm = max([*held, *plain]) + 1
    xref_number = stm + 1
    if seal is not None:
        packed = seal(stm, packed)
    objects = dict(plain)
    objects[stm] = stream(f"/Type /ObjStm /N {len(numbers)} /First {len(header)} /Filter /FlateDecode", packed)
    parts, where = [b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n"], {}
    at = len(parts[0])
    for number in sorted(objects):
        where[number] = at
        parts.append(f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n")
        at += len(parts[-1])
    rows = [b"\x00" + struct.pack(">I", 0) + b"\xff\xff"]
    for number in range(1, xref_number + 1):
        if number in held:
            rows.append(b"\x02" + struct.pack(">I", stm) + struct.pack(">H", numbers.index(number)))
        elif number in where:
            rows.append(b"\x01" + struct.pack(">I", where[number]) + b"\x00\x00")
        else:
            rows.append(b"\x01" + struct.pack(">I", at) + b"\x00\x00")  # the xref stream itself
    entries = f"/Type /XRef /Size {xref_number + 1} /W [1 4 2] /Root 1 0 R /Filter /FlateDecode {trailer}"
    if png:
        above = bytes(7)
        coded = []
        for row in rows:
            coded.append(b"\x02" + bytes((a - b) % 256 for a, b in zip(row, above, strict=True)))
            above = row
        rows = coded
        entries += " /DecodeParms << /Columns 7 /Predictor 12 >>"
    table = zlib.compress(b"".join(rows))
    parts.append(f"{xref_number} 0 obj\n".encode() + stream(entries, table) + b"\nendobj\n")
    parts.append(f"startxref\n{at}\n%%EOF\n".encode())
    return b"".join(parts)


def objstm_text_pdf(data: bytes | None = None, encrypted: bool = False) -> bytes:
    """One page of text whose catalog, page tree and page lie in an object stream (as Word and Acrobat write);
    `encrypted`: sealed with an owner password only (opened without one), as encrypted_pdf("") is."""
    held = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        4: _FONT,
        5: f"<< {_PAGE} /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>".encode(),
    }
    content = b"BT /F1 12 Tf 72 760 Td (Performance self-evaluation 2024) Tj ET"
    if not encrypted:
        return objstm_pdf(held, {3: stream("", content)}, data)
    body, trailer, sealed = _security("")
    return objstm_pdf(held, {3: stream("", sealed(3, content)), 6: body}, data, trailer=trailer(6), seal=sealed)


def objstm_bomb_pdf(size: int, encrypted: bool = False) -> bytes:
    """`objstm_text_pdf` whose object stream unpacks to `size` bytes: its four objects, then blanks (`encrypted`:
    sealed, so that only a reader that decrypts it sees what it unpacks to)."""
    good = objstm_text_pdf()
    start = good.index(b"/Type /ObjStm")
    first = int(re.search(rb"/First (\d+)", good[start:]).group(1))  # type: ignore[union-attr]
    raw = good[good.index(b"stream\n", start) + 7 : good.index(b"\nendstream", start)]
    unpacked = zlib.decompress(raw)
    assert first < len(unpacked)
    compressor = zlib.compressobj(9)
    head = compressor.compress(unpacked) + compressor.flush(zlib.Z_FULL_FLUSH)
    filler = b" " * MB
    block = compressor.compress(filler) + compressor.flush(zlib.Z_FULL_FLUSH)
    check = zlib.adler32(unpacked)
    for _ in range(size // MB):
        check = zlib.adler32(filler, check)
    tail = compressor.flush()[:-4] + struct.pack(">I", check)
    return objstm_text_pdf(head + block * (size // MB) + tail, encrypted)


def jbig2_pdf(width: int, height: int) -> bytes:
    """A scanned page drawing one 200 × 280 image whose JBIG2 data declares a page of width × height pixels
    (a page information segment, then a generic region of that size coded with MMR, every row white: one bit a
    row): a renderer allocates and decodes width × height bits for it."""

    def segment(number: int, kind: int, data: bytes) -> bytes:
        return struct.pack(">IBBBI", number, kind, 0, 1, len(data)) + data

    page = segment(0, 48, struct.pack(">IIIIBH", width, height, 0, 0, 0, 0))
    region = struct.pack(">IIIIB", width, height, 0, 0, 0) + b"\x01"  # region info, then flags: MMR
    rows = b"\xff" * (height // 8 + 1) + b"\x00\x10\x01\x00\x10\x01"  # V0 per row, then EOFB
    generic = segment(1, 38, region + rows)
    body = page + generic + segment(2, 49, b"")
    image = stream(
        "/Type /XObject /Subtype /Image /Width 200 /Height 280 /ColorSpace /DeviceGray /BitsPerComponent 1 "
        "/Filter /JBIG2Decode",
        body,
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        stream("", b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
        image,
        f"<< {_PAGE} /Contents 3 0 R /Resources << /XObject << /Im1 4 0 R >> >> >>".encode(),
    ]
    return pdf_file(objects)


def laughs_xml(root: bytes, body: bytes, end: bytes, padding: int = 8192) -> bytes:
    """An XML part whose prolog declares the billion laughs (9 levels of 10 references: 10**9 copies of "lol")
    after a comment of `padding` blanks; `body` may use &lol9;."""
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<!--' + b" " * padding + b"-->\n"
    return head + b"<!DOCTYPE r [" + entities + b"]>\n" + root + body + end


def laughs_office(kind: str) -> bytes:
    """A .docx (word/document.xml), an .xlsx (its sheet) or an OFD (its page) holding the billion laughs."""
    import zipfile

    if kind == "ofd":
        ofd = (
            b'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0">'
            b"<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
        )
        page = laughs_xml(
            b'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">',
            b"<ofd:Content><ofd:TextObject>&lol9;</ofd:TextObject></ofd:Content>",
            b"</ofd:Page>",
        )
        return write_zip([Member.of("OFD.xml", ofd), Member.of("Doc_0/Pages/Page_0/Content.xml", page)])
    out = io.BytesIO()
    if kind == "docx":
        from docx import Document

        document = Document()
        document.add_paragraph("2024年度部门整体支出绩效自评报告")
        document.save(out)
        part, root, old, new = "word/document.xml", b"<w:document", b"2024", b"&lol9;"
    else:
        from openpyxl import Workbook

        book = Workbook()
        book.active["A1"] = "项目支出绩效自评表"
        book.save(out)
        part, root, old = "xl/worksheets/sheet1.xml", b"<worksheet", b"<sheetData>"
        new = b'<sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    with zipfile.ZipFile(out) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = members[part]
    start = xml.index(root)
    end = xml.index(b">", start) + 1
    members[part] = laughs_xml(xml[start:end], b"", xml[end:].replace(old, new, 1))
    return write_zip([Member.of(name, content) for name, content in members.items()])


def lying_office(kind: str) -> bytes:
    """A .docx or .xlsx whose body part's directory entry says 500 KB while its data unpacks to 1 GB."""
    out = io.BytesIO()
    if kind == "docx":
        from docx import Document

        document = Document()
        document.add_paragraph("2024年度部门整体支出绩效自评报告")
        document.save(out)
        part, mark = "word/document.xml", b"<w:body>"
    else:
        from openpyxl import Workbook

        book = Workbook()
        book.active["A1"] = "项目支出绩效自评表"
        book.save(out)
        part, mark = "xl/worksheets/sheet1.xml", b"<sheetData>"
    import zipfile

    with zipfile.ZipFile(out) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    head, _, tail = members[part].partition(mark)
    bomb = Member.bomb(part, head + mark, b" " * MB, 1024, tail)
    bomb.size = 500 * 1024
    return write_zip([bomb if n == part else Member.of(n, c) for n, c in members.items()])


def objstm_pages_pdf(pages: int, count: int | None = None, png: bool = True) -> bytes:
    """`pages` pages of one line of text, the catalog and the page tree in an object stream, the pages plain,
    cross-referenced by a stream (`count`: the /Count stated, a lie when it differs)."""
    kids = " ".join(f"{10 + i} 0 R" for i in range(pages))
    held = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{kids}] /Count {pages if count is None else count} >>".encode(),
    }
    plain = {3: stream("", b"BT /F1 12 Tf 72 760 Td (Performance self-evaluation 2024) Tj ET"), 4: _FONT}
    for i in range(pages):
        plain[10 + i] = f"<< {_PAGE} /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>".encode()
    return objstm_pdf(held, plain, png=png)


def deep_tree_pdf(depth: int) -> bytes:
    """One page of text at the bottom of a page tree `depth` levels deep (each node one kid)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        stream("", b"BT /F1 12 Tf 72 760 Td (Performance self-evaluation) Tj ET"),
        _FONT,
    ]
    for k in range(depth):
        objects.append(f"<< /Type /Pages /Parent {4 + k if k else 2} 0 R /Kids [{6 + k} 0 R] /Count 1 >>".encode())
    objects.append(
        f"<< /Type /Page /Parent {4 + depth} 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
        "/Resources << /Font << /F1 4 0 R >> >> >>".encode()
    )
    return pdf_file(objects)


def shared_content_pdf(pages: int, size: int, shared: bool = True) -> bytes:
    """`pages` pages of text, each drawing a content stream that unpacks to `size` bytes (blanks after the text):
    one stream all pages share, or (`shared` False) one of its own each."""
    head = b"BT /F1 12 Tf 72 760 Td (Performance self-evaluation) Tj ET\n"
    data = flate_bomb(size, b" " * MB)
    kids = " ".join(f"{5 + 2 * i} 0 R" for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        stream("", head),
        _FONT,
    ]
    for i in range(pages):
        drawing = 6 if shared else 6 + 2 * i
        objects.append(f"<< {_PAGE} /Contents [3 0 R {drawing} 0 R] /Resources << /Font << /F1 4 0 R >> >> >>".encode())
        objects.append(stream("/Filter /FlateDecode", data))
    return pdf_file(objects)


def many_fonts_pdf(fonts: int, size: int) -> bytes:
    """One page of text whose resources list `fonts` fonts, each with a ToUnicode map unpacking to `size` bytes."""
    data = flate_bomb(size, b" " * MB)
    names = " ".join(f"/F{i} {6 + 2 * i} 0 R" for i in range(fonts))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        stream("", b"BT /F0 12 Tf 72 760 Td (Performance self-evaluation) Tj ET"),
        _FONT,
        f"<< {_PAGE} /Contents 3 0 R /Resources << /Font << {names} >> >> >>".encode(),
    ]
    for i in range(fonts):
        objects.append(_FONT[:-2] + f"/ToUnicode {7 + 2 * i} 0 R >>".encode())
        objects.append(stream("/Filter /FlateDecode", data))
    return pdf_file(objects)


# --- archives of documents (.zip), as a department sends its report and tables ---------------------------------


def archive(entries: list[tuple[str, bytes]], gbk: bool = False, flags: dict[str, int] | None = None,
            links: tuple[str, ...] = ()) -> bytes:  # fmt: skip
    """A .zip of (name, content) entries, deflated. `gbk`: the names in GBK bytes with the UTF-8 flag (bit 11) unset,
    as Chinese Windows' Explorer and WinRAR write them; `flags`: extra general-purpose bits of an entry (1: a
    password); `links`: entries written as symbolic links (Unix mode S_IFLNK), their content the target."""
    import stat
    import zipfile

    buffer, swaps = io.BytesIO(), []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for i, (name, content) in enumerate(entries):
            if gbk:  # an ASCII stand-in of the same length, swapped for the GBK bytes afterwards
                raw = name.encode("gbk")
                stand_in = (f"~{i:04d}" + "x" * len(raw))[: len(raw)]
                assert len(stand_in) == len(raw) >= 5, name
                swaps.append((stand_in.encode(), raw))
                name = stand_in
            info = zipfile.ZipInfo(name, (2024, 3, 1, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            if entries[i][0] in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            out.writestr(info, content)
    data = bytearray(buffer.getvalue())
    for stand_in, raw in swaps:
        data = bytearray(data.replace(stand_in, raw))
    for info, (name, _) in zip(zipfile.ZipFile(io.BytesIO(bytes(data))).infolist(), entries, strict=True):
        extra = (flags or {}).get(name, 0)  # zipfile writes its own flags: set in both headers afterwards
        if extra:
            central = data.rfind(b"PK\x01\x02", 0, data.rfind(info.orig_filename.encode("cp437" if gbk else "utf-8")))
            for at in (info.header_offset + 6, central + 8):
                data[at : at + 2] = struct.pack("<H", struct.unpack("<H", data[at : at + 2])[0] | extra)
    return bytes(data)


def nested_archive(depth: int, name: str, content: bytes) -> bytes:
    """A zip holding a zip … `depth` levels of archive, the innermost holding `name`."""
    data = archive([(name, content)])
    for level in range(depth - 1):
        data = archive([(f"第{level + 2}层.zip", data)])
    return data


def archive_bomb(size: int, members: int = 1) -> bytes:
    """A zip of `members` text entries, each unpacking to `size` bytes of blanks (ratio ~1000: deflate's limit)."""
    entries = [Member.bomb(f"报告{i}.txt", b"", b" " * MB, size // MB, b"") for i in range(members)]
    return write_zip(entries)


def seven_zip(entries: list[tuple[str, bytes]]) -> bytes:
    """A .7z of (name, content) entries, written by libarchive's 7-Zip writer (LZMA, all entries in one solid
    block, names in UTF-16 as 7-Zip writes them). Its writer cannot write a link (it crashes) nor a password: those
    cases are tests/fixtures/archives/*.7z, made by py7zr."""
    import tempfile

    import libarchive

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.7z"
        with libarchive.file_writer(str(path), "7zip") as out:
            for name, content in entries:
                out.add_file_from_memory(name, len(content), content)
        return path.read_bytes()


def seven_zip_bomb(size: int, members: int = 1) -> bytes:
    """A solid .7z of `members` entries, each `size` bytes of zeros (LZMA packs 100 MB into ~15 KB), made by
    libarchive's writer from a stream, never held whole."""
    import tempfile

    import libarchive

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bomb.7z"
        with libarchive.file_writer(str(path), "7zip") as out:
            for i in range(members):
                out.add_file_from_memory(f"报告{i}.txt", size, (bytes(MB) for _ in range(size // MB)))
        return path.read_bytes()


def rar4(entries: list[tuple[str, bytes]], encrypted: tuple[str, ...] = (), links: tuple[str, ...] = (),
         gbk: bool = False) -> bytes:  # fmt: skip
    """A RAR 4 archive (RAR 2.9 format, as WinRAR 3–6 write it) of stored (uncompressed) entries, written byte by byte
    from the format's description (technote.txt: marker block, archive header 0x73, a file header 0x74 per entry
    with its CRC-32 and the header's own CRC-16, end block 0x7B). No free tool writes RAR: stored entries are what a
    test can write honestly. Names outside ASCII in UTF-8 with the Unicode flag (0x200), as WinRAR writes them, or
    (`gbk`) in GBK bytes without it, as old WinRAR on Chinese Windows did; `encrypted`: the password flag (0x04) set;
    `links`: Unix symbolic links, their content the target."""

    def block(kind: int, flags: int, body: bytes) -> bytes:
        rest = struct.pack("<BHH", kind, flags, 7 + len(body)) + body
        return struct.pack("<H", zlib.crc32(rest) & 0xFFFF) + rest

    data = b"Rar!\x1a\x07\x00" + block(0x73, 0, bytes(6))
    for name, content in entries:
        raw = name.encode("gbk" if gbk else "utf-8")
        flags = 0x8000 | (0x200 if not gbk and not name.isascii() else 0) | (0x04 if name in encrypted else 0)
        host, attributes = (3, 0o120777) if name in links else (2, 0x20)  # Unix S_IFLNK, or a Windows archive bit
        header = struct.pack(
            "<IIBIIBBHI", len(content), len(content), host, zlib.crc32(content), 0x58610000, 29, 0x30, len(raw),
            attributes,
        )  # fmt: skip
        data += block(0x74, flags, header + raw) + content
    return data + bytes.fromhex("C43D7B00400700")


# --- e-mails (.eml), as a department's 政务邮箱 sends its report and tables ---------------------------------------


def eml(attachments: list[tuple[str, bytes]], names: str = "2047", body: str = "请审核附件中的自评报告和自评表。",
        forwarded: bytes | None = None) -> bytes:  # fmt: skip
    """A message as a government mail system saves it: multipart/mixed, a GB2312 subject and body in base64, each
    attachment in base64 with its name written as `names` says: "2047" (=?GB2312?B?…?= in filename="…", as
    Coremail and Outlook write it), "2231" (filename*=gb2312''%B1%A8…, split over filename*0*/filename*1* when
    long, as Thunderbird writes it), or "raw" (the name's GBK bytes in the header, as old clients did);
    `forwarded`: a whole message attached (message/rfc822)."""
    import base64
    from urllib.parse import quote_from_bytes

    def b64(data: bytes) -> str:
        text = base64.b64encode(data).decode()
        return "\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))

    def word(text: str) -> str:
        return f"=?GB2312?B?{base64.b64encode(text.encode('gb18030')).decode()}?="

    boundary = f"----=_Part_{zlib.crc32(repr(attachments).encode())}.1700000000000"  # a forwarded one differs
    lines = [
        f"From: {word('某县民政局')} <mzj@example.gov.cn>",
        "To: czj@example.gov.cn",
        f"Subject: {word('报送2023年度部门整体支出绩效自评材料')}",
        "Date: Mon, 11 Mar 2024 09:30:00 +0800",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        "This is a multi-part message in MIME format.",
        f"--{boundary}",
        "Content-Type: text/plain; charset=GB2312",
        "Content-Transfer-Encoding: base64",
        "",
        b64(body.encode("gb18030")),
    ]
    raw_names: list[bytes] = []
    for i, (name, content) in enumerate(attachments):
        if names == "2231":
            pieces = re.findall(r"%[0-9A-F]{2}|.", quote_from_bytes(name.encode("gb18030"), safe=""))
            first, second = "".join(pieces[: len(pieces) // 2]), "".join(pieces[len(pieces) // 2 :])
            disposition = f"attachment;\r\n filename*0*=gb2312''{first};\r\n filename*1*={second}"
        elif names == "raw":
            disposition = f'attachment; filename="@@NAME{i}@@"'
            raw_names.append(name.encode("gbk"))
        else:
            disposition = f'attachment; filename="{word(name)}"'
        lines += [
            f"--{boundary}",
            "Content-Type: application/octet-stream",
            "Content-Transfer-Encoding: base64",
            f"Content-Disposition: {disposition}",
            "",
            b64(content),
        ]
    if forwarded is not None:
        lines += [f"--{boundary}", "Content-Type: message/rfc822", "", forwarded.decode("ascii").replace("\r\n", "\n")]
    lines += [f"--{boundary}--", ""]
    data = "\r\n".join(lines).replace("\r\n", "\n").replace("\n", "\r\n").encode("ascii")
    for i, raw in enumerate(raw_names):
        data = data.replace(f"@@NAME{i}@@".encode(), raw)
    return data


def rar5(entries: list[tuple[str, bytes]], links: dict[str, tuple[int, str]] | None = None) -> bytes:
    """A RAR 5 archive (WinRAR 5 and later) of stored entries, written byte by byte from the format's description
    (rarlab's "RAR 5.0 archive format": signature, main header 1, a file header 2 per entry with its CRC-32 and its
    data, end header 5; each header led by the CRC-32 of its size field and body, sizes as variable-length
    integers). `links`: entry name → (redirection type, target) in a file system redirection record (1: a Unix
    symbolic link, 4: a hard link), as WinRAR stores them."""

    def vint(value: int) -> bytes:
        out = bytearray()
        while True:
            byte, value = value & 0x7F, value >> 7
            out.append(byte | (0x80 if value else 0))
            if not value:
                return bytes(out)

    def header(body: bytes) -> bytes:
        sized = vint(len(body)) + body
        return struct.pack("<I", zlib.crc32(sized)) + sized

    data = b"Rar!\x1a\x07\x01\x00" + header(vint(1) + vint(0) + vint(0))
    for name, content in entries:
        raw = name.encode("utf-8")
        extra = b""
        if links and name in links:
            kind, target = links[name]
            record = vint(5) + vint(kind) + vint(0) + vint(len(target.encode())) + target.encode()
            extra = vint(len(record)) + record
        fields = vint(0x0004) + vint(len(content)) + vint(0x20) + struct.pack("<I", zlib.crc32(content))
        fields += vint(0) + vint(1 if links and name in links else 0) + vint(len(raw)) + raw
        flags = 0x0002 | (0x0001 if extra else 0)
        body = vint(2) + vint(flags) + (vint(len(extra)) if extra else b"") + vint(len(content)) + fields + extra
        data += header(body) + content
    return data + header(vint(5) + vint(0) + vint(0))
