"""Writing files so that a reader never sees half a file and a failed write never replaces a good one.

Temporary files and staging folders carry the writer's process id in their name, so that a run killed
before it could clean up (SIGKILL, power loss) has its leftovers removed by the next run in that folder.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

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
    """Write to a temporary file beside `path`, then rename it over `path` in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent, "tmp")
    fd, tmp = tempfile.mkstemp(prefix=staging_prefix("tmp"), suffix=f"-{path.name}", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
