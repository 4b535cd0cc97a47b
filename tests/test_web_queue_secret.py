"""The web app's task queue never holds the database password (the batch queue's rule, batch/dburl.py)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_a_queued_job_carries_the_address_without_its_password(tmp_path):
    env = {**os.environ, "JIXIAO_DATA": str(tmp_path)}
    env.pop("JIXIAO_REDIS_URL", None)  # huey's SQLite storage in the data folder, read back below
    script = (
        "from jixiao.web.tasks import enqueue_job\n"
        "enqueue_job(7, 'postgresql+psycopg://jixiao:S3cret-pw@db.example/jixiao')\n"
    )
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    stored = (tmp_path / "huey.db").read_bytes()
    assert b"S3cret-pw" not in stored
    assert b"postgresql+psycopg://jixiao@db.example/jixiao" in stored


def test_the_worker_takes_the_password_from_its_own_configuration(monkeypatch):
    from jixiao.batch import dburl

    url = "postgresql+psycopg://jixiao:S3cret-pw@db.example/jixiao"
    monkeypatch.setenv(dburl.DATABASE_ENV, url)
    assert dburl.resolve(dburl.reference(url)) == url
