"""The station's files are its user's alone: the database, keys, secrets and settings.

The database holds customers' names and phones and every signed record, the
keys folder the signing keys, and the data folder the sync token and the PIN
key. A process of the station makes its new files readable by its user only
(umask 077); files made by an older version or copied in by hand may be wider,
so start-up says which ones, once, with the command that fixes them.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from station.errors import StoreError
from station.files import replace

log = logging.getLogger(__name__)

FILE_MODE = 0o600
FOLDER_MODE = 0o700
NEW_FILES_UMASK = 0o077
KEYS_FOLDER = "keys"
SYNC_TOKEN_FILE = "sync-token"
# Files of the data folder that must stay private, besides the database and its journal.
PRIVATE_FILES = ("station.toml", "app-settings.json", SYNC_TOKEN_FILE)
_warned: set[Path] = set()


def restrict_new_files() -> None:
    """From now on this process creates files 0600 and folders 0700."""
    os.umask(NEW_FILES_UMASK)


def make_private_folder(folder: Path) -> None:
    """Create `folder` (and missing parents) readable by this user only."""
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)


def write_secret(path: Path, text: str) -> None:
    """Keep a secret in a 0600 file, replaced whole (a crash leaves the old or the new one)."""
    make_private_folder(path.parent)
    try:
        replace(path, text.encode("utf-8"), FILE_MODE)
    except OSError as err:
        reason = str(err.strerror or err)
        raise StoreError(
            f"cannot write {path}: {reason}", key="file.cannot_write", path=str(path), reason=reason
        ) from err


def read_secret(path: Path) -> str | None:
    """The secret kept in `path`, or None when there is none."""
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise StoreError(
            f"cannot read {path}: {err}", key="file.cannot_read", path=str(path), reason=str(err)
        ) from err


def exposed(data_dir: Path) -> list[tuple[Path, int]]:
    """The station's files and folders that someone besides their owner may read or change."""
    candidates = [data_dir, data_dir / KEYS_FOLDER]
    candidates += [data_dir / f"station.db{suffix}" for suffix in ("", "-wal", "-shm")]
    candidates += [data_dir / name for name in PRIVATE_FILES]
    keys = data_dir / KEYS_FOLDER
    if keys.is_dir():
        candidates += sorted(p for p in keys.iterdir() if p.is_file() and _secret_key(p))
    found: list[tuple[Path, int]] = []
    for path in candidates:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:
            continue
        if mode & 0o077:
            found.append((path, mode))
    return found


def warn_if_exposed(data_dir: Path) -> list[str]:
    """Log (once per file and process) each station file others may read; the warnings."""
    warnings: list[str] = []
    for path, mode in exposed(data_dir):
        wanted = FOLDER_MODE if path.is_dir() else FILE_MODE
        warning = (
            f"{path} is mode {mode:04o}: other users of this computer can read it "
            f"(chmod {wanted:o} {path})"
        )
        warnings.append(warning)
        if path not in _warned:
            _warned.add(path)
            log.warning("%s", warning)
    return warnings


def _secret_key(path: Path) -> bool:
    """Certificates are public; every other file of the keys folder is a secret."""
    return not path.name.endswith("cert.pem")
