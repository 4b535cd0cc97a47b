"""`jixiao serve`, `jixiao worker` and `jixiao user`: the web app's commands (thin)."""

from __future__ import annotations

import argparse
import os
import sys

__all__ = ["cmd_serve", "cmd_user", "cmd_worker", "ensure_admin"]


def ensure_admin(factory) -> str | None:
    """Create the first administrator when there is no user; return its password (shown once)."""
    import secrets

    from sqlalchemy import func, select  # the database layer loads for the web commands only, not at start-up

    from .db import User
    from .security import hash_password

    with factory() as db:
        if db.scalar(select(func.count()).select_from(User)):
            return None
        password = secrets.token_urlsafe(12)
        db.add(
            User(
                username="admin",
                display_name="系统管理员",
                password_hash=hash_password(password),
                role="admin",
                must_change_password=True,
            )
        )
        db.commit()
        return password


def cmd_serve(args: argparse.Namespace) -> int:
    import subprocess

    if args.data:
        os.environ["JIXIAO_DATA"] = args.data
    from .app import create_app
    from .db import data_dir, database_url

    app = create_app()
    password = ensure_admin(app.state.factory)
    where = database_url() if os.environ.get("JIXIAO_DATABASE_URL") else str(data_dir() / "jixiao.db")
    print(f"数据库：{where}")
    if password:
        print(f"已创建初始管理员：用户名 admin，密码 {password}（只显示这一次；首次登录须修改密码）")
    worker = None
    if not args.no_worker:
        worker = subprocess.Popen([sys.executable, "-m", "jixiao.cli", "worker"], env=os.environ.copy())
        print("任务队列 worker 已在独立进程中启动。")
    print(f"请在浏览器中打开 http://{args.host}:{args.port}/")
    app.state.engine.dispose()
    try:
        if os.environ.get("JIXIAO_ACCEPT") == "shared":  # uvicorn's own shared socket, for an A/B (bench/web.py)
            import uvicorn

            uvicorn.run(
                "jixiao.web.app:create_app",
                factory=True,
                host=args.host,
                port=args.port,
                workers=max(1, args.workers),
                log_level="warning",
                access_log=False,  # not shown at this level anyway; the audit log records what matters
            )
        else:  # one acceptor, `workers` processes each building its app from the same environment (handoff.py)
            from .handoff import serve

            serve("jixiao.web.app:create_app", args.host, args.port, max(1, args.workers))
    finally:
        if worker is not None:
            worker.terminate()
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from huey.consumer import Consumer

    from .tasks import huey

    print("任务队列 worker 运行中（Ctrl+C 停止）。", file=sys.stderr)
    Consumer(huey, workers=args.workers, worker_type="thread").run()
    return 0


def cmd_user(args: argparse.Namespace) -> int:
    import secrets

    from sqlalchemy import select

    from .app import create_app
    from .db import Department, User
    from .security import hash_password

    factory = create_app().state.factory
    with factory() as db:
        user = db.scalar(select(User).where(User.username == args.username))
        password = args.password or secrets.token_urlsafe(12)
        if user is None:
            department = None
            if args.department:
                department = db.scalar(select(Department).where(Department.name == args.department))
                if department is None:
                    department = Department(name=args.department, region=args.region or "")
                    db.add(department)
                    db.flush()
            user = User(
                username=args.username,
                display_name=args.name or "",
                role=args.role,
                region=args.region or "",
                unit=args.unit or "",
                department_id=department.id if department else None,
                password_hash=hash_password(password),
            )
            db.add(user)
            print(f"已创建用户 {args.username}（{args.role}），密码：{password}")
        else:
            user.password_hash = hash_password(password)
            print(f"已重设用户 {args.username} 的密码：{password}")
        db.commit()
    return 0


def add_parsers(add) -> None:
    p = add("serve", "启动网页版（默认 SQLite；JIXIAO_DATABASE_URL 指定 PostgreSQL）", cmd_serve)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--data", help="数据目录（默认 ./data）")
    p.add_argument("--no-worker", action="store_true", help="不在本机启动任务队列 worker")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="网页服务进程数（默认等于 CPU 核数）")
    p = add("worker", "运行任务队列 worker（批量报告、批量审核）", cmd_worker)
    p.add_argument("--workers", type=int, default=2)
    p = add("user", "新建用户或重设密码", cmd_user)
    p.add_argument("username")
    p.add_argument("--role", default="filler", choices=("filler", "reviewer", "admin"))
    p.add_argument("--password", help="不填则随机生成并显示")
    p.add_argument("--name")
    p.add_argument("--department", help="填报人所属部门（不存在则创建）")
    p.add_argument("--region", help="审核人辖区 / 部门所属地区")
    p.add_argument("--unit", help="审核人所在单位（审核意见落款的审核单位，如“深圳市财政局”）")
