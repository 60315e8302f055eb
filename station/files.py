"""Writes that survive a power cut: photos, the cloud's blobs, issued reports, signing keys.

A write has reached the disk only once its bytes are fsynced, and a new or
renamed file's name only once the folder holding it is fsynced too; before
that a crash can leave an empty or missing file behind a write that returned.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)


def write_new(path: Path, data: bytes, mode: int) -> None:
    """Create `path` with `mode` and all of `data` on disk; an existing file is never replaced.

    Raises `FileExistsError` when `path` exists. The new name is durable once the
    caller syncs the folder (`sync_folder`) or renames the file into place.
    """
    _write(path, data, os.O_CREAT | os.O_EXCL, mode)


def append(path: Path, data: bytes) -> None:
    """Add `data` at the end of `path` (created when missing), on disk when this returns."""
    _write(path, data, os.O_CREAT | os.O_APPEND, 0o644)


def move_into_place(source: Path, target: Path) -> None:
    """Rename a finished file to its final name in a shard folder (made when missing).

    Both the name and the shard folder, which may be new, are durable when this returns.
    """
    target.parent.mkdir(exist_ok=True)
    source.rename(target)
    sync_folder(target.parent)
    sync_folder(target.parent.parent)


def replace(path: Path, data: bytes, mode: int) -> None:
    """Write `path` whole with `mode`, replacing any old one: a crash leaves the old or the new file.

    The data goes to a temporary name in the same folder first, then is renamed
    over `path`; both the bytes and the name are on disk when this returns.
    """
    temp = path.with_name(f".{path.name}.{os.getpid()}.new")
    temp.unlink(missing_ok=True)
    try:
        write_new(temp, data, mode)
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Make a new or renamed entry durable: fsync the folder that holds its name."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(path: Path, data: bytes, flags: int, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | flags, mode)
    try:
        view = memoryview(data)
        while view:  # a write may take fewer bytes than given (a full disk, a signal)
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
