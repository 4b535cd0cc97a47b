"""Mutation fuzzer of the readers: every broken file refused clearly, in bounded time and memory.

Seeds are real files made from corpus documents and the examples: a report as .docx, .xlsx, .pdf (a text layer,
and a scan), .doc and .xls (LibreOffice), .ofd, .mht, .csv, .txt, a .zip of two reports; the examples' data.yaml
and 填报.xlsx for `jixiao score`. Each seed is mutated (seeded, reproducible): bytes flipped, the file cut short, a
run of bytes repeated; inside a zip container a part's XML cut short, an attribute's value made huge or negative,
a merged range A1:XFD1048576, a row index of 10^9, a shared-string index out of range, a style id that does not
exist, a numbering id that does not exist, a relationship pointing outside the package or to itself; in a PDF the
cross-reference table's offsets broken, a page tree that loops, a huge /Length, an object stream cut.

Each case runs `jixiao review FILE` (or `jixiao score FILE`) in a fresh process, with a wall limit and an
address-space cap (RLIMIT_AS), and is classified:
  clear      refused: exit 1 or 2, a Chinese message naming the file, no traceback
  accepted   exit 0 or 1 and an answer that names the file (a review's findings, a score)
  unclear    refused without naming the file, or without Chinese
  internal   a traceback, 内部错误, exit 3 or a signal
  time       over the wall limit (20 s; a scan or a LibreOffice case 90 s)
  memory     MemoryError under the cap
Counts are printed per input kind and per mutation kind, then every case that is not clear/accepted with the
command to reproduce it (the mutated file is kept in --keep).

Run: .venv/bin/python bench/fuzz_review.py [--seed N] [--per-kind N] [--only KIND …] [--keep DIR] [--jobs N]
No timed assertion: the figures are for reading.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import io
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "review_corpus"
HENGSHAN_XLSX = ROOT / "examples" / "hengshan-fulian-2023" / "填报.xlsx"
BAOAN_YAML = ROOT / "examples" / "baoan-fulian-2023" / "data.yaml"
NARRATIVE_DOC = "n01-yunnan-honghe-data-center-project-2024"
TABLE_DOC = "t75-sichuan-daying-medical-insurance-project-2023"
GB = 1 << 30
_CHILD = "import sys\nfrom jixiao.cli import main\nsys.exit(main(sys.argv[1:]))\n"


# ---------------------------------------------------------------- seeds


def _corpus_lines(name: str, limit: int = 80) -> list[str]:
    text = (CORPUS / name / "document.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip()][:limit]


def _table_rows(lines: list[str]) -> list[list[str]]:
    return [[c.strip() for c in line.split("\t")] for line in lines if "\t" in line][:40]


def _docx(path: Path) -> None:
    import docx

    document = docx.Document()
    for line in _corpus_lines(NARRATIVE_DOC, 40):
        document.add_paragraph(line, style="List Number" if line[:2] in ("1.", "2.", "3.") else None)
    rows = _table_rows(_corpus_lines(TABLE_DOC, 120))
    if rows:
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                table.cell(i, j).text = value
    document.save(str(path))


def _xlsx_report(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "自评表"
    for row in _table_rows(_corpus_lines(TABLE_DOC, 120)) or [[line] for line in _corpus_lines(NARRATIVE_DOC)]:
        sheet.append(row)
    sheet.merge_cells("A1:C1")
    book.save(str(path))


def _soffice(source: Path, target: str, out: Path) -> Path:
    profile = out / "lo-profile"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
         "--outdir", str(out), str(source)],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    return out / f"{source.stem}.{target.split(':')[0]}"


def _scan_pdf(text_pdf: Path, path: Path) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(text_pdf))
    image = pdf[0].render(scale=150 / 72).to_pil().convert("L")
    image.save(str(path), "PDF", resolution=150)


def _ofd(path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.test_formats import _write_ofd

    lines = [(20.0, 20.0 + 6 * i, line[:40]) for i, line in enumerate(_corpus_lines(NARRATIVE_DOC, 30))]
    _write_ofd(path, lines)


def _mht(path: Path) -> None:
    body = "".join(f"<p>{line}</p>" for line in _corpus_lines(NARRATIVE_DOC, 40))
    rows = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in _table_rows(_corpus_lines(TABLE_DOC, 120))
    )
    html = f"<html><head><meta charset='utf-8'></head><body>{body}<table>{rows}</table></body></html>"
    path.write_bytes(
        (
            'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b1"; type="text/html"\r\n\r\n'
            '--b1\r\nContent-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n'
            "Content-Location: file:///C:/report.htm\r\n\r\n" + html + "\r\n--b1--\r\n"
        ).encode()
    )


def make_seeds(folder: Path) -> dict[str, tuple[str, Path]]:
    """kind -> (command, seed path); made once into `folder` (kept between runs)."""
    folder.mkdir(parents=True, exist_ok=True)
    seeds: dict[str, tuple[str, Path]] = {}

    def seed(kind: str, command: str, name: str, make: Callable[[Path], object]) -> None:
        path = folder / name
        if not path.exists():
            made = make(path)
            if isinstance(made, Path) and made != path and made.exists():
                made.rename(path)
        if path.exists():
            seeds[kind] = (command, path)

    seed("docx", "review", "报告.docx", _docx)
    seed("xlsx", "review", "自评表.xlsx", _xlsx_report)
    seed("pdf", "review", "报告.pdf", lambda p: _soffice(folder / "报告.docx", "pdf", folder))
    seed("scan", "review", "扫描.pdf", lambda p: _scan_pdf(folder / "报告.pdf", p))
    seed("doc", "review", "报告.doc", lambda p: _soffice(folder / "报告.docx", "doc:MS Word 97", folder))
    seed("xls", "review", "自评表.xls", lambda p: _soffice(folder / "自评表.xlsx", "xls:MS Excel 97", folder))
    seed("ofd", "review", "报告.ofd", _ofd)
    seed("mht", "review", "报告.mht", _mht)
    csv = "\n".join(",".join(r) for r in _table_rows(_corpus_lines(TABLE_DOC, 120)))
    seed("csv", "review", "自评表.csv", lambda p: p.write_text(csv, "utf-8"))
    seed("txt", "review", "报告.txt", lambda p: p.write_text("\n".join(_corpus_lines(NARRATIVE_DOC)), "utf-8"))

    def _zip(path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.write(folder / "报告.docx", "甲单位/报告.docx")
            z.write(folder / "自评表.xlsx", "甲单位/自评表.xlsx")

    seed("zip", "review", "报送.zip", _zip)
    seed("workbook", "score", "填报.xlsx", lambda p: shutil.copy(HENGSHAN_XLSX, p))
    seed("yaml", "score", "data.yaml", lambda p: shutil.copy(BAOAN_YAML, p))
    return seeds


# ---------------------------------------------------------------- mutations

Mutation = Callable[[bytes, random.Random], bytes | None]


def flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 4, 32))):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def duplicate(data: bytes, rng: random.Random) -> bytes:
    start = rng.randrange(len(data))
    chunk = data[start : start + rng.choice((16, 512, 8192))]
    at = rng.randrange(len(data))
    return data[:at] + chunk * rng.choice((1, 8)) + data[at:]


def _zip_parts(data: bytes) -> dict[str, bytes] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return {i.filename: z.read(i) for i in z.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def _rezip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


def _xml_parts(parts: dict[str, bytes], pattern: str = r"\.(xml|rels)$") -> list[str]:
    return sorted(n for n in parts if re.search(pattern, n))


def _edit_part(pattern: str, edit: Callable[[str, random.Random], str | None]) -> Mutation:
    """A structure-aware mutation: `edit` one XML part whose name matches `pattern` (of a zip container)."""

    def mutate(data: bytes, rng: random.Random) -> bytes | None:
        parts = _zip_parts(data)
        if parts is None:
            return None
        names = _xml_parts(parts, pattern)
        rng.shuffle(names)
        for name in names:
            changed = edit(parts[name].decode("utf-8", "replace"), rng)
            if changed is not None:
                parts[name] = changed.encode("utf-8")
                return _rezip(parts)
        return None

    mutate.__name__ = edit.__name__
    return mutate


def xml_cut(text: str, rng: random.Random) -> str | None:
    return text[: rng.randrange(1, max(2, len(text)))]


_HUGE = ("1000000000", "-1", "-2147483649", "99999999999999999999", "1e308", "NaN", "")


def attr_huge(text: str, rng: random.Random) -> str | None:
    values = list(re.finditer(r'(\w+)="(-?\d+(?:\.\d+)?)"', text))
    if not values:
        return None
    hit = rng.choice(values)
    return text[: hit.start(2)] + rng.choice(_HUGE) + text[hit.end(2) :]


def attr_list_huge(text: str, rng: random.Random) -> str | None:
    """One number of a list-valued attribute (an OFD Boundary, CTM or DeltaX; a Word/Excel sqref) made huge."""
    values = list(re.finditer(r'(\w+)="(-?\d+(?:\.\d+)?(?: -?\d+(?:\.\d+)?)+)"', text))
    if not values:
        return None
    hit = rng.choice(values)
    numbers = hit.group(2).split()
    numbers[rng.randrange(len(numbers))] = rng.choice(("1e308", "-1e9", "NaN", "99999999999", "g 1000000000 5"))
    return text[: hit.start(2)] + " ".join(numbers) + text[hit.end(2) :]


def span_huge(text: str, rng: random.Random) -> str | None:
    """A Word table cell spanning a billion grid columns or rows, a grid column a billion twips wide; an Excel
    column range over every column."""
    for pattern, value in (
        (r'<w:gridSpan w:val="\d+"', '<w:gridSpan w:val="1000000000"'),
        (r'<w:gridCol w:w="\d+"', '<w:gridCol w:w="1000000000"'),
        (r'<w:tcW w:w="\d+"', '<w:tcW w:w="-1000000000"'),
        (r'<col min="\d+" max="\d+"', '<col min="1" max="16384"'),
        (r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"'),
    ):
        if re.search(pattern, text):
            return re.sub(pattern, value, text, count=1)
    if "<w:tcPr>" in text:
        return text.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="1000000000"/>', 1)
    return None


def merge_all(text: str, rng: random.Random) -> str | None:
    if "<sheetData" not in text:
        return None
    merge = '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    if "<mergeCells" in text:
        return re.sub(r'ref="[A-Z]+\d+:[A-Z]+\d+"', 'ref="A1:XFD1048576"', text, count=1)
    return text.replace("</sheetData>", "</sheetData>" + merge, 1)


def row_huge(text: str, rng: random.Random) -> str | None:
    if '<row r="' not in text:
        return None
    return re.sub(r'<row r="\d+"', '<row r="1000000000"', text, count=1).replace(
        'r="A1"', 'r="A1000000000"' if rng.random() < 0.5 else 'r="A1"'
    )


def shared_string_out(text: str, rng: random.Random) -> str | None:
    hits = list(re.finditer(r't="s"([^>]*)><v>\d+</v>', text))
    if not hits:  # a workbook of inline strings: one cell made a shared string of a table it does not have
        inline = re.search(r't="inlineStr"><is><t>[^<]*</t></is>', text)
        if inline is None:
            return None
        return text[: inline.start()] + f't="s"><v>{rng.choice((99999, -1))}</v>' + text[inline.end() :]
    hit = rng.choice(hits)
    return text[: hit.start()] + f't="s"{hit.group(1)}><v>{rng.choice((99999, -1, 2**40))}</v>' + text[hit.end() :]


def style_missing(text: str, rng: random.Random) -> str | None:
    if ' s="' in text:
        return re.sub(r' s="\d+"', ' s="9999"', text)
    if "<c r=" in text:
        return text.replace("<c r=", '<c s="9999" r=', 1)
    if "<w:pStyle" in text:
        return re.sub(r'<w:pStyle w:val="[^"]*"', '<w:pStyle w:val="没有这个样式"', text)
    return None


def numbering_missing(text: str, rng: random.Random) -> str | None:
    if "<w:numId" in text:
        return re.sub(r'<w:numId w:val="\d+"', '<w:numId w:val="9999"', text)
    if "<w:p>" in text or "<w:pPr>" in text:
        return text.replace("<w:pPr>", '<w:pPr><w:numPr><w:ilvl w:val="99"/><w:numId w:val="9999"/></w:numPr>', 1)
    return None


def rel_outside(text: str, rng: random.Random) -> str | None:
    targets = list(re.finditer(r'Target="([^"]*)"', text))
    if not targets:
        return None
    hit = rng.choice(targets)
    new = rng.choice(("../../../../etc/passwd", "/etc/passwd", "_rels/.rels", "", "http://example.invalid/x.xml"))
    if rng.random() < 0.3:
        new = hit.group(1)  # the part pointing to itself: the relationship's own source
        text = text.replace('Type="', 'Type="', 1)
    return text[: hit.start(1)] + new + text[hit.end(1) :]


def deflate_garble(data: bytes, rng: random.Random) -> bytes | None:
    """64 random bytes inside the second half of one member's deflated data, its headers left sound (the zip
    check parses only the start of a sheet or of word/document.xml)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = [i for i in z.infolist() if i.compress_size > 256 and i.compress_type == zipfile.ZIP_DEFLATED]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if not infos:
        return None
    info = max(infos, key=lambda i: i.compress_size) if rng.random() < 0.7 else rng.choice(infos)
    start = info.header_offset + 30 + int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    start += int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    at = start + info.compress_size // 2 + rng.randrange(max(1, info.compress_size // 2 - 64))
    return data[:at] + bytes(rng.randrange(256) for _ in range(64)) + data[at + 64 :]


def drop_part(data: bytes, rng: random.Random) -> bytes | None:
    parts = _zip_parts(data)
    if not parts or len(parts) < 2:
        return None
    del parts[rng.choice(sorted(parts))]
    return _rezip(parts)


# PDF structure


def pdf_xref(data: bytes, rng: random.Random) -> bytes | None:
    hits = list(re.finditer(rb"\n(\d{10}) (\d{5}) n", data))
    if not hits:
        return None
    out = bytearray(data)
    for hit in rng.sample(hits, min(len(hits), rng.choice((1, 3, 1000)))):
        out[hit.start(1) : hit.end(1)] = b"%010d" % rng.choice((0, 9999999999, rng.randrange(len(data))))
    return bytes(out)


def pdf_length(data: bytes, rng: random.Random) -> bytes | None:
    hits = list(re.finditer(rb"/Length (\d+)", data))
    if not hits:
        return None
    hit = rng.choice(hits)
    return data[: hit.start(1)] + rng.choice((b"99999999999", b"-5", b"0", b"2147483648")) + data[hit.end(1) :]


def pdf_page_cycle(data: bytes, rng: random.Random) -> bytes | None:
    pages = re.search(rb"(\d+) 0 obj\s*<<\s*/Type\s*/Pages", data)
    kids = re.search(rb"/Kids\s*\[\s*(\d+) 0 R", data)
    if not pages or not kids:
        return None
    return data[: kids.start(1)] + pages.group(1) + data[kids.end(1) :]


def pdf_stream_cut(data: bytes, rng: random.Random) -> bytes | None:
    hits = list(re.finditer(rb"stream\r?\n", data))
    if not hits:
        return None
    hit = rng.choice(hits)
    end = data.find(b"endstream", hit.end())
    if end < 0:
        return None
    cut = hit.end() + rng.randrange(max(1, end - hit.end()))
    return data[:cut] + b"\x00garbage" + data[end:]


def pdf_number(data: bytes, rng: random.Random) -> bytes | None:
    """A number of a size-like key made huge or negative: an image's /Width, a stream's /DecodeParms, /N, /First."""
    keys = rb"/(Width|Height|BitsPerComponent|Columns|Colors|Predictor|N|First|Size|W|Index|Rotate|UserUnit) (\d+)"
    hits = list(re.finditer(keys, data))
    if not hits:
        return None
    hit = rng.choice(hits)
    value = rng.choice((b"2147483647", b"1000000000", b"-1", b"0", b"99999999999999999999"))
    return data[: hit.start(2)] + value + data[hit.end(2) :]


def pdf_box(data: bytes, rng: random.Random) -> bytes | None:
    hit = re.search(rb"/MediaBox\s*\[[^\]]*\]", data)
    if not hit:
        return None
    box = rng.choice((b"/MediaBox [0 0 1e30 1e30]", b"/MediaBox [0 0 14400 14400]", b"/MediaBox [0 0 -5 0]"))
    return data[: hit.start()] + box + data[hit.end() :]


def pdf_count(data: bytes, rng: random.Random) -> bytes | None:
    hit = re.search(rb"/Count (\d+)", data)
    if not hit:
        return None
    return data[: hit.start(1)] + rng.choice((b"1000000000", b"-1", b"0")) + data[hit.end(1) :]


def yaml_mutation(data: bytes, rng: random.Random) -> bytes | None:
    lines = data.decode("utf-8", "replace").splitlines()
    i = rng.randrange(len(lines))
    choice = rng.randrange(4)
    if choice == 0:
        lines[i] = re.sub(
            r":\s*\S.*$", ": " + rng.choice(("1" + "0" * 400, "-1e400", "nan", "[", "&a x", "*a")), lines[i]
        )
    elif choice == 1:
        lines[i] = "  " * rng.randrange(40) + lines[i]
    elif choice == 2:
        lines.insert(i, "- " * rng.randrange(1, 200) + "x")
    else:
        lines[i] = lines[i] + ": {" * 60
    return "\n".join(lines).encode("utf-8")


BYTES: dict[str, Mutation] = {"flip": flip, "truncate": truncate, "duplicate": duplicate}
ZIPPED: dict[str, Mutation] = {
    "xml_cut": _edit_part(r"\.(xml|rels)$", xml_cut),
    "attr_huge": _edit_part(r"\.xml$", attr_huge),
    "attr_list_huge": _edit_part(r"\.xml$", attr_list_huge),
    "span_huge": _edit_part(r"(worksheets/.*|document)\.xml$", span_huge),
    "merge_all": _edit_part(r"worksheets/.*\.xml$", merge_all),
    "row_huge": _edit_part(r"worksheets/.*\.xml$", row_huge),
    "shared_string_out": _edit_part(r"worksheets/.*\.xml$", shared_string_out),
    "style_missing": _edit_part(r"(worksheets/.*|document)\.xml$", style_missing),
    "numbering_missing": _edit_part(r"document\.xml$", numbering_missing),
    "rel_outside": _edit_part(r"\.rels$", rel_outside),
    "drop_part": drop_part,
    "deflate_garble": deflate_garble,
}
PDF: dict[str, Mutation] = {
    "pdf_xref": pdf_xref,
    "pdf_length": pdf_length,
    "pdf_page_cycle": pdf_page_cycle,
    "pdf_stream_cut": pdf_stream_cut,
    "pdf_count": pdf_count,
    "pdf_number": pdf_number,
    "pdf_box": pdf_box,
}


def mutations_for(kind: str) -> dict[str, Mutation]:
    if kind in ("docx", "xlsx", "workbook", "ofd", "zip"):
        return {**BYTES, **ZIPPED}
    if kind in ("pdf", "scan"):
        return {**BYTES, **PDF}
    if kind == "yaml":
        return {**BYTES, "yaml": yaml_mutation}
    return dict(BYTES)


# ---------------------------------------------------------------- running and judging


@dataclass(frozen=True)
class Case:
    kind: str
    mutation: str
    index: int
    command: str
    path: Path


@dataclass(frozen=True)
class Outcome:
    case: Case
    verdict: str
    code: int | None
    seconds: float
    said: str


_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _limit(memory: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        os.setsid()

    return apply


def judge(case: Case, code: int | None, said: str) -> str:
    if code is None:
        return "time"
    if "MemoryError" in said:
        return "memory"
    if "Traceback" in said or "内部错误" in said or code not in (0, 1, 2):
        return "internal"
    named = case.path.name in said or case.path.stem in said
    if code == 2 or (code == 1 and ("无法" in said or "不是" in said or "损坏" in said) and not said.count("\n") > 30):
        return "clear" if named and _CHINESE.search(said) else "unclear"
    return "accepted" if named or case.command == "score" else "unclear"


def run(case: Case, wall: float, memory: int) -> Outcome:
    argv = [sys.executable, "-c", _CHILD, case.command, str(case.path)]
    if case.command == "review":
        argv += ["--jobs", "1"]
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=ROOT, preexec_fn=_limit(memory))
    try:
        out, _ = proc.communicate(timeout=wall)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, _ = proc.communicate()
        code = None
    said = out.decode("utf-8", "replace")
    return Outcome(case, judge(case, code, said), code, time.perf_counter() - started, said)


def _apply(kind: str, mutation: Mutation, name: str, data: bytes, rng: random.Random) -> bytes | None:
    """The mutation of a seed; in an archive a structure-aware one is made to a report inside it."""
    if kind != "zip" or name in BYTES:
        return mutation(data, rng)
    parts = _zip_parts(data)
    if not parts:
        return None
    inner = rng.choice(sorted(parts))
    changed = mutation(parts[inner], rng)
    if changed is None:
        return None
    parts[inner] = changed
    return _rezip(parts)


def make_cases(seeds: dict[str, tuple[str, Path]], per_kind: int, seed: int, folder: Path) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for kind, (command, path) in sorted(seeds.items()):
        data = path.read_bytes()
        muts = mutations_for(kind)
        names = sorted(muts)
        n = per_kind if kind not in ("scan", "doc", "xls") else max(3, per_kind // 4)
        for index in range(n):
            for step in range(len(names)):  # the first mutation from this case's turn on that applies to the seed
                name = names[(index + step) % len(names)]
                mutated = _apply(kind, muts[name], name, data, rng)
                if mutated is not None and mutated != data:
                    break
            assert mutated is not None
            target = folder / f"{kind}-{index:03d}-{name}" / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(mutated)
            cases.append(Case(kind, name, index, command, target))
    return cases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--per-kind", type=int, default=24)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--keep", type=Path, default=None, help="folder for the mutated files (default: a temp one)")
    parser.add_argument("--seeds", type=Path, default=Path(tempfile.gettempdir()) / "jixiao-fuzz-seeds")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--memory-gb", type=float, default=3.0)
    args = parser.parse_args(argv)
    seeds = make_seeds(args.seeds)
    if args.only:
        seeds = {k: v for k, v in seeds.items() if k in args.only}
    folder = args.keep or Path(tempfile.mkdtemp(prefix="jixiao-fuzz-"))
    cases = make_cases(seeds, args.per_kind, args.seed, folder)
    print(f"{len(cases)} 个变异文件，种子 {args.seed}，保存在 {folder}", flush=True)
    memory = int(args.memory_gb * GB)
    outcomes: list[Outcome] = []
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        slow = ("scan", "doc", "xls")
        futures = [pool.submit(run, c, 90.0 if c.kind in slow else 20.0, memory) for c in cases]
        for future in concurrent.futures.as_completed(futures):
            outcomes.append(future.result())
    report(outcomes)
    return 0


VERDICTS = ("clear", "accepted", "unclear", "internal", "time", "memory")


def report(outcomes: list[Outcome]) -> None:
    for label, key in (("输入种类", lambda o: o.case.kind), ("变异种类", lambda o: o.case.mutation)):
        table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        for o in outcomes:
            table[key(o)][o.verdict] += 1
        slowest: dict[str, float] = collections.defaultdict(float)
        for o in outcomes:
            slowest[key(o)] = max(slowest[key(o)], o.seconds)
        print(f"\n{label:<20}" + "".join(f"{v:>10}" for v in VERDICTS) + f"{'最长秒':>8}")
        for name in sorted(table):
            print(f"{name:<20}" + "".join(f"{table[name][v]:>10}" for v in VERDICTS) + f"{slowest[name]:>10.1f}")
    total = collections.Counter(o.verdict for o in outcomes)
    print("\n合计".ljust(20) + "".join(f"{total[v]:>10}" for v in VERDICTS))
    for o in sorted(outcomes, key=lambda o: str(o.case.path)):
        if o.verdict not in ("clear", "accepted"):
            tail = " | ".join(line for line in o.said.strip().splitlines()[-3:])[:300]
            place = f"{o.case.kind}/{o.case.mutation} code={o.code} {o.seconds:.1f}s {o.case.path}"
            print(f"\n[{o.verdict}] {place}\n  {tail}")


if __name__ == "__main__":
    raise SystemExit(main())
