"""A department's documents sent as one archive (.zip, .7z, .rar) or one e-mail (.eml): its members unpacked, under
guard, for the review to read one by one.

A bureau receives a department's report, tables and attachments as one archive, often made on Chinese Windows:
names in GBK (the zip's "UTF-8" flag, bit 11, unset: Python's zipfile then decodes them as cp437, so they are
encoded back to their bytes and decoded as UTF-8 or GB18030), nested folders, sometimes an archive inside; or as a
message of the 政务邮箱 saved as .eml, its attachments the documents (formats/mail.py). A .7z and a .rar (RAR4 and
RAR5) are read through libarchive (formats/archive_lib.py), a .zip through zipfile: each is opened by what its
bytes are, whatever its name says, and every kind is judged by the same guards below.

`unpacked(path, wanted)` is a context manager giving each member whose extension is in `wanted` as a `Member`:
the name to show ("x.7z/内层/文件名.docx"), where it was unpacked (a private temporary folder, removed on leaving),
or the refusal of that member alone (an entry with a password, one larger than a document may be, a damaged
archive inside). An archive or a message inside is opened in turn, up to `archive_depth` levels.

Refused as a whole from the archive's directory, each entry judged as its header is read and before the reader
moves past it (each refusal in Chinese naming the archive and the entry): a damaged archive, more entries than
`zip_members` (all levels), a declared total beyond `archive_bytes` (all levels together), a member of more than
1 MB unpacking to more than `zip_ratio` times its packed size (where the format gives no packed size per entry —
a solid .7z — the declared total against `zip_ratio` times the archive's file), an entry whose name climbs out of
the archive ("../", an absolute path, a drive letter), a symbolic or a hard link, a .7z whose list of names is
itself encrypted. While unpacking, the bytes written are counted against the entry's declared size and the same
total (a lying header cannot pass them; a solid block is streamed, never held whole).
"""

from __future__ import annotations

import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

from jixiao.files import guard
from jixiao.files.guard import MB, refusal
from jixiao.model.problems import JixiaoError, Location, Problem

from .containers import Entry, Reader, damaged, named, printable

if TYPE_CHECKING:
    import zipfile  # for the annotations only: zipfile is imported where an archive is opened

__all__ = [
    "ARCHIVES",
    "Member",
    "check_archive",
    "member_name",
    "rename_problems",
    "unpacked",
]

ARCHIVES = (".zip", ".7z", ".rar", ".eml")  # what holds documents: opened, its members reviewed
_SKIPPED = ("__MACOSX/",)  # macOS's resource forks beside every file of a zip made on a Mac
_DRIVE = re.compile(r"^[A-Za-z]:")
_7Z, _RAR = b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07"


def _setting(name: str) -> str:
    return f"（上限可用环境变量 JIXIAO_LIMIT_{name.upper()} 调整）"


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


def _judge(shown: str, where: Location, budget: _Budget, whole: int) -> Callable[[Entry], None]:
    """The guard of each entry, run as its header is read: count, path, link, ratio, declared total. `whole` is
    the archive's size on disk (the ratio of a format that gives no packed size per entry)."""
    declared = 0

    def judge(entry: Entry) -> None:
        nonlocal declared
        budget.members += 1
        name, place = entry.name, Location(str(where.file), place=entry.name)
        if budget.members > guard.LIMITS.zip_members:
            raise refusal(
                "file.archive_too_many",
                f"{named(shown)}的条目超过 {guard.LIMITS.zip_members} 个（含内层压缩包），超出上限（疑似压缩炸弹）。"
                f"请拆分后分批提交。{_setting('zip_members')}",
                where,
            )
        parts = PurePosixPath(name).parts
        if name.startswith("/") or _DRIVE.match(name) or ".." in parts:
            raise refusal(
                "file.archive_path",
                f"{named(shown)}中的条目“{name}”的路径指向压缩包以外（含“../”或绝对路径），疑似恶意文件，"
                "已拒绝处理整个压缩包。请由报送单位重新压缩后提交。",
                place,
            )
        if entry.link:
            raise refusal(
                "file.archive_link",
                f"{named(shown)}中的条目“{name}”是符号链接或硬链接（指向其他文件），已拒绝处理整个压缩包。"
                "请只压缩文件本身后重新提交。",
                place,
            )
        if entry.directory or not entry.size:
            return
        declared += entry.size
        packed, size = (entry.packed, entry.size) if entry.packed is not None else (whole, declared)
        if size > MB and size > guard.LIMITS.zip_ratio * max(packed, 1):
            ratio = (
                f"{packed / MB:.1f} MB 解压为 {size / MB:.0f} MB"
                if entry.packed is not None
                else f"整个压缩包 {packed / 1024:.0f} KB，解压到此已达 {size / MB:.0f} MB"
            )
            raise refusal(
                "file.archive_bomb",
                f"{named(shown)}中的条目“{name}”压缩比异常（{ratio}，上限 {guard.LIMITS.zip_ratio} 倍），"
                f"疑似压缩炸弹，已拒绝处理。{_setting('zip_ratio')}",
                place,
            )
        if declared > budget.left:
            raise _over(shown, where)

    return judge


def _over(shown: str, where: Location, entry: str = "") -> JixiaoError:
    at = f"（解压到条目“{entry}”时）" if entry else ""
    return refusal(
        "file.archive_bomb",
        f"{named(shown)}解压后超过 {guard.LIMITS.archive_bytes // MB} MB{at}（含内层压缩包），超出上限"
        f"（疑似压缩炸弹，或文件过多）。请拆分后分批提交。{_setting('archive_bytes')}",
        where,
    )


def _copier(budget: _Budget, shown: str) -> Callable[[Entry, Iterable[bytes], Path], None]:
    """Writes an entry's chunks to its target, counted against its declared size and the budget as they come."""

    def copy(entry: Entry, chunks: Iterable[bytes], target: Path) -> None:
        written, place = 0, Location(shown, place=entry.name)
        with target.open("wb") as out:
            for chunk in chunks:
                written += len(chunk)
                if written > budget.left:
                    raise _over(shown, place, entry.name)
                if entry.size is not None and written > entry.size:
                    raise refusal(
                        "file.archive_bomb",
                        f"{named(shown)}中的条目“{entry.name}”解压后超出其声明的大小（疑似压缩炸弹），已拒绝处理。",
                        place,
                    )
                out.write(chunk)
        budget.left -= written

    return copy


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


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    while chunk := source.read(MB):
        yield chunk


class _ZipReader:
    """A .zip through zipfile: its central directory read at once."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.infos = archive.infolist()

    def entries(self, judge: Callable[[Entry], None]) -> list[Entry]:
        out = []
        for index, info in enumerate(self.infos):
            name = member_name(info).replace("\\", "/")
            entry = Entry(
                name,
                info.file_size,
                info.compress_size,
                encrypted=bool(info.flag_bits & 0x1),
                link=stat.S_ISLNK(info.external_attr >> 16),
                directory=info.is_dir() or name.endswith("/"),
                index=index,
            )
            judge(entry)
            out.append(entry)
        return out

    def extract(self, chosen: dict[int, Path], copy: Callable[[Entry, Iterable[bytes], Path], None]) -> dict[int, str]:
        failed: dict[int, str] = {}
        for entry in self.entries(lambda _: None):
            if entry.index not in chosen:
                continue
            try:
                with self.archive.open(self.infos[entry.index]) as source:
                    copy(entry, _chunks(source), chosen[entry.index])
            except guard.unpack_errors() as exc:
                failed[entry.index] = guard.unpack_why(exc)
        return failed


def _open_zip(source: Path | IO[bytes], shown: str, where: Location) -> zipfile.ZipFile:
    import zipfile  # per use: only an archive needs it here

    try:
        declared = _declared_entries(source)
    except OSError:
        declared = None
    if declared is not None and declared > guard.LIMITS.zip_members:
        raise refusal(
            "file.archive_too_many",
            f"{named(shown)}共有 {declared} 个条目，上限为 {guard.LIMITS.zip_members}（疑似压缩炸弹）。"
            f"请拆分后分批提交。{_setting('zip_members')}",
            where,
        )
    try:
        return zipfile.ZipFile(source)
    except guard.unpack_errors() as exc:
        raise damaged(shown, where, type(exc).__name__) from None


@contextmanager
def _zip_reader(path: Path, shown: str, where: Location) -> Iterator[Reader]:
    with _open_zip(path, shown, where) as archive:
        yield _ZipReader(archive)


def _reader(path: Path, shown: str, where: Location) -> AbstractContextManager[Reader]:
    """The reader of what the file is by its first bytes (a .zip, a .7z, a .rar), or a message by its name."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK"):
        return _zip_reader(path, shown, where)
    if head.startswith((_7Z, _RAR)):
        from .archive_lib import libarchive_reader  # libarchive through ctypes: loaded only for a .7z or a .rar

        return libarchive_reader(path, shown, where)
    if path.suffix.lower() == ".eml":
        from .mail import mail_reader

        return mail_reader(path, shown, where)
    return _zip_reader(path, shown, where)  # refused as a damaged archive, as before


def _refused_alone(shown: str, entry: Entry) -> JixiaoError | None:
    """An entry refused alone, the others read: a password, a size beyond one document's."""
    where = Location(f"{shown}/{entry.name}")
    if entry.encrypted:
        return refusal(
            "file.archive_encrypted",
            f"{named(shown)}中的“{entry.name}”设置了密码，无法读取。请由报送单位去掉密码重新压缩后提交。",
            where,
        )
    if entry.size is not None and entry.size > guard.LIMITS.file_bytes:
        return refusal(
            "file.too_large",
            f"{named(shown)}中的“{entry.name}”解压后 {entry.size / MB:.0f} MB，单个文件上限为 "
            f"{guard.LIMITS.file_bytes // MB} MB。{_setting('file_bytes')}",
            where,
        )
    return None


def _walk(
    source: Path, shown: str, where: Location, wanted: Collection[str], folder: Path, budget: _Budget, depth: int
) -> Iterator[Member]:
    if depth > guard.LIMITS.archive_depth:
        raise refusal(
            "file.archive_too_deep",
            f"{named(shown)}嵌套超过 {guard.LIMITS.archive_depth} 层（压缩包里的压缩包），已拒绝处理。"
            f"请解开后直接提交其中的文件。{_setting('archive_depth')}",
            where,
        )
    with _reader(source, shown, where) as reader:
        entries = reader.entries(_judge(shown, where, budget, source.stat().st_size))
        chosen: dict[int, Path] = {}
        plan: list[tuple[Entry, JixiaoError | None]] = []
        for entry in sorted(entries, key=lambda e: (e.name, e.index)):
            base = entry.name.rsplit("/", 1)[-1]
            suffix = Path(base).suffix.lower()
            if entry.directory or entry.name.startswith(_SKIPPED) or base.startswith((".", "~$")):
                continue
            if suffix not in wanted and suffix not in ARCHIVES:
                continue  # a picture of the office, a .dwg drawing: not a report, as in a folder
            alone = _refused_alone(shown, entry)
            if alone is None:
                budget.unpacked += 1
                slot = folder / str(budget.unpacked)  # each member in a folder of its own: names may repeat
                slot.mkdir()
                chosen[entry.index] = slot / _safe(base, suffix)
            plan.append((entry, alone))
        failed = reader.extract(chosen, _copier(budget, shown))
    for entry, alone in plan:
        inner = f"{shown}/{entry.name}"
        if alone is not None:
            yield Member(inner, refused=alone)
        elif entry.index in failed:
            said = (
                f"{named(shown)}中的“{entry.name}”无法解压（{failed[entry.index]}），可能已损坏或使用了不支持的"
                "压缩方式。请由报送单位重新压缩（.zip）后提交。"
            )
            yield Member(inner, refused=refusal("file.archive_bad_member", said, Location(inner)))
        elif Path(entry.name).suffix.lower() in ARCHIVES:
            target = chosen[entry.index]
            try:
                yield from _walk(target, inner, Location(inner), wanted, target.parent, budget, depth + 1)
            except JixiaoError as exc:  # a damaged archive inside: that one alone; a bomb or a trick: all
                if exc.problems[0].code != "file.archive_bad_zip":
                    raise
                yield Member(inner, refused=exc)
            target.unlink()
        else:
            yield Member(inner, chosen[entry.index])


def check_archive(source: Path | bytes, shown: str) -> None:
    """An archive's directory judged as `unpacked` judges it before unpacking (an upload, before it is stored):
    raises JixiaoError for a damaged archive, a bomb, a path out of it, a link."""
    with tempfile.TemporaryDirectory(prefix="jixiao-check-") as folder:
        path = source if isinstance(source, Path) else Path(folder) / _safe(shown, Path(shown).suffix.lower())
        if not isinstance(source, Path):
            path.write_bytes(source)
        where = Location(shown)
        with _reader(path, shown, where) as reader:
            reader.entries(_judge(shown, where, _Budget(guard.LIMITS.archive_bytes), path.stat().st_size))


def _safe(base: str, suffix: str) -> str:
    """A member's file name made safe to write: printable, no separators, at most 120 characters, its suffix kept."""
    clean = "".join(ch for ch in printable(base) if ch not in '/\\:*?"<>|').strip() or f"文件{suffix}"
    return clean if len(clean) <= 120 else clean[: 120 - len(suffix)] + suffix


@contextmanager
def unpacked(path: Path, wanted: Collection[str], shown: str | None = None) -> Iterator[list[Member]]:
    """The archive's members with an extension in `wanted` (see the module's docstring); the temporary folder they
    were unpacked into is removed on leaving. Raises JixiaoError for an archive refused as a whole."""
    path = Path(path)
    shown = shown or path.name
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
