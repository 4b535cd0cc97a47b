"""One LibreOffice converter for everything jixiao converts: .doc/.wps → .docx, .xls/.et → .xlsx, and PDF output.

Long-lived: headless LibreOffice started on first use and driven over UNO by a worker process (uno_worker.py),
so a batch or the web app pays LibreOffice's start-up once, not once per file. One instance per process, and a
second one (JIXIAO_OFFICE_INSTANCES, default: two on a machine with two cores or more) only when a call comes
while the first is busy — several files of one call, or two downloads in the web app at once — since one
LibreOffice converts on one core. A `jixiao batch` worker process converts its departments one by one, so each
worker keeps one instance. The web app starts its first instance in the background when it starts (warm_up),
so the first PDF download does not wait for LibreOffice (~110 MB idle, ~340 MB after some dozens of reports,
then flat: caches, not a leak). Why not unoserver:
its server needs the same python3-uno anyway, adds an XML-RPC process and waits a fixed 7 s on every start; the
worker here connects as soon as LibreOffice listens, and keeps uno's import hook out of the jixiao process.
When python3-uno (or the worker) is not there, a one-off `soffice --headless --convert-to` does the same work.

Limits as for other input: a file above the guard's file_bytes (guard.LIMITS) is refused before LibreOffice
sees it; each conversion has a time limit, and a hung one is killed (the whole LibreOffice process group) and
restarted on the next call.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .uno_worker import uno_dir

__all__ = [
    "CONVERT_TIMEOUT",
    "ConversionError",
    "OfficeConverter",
    "conversion_timeout",
    "convert_file",
    "convert_files",
    "converted",
    "find_soffice",
    "instances",
    "shared_converter",
    "warm_up",
]

CONVERT_TIMEOUT = 120.0  # seconds per file, at most (conversion_timeout: in proportion to its size)
START_TIMEOUT = 60.0  # a cold start with a new profile takes 3–6 s here; ten times that on a machine under load
FONTS_CONF = Path(__file__).resolve().parent.parent / "render" / "fonts.conf"
INSTALL_HINT = "请安装 LibreOffice：apt-get install libreoffice-writer-nogui libreoffice-calc-nogui python3-uno"

# Export filters by target extension; PDF depends on what was opened (a text document or a spreadsheet).
FILTERS: dict[str, str | dict[str, str]] = {
    "docx": "MS Word 2007 XML",
    "doc": "MS Word 97",
    "xlsx": "Calc MS Excel 2007 XML",
    "xls": "MS Excel 97",
    "pdf": {"writer": "writer_pdf_Export", "calc": "calc_pdf_Export"},
    "fodt": "OpenDocument Text Flat XML",  # bench/review_pdf_layouts.py: a watermark drawn into the document
}
_ONE_OFF = {"docx": "docx:MS Word 2007 XML", "doc": "doc:MS Word 97", "xlsx": "xlsx:Calc MS Excel 2007 XML",
            "xls": "xls:MS Excel 97", "pdf": "pdf", "fodt": "fodt"}  # fmt: skip


class ConversionError(RuntimeError):
    """A conversion failed; the message is Chinese and says why and what to do."""


class OfficeUnavailable(ConversionError):
    """The long-lived converter cannot start here (no python3-uno, or LibreOffice will not listen)."""


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _env(profile: str) -> dict[str, str]:
    return {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": profile}


class OfficeConverter:
    """One LibreOffice kept running, converting one file at a time (thread-safe: calls are serialised)."""

    def __init__(self, soffice: str, timeout: float = CONVERT_TIMEOUT):
        self.soffice = soffice
        self.timeout = timeout
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._profile: str | None = None
        self._owner = os.getpid()
        self.starts = 0  # how many times LibreOffice was started (a test checks it stays 1 in a batch)
        self.last_times: dict[str, float] = {}  # seconds (wall, CPU) LibreOffice took to open and export the last file

    # --- the worker process ---------------------------------------------------------------------------------

    def _start(self) -> None:
        self._profile = tempfile.mkdtemp(prefix="jixiao-lo-")
        pipe = f"jixiao-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "jixiao.formats.uno_worker", self._profile, pipe, self.soffice],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=_env(self._profile),
            start_new_session=True,  # its own process group: a hung LibreOffice is killed with it
        )
        self.starts += 1
        lines: queue.Queue[str | None] = queue.Queue()
        self._lines = lines
        stdout = self._proc.stdout
        assert stdout is not None

        def pump() -> None:
            for line in stdout:
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        reply = self._reply(START_TIMEOUT)
        if not reply.get("ready"):
            self._kill()
            raise OfficeUnavailable(f"LibreOffice 未能启动（{reply.get('error', '无输出')}）。{INSTALL_HINT}")

    def _reply(self, timeout: float) -> dict:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            return {"timeout": True}
        if line is None:
            return {"error": "LibreOffice 进程意外退出"}
        try:
            return json.loads(line)
        except ValueError:
            return {"error": line.strip()[:200]}

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if self._profile:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def close(self) -> None:
        """Ask LibreOffice to quit (the worker terminates it when its input closes); kill it if it will not."""
        with self._lock:
            proc = self._proc
            if proc is None or os.getpid() != self._owner:
                return
            with contextlib.suppress(OSError):
                if proc.stdin:
                    proc.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(15)
            self._kill()

    def ensure_started(self) -> None:
        """Start LibreOffice now unless it runs (warm_up calls it, so that the first file does not wait)."""
        with self._lock:
            self._running()

    def _running(self) -> subprocess.Popen[str]:
        """The worker process, started when there is none (called with the lock held)."""
        if os.getpid() != self._owner:  # a forked child must not share the parent's LibreOffice
            self._proc, self._profile, self._owner = None, None, os.getpid()
        if self._proc is None or self._proc.poll() is not None:
            self._kill()
            self._start()
        assert self._proc is not None
        return self._proc

    # --- converting -------------------------------------------------------------------------------------------

    def convert(
        self, source: Path, target: Path, timeout: float | None = None, options: dict[str, object] | None = None
    ) -> Path:
        """`source` converted to `target` (its suffix says the format); `options`: the export filter's FilterData
        (PDF export options, as bench/pdf.py tries them)."""
        fmt = target.suffix.lower().lstrip(".")
        limit = timeout or self.timeout
        with self._lock:
            proc = self._running()
            assert proc.stdin is not None
            request = {"source": str(source), "target": str(target), "filter": FILTERS[fmt], "options": options}
            try:
                proc.stdin.write(json.dumps(request, ensure_ascii=False) + "\n")
                proc.stdin.flush()
            except OSError:
                self._kill()
                raise ConversionError("LibreOffice 进程意外退出，请重试。") from None
            reply = self._reply(limit)
            if reply.get("timeout"):
                self._kill()  # a hung conversion: LibreOffice is killed and started afresh on the next file
                raise ConversionError(_timeout_message(limit))
            self.last_times = {
                k: reply[k] for k in ("open", "store", "cpu_open", "cpu_store", "cpu_close_before") if k in reply
            }
            if not reply.get("ok") or not target.exists():
                if reply.get("fatal") or proc.poll() is not None:
                    self._kill()  # LibreOffice died on this file: a fresh one is started for the next
                raise ConversionError(_failure_message(str(reply.get("error", "未生成输出文件"))))
        if source.suffix.lower() in OFFICE_SUFFIXES and str(reply.get("imported", "")).startswith("Text"):
            target.unlink(missing_ok=True)
            raise ConversionError(_not_office_message(source))
        return target


# Files that must be Word/Excel/WPS documents: opened by LibreOffice as plain text, they are not.
OFFICE_SUFFIXES = (".doc", ".wps", ".xls", ".et", ".docx", ".xlsx")


def _not_office_message(source: Path) -> str:
    kind = "Excel/WPS 表格" if source.suffix.lower() in (".xls", ".et", ".xlsx") else "Word/WPS 文字"
    return (
        f"该文件不是有效的{kind}文件（LibreOffice 未找到文档结构，只能当作纯文本打开），可能已损坏或扩展名有误。"
        "请用 Word/WPS 打开确认后另存为 .docx/.xlsx 再试。"
    )


def _timeout_message(limit: float) -> str:
    return (
        f"LibreOffice 转换超时（{limit:.0f} 秒），已终止。文件可能过大或已损坏，"
        "请用 Word/WPS 打开后另存为 .docx/.xlsx 再试。"
    )


def _failure_message(detail: str) -> str:
    return (
        f"LibreOffice 无法打开或转换该文件（{detail}）。文件可能已损坏或被加密，"
        "请用 Word/WPS 打开后另存为 .docx/.xlsx 再试。"
    )


_pool: list[OfficeConverter] = []  # the process's long-lived converters; the first is `shared_converter()`
_claims: dict[int, int] = {}  # calls under way (or waiting) per converter, by position in _pool
_pool_pid = os.getpid()
_shared_failed = False
_shared_lock = threading.Lock()
_freed = threading.Condition(_shared_lock)  # told when a converter is released or a new one has started
_starting: set[int] = set()  # converters (by position in _pool) still starting in the background


def instances() -> int:
    """How many LibreOffice instances one process may run at once."""
    wanted = os.environ.get("JIXIAO_OFFICE_INSTANCES", "")
    if wanted.isdigit() and int(wanted) > 0:
        return min(int(wanted), 8)
    return 2 if (os.cpu_count() or 1) >= 2 else 1


def _own_pool() -> None:
    """A forked child starts with an empty pool: the parent's LibreOffice instances are not its own."""
    global _pool, _claims, _pool_pid, _starting
    if os.getpid() != _pool_pid:
        _pool, _claims, _pool_pid, _starting = [], {}, os.getpid(), set()


def shared_converter() -> OfficeConverter | None:
    """The process's long-lived converter, or None when LibreOffice or python3-uno is missing (or
    JIXIAO_OFFICE=oneoff asks for one-off conversions)."""
    if _shared_failed or os.environ.get("JIXIAO_OFFICE") == "oneoff" or uno_dir() is None:
        return None
    soffice = find_soffice()
    if soffice is None:
        return None
    with _shared_lock:
        _own_pool()
        if not _pool:
            _pool.append(OfficeConverter(soffice))
            _claims[0] = 0
            atexit.register(_pool[0].close)
        return _pool[0]


@contextlib.contextmanager
def _claimed() -> Iterator[OfficeConverter | None]:
    """A free converter of the pool. When every one is busy and the pool may grow, a new LibreOffice is started in
    the background and the call takes whichever is ready first: the warm one when it is done (~0.5 s a report)
    or the new one when it has started (3–6 s): a second download at once no longer waits for a cold start
    (bench/pdf.py measures both), and the pool still grows for the next ones."""
    first = shared_converter()
    if first is None:
        yield None
        return
    with _freed:
        _own_pool()
        if not _pool:  # forked between the two calls
            _pool.append(first)
            _claims[0] = 0
        give_up = time.monotonic() + START_TIMEOUT + first.timeout  # a hung conversion is killed before this
        while True:
            free = [i for i in range(len(_pool)) if not _claims[i] and i not in _starting]
            if free:
                index = free[0]
                break
            if len(_pool) < instances():
                _grow(first)
            left = give_up - time.monotonic()
            if left <= 0 or not _freed.wait(left):  # never reached in practice: queue on the least busy
                index = min(range(len(_pool)), key=lambda i: _claims[i])
                break
        _claims[index] += 1
        converter, pid = _pool[index], os.getpid()
    try:
        yield converter
    finally:
        with _freed:
            if os.getpid() == pid and index in _claims:
                _claims[index] -= 1
                _freed.notify_all()


def _grow(first: OfficeConverter) -> None:
    """One more LibreOffice in the pool, started in the background (called with the lock held)."""
    converter = OfficeConverter(first.soffice, first.timeout)
    _pool.append(converter)
    index, pid = len(_pool) - 1, os.getpid()
    _claims[index] = 0
    _starting.add(index)
    atexit.register(converter.close)

    def start() -> None:
        try:
            converter.ensure_started()
        except ConversionError:
            pass  # its first conversion tries again and says why (or falls back to one-off conversions)
        finally:
            with _freed:
                if os.getpid() == pid:
                    _starting.discard(index)
                    _freed.notify_all()

    threading.Thread(target=start, name="jixiao-office-grow", daemon=True).start()


def warm_up() -> threading.Thread | None:
    """Start the process's long-lived LibreOffice in the background (the web app does at start-up), so the first
    PDF download does not wait the ~2 s of LibreOffice's start; None when conversions are one-off here."""
    converter = shared_converter()
    if converter is None:
        return None

    def start() -> None:
        global _shared_failed
        try:
            converter.ensure_started()
        except OfficeUnavailable:
            _shared_failed = True  # as convert_files does: one-off conversions from now on
        except ConversionError:  # anything else: the first conversion tries again and says why
            pass

    thread = threading.Thread(target=start, name="jixiao-office-warm-up", daemon=True)
    thread.start()
    return thread


def _check_input(source: Path) -> None:
    from jixiao.files.guard import LIMITS

    size = source.stat().st_size
    if size > LIMITS.file_bytes:
        raise ConversionError(
            f"文件过大（{size / 1024 / 1024:.1f} MB），上限为 {LIMITS.file_bytes // 1024 // 1024} MB。"
            "请拆分后再提交，或删去其中的大图片（上限可用环境变量 JIXIAO_LIMIT_FILE_BYTES 调整）。"
        )


def convert_files(files: list[Path], fmt: str, outdir: Path, timeout: float = CONVERT_TIMEOUT) -> list[Path]:
    """Convert each file to `fmt` (docx, doc, xlsx, xls, pdf) in outdir, named by its stem; returns the outputs."""
    global _shared_failed
    outdir.mkdir(parents=True, exist_ok=True)
    for source in files:
        _check_input(source)
    if shared_converter() is not None:
        try:
            if len(files) > 1 and instances() > 1:  # one LibreOffice per core, each file on the first free one
                with ThreadPoolExecutor(min(instances(), len(files))) as threads:
                    return list(threads.map(lambda f: _convert_long_lived(f, fmt, outdir, timeout), files))
            return [_convert_long_lived(f, fmt, outdir, timeout) for f in files]
        except OfficeUnavailable:
            _shared_failed = True  # the long-lived converter cannot start here: one-off from now on
    return _convert_one_off(files, fmt, outdir, timeout)


def _convert_long_lived(source: Path, fmt: str, outdir: Path, timeout: float) -> Path:
    with _claimed() as converter:
        if converter is None:
            raise OfficeUnavailable("LibreOffice 常驻转换不可用。")
        return converter.convert(source, outdir / f"{source.stem}.{fmt}", timeout)


def conversion_timeout(size: int) -> float:
    """Seconds a file of `size` bytes may take to convert: 20 s and 2 s per MB (a report of a few pages converts in
    under a second, a 10 MB workbook in a few seconds), never more than CONVERT_TIMEOUT as it is when called (a test
    or bench of a hung LibreOffice sets it shorter): a hung conversion of a small file is given up in 20 s, not 120."""
    return min(CONVERT_TIMEOUT, 20.0 + 2.0 * size / (1024 * 1024))


def convert_file(source: Path, fmt: str, outdir: Path, timeout: float = CONVERT_TIMEOUT) -> Path:
    return convert_files([source], fmt, outdir, timeout)[0]


@contextlib.contextmanager
def converted(source: Path, fmt: str, timeout: float | None = None) -> Iterator[Path]:
    """The file converted to `fmt` in a temporary folder, removed afterwards; `timeout`: CONVERT_TIMEOUT as it is
    when called (a test or bench of a hung LibreOffice under review sets it shorter)."""
    with tempfile.TemporaryDirectory(prefix="jixiao-conv-") as tmp:
        yield convert_file(source, fmt, Path(tmp), timeout or CONVERT_TIMEOUT)


def _convert_one_off(files: list[Path], fmt: str, outdir: Path, timeout: float) -> list[Path]:
    soffice = find_soffice()
    if soffice is None:
        raise ConversionError(f"未找到 LibreOffice，无法转换。{INSTALL_HINT}")
    limit = START_TIMEOUT + timeout * len(files)
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        command = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            _ONE_OFF[fmt],
            "--outdir",
            str(outdir),
            *[str(f) for f in files],
        ]
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(profile),
            start_new_session=True,
        )
        try:
            out, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ConversionError(_timeout_message(limit)) from None
    produced = [outdir / f"{f.stem}.{fmt}" for f in files]
    missing = [p for p in produced if not p.exists()]
    if missing:
        detail = (err or out or "").strip().splitlines()[-1:] or ["无输出"]
        raise ConversionError(_failure_message(f"未生成 {'、'.join(p.name for p in missing)}；{detail[0]}"))
    return produced
