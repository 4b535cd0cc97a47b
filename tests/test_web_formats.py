"""The web app takes what a bureau's inbox holds (issue 20), as the command line does: a filled workbook saved as
.xls uploads as the .xlsx does (through the long-lived LibreOffice), a batch of reports may hold .doc, .ofd or
scanned PDFs, the 复核 prefill reads the department's report in any of those formats — and every route that writes
runs off the event loop (a write there waiting for SQLite's lock stopped the whole process: sqlite_writers)."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient

from jixiao.cli import main
from jixiao.cycle.monitoring import load_monitoring
from jixiao.cycle.workbook_out import monitoring_workbook
from jixiao.formats import office
from jixiao.web import uploads
from jixiao.web.app import create_app
from jixiao.web.db import Department, User
from jixiao.web.security import hash_password
from jixiao.web.tasks import run_job

from .test_scan import printed  # noqa: F401  (the page as printed and rendered)
from .web_support import login, version_of

pytestmark = pytest.mark.skipif(office.find_soffice() is None, reason="LibreOffice is installed by scripts/setup.sh")

PASSWORD = "pw-123456789"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("formats")
    os.environ["JIXIAO_DATA"] = str(tmp / "data")
    application = create_app(f"sqlite:///{tmp / 'app.db'}", enqueue=lambda job_id, url: run_job(job_id, url))
    with application.state.factory() as db:
        department = Department(name="深圳市宝安区妇女联合会", region="广东省深圳市宝安区")
        db.add(department)
        db.flush()
        db.add_all(
            [
                User(username="baoan", password_hash=hash_password(PASSWORD), role="filler",
                     department_id=department.id),
                User(username="bureau", password_hash=hash_password(PASSWORD), role="reviewer", region="广东省深圳市"),
            ]
        )  # fmt: skip
        db.commit()
    return application


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("wb")
    xlsx = folder / "宝安.xlsx"
    assert main(["template", "--from", "examples/baoan-fulian-2023", "--out", str(xlsx)]) == 0
    xls = office.convert_file(xlsx, "xls", folder / "old")
    return {"xlsx": xlsx, "xls": xls}


def _signed_in(app, username: str) -> tuple[TestClient, str]:
    client = TestClient(app)
    return client, login(client, username, PASSWORD)


def _new(client: TestClient, csrf: str, year: int) -> int:
    created = client.post("/evaluations/new", data={"year": str(year), "csrf_token": csrf}, follow_redirects=False)
    return int(re.search(r"/evaluations/(\d+)", created.headers["location"]).group(1))


def _year(app, client: TestClient, csrf: str, year: int) -> int:
    """The department's evaluation of that year (a test before may have made it), or a new one."""
    from jixiao.web.db import Evaluation

    with app.state.factory() as db:
        found = db.query(Evaluation).filter_by(year=year).first()
        return found.id if found else _new(client, csrf, year)


def _upload(client: TestClient, csrf: str, evaluation_id: int, name: str, content: bytes):
    page = client.get(f"/evaluations/{evaluation_id}")
    return client.post(
        f"/evaluations/{evaluation_id}/upload",
        data={"csrf_token": csrf, "version": version_of(page.text)},
        files={"file": (name, content, "application/octet-stream")},
    )


def test_a_workbook_saved_as_xls_uploads_as_the_xlsx_does(app, workbooks):
    client, csrf = _signed_in(app, "baoan")
    stored = {}
    evaluation_id = _year(app, client, csrf, 2023)  # the workbooks' year: both uploaded into it, one after the other
    for kind in ("xlsx", "xls"):
        response = _upload(client, csrf, evaluation_id, f"宝安.{kind}", workbooks[kind].read_bytes())
        # 宝安 2023 scores 97.61 (the seed's 表1) whichever format the same workbook was saved in
        assert response.status_code == 200 and "97.61 分 · 优" in response.text, kind
        versions = client.get(f"/evaluations/{evaluation_id}/versions").text
        assert f"上传工作簿 宝安.{kind}" in versions
        with app.state.factory() as db:
            from jixiao.web.db import Evaluation

            stored[kind] = db.get(Evaluation, evaluation_id).data_yaml
    assert stored["xls"] == stored["xlsx"]


def test_an_xls_that_is_not_one_is_refused_naming_the_uploaded_file(app):
    client, csrf = _signed_in(app, "baoan")
    evaluation_id = _new(client, csrf, 2021)
    junk = _upload(client, csrf, evaluation_id, "填报.xls", "这不是工作簿".encode())
    assert junk.status_code == 422 and "与扩展名 .xls 不符" in junk.text and "填报.xls" in junk.text
    # an OLE header with nothing behind it: LibreOffice refuses it or reads an empty sheet — one Chinese message,
    # naming the uploaded file and never the temporary copy the converter read
    empty = _upload(client, csrf, evaluation_id, "空表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert empty.status_code == 422 and "空表.xls" in empty.text and "jixiao-upload-" not in empty.text
    assert "Traceback" not in empty.text


def _report_doc(folder: Path) -> Path:
    """A one-page report in Word 97 format: its score table adds up to 94 while its 合计 says 95."""
    document = Document()
    document.add_paragraph("深圳市宝安区妇女联合会2023年度部门整体支出绩效自评报告")
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate(
        [("一级指标", "三级指标", "分值", "得分"), ("决策", "合理性", "20", "19"), ("管理", "执行率", "80", "75"),
         ("合计", "", "100", "95")]
    ):  # fmt: skip
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    docx = folder / "宝安报告.docx"
    document.save(str(docx))
    return office.convert_file(docx, "doc", folder / "doc")


def test_a_batch_of_reports_takes_old_word_files(app, tmp_path):
    client, csrf = _signed_in(app, "bureau")
    doc = _report_doc(tmp_path)
    response = client.post(
        "/bureau/batch",
        data={"csrf_token": csrf, "kind": "reviews", "year": "2023"},
        files=[
            ("files", (doc.name, doc.read_bytes(), "application/msword")),
            ("files", ("伪装.doc", b"%PDF-1.4 not a word file", "application/msword")),
        ],
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get(response.headers["location"]).text
    # the .doc is reviewed (one of one done), the file whose content is not a Word file is listed with its reason
    assert "已完成" in page and "1/1" in page and "伪装.doc" in page and "与扩展名 .doc 不符" in page


def test_a_batch_of_reports_takes_a_photo_of_a_page(app, tmp_path, printed):  # noqa: F811
    """A page photographed by phone (test_scan's report page, a 2600-pixel JPEG) sent with the batch: reviewed as
    the command line reviews it, one of one done."""
    client, csrf = _signed_in(app, "bureau")
    page = printed[2]
    photo = tmp_path / "微信图片.jpg"
    page.resize((round(page.width * 2600 / page.height), 2600)).save(photo, quality=88)
    response = client.post(
        "/bureau/batch",
        data={"csrf_token": csrf, "kind": "reviews", "year": "2023"},
        files=[("files", (photo.name, photo.read_bytes(), "image/jpeg"))],
        follow_redirects=False,
    )
    assert response.status_code == 303
    shown = client.get(response.headers["location"]).text
    assert "已完成" in shown and "1/1" in shown and "已审核 1 份报告" in shown and "微信图片_审核意见.docx" in shown


def test_review_formats_are_the_command_lines(app):
    from jixiao.review import source

    assert set(uploads.REVIEW_SUFFIXES) == set(source._READERS)


def test_no_route_writes_on_the_event_loop(app, caplog):
    """The 绩效目标 workbook upload, the 复核 prefill and the bureau's batch upload ran as `async def`: their writes
    waited for SQLite's lock on the event loop's thread, which sqlite_writers logs."""
    bureau, csrf = _signed_in(app, "bureau")
    with caplog.at_level(logging.WARNING, logger="jixiao.web.db"):
        batch = bureau.post(
            "/bureau/batch",
            data={"csrf_token": csrf, "kind": "reviews", "year": "2023"},
            files=[("files", ("报告.txt", "2023年度自评报告".encode(), "text/plain"))],
            follow_redirects=False,
        )
        assert batch.status_code == 303
        filler, csrf = _signed_in(app, "baoan")
        evaluation_id = _year(app, filler, csrf, 2023)  # the example's year
        page = filler.get(f"/evaluations/{evaluation_id}/monitoring").text
        version = re.search(r'name="doc_version" value="(\d+)"', page).group(1)
        # the example's three monitoring points, as a department fills the workbook
        filled = monitoring_workbook(load_monitoring(Path("examples/baoan-fulian-2023")))
        saved = filler.post(
            f"/evaluations/{evaluation_id}/monitoring",
            data={"csrf_token": csrf, "action": "upload", "doc_version": version},
            files={"workbook": ("监控.xlsx", filled, "application/octet-stream")},
            follow_redirects=False,
        )
        assert saved.status_code == 303, saved.text[:300]
    assert "event loop" not in caplog.text
