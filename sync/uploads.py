"""A file up in checked chunks from where the receiver has it (the tus protocol's offsets).

Shared by a terminal sending its photos and reports to the hub and the hub relaying them
to the brand's cloud: the file is read from disk one chunk at a time, each chunk
carries its checksum, and a cut, a lost answer or a refused chunk asks the receiver
for its offset and goes on from there. A run that ends early resumes next time
from what the receiver kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import httpx

from sync.errors import AuthRefused, Offline, ProtocolViolation
from sync.protocol import CHECKSUM_MISMATCH, OFFSET_CONTENT_TYPE, TUS_VERSION, chunk_checksum

log = logging.getLogger(__name__)

# Sends one chunk (offset, bytes, headers); raises httpx.TransportError when the answer is lost.
Patch = Callable[[int, bytes, dict[str, str]], httpx.Response]


def _reason(response: httpx.Response) -> str:
    return response.text[:200] or str(response.status_code)


def send_file(
    path: Path,
    name: str,
    chunk_size: int,
    attempts: int,
    offset: Callable[[], int],
    patch: Patch,
    sending: Callable[[int, int], None] | None = None,
) -> int:
    """Send `path` from the receiver's `offset()` on, chunk by chunk; returns the bytes the
    receiver took. `sending(offset, length)` hears of every chunk put on the wire (resends
    included). Raises `Offline` when the file is not whole at the receiver in the end."""
    size = path.stat().st_size
    taken = 0
    with path.open("rb") as handle:
        at = offset()
        for _ in range(attempts * (size // chunk_size + 2)):
            if at >= size:
                return taken
            handle.seek(at)
            chunk = handle.read(chunk_size)
            headers = {
                "Tus-Resumable": TUS_VERSION,
                "Content-Type": OFFSET_CONTENT_TYPE,
                "Upload-Offset": str(at),
                "Upload-Length": str(size),
                "Upload-Checksum": chunk_checksum(chunk),
            }
            if sending is not None:
                sending(at, len(chunk))
            try:
                response = patch(at, chunk, headers)
            except httpx.TransportError as err:
                log.debug("chunk at %d of %s lost: %s", at, name, err)
                at = offset()
                continue
            if response.status_code == 204:
                at = int(response.headers.get("upload-offset", at + len(chunk)))
                taken += len(chunk)
            elif (
                response.status_code in (409, CHECKSUM_MISMATCH, 422) or response.status_code >= 500
            ):
                at = offset()
            elif response.status_code in (401, 403):
                raise AuthRefused(f"the receiver refused this sender: {_reason(response)}")
            else:
                raise ProtocolViolation(f"file {name}: {response.status_code} {_reason(response)}")
    if offset() < size:
        raise Offline(f"the upload of {name} did not finish; resumed next time")
    return taken
