"""`jixiao serve` on several processes (web/handoff.py): one acceptor hands each connection to the worker holding
the fewest, a worker that dies is started again, and a stop ends them all. Real processes and sockets; no timing."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .web_support import connections_held, free_port, group_processes

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads /proc (Linux)")


def _group(leader: int) -> list[int]:
    return [pid for pid, _fields in group_processes(leader)]


_held = connections_held


def _get(connection: http.client.HTTPConnection, path: str = "/static/app.css") -> int:
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return response.status


def _wait_for(port: int, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server ended"
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            if _get(connection, "/login") == 200:
                connection.close()
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not answer")


@pytest.fixture
def served(tmp_path):
    port = free_port()
    env = {**os.environ, "JIXIAO_DATA": str(tmp_path)}
    env.pop("JIXIAO_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "jixiao.cli", "serve", "--no-worker", "--workers", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_for(port, server)
        yield server, port
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _workers(server: subprocess.Popen) -> list[int]:
    return [pid for pid in _group(server.pid) if pid != server.pid and _is_worker(pid)]


def _is_worker(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def test_connections_opened_one_after_another_are_split_evenly(served):
    """Ten keep-alive connections, each opened after the one before has been answered (as bench/web.py opens
    them): five to each worker. With every worker accepting on one socket they went 10/10 to 17/3."""
    server, port = served
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(10)]
    for connection in connections:
        assert _get(connection) == 200
    workers = _workers(server)
    assert len(workers) == 2
    assert sorted(_held(pid, port) for pid in workers) == [5, 5]
    assert _held(server.pid, port) == 0  # the acceptor keeps none: the requests go straight to the workers
    for connection in connections[:4]:  # closed ones are counted back: the next go where there is room
        connection.close()
    deadline = time.monotonic() + 10
    while sum(_held(pid, port) for pid in workers) > 6 and time.monotonic() < deadline:
        time.sleep(0.1)
    more = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(4)]
    for connection in more:
        assert _get(connection) == 200
    assert sorted(_held(pid, port) for pid in workers) == [5, 5]
    for connection in connections[4:] + more:
        connection.close()


def test_a_worker_that_dies_is_started_again_and_a_stop_ends_them_all(served):
    server, port = served
    first = _workers(server)
    os.kill(first[0], signal.SIGKILL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        now = _workers(server)
        if len(now) == 2 and first[0] not in now:
            break
        time.sleep(0.3)
    else:
        raise AssertionError("the dead worker was not started again")
    _wait_for(port, server)
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(4)]
    for connection in connections:  # both workers serve, the new one too
        assert _get(connection) == 200
    assert sorted(_held(pid, port) for pid in _workers(server)) == [2, 2]
    for connection in connections:
        connection.close()
    server.terminate()
    assert server.wait(60) == 0
    deadline = time.monotonic() + 30
    while _group(server.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _group(server.pid), "a worker outlived the server"
    assert "Traceback" not in server.stderr.read().decode("utf-8", "replace") if server.stderr else True


def test_a_port_already_taken_is_said_in_chinese(tmp_path, capsys, monkeypatch):
    """Another program listens on the port: one Chinese sentence naming it and what to do, exit code 2."""
    import socket

    from jixiao.cli import main

    monkeypatch.setenv("JIXIAO_DATA", str(tmp_path))
    monkeypatch.delenv("JIXIAO_DATABASE_URL", raising=False)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        code = main(["serve", "--no-worker", "--workers", "2", "--port", str(port)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"127.0.0.1:{port}" in err and "端口已被其他程序占用" in err and "--port" in err
    assert "Traceback" not in err


def test_workers_that_die_at_their_start_are_paused_and_then_the_server_stops(tmp_path: Path) -> None:
    """Workers whose app cannot start (here: the database is not there) are started again after a growing pause,
    not in a loop as fast as the machine goes, and when every worker has so failed five times running the server
    stops with a Chinese sentence saying what to do. A start is told by the worker itself, not by a time: a loaded
    machine's slow start is no failure."""
    script = (
        "import sys\n"
        "from jixiao.model.problems import JixiaoError\n"
        "from jixiao.web.handoff import serve\n"
        "try:\n"
        f"    serve('jixiao.web.app:create_app', '127.0.0.1', {free_port()}, 2, pause=0.05)\n"
        "except JixiaoError as exc:\n"
        "    print(exc.problems[0].message)\n"
        "    sys.exit(3)\n"
    )
    env = {**os.environ, "JIXIAO_DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 3, done.stderr[-2000:]
    assert "网页服务进程都未能启动（每个进程连续 5 次），已停止服务" in done.stdout
    assert done.stderr.count("未能启动（连续第") == 2 * 5, done.stderr[-2000:]  # each worker five times, no more
    assert "网页服务进程无法启动" in done.stderr and "连接被拒绝" in done.stderr and "Traceback" not in done.stderr
