"""Load benchmark (bounded, loopback only): the web app over 2,000 departments (two years each), 20 concurrent
clients, on SQLite and on PostgreSQL (issue 15: p95 ≤ 100 ms for the dashboard, an evaluation page and a save).

Per page, in the same run against the same server (`jixiao serve`, one process per core): a static file of that
server first — the baseline: what HTTP, the framework and the loopback cost on this machine at this moment,
with no database and no page — then the bureau's dashboard (/bureau), each client's own evaluation page
(/evaluations/N, a 填报人 of that department) and a save (POST the evaluation's data text, as the editor does:
parsed, scored, versioned, audited; each client saves its own evaluation with the version it holds, each time a
new text — a comment line naming the save — so that nothing kept from an earlier save is reused). Each page
gets `--requests` requests from `--clients` keep-alive connections at once; the script prints p50/p95/p99
latency and throughput per page, and the ratio of each page's p95 to the baseline's.

Client and server share the machine's cores (2 here) and other work may run on them: the client is one
asyncio loop writing raw HTTP/1.1 (its own CPU seconds are printed: ~0.2 ms a request, against the server's
1.5–10 ms, so throttling or pinning it would free no core for the server), the server gets what is left; absolute
figures move with the machine's load (printed at the start and the end), the ratio to the baseline much less.
Not a timed test.
Run: .venv/bin/python bench/web.py [--departments 2000] [--clients 20] [--requests 400] [--only sqlite]
     [--pages save …] (the pages measured after the static file; the evaluation page is still visited for its form)
"""

from __future__ import annotations

import argparse
import asyncio
import html
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from generate import department_tree  # noqa: E402

from jixiao.files.serialize import data_to_yaml  # noqa: E402
from jixiao.model.dataset import parse_department  # noqa: E402
from jixiao.model.problems import Location  # noqa: E402
from jixiao.scoring.engine import evaluate  # noqa: E402
from jixiao.scoring.rulebook import load_rulebook  # noqa: E402
from jixiao.web.app import create_app  # noqa: E402
from jixiao.web.db import Department, Evaluation, Session, User, now  # noqa: E402
from jixiao.web.security import hash_password, hash_token  # noqa: E402
from jixiao.web.service import _cache  # noqa: E402
from tests.web_support import connections_held, free_port, group_processes, postgres_server  # noqa: E402

PAGES = ("dashboard", "evaluation", "save")  # measured after the static file (the baseline), by --pages
VARIANTS = 200  # distinct generated departments per year, repeated under 2,000 names (scores vary, work doesn't)


def populate(url: str, departments: int, clients: int) -> dict[str, object]:
    """The database: departments with two years of scored evaluations, a reviewer of their region, one 填报人 per
    client (each of their own department), and a signed-in session for each (no login: the login throttle would
    slow a burst of sign-ins from one address, as it should)."""
    app = create_app(url, enqueue=lambda *a: None)
    rng = random.Random(6)
    rulebook = load_rulebook("shenzhen-baoan/department/2023")
    made: dict[tuple[int, int], tuple[str, object]] = {}
    for year in (2022, 2023):
        for v in range(VARIANTS):
            tree = department_tree(v, rng)
            tree["department"] = {"name": f"部门{v}", "year": str(year)}
            data, _ = parse_department(tree, lambda p: Location("bench"))
            made[(year, v)] = (data_to_yaml(data), evaluate(rulebook, data))
    cookies: dict[str, str] = {}
    with app.state.factory() as db:
        rows = [Department(name=f"测试部门{i:04d}", region="测试省测试市") for i in range(departments)]
        db.add_all(rows)
        db.flush()
        evaluations: dict[int, Evaluation] = {}
        for year in (2022, 2023):
            for i, department in enumerate(rows):
                text, scored = made[(year, i % VARIANTS)]
                evaluation = Evaluation(
                    department_id=department.id,
                    year=year,
                    rulebook_id="shenzhen-baoan/department/2023",
                    data_yaml=str(text).replace(f"部门{i % VARIANTS}", department.name, 1),
                )
                evaluation.department = department
                _cache(evaluation, scored)  # type: ignore[arg-type]
                db.add(evaluation)
                if year == 2023:
                    evaluations[i] = evaluation
        password = hash_password(secrets.token_urlsafe(12))
        users = [User(username="bureau", password_hash=password, role="reviewer", region="测试省测试市")]
        users += [
            User(username=f"dept{k}", password_hash=password, role="filler", department_id=rows[k].id)
            for k in range(clients)
        ]
        db.add_all(users)
        db.flush()
        for user in users:
            token = secrets.token_urlsafe(32)
            db.add(
                Session(
                    token_hash=hash_token(token),
                    user_id=user.id,
                    csrf=secrets.token_urlsafe(32),
                    expires_at=now() + timedelta(hours=6),
                )
            )
            cookies[user.username] = token
        db.commit()
        ids = [evaluations[k].id for k in range(clients)]
    app.state.engine.dispose()
    return {"cookies": cookies, "evaluations": ids}


class Connection:
    """One keep-alive HTTP/1.1 connection: a request written, its response read (Content-Length or chunked)."""

    def __init__(self, port: int, cookie: str):
        self.port, self.cookie = port, cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: jixiao_session={self.cookie}\r\n"
        if method == "POST":
            head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            content = await self.reader.readexactly(int(headers["content-length"]))
        else:  # chunked
            parts = []
            while size := int((await self.reader.readline()).strip(), 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            content = b"".join(parts)
        if headers.get("connection") == "close":
            self.writer.close()
            self.writer = None
        return status, headers, content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _page(
    port: int, cookies: list[str], plan, requests: int, server: int | None = None
) -> tuple[list[float], float, list[int]]:
    """`plan(k, connection)` makes client k's next request and checks it; every client at once, `requests` in all.
    With `server` (its process group): how many of the connections each of its processes holds."""
    connections = [Connection(port, cookie) for cookie in cookies]
    latencies: list[float] = []
    remaining = requests

    async def client(k: int) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            start = time.perf_counter()
            await plan(k, connections[k])
            latencies.append(time.perf_counter() - start)

    for k in range(len(connections)):  # each connection opened
        await plan(k, connections[k])
    spread = connections_by_process(server, port) if server else []
    started = time.perf_counter()
    await asyncio.gather(*(client(k) for k in range(len(connections))))
    wall = time.perf_counter() - started
    for connection in connections:
        connection.close()
    return latencies, wall, spread


def _expect(status: int, wanted: int, what: str) -> None:
    if status != wanted:
        raise RuntimeError(f"{what}: HTTP {status}, expected {wanted}")


def run(
    url: str, label: str, departments: int, clients: int, requests: int, only: tuple[str, ...] = PAGES
) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "JIXIAO_DATABASE_URL": url, "JIXIAO_DATA": data}
        os.environ.update(JIXIAO_DATA=data)
        started = time.perf_counter()
        made = populate(url, departments, clients)
        print(f"[{label}] 准备数据 {time.perf_counter() - started:.1f} s", file=sys.stderr)
        cookies: dict[str, str] = made["cookies"]  # type: ignore[assignment]
        evaluation_ids: list[int] = made["evaluations"]  # type: ignore[assignment]
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "jixiao.cli", "serve", "--no-worker", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(Path(data) / "server.log").open("w"),  # shown when a request fails
            start_new_session=True,  # its own process group: its CPU seconds are read from /proc
        )
        fillers = [cookies[f"dept{k}"] for k in range(clients)]
        versions: dict[int, int] = {}
        forms: dict[int, tuple[str, str]] = {}

        async def static(k: int, c: Connection) -> None:
            status, _, _ = await c.request("GET", "/static/app.css")
            _expect(status, 200, "static")

        async def dashboard(k: int, c: Connection) -> None:
            status, _, body = await c.request("GET", "/bureau?year=2023")
            _expect(status, 200, "dashboard")
            if b"\xe6\xb5\x8b\xe8\xaf\x95\xe9\x83\xa8\xe9\x97\xa8" not in body:  # 测试部门: the ranking is there
                raise RuntimeError("dashboard without departments")

        async def evaluation(k: int, c: Connection) -> None:
            status, _, body = await c.request("GET", f"/evaluations/{evaluation_ids[k]}")
            _expect(status, 200, "evaluation page")
            if k not in forms:
                text = body.decode()
                csrf = re.search(r'name="csrf_token" value="([^"]+)"', text)
                version = re.search(r'name="version" value="(\d+)"', text)
                yaml_text = re.search(r'<textarea[^>]*name="data_yaml"[^>]*>(.*?)</textarea>', text, re.S)
                assert csrf and version and yaml_text, "the evaluation page has the editor's form"
                forms[k] = (csrf.group(1), html.unescape(yaml_text.group(1)))
                versions[k] = int(version.group(1))

        async def save(k: int, c: Connection) -> None:
            csrf, yaml_text = forms[k]
            # a new text each time (a comment line naming the save), so nothing kept from an earlier save of the
            # same text is reused: each save is parsed, scored and traced anew
            text = f"{yaml_text}\n# 第{versions[k]}次保存"
            body = urlencode({"csrf_token": csrf, "version": versions[k], "data_yaml": text}).encode()
            status, _, _ = await c.request("POST", f"/evaluations/{evaluation_ids[k]}/yaml", body)
            _expect(status, 303, f"save (version {versions[k]})")
            versions[k] += 1

        results: dict[str, dict[str, float]] = {}
        try:
            deadline = time.monotonic() + 180
            while True:  # until the server listens
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("the server did not start") from None
                    time.sleep(0.2)
            time.sleep(2)  # the workers start after the socket is bound
            pages = (
                ("静态文件（基线）/static/app.css", static, fillers),
                ("看板 /bureau?year=2023", dashboard, [cookies["bureau"]] * clients),
                ("得分页 /evaluations/N（各自部门）", evaluation, fillers),
                ("保存 POST /evaluations/N/yaml", save, fillers),
            )
            for name, plan, who in pages:
                asyncio.run(_page(port, who, plan, 2 * clients))  # warm-up: each page rendered in each process
                if plan is not static and plan.__name__ not in only:  # not measured (the save needs the page's form)
                    continue
                cpu, server_cpu = time.process_time(), group_cpu(server.pid)
                latencies, wall, spread = asyncio.run(_page(port, who, plan, requests, server.pid))
                results[name] = summary(latencies, wall, time.process_time() - cpu)
                results[name]["server_cpu"] = (group_cpu(server.pid) - server_cpu) / (requests + clients) * 1000
                results[name]["spread"] = "/".join(map(str, spread))  # type: ignore[assignment]
        except RuntimeError:
            print((Path(data) / "server.log").read_text(errors="replace")[-4000:], file=sys.stderr)
            raise
        finally:
            server.terminate()
            server.wait(timeout=20)
        return results


def group_cpu(group: int) -> float:
    """CPU seconds (user + system) of the live processes of a process group (the server and its workers)."""
    ticks = sum(int(fields[11]) + int(fields[12]) for _pid, fields in group_processes(group))
    return ticks / os.sysconf("SC_CLK_TCK")


def connections_by_process(group: int, port: int) -> list[int]:
    """How many established connections to `port` each process of the server's group holds (most first): a
    keep-alive connection stays with the process that took it."""
    counts = [connections_held(pid, port) for pid, _fields in group_processes(group)]
    return sorted((count for count in counts if count), reverse=True)


def _quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))]


def summary(latencies: list[float], wall: float, client_cpu: float) -> dict[str, float]:
    values = sorted(latencies)
    return {
        "n": len(values),
        "p50": _quantile(values, 0.50) * 1000,
        "p95": _quantile(values, 0.95) * 1000,
        "p99": _quantile(values, 0.99) * 1000,
        "rps": len(values) / wall,
        "client_cpu": client_cpu / len(values) * 1000,
    }


def report(label: str, results: dict[str, dict[str, float]]) -> None:
    base = next(iter(results.values()))
    for name, r in results.items():
        ratio = "" if r is base else f"；p95 为基线的 {r['p95'] / base['p95']:.1f} 倍"
        verdict = "" if r is base else ("，达标" if r["p95"] <= 100 else "，未达标")
        print(
            f"[{label}] {name}: {r['n']:.0f} 次，p50 {r['p50']:.0f} ms，p95 {r['p95']:.0f} ms，p99 {r['p99']:.0f} ms，"
            f"{r['rps']:.0f} 次/秒（服务端 CPU {r['server_cpu']:.1f} ms/次，客户端 {r['client_cpu']:.1f} ms/次；"
            f"各服务进程的连接数 {r['spread']}）"
            f"{ratio}{verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=list(PAGES), help="besides the static baseline")
    args = parser.parse_args()
    pages = tuple(args.pages)
    load = os.getloadavg()[0]
    print(
        f"{args.departments} 个部门（两个年度），{args.clients} 个并发客户端，每页 {args.requests} 次请求；"
        f"本机回环地址，客户端与服务端（每核一个进程）共用本机 {os.cpu_count()} 核，开始时负载 {load:.1f}。"
        "目标：看板、得分页、保存 p95 ≤ 100 ms"
    )
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            report("SQLite", run(url, "SQLite", args.departments, args.clients, args.requests, pages))
    if args.only != "sqlite":
        with tempfile.TemporaryDirectory() as tmp, postgres_server(Path(tmp)) as url:
            report("PostgreSQL", run(url, "PostgreSQL", args.departments, args.clients, args.requests, pages))
    print(f"结束时负载 {os.getloadavg()[0]:.1f}（其他任务同时占用本机的 CPU：延迟随之上升，与基线之比受影响较小）")


if __name__ == "__main__":
    main()
