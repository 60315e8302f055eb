"""PIN hashing with scrypt, a per-user salt and the station's PIN key; lockout after failures.

A PIN of 4 digits has 10,000 values: whoever has the database file tries them
all offline in minutes, whatever the hash. So the PIN is first keyed with a
secret of the station (HMAC-SHA256 with `keys/pin.key`, mode 0600) that lives
outside the database: the database file alone, or a backup of it, is not
enough to search. Hashes made before the key existed (`pepper_version` 0)
still verify, and are replaced by keyed ones at the next good login.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from station.errors import InvalidInput, StoreError
from station.private import KEYS_FOLDER, read_secret, write_secret

MAX_FAILED_ATTEMPTS = 5
# Interactive-login cost: about 30 ms on a bay terminal, 16 MiB of memory.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_PIN_SHAPE = re.compile(r"^[0-9]{4,8}$")
PIN_KEY_FILE = "pin.key"
UNKEYED = 0  # scrypt of the PIN itself (stations before the PIN key)
KEYED = 1  # scrypt of HMAC-SHA256(PIN key, PIN)


@dataclass(frozen=True)
class PinHash:
    salt: bytes
    digest: bytes
    pepper_version: int = UNKEYED


def validate_pin(pin: str) -> None:
    if not _PIN_SHAPE.match(pin):
        raise InvalidInput("a PIN has 4 to 8 digits", key="pin.format")


def pin_key_path(data_dir: Path) -> Path:
    return data_dir / KEYS_FOLDER / PIN_KEY_FILE


def pin_key(data_dir: Path) -> bytes | None:
    """The station's PIN key, or None when it has none yet."""
    text = read_secret(pin_key_path(data_dir))
    if text is None:
        return None
    try:
        return bytes.fromhex(text)
    except ValueError as err:
        path = pin_key_path(data_dir)
        raise StoreError(f"{path} is not a PIN key", key="pin_key.damaged", path=str(path)) from err


def ensure_pin_key(data_dir: Path) -> bytes:
    """The station's PIN key, made (32 random bytes, 0600) the first time a PIN is set."""
    key = pin_key(data_dir)
    if key is None:
        key = secrets.token_bytes(32)
        write_secret(pin_key_path(data_dir), key.hex())
    return key


def adopt_pin_key(data_dir: Path, key: bytes) -> None:
    """Keep the workshop's PIN key that the hub handed over; a terminal never makes its own,
    or a PIN set at one terminal would not open another."""
    if len(key) < 32:
        raise StoreError("the hub's PIN key is too short", key="pin_key.short")
    held = pin_key(data_dir)
    if held is None:
        write_secret(pin_key_path(data_dir), key.hex())
    elif not hmac.compare_digest(held, key):
        raise StoreError(
            f"{pin_key_path(data_dir)} holds another PIN key than the workshop's: "
            "a terminal joins with a fresh data folder",
            key="pin_key.another",
            path=str(pin_key_path(data_dir)),
        )


def hash_pin(pin: str, salt: bytes | None = None, key: bytes | None = None) -> PinHash:
    """The hash to keep for `pin`: keyed when the station's PIN key is given."""
    validate_pin(pin)
    salt = salt if salt is not None else secrets.token_bytes(16)
    version = UNKEYED if key is None else KEYED
    return PinHash(salt=salt, digest=_scrypt(pin, salt, key), pepper_version=version)


def pin_matches(pin: str, stored: PinHash, key: bytes | None = None) -> bool:
    """Whether `pin` is the one hashed in `stored`; a keyed hash needs the station's PIN key."""
    if not _PIN_SHAPE.match(pin):
        return False
    if stored.pepper_version == KEYED and key is None:
        raise StoreError(
            f"the station's PIN key ({KEYS_FOLDER}/{PIN_KEY_FILE}) is missing: restore it "
            "from where the keys folder was copied; until then no PIN can be checked, and "
            "an admin gets back in with `station user recover` and the recovery code",
            key="pin_key.missing",
            path=f"{KEYS_FOLDER}/{PIN_KEY_FILE}",
        )
    if stored.pepper_version not in (UNKEYED, KEYED):
        raise StoreError(
            f"unknown PIN hash version {stored.pepper_version}",
            key="pin.hash_version",
            version=stored.pepper_version,
        )
    candidate = _scrypt(pin, stored.salt, key if stored.pepper_version == KEYED else None)
    return hmac.compare_digest(candidate, stored.digest)


def needs_rehash(stored: PinHash) -> bool:
    """A hash made before the PIN key: replace it with a keyed one at the next good login."""
    return stored.pepper_version != KEYED


def is_locked(failed_attempts: int) -> bool:
    return failed_attempts >= MAX_FAILED_ATTEMPTS


def _scrypt(pin: str, salt: bytes, key: bytes | None) -> bytes:
    secret = pin.encode() if key is None else hmac.new(key, pin.encode(), hashlib.sha256).digest()
    return hashlib.scrypt(secret, salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
