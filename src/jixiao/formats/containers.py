"""What every reader of a container shares: a .zip (formats/archive.py), a .7z or a .rar (formats/archive_lib.py)
and a saved e-mail (formats/mail.py) each give their entries as `Entry`s through a `Reader`, which archive.py judges
and unpacks by the same guards; a container is named in a message as `named` says, refused as `damaged`; a name
from inside one is shown as `printable` leaves it.

Kept apart from archive.py so that its readers import this module and archive.py imports them, never the reverse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from jixiao.files.guard import refusal
from jixiao.model.problems import JixiaoError, Location

__all__ = ["Entry", "Reader", "damaged", "named", "printable"]


def named(shown: str) -> str:
    """The container as a message names it: 邮件“x.eml” or 压缩包“x.7z”."""
    return f"{'邮件' if shown.lower().endswith('.eml') else '压缩包'}“{shown}”"


def damaged(shown: str, where: Location, why: str) -> JixiaoError:
    """An archive or a message that cannot be opened at all."""
    return refusal(
        "file.archive_bad_zip",
        f"{named(shown)}已损坏，无法打开（{why}）。请由报送单位重新压缩（或重新导出邮件）后提交。",
        where,
    )


def printable(text: str, keep: str = "") -> str:
    """A name as a page, a summary or a terminal may show it: without control and direction characters (a
    right-to-left override, U+202E, inside an archive's entry name showed the rest of the name reversed: 'a',
    U+202E, 'xcod.exe.docx' read as 'a…exe.docx'), except those in `keep` ("\\n" in a message)."""
    return "".join(ch for ch in text if ch.isprintable() or ch in keep)


@dataclass(frozen=True)
class Entry:
    """One entry of an archive's directory (or one attachment of a message), as each reader gives it."""

    name: str  # its path inside, "/"-separated, as its maker wrote it
    size: int | None  # declared unpacked size (None: not stated)
    packed: int | None = None  # its packed size (None: not given per entry, as in a solid .7z)
    encrypted: bool = False
    link: bool = False  # a symbolic or a hard link
    directory: bool = False
    index: int = 0  # its place in the archive (names may repeat)


class Reader(Protocol):
    """What archive.py's walk needs of one kind of archive: its entries, each judged as its header is read (`judge`
    raises to refuse the whole archive), and the chosen entries unpacked by `copy` (which counts the bytes); returns
    the entries that could not be unpacked, by index, with the reason."""

    def entries(self, judge: Callable[[Entry], None]) -> list[Entry]: ...

    def extract(
        self, chosen: dict[int, Path], copy: Callable[[Entry, Iterable[bytes], Path], None]
    ) -> dict[int, str]: ...
