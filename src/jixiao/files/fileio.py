"""Writing files so that a reader never sees half a file and a failed write never replaces a good one.

Temporary files and staging folders carry the writer's process id in their name, so that a run killed
before it could clean up (SIGKILL, power loss) has its leftovers removed by the next run in that folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from jixiao.model.problems import JixiaoError, Location, Problem

__all__ = ["remove_stale", "staging_prefix", "write_atomic"]


def staging_prefix(kind: str) -> str:
    """'.jixiao-<kind>-<pid>-': the name start of this process's temporary files and folders."""
    return f".jixiao-{kind}-{os.getpid()}-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0
    return True


def remove_stale(folder: Path, kind: str) -> None:
    """Remove `kind` temporaries left in `folder` by runs that are no longer running."""
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return
    start = f".jixiao-{kind}-"
    for entry in entries:
        if not entry.name.startswith(start):
            continue
        pid_text = entry.name[len(start) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def write_atomic(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path` in one step.

    A target that is a folder, lies under a file or cannot be written is a JixiaoError (output.*) naming it."""
    path = Path(path)
    if path.is_dir():
        raise _output_problem("output.is_dir", path, "输出位置是一个已存在的目录，不是文件。请指定文件名。")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise _output_problem("output.under_file", path, "输出文件的上级目录是一个文件，无法在其下写入。") from None
    except OSError as exc:
        raise _output_problem("output.not_writable", path, f"无法创建输出目录（{exc.strerror}）。") from None
    remove_stale(path.parent, "tmp")
    try:
        fd, tmp = tempfile.mkstemp(prefix=staging_prefix("tmp"), suffix=f"-{path.name}", dir=path.parent)
    except OSError as exc:
        raise _output_problem("output.not_writable", path, f"无法写入输出目录（{exc.strerror}）。") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _output_problem("output.write_failed", path, f"写入失败（{exc.strerror}），原有文件未被改动。") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _output_problem(code: str, path: Path, message: str) -> JixiaoError:
    return JixiaoError([Problem(code, f"{message}请检查路径和权限，或换一个输出位置。", Location(str(path)))])
