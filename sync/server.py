"""The cloud service over HTTP: a Starlette app, served by uvicorn.

Station endpoints take `Authorization: Bearer TOKEN`; the customer's endpoints
(`/v1/track/{public_id}`) are capability links: the unguessable id is the key.
Database work runs in the thread pool so a slow disk never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import ipaddress
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from station.findings import Decision
from sync.blobstore import BlobError, BlobStore, owner_tag
from sync.cloud import CloudService, Refused
from sync.cloud_db import CloudDatabase
from sync.customer_routes import Limits, customer_routes
from sync.customer_rules import LINK_DAYS
from sync.errors import AuthRefused, SyncError, WrongStation
from sync.protocol import (
    API,
    MAX_CHUNK_BYTES,
    OFFSET_CONTENT_TYPE,
    TUS_VERSION,
    parse_chain_claim,
)

log = logging.getLogger(__name__)

MAX_WAIT_S = 25.0
# A station's JSON body (a batch of up to 1000 mutations) is read whole: past this it is refused
# before it fills the hub's memory. A workshop's hub relaying to the brand's cloud sends its
# first snapshot in batches of up to 20,000 rows, signatures and logos among them.
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_RELAY_JSON_BYTES = 1024 * 1024 * 1024

Endpoint = Callable[[Request], Awaitable[Response]]


class InsecureBind(SyncError):
    """Plain HTTP was asked for on an address other than the loopback."""


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


async def _body(request: Request, limit: int) -> bytes:
    """The request's body, refused (413) as soon as it passes `limit` bytes, whatever its
    Content-Length said or whether it sent one."""
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > limit:
            raise Refused(f"the body is larger than {limit} bytes", 413)
    return bytes(data)


def cannot_write(err: BaseException | None) -> bool:
    """Whether the service's disk is full or read-only (then no request can be taken)."""
    if isinstance(err, sqlite3.Error):
        code = getattr(err, "sqlite_errorcode", 0) & 0xFF
        return code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY)
    return isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EROFS)


def _guarded(handler: Endpoint) -> Endpoint:
    """Turn the service's refusals into HTTP answers with the reason."""

    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except AuthRefused as err:
            return _error(403 if isinstance(err, WrongStation) else 401, str(err))
        except Refused as err:
            return _error(err.status, str(err), **err.detail)
        except ClientDisconnect:
            return Response(status_code=400)
        except (sqlite3.Error, OSError, SyncError) as err:
            if not (cannot_write(err) or cannot_write(err.__cause__)):
                raise
            log.error("the service cannot write to its disk: %s", err)
            return _error(
                507,
                "the service's disk is full or read-only: nothing was taken, the station "
                "keeps its changes and sends them again once space is freed",
            )

    return endpoint


class _Bell:
    """Wakes the feed's long-polls when a change is committed (rung on the event loop)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)


def create_app(service: CloudService, blobs: BlobStore, limits: Limits | None = None) -> Starlette:
    bell = _Bell()

    async def auth(request: Request) -> Any:
        return await run_in_threadpool(service.authenticate, request.headers.get("authorization"))

    async def json_body(request: Request, limit: int = MAX_JSON_BYTES) -> dict[str, Any]:
        try:
            body = json.loads(await _body(request, limit))
        except (ValueError, UnicodeDecodeError) as err:
            raise Refused(f"the body is not JSON: {err}") from err
        if not isinstance(body, dict):
            raise Refused("the body is a JSON object")
        return body

    async def enrol(request: Request) -> Response:
        who = await auth(request)
        body = await json_body(request)
        answer = await run_in_threadpool(
            service.enrol, who, str(body.get("station_id") or ""), str(body.get("name") or "")
        )
        return JSONResponse(answer)

    async def mutations(request: Request) -> Response:
        who = await auth(request)
        relay = await run_in_threadpool(service.relays, who)
        body = await json_body(request, MAX_RELAY_JSON_BYTES if relay else MAX_JSON_BYTES)
        batch = body.get("mutations")
        if not isinstance(batch, list):
            raise Refused("the body lists mutations")
        chain = parse_chain_claim(body.get("chain"))
        results = await run_in_threadpool(
            service.apply_batch,
            who,
            str(body.get("station") or ""),
            batch,
            chain,
            body.get("sent_at"),
        )
        bell.ring()
        answer: dict[str, Any] = {"results": [r.wire() for r in results]}
        if chain is not None:
            answer["anchor"] = chain.head.wire()
        return JSONResponse(answer)

    async def changes(request: Request) -> Response:
        """The workshop's feed; with `wait`, held open until a change arrives (long-poll)."""
        await auth(request)
        try:
            since = int(request.query_params.get("since", "0"))
            limit = max(1, min(int(request.query_params.get("limit", "500")), 1000))
            wait = min(float(request.query_params.get("wait", "0")), MAX_WAIT_S)
        except ValueError as err:
            raise Refused("since, limit and wait are numbers") from err
        if not 0 <= since < 2**63:
            raise Refused(f"since {since} is not a change number")
        deadline = time.monotonic() + wait
        while True:
            # Asked again on every look: a terminal revoked while it waits gets nothing more.
            who = await auth(request)
            answer = await run_in_threadpool(
                service.changes_since, who, since, limit, request.query_params.get("seen")
            )
            left = deadline - time.monotonic()
            if answer["changes"] or left <= 0 or await request.is_disconnected():
                return JSONResponse(answer)
            # Woken by a change made through this process; another instance's (several
            # behind a load balancer) is seen by the next look, within a second.
            await bell.wait(min(left, 1.0))

    async def station_work_order(request: Request) -> Response:
        who = await auth(request)
        row = await run_in_threadpool(
            service.station_work_order, who, int(request.path_params["local_id"])
        )
        return JSONResponse(row)

    async def workshop_work_order(request: Request) -> Response:
        who = await auth(request)
        rows = await run_in_threadpool(
            service.workshop_work_order, who, str(request.path_params["reference"])
        )
        return JSONResponse({"rows": rows})

    async def workshop_car(request: Request) -> Response:
        who = await auth(request)
        query = request.query_params
        rows = await run_in_threadpool(
            service.workshop_car, who, query.get("vin"), query.get("plate")
        )
        return JSONResponse({"rows": rows})

    def tus_headers(offset: int, length: int | None) -> dict[str, str]:
        headers = {
            "Tus-Resumable": TUS_VERSION,
            "Upload-Offset": str(offset),
            "Cache-Control": "no-store",
        }
        if length is not None:
            headers["Upload-Length"] = str(length)
        return headers

    async def blob(request: Request) -> Response:
        who = await auth(request)
        station = service._station(who)
        sha = request.path_params["sha256"]
        # Only the caller's workshop's files: another workshop's photo is "not uploaded",
        # and to own a file already kept a workshop uploads every byte of it.
        known = await run_in_threadpool(service.blob_known, who.workshop, sha)
        owner = owner_tag(who.workshop)
        try:
            if request.method == "GET":
                # A terminal fetching a photo another terminal took (the workshop's own files).
                if not known:
                    raise Refused("not uploaded yet", 404)
                return await _file(sha, "application/octet-stream")
            if request.method == "HEAD":
                state = await run_in_threadpool(blobs.state, sha, owner, known)
                return Response(status_code=200, headers=tus_headers(state.offset, state.length))
            if request.method == "POST":
                data = await _body(request, MAX_CHUNK_BYTES)
                state = await run_in_threadpool(blobs.put, sha, data, owner, known)
            else:
                if request.headers.get("content-type") != OFFSET_CONTENT_TYPE:
                    return _error(415, f"a chunk is sent as {OFFSET_CONTENT_TYPE}")
                offset = int(request.headers.get("upload-offset", "-1"))
                raw_length = request.headers.get("upload-length")
                length = int(raw_length) if raw_length else None
                declared = int(request.headers.get("content-length", "0"))
                if declared > MAX_CHUNK_BYTES:
                    return _error(413, f"a chunk has at most {MAX_CHUNK_BYTES} bytes")
                data = await _body(request, MAX_CHUNK_BYTES)
                state = await run_in_threadpool(
                    blobs.append,
                    sha,
                    offset,
                    length,
                    request.headers.get("upload-checksum"),
                    data,
                    owner,
                    known,
                )
        except BlobError as err:
            return Response(str(err), status_code=err.status, headers=tus_headers(err.offset, None))
        except ValueError:
            return _error(400, "Upload-Offset and Upload-Length are numbers")
        if state.complete:
            await run_in_threadpool(service.record_blob, sha, state.offset, station)
        return Response(status_code=204, headers=tus_headers(state.offset, state.length))

    async def book(request: Request) -> Response:
        body = await json_body(request)
        appointment_id = await run_in_threadpool(
            service.book_appointment, request.path_params["workshop"], body
        )
        bell.ring()
        return JSONResponse({"id": appointment_id}, status_code=201)

    async def cancel_appointment(request: Request) -> Response:
        await run_in_threadpool(service.cancel_appointment, request.path_params["appointment_id"])
        bell.ring()
        return JSONResponse({"status": "cancelled"})

    async def track(request: Request) -> Response:
        return JSONResponse(
            await run_in_threadpool(service.customer_view, request.path_params["public_id"])
        )

    async def progress(request: Request) -> Response:
        return JSONResponse(
            await run_in_threadpool(service.progress, request.path_params["public_id"])
        )

    async def report(request: Request) -> Response:
        return JSONResponse(
            await run_in_threadpool(service.report, request.path_params["public_id"])
        )

    async def report_pdf(request: Request) -> Response:
        meta = await run_in_threadpool(service.report, request.path_params["public_id"])
        return await _file(meta["sha256"], "application/pdf")

    async def photo_file(request: Request) -> Response:
        sha = request.path_params["sha256"]
        if not await run_in_threadpool(service.blob_of, request.path_params["public_id"], sha):
            raise Refused("no such photo", 404)
        return await _file(sha, "image/jpeg")

    async def _file(sha: str, media_type: str) -> Response:
        try:
            data = await run_in_threadpool(blobs.read, sha)
        except BlobError as err:
            raise Refused(str(err), err.status) from err
        return Response(data, media_type=media_type, headers={"ETag": f'"{sha}"'})

    async def decide(request: Request) -> Response:
        body = await json_body(request)
        try:
            decision = Decision(str(body.get("decision")))
        except ValueError as err:
            raise Refused("decision is approved or declined") from err
        change = await run_in_threadpool(
            service.customer_decision,
            request.path_params["public_id"],
            int(request.path_params["finding_id"]),
            decision,
            str(body.get("customer_name") or ""),
        )
        bell.ring()
        return JSONResponse(change, status_code=201)

    async def cancel(request: Request) -> Response:
        await run_in_threadpool(service.request_cancel, request.path_params["public_id"])
        bell.ring()
        return JSONResponse({"status": "cancel_requested"}, status_code=202)

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True})

    def route(path: str, handler: Endpoint, methods: list[str]) -> Route:
        return Route(API + path, _guarded(handler), methods=methods)

    return Starlette(
        routes=[
            route("/health", health, ["GET"]),
            route("/enrol", enrol, ["POST"]),
            route("/mutations", mutations, ["POST"]),
            route("/changes", changes, ["GET"]),
            route("/work-orders/{local_id:int}", station_work_order, ["GET"]),
            route("/workshop/work-orders/{reference}", workshop_work_order, ["GET"]),
            route("/workshop/cars", workshop_car, ["GET"]),
            route("/blobs/{sha256}", blob, ["GET", "HEAD", "PATCH", "POST"]),
            route("/workshops/{workshop}/appointments", book, ["POST"]),
            route("/appointments/{appointment_id}/cancel", cancel_appointment, ["POST"]),
            route("/track/{public_id}", track, ["GET"]),
            route("/track/{public_id}/progress", progress, ["GET"]),
            route("/track/{public_id}/report", report, ["GET"]),
            route("/track/{public_id}/report.pdf", report_pdf, ["GET"]),
            route("/track/{public_id}/photos/{sha256}", photo_file, ["GET"]),
            route("/track/{public_id}/findings/{finding_id:int}/decision", decide, ["POST"]),
            route("/track/{public_id}/cancel", cancel, ["POST"]),
            *customer_routes(service, blobs, limits),
        ]
    )


def check_bind(host: str, tls: bool) -> None:
    """Plain HTTP is for development on this machine only."""
    if tls:
        return
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise InsecureBind(
            f"refusing plain HTTP on {host}: give --cert and --key, or bind 127.0.0.1"
        )


@dataclass
class CloudHandle:
    """A cloud service running in a background thread (tests, the demo, the benchmark)."""

    url: str
    service: CloudService
    blobs: BlobStore
    _server: Any
    _thread: threading.Thread

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self.service.db.close()

    def __enter__(self) -> CloudHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def build(
    db: str | Path, blob_dir: Path | str, link_days: int = LINK_DAYS
) -> tuple[CloudService, BlobStore]:
    return CloudService(CloudDatabase(str(db)), link_days=link_days), BlobStore(blob_dir)


def uvicorn_config(
    app: Starlette, host: str, port: int, cert: Path | None, key: Path | None
) -> Any:
    import uvicorn

    check_bind(host, cert is not None)
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        ssl_certfile=str(cert) if cert else None,
        ssl_keyfile=str(key) if key else None,
        timeout_keep_alive=30,
        h11_max_incomplete_event_size=64 * 1024,
    )


def start_cloud_in_thread(
    db: str | Path,
    blob_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 0,
    cert: Path | None = None,
    key: Path | None = None,
    limits: Limits | None = None,
) -> CloudHandle:
    """Start the cloud service on `host:port` (0: a free port) and wait until it answers."""
    import uvicorn

    service, blobs = build(db, blob_dir)
    server = uvicorn.Server(
        uvicorn_config(create_app(service, blobs, limits), host, port, cert, key)
    )
    thread = threading.Thread(target=server.run, name="cloud-service", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SyncError(f"the cloud service did not start on {host}:{port}")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    scheme = "https" if cert else "http"
    shown = f"[{host}]" if ":" in host else host
    return CloudHandle(f"{scheme}://{shown}:{bound}", service, blobs, server, thread)


def serve(
    db: str | Path,
    blob_dir: Path,
    host: str,
    port: int,
    cert: Path | None,
    key: Path | None,
    link_days: int = LINK_DAYS,
    beside: Callable[[CloudService, BlobStore], None] | None = None,
) -> None:
    """Run the cloud service in the foreground until interrupted; `beside` starts what runs
    next to it on the same database (a hub's relay to the brand's cloud)."""
    import uvicorn

    service, blobs = build(db, blob_dir, link_days)
    if beside is not None:
        beside(service, blobs)
    uvicorn.Server(uvicorn_config(create_app(service, blobs), host, port, cert, key)).run()
