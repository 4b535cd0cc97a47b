"""A minimal ZIP writer for Office packages whose large constant parts are compressed once per process.

A report's package is mostly the same every time (styles.xml alone is 350 kB); `Entry.compressed` deflates a
part once and `write_zip` copies the stored bytes into each package, so only the parts that change per report
(document.xml, charts, properties) are compressed per report. Entries carry a fixed date, so the same content
gives the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

__all__ = ["Entry", "write_zip"]

_DOS_DATE = (0 << 9) | (1 << 5) | 1  # 1980-01-01, the ZIP epoch
_DOS_TIME = 0


@dataclass(frozen=True)
class Entry:
    name: str
    crc: int
    size: int
    data: bytes  # deflated

    @staticmethod
    def compressed(name: str, content: bytes, level: int = 6) -> Entry:
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        return Entry(name, zlib.crc32(content), len(content), packer.compress(content) + packer.flush())


def write_zip(entries: list[Entry]) -> bytes:
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for entry in entries:
        name = entry.name.encode("utf-8")
        flags = 0x0800 if not entry.name.isascii() else 0
        fixed = struct.pack(
            "<HHHHHIIIH", 20, flags, 8, _DOS_TIME, _DOS_DATE, entry.crc, len(entry.data), entry.size, len(name)
        )
        local = b"PK\x03\x04" + fixed + struct.pack("<H", 0) + name
        out += [local, entry.data]
        central.append(
            b"PK\x01\x02"
            + struct.pack(
                "<HHHHHHIIIHHHHHII",
                20,
                20,
                flags,
                8,
                _DOS_TIME,
                _DOS_DATE,
                entry.crc,
                len(entry.data),
                entry.size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + name
        )
        offset += len(local) + len(entry.data)
    directory = b"".join(central)
    end = b"PK\x05\x06" + struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(out) + directory + end
