"""A department's documents sent as one .zip, .7z or .rar (formats/archive.py, archive_lib.py): `jixiao review x.zip`
reviews each document inside as the folder review does, named "x.zip/内层/文件名"; GBK names (the UTF-8 flag unset)
are read as their maker wrote them; a hostile archive is refused as a whole (path out of it, link, bomb, too many
entries, too deep), a member with a password alone, each in Chinese naming the archive and the entry. The web batch
takes a .zip, a .7z and a .rar. The .7z files are written by libarchive's writer (tests/test_hostile_files.py
seven_zip) or, for a password and a link, which it cannot write, are tests/fixtures/archives/*.7z made by py7zr 1.1.4
(password mima123); the .rar files are RAR4 and RAR5 archives of stored entries written byte by byte (rar4, rar5): no
free tool writes RAR, and a compressed RAR is not built here.
"""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
from pathlib import Path

import openpyxl
import pytest

from jixiao.files import guard
from jixiao.review.output import review_folder, shown_name

from .cli_support import run_cli
from .test_hostile_files import MB, archive, archive_bomb, eml, nested_archive, rar4, rar5, seven_zip, seven_zip_bomb

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seeds" / "004_6448f6cab597d7a3.txt"  # 衡山县妇联 2023
OTHER = ROOT / "tests" / "fixtures" / "seeds" / "000_273d22226811a2f3.txt"  # 宝安区妇联 2023


def _docx(text: Path) -> bytes:
    import io

    from docx import Document

    document = Document()
    for line in text.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_zip_with_gbk_names_folders_and_a_zip_inside_is_reviewed_document_by_document(tmp_path, capsys):
    inner = archive([("附件/宝安自评报告.txt", OTHER.read_bytes())], gbk=True)
    sent = tmp_path / "衡山县妇联.zip"
    sent.write_bytes(
        archive(
            [
                ("衡山县妇联/自评报告.docx", _docx(SEED)),
                ("衡山县妇联/附件.zip", inner),
                ("衡山县妇联/单位照片说明.exe", b"MZ\x90\x00"),  # not a report: left, as in a folder
                ("__MACOSX/衡山县妇联/._自评报告.docx", b"\x00\x05\x16\x07"),
            ],
            gbk=True,
        )
    )
    code, said = run_cli(capsys, "review", str(sent), "--out", str(tmp_path / "out"))
    assert code == 0, said
    assert "衡山县妇联.zip/衡山县妇联/自评报告.docx：衡山县妇女联合会" in said
    assert "衡山县妇联.zip/衡山县妇联/附件.zip/附件/宝安自评报告.txt：" in said and "2/2" in said
    rows = list(
        openpyxl.load_workbook(tmp_path / "out" / "衡山县妇联_审核汇总.xlsx")["汇总"].iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == [
        "衡山县妇联.zip/衡山县妇联/自评报告.docx",
        "衡山县妇联.zip/衡山县妇联/附件.zip/附件/宝安自评报告.txt",
    ]
    # the document inside is reviewed as the same document given on its own
    (tmp_path / "alone").mkdir()
    (tmp_path / "alone" / "自评报告.docx").write_bytes(_docx(SEED))
    ((_, alone),) = review_folder(tmp_path / "alone")
    ((shown, zipped), _) = review_folder(sent)
    assert not isinstance(alone, Exception) and not isinstance(zipped, Exception)
    assert [(f.code, f.message) for f in zipped.findings] == [(f.code, f.message) for f in alone.findings]
    assert str(zipped.path) == str(shown) == str(tmp_path / "衡山县妇联.zip/衡山县妇联/自评报告.docx")


def test_a_folder_review_opens_the_zips_in_it(tmp_path):
    shutil.copy(SEED, tmp_path / "衡山.txt")
    (tmp_path / "宝安.zip").write_bytes(archive([("宝安/报告.txt", OTHER.read_bytes())]))
    results = review_folder(tmp_path)
    assert [shown_name(p) for p, _ in results] == ["宝安.zip/宝安/报告.txt", "衡山.txt"]
    assert all(not isinstance(r, Exception) for _, r in results)


def test_names_without_the_utf8_flag_are_read_as_gbk_or_utf8():
    import io
    import zipfile

    from jixiao.formats.archive import member_name

    for data, expected in (
        (archive([("内层/自评报告.docx", b"x")], gbk=True), "内层/自评报告.docx"),
        (archive([("report.txt", b"x")]), "report.txt"),
    ):
        (info,) = zipfile.ZipFile(io.BytesIO(data)).infolist()
        assert info.flag_bits & 0x800 == 0 and member_name(info) == expected
    # UTF-8 bytes with the flag unset (some tools): read as UTF-8, not as GB18030 mojibake
    raw = archive([("报告.txt", b"x")])
    (info,) = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    assert info.flag_bits & 0x800  # zipfile sets the flag for a name outside ASCII
    info.flag_bits &= ~0x800
    info.filename = "报告.txt".encode().decode("cp437")
    assert member_name(info) == "报告.txt"
    # a name in a code page that is not Chinese (Big5, from Taiwan: not GB18030), with 7-Zip's Unicode Path field
    import struct
    import zlib

    raw = "報告.txt".encode("big5")
    info.filename = raw.decode("cp437")
    field = b"\x01" + struct.pack("<I", zlib.crc32(raw)) + "報告.txt".encode()
    info.extra = struct.pack("<HH", 0x7075, len(field)) + field
    assert member_name(info) == "報告.txt"
    info.extra = struct.pack("<HH", 0x7075, len(field)) + field[:1] + b"\0\0\0\0" + field[5:]  # another name's
    assert member_name(info) != "報告.txt"


@pytest.mark.parametrize(
    ("entries", "options", "code", "words"),
    [
        ([("../../etc/报告.txt", b"x")], {}, "file.archive_path", "“../../etc/报告.txt”的路径指向压缩包以外"),
        ([("/tmp/报告.txt", b"x")], {}, "file.archive_path", "“/tmp/报告.txt”的路径指向压缩包以外"),
        ([("C:/Windows/报告.txt", b"x")], {}, "file.archive_path", "“C:/Windows/报告.txt”的路径指向压缩包以外"),
        ([("报告.txt", b"/etc/passwd")], {"links": ("报告.txt",)}, "file.archive_link", "“报告.txt”是符号链接"),
    ],
)
def test_an_archive_that_reaches_out_of_itself_is_refused_whole(tmp_path, capsys, entries, options, code, words):
    sent = tmp_path / "部门材料.zip"
    sent.write_bytes(archive([("说明.txt", SEED.read_bytes()), *entries], **options))
    said_code, said = run_cli(capsys, "review", str(sent))
    assert said_code == 2 and f"部门材料.zip：无法审核（压缩包“部门材料.zip”中的条目{words}" in said, said
    ((_, refused),) = review_folder(sent)
    assert isinstance(refused, Exception) and refused.problems[0].code == code  # type: ignore[union-attr]


def test_a_member_with_a_password_is_refused_alone_and_the_others_are_read(tmp_path, capsys):
    sent = tmp_path / "材料.zip"
    sent.write_bytes(
        archive([("a/报告.txt", SEED.read_bytes()), ("b/加密.docx", b"x" * 100)], flags={"b/加密.docx": 1})
    )
    code, said = run_cli(capsys, "review", str(sent))
    assert code == 0
    assert "材料.zip/a/报告.txt：衡山县妇女联合会" in said
    assert "材料.zip/b/加密.docx：无法审核（压缩包“材料.zip”中的“b/加密.docx”设置了密码" in said


def test_a_7z_and_a_rar_are_reviewed_as_a_zip_is(tmp_path, capsys):
    """Before libarchive: "压缩包“材料.7z”是 .7z 格式，本系统只能解开 .zip 压缩包", nothing read."""
    inner = rar4([("附件/宝安自评报告.txt", OTHER.read_bytes())], gbk=True)  # old WinRAR on Chinese Windows
    sent = tmp_path / "衡山县妇联.7z"
    sent.write_bytes(
        seven_zip(
            [
                ("衡山县妇联/自评报告.docx", _docx(SEED)),
                ("衡山县妇联/附件.rar", inner),
                ("衡山县妇联/单位照片说明.exe", b"MZ\x90\x00"),
            ]
        )
    )
    code, said = run_cli(capsys, "review", str(sent), "--out", str(tmp_path / "out"))
    assert code == 0, said
    assert "衡山县妇联.7z/衡山县妇联/自评报告.docx：衡山县妇女联合会" in said
    assert "衡山县妇联.7z/衡山县妇联/附件.rar/附件/宝安自评报告.txt：深圳市宝安区妇女联合会" in said, said
    rows = list(
        openpyxl.load_workbook(tmp_path / "out" / "衡山县妇联_审核汇总.xlsx")["汇总"].iter_rows(values_only=True)
    )
    assert [r[0] for r in rows[1:]] == [
        "衡山县妇联.7z/衡山县妇联/自评报告.docx",
        "衡山县妇联.7z/衡山县妇联/附件.rar/附件/宝安自评报告.txt",
    ]
    (tmp_path / "alone").mkdir()
    (tmp_path / "alone" / "自评报告.docx").write_bytes(_docx(SEED))
    ((_, alone),) = review_folder(tmp_path / "alone")
    zipped = review_folder(sent)[0][1]
    assert not isinstance(alone, Exception) and not isinstance(zipped, Exception)
    assert [(f.code, f.message) for f in zipped.findings] == [(f.code, f.message) for f in alone.findings]
    # RAR5 (WinRAR 5 and later)
    (tmp_path / "新版.rar").write_bytes(rar5([("材料/自评报告.txt", SEED.read_bytes())]))
    ((shown, result),) = review_folder(tmp_path / "新版.rar")
    assert (
        shown_name(shown) == "新版.rar/材料/自评报告.txt" and getattr(result, "department", None) == "衡山县妇女联合会"
    )
    # a .rar with UTF-8 names (WinRAR's Unicode flag), given alone; a folder opens its .7z and .rar too
    (tmp_path / "材料.rar").write_bytes(rar4([("内层/自评报告.txt", SEED.read_bytes())]))
    code, said = run_cli(capsys, "review", str(tmp_path / "材料.rar"))
    assert code == 0 and "材料.rar/内层/自评报告.txt：衡山县妇女联合会" in said, said
    names = [shown_name(p) for p, _ in review_folder(tmp_path)]
    assert "材料.rar/内层/自评报告.txt" in names and "衡山县妇联.7z/衡山县妇联/自评报告.docx" in names


ARCHIVE_FIXTURES = ROOT / "tests" / "fixtures" / "archives"


def test_7z_and_rar_guards_are_the_zips(tmp_path, capsys, monkeypatch):
    def refused(name: str, data: bytes) -> tuple[str, str]:
        path = tmp_path / name
        path.write_bytes(data)
        ((_, result),) = review_folder(path)
        assert isinstance(result, Exception), name
        return result.problems[0].code, result.problems[0].message  # type: ignore[union-attr]

    code, said = refused("穿越.rar", rar4([("说明.txt", b"x"), ("../../etc/报告.txt", b"x")]))
    assert code == "file.archive_path" and "压缩包“穿越.rar”中的条目“../../etc/报告.txt”的路径指向压缩包以外" in said
    code, said = refused("盘符.7z", seven_zip([("C:/Windows/报告.txt", b"x")]))
    assert code == "file.archive_path"
    code, said = refused("链接.rar", rar4([("报告.txt", b"/etc/passwd")], links=("报告.txt",)))
    assert code == "file.archive_link" and "“报告.txt”是符号链接" in said
    code, said = refused(
        "链接5.rar", rar5([("a.txt", b"x"), ("报告.txt", b"")], links={"报告.txt": (1, "/etc/passwd")})
    )
    assert code == "file.archive_link"
    code, said = refused("硬链接.rar", rar5([("a.txt", b"x"), ("报告.txt", b"")], links={"报告.txt": (4, "a.txt")}))
    assert code == "file.archive_link" and "“报告.txt”是符号链接或硬链接" in said
    code, said = refused("链接.7z", (ARCHIVE_FIXTURES / "符号链接.7z").read_bytes())
    assert code == "file.archive_link" and "“报告.txt”是符号链接" in said
    code, said = refused("加密名.7z", (ARCHIVE_FIXTURES / "密码文件名.7z").read_bytes())
    assert code == "file.archive_encrypted" and "连文件名也已加密" in said
    # a solid block of 20 MB of zeros in a file of a few KB: refused from its header, nothing unpacked
    code, said = refused("炸弹.7z", seven_zip_bomb(20 * MB))
    assert code == "file.archive_bomb" and "整个压缩包" in said and "解压到此已达 20 MB" in said
    code, said = refused("损坏.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(range(256)) * 4)
    assert code == "file.archive_bad_zip" and "压缩包“损坏.7z”已损坏" in said
    code, said = refused("损坏.rar", b"Rar!\x1a\x07\x01\x00" + bytes(range(256)) * 4)
    assert code == "file.archive_bad_zip" and "压缩包“损坏.rar”已损坏" in said
    noise = random.Random(7).randbytes(1000)  # libarchive finds no entry in it and says nothing: said here
    code, said = refused("乱码.rar", b"Rar!\x1a\x07\x01\x00" + noise)
    assert code == "file.archive_bad_zip" and "压缩包“乱码.rar”已损坏，无法打开（未读到任何条目）" in said
    monkeypatch.setattr(guard, "LIMITS", dataclasses.replace(guard.LIMITS, zip_members=10))
    code, said = refused("条目.rar", rar4([(f"报告{i:02d}.txt", b"x") for i in range(11)]))
    assert code == "file.archive_too_many" and "条目超过 10 个" in said
    monkeypatch.setattr(guard, "LIMITS", dataclasses.replace(guard.LIMITS, archive_bytes=MB))
    big = os.urandom(600_000)  # 0.6 MB that LZMA cannot shrink
    code, said = refused("总量.7z", seven_zip([("a.txt", big), ("b.txt", big[::-1])]))
    assert code == "file.archive_bomb" and "解压后超过 1 MB" in said


def test_a_7z_or_rar_member_with_a_password_is_refused_alone(tmp_path, capsys):
    sent = tmp_path / "材料.rar"
    sent.write_bytes(rar4([("a/报告.txt", SEED.read_bytes()), ("b/加密.docx", b"x" * 100)], encrypted=("b/加密.docx",)))
    code, said = run_cli(capsys, "review", str(sent))
    assert code == 0 and "材料.rar/a/报告.txt：衡山县妇女联合会" in said
    assert "材料.rar/b/加密.docx：无法审核（压缩包“材料.rar”中的“b/加密.docx”设置了密码" in said
    shutil.copy(ARCHIVE_FIXTURES / "密码条目.7z", tmp_path / "加密.7z")
    ((_, refused),) = review_folder(tmp_path / "加密.7z")
    assert isinstance(refused, Exception) and refused.problems[0].code == "file.archive_encrypted"  # type: ignore[union-attr]
    assert "“加密/报告.txt”设置了密码" in str(refused)


def test_a_misnamed_archive_is_opened_by_its_bytes(tmp_path):
    (tmp_path / "材料.rar").write_bytes(seven_zip([("报告.txt", SEED.read_bytes())]))  # a .7z named .rar
    ((shown, result),) = review_folder(tmp_path / "材料.rar")
    assert shown_name(shown) == "材料.rar/报告.txt" and getattr(result, "department", None) == "衡山县妇女联合会"


def test_bombs_and_floods_are_refused_from_the_directory(tmp_path, monkeypatch):
    def refused(name: str, data: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(data)
        ((_, result),) = review_folder(path)
        assert isinstance(result, Exception), name
        return f"[{result.problems[0].code}] {result.problems[0].message}"  # type: ignore[union-attr]

    said = refused("炸弹.zip", archive_bomb(1024 * MB))
    assert "[file.archive_bomb]" in said and "“报告0.txt”压缩比异常" in said and "1024 MB" in said
    said = refused("多层.zip", nested_archive(5, "报告.txt", SEED.read_bytes()))
    assert "[file.archive_too_deep]" in said and "嵌套超过 3 层" in said
    assert "多层.zip/第5层.zip/第4层.zip/第3层.zip" in said
    said = refused("条目.zip", archive([(f"报告{i:04d}.txt", b"x") for i in range(2001)]))
    assert "[file.archive_too_many]" in said and "共有 2001 个条目" in said and "JIXIAO_LIMIT_ZIP_MEMBERS" in said
    said = refused("损坏.zip", b"PK\x03\x04" + bytes(100))
    assert "[file.archive_bad_zip]" in said and "压缩包“损坏.zip”已损坏" in said
    # all levels together: ten members of 0.9 MB each under a 5 MB budget, split over two levels
    monkeypatch.setattr(guard, "LIMITS", dataclasses.replace(guard.LIMITS, archive_bytes=5 * MB))
    half = [(f"报告{i}.txt", bytes(range(256)) * (3600)) for i in range(5)]
    said = refused("总量.zip", archive([*half, ("内层.zip", archive(half))]))
    # the outer members are unpacked before the zip inside is opened: the inner one passes the limit
    assert (
        "[file.archive_bomb] 压缩包“总量.zip/内层.zip”解压后超过 5 MB" in said and "JIXIAO_LIMIT_ARCHIVE_BYTES" in said
    )


def test_the_web_batch_takes_a_zip_a_7z_and_a_rar(tmp_path):
    from jixiao.web.uploads import BATCH_REVIEW_SUFFIXES, REVIEW_SUFFIXES, check_upload

    good = archive([("报告.txt", SEED.read_bytes())], gbk=True)
    assert check_upload(good, "材料.zip", BATCH_REVIEW_SUFFIXES) == []
    assert check_upload(good, "材料.zip", REVIEW_SUFFIXES)[0].code == "upload.wrong_type"  # one document's upload
    (problem,) = check_upload(archive([("../x.txt", b"x")]), "材料.zip", BATCH_REVIEW_SUFFIXES)
    assert problem.code == "file.archive_path"
    assert check_upload(rar4([("报告.txt", SEED.read_bytes())]), "材料.rar", BATCH_REVIEW_SUFFIXES) == []
    assert check_upload(seven_zip([("报告.txt", SEED.read_bytes())]), "材料.7z", BATCH_REVIEW_SUFFIXES) == []
    (problem,) = check_upload(rar4([("../x.txt", b"x")]), "材料.rar", BATCH_REVIEW_SUFFIXES)
    assert problem.code == "file.archive_path"
    (problem,) = check_upload(b"PK\x03\x04", "材料.7z", BATCH_REVIEW_SUFFIXES)
    assert problem.code == "file.type" and "不是 .7z 压缩包" in problem.message
    (problem,) = check_upload(b"not a zip at all", "材料.zip", BATCH_REVIEW_SUFFIXES)
    assert problem.code == "file.type"


def test_an_archive_refused_whole_exits_as_an_unreadable_file_does(tmp_path, capsys):
    sent = tmp_path / "穿越.zip"
    sent.write_bytes(archive([("../报告.txt", b"x")]))
    code, said = run_cli(capsys, "review", str(sent))
    assert code == 2 and "穿越.zip：无法审核（压缩包“穿越.zip”中的条目“../报告.txt”" in said
    code, said = run_cli(capsys, "review", str(tmp_path / "没有.zip"))
    assert code == 2 and "[file.missing]" in said


@pytest.mark.parametrize("kind", [".zip", ".7z", ".rar", ".eml"])
def test_the_web_batch_reviews_each_document_in_an_uploaded_zip(tmp_path, monkeypatch, kind):
    """The bureau's batch upload of one archive or saved e-mail: each report inside reviewed, the summary naming
    each by its path in the archive, an opinion per report."""
    import io

    from fastapi.testclient import TestClient

    from jixiao.web.app import create_app
    from jixiao.web.db import User
    from jixiao.web.security import hash_password
    from jixiao.web.tasks import run_job

    from .web_support import login

    monkeypatch.setenv("JIXIAO_DATA", str(tmp_path / "data"))
    app = create_app(f"sqlite:///{tmp_path / 'app.db'}", enqueue=lambda job_id, url: run_job(job_id, url))
    with app.state.factory() as db:
        db.add(User(username="bureau", password_hash=hash_password("pw-123456789"), role="reviewer", region="湖南省"))
        db.commit()
    client = TestClient(app)
    csrf = login(client, "bureau", "pw-123456789")
    documents = [("衡山/自评报告.txt", SEED.read_bytes()), ("衡山/附件/宝安.txt", OTHER.read_bytes())]
    if kind == ".eml":  # attachments have no folders
        documents = [("衡山自评报告.txt", SEED.read_bytes()), ("宝安.txt", OTHER.read_bytes())]
    makers = {".zip": lambda d: archive(d, gbk=True), ".7z": seven_zip, ".rar": rar4, ".eml": eml}
    response = client.post(
        "/bureau/batch",
        data={"csrf_token": csrf, "kind": "reviews", "year": "2023"},
        files=[("files", (f"材料{kind}", makers[kind](documents), "application/octet-stream"))],
        follow_redirects=False,
    )
    assert response.status_code == 303
    job = response.headers["location"]
    page = client.get(job).text
    first = "衡山自评报告" if kind == ".eml" else "衡山_自评报告"
    assert "已完成" in page and f"{first}_审核意见.docx" in page, page
    summary = client.get(f"{job}/files/审核汇总.xlsx").content
    rows = list(openpyxl.load_workbook(io.BytesIO(summary))["汇总"].iter_rows(values_only=True))
    assert sorted((r[0], r[1]) for r in rows[1:]) == sorted(
        [
            (f"材料{kind}/{name}", who)
            for (name, _), who in zip(documents, ["衡山县妇女联合会", "深圳市宝安区妇女联合会"], strict=True)
        ]
    )


def test_an_archive_without_a_report_says_so(tmp_path, capsys):
    sent = tmp_path / "照片.zip"
    sent.write_bytes(archive([("现场/照片说明.exe", b"MZ"), ("__MACOSX/._a.docx", b"\x00")]))
    code, said = run_cli(capsys, "review", str(sent))
    assert code == 2 and "照片.zip：无法审核（压缩包“照片.zip”中没有可审核的报告" in said
    shutil.copy(SEED, tmp_path / "衡山.txt")
    assert [shown_name(p) for p, _ in review_folder(tmp_path)] == ["照片.zip", "衡山.txt"]


def test_a_damaged_zip_inside_and_a_repeated_entry_are_said_of_themselves(tmp_path):
    sent = tmp_path / "材料.zip"
    sent.write_bytes(
        archive(
            [("报告.txt", SEED.read_bytes()), ("报告.txt", OTHER.read_bytes()), ("附件.zip", b"PK\x03\x04" + bytes(64))]
        )
    )
    results = review_folder(sent)
    assert [shown_name(p) for p, _ in results] == ["材料.zip/报告.txt", "材料.zip/报告.txt", "材料.zip/附件.zip"]
    assert [getattr(r, "department", None) for _, r in results][:2] == ["衡山县妇女联合会", "深圳市宝安区妇女联合会"]
    refused = results[2][1]
    assert isinstance(refused, Exception) and "压缩包“材料.zip/附件.zip”已损坏" in str(refused)


def test_a_program_in_a_batch_of_reports_is_told_what_a_batch_takes():
    """An .exe among the reports: the message says what a batch takes, not to save it as .docx from Excel."""
    from jixiao.web.uploads import REVIEW_SUFFIXES, check_upload

    (problem,) = check_upload(b"MZ\x90\x00", "setup.exe", REVIEW_SUFFIXES)
    assert problem.code == "upload.wrong_type"
    assert "请上传自评报告或自评表本身" in problem.message and "Excel/WPS 另存为" not in problem.message


def test_an_archive_of_which_nothing_can_be_reviewed_exits_as_an_unreadable_file(tmp_path, capsys):
    """Exit code 2 (README: a file that cannot be read) when no member of the archive could be reviewed — each one's
    reason in the output and the summary; one member read is a review done (0), as above."""
    sent = tmp_path / "材料.zip"
    sent.write_bytes(archive([("b/加密.docx", b"x" * 100)], flags={"b/加密.docx": 1}))
    code, said = run_cli(capsys, "review", str(sent))
    assert code == 2
    assert "材料.zip/b/加密.docx：无法审核（压缩包“材料.zip”中的“b/加密.docx”设置了密码" in said
