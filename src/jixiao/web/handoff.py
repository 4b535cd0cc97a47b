"""`jixiao serve` on several cores: one process accepts the connections and hands each to the worker process that
holds the fewest, which serves it (uvicorn, the app) until it closes.

uvicorn's own way — every worker accepting on one shared socket — splits connections by who wakes first: twenty
keep-alive connections opened one after another went 10/10 to 17/3 between two workers (bench/web.py prints the
split), and the process holding 17 answered them on one core while the other idled: a save's p95 at 20 clients was
~130 ms where an even split gives the CPU of both cores to them. A connection is passed to a worker as a file
descriptor over a Unix socket (SCM_RIGHTS), the way Node's cluster module balances its workers, and the worker
says when one of them closes, so the count per worker stays true. The acceptor does nothing else: the requests go
straight between the client and the worker.

A worker that dies is started again; one that dies before its app has started (the database gone, a broken
installation) is started again after a pause that doubles each time, up to half a minute, and when every worker has
failed so five times running the server stops with a sentence saying so, rather than starting processes forever. One
that stops reading its channel is skipped until it does. When the acceptor goes (killed, or stopped by a signal),
its workers see their channel close and stop too."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import logging
import multiprocessing
import os
import selectors
import signal
import socket
import sys
import time
from typing import Any, cast

__all__ = ["serve"]

log = logging.getLogger("jixiao.web.handoff")

_CLOSED = b"x"  # a worker to the acceptor: one of its connections has closed
_READY = b"r"  # a worker to the acceptor: its app has started, it serves
_BIND_ERRORS = {
    errno.EADDRINUSE: "端口已被其他程序占用",
    errno.EACCES: "无权使用该端口（1024 以下的端口需要管理员权限）",
    errno.EADDRNOTAVAIL: "该地址不属于本机",
}


class _Worker:
    """One worker process, its end of the channel, and how many connections it holds."""

    def __init__(self, context: Any, app: str, log_level: str, number: int):
        self.number = number
        self.channel, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = context.Process(
            target=_worker_main, args=(theirs, app, log_level), name=f"jixiao-web-{number}", daemon=False
        )
        self.process.start()
        theirs.close()
        self.channel.setblocking(False)
        self.open = 0
        self.ready = False  # its app has started (it said so)
        self.failures = 0  # how many times running this worker died before its app had started

    def hand(self, connection: socket.socket) -> bool:
        """Pass the connection on; False when the worker's channel is full (it is not reading)."""
        try:
            socket.send_fds(self.channel, [b"c"], [connection.fileno()])
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:  # the worker is gone: the next check starts it again
            return False
        self.open += 1
        return True

    def closed_connections(self) -> bool:
        """Read what the worker said; False when its channel has closed (the worker ended)."""
        while True:  # one message per closed connection
            try:
                said = self.channel.recv(16)
            except (BlockingIOError, InterruptedError):
                return True
            except OSError:
                return False
            if not said:
                return False
            if said == _READY:
                self.ready = True
            else:
                self.open = max(0, self.open - 1)

    def stop(self) -> None:
        if self.process.is_alive() and self.process.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)  # uvicorn finishes its requests, then exits

    def close(self) -> None:
        self.channel.close()


GIVE_UP = 5  # every worker failed to start so many times running: the server stops


def serve(app: str, host: str, port: int, workers: int, log_level: str = "warning", pause: float = 1.0) -> None:
    """Serve the ASGI app factory `app` ("module:function") on host:port with `workers` processes. `pause`: the
    first wait before starting again a worker that died soon after its start (doubled each time, at most 30 s)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        listener = socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:  # the port taken, or not ours to take: said, not a traceback
        from jixiao.model.problems import JixiaoError, Location, Problem

        why = _BIND_ERRORS.get(exc.errno or 0, f"系统拒绝（错误码 {exc.errno}）")
        raise JixiaoError(
            [
                Problem(
                    "usage.port",
                    f"无法在 {host}:{port} 上启动网页服务：{why}。请用 --port 换一个端口（或 --host 换一个本机地址），"
                    "或先停止占用该端口的程序。",
                    Location(f"{host}:{port}"),
                )
            ]
        ) from None
    listener.setblocking(False)
    context = multiprocessing.get_context("spawn")
    pool = [_Worker(context, app, log_level, k) for k in range(workers)]
    stopping = False

    def stop(_signal: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ, None)
    for worker in pool:
        selector.register(worker.channel, selectors.EVENT_READ, worker)
    turn = 0
    waiting: dict[int, tuple[float, int]] = {}  # worker number -> when to start it again, its failures running

    def ended(worker: _Worker) -> None:
        selector.unregister(worker.channel)
        failures = _end(worker)
        if failures == 0:
            pool[worker.number] = _start(context, app, log_level, worker.number, 0, selector)
        else:
            wait = min(30.0, pause * 2 ** (failures - 1))
            log.warning("网页服务进程 %s 未能启动（连续第 %s 次），%.0f 秒后重新启动。", worker.number, failures, wait)
            waiting[worker.number] = (time.monotonic() + wait, failures)

    try:
        while not stopping:
            for key, _events in selector.select(timeout=min(1.0, pause)):
                worker = key.data
                if stopping:  # a signal to the whole group reaches the workers too: they end, not to be restarted
                    break
                if worker is None:
                    turn = _accept(listener, [w for w in pool if w.number not in waiting], turn)
                elif not worker.closed_connections():
                    ended(worker)
            for worker in list(pool):  # a worker that died without closing its channel (killed)
                if not stopping and worker.number not in waiting and not worker.process.is_alive():
                    ended(worker)
            if len(waiting) == len(pool) and all(failures >= GIVE_UP for _due, failures in waiting.values()):
                raise _gave_up(host, port)
            # a worker that failed GIVE_UP times waits while another is still trying its fifth: they decide together
            trying = any(w.number not in waiting and not w.ready for w in pool) or any(
                failures < GIVE_UP for _due, failures in waiting.values()
            )
            for number, (due, failures) in list(waiting.items()):
                held = failures >= GIVE_UP and trying and not any(w.ready for w in pool)
                if not stopping and not held and time.monotonic() >= due:
                    del waiting[number]
                    pool[number] = _start(context, app, log_level, number, failures, selector)
    finally:
        selector.close()
        listener.close()
        running = [worker for worker in pool if worker.number not in waiting]  # the others are closed already
        for worker in running:
            worker.stop()
        deadline = time.monotonic() + 30
        for worker in running:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _accept(listener: socket.socket, pool: list[_Worker], turn: int) -> int:
    """Every connection waiting, each to the worker holding the fewest (in turn among equals); closed at once when
    no worker runs (all waiting to be started again): the client is told now, not left hanging."""
    while True:
        try:
            connection, _address = listener.accept()
        except (BlockingIOError, InterruptedError):
            return turn
        except OSError as exc:  # out of file descriptors and the like: the client retries
            log.warning("接受连接失败：%s", exc)
            return turn
        if not pool:
            connection.close()
            continue
        try:
            order = sorted(range(len(pool)), key=lambda k: (pool[k].open, (k - turn) % len(pool)))
            if not any(pool[k].hand(connection) for k in order):
                log.warning("所有网页服务进程都未响应，已关闭一个新连接。")
            turn = (turn + 1) % len(pool)
        finally:
            connection.close()  # the worker has its own descriptor now


def _end(worker: _Worker) -> int:
    """Close a worker that ended; its failures to start running (0 when its app had started: it served, then
    failed — not its start)."""
    worker.closed_connections()  # what it said before it died (its start, too) and was not read yet
    worker.stop()
    worker.process.join(5)
    worker.close()
    if worker.ready:
        log.warning("网页服务进程 %s 已退出（退出码 %s），正在重新启动。", worker.number, worker.process.exitcode)
        return 0
    return worker.failures + 1


def _start(
    context: Any, app: str, log_level: str, number: int, failures: int, selector: selectors.BaseSelector
) -> _Worker:
    fresh = _Worker(context, app, log_level, number)
    fresh.failures = failures
    selector.register(fresh.channel, selectors.EVENT_READ, fresh)
    return fresh


def _gave_up(host: str, port: int) -> Exception:
    from jixiao.model.problems import JixiaoError, Location, Problem

    return JixiaoError(
        [
            Problem(
                "web.workers_failing",
                f"网页服务进程都未能启动（每个进程连续 {GIVE_UP} 次），已停止服务。请查看上面的出错信息"
                "（如数据库无法连接、数据目录不可写），排除后重新启动。",
                Location(f"{host}:{port}"),
            )
        ]
    )


def _worker_main(channel: socket.socket, app: str, log_level: str) -> None:
    """A worker process: uvicorn with no listening socket of its own, serving the connections handed to it."""
    import uvicorn

    from jixiao.model.problems import JixiaoError

    config = uvicorn.Config(app, factory=True, log_level=log_level, access_log=False)
    try:
        _HandedServer(config, channel).run()
    except JixiaoError as exc:  # the app could not start (its database gone): said, then the acceptor decides
        print(f"网页服务进程无法启动：{exc}", file=sys.stderr)
        raise SystemExit(1) from None


class _HandedServer:
    """uvicorn's Server whose connections come over the channel instead of from a listening socket."""

    def __init__(self, config: Any, channel: socket.socket):
        import uvicorn

        class Server(uvicorn.Server):
            async def startup(inner, sockets: list[socket.socket] | None = None) -> None:
                await super().startup(sockets=[])  # no listener: nothing is accepted here
                if inner.should_exit or not inner.started:
                    return
                loop = asyncio.get_running_loop()
                protocol = functools.partial(
                    cast(Any, inner.config.http_protocol_class),
                    config=inner.config,
                    server_state=inner.server_state,
                    app_state=inner.lifespan.state,
                )
                channel.setblocking(False)
                loop.add_reader(channel.fileno(), self._receive, inner, loop, protocol)
                with contextlib.suppress(OSError):  # the acceptor is gone: the channel's reader stops this one
                    channel.send(_READY)

        self.server = Server(config)
        self.channel = channel

    def run(self) -> None:
        self.server.run()

    def _receive(self, server: Any, loop: asyncio.AbstractEventLoop, protocol: Any) -> None:
        while True:
            try:
                message, fds, _flags, _address = socket.recv_fds(self.channel, 16, 8)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                message, fds = b"", []
            if not message and not fds:  # the acceptor is gone: stop like on a signal
                loop.remove_reader(self.channel.fileno())
                server.should_exit = True
                return
            for fd in fds:
                loop.create_task(self._serve(loop, protocol, socket.socket(fileno=fd)))

    async def _serve(self, loop: asyncio.AbstractEventLoop, protocol: Any, connection: socket.socket) -> None:
        def made() -> asyncio.Protocol:
            instance = protocol(_loop=loop)
            lost = instance.connection_lost

            def connection_lost(exc: Exception | None) -> None:
                try:
                    lost(exc)
                finally:
                    self._closed()

            instance.connection_lost = connection_lost
            return instance

        try:
            await loop.connect_accepted_socket(made, connection)
        except OSError:  # closed by the client before it could be served
            connection.close()
            self._closed()

    def _closed(self) -> None:
        with contextlib.suppress(OSError):  # the acceptor is gone, or its channel full: the count only guides
            self.channel.send(_CLOSED)
