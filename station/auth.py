"""PIN hashing with scrypt and a per-user salt; lockout after repeated failures."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from station.errors import InvalidInput

MAX_FAILED_ATTEMPTS = 5
# Interactive-login cost: about 30 ms on a bay terminal, 16 MiB of memory.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_PIN_SHAPE = re.compile(r"^[0-9]{4,8}$")


@dataclass(frozen=True)
class PinHash:
    salt: bytes
    digest: bytes


def validate_pin(pin: str) -> None:
    if not _PIN_SHAPE.match(pin):
        raise InvalidInput("a PIN has 4 to 8 digits")


def hash_pin(pin: str, salt: bytes | None = None) -> PinHash:
    validate_pin(pin)
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return PinHash(salt=salt, digest=digest)


def pin_matches(pin: str, stored: PinHash) -> bool:
    if not _PIN_SHAPE.match(pin):
        return False
    candidate = hashlib.scrypt(
        pin.encode(), salt=stored.salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P
    )
    return hmac.compare_digest(candidate, stored.digest)


def is_locked(failed_attempts: int) -> bool:
    return failed_attempts >= MAX_FAILED_ATTEMPTS
