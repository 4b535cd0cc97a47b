"""A department's documents sent as one .zip: its members unpacked, under guard, for the review to read one by one.

A bureau receives a department's report, tables and attachments as one archive, often made on Chinese Windows:
names in GBK (the zip's "UTF-8" flag, bit 11, unset: Python's zipfile then decodes them as cp437, so they are
encoded back to their bytes and decoded as UTF-8 or GB18030), nested folders, sometimes a zip inside.

`unpacked(path, wanted)` is a context manager giving each member whose extension is in `wanted` as a `Member`:
the name to show ("x.zip/内层/文件名.docx"), where it was unpacked (a private temporary folder, removed on leaving),
or the refusal of that member alone (an entry with a password, one larger than a document may be, a .7z/.rar
inside). A zip inside is opened in turn, up to `archive_depth` levels.

Refused as a whole, before anything is unpacked, from the zip's central directory (each refusal in Chinese naming
the archive and the entry): a damaged zip, more entries than `zip_members`, a declared total beyond
`archive_bytes` (all levels together), a member of more than 1 MB unpacking to more than `zip_ratio` times its
packed size, an entry whose name climbs out of the archive ("../", an absolute path, a drive letter), a symbolic
link. While unpacking, the bytes written are counted against the same total (a lying header cannot pass it).
.7z and .rar are not read (no reader of them is installed): the refusal asks for a .zip.
"""

from __future__ import annotations

import re
import shutil
import stat
import tempfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from jixiao.files import guard
from jixiao.files.guard import MB, refusal
from jixiao.model.problems import JixiaoError, Location, Problem

if TYPE_CHECKING:
    import zipfile  # for the annotations only: zipfile is imported where an archive is opened

__all__ = [
    "ARCHIVES",
    "OTHER_ARCHIVES",
    "Member",
    "archive_refused",
    "check_archive",
    "member_name",
    "rename_problems",
    "unpacked",
]

ARCHIVES = (".zip",)
OTHER_ARCHIVES = (".7z", ".rar")  # refused: no reader of them is installed
_SKIPPED = ("__MACOSX/",)  # macOS's resource forks beside every file of a zip made on a Mac
_DRIVE = re.compile(r"^[A-Za-z]:")


def _setting(name: str) -> str:
    return f"（上限可用环境变量 JIXIAO_LIMIT_{name.upper()} 调整）"


def archive_refused(path: Path | str, shown: str | None = None) -> JixiaoError:
    """A .7z or .rar: not read, with what to send instead."""
    name = shown or Path(path).name
    return refusal(
        "file.archive_unsupported",
        f"压缩包“{name}”是 {Path(name).suffix.lower()} 格式，本系统只能解开 .zip 压缩包。"
        "请解压后直接提交其中的文件，或重新压缩为 .zip（Windows：右键“发送到 → 压缩(zipped)文件夹”）后再审核。",
        Location(str(path)),
    )


@dataclass
class Member:
    """One document in an archive: the name to show, where it was unpacked, or why it was not."""

    shown: str  # "x.zip/内层/文件名.docx"
    path: Path | None = None  # the unpacked file (None when refused)
    refused: JixiaoError | None = None


@dataclass
class _Budget:
    """Bytes left to unpack, all levels of nested archives together."""

    left: int
    members: int = 0  # entries seen
    unpacked: int = 0  # members written out


def member_name(info: zipfile.ZipInfo) -> str:
    """An entry's name as its maker wrote it: bit 11 unset means the bytes are in the maker's code page, which
    zipfile decoded as cp437; the UTF-8 name of an Info-ZIP Unicode Path field beside them is taken first, else the
    bytes, encoded back, are decoded as UTF-8 (some tools leave the flag unset) or GB18030 (Chinese Windows'
    Explorer, WinRAR, 360压缩)."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    unicode_path = _unicode_path(info.extra, raw)
    if unicode_path is not None:
        return unicode_path
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    """The UTF-8 name in an Info-ZIP Unicode Path extra field (0x7075: version 1, the CRC-32 of the name it stands
    for, then the name), as 7-Zip and WinRAR write it beside a name in the local code page; None when absent or
    written for another name."""
    import struct
    import zlib

    at = 0
    while at + 4 <= len(extra):
        kind, size = struct.unpack("<HH", extra[at : at + 4])
        body = extra[at + 4 : at + 4 + size]
        if kind == 0x7075 and len(body) > 5 and body[0] == 1 and struct.unpack("<I", body[1:5])[0] == zlib.crc32(raw):
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        at += 4 + size
    return None


def _check_directory(archive: zipfile.ZipFile, shown: str, where: Location, budget: _Budget) -> list[tuple]:
    """The central directory judged before anything is unpacked; returns (info, name) of each file entry."""
    infos = archive.infolist()
    budget.members += len(infos)
    if budget.members > guard.LIMITS.zip_members:
        raise refusal(
            "file.archive_too_many",
            f"压缩包“{shown}”共有 {budget.members} 个条目（含内层压缩包），上限为 {guard.LIMITS.zip_members}"
            f"（疑似压缩炸弹）。请拆分后分批提交。{_setting('zip_members')}",
            where,
        )
    entries, declared = [], 0
    for info in infos:
        name = member_name(info).replace("\\", "/")
        place = Location(str(where.file), place=name)
        parts = PurePosixPath(name).parts
        if name.startswith("/") or _DRIVE.match(name) or ".." in parts:
            raise refusal(
                "file.archive_path",
                f"压缩包“{shown}”中的条目“{name}”的路径指向压缩包以外（含“../”或绝对路径），疑似恶意文件，"
                "已拒绝处理整个压缩包。请由报送单位重新压缩后提交。",
                place,
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise refusal(
                "file.archive_link",
                f"压缩包“{shown}”中的条目“{name}”是符号链接（指向其他文件），已拒绝处理整个压缩包。"
                "请只压缩文件本身后重新提交。",
                place,
            )
        if info.is_dir() or name.endswith("/"):
            continue
        if info.file_size > MB and info.file_size > guard.LIMITS.zip_ratio * max(info.compress_size, 1):
            raise refusal(
                "file.archive_bomb",
                f"压缩包“{shown}”中的条目“{name}”压缩比异常（{info.compress_size / MB:.1f} MB 解压为 "
                f"{info.file_size / MB:.0f} MB，上限 {guard.LIMITS.zip_ratio} 倍），疑似压缩炸弹，已拒绝处理。"
                f"{_setting('zip_ratio')}",
                place,
            )
        declared += info.file_size
        entries.append((info, name))
    if declared > budget.left:
        raise _over(shown, where)
    return entries


def _over(shown: str, where: Location, entry: str = "") -> JixiaoError:
    at = f"（解压到条目“{entry}”时）" if entry else ""
    return refusal(
        "file.archive_bomb",
        f"压缩包“{shown}”解压后超过 {guard.LIMITS.archive_bytes // MB} MB{at}（含内层压缩包），超出上限"
        f"（疑似压缩炸弹，或文件过多）。请拆分后分批提交。{_setting('archive_bytes')}",
        where,
    )


def _copy_out(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: _Budget, shown: str, name: str
) -> None:
    """The entry `name` of the archive `shown` to `target`, counted against the budget as it is written."""
    written = 0
    with archive.open(info) as source, target.open("wb") as out:
        while chunk := source.read(MB):
            written += len(chunk)
            if written > budget.left:
                raise _over(shown, Location(shown, place=name), name)
            if written > info.file_size:  # zipfile stops there itself: kept for any other reader
                raise refusal(
                    "file.archive_bomb",
                    f"压缩包“{shown}”中的条目“{name}”解压后超出其声明的大小（疑似压缩炸弹），已拒绝处理。",
                    Location(shown, place=name),
                )
            out.write(chunk)
    budget.left -= written


def _declared_entries(source: Path | IO[bytes]) -> int | None:
    """The entry count the zip's end record states (read from its last 64 KB), or None where it has none or
    defers to a ZIP64 record: zipfile reads every entry of the directory when it opens (1 s for 50,000)."""
    import struct

    if isinstance(source, Path):
        with source.open("rb") as handle:
            handle.seek(0, 2)
            handle.seek(max(0, handle.tell() - 65_557))
            tail = handle.read()
    else:
        at = source.tell()
        source.seek(0, 2)
        source.seek(max(0, source.tell() - 65_557))
        tail = source.read()
        source.seek(at)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) < end + 22:
        return None
    total = struct.unpack("<H", tail[end + 10 : end + 12])[0]
    return None if total == 0xFFFF else total


def _open(source: Path | IO[bytes], shown: str, where: Location) -> zipfile.ZipFile:
    import zipfile  # per use: only an archive needs it here

    try:
        declared = _declared_entries(source)
    except OSError:
        declared = None
    if declared is not None and declared > guard.LIMITS.zip_members:
        raise refusal(
            "file.archive_too_many",
            f"压缩包“{shown}”共有 {declared} 个条目，上限为 {guard.LIMITS.zip_members}（疑似压缩炸弹）。"
            f"请拆分后分批提交。{_setting('zip_members')}",
            where,
        )
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise refusal(
            "file.archive_bad_zip",
            f"压缩包“{shown}”已损坏，无法打开（{type(exc).__name__}）。请由报送单位重新压缩后提交。",
            where,
        ) from None


def _walk(
    source: Path, shown: str, where: Location, wanted: Collection[str], folder: Path, budget: _Budget, depth: int
) -> Iterator[Member]:
    import zipfile  # per use, as in _open

    if depth > guard.LIMITS.archive_depth:
        raise refusal(
            "file.archive_too_deep",
            f"压缩包“{shown}”嵌套超过 {guard.LIMITS.archive_depth} 层（压缩包里的压缩包），已拒绝处理。"
            f"请解开后直接提交其中的文件。{_setting('archive_depth')}",
            where,
        )
    with _open(source, shown, where) as archive:
        entries = _check_directory(archive, shown, where, budget)
        for info, name in sorted(entries, key=lambda e: e[1]):
            inner = f"{shown}/{name}"
            base = name.rsplit("/", 1)[-1]
            suffix = Path(base).suffix.lower()
            if name.startswith(_SKIPPED) or base.startswith((".", "~$")):
                continue
            if suffix in OTHER_ARCHIVES:
                yield Member(inner, refused=archive_refused(inner, inner))
                continue
            if suffix not in wanted and suffix not in ARCHIVES:
                continue  # a picture of the office, a .dwg drawing: not a report, as in a folder
            if info.flag_bits & 0x1:
                yield Member(
                    inner,
                    refused=refusal(
                        "file.archive_encrypted",
                        f"压缩包“{shown}”中的“{name}”设置了密码，无法读取。请由报送单位去掉密码重新压缩后提交。",
                        Location(inner),
                    ),
                )
                continue
            if info.file_size > guard.LIMITS.file_bytes:
                yield Member(
                    inner,
                    refused=refusal(
                        "file.too_large",
                        f"压缩包“{shown}”中的“{name}”解压后 {info.file_size / MB:.0f} MB，单个文件上限为 "
                        f"{guard.LIMITS.file_bytes // MB} MB。{_setting('file_bytes')}",
                        Location(inner),
                    ),
                )
                continue
            budget.unpacked += 1
            slot = folder / str(budget.unpacked)  # each member in a folder of its own: names may repeat
            slot.mkdir()
            target = slot / _safe(base, suffix)
            try:
                _copy_out(archive, info, target, budget, shown, name)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
                yield Member(
                    inner,
                    refused=refusal(
                        "file.archive_bad_member",
                        f"压缩包“{shown}”中的“{name}”无法解压（{type(exc).__name__}），可能已损坏或使用了不支持的压缩方式。"
                        "请由报送单位重新压缩（.zip）后提交。",
                        Location(inner),
                    ),
                )
                continue
            if suffix in ARCHIVES:
                try:
                    yield from _walk(target, inner, Location(inner), wanted, slot, budget, depth + 1)
                except JixiaoError as exc:  # a damaged zip inside: that one alone; a bomb or a trick: all
                    if exc.problems[0].code != "file.archive_bad_zip":
                        raise
                    yield Member(inner, refused=exc)
                target.unlink()
            else:
                yield Member(inner, target)


def check_archive(source: Path | bytes, shown: str) -> None:
    """An archive's central directory judged as `unpacked` judges it before unpacking (an upload, before it is
    stored): raises JixiaoError for a damaged zip, a bomb, a path out of it, a link."""
    import io

    where = Location(shown)
    data = io.BytesIO(source) if isinstance(source, bytes) else source
    with _open(data, shown, where) as archive:
        _check_directory(archive, shown, where, _Budget(guard.LIMITS.archive_bytes))


def _safe(base: str, suffix: str) -> str:
    """A member's file name made safe to write: printable, no separators, at most 120 characters, its suffix kept."""
    clean = "".join(ch for ch in base if ch.isprintable() and ch not in '/\\:*?"<>|').strip() or f"文件{suffix}"
    return clean if len(clean) <= 120 else clean[: 120 - len(suffix)] + suffix


@contextmanager
def unpacked(path: Path, wanted: Collection[str], shown: str | None = None) -> Iterator[list[Member]]:
    """The archive's members with an extension in `wanted` (see the module's docstring); the temporary folder they
    were unpacked into is removed on leaving. Raises JixiaoError for an archive refused as a whole."""
    path = Path(path)
    shown = shown or path.name
    if path.suffix.lower() in OTHER_ARCHIVES:
        raise archive_refused(path, shown)
    folder = Path(tempfile.mkdtemp(prefix="jixiao-zip-"))
    try:
        members = list(_walk(path, shown, Location(str(path)), wanted, folder, _Budget(guard.LIMITS.archive_bytes), 1))
        yield members
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def rename_problems(error: JixiaoError, old: str, new: str) -> JixiaoError:
    """An error about an unpacked member said of the name the user knows."""
    from dataclasses import replace

    problems: list[Problem] = []
    for p in error.problems:
        loc = p.location
        if loc is not None and loc.file and old in loc.file:
            loc = replace(loc, file=loc.file.replace(old, new))
        problems.append(replace(p, location=loc, message=p.message.replace(old, new)))
    return JixiaoError(problems)
