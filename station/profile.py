"""The workshop's profile: who the customer is dealing with, set once by an admin.

The report prints it (name, address, phone, tax id, logo), its totals use the
tax rate and currency, and a customer without a language of their own gets the
default language. One row in the database; a change is checked by the pure
`parse_changes` and `decide`, written in one transaction with an audit event
that names every field changed, old and new.

The logo is an image file kept in the data folder's branding folder, named by
its SHA-256; the profile holds its file name, never a path outside that folder.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
FIELDS = ("name", "address", "phone", "tax_id", "logo", "currency", "tax_rate", "language")


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


# -- pure rules ---------------------------------------------------------------


def parse_tax_rate(text: str) -> int:
    """A percentage ("13", "13 %", "6.5") as basis points; refuses fractions of a basis point."""
    cleaned = text.strip().removesuffix("%").strip()
    try:
        percent = Decimal(cleaned)
    except InvalidOperation as err:
        raise InvalidInput(f"the tax rate is a percentage such as 13 or 6.5, not {text!r}") from err
    basis_points = percent * 100
    if not percent.is_finite() or basis_points != basis_points.to_integral_value():
        raise InvalidInput(f"the tax rate {text!r} has more than two decimals")
    if not 0 <= basis_points <= MAX_TAX_RATE_BP:
        raise InvalidInput(f"the tax rate {text!r} is not between 0 and 100 %")
    return int(basis_points)


def parse_changes(values: Mapping[str, str | None]) -> dict[str, Any]:
    """Check what a person typed, field by field; returns the profile's own values.

    Unknown fields and bad values are refused with a message naming the field, so
    nothing is half-saved.
    """
    changes: dict[str, Any] = {}
    for key, raw in values.items():
        if key not in FIELDS:
            raise InvalidInput(f"the workshop profile has no field {key!r}")
        if raw is None:
            continue
        text = raw.strip()
        if key in _TEXT_LIMITS:
            if len(text) > _TEXT_LIMITS[key]:
                raise InvalidInput(f"the {key} is longer than {_TEXT_LIMITS[key]} characters")
            if key == "name" and not text:
                raise InvalidInput("the workshop needs a name")
            if key == "phone" and text and not _PHONE.match(text):
                raise InvalidInput(f"the phone number {text!r} has characters a phone cannot dial")
            changes[key] = text
        elif key == "currency":
            if not _CURRENCY.match(text.upper()):
                raise InvalidInput(f"the currency is a three-letter code such as CNY, not {raw!r}")
            changes[key] = text.upper()
        elif key == "tax_rate":
            changes["tax_rate_bp"] = parse_tax_rate(text)
        elif key == "language":
            if text not in LANGUAGES:
                raise InvalidInput(f"unknown language {text!r}; use zh or en")
            changes[key] = text
        elif key == "logo":
            if text and not _LOGO_NAME.match(text):
                raise InvalidInput(f"{text!r} is not a logo kept in the branding folder")
            changes[key] = text or None
    return changes


def decide(current: Profile, changes: Mapping[str, Any]) -> tuple[Profile, dict[str, Any]]:
    """The profile after the change, and what changed as {field: [old, new]}."""
    updated = dataclasses.replace(current, **changes)
    if not updated.name:
        raise InvalidInput("the workshop needs a name")
    old, new = current.as_dict(), updated.as_dict()
    diff = {key: [old[key], new[key]] for key in new if old[key] != new[key]}
    return updated, diff


def logo_kind(data: bytes) -> str:
    """The file suffix of a logo image (PNG or JPEG) that decodes, refusing anything else."""
    if len(data) > LOGO_MAX_BYTES:
        raise InvalidInput(f"the logo is larger than {LOGO_MAX_BYTES // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG", "JPEG"]) as image:
            image.load()
            kind = "png" if image.format == "PNG" else "jpg"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        raise InvalidInput(f"the logo must be a PNG or JPEG image that opens: {err}") from err
    return kind


# -- the store ----------------------------------------------------------------


def _row_to_profile(row: Mapping[str, Any]) -> Profile:
    return Profile(**{f.name: row[f.name] for f in dataclasses.fields(Profile)})


def current(store: Store) -> Profile:
    row = store.query_one("SELECT * FROM workshop_profile WHERE id = 1")
    return Profile() if row is None else _row_to_profile(row)


def load(tx: Transaction) -> Profile:
    """The profile as the transaction sees it: what a change decides on."""
    cursor = tx.execute("SELECT * FROM workshop_profile WHERE id = 1")
    names = [c[0] for c in cursor.description]
    row = cursor.fetchone()
    return Profile() if row is None else _row_to_profile(dict(zip(names, row, strict=True)))


def write(tx: Transaction, profile: Profile, diff: Mapping[str, Any]) -> None:
    """Store the profile and its audit event in the caller's transaction."""
    values = profile.as_dict()
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    tx.execute(
        f"INSERT OR REPLACE INTO workshop_profile (id, {columns}, changed_at, changed_by) "
        f"VALUES (1, {marks}, ?, ?)",
        (*values.values(), tx.at, tx.actor),
    )
    tx.audit("profile.changed", "workshop_profile", dict(diff))


def change(store: Store, actor: Actor, values: Mapping[str, str | None]) -> Profile:
    """An admin changes the profile; nothing is written when nothing changes."""
    require(actor.role, "profile.manage")
    changes = parse_changes(values)
    with store.transaction(actor.name) as tx:
        updated, diff = decide(load(tx), changes)
        if diff:
            write(tx, updated, diff)
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


def logo_path(data_dir: Path, profile: Profile) -> Path | None:
    """The logo's file, or None when the profile has none or the file has gone missing."""
    if profile.logo is None:
        return None
    path = Path(data_dir) / BRANDING_FOLDER / profile.logo
    if not path.is_file():
        log.warning("the workshop logo %s is missing from %s", profile.logo, path.parent)
        return None
    return path
