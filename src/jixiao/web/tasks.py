"""Long jobs in a real task queue outside the web process: huey, with SQLite storage in the data folder by
default, or Redis (JIXIAO_REDIS_URL) to add worker machines. Run a worker with `jixiao worker`.

A job works on the files uploaded into its folder and records its progress in the database after each
file, so the page shows it and the results stay when the browser is closed.
"""

from __future__ import annotations

import logging
import os
from datetime import UTC, date
from pathlib import Path

from huey import RedisHuey, SqliteHuey

from .db import Job, User, data_dir, make_engine, private_dir, private_file, session_factory

__all__ = ["enqueue_job", "huey", "run_job"]


def _make_huey():
    url = os.environ.get("JIXIAO_REDIS_URL")
    if url:
        return RedisHuey("jixiao", url=url)
    path = data_dir() / "huey.db"
    if not path.parent.exists():
        private_dir(path.parent)
    private_file(path)  # the queue holds job ids and the database address: owner only
    return SqliteHuey("jixiao", filename=str(path))


huey = _make_huey()
# a job whose every file was refused as it was uploaded (wrong kind, damaged, too large): not 已审核 0 份报告
NOTHING_LEFT = "没有可{what}：上传的文件都未通过检查，原因见上。请按提示处理后重新上传。"
log = logging.getLogger("jixiao.web.tasks")


def _progress(factory, job_id: int, **changes) -> None:
    with factory() as db:
        job = db.get(Job, job_id)
        for key, value in changes.items():
            setattr(job, key, value)
        db.commit()


def _reviews(factory, job: Job, inputs: list[Path], output: Path) -> str:
    from jixiao.files.fileio import write_atomic
    from jixiao.model.problems import JixiaoError, Location, Problem

    from ..review import ReviewResult
    from ..review.output import opinion_docx, review_folder, shown_name, summary_workbook
    from ..review.tableparts import review_file_tables
    from .uploads import opinion_name

    signed = _signed_by(factory, job)
    results: list[tuple[Path, ReviewResult | JixiaoError]] = []
    for i, path in enumerate(inputs, 1):
        try:
            if path.suffix.lower() in (".zip", ".7z", ".rar", ".eml"):  # a department's documents in one archive
                for shown, one in review_folder(path):
                    results.append((shown, one))
                    if not isinstance(one, JixiaoError):  # named as the job page finds it
                        write_atomic(output / opinion_name(shown_name(shown)), opinion_docx(one, *signed))
                _progress(factory, job.id, done=i)
                continue
            tables = review_file_tables(path)  # a department's workbook of several projects: a review a table
            if len(tables) == 1:
                results.append((path, tables[0]))
                write_atomic(output / f"{path.stem}_审核意见.docx", opinion_docx(tables[0], *signed))
            else:  # each named 项目表.xlsx/工作表名, as the job page finds it
                for result in tables:
                    results.append((result.path, result))
                    write_atomic(output / opinion_name(shown_name(result.path)), opinion_docx(result, *signed))
        except JixiaoError as exc:
            results.append((path, exc))
        except Exception:
            log.exception("review of %s failed", path.name)
            results.append(
                (
                    path,
                    JixiaoError(
                        [Problem("review.unreadable", "文件已损坏或格式不受支持，无法审核。", Location(path.name))]
                    ),
                )
            )
        _progress(factory, job.id, done=i)
    write_atomic(output / "审核汇总.xlsx", summary_workbook(results))
    unread = sum(1 for _, result in results if isinstance(result, JixiaoError))
    if not inputs:  # every file was refused as it was uploaded: the reasons are the job's note, above
        return NOTHING_LEFT.format(what="审核的报告")
    if unread:  # not counted as reviewed: the page's table says why each could not be read
        return f"已审核 {len(results) - unread} 份报告；{unread} 个文件无法读取，原因见下表的“说明”。"
    return f"已审核 {len(results)} 份报告。"


def _signed_by(factory, job: Job) -> tuple[str, str, date]:
    """The 审核意见's 落款: the unit the job's creator signs for (审核单位, set by the administrator), the creator's
    name, and the day the job was made in Beijing time (written 2026年12月2日)."""
    from .timefmt import SHANGHAI

    with factory() as db:
        user = db.get(User, job.created_by) if job.created_by else None
        unit, name = (user.unit, user.display_name) if user else ("", "")
    made = job.created_at.replace(tzinfo=UTC).astimezone(SHANGHAI).date()
    return unit, name, made


def _import_one(db, uploader: User, path: Path) -> list[str | int | None]:
    """One workbook into its department's evaluation, through the service's one write path: a row of the summary."""
    from jixiao.files.excel_in import read_workbook
    from jixiao.files.serialize import data_to_yaml
    from jixiao.model.problems import JixiaoError, Severity, has_errors

    from .rulebook_choice import default_rulebook
    from .scope import Scope
    from .service import create_evaluation, write

    data, problems = read_workbook(path)
    if has_errors(problems):
        raise JixiaoError(problems)
    name, year = data.name, data.year
    if year is None:  # a required field: has_errors above refuses a workbook without it
        return [path.name, name, "", "", "", "未导入：工作簿未填写评价年度。请补充后重新上传。"]
    department = Scope(uploader).department_named(db, name)
    if department is None:
        return [
            path.name,
            name,
            year,
            "",
            "",
            f"未导入：辖区内没有名为“{name}”的部门。请核对单位名称，或请管理员先添加该部门。",
        ]
    rulebook = data.get("rulebook") or default_rulebook(department.region, int(year))[0]
    if not rulebook:
        return [path.name, name, year, "", "", "未导入：工作簿未写明指标体系，且没有适用于该部门地区的指标体系。"]
    evaluation, _ = create_evaluation(db, uploader, department, int(year), str(rulebook), via="batch", source=path.name)
    loaded = write(
        db,
        uploader,
        evaluation,
        via="batch",
        source=path.name,
        expected_version=evaluation.version,
        data_yaml=data_to_yaml(data),
    )
    if has_errors(loaded.problems):
        raise JixiaoError([p for p in loaded.problems if p.severity is Severity.ERROR])
    return [path.name, name, year, evaluation.total, evaluation.grade, "已导入"]


def _said(problem) -> str:
    """A problem as the summary workbook says it: the place in the user's words, then the message."""
    from .forms import problem_place

    place = problem_place(problem)
    return f"{place}：{problem.message}" if place else problem.message


def _workbooks(factory, job: Job, inputs: list[Path], output: Path) -> str:
    """Workbooks filled by departments: each becomes (or updates) that department's evaluation, with the rights
    of the job's creator (a reviewer: departments of their region, never over a submitted or approved one)."""
    from openpyxl import Workbook

    from jixiao.model.problems import JixiaoError
    from jixiao.report.xlsx_out import safe_text

    from .service import Conflict, Denied

    summary = Workbook()
    ws = summary.active
    ws.title = "导入结果"
    ws.append(["文件", "部门", "年度", "总分", "等级", "结果"])
    imported, lines = 0, []
    for i, path in enumerate(inputs, 1):
        with factory() as db:
            uploader = db.get(User, job.created_by) if job.created_by else None
            try:
                if uploader is None:
                    raise Denied("任务没有创建人，未导入。")
                row = _import_one(db, uploader, path)
                db.commit()
                imported += row[-1] == "已导入"
            except JixiaoError as exc:
                db.rollback()
                row = [path.name, "", "", "", "", "；".join(_said(p) for p in exc.problems[:5])]
            except Denied as exc:
                db.rollback()
                row = [path.name, "", "", "", "", f"未导入：{exc}"]
            except Conflict:  # someone saved that evaluation while this one was being imported
                db.rollback()
                row = [path.name, "", "", "", "", "未导入：该部门的自评正被他人同时修改。请稍后重新导入该工作簿。"]
            except Exception:
                db.rollback()
                log.exception("import of %s failed", path.name)
                row = [
                    path.name,
                    "",
                    "",
                    "",
                    "",
                    "未导入：工作簿已损坏，无法读取。请用 Excel/WPS 另存为 .xlsx 后重新上传。",
                ]
            # a file's name and what its workbook says are the uploader's: =HYPERLINK(…) stays text, not a formula
            ws.append([safe_text(v) if isinstance(v, str) else v for v in row])
            score = f"（{row[3]}分 {row[4]}）" if row[3] else ""
            lines.append(f"{row[0]}：{row[5]}{score}")
        _progress(factory, job.id, done=i)
    fd = os.open(output / "导入结果.xlsx", os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        summary.save(handle)
    if not inputs:
        return NOTHING_LEFT.format(what="导入的工作簿")
    return "\n".join([f"已处理 {len(inputs)} 个工作簿，导入 {imported} 个：", *lines])


def run_job(job_id: int, database_url: str) -> None:
    engine = make_engine(database_url)
    factory = session_factory(engine)
    with factory() as db:
        job = db.get(Job, job_id)
        folder = Path(job.folder)
        note = job.message
    inputs = sorted(p for p in (folder / "input").iterdir() if p.is_file())
    output = private_dir(folder / "output")
    _progress(factory, job_id, status="running", total=len(inputs), done=0)
    try:
        message = (_reviews if job.kind == "reviews" else _workbooks)(factory, job, inputs, output)
        _progress(factory, job_id, status="done", message="\n".join(x for x in (note, message) if x))
    except Exception:  # the job records its failure (without internals); the worker keeps running
        log.exception("job %s failed", job_id)
        _progress(
            factory, job_id, status="failed", message="任务失败：处理过程中出现内部错误，请联系管理员查看服务器日志。"
        )
    engine.dispose()


@huey.task()
def run_job_task(job_id: int, database: str) -> None:
    from jixiao.batch import dburl  # the password is supplied by the worker's own configuration

    run_job(job_id, dburl.resolve(database))


def enqueue_job(job_id: int, database_url: str) -> None:
    """Queue a job. The task carries the database address without its password (batch/dburl.py): the queue
    (a file, or Redis shared by machines) never holds it; the worker reads it from JIXIAO_DATABASE_URL (or the
    owner-only file JIXIAO_DATABASE_URL_FILE, or ~/.pgpass)."""
    from jixiao.batch import dburl  # only when a job is queued

    run_job_task(job_id, dburl.reference(database_url))
