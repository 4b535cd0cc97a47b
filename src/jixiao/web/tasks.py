"""Long jobs in a real task queue outside the web process: huey, with SQLite storage in the data folder by
default, or Redis (JIXIAO_REDIS_URL) to add worker machines. Run a worker with `jixiao worker`.

A job works on the files uploaded into its folder and records its progress in the database after each
file, so the page shows it and the results stay when the browser is closed.
"""

from __future__ import annotations

import os
import traceback
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from sqlalchemy import select

from .db import AuditEntry, Department, Job, User, data_dir, make_engine, session_factory

__all__ = ["enqueue_job", "huey", "run_job"]


def _make_huey():
    url = os.environ.get("JIXIAO_REDIS_URL")
    if url:
        return RedisHuey("jixiao", url=url)
    path = data_dir() / "huey.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("jixiao", filename=str(path))


huey = _make_huey()


def _progress(factory, job_id: int, **changes) -> None:
    with factory() as db:
        job = db.get(Job, job_id)
        for key, value in changes.items():
            setattr(job, key, value)
        db.commit()


def _reviews(factory, job: Job, inputs: list[Path], output: Path) -> str:
    from ..fileio import write_atomic
    from ..problems import JixiaoError
    from ..review import review_file
    from ..review.output import opinion_docx, summary_workbook

    results = []
    for i, path in enumerate(inputs, 1):
        try:
            result = review_file(path)
            results.append((path, result))
            write_atomic(output / f"{path.stem}_审核意见.docx", opinion_docx(result))
        except JixiaoError as exc:
            results.append((path, exc))
        _progress(factory, job.id, done=i)
    write_atomic(output / "审核汇总.xlsx", summary_workbook(results))
    return f"已审核 {len(inputs)} 份报告。"


def _workbooks(factory, job: Job, inputs: list[Path], output: Path) -> str:
    """Workbooks filled by departments: each becomes (or updates) that department's evaluation."""
    from openpyxl import Workbook

    from ..excel_in import read_workbook
    from ..problems import JixiaoError, has_errors
    from ..serialize import data_to_yaml
    from .service import _cache, get_or_create_evaluation, load

    summary = Workbook()
    ws = summary.active
    ws.title = "导入结果"
    ws.append(["文件", "部门", "年度", "总分", "等级", "结果"])
    for i, path in enumerate(inputs, 1):
        with factory() as db:
            uploader = db.get(User, job.created_by) if job.created_by else None
            try:
                data, problems = read_workbook(path)
                if has_errors(problems):
                    raise JixiaoError(problems)
                name, year = data.name, data.year
                department = db.scalar(select(Department).where(Department.name == name))
                if department is None:
                    department = Department(name=name, region=uploader.region if uploader else "")
                    db.add(department)
                    db.flush()
                rulebook = data.get("rulebook") or "hunan/department/2023"
                evaluation = get_or_create_evaluation(db, department, year, rulebook)
                evaluation.data_yaml = data_to_yaml(data)
                evaluation.version += 1
                _cache(evaluation, load(evaluation).scored)
                db.add(
                    AuditEntry(
                        user_id=uploader.id if uploader else None,
                        action="import",
                        target=f"evaluation:{evaluation.id}",
                        detail=f"批量导入 {path.name}",
                    )
                )
                db.commit()
                ws.append([path.name, name, year, evaluation.total, evaluation.grade, "已导入"])
            except JixiaoError as exc:
                db.rollback()
                ws.append([path.name, "", "", "", "", "；".join(p.format() for p in exc.problems[:5])])
        _progress(factory, job.id, done=i)
    summary.save(output / "导入结果.xlsx")
    return f"已处理 {len(inputs)} 个工作簿。"


def run_job(job_id: int, database_url: str) -> None:
    engine = make_engine(database_url)
    factory = session_factory(engine)
    with factory() as db:
        job = db.get(Job, job_id)
        folder = Path(job.folder)
        note = job.message
    inputs = sorted(p for p in (folder / "input").iterdir() if p.is_file())
    output = folder / "output"
    output.mkdir(exist_ok=True)
    _progress(factory, job_id, status="running", total=len(inputs), done=0)
    try:
        message = (_reviews if job.kind == "reviews" else _workbooks)(factory, job, inputs, output)
        _progress(factory, job_id, status="done", message="\n".join(x for x in (note, message) if x))
    except Exception as exc:  # the job records its failure; the worker keeps running
        _progress(factory, job_id, status="failed", message=f"任务失败：{type(exc).__name__}: {exc}")
        (output / "error.txt").write_text(traceback.format_exc(), encoding="utf-8")
    engine.dispose()


@huey.task()
def run_job_task(job_id: int, database_url: str) -> None:
    run_job(job_id, database_url)


def enqueue_job(job_id: int, database_url: str) -> None:
    run_job_task(job_id, database_url)
