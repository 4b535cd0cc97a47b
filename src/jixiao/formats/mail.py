"""A message of the 政务邮箱 saved as .eml: its attachments are the documents, for formats/archive.py to judge and
review as an archive's entries; the body (the covering letter) is no report and is left.

MIME as mail systems send it: multipart/mixed with base64 or quoted-printable parts; file names as RFC 2231
(filename*=gb2312''%B1%A8…, split over filename*0*, filename*1*) or RFC 2047 words (=?GB2312?B?…?=), or raw GBK bytes
in the header; charset gb2312/gbk read as GB18030 (its superset: a name with 镕 or 堃 is not GB2312). A message
attached to the message (message/rfc822, a forwarded one) is one entry, "名称.eml", opened in turn as a nested
archive is. Guards before the parts are parsed: the message is held to `file_bytes`, and the MIME boundaries it
declares and the delimiter lines its parts begin with to `zip_members` (a message of 200,000 empty parts took Python's
parser 25 s and 230 MB; parts nested thousands deep). Each attachment's decoded size is judged as an archive's entry
is (count, total, one document's size).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path

from jixiao.files import guard
from jixiao.files.guard import MB, refusal
from jixiao.model.problems import Location

from .containers import Entry, Reader, damaged, named

__all__ = ["attachments", "mail_reader"]

_CHINESE = {"gb2312", "gbk", "x-gbk", "cp936", "gb_2312-80", "euc-cn", "x-euc-cn", "hz-gb-2312", "csgb2312"}
_BOUNDARY = re.compile(rb"boundary\s*=", re.IGNORECASE)


def _codec(charset: str | None) -> str:
    """Python's codec for a charset a mail names; the GB family read as GB18030, an unknown one as UTF-8."""
    import codecs

    name = (charset or "utf-8").strip().strip('"').lower()
    if name in _CHINESE:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"


def _text(raw: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _header_text(value: str) -> str:
    """A header value as written: RFC 2047 words decoded in their charset, raw 8-bit bytes (the parser keeps them as
    surrogates) read as UTF-8 or GB18030."""
    from email.header import decode_header

    if not value.isascii():
        return value  # already text (raw bytes are read by _raw_param)
    pieces = []
    for chunk, charset in decode_header(value):
        if isinstance(chunk, str):
            pieces.append(chunk)
        else:
            pieces.append(chunk.decode(_codec(charset), errors="replace") if charset else _text(chunk))
    return "".join(pieces)


def _filename(part: Message) -> str | None:
    """An attachment's name from Content-Disposition's filename or Content-Type's name: RFC 2231 (its charset, its
    continuations joined by the parser), RFC 2047 words, or raw bytes."""
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        value = part.get_param(param, header=header)
        if value is None:
            continue
        if isinstance(value, tuple):  # RFC 2231: (charset, language, %-decoded text in latin-1)
            charset, _, text = value
            raw = text.encode("raw-unicode-escape")
            return raw.decode(_codec(charset), errors="replace") if charset else _text(raw)
        from email.utils import unquote

        text = unquote(value)
        if not text.isascii():  # raw 8-bit bytes: the parser's sanitized value lost them; read from the raw header
            text = _raw_param(part, header, param) or text
        return _header_text(text).strip()
    return None


def _raw_param(part: Message, header: str, param: str) -> str | None:
    """A parameter as its header's bytes hold it (GBK bytes of an old client: kept by the parser as surrogates)."""
    for key, value in part.raw_items():
        if key.lower() == header:
            found = re.search(rf'(?i)\b{param}\s*=\s*"([^"]*)"|\b{param}\s*=\s*([^;\s]+)', str(value))
            if found:
                return _text((found.group(1) or found.group(2)).encode("ascii", "surrogateescape"))
    return None


def _parts(message: Message) -> Iterator[tuple[str, bytes, int]]:
    """(name, decoded bytes, encoded length) of each attachment, in order; a forwarded message whole."""
    stack = [message]
    forwarded = 0
    while stack:
        part = stack.pop(0)
        name = _filename(part)
        kind = part.get_content_type()
        if kind == "message/rfc822" and part.is_multipart():
            inner = part.get_payload()
            inner_message = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(inner_message, Message):
                forwarded += 1
                subject = _header_text(str(inner_message.get("subject", ""))).strip()
                title = name or f"{subject or f'附件邮件{forwarded}'}.eml"
                data = inner_message.as_bytes()
                yield title if title.lower().endswith(".eml") else f"{title}.eml", data, len(data)
            continue
        if part.is_multipart():
            payload = part.get_payload()
            stack[:0] = [p for p in payload if isinstance(p, Message)] if isinstance(payload, list) else []
            continue
        if name is not None:  # an attachment is a file, not a path: its name's last part, as a mail client saves
            name = re.split(r"[\\/]", name)[-1].strip() or None  # it ("../x.txt", "C:\\报送\\x.docx" → x.…)
        if name is None:  # the body (text/plain, text/html) or an inline picture without a name: no document
            continue
        encoded, decoded = part.get_payload(), part.get_payload(decode=True)
        yield name, decoded if isinstance(decoded, bytes) else b"", len(encoded) if isinstance(encoded, str) else 0


def attachments(path: Path, shown: str, where: Location) -> list[tuple[str, bytes, int]]:
    """The message's attachments (see _parts), after the guards on its bytes."""
    from email import policy
    from email.parser import BytesParser

    size = path.stat().st_size
    if size > guard.LIMITS.file_bytes:
        raise refusal(
            "file.too_large",
            f"{named(shown)}大小为 {size / MB:.0f} MB，上限为 {guard.LIMITS.file_bytes // MB} MB。"
            "请把附件分几封邮件发送，或直接提交附件本身。（上限可用环境变量 JIXIAO_LIMIT_FILE_BYTES 调整）",
            where,
        )
    raw = path.read_bytes()
    # every part begins at a line "--boundary" (base64 has no "-"): their count bounds the parts before parsing
    # (Python's parser takes 25 s and 230 MB over 200,000 empty parts)
    for count, what in ((len(_BOUNDARY.findall(raw)), "分段（MIME boundary）"), (_delimiters(raw), "分段分隔行")):
        if count > guard.LIMITS.zip_members:
            raise refusal(
                "file.archive_too_many",
                f"{named(shown)}有 {count} 个{what}，上限为 {guard.LIMITS.zip_members}（疑似恶意邮件）。"
                "请直接提交其中的附件。（上限可用环境变量 JIXIAO_LIMIT_ZIP_MEMBERS 调整）",
                where,
            )
    head = raw[:4096].lower()
    if b"\n\n" not in raw.replace(b"\r\n", b"\n")[: 1 << 20] or not (
        b"content-type:" in raw[: 1 << 20].lower() or b"mime-version:" in head
    ):
        raise damaged(shown, where, "不是邮件格式（缺少邮件头）")
    try:
        message = BytesParser(policy=policy.compat32).parsebytes(raw)
        return list(_parts(message))
    except (ValueError, TypeError, LookupError, IndexError) as exc:
        raise damaged(shown, where, type(exc).__name__) from None


def _delimiters(raw: bytes) -> int:
    """Lines beginning "--": each part's delimiter is one."""
    return raw.count(b"\n--") + raw.startswith(b"--")


class _MailReader:
    def __init__(self, path: Path, shown: str, where: Location) -> None:
        self.found = attachments(path, shown, where)

    def entries(self, judge: Callable[[Entry], None]) -> list[Entry]:
        out = []
        for index, (name, data, encoded) in enumerate(self.found):
            entry = Entry(name.replace("\\", "/"), len(data), encoded, index=index)
            judge(entry)
            out.append(entry)
        return out

    def extract(self, chosen: dict[int, Path], copy: Callable[[Entry, Iterable[bytes], Path], None]) -> dict[int, str]:
        for index, (name, data, encoded) in enumerate(self.found):
            if index in chosen:
                entry = Entry(name.replace("\\", "/"), len(data), encoded, index=index)
                copy(entry, (data[at : at + MB] for at in range(0, len(data), MB)), chosen[index])
        return {}


@contextmanager
def mail_reader(path: Path, shown: str, where: Location) -> Iterator[Reader]:
    yield _MailReader(path, shown, where)
