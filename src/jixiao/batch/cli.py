"""`jixiao batch` and `jixiao batch-worker`: a bureau's folder of departments, in one machine's processes or across
huey workers (thin: parse, call `batch.run` or `batch.queue`, print)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["add_parsers", "cmd_batch", "cmd_batch_worker"]


def cmd_batch(args: argparse.Namespace) -> int:
    from jixiao.batch.run import FAILURES_NAME, RANKING_NAME, progress_bar, run_batch  # per command

    folder = Path(args.path)
    if not folder.is_dir():
        print(f"{folder}：不是目录。请指定存放各部门数据（子目录或 .yaml / .xlsx 文件）的目录。", file=sys.stderr)
        return 2
    formats = tuple(f.strip() for f in args.format.split(",") if f.strip()) if args.format else ("docx", "xlsx")
    formats = () if formats == ("none",) else formats
    unknown = [f for f in formats if f not in ("docx", "pdf", "html", "xlsx", "md")]
    if unknown:
        print(f"不支持的格式：{'、'.join(unknown)}。可用格式：docx、pdf、html、xlsx、md，或 none", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else folder / "批量结果"
    if args.queue:  # across machines: huey workers on Redis, the state in a database (see batch_queue.py)
        from jixiao.batch.dburl import DATABASE_ENV, DATABASE_FILE_ENV, configured, has_password, mask  # per command

        os.environ["JIXIAO_REDIS_URL"] = args.queue
        database = args.database or configured() or f"sqlite:///{out.resolve() / 'batch.db'}"
        if args.database and has_password(args.database):
            print(
                f"提示：命令行中的数据库密码在进程列表中其他用户可见，建议改用环境变量 {DATABASE_ENV}，"
                f"或把地址写入仅本人可读的文件（chmod 600）并以 {DATABASE_FILE_ENV} 指明。"
                "各 worker 须用同样方式取得该地址（任务中只带不含密码的地址）。",
                file=sys.stderr,
            )
        result = _distributed(args, folder, out, database, formats, mask)
        if result is None:
            return 2
    else:
        result = run_batch(
            folder,
            out,
            jobs=args.jobs,
            rulebook_id=args.rulebook,
            formats=formats,
            review=not args.no_review,
            progress=progress_bar(),
        )
    print(
        f"已评价 {len(result.done)} 个部门，失败 {len(result.failed)} 个。"
        f"排名：{out / RANKING_NAME}；失败清单：{out / FAILURES_NAME}"
    )
    for failed in result.failed:
        print(f"  失败：{failed.source}：{failed.reasons[0]}", file=sys.stderr)
    return 0


def _distributed(args, folder: Path, out: Path, database: str, formats: tuple[str, ...], mask: Callable[[str], str]):
    """`run_distributed`, its connection failures said in Chinese with every password masked (None after one)."""
    from redis.exceptions import RedisError  # per command: heavy
    from sqlalchemy.exc import SQLAlchemyError

    from jixiao.batch.queue import run_distributed
    from jixiao.batch.run import progress_bar

    try:
        return run_distributed(
            folder,
            out,
            database_url=database,
            rulebook_id=args.rulebook,
            formats=formats,
            review=not args.no_review,
            lease=args.lease,
            progress=progress_bar(),
            batch=args.name,
        )
    except SQLAlchemyError as exc:
        reason = mask(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        print(
            f"无法使用多机批量的状态库 {mask(database)}。请检查地址、用户名与密码，以及数据库是否已启动"
            f"（数据库驱动的原始信息：{reason}）。",
            file=sys.stderr,
        )
    except RedisError as exc:
        print(
            f"无法连接队列 {mask(args.queue)}。请检查 Redis 是否已启动、地址是否正确（原始信息：{mask(str(exc))}）。",
            file=sys.stderr,
        )
    return None


def cmd_batch_worker(args: argparse.Namespace) -> int:
    if args.queue:
        os.environ["JIXIAO_REDIS_URL"] = args.queue
    from jixiao.batch.queue import run_worker  # per command

    run_worker(args.workers)
    return 0


def add_parsers(add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add("batch", "批量评价一个目录中的全部部门：评分、报告、审核，输出排名表和失败清单", cmd_batch)
    p.add_argument("path", help="目录：每个部门一个子目录（含 data.yaml 或填报 .xlsx），或直接放 .yaml / .xlsx 文件")
    p.add_argument("--out", help="输出目录（默认为该目录下的“批量结果”）")
    p.add_argument("--jobs", type=int, help="并行进程数（默认为 CPU 核数）")
    p.add_argument("--rulebook", help="指标体系编号（默认按各部门数据中的 rulebook）")
    p.add_argument("--format", help="每个部门的报告格式，默认 docx,xlsx；可加 pdf、html、md；填 none 只评分")
    p.add_argument("--no-review", action="store_true", help="不审核生成的报告")
    p.add_argument("--queue", help="多机批量：Redis 地址，如 redis://host:6379/0")
    p.add_argument("--database", help="多机批量的状态库（SQLAlchemy 地址）")
    p.add_argument("--lease", type=float, default=300.0, help="每个部门最长秒数，超时重新派发")
    p.add_argument("--name", help="批次名称：以同一名称重新运行可续做未完成的部门")
    p = add("batch-worker", "多机批量的 worker（配合 batch --queue）", cmd_batch_worker)
    p.add_argument("--queue", help="Redis 地址（默认 JIXIAO_REDIS_URL）")
    p.add_argument("--workers", type=int, default=1, help="本机并行进程数")
