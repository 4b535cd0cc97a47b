"""Helpers for the web tests: a real PostgreSQL started from Debian's packages, logged-in clients."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

PG_BIN = (
    next((p for p in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)
    if Path("/usr/lib/postgresql").exists()
    else None
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def group_processes(leader: int) -> list[tuple[int, list[str]]]:
    """The live processes of a process group (a server started in a session of its own and its workers), each
    with the fields of /proc/PID/stat after its name."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == leader and fields[0] != "Z":
                found.append((int(entry), fields))
    return found


def connections_held(pid: int, port: int) -> int:
    """How many established TCP connections to `port` the process holds."""
    established = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":  # local port, ESTABLISHED
                established.add(fields[9])  # the socket's inode
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:
        return 0
    return sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in established)


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; CI runs as root, so run its tools as the `postgres` user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextmanager
def postgres_server(tmp: Path):
    """initdb + pg_ctl start on a free loopback port; yields a SQLAlchemy URL; stops and cleans up."""
    if PG_BIN is None:
        raise RuntimeError("PostgreSQL binaries not found (apt-get install postgresql)")
    # pytest's tmp_path is private to root; the postgres user needs a folder it can reach
    folder = Path(tempfile.mkdtemp(prefix="jixiao-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = free_port()
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_postgres(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(folder / "log"),
                "-w",
                "-o",
                f"-p {port} -k {folder} -c listen_addresses=127.0.0.1",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(folder, ignore_errors=True)


def login(client, username: str, password: str) -> str:
    page = client.get("/login")
    token = _field(r'name="login_token" value="([^"]+)"', page.text)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "login_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    return csrf_of(client.get("/evaluations").text)


def csrf_of(html: str) -> str:
    return _field(r'name="csrf_token" value="([^"]+)"', html)


def version_of(html: str) -> int:
    return int(_field(r'name="version" value="(\d+)"', html))


def _field(pattern: str, html: str) -> str:
    """The first group of `pattern` in a page; a page without it fails the test with the page's start."""
    found = re.search(pattern, html)
    assert found is not None, f"{pattern} not in page: {html[:300]}"
    return found.group(1)


def wait_for(predicate, timeout: float = 60) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return True
        time.sleep(0.3)
    return False


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "baoan-fulian-2023"


def as_year(text: str, year: int) -> str:
    """The example's data (评价年度 2023) as the data of `year`: the department's year line, in the stored English or
    the text editor's Chinese. An evaluation takes only its own year's data (service.other_identity)."""
    changed, count = re.subn(r"(?m)^(  (?:year|评价年度): )'?2023'?$", rf"\g<1>{year}", text, count=1)
    assert count == 1, "the example's department year line"
    return changed


def example_workbook(folder: Path, year: int, name: str = "宝安.xlsx") -> Path:
    """The 宝安 example as a filled workbook (jixiao template) of `year`."""
    from jixiao.cli import main

    source = folder / f"baoan-{year}"
    shutil.copytree(EXAMPLE, source)
    (source / "data.yaml").write_text(as_year((EXAMPLE / "data.yaml").read_text("utf-8"), year), "utf-8")
    workbook = folder / name
    assert main(["template", "--from", str(source), "--out", str(workbook)]) == 0
    return workbook


PASSWORD = "correct-horse-battery"  # every user the web tests make signs in with it
BAOAN = ("深圳市宝安区妇女联合会", "广东省深圳市宝安区")  # the example's department and its region
SHENZHEN = "广东省深圳市"  # a city bureau's 辖区, over 宝安区


def web_app(folder: Path, enqueue=lambda job_id, url: None):
    """The web app on a new SQLite database in `folder`, its stored files there too (JIXIAO_DATA); `enqueue` takes
    a job (by default none runs)."""
    from jixiao.web.app import create_app

    os.environ["JIXIAO_DATA"] = str(folder)
    return create_app(f"sqlite:///{folder / 'jixiao.db'}", enqueue=enqueue)


def add_user(app, username: str, role: str, department: tuple[str, str] | None = None, region: str = ""):
    """A user signing in with PASSWORD, unless one of that name is there already (a later test of a module may
    add them again): a 填报人 of `department` (name, region; made with them when new), a 审核人 of `region`, or an
    administrator."""
    from jixiao.web.db import Department, User
    from jixiao.web.security import hash_password

    with app.state.factory() as db:
        if db.query(User).filter_by(username=username).count():
            return
        department_id = None
        if department is not None:
            name, place = department
            found = db.query(Department).filter_by(name=name).one_or_none()
            if found is None:
                found = Department(name=name, region=place)
                db.add(found)
                db.flush()
            department_id = found.id
        db.add(
            User(
                username=username,
                password_hash=hash_password(PASSWORD),
                role=role,
                department_id=department_id,
                region=region,
            )
        )
        db.commit()


def batch_review(monkeypatch, inputs: list[Path], out: Path) -> str:
    """The bureau's batch review (web/tasks._reviews) of `inputs` into `out` without a database: the job's progress
    not recorded, the 审核意见's 落款 (the reviewer and the day, read from the database) left blank. Its message."""
    from datetime import date

    from jixiao.web import tasks

    monkeypatch.setattr(tasks, "_progress", lambda factory, job_id, **changes: None)
    monkeypatch.setattr(tasks, "_signed_by", lambda factory, job: ("", "", date(2026, 12, 2)))

    class Job:
        id = 1

    return tasks._reviews(None, Job(), inputs, out)
