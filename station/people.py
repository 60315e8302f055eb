"""The people who use the station: users, roles, PINs, lockout and the admin's way back in.

PIN checks run one at a time inside a write transaction, so the lockout counts
every try however many terminals or processes try at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from station import auth, backup, limits
from station.command import Actor, Created, maybe_one, one
from station.customers import check_language
from station.errors import AccountLocked, AuthenticationFailed, InvalidInput
from station.identity import TERMINAL_NUMBER_KEY
from station.roles import Role, require
from station.store import Store, Transaction, keep_ids_apart, last_ids

RECOVERY_KEY = "admin.recovery_sha256"
# 20 characters of a 32-letter alphabet: 100 bits, beyond any offline search.
_RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_RECOVERY_LENGTH = 20


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 5] for i in range(0, _RECOVERY_LENGTH, 5))


def recovery_digest(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


REANCHOR_ID_GAP = 100_000
ACTIVE_ADMINS = "SELECT COUNT(*) AS n FROM users WHERE role = 'admin' AND active = 1"


def migrate_pin_keyed(db: sqlite_utils.Database) -> None:
    """Which PIN hashes are keyed with the PIN key; the older ones are rehashed at a good login."""
    db.execute("ALTER TABLE users ADD COLUMN pin_keyed INTEGER NOT NULL DEFAULT 0")


def station_pin_key(store: Store) -> bytes | None:
    """The key PINs are hashed with, outside the database (`keys/pin.key`, 0600).

    A station makes its own the first time a PIN is hashed (inside a write
    transaction, so two processes never make two), and never again once PINs
    are keyed: a lost key is reported at login, where a new one would only turn
    every right PIN wrong (the recovery code still lets an admin in). A workshop terminal uses
    the workshop's, handed over by the hub, and never makes one: a PIN set at
    one terminal must open every other. A terminal without it keeps hashing
    as before, so nobody is locked out while it waits for the key.
    """
    if store.path is None:
        return None
    key = auth.pin_key(store.path.parent)
    if key is not None or store.meta(TERMINAL_NUMBER_KEY) is not None:
        return key
    keyed = store.db.conn.execute("SELECT 1 FROM users WHERE pin_keyed = 1 LIMIT 1").fetchone()
    if keyed is not None:
        # The key was lost, not never made: a new one would turn every right PIN wrong.
        return None
    return auth.ensure_pin_key(store.path.parent)


def pin_columns(pin_hash: auth.PinHash) -> dict[str, Any]:
    return {
        "pin_salt": pin_hash.salt,
        "pin_hash": pin_hash.digest,
        "pin_keyed": pin_hash.pepper_version,
    }


def refuse_losing_last_admin(current_role: str, active_admins: int) -> None:
    """A station always keeps one admin who can log in."""
    if current_role == Role.ADMIN.value and active_admins <= 1:
        raise InvalidInput("the station needs at least one admin", key="user.last_admin")


@dataclass(frozen=True)
class LoginOutcome:
    """What one PIN check decided; raised or returned after its transaction commits."""

    actor: Actor | None
    error: AuthenticationFailed | None


class People:
    store: Store

    def add_user(
        self,
        actor: Actor | None,
        name: str,
        role: Role,
        pin: str,
        display_name: str | None = None,
        language: str = "zh",
    ) -> Created:
        """Add a user; `actor` may be None only for the very first (admin) user."""
        if actor is not None:
            require(actor.role, "user.manage")
        name = name.strip()
        if not name:
            raise InvalidInput("a user needs a name", key="user.needs_name")
        limits.check(limits.NAME, name)
        limits.check_optional(limits.NAME, display_name)
        check_language(language)
        auth.validate_pin(pin)
        with self.store.transaction(actor.name if actor else name) as tx:
            if actor is None and maybe_one(tx, "SELECT 1 AS x FROM users LIMIT 1"):
                raise AuthenticationFailed("log in as an admin to add users", key="user.admin_adds")
            if actor is None and role is not Role.ADMIN:
                raise InvalidInput("the first user must be an admin", key="user.first_admin")
            if maybe_one(tx, "SELECT id FROM users WHERE name = ?", (name,)):
                raise InvalidInput(f"user {name!r} already exists", key="user.exists", name=name)
            user_id = tx.insert(
                "users",
                {
                    "name": name,
                    "display_name": display_name or name,
                    "role": role.value,
                    "language": language,
                    **pin_columns(auth.hash_pin(pin, key=station_pin_key(self.store))),
                    "created_at": tx.at,
                },
            )
            tx.record("user.added", "user", user_id, {"name": name, "role": role.value}, sync=False)
        return Created(user_id)

    def login(self, name: str, pin: str) -> Actor:
        """Check a PIN; five wrong ones in a row lock the account until an admin unlocks it."""
        with self.store.transaction(name) as tx:
            row = maybe_one(tx, "SELECT * FROM users WHERE name = ? AND active = 1", (name,))
            outcome = self._check_pin(tx, row, name, pin, station_pin_key(self.store))
        if outcome.error is not None:
            raise outcome.error
        assert outcome.actor is not None
        return outcome.actor

    @staticmethod
    def _check_pin(
        tx: Transaction, row: dict[str, Any] | None, name: str, pin: str, key: bytes | None
    ) -> LoginOutcome:
        if row is None:
            return LoginOutcome(
                None, AuthenticationFailed("unknown user or wrong PIN", key="auth.wrong_pin")
            )
        failed = int(row["failed_attempts"])
        if auth.is_locked(failed):
            return LoginOutcome(
                None,
                AccountLocked(
                    f"{name} is locked after too many wrong PINs: ask an admin",
                    key="auth.locked",
                    name=name,
                ),
            )
        stored = auth.PinHash(row["pin_salt"], row["pin_hash"], int(row["pin_keyed"]))
        if not auth.pin_matches(pin, stored, key):
            tx.execute(
                "UPDATE users SET failed_attempts = failed_attempts + 1 WHERE id = ?", (row["id"],)
            )
            tx.audit("user.login_failed", f"user:{row['id']}", {})
            left = auth.MAX_FAILED_ATTEMPTS - failed - 1
            if left <= 0:
                return LoginOutcome(
                    None,
                    AccountLocked(
                        f"wrong PIN: {name} is now locked, ask an admin",
                        key="auth.now_locked",
                        name=name,
                    ),
                )
            return LoginOutcome(
                None,
                AuthenticationFailed(
                    f"unknown user or wrong PIN ({left} attempts left)",
                    key="auth.wrong_pin_left",
                    left=left,
                ),
            )
        if failed:
            tx.execute("UPDATE users SET failed_attempts = 0 WHERE id = ?", (row["id"],))
        if key is not None and auth.needs_rehash(stored):
            # A hash from before the PIN key: the right PIN is known now, so key it.
            rehashed = pin_columns(auth.hash_pin(pin, key=key))
            tx.execute(
                "UPDATE users SET pin_salt = ?, pin_hash = ?, pin_keyed = ? WHERE id = ?",
                (*rehashed.values(), row["id"]),
            )
            tx.audit("user.pin_keyed", f"user:{row['id']}", {})
        return LoginOutcome(
            Actor(user_id=row["id"], name=row["name"], role=Role(row["role"])),
            None,
        )

    def unlock_user(self, actor: Actor, name: str) -> None:
        require(actor.role, "user.manage")
        with self.store.transaction(actor.name) as tx:
            row = one(tx, "SELECT id FROM users WHERE name = ?", (name,), f"user {name!r}")
            tx.execute("UPDATE users SET failed_attempts = 0 WHERE id = ?", (row["id"],))
            tx.audit("user.unlocked", f"user:{row['id']}", {})

    def change_role(self, actor: Actor, name: str, role: Role) -> int:
        """An admin gives a person another role; the last active admin stays an admin."""
        require(actor.role, "user.manage")
        with self.store.transaction(actor.name) as tx:
            row = one(
                tx,
                "SELECT id, role FROM users WHERE name = ? AND active = 1",
                (name,),
                f"user {name!r}",
            )
            if row["role"] == role.value:
                return int(row["id"])
            admins = int(one(tx, ACTIVE_ADMINS, (), "admins")["n"])
            refuse_losing_last_admin(row["role"], admins)
            tx.execute("UPDATE users SET role = ? WHERE id = ?", (role.value, row["id"]))
            tx.record(
                "user.role_changed",
                "user",
                row["id"],
                {"from": row["role"], "to": role.value},
                sync=False,
            )
        return int(row["id"])

    def reset_pin(self, actor: Actor, name: str, new_pin: str) -> int:
        """An admin sets a new PIN for someone who forgot theirs; it also unlocks them."""
        require(actor.role, "user.manage")
        auth.validate_pin(new_pin)
        with self.store.transaction(actor.name) as tx:
            row = one(
                tx, "SELECT id FROM users WHERE name = ? AND active = 1", (name,), f"user {name!r}"
            )
            pin_hash = auth.hash_pin(new_pin, key=station_pin_key(self.store))
            tx.execute(
                "UPDATE users SET pin_salt = ?, pin_hash = ?, pin_keyed = ?, failed_attempts = 0 "
                "WHERE id = ?",
                (*pin_columns(pin_hash).values(), row["id"]),
            )
            tx.audit("user.pin_reset", f"user:{row['id']}", {})
        return int(row["id"])

    def deactivate_user(self, actor: Actor, name: str) -> int:
        """Someone who left: no login any more, their records keep their name. Not oneself,
        and never the last active admin."""
        require(actor.role, "user.manage")
        if name == actor.name:
            raise InvalidInput("you cannot deactivate yourself", key="user.not_yourself")
        with self.store.transaction(actor.name) as tx:
            row = one(
                tx,
                "SELECT id, role FROM users WHERE name = ? AND active = 1",
                (name,),
                f"user {name!r}",
            )
            admins = int(one(tx, ACTIVE_ADMINS, (), "admins")["n"])
            refuse_losing_last_admin(row["role"], admins)
            tx.execute("UPDATE users SET active = 0 WHERE id = ?", (row["id"],))
            tx.record("user.deactivated", "user", row["id"], {"name": name}, sync=False)
        return int(row["id"])

    def issue_recovery_code(self, actor: Actor) -> str:
        """A new one-time code that lets an admin back in without SQL; shown once, kept hashed."""
        require(actor.role, "user.manage")
        code = new_recovery_code()
        with self.store.transaction(actor.name) as tx:
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (RECOVERY_KEY, recovery_digest(code)),
            )
            tx.audit("admin.recovery_code_issued", "station", {})
        return code

    def recover_admin(self, name: str, code: str, new_pin: str) -> str:
        """Unlock an admin and set a new PIN with the recovery code; returns the next code.

        The code works once: using it replaces it, so a code seen on paper by
        someone else is worthless after the admin's own use.
        """
        auth.validate_pin(new_pin)
        next_code = new_recovery_code()
        with self.store.transaction(name) as tx:
            user = maybe_one(
                tx, "SELECT id, role FROM users WHERE name = ? AND active = 1", (name,)
            )
            valid = _recovery_code_holds(tx, code)
            if valid and user is not None and user["role"] == Role.ADMIN.value:
                pin_hash = auth.hash_pin(new_pin, key=station_pin_key(self.store))
                tx.execute(
                    "UPDATE users SET failed_attempts = 0, pin_salt = ?, pin_hash = ?, "
                    "pin_keyed = ? WHERE id = ?",
                    (*pin_columns(pin_hash).values(), user["id"]),
                )
                _replace_recovery_code(tx, next_code)
                tx.audit("admin.recovered", f"user:{user['id']}", {})
            else:
                tx.audit("admin.recovery_refused", "station", {"name": name})
        if not (valid and user is not None and user["role"] == Role.ADMIN.value):
            raise AuthenticationFailed(
                "that recovery code does not unlock an admin of this station",
                key="user.recovery_refused",
            )
        return next_code

    def reanchor_after_restore(self, code: str) -> str:
        """Tell the cloud, at the next sync, that this database was put back from a backup
        by hand; the recovery code vouches for it, and is spent. Returns the next code.

        `station restore` does this by itself; this is for a file copied back without
        it, whose sync the cloud refuses because the chain went backwards.
        """
        next_code = new_recovery_code()
        with self.store.transaction("admin") as tx:
            valid = _recovery_code_holds(tx, code)
            if valid:
                _replace_recovery_code(tx, next_code)
                # The replaced database is gone: new ids leave a wide gap above the
                # restored ones, past any the lost database could have given.
                used = {t: n + REANCHOR_ID_GAP for t, n in last_ids(tx.db.conn).items()}
                floors = keep_ids_apart(tx, used)
                backup.record_restore(tx, "station.reanchor_requested", {"id_floors": floors})
            else:
                tx.audit("admin.recovery_refused", "station", {"for": "reanchor"})
        if not valid:
            raise AuthenticationFailed(
                "that is not this station's recovery code", key="user.recovery_refused"
            )
        return next_code


def _recovery_code_holds(tx: Transaction, code: str) -> bool:
    kept = maybe_one(tx, "SELECT value FROM meta WHERE key = ?", (RECOVERY_KEY,))
    return kept is not None and hmac.compare_digest(str(kept["value"]), recovery_digest(code))


def _replace_recovery_code(tx: Transaction, next_code: str) -> None:
    """A recovery code works once: using it puts the next one in its place."""
    tx.execute(
        "UPDATE meta SET value = ? WHERE key = ?", (recovery_digest(next_code), RECOVERY_KEY)
    )
