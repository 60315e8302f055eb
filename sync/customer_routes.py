"""The customer's page over HTTP: `/t/{link}` and what the page fetches and sends.

Mounted into the cloud's Starlette app (and so served by the workshop hub too).
Every request is counted against two rate limits, one per link and one per
address; a body must be JSON, small, and well formed before anything is read
from the database. Refusals are answered with a clear status and reason:
404 unknown, 410 revoked or expired, 409 decided meanwhile (with the state now),
413 too large, 415 not JSON, 400 malformed, 429 too many requests.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from sync.blobstore import BlobError, BlobStore
from sync.cloud import CloudService, Refused
from sync.cloud_db import CloudDatabase
from sync.customer import CustomerSide, Outcome, Stale
from sync.customer_limits import Bucket, SharedLimiter
from sync.customer_page import customer_error, pick_language, render, render_error
from sync.customer_rules import (
    MAX_BODY_BYTES,
    MAX_ID,
    PAGE,
    BadRequest,
    parse_answer,
    parse_tap,
)
from sync.protocol import is_sha256

log = logging.getLogger(__name__)

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass
class Limits:
    """Requests a minute (and the burst allowed at once) per link and per address.

    The counts live in the service's database (`sync.customer_limits`), so every
    worker and process serving the page shares them.
    """

    link_per_minute: float = 120
    link_burst: int = 60
    address_per_minute: float = 600
    address_burst: int = 200
    poll_ms: int = 5000

    def limiter(self, db: CloudDatabase) -> SharedLimiter:
        return SharedLimiter(
            db,
            address=Bucket("address", self.address_per_minute, self.address_burst),
            link=Bucket("link", self.link_per_minute, self.link_burst),
        )


_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _json_error(status: int, error: str, **extra: Any) -> JSONResponse:
    """`error` is the refusal in English for the API's callers; `extra` has what the page shows."""
    return JSONResponse({"error": error, **extra}, status_code=status, headers=_SECURITY_HEADERS)


async def _small_json(request: Request) -> dict[str, Any]:
    """The request's JSON object, refused when too big, not JSON, or not an object."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise BadRequest("send the body as application/json", 415)
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise BadRequest(f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
    data = bytearray()
    async for chunk in request.stream():
        data.extend(chunk)
        if len(data) > MAX_BODY_BYTES:
            raise BadRequest(f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
    try:
        body = json.loads(bytes(data))
    except (ValueError, UnicodeDecodeError) as err:
        raise BadRequest(f"the body is not JSON: {err}") from err
    if not isinstance(body, dict):
        raise BadRequest("the body is a JSON object")
    return body


def customer_routes(
    service: CloudService, blobs: BlobStore, limits: Limits | None = None
) -> list[Route]:
    """The page's routes, for the cloud's (and the hub's) Starlette app."""
    side = CustomerSide(service)
    limits = limits or Limits()
    limiter = limits.limiter(service.db)

    def allowed(link: str, address: str) -> bool:
        return limiter.allow(link, address, service.clock().timestamp())

    def guarded(handler: Endpoint, as_html: bool = False) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            link = str(request.path_params.get("public_id", ""))
            address = request.client.host if request.client else "unknown"
            lang = pick_language(
                request.query_params.get("lang"), request.headers.get("accept-language")
            )
            try:
                if not await run_in_threadpool(allowed, link, address):
                    raise BadRequest(
                        "too many requests: wait a minute and try again", 429, "too_many"
                    )
                return await handler(request)
            except (Refused, BadRequest) as err:
                status = err.status
                if status >= 500:
                    log.error("customer page: %s", err)
                said = customer_error(err.key, status, err.params, lang)
                if as_html:
                    return HTMLResponse(
                        render_error(status, said, lang),
                        status_code=status,
                        headers={**_SECURITY_HEADERS, "Cache-Control": "no-store"},
                    )
                extra = {"current": err.current} if isinstance(err, Stale) else {}
                return _json_error(status, str(err), key=err.key, message=said, **extra)
            except ClientDisconnect:
                return Response(status_code=400)

        return endpoint

    def answered(outcome: Outcome) -> Response:
        body = {**outcome.body, "replayed": outcome.replayed}
        return JSONResponse(body, status_code=outcome.status, headers=_SECURITY_HEADERS)

    async def page(request: Request) -> Response:
        public_id = request.path_params["public_id"]
        lang = pick_language(
            request.query_params.get("lang"), request.headers.get("accept-language")
        )
        facts = await run_in_threadpool(side.page, public_id)
        nonce = secrets.token_urlsafe(12)
        headers = {
            **_SECURITY_HEADERS,
            "Cache-Control": "no-store",
            "Content-Security-Policy": (
                "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
                f"script-src 'nonce-{nonce}'; connect-src 'self'; form-action 'none'; "
                "frame-ancestors 'none'; base-uri 'none'"
            ),
            "Content-Language": "zh-CN" if lang == "zh" else "en",
        }
        return HTMLResponse(render(facts, lang, limits.poll_ms, nonce), headers=headers)

    async def state(request: Request) -> Response:
        answer = await run_in_threadpool(side.state, request.path_params["public_id"])
        return JSONResponse(answer, headers={**_SECURITY_HEADERS, "Cache-Control": "no-store"})

    async def photo(request: Request) -> Response:
        sha = request.path_params["sha256"]
        if not is_sha256(sha) or not await run_in_threadpool(
            side.photo_allowed, request.path_params["public_id"], sha
        ):
            raise Refused("no such photo for this visit", 404, key="photo_unknown")
        try:
            data = await run_in_threadpool(blobs.read, sha)
        except BlobError as err:
            raise Refused(str(err), err.status, key="file_not_yet") from err
        return Response(
            data,
            media_type="image/jpeg",
            headers={
                **_SECURITY_HEADERS,
                "Cache-Control": "private, max-age=86400",
                "ETag": f'"{sha}"',
            },
        )

    async def report_pdf(request: Request) -> Response:
        meta = await run_in_threadpool(side.report, request.path_params["public_id"])
        try:
            data = await run_in_threadpool(blobs.read, meta["sha256"])
        except BlobError as err:
            raise Refused(str(err), err.status, key="file_not_yet") from err
        name = f"health-report-v{int(meta['version'])}.pdf"
        return Response(
            data,
            media_type="application/pdf",
            headers={
                **_SECURITY_HEADERS,
                "Cache-Control": "private, no-store",
                "Content-Disposition": f'attachment; filename="{name}"',
            },
        )

    async def decide(request: Request) -> Response:
        tap = parse_tap(await _small_json(request))
        return answered(await run_in_threadpool(side.decide, request.path_params["public_id"], tap))

    async def follow_up(request: Request) -> Response:
        body = await _small_json(request)
        public_id = request.path_params["public_id"]
        follow_up_id = int(request.path_params["follow_up_id"])
        if follow_up_id > MAX_ID:
            raise Refused("no such question for this visit", 404, key="question_unknown")
        kind = await run_in_threadpool(side.follow_up_kind, public_id, follow_up_id)
        answer = parse_answer(body, kind)
        return answered(
            await run_in_threadpool(side.answer_follow_up, public_id, follow_up_id, answer)
        )

    return [
        Route(PAGE + "/{public_id}", guarded(page, as_html=True), methods=["GET"]),
        Route(PAGE + "/{public_id}/state", guarded(state), methods=["GET"]),
        Route(PAGE + "/{public_id}/photo/{sha256}", guarded(photo), methods=["GET"]),
        Route(PAGE + "/{public_id}/report.pdf", guarded(report_pdf), methods=["GET"]),
        Route(PAGE + "/{public_id}/decisions", guarded(decide), methods=["POST"]),
        Route(
            PAGE + "/{public_id}/follow-ups/{follow_up_id:int}",
            guarded(follow_up),
            methods=["POST"],
        ),
    ]
