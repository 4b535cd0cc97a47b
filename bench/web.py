"""Load benchmark (bounded, loopback only): 2,000 departments in the database, 20 concurrent clients on the
bureau dashboard and on one department's score page; prints p50/p95 latency on SQLite and on PostgreSQL.

Goal (issue 6): p95 under 200 ms on both. Not a timed test.
Run: .venv/bin/python bench/web.py [--departments 2000] [--clients 20] [--requests 400] [--only sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT)]

from generate import department_tree  # noqa: E402

from jixiao.files.serialize import data_to_yaml  # noqa: E402
from jixiao.model.dataset import parse_department  # noqa: E402
from jixiao.model.problems import Location  # noqa: E402
from jixiao.scoring.engine import evaluate  # noqa: E402
from jixiao.scoring.rulebook import load_rulebook  # noqa: E402
from jixiao.web.app import create_app  # noqa: E402
from jixiao.web.db import Department, Evaluation, User  # noqa: E402
from jixiao.web.security import hash_password  # noqa: E402
from jixiao.web.service import _cache  # noqa: E402
from tests.web_support import free_port, postgres_server  # noqa: E402

PASSWORD = "bench-password-1"


def populate(url: str, departments: int) -> None:
    app = create_app(url, enqueue=lambda *a: None)
    rng = random.Random(6)
    rulebook = load_rulebook("shenzhen-baoan/department/2023")
    with app.state.factory() as db:
        rows = [Department(name=f"测试部门{i:04d}", region="测试省测试市") for i in range(departments)]
        db.add_all(rows)
        db.flush()
        for year in (2022, 2023):
            for i, department in enumerate(rows):
                tree = department_tree(i, rng)
                tree["department"] = {"name": department.name, "year": str(year)}
                data, _ = parse_department(tree, lambda p: Location("bench"))
                evaluation = Evaluation(
                    department_id=department.id, year=year, rulebook_id=tree["rulebook"], data_yaml=data_to_yaml(data)
                )
                evaluation.department = department
                _cache(evaluation, evaluate(rulebook, data))
                db.add(evaluation)
            print(f"  已写入 {year} 年度 {departments} 个部门", file=sys.stderr)
        db.add(User(username="bureau", password_hash=hash_password(PASSWORD), role="reviewer", region="测试省测试市"))
        db.add(User(username="dept", password_hash=hash_password(PASSWORD), role="filler", department_id=rows[0].id))
        db.commit()
    app.state.engine.dispose()


def login(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/login")
    token = page.text.split('name="login_token" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": username, "password": PASSWORD, "login_token": token})
    if response.status_code != 303:
        raise RuntimeError(f"login failed: HTTP {response.status_code}")
    return client


def run(url: str, label: str, departments: int, clients: int, requests: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory() as data:
        env = {**os.environ, "JIXIAO_DATABASE_URL": url, "JIXIAO_DATA": data}
        os.environ.update(JIXIAO_DATA=data)
        started = time.perf_counter()
        populate(url, departments)
        print(f"[{label}] 准备数据 {time.perf_counter() - started:.1f} s", file=sys.stderr)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "jixiao.cli", "serve", "--no-worker", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    httpx.get(f"{base}/login", timeout=1)
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            evaluation_id = 1
            targets = {
                "看板 /bureau?year=2023": ("bureau", "/bureau?year=2023"),
                "得分页 /evaluations/1": ("dept", f"/evaluations/{evaluation_id}"),
            }
            results: dict[str, list[float]] = {name: [] for name in targets}
            per_client = max(1, requests // clients)

            async def worker(n: int) -> None:
                name = list(targets)[n % len(targets)]
                who, path = targets[name]
                cookies = login(base, who).cookies
                async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30) as client:
                    for _ in range(per_client):
                        start = time.perf_counter()
                        response = await client.get(path)
                        elapsed = time.perf_counter() - start
                        if response.status_code != 200:
                            raise RuntimeError(f"{path}: HTTP {response.status_code}")
                        results[name].append(elapsed)

            for _name, (who, path) in targets.items():  # warm up
                login(base, who).get(path)

            async def all_clients() -> None:  # one event loop: the client costs the shared cores little
                await asyncio.gather(*(worker(n) for n in range(clients)))

            asyncio.run(all_clients())
            return results
        finally:
            server.terminate()
            server.wait(timeout=10)


def report(label: str, results: dict[str, list[float]]) -> None:
    for name, values in results.items():
        values = sorted(values)
        p95 = values[int(len(values) * 0.95) - 1]
        print(
            f"[{label}] {name}: {len(values)} 次请求，p50 {statistics.median(values) * 1000:.0f} ms，"
            f"p95 {p95 * 1000:.0f} ms（目标 p95 < 200 ms）"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    print(
        f"{args.departments} 个部门（两个年度），{args.clients} 个并发客户端，共约 {args.requests} 次请求；本机回环地址"
    )
    if args.only != "postgresql":
        with tempfile.TemporaryDirectory() as tmp:
            report("SQLite", run(f"sqlite:///{tmp}/bench.db", "SQLite", args.departments, args.clients, args.requests))
    if args.only != "sqlite":
        with tempfile.TemporaryDirectory() as tmp, postgres_server(Path(tmp)) as url:
            report("PostgreSQL", run(url, "PostgreSQL", args.departments, args.clients, args.requests))


if __name__ == "__main__":
    main()
