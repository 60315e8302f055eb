"""The cloud's blob folder: files addressed by SHA-256, uploaded in resumable chunks.

The rules are the tus protocol's: the stored offset is the size of the partial
file, a chunk is accepted only at that offset and only if its checksum matches
(otherwise nothing of it is kept), and the upload is complete when the whole
file hashes to its name. Each accepted chunk is on disk (fsync) before the
answer, so a cut connection costs at most the chunk in flight.

Files are kept once, but a workshop sees only the files it uploaded itself:
each upload is made under its uploader's `owner` tag, so a workshop that names
a file another workshop stored must still send every byte of it (proof that
it has the file) before the file counts as its own.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from station.files import append, move_into_place, write_new
from sync.errors import SyncError
from sync.protocol import checksum_matches, is_sha256

log = logging.getLogger(__name__)


class BlobError(SyncError):
    """A chunk that cannot be accepted; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int, offset: int = 0) -> None:
        super().__init__(message)
        self.status = status
        self.offset = offset


@dataclass(frozen=True)
class BlobState:
    offset: int
    length: int | None
    complete: bool


class BlobStore:
    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.partial = self.folder / "partial"
        self.partial.mkdir(parents=True, exist_ok=True)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, sha256: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(sha256, threading.Lock())

    def path(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise BlobError(f"{sha256!r} is not a SHA-256 in lower-case hex", 400)
        return self.folder / sha256[:2] / sha256

    def _partial(self, sha256: str, owner: str) -> tuple[Path, int | None]:
        name = _partial_name(sha256, owner)
        for candidate in self.partial.glob(f"{name}-*"):
            return candidate, int(candidate.name.rsplit("-", 1)[1])
        return self.partial / name, None

    def state(self, sha256: str, owner: str = "", known: bool = True) -> BlobState:
        """Where `owner`'s upload stands; `known`: the stored file is already theirs."""
        final = self.path(sha256)
        if known and final.exists():
            size = final.stat().st_size
            return BlobState(size, size, True)
        partial, length = self._partial(sha256, owner)
        offset = partial.stat().st_size if length is not None else 0
        return BlobState(offset, length, False)

    def append(
        self,
        sha256: str,
        offset: int,
        length: int | None,
        checksum: str | None,
        data: bytes,
        owner: str = "",
        known: bool = True,
    ) -> BlobState:
        """Accept one chunk at `offset`; returns the new state (complete when the hash matched)."""
        final = self.path(sha256)
        with self._lock(sha256):
            if known and final.exists():
                size = final.stat().st_size
                return BlobState(size, size, True)
            partial, known_length = self._partial(sha256, owner)
            if known_length is None:
                if length is None or length <= 0:
                    raise BlobError("the first chunk states Upload-Length", 400)
                partial = self.partial / f"{_partial_name(sha256, owner)}-{length}"
                known_length = length
            elif length is not None and length != known_length:
                raise BlobError(f"Upload-Length {length} differs from {known_length}", 409, 0)
            current = partial.stat().st_size if partial.exists() else 0
            if offset != current:
                raise BlobError(f"offset {offset} is not the stored offset {current}", 409, current)
            if not checksum_matches(checksum, data):
                raise BlobError("the chunk's checksum does not match: discarded", 460, current)
            if current + len(data) > known_length:
                raise BlobError("the chunk goes past Upload-Length", 413, current)
            append(partial, data)
            current += len(data)
            if current < known_length:
                return BlobState(current, known_length, False)
            return self._finish(sha256, partial, known_length)

    def put(self, sha256: str, data: bytes, owner: str = "", known: bool = True) -> BlobState:
        """A single-shot upload of a whole file (small files, and the plain baseline)."""
        final = self.path(sha256)
        with self._lock(sha256):
            if known and final.exists():
                return BlobState(len(data), len(data), True)
            if hashlib.sha256(data).hexdigest() != sha256:
                raise BlobError("the file does not hash to its name", 422)
            partial = self.partial / f"{_partial_name(sha256, owner)}-{len(data)}"
            partial.unlink(missing_ok=True)  # an interrupted chunked upload of the same file
            write_new(partial, data, 0o644)
            return self._finish(sha256, partial, len(data))

    def _finish(self, sha256: str, partial: Path, length: int) -> BlobState:
        digest = hashlib.sha256()
        with partial.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != sha256:
            partial.unlink()
            raise BlobError("the uploaded file does not hash to its name: start again", 422, 0)
        if self.path(sha256).exists():
            partial.unlink()  # kept once: this upload only proved the uploader has the file
        else:
            move_into_place(partial, self.path(sha256))
        return BlobState(length, length, True)

    def read(self, sha256: str) -> bytes:
        final = self.path(sha256)
        if not final.exists():
            raise BlobError("not uploaded yet", 404)
        return final.read_bytes()


def owner_tag(workshop: str) -> str:
    """The short name a workshop's partial uploads are kept under."""
    return hashlib.sha256(workshop.encode("utf-8")).hexdigest()[:16]


def _partial_name(sha256: str, owner: str) -> str:
    return f"{sha256}.{owner}" if owner else sha256
