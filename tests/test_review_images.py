"""Reports as a bureau also gets them: photos and image scans of the pages (.jpg/.png/.tif/.bmp, read by OCR as a
scanned PDF page is), and RTF documents (converted by LibreOffice as a .doc is). The page is tests/test_scan.py's
report: its score table's 合计 says 95 where 10 + 9 + 75 = 94, which every reading must find."""

from __future__ import annotations

import struct
import zlib
from dataclasses import replace

import pytest

from jixiao.files import guard
from jixiao.model.problems import JixiaoError
from jixiao.review import review_file

from .test_scan import _same_as_text, printed  # noqa: F401  (the fixture, shared)


def test_a_scan_saved_as_png_with_its_resolution_reads_as_the_text_pdf(printed, tmp_path):  # noqa: F811
    image = printed[2].resize((printed[2].width * 2, printed[2].height * 2))  # scanned at 300 dpi
    path = tmp_path / "扫描件.png"
    image.save(path, dpi=(300, 300))
    _same_as_text(printed, path)


def test_a_phone_photo_without_a_resolution_reads_as_the_text_pdf(printed, tmp_path):  # noqa: F811
    """A phone states 72 dpi (or nothing) for a 3000-pixel photo: the page is taken as A4-long, not as a poster."""
    page = printed[2]
    photo = page.resize((round(page.width * 3000 / page.height), 3000))
    path = tmp_path / "微信图片_20240315.jpg"
    photo.save(path, quality=90, dpi=(72, 72))
    _same_as_text(printed, path)


def test_a_tiff_of_two_pages_is_read_page_by_page_within_the_page_limit(printed, tmp_path, monkeypatch):  # noqa: F811
    path = tmp_path / "两页.tif"
    printed[2].save(path, save_all=True, append_images=[printed[2]], dpi=(150, 150))
    result = review_file(path)
    assert len(result.tables) == 2  # the score table of each page
    monkeypatch.setattr(guard, "LIMITS", replace(guard.LIMITS, ocr_pages=1))
    with pytest.raises(JixiaoError) as refused:
        review_file(path)
    assert "图片有 2 页，文字识别一次最多处理 1 页" in refused.value.problems[0].message


def _png_header(width: int, height: int) -> bytes:
    """A PNG whose header states the size and holds no pixels: what a decompression bomb shows before decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
    )


@pytest.mark.parametrize("side", [7_000, 60_000])  # over jixiao's limit; over Pillow's own as well
def test_a_picture_too_large_is_refused_from_its_header(tmp_path, side):
    path = tmp_path / "巨图.png"
    path.write_bytes(_png_header(side, side))
    with pytest.raises(JixiaoError) as refused:
        review_file(path)
    problem = refused.value.problems[0]
    assert problem.code == "review.image" and "图片过大" in problem.message and "请降低分辨率" in problem.message


def test_a_text_named_as_a_picture_and_a_damaged_picture_are_said_in_chinese(tmp_path):
    named = tmp_path / "报告.jpg"
    named.write_text("这不是图片", encoding="utf-8")
    with pytest.raises(JixiaoError) as refused:
        review_file(named)
    assert "文本文件" in refused.value.problems[0].message and "图片" in refused.value.problems[0].message
    damaged = tmp_path / "损坏.png"
    damaged.write_bytes(_png_header(800, 600) + b"\x00\x00\x00\x10IDAT" + b"\x01" * 20)
    with pytest.raises(JixiaoError) as refused:
        review_file(damaged)
    assert refused.value.problems[0].code == "review.image" and "损坏" in refused.value.problems[0].message


def _rtf(lines: list[str]) -> str:
    """An RTF document of these paragraphs, each character outside ASCII written as \\uN? (as Word writes it)."""

    def escaped(text: str) -> str:
        return "".join(c if ord(c) < 128 else f"\\u{ord(c) if ord(c) < 32768 else ord(c) - 65536}?" for c in text)

    body = "".join(f"{{\\pard {escaped(line)}\\par}}\n" for line in lines)
    return "{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0 SimSun;}}\\f0\n" + body + "}"


def test_an_rtf_report_is_read_as_a_word_document(tmp_path):
    path = tmp_path / "自评报告.rtf"
    path.write_text(
        _rtf(
            [
                "某某县妇女联合会2023年度部门整体支出绩效自评报告",
                "一、基本情况",
                "本部门2023年度年初预算数为1200万元，其中基本支出800万元，项目支出300万元。",
            ]
        ),
        encoding="ascii",
    )
    result = review_file(path)
    assert result.year == 2023 and "妇女联合会" in (result.department or "")
    # 800 + 300 = 1100, not the 1200 stated as their total
    assert any(f.expected and "1100" in f.expected for f in result.findings)


def test_every_reader_is_offered_by_the_folder_review_and_the_web_upload():
    from jixiao.review.output import SUPPORTED
    from jixiao.review.source import _READERS
    from jixiao.web.uploads import REVIEW_SUFFIXES

    assert set(SUPPORTED) == set(_READERS) == set(REVIEW_SUFFIXES)
    assert {".jpg", ".png", ".tif", ".rtf"} <= set(SUPPORTED)


def test_an_image_upload_is_checked_for_what_it_is():
    from jixiao.web.uploads import REVIEW_SUFFIXES, check_upload

    assert check_upload(_png_header(800, 600), "扫描件.png", REVIEW_SUFFIXES) == []
    problems = check_upload("文字".encode(), "扫描件.png", REVIEW_SUFFIXES)
    assert problems and "不是图片" in problems[0].message
    assert check_upload(b"{\\rtf1\\ansi hello}", "报告.rtf", REVIEW_SUFFIXES) == []
    assert check_upload(b"plain text", "报告.rtf", REVIEW_SUFFIXES)[0].code == "file.type"
