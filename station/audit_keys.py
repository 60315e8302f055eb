"""The station's audit key: the secret the audit chain is hashed with, kept outside the database.

It lives in `<data_dir>/keys/audit-chain.key` (mode 0600), beside the report
signing keys, as JSON: the secret and the first event sequence number hashed
with it. Someone holding a copy of `station.db` alone can neither recompute the
chain after rewriting an event nor move the start of the keyed chain.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from station.errors import StoreError
from station.files import sync_folder, write_new
from station.private import FILE_MODE, KEYS_FOLDER, make_private_folder, read_secret

log = logging.getLogger(__name__)

AUDIT_KEY_FILE = "audit-chain.key"


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    keyed_from: int  # events from this sequence number on are hashed with the secret


def audit_key_path(data_dir: Path) -> Path:
    return Path(data_dir) / KEYS_FOLDER / AUDIT_KEY_FILE


def load_audit_key(data_dir: Path) -> AuditKey | None:
    """The station's audit key, or None when it has none (a bare database in a test)."""
    path = audit_key_path(data_dir)
    text = read_secret(path)
    if text is None:
        return None
    try:
        body = json.loads(text)
        key = AuditKey(bytes.fromhex(body["secret"]), int(body["keyed_from"]))
    except (ValueError, KeyError, TypeError) as err:
        raise StoreError(
            f"the audit key {path} is damaged: {err}", key="audit_key.damaged", path=str(path)
        ) from err
    if len(key.secret) < 32 or key.keyed_from < 1:
        raise StoreError(
            f"the audit key {path} is damaged", key="audit_key.damaged", path=str(path)
        )
    return key


def create_audit_key(data_dir: Path, keyed_from: int) -> AuditKey:
    """A new secret for events from `keyed_from` on; an existing key is never replaced.

    The file appears whole or not at all (written aside, then linked into place),
    so a second process opening the same station reads a complete key or none.
    """
    path = audit_key_path(data_dir)
    make_private_folder(path.parent)
    key = AuditKey(secrets.token_bytes(32), keyed_from)
    body = json.dumps({"secret": key.secret.hex(), "keyed_from": keyed_from})
    aside = path.with_name(f".{AUDIT_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        write_new(aside, body.encode("ascii"), FILE_MODE)
        os.link(aside, path)
    except FileExistsError as err:
        raise StoreError(
            f"{path} already holds an audit key", key="audit_key.exists", path=str(path)
        ) from err
    except OSError as err:
        raise StoreError(
            f"cannot write the audit key {path}: {err}",
            key="file.cannot_write",
            path=str(path),
            reason=str(err),
        ) from err
    finally:
        aside.unlink(missing_ok=True)
    sync_folder(path.parent)
    log.info("created the audit key %s (keyed from event %d)", path, keyed_from)
    return key
