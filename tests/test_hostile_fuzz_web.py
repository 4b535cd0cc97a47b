"""bench/fuzz_review.py's broken files through the web app: the base-data upload of a mutated 填报 workbook and
the bureau's batch of a mutated archive. Each refusal is a Chinese message on the page naming the uploaded file;
nothing is saved half (no new version, the stored data as it was); a damaged member of a batch is named in its
summary while the others are reviewed. The mutations are seeded, so a failure names a case that can be made again.
"""

from __future__ import annotations

import io
import random
import re
import zipfile

import openpyxl
import pytest
from fastapi.testclient import TestClient

from jixiao.cli import main
from jixiao.web.db import Evaluation, Version

from .test_hostile_files import Member, write_zip
from .test_hostile_fuzz import report_docx, uninflatable, zip_members
from .test_web_formats import _new, _upload
from .web_support import BAOAN, PASSWORD, SHENZHEN, add_user, login, web_app


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """An app of this module's own with test_web_formats' users: a 宝安 填报人 and a 深圳 审核人; jobs run at once."""
    from jixiao.web.tasks import run_job

    application = web_app(tmp_path_factory.mktemp("fuzzweb"), enqueue=lambda job_id, url: run_job(job_id, url))
    add_user(application, "baoan", "filler", BAOAN)
    add_user(application, "bureau", "reviewer", region=SHENZHEN)
    return application


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("wb") / "宝安.xlsx"
    assert main(["template", "--from", "examples/baoan-fulian-2023", "--out", str(path)]) == 0
    return path.read_bytes()


def _cell_lost(members: dict[str, bytes]) -> dict[str, bytes]:
    """The first inline-string cell of 基本信息's sheet made a shared string the workbook does not have."""
    sheets = {m.group(1): m.group(2) for m in re.finditer(rb'<sheet [^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"',
                                                          members["xl/workbook.xml"])}  # fmt: skip
    part = f"xl/worksheets/sheet{int(sheets['基本信息'.encode()][3:])}.xml"
    xml, count = re.subn(rb't="inlineStr"><is><t>[^<]*</t></is>', b't="s"><v>99999</v>', members[part], count=1)
    assert count == 1
    return {**members, part: xml}


def _mutations(workbook: bytes) -> list[tuple[str, bytes]]:
    """Structure-aware cases first (each made once), then seeded byte flips, cuts and repeats."""
    members = zip_members(workbook)
    sheet = next(n for n in members if n.startswith("xl/worksheets/"))
    cases = [
        ("部件无法解压", uninflatable(members, "xl/styles.xml")),
        ("工作表无法解压", uninflatable(members, sheet)),
        ("共享文字缺失", write_zip([Member.of(n, c) for n, c in _cell_lost(members).items()])),
        ("工作表被截断", write_zip([Member.of(n, c[: len(c) // 2] if n == sheet else c) for n, c in members.items()])),
        ("文件被截断", workbook[: len(workbook) * 2 // 3]),
    ]
    rng = random.Random(20261203)
    for index in range(12):
        data = bytearray(workbook)
        if index % 3 == 0:
            for _ in range(8):
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif index % 3 == 1:
            del data[rng.randrange(len(data)) :]
        else:
            at = rng.randrange(len(data))
            data[at:at] = data[at : at + 512] * 4
        cases.append((f"字节变异{index}", bytes(data)))
    return cases


def _stored(app, evaluation_id: int) -> tuple[str | None, int]:
    with app.state.factory() as db:
        versions = db.query(Version).filter_by(evaluation_id=evaluation_id).count()
        return db.get(Evaluation, evaluation_id).data_yaml, versions


def test_a_mutated_workbook_upload_is_refused_on_the_page_and_the_stored_data_kept(app, workbook):
    client = TestClient(app)
    csrf = login(client, "baoan", PASSWORD)
    evaluation_id = _new(client, csrf, 2023)
    assert _upload(client, csrf, evaluation_id, "宝安.xlsx", workbook).status_code == 200
    good = _stored(app, evaluation_id)
    assert good[0]
    refused = 0
    for label, content in _mutations(workbook):
        response = _upload(client, csrf, evaluation_id, "变异.xlsx", content)
        said = response.text
        assert response.status_code in (200, 422), (label, response.status_code)
        assert "Traceback" not in said and "内部错误" not in said, label
        if response.status_code == 422:
            refused += 1
            assert "变异.xlsx" in said, label  # the message names the file the user sent
            assert _stored(app, evaluation_id) == good, label  # nothing saved half: no version, the data as it was
        else:  # accepted (a flipped bit in a text): the new data is the stored one; the next case starts from it
            good = _stored(app, evaluation_id)
    assert refused >= 5  # the five structure cases at least


def test_a_batch_archive_with_a_damaged_member_names_it_and_reviews_the_others(app):
    client = TestClient(app)
    csrf = login(client, "bureau", PASSWORD)
    report = report_docx()
    sent = uninflatable({"甲单位/报告.docx": report, "乙单位/报告.docx": report}, "甲单位/报告.docx")
    response = client.post(
        "/bureau/batch",
        data={"csrf_token": csrf, "kind": "reviews", "year": "2023"},
        files=[("files", ("材料.zip", sent, "application/octet-stream"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    job = response.headers["location"]
    page = client.get(job).text
    assert "已完成" in page and "Traceback" not in page and "内部错误" not in page, page
    summary = client.get(f"{job}/files/审核汇总.xlsx").content
    rows = {r[0]: r for r in list(openpyxl.load_workbook(io.BytesIO(summary))["汇总"].iter_rows(values_only=True))[1:]}
    assert set(rows) == {"材料.zip/甲单位/报告.docx", "材料.zip/乙单位/报告.docx"}
    assert "无法解压" in " ".join(str(v) for v in rows["材料.zip/甲单位/报告.docx"] if v)
    assert "无法" not in " ".join(str(v) for v in rows["材料.zip/乙单位/报告.docx"] if v)


def test_the_mutations_are_the_same_each_run(workbook):
    first, again = _mutations(workbook), _mutations(workbook)
    assert [c for _, c in first] == [c for _, c in again]
    assert len({c for _, c in first}) == len(first)  # each case a different file
    with zipfile.ZipFile(io.BytesIO(first[2][1])) as archive:
        assert any(b"<v>99999</v>" in archive.read(n) for n in archive.namelist() if "worksheets" in n)
