"""A .7z or a .rar (RAR4 and RAR5) read through libarchive (Debian's libarchive13, by the libarchive-c binding): its
entries for formats/archive.py to judge and unpack as it does a .zip's.

Only the 7-Zip and RAR readers are enabled (not tar, cpio, ISO …: a file is read as what it says it is or refused).
The entries are read twice: once for their headers, each judged before the reader moves past it (moving past an
entry of a solid block decompresses it, so a bomb is refused from its header before that), then again to unpack
the chosen ones, block by block, each block counted by archive.py's copier. An entry libarchive marks as encrypted
is refused alone; a .7z whose list of names is encrypted cannot be listed at all and is refused whole, saying so.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jixiao.files.guard import refusal
from jixiao.model.problems import Location

from .containers import Entry, Reader, damaged, named

__all__ = ["libarchive_reader"]

_FORMATS = ("7zip", "rar", "rar5")
_BLOCK = 1 << 16


def _decoded(name: str | bytes | None) -> str:
    """An entry's name: libarchive gives text where it could convert it; raw bytes (a RAR4 name in the maker's
    code page, no Unicode flag) are read as UTF-8, else GB18030 (Chinese Windows' WinRAR)."""
    if name is None:
        return ""
    if isinstance(name, str):
        return name.replace("\\", "/")
    for encoding in ("utf-8", "gb18030"):
        try:
            return name.decode(encoding).replace("\\", "/")
        except UnicodeDecodeError:
            continue
    return name.decode("latin-1").replace("\\", "/")


def _library() -> None:
    """Names libarchive13's library for libarchive-c, which else runs `ldconfig -p` in a child process to find it."""
    import os

    if "LIBARCHIVE" not in os.environ:
        try:
            ctypes.CDLL("libarchive.so.13")
        except OSError:
            return  # elsewhere: libarchive-c looks for it itself
        os.environ["LIBARCHIVE"] = "libarchive.so.13"


@contextmanager
def _opened(path: Path) -> Iterator[Any]:
    """libarchive's reader of the file with only the 7-Zip and RAR formats enabled."""
    _library()
    from libarchive import ffi
    from libarchive.read import ArchiveRead

    archive_p = ffi.read_new()
    try:
        for name in _FORMATS:
            ffi.get_read_format_function(name)(archive_p)
        ffi.read_open_filename_w(archive_p, str(path), _BLOCK)
        yield ArchiveRead(archive_p)
    finally:
        ffi.read_free(archive_p)


def _encrypted(raw: Any) -> bool:
    from libarchive import ffi

    function = getattr(ffi.libarchive, "archive_entry_is_encrypted", None)
    return bool(function and function(ctypes.c_void_p(raw._entry_p)))


class _LibArchiveReader:
    def __init__(self, path: Path, shown: str, where: Location) -> None:
        self.path, self.shown, self.where = path, shown, where

    def _failed(self, exc: Exception) -> Exception:
        said = str(exc)
        if "ncrypt" in said or "passphrase" in said.lower():  # a .7z made with "加密文件名": no name can be read
            return refusal(
                "file.archive_encrypted",
                f"{named(self.shown)}设置了密码（连文件名也已加密），无法读取。请由报送单位去掉密码重新压缩后提交。",
                self.where,
            )
        return damaged(self.shown, self.where, said.split(" (", 1)[0][:80] or type(exc).__name__)

    def _entries(self, archive: Any) -> Iterator[tuple[Entry, Any]]:
        for index, raw in enumerate(archive):
            name = _decoded(raw.pathname)
            yield (
                Entry(
                    name,
                    raw.size,
                    None,  # libarchive gives no packed size per entry: the whole archive's is used
                    encrypted=_encrypted(raw),
                    link=bool(raw.issym or raw.islnk),
                    directory=bool(raw.isdir) or name.endswith("/"),
                    index=index,
                ),
                raw,
            )

    def entries(self, judge: Callable[[Entry], None]) -> list[Entry]:
        _library()
        from libarchive.exception import ArchiveError

        out = []
        try:
            with _opened(self.path) as archive:
                for entry, _ in self._entries(archive):
                    judge(entry)  # before the next header is read: moving past this entry would unpack it
                    out.append(entry)
        except ArchiveError as exc:
            raise self._failed(exc) from None
        if not out and self.path.stat().st_size > 512:  # libarchive reads garbage after the signature as no entry
            raise damaged(self.shown, self.where, "未读到任何条目")
        return out

    def extract(self, chosen: dict[int, Path], copy: Callable[[Entry, Iterable[bytes], Path], None]) -> dict[int, str]:
        from libarchive.exception import ArchiveError

        failed: dict[int, str] = {}
        left = set(chosen)
        try:
            with _opened(self.path) as archive:
                for entry, raw in self._entries(archive):
                    if not left:
                        break
                    if entry.index in left:
                        left.discard(entry.index)
                        try:
                            copy(entry, raw.get_blocks(_BLOCK), chosen[entry.index])
                        except ArchiveError as exc:
                            failed[entry.index] = str(exc).split(" (", 1)[0][:80]
                            break  # libarchive's reader is not to be trusted after a failed entry
        except ArchiveError as exc:
            reason = str(exc).split(" (", 1)[0][:80]
            failed.update(dict.fromkeys(left, reason))
        failed.update({index: failed.get(index, "未读到该条目") for index in left if index not in failed})
        return failed


@contextmanager
def libarchive_reader(path: Path, shown: str, where: Location) -> Iterator[Reader]:
    yield _LibArchiveReader(path, shown, where)
