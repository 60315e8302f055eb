"""A TCP proxy on 127.0.0.1 that makes the workshop's network: cuts, delays, duplicates, reorders.

It reads HTTP/1.1 requests off each client connection (head and Content-Length
body) so it can act per request: forward it, forward only its first bytes and
cut both connections, hold it back, or send it again later on a fresh upstream
connection (a duplicate that arrives after newer requests: a reordering).
Responses are cut at a random byte offset too: then the server has acted and
the client never hears of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass
class Faults:
    cut_request: float = 0.1
    cut_response: float = 0.1
    delay: float = 0.1
    max_delay_s: float = 0.5
    duplicate: float = 0.1
    max_replay_delay_s: float = 1.0


@dataclass
class Counters:
    requests: int = 0
    request_cuts: int = 0
    response_cuts: int = 0
    delays: int = 0
    duplicates: int = 0
    replayed: list[str] = field(default_factory=list)

    @property
    def cuts(self) -> int:
        return self.request_cuts + self.response_cuts


class FaultProxy:
    """The proxy's event loop runs in its own thread; leaving the `with` block ends every
    connection and pending replay, waits for them, and closes the loop."""

    def __init__(self, upstream_port: int, faults: Faults, seed: int = 1) -> None:
        self.upstream_port = upstream_port
        self.faults = faults
        self.rng = random.Random(seed)
        self.counters = Counters()
        self.enabled = True
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault proxy did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._stopping is not None
        self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(30)
        if self._thread.is_alive():
            raise RuntimeError("the fault proxy did not stop")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.run(self._main())  # also cancels and awaits any task left, then closes the loop

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            server.close()
            await server.wait_closed()
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _track(self, task: asyncio.Task[None]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _spawn(self, coro: Coroutine[object, object, None]) -> None:
        assert self._loop is not None
        self._track(self._loop.create_task(coro))

    def _chance(self, p: float) -> bool:
        return self.enabled and self.rng.random() < p

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._track(task)  # the server starts this task: stopping must know of it too
        done = asyncio.Event()
        up_writer: asyncio.StreamWriter | None = None
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            self._spawn(self._responses(up_reader, writer, up_writer, done))
            while not done.is_set():
                request = await _read_request(reader)
                if request is None:
                    break
                self.counters.requests += 1
                if self._chance(self.faults.delay):
                    self.counters.delays += 1
                    await asyncio.sleep(self.rng.uniform(0, self.faults.max_delay_s))
                if self._chance(self.faults.cut_request):
                    self.counters.request_cuts += 1
                    up_writer.write(request[: self.rng.randrange(len(request))])
                    await up_writer.drain()
                    break
                up_writer.write(request)
                await up_writer.drain()
                if self._chance(self.faults.duplicate):
                    self.counters.duplicates += 1
                    self._spawn(
                        self._replay(request, self.rng.uniform(0, self.faults.max_replay_delay_s))
                    )
        except (OSError, asyncio.IncompleteReadError, ValueError):
            pass
        except asyncio.CancelledError:
            # The proxy is stopping. The handler ends quietly: Python 3.11's stream server
            # reports a connection handler that ends cancelled as an unhandled error.
            pass
        finally:
            done.set()
            _close(writer, up_writer)

    async def _responses(
        self,
        up_reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        up_writer: asyncio.StreamWriter,
        done: asyncio.Event,
    ) -> None:
        budget = self.rng.randrange(1, 4096) if self._chance(self.faults.cut_response) else None
        try:
            while True:
                data = await up_reader.read(65536)
                if not data:
                    break
                if budget is not None and len(data) >= budget:
                    self.counters.response_cuts += 1
                    writer.write(data[:budget])
                    await writer.drain()
                    break
                if budget is not None:
                    budget -= len(data)
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            done.set()
            _close(writer, up_writer)

    async def _replay(self, request: bytes, after: float) -> None:
        await asyncio.sleep(after)
        writer: asyncio.StreamWriter | None = None
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            writer.write(request)
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
            self.counters.replayed.append(head.split(b"\r\n", 1)[0].decode())
        except (TimeoutError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            _close(writer)


def _close(*writers: asyncio.StreamWriter | None) -> None:
    for writer in writers:
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.close()


async def _read_request(reader: asyncio.StreamReader) -> bytes | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
        if name.strip().lower() == b"transfer-encoding":
            raise ValueError("chunked requests are not proxied")
    body = await reader.readexactly(length) if length else b""
    return head + body
