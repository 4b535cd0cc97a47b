"""The long-lived LibreOffice pool (formats/office.py): a call that finds every instance busy starts the next one
in the background and takes whichever is ready first. No LibreOffice here: converters are stand-ins whose start
blocks until the test lets it finish."""

from __future__ import annotations

import os
import threading
import time
from typing import ClassVar

import pytest

from jixiao.formats import office


class _Stand:
    """An OfficeConverter as the pool sees it: started on demand, closed at exit."""

    started: ClassVar[threading.Event] = threading.Event()  # replaced per test: when a new start may finish
    made: ClassVar[list[_Stand]] = []

    def __init__(self, soffice: str = "soffice", timeout: float = 5.0):
        self.soffice, self.timeout = soffice, timeout
        _Stand.made.append(self)

    def ensure_started(self) -> None:
        assert _Stand.started.wait(10)

    def close(self) -> None:
        pass


@pytest.fixture
def pool(monkeypatch):
    warm = _Stand()
    _Stand.made = []
    _Stand.started = threading.Event()
    monkeypatch.setattr(office, "_pool", [warm])
    monkeypatch.setattr(office, "_claims", {0: 0})
    monkeypatch.setattr(office, "_starting", set())
    monkeypatch.setattr(office, "_pool_pid", os.getpid())
    monkeypatch.setattr(office, "shared_converter", lambda: warm)
    monkeypatch.setattr(office, "OfficeConverter", _Stand)
    monkeypatch.setenv("JIXIAO_OFFICE_INSTANCES", "2")
    yield warm
    _Stand.started.set()  # no start left waiting


def _until(condition) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.001)


def _claim(got: list, hold: threading.Event | None = None) -> None:
    with office._claimed() as converter:
        got.append(converter)
        if hold is not None:
            assert hold.wait(10)


def test_a_second_call_takes_the_warm_instance_when_it_frees_before_the_new_one_starts(pool) -> None:
    first_done = threading.Event()
    first: list = []
    second: list = []
    a = threading.Thread(target=_claim, args=(first, first_done))
    a.start()
    _until(lambda: first)  # the first call holds the warm instance
    b = threading.Thread(target=_claim, args=(second,))
    b.start()
    _until(lambda: _Stand.made)  # the second call found it busy: a new instance is starting in the background
    time.sleep(0.05)
    assert not second  # ... and the second call waits for whichever is ready first
    first_done.set()  # the warm one frees first (the new one's start has not finished)
    b.join(10)
    a.join(10)
    assert first == [pool] and second == [pool]
    _Stand.started.set()  # the new instance's start finishes: it joins the pool for the next calls
    _until(lambda: not office._starting)
    assert len(office._pool) == 2 and office._pool[1] is _Stand.made[0]
    assert office._claims == {0: 0, 1: 0}


def test_a_second_call_takes_the_new_instance_when_it_starts_first(pool) -> None:
    first_done = threading.Event()
    first: list = []
    second: list = []
    a = threading.Thread(target=_claim, args=(first, first_done))
    a.start()
    _until(lambda: first)
    b = threading.Thread(target=_claim, args=(second,))
    b.start()
    _Stand.started.set()  # the new instance is up while the warm one is still busy
    b.join(10)
    assert len(_Stand.made) == 1 and second == _Stand.made  # never more instances than allowed (two)
    first_done.set()
    a.join(10)
    assert first == [pool] and office._claims == {0: 0, 1: 0}
