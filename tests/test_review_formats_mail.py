"""A department's 政务邮箱 message saved as .eml (formats/mail.py): each attachment reviewed as an archive's entry is,
named "x.eml/附件名"; the covering letter is no report. File names as mail systems write them — RFC 2047 words in
GB2312, RFC 2231 split over continuations, raw GBK bytes — are read as their sender wrote them; a forwarded message
and a .zip attached are opened in turn; the message is held to the archive guards. Before formats/mail.py,
`jixiao review x.eml` said only that .eml files are not supported.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from jixiao.files import guard
from jixiao.review.output import review_folder, shown_name

from .cli_support import run_cli
from .test_hostile_files import MB, archive, eml

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "seeds" / "004_6448f6cab597d7a3.txt"  # 衡山县妇联 2023
OTHER = ROOT / "tests" / "fixtures" / "seeds" / "000_273d22226811a2f3.txt"  # 宝安区妇联 2023


@pytest.mark.parametrize("names", ["2047", "2231", "raw"])
def test_each_attachment_is_reviewed_under_the_name_its_sender_gave(tmp_path, capsys, names):
    sent = tmp_path / "报送材料.eml"
    # 堃 is in GBK but not in GB2312: a name labelled gb2312 is read as GB18030
    sent.write_bytes(
        eml(
            [("衡山县妇联2023年度自评报告（王堃）.txt", SEED.read_bytes()), ("附件2 宝安.txt", OTHER.read_bytes())],
            names,
        )
    )
    code, said = run_cli(capsys, "review", str(sent), "--out", str(tmp_path / "out"))
    assert code == 0, said
    assert "报送材料.eml/衡山县妇联2023年度自评报告（王堃）.txt：衡山县妇女联合会" in said, said
    assert "报送材料.eml/附件2 宝安.txt：深圳市宝安区妇女联合会" in said
    assert "2/2" in said and (tmp_path / "out" / "报送材料_审核汇总.xlsx").exists()


def test_the_letter_is_no_report_and_a_forwarded_message_and_a_zip_are_opened(tmp_path):
    forwarded = eml([("宝安自评报告.txt", OTHER.read_bytes())])
    sent = tmp_path / "转发.eml"
    sent.write_bytes(
        eml(
            [("材料.zip", archive([("衡山/自评报告.txt", SEED.read_bytes())], gbk=True)), ("照片.jpg.exe", b"MZ")],
            body="衡山县妇女联合会：现将自评材料报送你局，请审核。" * 20,
            forwarded=forwarded,
        )
    )
    results = review_folder(sent)
    assert [shown_name(p) for p, _ in results] == [
        "转发.eml/报送2023年度部门整体支出绩效自评材料.eml/宝安自评报告.txt",  # named by its subject
        "转发.eml/材料.zip/衡山/自评报告.txt",
    ]
    assert [getattr(r, "department", None) for _, r in results] == ["深圳市宝安区妇女联合会", "衡山县妇女联合会"]


def test_a_message_without_attachments_or_not_a_message_says_so(tmp_path, capsys):
    (tmp_path / "空.eml").write_bytes(eml([]))
    code, said = run_cli(capsys, "review", str(tmp_path / "空.eml"))
    assert code == 2 and "邮件“空.eml”中没有可审核的报告" in said and "请检查邮件是否带上了附件" in said
    (tmp_path / "乱码.eml").write_bytes(b"\x00\x01" * 100)
    code, said = run_cli(capsys, "review", str(tmp_path / "乱码.eml"))
    assert code == 2 and "邮件“乱码.eml”已损坏" in said and "不是邮件格式" in said


def test_a_message_is_held_to_the_archive_guards(tmp_path, monkeypatch):
    def first(name: str, data: bytes) -> tuple[str, str]:
        (tmp_path / name).write_bytes(data)
        results = review_folder(tmp_path / name)
        result = results[0][1]
        assert isinstance(result, Exception), name
        return result.problems[0].code, result.problems[0].message  # type: ignore[union-attr]

    # a flood of parts: refused from the boundaries its bytes declare, before it is parsed
    flood = eml([("报告.txt", b"x")]).replace(b"multipart/mixed;", b"multipart/mixed;" + b" boundary=x;" * 2001, 1)
    code, said = first("分段.eml", flood)
    assert code == "file.archive_too_many" and "有 2002 个分段（MIME boundary）" in said
    flood = b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n' + b"--b\r\n\r\nx\r\n" * 2001
    code, said = first("分隔.eml", flood)
    assert code == "file.archive_too_many" and "有 2001 个分段分隔行" in said
    monkeypatch.setattr(guard, "LIMITS", dataclasses.replace(guard.LIMITS, file_bytes=MB))
    # the message whole is held to one file's limit (an attachment in base64 is larger than itself, so none passes it)
    code, said = first("大附件.eml", eml([("报告.txt", b"x" * 800_000), ("b.txt", SEED.read_bytes())]))
    assert code == "file.too_large" and "邮件“大附件.eml”大小为 1 MB，上限为 1 MB" in said
    monkeypatch.setattr(guard, "LIMITS", dataclasses.replace(guard.LIMITS, archive_bytes=MB // 2))
    code, said = first("总量.eml", eml([(f"报告{i}.txt", b"x" * 200_000) for i in range(3)]))
    assert code == "file.archive_bomb" and "邮件“总量.eml”解压后超过 0 MB" in said
    # an attachment named "../../报告.txt" is no way out of anything: it is saved as 报告.txt (the test below)


def test_the_web_batch_takes_an_eml():
    from jixiao.web.uploads import BATCH_REVIEW_SUFFIXES, check_upload

    assert check_upload(eml([("报告.txt", SEED.read_bytes())]), "材料.eml", BATCH_REVIEW_SUFFIXES) == []
    # an attachment named with a path is saved by its file name (see below), as a mail client saves it: no refusal
    assert check_upload(eml([("../报告.txt", SEED.read_bytes())]), "材料.eml", BATCH_REVIEW_SUFFIXES) == []


def test_an_attachment_named_with_a_path_is_read_by_its_file_name(tmp_path, capsys):
    """An attachment is a file, not a path: a name such as "../衡山.txt" or "C:\\报送\\宝安.txt" (an old client, or a
    hostile one) is saved as a mail client saves it, by its last part, and reviewed with the others — the whole
    message was refused as an archive whose entry points outside it."""
    sent = tmp_path / "报送材料.eml"
    sent.write_bytes(eml([("../衡山.txt", SEED.read_bytes()), ("C:\\报送\\宝安.txt", OTHER.read_bytes())]))
    code, said = run_cli(capsys, "review", str(sent))
    assert code == 0, said
    assert "报送材料.eml/衡山.txt：衡山县妇女联合会" in said, said
    assert "报送材料.eml/宝安.txt：深圳市宝安区妇女联合会" in said
