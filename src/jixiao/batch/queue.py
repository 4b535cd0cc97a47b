"""A province's batch across machines: one task per department on huey workers over Redis, the state in a database.

The coordinator (`run_distributed`, `jixiao batch DIR --queue redis://… --database postgresql+psycopg://…`)
records every department of the folder as a row (待处理) and queues one task each. A worker
(`jixiao batch-worker`, as many as wanted, on any machine that sees the same folder at the same path)
claims a row by taking a lease, runs exactly what `jixiao batch` runs for one department (`batch.score_one`),
and stores the outcome in the row. Nothing is lost when a worker dies: a row whose lease ran out, or that was
queued and never claimed, is queued again by the coordinator, and a late duplicate finds the row done and does
nothing. When every row is done the coordinator writes the same 排名.xlsx and 失败清单.txt as the
single-machine batch, in the same order, from the same records.

A task names the database without its password (`dburl.reference`); each worker takes the password from its
own JIXIAO_DATABASE_URL, a file only its owner can read (JIXIAO_DATABASE_URL_FILE) or PostgreSQL's ~/.pgpass, so
no password is stored in Redis nor shown in a log.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from dataclasses import asdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from jixiao.batch.dburl import reference, resolve
from jixiao.batch.run import (
    RANKING_NAME,
    BatchResult,
    Done,
    Failed,
    Finding,
    find_departments,
    score_one,
    write_failures,
    write_ranking,
)

__all__ = ["decode", "encode", "get_huey", "process_item", "run_distributed", "run_worker"]

PENDING, RUNNING, DONE = "待处理", "处理中", "完成"
MAX_ATTEMPTS = 3


def encode(result: Done | Failed) -> str:
    """A department's outcome as JSON, Decimals as text so that nothing is rounded on the way."""
    kind = "done" if isinstance(result, Done) else "failed"
    return json.dumps({"kind": kind, **asdict(result)}, ensure_ascii=False, default=str)


def decode(text: str) -> Done | Failed:
    raw: dict[str, Any] = json.loads(text)
    if raw.pop("kind") == "failed":
        return Failed(raw["source"], tuple(raw["reasons"]))

    def number(value: Any) -> Decimal | None:
        return None if value is None else Decimal(value)

    return Done(
        raw["source"],
        raw["department"],
        raw["year"],
        raw["rulebook"],
        number(raw["total"]),
        Decimal(raw["total_weight"]),
        raw["grade"],
        tuple((name, number(score)) for name, score in raw["subtotals"]),
        raw["deductions"],
        Decimal(raw["lost"]),
        tuple(raw["missing"]),
        tuple(Finding(**f) for f in raw["findings"]),
        tuple(raw["files"]),
    )


_TABLES: dict[str, Any] = {}


def _table(database_url: str):
    """The engine and the batch_items table (created when missing), once per process and database."""
    if database_url not in _TABLES:
        _TABLES[database_url] = _make_table(database_url)
    return _TABLES[database_url]


def _make_table(database_url: str):
    from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine  # heavy: on use

    engine = create_engine(database_url, pool_pre_ping=True)
    items = Table(
        "batch_items",
        MetaData(),
        Column("batch", String(64), primary_key=True),
        Column("source", String(1024), primary_key=True),
        Column("status", String(16), nullable=False),
        Column("attempts", Integer, nullable=False, default=0),
        Column("lease_until", Float, nullable=False, default=0.0),
        Column("queued_at", Float, nullable=False, default=0.0),
        Column("worker", String(255), nullable=False, default=""),  # host:pid holding or last holding the row
        Column("result", Text),
    )
    items.metadata.create_all(engine)
    return engine, items


_HUEY: dict[str, Any] = {}


def get_huey():
    """The batch queue (huey on Redis at JIXIAO_REDIS_URL) with its one task, made on first use."""
    if "huey" not in _HUEY:
        from huey import RedisHuey  # heavy: only for a distributed batch

        url = os.environ.get("JIXIAO_REDIS_URL", "redis://127.0.0.1:6379/0")
        instance = RedisHuey("jixiao-batch", url=url, results=False)
        _HUEY["task"] = instance.task(retries=2, retry_delay=1)(process_item)
        _HUEY["huey"] = instance
    return _HUEY["huey"]


def __getattr__(name: str):
    # `huey_consumer jixiao.batch.queue.huey` finds the instance here (PEP 562), made only when asked for.
    if name == "huey":
        return get_huey()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run_worker(workers: int = 1) -> None:
    """A worker: takes departments from the queue until stopped (Ctrl-C or SIGTERM)."""
    get_huey().create_consumer(workers=workers, worker_type="process" if workers > 1 else "thread").run()


def process_item(database: str, batch: str, source: str, job: dict[str, Any], lease: float) -> str:
    """Claim one department's row, score, report and review it, store the outcome; a taken or done row is left be.

    `database` is the database's URL without its password (`dburl.reference`): the worker connects with the URL
    it was configured with when that names the same database (`dburl.resolve`)."""
    from sqlalchemy import and_, or_, update  # heavy: only in a worker

    engine, items = _table(resolve(database))
    now = time.time()
    key = and_(items.c.batch == batch, items.c.source == source)
    with engine.begin() as db:
        claimed = db.execute(
            update(items)
            .where(key, or_(items.c.status == PENDING, and_(items.c.status == RUNNING, items.c.lease_until < now)))
            .values(
                status=RUNNING,
                lease_until=now + lease,
                attempts=items.c.attempts + 1,
                worker=f"{socket.gethostname()}:{os.getpid()}",
            )
        ).rowcount
    if not claimed:
        return "skipped"
    folder = Path(job["folder"])
    result = score_one(
        folder / source, folder, Path(job["out"]), job["rulebook_id"], tuple(job["formats"]), job["review"]
    )
    with engine.begin() as db:
        db.execute(update(items).where(key, items.c.status == RUNNING).values(status=DONE, result=encode(result)))
    return "done"


def _enqueue(database_url: str, batch: str, source: str, job: dict[str, Any], lease: float) -> None:
    """One department's task; its payload (kept in Redis until a worker takes it) names the database without the
    password."""
    get_huey()
    _HUEY["task"](reference(database_url), batch, source, job, lease)


def run_distributed(
    folder: Path,
    out: Path,
    *,
    database_url: str,
    rulebook_id: str | None = None,
    formats: tuple[str, ...] = ("docx", "xlsx"),
    review: bool = True,
    lease: float = 300.0,
    poll: float = 0.5,
    timeout: float | None = None,
    progress=None,
    batch: str | None = None,
) -> BatchResult:
    """Queue every department of `folder`, wait until each row is done (queueing lost ones again), write the outputs.

    `lease` is how long a worker may hold a department before it counts as lost (set it well above the slowest
    department); `batch` names the run, so that a coordinator started again with the same name resumes it.
    """
    from sqlalchemy import insert, select, update  # heavy: on use

    folder, out = Path(folder).resolve(), Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    batch = batch or uuid.uuid4().hex
    job = {
        "folder": str(folder),
        "out": str(out),
        "rulebook_id": rulebook_id,
        "formats": list(formats),
        "review": review,
    }
    sources = [str(p.relative_to(folder)) for p in find_departments(folder)]
    engine, items = _table(database_url)
    now = time.time()
    with engine.begin() as db:
        known = set(db.scalars(select(items.c.source).where(items.c.batch == batch)))
        fresh = [s for s in sources if s not in known]
        if fresh:
            db.execute(
                insert(items),
                [
                    {
                        "batch": batch,
                        "source": s,
                        "status": PENDING,
                        "attempts": 0,
                        "lease_until": 0.0,
                        "queued_at": now,
                        "worker": "",
                    }
                    for s in fresh
                ],
            )
    for source in sources:
        _enqueue(database_url, batch, source, job, lease)
    started = time.monotonic()
    while True:
        now = time.time()
        with engine.begin() as db:
            rows = db.execute(
                select(items.c.source, items.c.status, items.c.lease_until, items.c.queued_at, items.c.attempts).where(
                    items.c.batch == batch
                )
            ).all()
            # A department that took its worker down `MAX_ATTEMPTS` times is a failure of its own, not a retry.
            given_up = [
                r.source for r in rows if r.status == RUNNING and r.lease_until < now and r.attempts >= MAX_ATTEMPTS
            ]
            for source in given_up:
                failed = Failed(
                    source, (f"处理 {MAX_ATTEMPTS} 次均未完成（worker 中断或超过 {lease:.0f} 秒），请单独检查该文件。",)
                )
                db.execute(
                    update(items)
                    .where(items.c.batch == batch, items.c.source == source)
                    .values(status=DONE, result=encode(failed))
                )
            rows = [r for r in rows if r.source not in given_up]
            # A row is lost when its worker died holding it (lease ran out), or when the queue is empty and the row
            # was never claimed (its message went with a worker that died before claiming it).
            drained = get_huey().pending_count() == 0
            lost = [
                r.source
                for r in rows
                if (r.status == RUNNING and r.lease_until < now)
                or (r.status == PENDING and drained and r.queued_at + poll * 4 < now)
            ]
            if lost:
                db.execute(update(items).where(items.c.batch == batch, items.c.source.in_(lost)).values(queued_at=now))
        for source in lost:  # a worker died holding it, or the message went with a worker before it was claimed
            _enqueue(database_url, batch, source, job, lease)
        done, total = sum(1 for r in rows if r.status == DONE) + len(given_up), len(rows) + len(given_up)
        if progress:
            progress(done, total)
        if done == total:
            break
        if timeout is not None and time.monotonic() - started > timeout:
            raise TimeoutError(f"批量任务 {batch} 在 {timeout:.0f} 秒内未完成：{done}/{total}")
        time.sleep(poll)
    with engine.begin() as db:
        stored = dict(db.execute(select(items.c.source, items.c.result).where(items.c.batch == batch)).all())
    engine.dispose()
    results = [decode(stored[s]) for s in sources]
    result = BatchResult([r for r in results if isinstance(r, Done)], [r for r in results if isinstance(r, Failed)])
    result.files.append(write_ranking(result.done, result.failed, out / RANKING_NAME))
    result.files.append(write_failures(result.failed, out / "失败清单.txt"))
    return result
