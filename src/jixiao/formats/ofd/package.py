"""The zip container of an OFD: its parts by name, locations resolved inside it, XML parsed without DTDs.

Every refusal is an `OfdError` whose Chinese message names the part and says why; nothing outside the zip is
ever opened (a location climbing above the zip's root is refused, one starting with "/" is the zip's root).
"""

from __future__ import annotations

import codecs
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

from jixiao.files.guard import unpack_errors, unpack_why

__all__ = ["Container", "OfdError", "child", "children", "local", "number_list", "text_of"]


class OfdError(ValueError):
    """The OFD cannot be read; the message is Chinese and says why and what to do."""


_UTF8_FLAG = 0x800
_FORBIDDEN = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TAG = re.compile(r"<[^<>]*>")
_ELEMENT_PREFIX = re.compile(r"^<(/?)[^\s<>/=\"':]*:")
_XMLNS = re.compile(r"""\s+xmlns(?::[^\s=]*)?\s*=\s*(?:"[^"]*"|'[^']*')""")
_ATTRIBUTE_PREFIX = re.compile(r"""(\s)[^\s<>/="':]+:(?=[^\s<>/="':]+\s*=)""")
# Chinese producers declare GB2312 or GBK; GB18030 holds both
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030"}


def local(tag: object) -> str:
    """An element's name without its namespace (producers use several OFD namespaces, or none)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: ET.Element | None, name: str) -> Iterator[ET.Element]:
    if element is not None:
        yield from (e for e in element if local(e.tag) == name)


def child(element: ET.Element | None, name: str) -> ET.Element | None:
    return next(children(element, name), None)


def text_of(element: ET.Element | None, name: str) -> str:
    found = child(element, name)
    return (found.text or "").strip() if found is not None else ""


def number_list(value: str | None) -> list[float]:
    """ "1 2.5 3" → [1.0, 2.5, 3.0]; anything unreadable or not finite → []."""
    try:
        numbers = [float(part) for part in (value or "").replace(",", " ").split()]
    except ValueError:
        return []
    return numbers if all(abs(n) < 1e9 for n in numbers) else []


class Container:
    """The parts of one OFD file, read on demand within `part_bytes` each."""

    def __init__(self, path: Path, part_bytes: int) -> None:
        self.part_bytes = part_bytes
        try:
            self._zip = zipfile.ZipFile(path)
        except unpack_errors():
            raise OfdError("文件不是有效的 OFD（不是完整的 zip 压缩包，可能已损坏或只是改了扩展名）。") from None
        self._entries: dict[str, zipfile.ZipInfo] = {}
        for info in self._zip.infolist():
            if not info.is_dir():
                self._entries.setdefault(_normal(_entry_name(info)), info)
        self._folded = {name.casefold(): name for name in reversed(list(self._entries))}
        self._kept: dict[str, ET.Element] = {}

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> Container:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def find(self, name: str) -> str | None:
        name = _normal(name)
        return name if name in self._entries else self._folded.get(name.casefold())

    def resolve(self, base: str, location: str | None) -> str | None:
        """A location written in part `base` → the part's name, or None when the zip lacks it.

        The standard reads a relative location from the referring part's folder and "/…" from the zip's root;
        producers get this wrong often enough that a relative one is also tried from the root."""
        location = (location or "").strip().replace("\\", "/")
        if not location:
            return None
        if location.startswith("/"):
            candidates = [location.lstrip("/")]
        else:
            candidates = [posixpath.join(posixpath.dirname(base), location), location]
        for candidate in candidates:
            normal = posixpath.normpath(candidate)
            if normal == ".." or normal.startswith("../") or re.match(r"^[A-Za-z]:", normal):
                raise OfdError(f"部件 {base} 引用了压缩包以外的路径“{location}”，疑似恶意文件，已拒绝读取。")
            found = self.find(normal)
            if found is not None:
                return found
        return None

    def read(self, name: str) -> bytes:
        info = self._entries[name]
        if info.file_size > self.part_bytes:
            raise OfdError(
                f"部件 {name} 解压后 {info.file_size // (1024 * 1024)} MB，超过单个部件的上限"
                f" {self.part_bytes // (1024 * 1024)} MB。（上限可用环境变量 JIXIAO_LIMIT_PART_BYTES 调整）"
            )
        try:
            with self._zip.open(info) as stream:
                return stream.read(self.part_bytes + 1)[: self.part_bytes]
        except unpack_errors() as exc:
            raise OfdError(f"部件 {name} 无法解压（{unpack_why(exc)}），文件可能已损坏或被加密。") from None

    def xml(self, name: str, keep: bool = False) -> ET.Element:
        """Part `name` parsed: no DTD or entity accepted; a part whose namespace prefixes are broken (seen in
        files of some producers) is read again without them. `keep`: a part every page refers to (a template,
        resources) is parsed once and kept."""
        if name in self._kept:
            return self._kept[name]
        root = self._parsed(name)
        if keep:
            self._kept[name] = root
        return root

    def _parsed(self, name: str) -> ET.Element:
        text = _decoded(self.read(name))
        if _FORBIDDEN.search(text):
            raise OfdError(f"部件 {name} 含有 DOCTYPE/实体声明（OFD 不需要，疑似 XML 炸弹），已拒绝读取。")
        text = _DECLARATION.sub("", text, count=1)
        try:
            return ET.fromstring(text)
        except ET.ParseError as first:
            try:
                return ET.fromstring(_TAG.sub(_unprefixed, text))
            except ET.ParseError:
                line = first.position[0] if first.position else 0
                raise OfdError(f"部件 {name} 不是完整的 XML（第{line}行出错），文件可能已损坏。") from None


def _unprefixed(match: re.Match[str]) -> str:
    tag = match.group(0)
    if tag.startswith(("<?", "<!")):
        return tag
    tag = _ELEMENT_PREFIX.sub(r"<\1", tag, count=1)
    return _ATTRIBUTE_PREFIX.sub(r"\1", _XMLNS.sub("", tag))


def _decoded(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    declared = _DECLARED.match(data)
    if declared:
        encoding = declared.group(1).decode("ascii").lower()
        try:
            codec = codecs.lookup(_ALIASES.get(encoding, encoding)).name
        except LookupError:
            codec = "utf-8"
        if codec != "utf-8":
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")  # undeclared and not UTF-8: GBK from a Chinese producer


def _normal(name: str) -> str:
    name = name.replace("\\", "/")
    while name.startswith(("/", "./")):
        name = name[1:] if name.startswith("/") else name[2:]
    return name


def _entry_name(info: zipfile.ZipInfo) -> str:
    """A member's name as its producer wrote it: without the UTF-8 flag zipfile reads CP437, where Chinese tools
    stored UTF-8 or GBK."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename
