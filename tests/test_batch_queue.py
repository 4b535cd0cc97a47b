"""A province's batch across huey workers on Redis with its state in PostgreSQL (issue 15).

The test starts Debian's redis-server and a real PostgreSQL, two `jixiao batch-worker` processes, and the
coordinator. It kills one worker (SIGKILL) while that worker holds a department, and checks that nothing is
lost: the department is queued again when its lease runs out, done by the other worker, and the ranking and
the failure list equal those of the single-process `jixiao batch` over the same folder.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from jixiao.batch import queue as batch_queue
from jixiao.batch.run import rank, run_batch

from .web_support import PG_BIN, free_port, postgres_server, wait_for

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import department_tree  # noqa: E402

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None or PG_BIN is None,
    reason="needs Debian's redis-server and postgresql (scripts/setup.sh installs them)",
)


def _folder(base: Path) -> Path:
    folder = base / "province"
    folder.mkdir()
    rng = random.Random(11)
    for i in range(8):
        text = yaml.safe_dump(department_tree(i, rng), allow_unicode=True)
        (folder / f"dept{i}.yaml").write_text(text, encoding="utf-8")
    (folder / "broken.yaml").write_text("department: [unclosed\n", encoding="utf-8")
    return folder


def _comparable(done):
    """What must be identical between runs (the findings' places name each run's own output folder)."""
    return [
        (
            position,
            d.source,
            d.total,
            d.grade,
            d.subtotals,
            d.deductions,
            d.lost,
            d.missing,
            d.files,
            [(f.severity, f.source, f.message) for f in d.findings],
        )
        for position, d in rank(done)
    ]


def test_killed_worker_loses_nothing_and_results_match_one_process(tmp_path: Path, monkeypatch) -> None:
    import redis
    from sqlalchemy import select

    folder = _folder(tmp_path)
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[subprocess.Popen] = []
    try:
        url = f"redis://127.0.0.1:{port}/0"
        assert wait_for(lambda: _pings(redis, url), timeout=20)
        monkeypatch.setenv("JIXIAO_REDIS_URL", url)
        monkeypatch.setattr(batch_queue, "_HUEY", {})
        with postgres_server(tmp_path / "pg") as database:
            env = {**os.environ, "JIXIAO_REDIS_URL": url}
            log = (tmp_path / "workers.log").open("w")
            workers = [
                subprocess.Popen(
                    [sys.executable, "-m", "jixiao.cli", "batch-worker"],
                    env=env,
                    cwd=ROOT,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
                for _ in range(2)
            ]
            outcome: dict[str, object] = {}

            def coordinate() -> None:
                try:
                    outcome["result"] = batch_queue.run_distributed(
                        folder, tmp_path / "out", database_url=database, lease=8, poll=0.3, timeout=600, batch="p1"
                    )
                except Exception as exc:  # reported by the assertion below
                    outcome["error"] = exc

            engine, items = batch_queue._table(database)  # the table exists before anyone races to create it
            coordinator = threading.Thread(target=coordinate)
            coordinator.start()
            victim = workers[0]

            def victim_holds_a_department() -> bool:
                with engine.connect() as db:
                    held = db.scalars(
                        select(items.c.source).where(
                            items.c.status == batch_queue.RUNNING, items.c.worker.like(f"%:{victim.pid}")
                        )
                    ).all()
                return bool(held)

            assert wait_for(victim_holds_a_department, timeout=120), (
                f"the first worker never took a department: {outcome}; "
                + (tmp_path / "workers.log").read_text(encoding="utf-8")[-3000:]
            )
            with engine.connect() as db:
                held = db.scalars(
                    select(items.c.source).where(
                        items.c.worker.like(f"%:{victim.pid}"), items.c.status == batch_queue.RUNNING
                    )
                ).all()
            victim.send_signal(signal.SIGKILL)  # mid-department: its lease will run out
            victim.wait(timeout=30)
            coordinator.join(timeout=600)
            assert "error" not in outcome, outcome.get("error")
            distributed = outcome["result"]
            with engine.connect() as db:
                rows = {r.source: r for r in db.execute(select(items).where(items.c.batch == "p1")).all()}
            engine.dispose()
        # The department the killed worker held was done again, by the other worker.
        for source in held:
            assert rows[source].status == batch_queue.DONE and rows[source].attempts >= 2, source
            assert not rows[source].worker.endswith(f":{victim.pid}")
        assert all(r.status == batch_queue.DONE for r in rows.values())
        alone = run_batch(folder, tmp_path / "alone", jobs=1)
        assert _comparable(distributed.done) == _comparable(alone.done)  # type: ignore[union-attr]
        assert [(f.source, f.reasons) for f in distributed.failed] == [  # type: ignore[union-attr]
            (f.source, f.reasons) for f in alone.failed
        ]
        assert (tmp_path / "out" / "排名.xlsx").exists() and "broken.yaml" in (
            tmp_path / "out" / "失败清单.txt"
        ).read_text(encoding="utf-8")
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.terminate()
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
        server.terminate()
        server.wait(timeout=20)


def _pings(redis, url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url).ping())
    except redis.exceptions.ConnectionError:
        return False
