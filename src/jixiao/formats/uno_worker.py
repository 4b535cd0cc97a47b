"""The process that drives one long-lived LibreOffice over UNO (run as `python -m jixiao.formats.uno_worker`).

It starts `soffice --headless --accept=pipe,...` with a private profile, connects through Debian's python3-uno
(uno.py is made for the system Python 3.11; the same minor version in the virtualenv loads it — only this
worker does, so uno's import hook never enters the jixiao process), then answers one JSON request per line on
stdin with one JSON line on stdout: {"source", "target", "filter"[, "options"]} → {"ok": true, ...} or
{"error": "..."}. "options" is the export filter's FilterData (bench/pdf.py tries PDF options through it); the
answer carries the seconds LibreOffice took to open and to export, wall and CPU (its processes' user + system
time from /proc), and the CPU it took to close the previous document, which bench/pdf.py prints.
The parent (office.py) owns the time limit: it kills this process group when a conversion hangs.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

# Where distributions put uno.py (Debian/Ubuntu's python3-uno; LibreOffice's own bundle elsewhere).
UNO_DIRS = ("/usr/lib/python3/dist-packages", "/usr/lib/libreoffice/program", "/opt/libreoffice/program")
CONNECT_SECONDS = 60
_TICK = os.sysconf("SC_CLK_TCK")


def uno_dir() -> str | None:
    return next((d for d in UNO_DIRS if Path(d, "uno.py").exists()), None)


def _props(uno, **values):
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


def _connect(uno, pipe: str):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _descendants(pid: int) -> list[int]:
    """The process and every process below it (soffice is a launcher; soffice.bin, its child, does the work)."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        with contextlib.suppress(OSError):  # children are listed by the thread that started them
            for thread in Path(f"/proc/{current}/task").iterdir():
                queue += [int(c) for c in (thread / "children").read_text().split()]
    return found


def _cpu(pids: list[int]) -> float:
    """User + system CPU seconds of the given processes (fields 14 and 15 of /proc/PID/stat)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / _TICK


def _convert(uno, desktop, request: dict, office_pids: list[int]) -> tuple[dict, object]:
    """Open and export; returns the seconds each took (the bench reads them) and the document, which the
    caller closes after it has answered: closing (tearing down the layout) is about a tenth of a conversion,
    and the parent need not wait for it."""
    started, cpu_started = time.perf_counter(), _cpu(office_pids)
    source = Path(request["source"]).resolve().as_uri()
    target = Path(request["target"]).resolve().as_uri()
    # No macros, no link updates: the document comes from outside.
    document = desktop.loadComponentFromURL(
        source, "_blank", 0, _props(uno, Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0)
    )
    if document is None:
        raise RuntimeError("LibreOffice could not open the file")
    opened, cpu_opened = time.perf_counter(), _cpu(office_pids)
    # the filter LibreOffice chose to open it: "Text…" when it found no Word/Excel structure and read the bytes
    # as plain text (a damaged file, or another kind of file renamed .doc)
    imported = next((str(p.Value) for p in document.getArgs() if p.Name == "FilterName"), "")
    try:
        filter_name = request["filter"]
        if isinstance(filter_name, dict):  # pdf: the export filter depends on the kind of document opened
            spreadsheet = document.supportsService("com.sun.star.sheet.SpreadsheetDocument")
            filter_name = filter_name["calc" if spreadsheet else "writer"]
        store = {"FilterName": filter_name, "Overwrite": True}
        if request.get("options"):
            store["FilterData"] = uno.Any("[]com.sun.star.beans.PropertyValue", _props(uno, **request["options"]))
        document.storeToURL(target, _props(uno, **store))
    except BaseException:
        _close(document)
        raise
    stored, cpu_stored = time.perf_counter(), _cpu(office_pids)
    times = {
        "open": round(opened - started, 3),
        "store": round(stored - opened, 3),
        "cpu_open": round(cpu_opened - cpu_started, 3),
        "cpu_store": round(cpu_stored - cpu_opened, 3),
    }
    return {**times, "imported": imported}, document


def _close(document) -> None:
    with contextlib.suppress(Exception):  # already disposed: nothing left to free
        document.close(True)


def main() -> int:
    profile, pipe, soffice = sys.argv[1], sys.argv[2], sys.argv[3]
    found = uno_dir()
    if found is None:
        print(json.dumps({"error": "python3-uno not installed"}), flush=True)
        return 1
    sys.path.append(found)  # appended: the virtualenv's own packages keep precedence
    import uno  # type: ignore[import-not-found]

    office = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--nofirststartwizard",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": profile},
    )
    desktop = None
    try:
        desktop = _connect(uno, pipe)
        print(json.dumps({"ready": True}), flush=True)
        closing = 0.0  # CPU seconds LibreOffice took to close the previous document (after its answer)
        office_pids: list[int] = []
        for line in sys.stdin:
            document = None
            try:
                office_pids = _descendants(office.pid)  # afresh: LibreOffice may have restarted itself
                times, document = _convert(uno, desktop, json.loads(line), office_pids)
                reply = {"ok": True, **times, "cpu_close_before": closing}
            except Exception as exc:  # reported to the parent, which says it in Chinese with the file's name
                reply = {"error": f"{type(exc).__name__}: {exc}"[:300]}
                # a file that crashed LibreOffice leaves the bridge disposed: every later call would fail, so
                # the worker ends and the parent starts a fresh LibreOffice for the next file
                if office.poll() is not None or "Disposed" in reply["error"]:
                    reply["fatal"] = True
            print(json.dumps(reply), flush=True)  # the output is complete: answer first, then close
            if reply.get("fatal"):
                break
            if document is not None:
                before = _cpu(office_pids)
                _close(document)
                closing = round(_cpu(office_pids) - before, 3)
    finally:
        try:
            if desktop is not None:
                desktop.terminate()
        except Exception:  # LibreOffice already gone: nothing to close
            pass
        try:
            office.wait(10)
        except subprocess.TimeoutExpired:
            office.kill()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
