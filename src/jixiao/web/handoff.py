"""`jixiao serve` on several cores: one process accepts the connections and hands each to the worker process that
holds the fewest, which serves it (uvicorn, the app) until it closes.

uvicorn's own way — every worker accepting on one shared socket — splits connections by who wakes first: twenty
keep-alive connections opened one after another went 10/10 to 17/3 between two workers (bench/web.py prints the
split), and the process holding 17 answered them on one core while the other idled: a save's p95 at 20 clients was
~130 ms where an even split gives the CPU of both cores to them. A connection is passed to a worker as a file
descriptor over a Unix socket (SCM_RIGHTS), the way Node's cluster module balances its workers, and the worker
says when one of them closes, so the count per worker stays true. The acceptor does nothing else: the requests go
straight between the client and the worker.

A worker that dies is started again; one that stops reading its channel is skipped until it does. When the
acceptor goes (killed, or stopped by a signal), its workers see their channel close and stop too."""

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
import time
from typing import Any, cast

__all__ = ["serve"]

log = logging.getLogger("jixiao.web.handoff")

_CLOSED = b"x"  # a worker to the acceptor: one of its connections has closed
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
            self.open = max(0, self.open - 1)

    def stop(self) -> None:
        if self.process.is_alive() and self.process.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)  # uvicorn finishes its requests, then exits

    def close(self) -> None:
        self.channel.close()


def serve(app: str, host: str, port: int, workers: int, log_level: str = "warning") -> None:
    """Serve the ASGI app factory `app` ("module:function") on host:port with `workers` processes."""
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
    try:
        while not stopping:
            for key, _events in selector.select(timeout=1.0):
                worker = key.data
                if stopping:  # a signal to the whole group reaches the workers too: they end, not to be restarted
                    break
                if worker is None:
                    turn = _accept(listener, pool, turn)
                elif not worker.closed_connections():
                    selector.unregister(worker.channel)
                    pool[worker.number] = _restart(worker, context, app, log_level, selector)
            for worker in list(pool):  # a worker that died without closing its channel (killed)
                if not stopping and not worker.process.is_alive():
                    selector.unregister(worker.channel)
                    pool[worker.number] = _restart(worker, context, app, log_level, selector)
    finally:
        selector.close()
        listener.close()
        for worker in pool:
            worker.stop()
        deadline = time.monotonic() + 30
        for worker in pool:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _accept(listener: socket.socket, pool: list[_Worker], turn: int) -> int:
    """Every connection waiting, each to the worker holding the fewest (in turn among equals)."""
    while True:
        try:
            connection, _address = listener.accept()
        except (BlockingIOError, InterruptedError):
            return turn
        except OSError as exc:  # out of file descriptors and the like: the client retries
            log.warning("接受连接失败：%s", exc)
            return turn
        try:
            order = sorted(range(len(pool)), key=lambda k: (pool[k].open, (k - turn) % len(pool)))
            if not any(pool[k].hand(connection) for k in order):
                log.warning("所有网页服务进程都未响应，已关闭一个新连接。")
            turn = (turn + 1) % len(pool)
        finally:
            connection.close()  # the worker has its own descriptor now


def _restart(worker: _Worker, context: Any, app: str, log_level: str, selector: selectors.BaseSelector) -> _Worker:
    code = worker.process.exitcode
    worker.stop()
    worker.process.join(5)
    worker.close()
    log.warning("网页服务进程 %s 已退出（退出码 %s），正在重新启动。", worker.number, code)
    fresh = _Worker(context, app, log_level, worker.number)
    selector.register(fresh.channel, selectors.EVENT_READ, fresh)
    return fresh


def _worker_main(channel: socket.socket, app: str, log_level: str) -> None:
    """A worker process: uvicorn with no listening socket of its own, serving the connections handed to it."""
    import uvicorn

    config = uvicorn.Config(app, factory=True, log_level=log_level, access_log=False)
    _HandedServer(config, channel).run()


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
