"""A distributed batch never puts the database password in a task nor shows it (issue 15).

Tasks name the database without its password; a worker finds the password in its own JIXIAO_DATABASE_URL or in
a file only its owner can read (JIXIAO_DATABASE_URL_FILE); every URL shown to a user has its password masked.
"""

from __future__ import annotations

import pickle
import random
import sys
from pathlib import Path

import pytest
import yaml

from jixiao.batch import queue as batch_queue
from jixiao.batch.dburl import has_password, mask, reference, resolve
from jixiao.cli import main
from jixiao.model.problems import JixiaoError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import department_tree  # noqa: E402

SECRET = "Zx9-secret"
URL = f"postgresql+psycopg://jixiao:{SECRET}@db.example:5432/province"


def test_mask_and_reference():
    assert mask(URL) == "postgresql+psycopg://jixiao:***@db.example:5432/province"
    assert reference(URL) == "postgresql+psycopg://jixiao@db.example:5432/province"
    assert has_password(URL) and not has_password(reference(URL))
    # A password holding '@' runs to the last '@' before the host; Redis URLs carry a password with no user.
    assert mask("postgresql://u:p@ss@h/db") == "postgresql://u:***@h/db"
    assert mask("redis://:pw@127.0.0.1:6379/0") == "redis://:***@127.0.0.1:6379/0"
    # Inside a message, every URL is masked; a URL without a password and a SQLite path are left as they are.
    assert (
        mask(f"连接{URL}失败，或 redis://:pw@h:1/0")
        == "连接postgresql+psycopg://jixiao:***@db.example:5432/province失败，或 redis://:***@h:1/0"
    )
    for plain in ("postgresql://u@h/db", "sqlite:////tmp/批量/batch.db"):
        assert mask(plain) == plain == reference(plain)


def test_a_worker_resolves_the_reference_from_its_own_configuration(tmp_path, monkeypatch):
    monkeypatch.delenv("JIXIAO_DATABASE_URL", raising=False)
    monkeypatch.delenv("JIXIAO_DATABASE_URL_FILE", raising=False)
    ref = reference(URL)
    assert resolve(ref) == ref  # nothing configured: the reference as it is (PostgreSQL reads ~/.pgpass)
    monkeypatch.setenv("JIXIAO_DATABASE_URL", "postgresql+psycopg://jixiao:x@other.host/province")
    assert resolve(ref) == ref  # configured for another database: not used
    monkeypatch.setenv("JIXIAO_DATABASE_URL", URL)
    assert resolve(ref) == URL
    monkeypatch.delenv("JIXIAO_DATABASE_URL")
    private = tmp_path / "db-url"
    private.write_text(URL + "\n", encoding="utf-8")
    private.chmod(0o600)
    monkeypatch.setenv("JIXIAO_DATABASE_URL_FILE", str(private))
    assert resolve(ref) == URL


def test_a_file_others_can_read_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("JIXIAO_DATABASE_URL", raising=False)
    shared = tmp_path / "db-url"
    shared.write_text(URL, encoding="utf-8")
    shared.chmod(0o644)
    monkeypatch.setenv("JIXIAO_DATABASE_URL_FILE", str(shared))
    with pytest.raises(JixiaoError) as info:
        resolve(reference(URL))
    problem = info.value.problems[0]
    assert str(shared) in str(problem.location) and "chmod 600" in problem.message and SECRET not in problem.message


def test_tasks_carry_no_password(tmp_path, monkeypatch):
    """The coordinator queues two departments; what huey would store in Redis (the pickled arguments) holds the
    address without the password, and the worker, configured with the full URL, connects and finishes both."""
    folder = tmp_path / "in"
    folder.mkdir()
    rng = random.Random(3)
    for i in range(2):
        text = yaml.safe_dump(department_tree(i, rng), allow_unicode=True)
        (folder / f"dept{i}.yaml").write_text(text, encoding="utf-8")
    # The state table lives in SQLite here, registered under the PostgreSQL URL the batch is given.
    monkeypatch.setattr(batch_queue, "_TABLES", {URL: batch_queue._make_table(f"sqlite:///{tmp_path / 'state.db'}")})
    stored: list[bytes] = []

    class Queue:
        def pending_count(self) -> int:
            return 0

    def task(*args):
        stored.append(pickle.dumps(args))  # what a task's message holds
        batch_queue.process_item(*pickle.loads(stored[-1]))  # a worker takes it at once

    monkeypatch.setattr(batch_queue, "_HUEY", {"huey": Queue(), "task": task})
    monkeypatch.setenv("JIXIAO_DATABASE_URL", URL)  # the worker's own configuration
    result = batch_queue.run_distributed(
        folder, tmp_path / "out", database_url=URL, formats=(), review=False, poll=0.01, timeout=60
    )
    assert [d.source for d in result.done] == ["dept0.yaml", "dept1.yaml"] and not result.failed
    assert len(stored) == 2
    assert all(SECRET.encode() not in message for message in stored)
    assert all(reference(URL).encode() in message for message in stored)


def test_cli_masks_the_password_when_the_database_is_unreachable(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("JIXIAO_DATABASE_URL", raising=False)
    # `batch --queue` sets JIXIAO_REDIS_URL for its process (the queue module reads it); set it here first so
    # that monkeypatch puts the variable back as it was and no later test in this process meets port 1
    monkeypatch.setenv("JIXIAO_REDIS_URL", "redis://127.0.0.1:1/0")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "dept.yaml").write_text(yaml.safe_dump(department_tree(0, random.Random(1))), encoding="utf-8")
    unreachable = f"postgresql+psycopg://jixiao:{SECRET}@127.0.0.1:1/province"  # port 1: refused at once
    code = main(["batch", str(folder), "--queue", "redis://127.0.0.1:1/0", "--database", unreachable])
    captured = capsys.readouterr()
    assert code == 2
    assert SECRET not in captured.out + captured.err
    assert "jixiao:***@127.0.0.1:1/province" in captured.err and "Traceback" not in captured.err
    assert "JIXIAO_DATABASE_URL" in captured.err  # the advice against a password on the command line
