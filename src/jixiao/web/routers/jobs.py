"""Batch jobs: uploading a folder of workbooks or reports, the job's page and its result files. A job belongs to
its creator's region: the reviewers of that region (and administrators) see it, nobody else."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse
from starlette.datastructures import UploadFile

from ..data_words import in_chinese
from ..db import Job, data_dir, private_dir
from ..deps import BadInput, Db, Form, Id, Reviewer, SignedIn, page, uploaded_files
from ..scope import NO_REGION, NotFound, OutOfScope
from ..service import audit
from ..uploads import (
    BATCH_REVIEW_SUFFIXES,
    MAX_UPLOAD,
    WORKBOOK_SUFFIXES,
    check_upload,
    opinion_name,
    printable,
    safe_name,
)

router = APIRouter()
MAX_FILES = 50
JOB_STATES = {"queued": "排队中", "running": "处理中", "done": "已完成", "failed": "失败"}


# A plain `def` like every route that writes (deps.uploaded says why).
@router.post("/bureau/batch")
def batch(
    request: Request,
    actor: Reviewer,
    db: Db,
    form: Form,
    files: Annotated[list[UploadFile], Depends(uploaded_files)],
):
    kind = form.get("kind", "")
    if kind not in ("reviews", "workbooks"):
        raise BadInput("字段“类型”（kind）应为“workbooks”（导入工作簿）或“reviews”（审核报告）。")
    if actor.scope.blind:
        raise OutOfScope(NO_REGION)
    if kind == "workbooks" and actor.role == "admin":
        raise OutOfScope("管理员不能导入或修改部门填报的数据；请由本辖区审核人批量导入。")
    if not files:
        raise BadInput("请选择要上传的文件（可多选）。")
    if len(files) > MAX_FILES:
        raise BadInput(f"一次最多上传 {MAX_FILES} 个文件，实际为 {len(files)} 个。请分批上传。")
    job = Job(kind=kind, total=len(files), created_by=actor.user.id, region=actor.user.region or "")
    db.add(job)
    db.flush()
    folder = private_dir(data_dir() / "jobs" / str(job.id))
    inputs = private_dir(folder / "input")
    rejected, names = [], set()
    suffixes = WORKBOOK_SUFFIXES if kind == "workbooks" else BATCH_REVIEW_SUFFIXES  # reports may come as a .zip
    for i, upload_file in enumerate(files, 1):
        name = safe_name(upload_file.filename, f"文件{i}")
        content = upload_file.file.read(MAX_UPLOAD + 1)
        problems = check_upload(content, name, suffixes)
        if problems:
            rejected.append(f"{name}：{problems[0].message}")
            continue
        if name in names:  # two files of the same name: the second is kept beside the first
            name = f"{i}-{name}"
        names.add(name)
        target = inputs / name
        target.touch(mode=0o600)
        target.write_bytes(content)
    job.folder = str(folder)
    job.total = len(names)
    job.message = "\n".join(rejected)
    what = "报告审核" if kind == "reviews" else "工作簿导入"
    audit(db, actor.user, "batch", f"job:{job.id}", f"{what}，{len(files)}个文件", via="batch")
    db.commit()
    request.app.state.enqueue(job.id, str(request.app.state.engine.url.render_as_string(hide_password=False)))
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


def _outputs(job: Job) -> list[str]:
    if not job.folder:
        return []
    return sorted(p.name for p in (Path(job.folder) / "output").glob("*") if p.is_file() and not p.name.startswith("."))


SUMMARIES = ("审核汇总.xlsx", "导入结果.xlsx")  # the job's own table of its files (tasks.py writes it)
SUMMARY_ROWS = 200


def _summary(job: Job, outputs: list[str]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The job's result table as its page shows it, read from the summary workbook: a row per file (with the link to
    its 审核意见 when there is one), a rulebook by its title, no column that is empty in every row; the workbook
    stays the whole record."""
    name = next((n for n in SUMMARIES if n in outputs), None)
    if job.status != "done" or name is None:
        return [], []
    from openpyxl import load_workbook

    from ..rulebook_choice import rulebook_choices

    titles = dict(rulebook_choices() + rulebook_choices("project"))
    book = load_workbook(Path(job.folder) / "output" / name, read_only=True, data_only=True)
    try:
        rows = book.worksheets[0].iter_rows(values_only=True, max_row=SUMMARY_ROWS + 1)
        head = [str(cell or "") for cell in next(rows, ())]
        table = []
        for row in rows:
            cells = ["" if cell is None else str(cell) for cell in row]
            if not any(cells):
                continue
            if "指标体系" in head:  # by its title: the workbook writes "title（id）" (an older one the id alone)
                at = head.index("指标体系")
                title, _, rid = cells[at].removesuffix("）").rpartition("（")
                cells[at] = titles.get(cells[at]) or (title if rid in titles else cells[at])
            opinion = opinion_name(cells[0])  # as tasks._reviews names it (archive.zip/报告.docx → archive.zip_报告)
            table.append((opinion if opinion in outputs else "", [in_chinese(printable(cell)) for cell in cells]))
    finally:
        book.close()
    kept = [i for i, _ in enumerate(head) if i == 0 or any(i < len(cells) and cells[i] for _, cells in table)]
    shown = [(link, [cells[i] if i < len(cells) else "" for i in kept]) for link, cells in table]
    return [head[i] for i in kept], shown


@router.get("/jobs/{job_id}")
def job_page(request: Request, actor: SignedIn, db: Db, job_id: Id):
    job = actor.scope.job(db, job_id)
    outputs = _outputs(job)
    head, table = _summary(job, outputs)
    context = {
        "job": job,
        # names from inside an archive without direction marks; the readers' messages in the page's words
        "message": in_chinese(printable(job.message or "", keep="\n")),
        "outputs": [(name, printable(name)) for name in outputs],
        "JOB_STATES": JOB_STATES,
        "head": head,
        "table": table,
    }
    return page(request, "job.html", context)


@router.get("/jobs/{job_id}/files/{name}")
def job_file(actor: SignedIn, db: Db, job_id: Id, name: str):
    job = actor.scope.job(db, job_id)
    if name not in _outputs(job):  # only a file the job page lists: no path tricks
        raise NotFound("找不到该文件。")
    return FileResponse(Path(job.folder) / "output" / name, filename=name)
