"""The workshop's profile: who the customer is dealing with, set once by an admin.

The report prints it (name, address, phone, tax id, logo), its totals use the
tax rate and currency, its times are printed in the workshop's time zone, and a
customer without a language of their own gets the default language.

The profile is a workshop record, not a terminal setting: every change is a new
immutable row of `workshop_profiles` (version, the row it was made on, who and
when) with an audit event naming every field changed, old and new; the latest
version is the profile. The logo image is kept in `workshop_logos`, keyed by its
name (derived from its SHA-256), so a terminal that receives the workshop's rows
prints the same logo. Rows never change in place, so a workshop hub can share
them like any other written-once record.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlite_utils
from PIL import Image

from station.errors import InvalidInput
from station.files import sync_folder, write_new
from station.roles import require

if TYPE_CHECKING:
    from station.store import Store, Transaction
    from station.workshop import Actor

log = logging.getLogger(__name__)

LANGUAGES = ("zh", "en")
BRANDING_FOLDER = "branding"
LOGO_MAX_BYTES = 2 * 1024 * 1024
MAX_TAX_RATE_BP = 10_000
_TEXT_LIMITS = {"name": 120, "address": 300, "phone": 40, "tax_id": 40}
_LOGO_NAME = re.compile(r"^logo-[0-9a-f]{16}\.(png|jpg)$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_PHONE = re.compile(r"^[0-9+()\-. ]+$")
FIELDS = (
    "name",
    "address",
    "phone",
    "tax_id",
    "logo",
    "currency",
    "tax_rate",
    "language",
    "time_zone",
)


@dataclass(frozen=True)
class Profile:
    name: str = ""
    address: str = ""
    phone: str = ""
    tax_id: str = ""
    logo: str | None = None  # a file name in the branding folder
    currency: str = "CNY"
    tax_rate_bp: int = 0  # basis points: 1300 is 13 %
    language: str = "zh"  # for customers who have not said which they read
    time_zone: str = ""  # an IANA name such as Asia/Shanghai; "" is the machine's own zone

    @property
    def tax_rate_text(self) -> str:
        """13 %, 6.5 %: the rate as people write it."""
        percent = Decimal(self.tax_rate_bp) / 100
        return f"{percent.normalize():f} %"

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def migrate(db: sqlite_utils.Database) -> None:
    """One row; a station initialised before profiles keeps its workshop name."""
    db.execute(
        "CREATE TABLE workshop_profile (id INTEGER PRIMARY KEY CHECK (id = 1), "
        "name TEXT NOT NULL, address TEXT NOT NULL, phone TEXT NOT NULL, tax_id TEXT NOT NULL, "
        "logo TEXT, currency TEXT NOT NULL, tax_rate_bp INTEGER NOT NULL, "
        "language TEXT NOT NULL CHECK (language IN ('zh','en')), "
        "changed_at TEXT, changed_by TEXT)"
    )
    known = db.execute("SELECT value FROM meta WHERE key = 'workshop_name'").fetchone()
    db.execute(
        "INSERT INTO workshop_profile (id, name, address, phone, tax_id, logo, currency, "
        "tax_rate_bp, language) VALUES (1, ?, '', '', '', NULL, 'CNY', 0, 'zh')",
        (known[0] if known else "",),
    )


def migrate_workshop_record(db: sqlite_utils.Database) -> None:
    """The terminal's single profile row becomes the workshop's first profile version.

    Its logo file, where the branding folder still has it, moves into the
    database with it, so every terminal of the workshop can print it.
    """
    db.executescript(
        """
        CREATE TABLE workshop_logos (
            name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, kind TEXT NOT NULL
            CHECK (kind IN ('png','jpg')), data BLOB NOT NULL, added_at TEXT NOT NULL);
        CREATE TABLE workshop_profiles (
            id INTEGER PRIMARY KEY, version INTEGER NOT NULL CHECK (version >= 1),
            based_on INTEGER, name TEXT NOT NULL, address TEXT NOT NULL, phone TEXT NOT NULL,
            tax_id TEXT NOT NULL, logo TEXT, currency TEXT NOT NULL,
            tax_rate_bp INTEGER NOT NULL, language TEXT NOT NULL CHECK (language IN ('zh','en')),
            time_zone TEXT NOT NULL, changed_at TEXT NOT NULL, changed_by TEXT);
        CREATE INDEX workshop_profiles_latest ON workshop_profiles(version, changed_at, id);
        """
    )
    for table in ("workshop_logos", "workshop_profiles"):
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'workshop profile records are immutable'); END"
            )
    old = db.execute("SELECT * FROM workshop_profile WHERE id = 1").fetchone()
    if old is not None:
        (_, name, address, phone, tax_id, logo, currency, rate, language, at, by) = old
        if logo is not None and not _keep_old_logo(db, logo):
            logo = None
        db.execute(
            "INSERT INTO workshop_profiles (version, based_on, name, address, phone, tax_id, "
            "logo, currency, tax_rate_bp, language, time_zone, changed_at, changed_by) "
            "VALUES (1, NULL, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)",
            (name, address, phone, tax_id, logo, currency, rate, language, at or "", by),
        )
    db.execute("DROP TABLE workshop_profile")


def _keep_old_logo(db: sqlite_utils.Database, name: str) -> bool:
    """Copy a logo file of the old per-terminal profile into `workshop_logos`."""
    main = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "")
    path = Path(main).parent / BRANDING_FOLDER / name if main else None
    if path is None or not path.is_file():
        log.warning("the workshop logo %s is missing; the profile keeps no logo", name)
        return False
    data = path.read_bytes()
    db.execute(
        "INSERT INTO workshop_logos (name, sha256, kind, data, added_at) VALUES (?, ?, ?, ?, ?)",
        (name, hashlib.sha256(data).hexdigest(), logo_kind(data), data, ""),
    )
    return True


# -- pure rules ---------------------------------------------------------------


def parse_tax_rate(text: str) -> int:
    """A percentage ("13", "13 %", "6.5") as basis points; refuses fractions of a basis point."""
    cleaned = text.strip().removesuffix("%").strip()
    try:
        percent = Decimal(cleaned)
    except InvalidOperation as err:
        raise InvalidInput(
            f"the tax rate is a percentage such as 13 or 6.5, not {text!r}",
            key="profile.tax_rate",
            rate=text,
        ) from err
    basis_points = percent * 100
    if not percent.is_finite() or basis_points != basis_points.to_integral_value():
        raise InvalidInput(
            f"the tax rate {text!r} has more than two decimals", key="profile.tax_rate", rate=text
        )
    if not 0 <= basis_points <= MAX_TAX_RATE_BP:
        raise InvalidInput(
            f"the tax rate {text!r} is not between 0 and 100 %", key="profile.tax_rate", rate=text
        )
    return int(basis_points)


def parse_changes(values: Mapping[str, str | None]) -> dict[str, Any]:
    """Check what a person typed, field by field; returns the profile's own values.

    Unknown fields and bad values are refused with a message naming the field, so
    nothing is half-saved.
    """
    changes: dict[str, Any] = {}
    for key, raw in values.items():
        if key not in FIELDS:
            raise InvalidInput(
                f"the workshop profile has no field {key!r}", key="value.unknown", value=key
            )
        if raw is None:
            continue
        text = raw.strip()
        if key in _TEXT_LIMITS:
            if len(text) > _TEXT_LIMITS[key]:
                raise InvalidInput(
                    f"the {key} is longer than {_TEXT_LIMITS[key]} characters",
                    key="profile.too_long",
                    max=_TEXT_LIMITS[key],
                )
            if key == "name" and not text:
                raise InvalidInput("the workshop needs a name", key="profile.needs_name")
            if key == "phone" and text and not _PHONE.match(text):
                raise InvalidInput(
                    f"the phone number {text!r} has characters a phone cannot dial",
                    key="profile.phone",
                    phone=text,
                )
            changes[key] = text
        elif key == "currency":
            if not _CURRENCY.match(text.upper()):
                raise InvalidInput(
                    f"the currency is a three-letter code such as CNY, not {raw!r}",
                    key="profile.currency",
                    currency=raw,
                )
            changes[key] = text.upper()
        elif key == "tax_rate":
            changes["tax_rate_bp"] = parse_tax_rate(text)
        elif key == "language":
            if text not in LANGUAGES:
                raise InvalidInput(
                    f"unknown language {text!r}; use zh or en",
                    key="language.unknown",
                    language=text,
                )
            changes[key] = text
        elif key == "logo":
            if text and not _LOGO_NAME.match(text):
                raise InvalidInput(
                    f"{text!r} is not a logo kept in the branding folder", key="profile.logo"
                )
            changes[key] = text or None
        elif key == "time_zone":
            if text:
                zone_of(text)
            changes[key] = text
    return changes


def zone_of(name: str) -> tzinfo:
    """The time zone of an IANA name ("Asia/Shanghai"); refuses a name the system lacks."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as err:
        raise InvalidInput(
            f"unknown time zone {name!r}; use a name such as Asia/Shanghai",
            key="profile.time_zone",
            zone=name,
        ) from err


def machine_zone() -> tzinfo:
    """The machine's own time zone: its IANA zone when the system names one."""
    link = Path("/etc/localtime")
    if link.is_symlink():
        name = str(link.resolve()).partition("zoneinfo/")[2]
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                pass
    zone = datetime.now().astimezone().tzinfo
    assert zone is not None
    return zone


def local_zone(shop: Profile) -> tzinfo:
    """Where the workshop's clocks are: its profile's zone, else the machine's."""
    return zone_of(shop.time_zone) if shop.time_zone else machine_zone()


def local_time_text(moment: datetime, zone: tzinfo) -> str:
    """A moment as the workshop's wall clock shows it, with the zone said:
    "2026-11-30 22:05 (UTC+08:00)"."""
    local = moment.astimezone(zone)
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{local:%Y-%m-%d %H:%M} (UTC{sign}{hours:02d}:{rest:02d})"


def decide(current: Profile, changes: Mapping[str, Any]) -> tuple[Profile, dict[str, Any]]:
    """The profile after the change, and what changed as {field: [old, new]}."""
    updated = dataclasses.replace(current, **changes)
    if not updated.name:
        raise InvalidInput("the workshop needs a name", key="profile.needs_name")
    old, new = current.as_dict(), updated.as_dict()
    diff = {key: [old[key], new[key]] for key in new if old[key] != new[key]}
    return updated, diff


def logo_kind(data: bytes) -> str:
    """The file suffix of a logo image (PNG or JPEG) that decodes, refusing anything else."""
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidInput(
            f"the logo is larger than {LOGO_MAX_BYTES // (1024 * 1024)} MB",
            key="profile.logo_size",
            mb=LOGO_MAX_BYTES // (1024 * 1024),
        )
    try:
        with Image.open(io.BytesIO(data), formats=["PNG", "JPEG"]) as image:
            image.load()
            kind = "png" if image.format == "PNG" else "jpg"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        raise InvalidInput(
            f"the logo must be a PNG or JPEG image that opens: {err}", key="profile.logo"
        ) from err
    return kind


# -- the store ----------------------------------------------------------------


def _row_to_profile(row: Mapping[str, Any]) -> Profile:
    return Profile(**{f.name: row[f.name] for f in dataclasses.fields(Profile)})


_LATEST = "SELECT * FROM workshop_profiles ORDER BY version DESC, changed_at DESC, id DESC LIMIT 1"


def current(store: Store) -> Profile:
    """The workshop's profile: its latest version (two made on the same version are ordered
    by time, then id, so every terminal holding the same rows reads the same profile)."""
    row = store.query_one(_LATEST)
    return Profile() if row is None else _row_to_profile(row)


def _latest(tx: Transaction) -> dict[str, Any] | None:
    cursor = tx.execute(_LATEST)
    names = [c[0] for c in cursor.description]
    row = cursor.fetchone()
    return None if row is None else dict(zip(names, row, strict=True))


def load(tx: Transaction) -> Profile:
    """The profile as the transaction sees it: what a change decides on."""
    row = _latest(tx)
    return Profile() if row is None else _row_to_profile(row)


def write(
    tx: Transaction, profile: Profile, diff: Mapping[str, Any], data_dir: Path | None = None
) -> None:
    """Store the profile as a new version and its audit event in the caller's transaction.

    A new logo goes into the database from the branding folder of `data_dir`.
    """
    if profile.logo is not None and "logo" in diff:
        _store_logo(tx, data_dir, profile.logo)
    latest = _latest(tx)
    row = {
        "version": 1 if latest is None else int(latest["version"]) + 1,
        "based_on": None if latest is None else latest["id"],
        **profile.as_dict(),
        "changed_at": tx.at,
        "changed_by": tx.actor,
    }
    tx.insert("workshop_profiles", row)
    tx.audit("profile.changed", "workshop_profile", dict(diff) | {"version": row["version"]})


def _store_logo(tx: Transaction, data_dir: Path | None, name: str) -> None:
    if tx.execute("SELECT 1 FROM workshop_logos WHERE name = ?", (name,)).fetchone():
        return
    path = None if data_dir is None else Path(data_dir) / BRANDING_FOLDER / name
    if path is None or not path.is_file():
        raise InvalidInput(
            f"the logo {name} is not in the branding folder: choose it again", key="profile.logo"
        )
    data = path.read_bytes()
    tx.insert(
        "workshop_logos",
        {
            "name": name,
            "sha256": hashlib.sha256(data).hexdigest(),
            "kind": logo_kind(data),
            "data": data,
            "added_at": tx.at,
        },
    )


def change(store: Store, actor: Actor, values: Mapping[str, str | None]) -> Profile:
    """An admin changes the profile; nothing is written when nothing changes."""
    require(actor.role, "profile.manage")
    changes = parse_changes(values)
    data_dir = None if store.path is None else Path(store.path).parent
    with store.transaction(actor.name) as tx:
        updated, diff = decide(load(tx), changes)
        if diff:
            write(tx, updated, diff, data_dir)
            log.info("workshop profile changed: %s", ", ".join(diff))
    return updated


def import_logo(data_dir: Path, data: bytes) -> str:
    """Keep a logo image in the branding folder; returns the name to put in the profile."""
    suffix = logo_kind(data)
    name = f"logo-{hashlib.sha256(data).hexdigest()[:16]}.{suffix}"
    folder = Path(data_dir) / BRANDING_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    try:
        write_new(folder / name, data, 0o444)
    except FileExistsError:  # the same image, kept before
        return name
    sync_folder(folder)
    return name


def logo_bytes(store: Store, profile: Profile) -> bytes | None:
    """The logo image the profile names, from the workshop's records; None when it has none."""
    if profile.logo is None:
        return None
    row = store.query_one("SELECT data FROM workshop_logos WHERE name = ?", (profile.logo,))
    if row is None:
        log.warning("the workshop logo %s has not reached this terminal yet", profile.logo)
        return None
    return bytes(row["data"])
