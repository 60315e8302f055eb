"""Inspection photos: the evidence that makes a customer trust a finding.

A photo is kept as JPEG files named by their SHA-256 under the photos folder
(the original as taken, a thumbnail and a copy scaled for print), and as one
row that links it to the work order and to a checklist item, a finding or the
walk-around. The files reach the disk first (temporary file, fsync, rename,
folder fsync); only then is the row committed. So a row always has its files,
and a file without a row is not a photo: `sweep` removes such leftovers.

The core encodes nothing: the camera layer hands over finished JPEG bytes as
`PhotoFiles` (original, thumbnail, print copy, upright size). A recorded photo
never changes; an annotated copy is a new photo pointing to its original, and
an after photo points to the before photo it was framed on.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils
from PIL import Image

from station import limits
from station.checklists import load_template
from station.errors import InvalidInput, NotFound, StoreError
from station.files import move_into_place, write_new
from station.roles import require

if TYPE_CHECKING:
    from station.store import Store
    from station.workshop import Actor

log = logging.getLogger(__name__)

TEMP_PREFIX = ".incoming-"
SUFFIX = ".jpg"
FOLDER_NAME = "photos"
# A leftover newer than this may belong to a save still in progress in another process.
SWEEP_GRACE_S = 3600.0


class PhotoStoreError(StoreError):
    """The photos folder cannot take a photo (full disk, not writable, damaged file)."""


class Stage(StrEnum):
    WALK_AROUND = "walk_around"
    BEFORE = "before"
    AFTER = "after"


class Subject(StrEnum):
    """What a photo shows evidence for, besides its work order."""

    WALK_AROUND = "walk_around"
    CHECKLIST_ITEM = "checklist_item"
    FINDING = "finding"


@dataclass(frozen=True)
class PhotoFiles:
    """A photo's encoded files, as the camera layer produced them; `width`/`height` upright."""

    original: bytes
    thumbnail: bytes
    print_copy: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Photo:
    id: int
    sha256: str
    thumbnail_sha256: str
    print_sha256: str
    size_bytes: int
    width: int
    height: int
    work_order_id: int
    subject: Subject
    checklist_id: int | None
    item_key: str | None
    finding_id: int | None
    stage: Stage
    caption: str
    bay: str | None
    original_id: int | None
    before_id: int | None
    taken_at: str
    recorded_at: str
    recorded_by: int

    @property
    def blobs(self) -> tuple[str, str, str]:
        """The SHA-256 of every file of this photo (what the sync client uploads)."""
        return (self.sha256, self.thumbnail_sha256, self.print_sha256)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Photo:
        return cls(
            id=row["id"],
            sha256=row["sha256"],
            thumbnail_sha256=row["thumbnail_sha256"],
            print_sha256=row["print_sha256"],
            size_bytes=row["size_bytes"],
            width=row["width"],
            height=row["height"],
            work_order_id=row["work_order_id"],
            subject=Subject(row["subject"]),
            checklist_id=row["checklist_id"],
            item_key=row["item_key"],
            finding_id=row["finding_id"],
            stage=Stage(row["stage"]),
            caption=row["caption"],
            bay=row["bay"],
            original_id=row["original_id"],
            before_id=row["before_id"],
            taken_at=row["taken_at"],
            recorded_at=row["recorded_at"],
            recorded_by=row["recorded_by"],
        )


@dataclass(frozen=True)
class SweepResult:
    temporary_removed: int
    orphans_removed: int


def migrate(db: sqlite_utils.Database) -> None:
    """The photos table; rows are evidence, so UPDATE and DELETE are refused."""
    db.executescript(
        """
        CREATE TABLE photos (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
            thumbnail_sha256 TEXT NOT NULL, print_sha256 TEXT NOT NULL,
            size_bytes INTEGER NOT NULL, width INTEGER NOT NULL, height INTEGER NOT NULL,
            work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            subject TEXT NOT NULL CHECK (subject IN ('walk_around','checklist_item','finding')),
            checklist_id INTEGER REFERENCES checklists(id), item_key TEXT,
            finding_id INTEGER REFERENCES findings(id),
            stage TEXT NOT NULL CHECK (stage IN ('walk_around','before','after')),
            caption TEXT NOT NULL DEFAULT '', bay TEXT,
            original_id INTEGER REFERENCES photos(id),
            before_id INTEGER REFERENCES photos(id),
            taken_at TEXT NOT NULL, recorded_at TEXT NOT NULL,
            recorded_by INTEGER NOT NULL REFERENCES users(id),
            CHECK ((subject = 'checklist_item') = (checklist_id IS NOT NULL AND item_key IS NOT NULL)),
            CHECK ((subject = 'finding') = (finding_id IS NOT NULL)),
            CHECK (before_id IS NULL OR stage = 'after'));
        CREATE INDEX photos_work_order ON photos(work_order_id, id);
        CREATE INDEX photos_sha256 ON photos(sha256);
        CREATE INDEX photos_finding ON photos(finding_id);
        CREATE INDEX photos_item ON photos(checklist_id, item_key);
        CREATE TRIGGER photos_no_update BEFORE UPDATE ON photos
            BEGIN SELECT RAISE(ABORT, 'photos are immutable'); END;
        CREATE TRIGGER photos_no_delete BEFORE DELETE ON photos
            BEGIN SELECT RAISE(ABORT, 'photos are immutable'); END;
        """
    )


def is_jpeg(data: bytes) -> bool:
    """A JPEG starts with SOI and a marker (phones append data after EOI, so the end is not checked)."""
    return len(data) > 4 and data[:3] == b"\xff\xd8\xff"


def jpeg_problem(data: bytes) -> str | None:
    """Why `data` is no usable JPEG, or None when every byte of its picture decodes.

    The report prints each photo, so a file that merely starts like a JPEG would
    make the report fail for good; the whole entropy-coded data is decoded here.
    """
    if not is_jpeg(data):
        return "is not a JPEG"
    try:
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as err:
        return f"does not decode as a picture: {err}"
    return None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def photos_folder(data_dir: Path | str) -> Path:
    """Photos live in `photos/` of the station's data folder, beside the database."""
    return Path(data_dir) / FOLDER_NAME


def photo_path(folder: Path, sha256: str) -> Path:
    """Where the file with this SHA-256 lives under `folder` (it may not exist)."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise InvalidInput(f"{sha256!r} is not a SHA-256 in hex", key="photo.not_found")
    return folder / sha256[:2] / f"{sha256}{SUFFIX}"


class PhotoStore:
    """Photos of the station: files under `folder`, rows in the station's database."""

    def __init__(self, store: Store, folder: Path | str) -> None:
        self.store = store
        self.folder = Path(folder)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise PhotoStoreError(f"cannot use {self.folder} for photos: {err}") from err

    @classmethod
    def open(cls, store: Store, folder: Path | str) -> PhotoStore:
        """The photo store at station start-up: interrupted saves from earlier runs are swept."""
        photos = cls(store, folder)
        photos.sweep()
        return photos

    # -- recording -----------------------------------------------------------

    def record(
        self,
        actor: Actor,
        files: PhotoFiles,
        work_order_id: int,
        stage: Stage,
        *,
        checklist_id: int | None = None,
        item_key: str | None = None,
        finding_id: int | None = None,
        caption: str = "",
        bay: str | None = None,
        before_id: int | None = None,
        taken_at: str | None = None,
    ) -> Photo:
        """Store the files, then record the photo; without a checklist item or finding it is walk-around evidence."""
        require(actor.role, "photo.record")
        subject = self._subject(checklist_id, item_key, finding_id)
        self._check_files(files)
        caption = limits.check(limits.CAPTION, caption.strip())
        limits.check_optional(limits.BAY, bay)
        wo = self.store.query_one("SELECT id, bay FROM work_orders WHERE id = ?", (work_order_id,))
        if wo is None:
            raise NotFound(f"work order {work_order_id} does not exist", key="record.not_found")
        if checklist_id is not None:
            self._check_item(work_order_id, checklist_id, item_key)
        if finding_id is not None:
            self._check_finding(work_order_id, finding_id)
        if before_id is not None:
            self._check_before(work_order_id, stage, before_id)
        return self._save(
            actor,
            files,
            {
                "work_order_id": work_order_id,
                "subject": subject.value,
                "checklist_id": checklist_id,
                "item_key": item_key,
                "finding_id": finding_id,
                "stage": stage.value,
                "caption": caption,
                "bay": bay if bay is not None else wo["bay"],
                "original_id": None,
                "before_id": before_id,
            },
            taken_at,
        )

    def record_annotated(
        self, actor: Actor, original_id: int, files: PhotoFiles, caption: str | None = None
    ) -> Photo:
        """An annotated copy: a new photo with the original's links, pointing to the original.

        Marking a copy again points to the same unmarked original, so `annotations_of`
        lists every marked version in order, the latest last.
        """
        require(actor.role, "photo.record")
        self._check_files(files)
        original = self.photo(original_id)
        if original.original_id is not None:
            original = self.photo(original.original_id)
        text = (
            original.caption if caption is None else limits.check(limits.CAPTION, caption.strip())
        )
        return self._save(
            actor,
            files,
            {
                "work_order_id": original.work_order_id,
                "subject": original.subject.value,
                "checklist_id": original.checklist_id,
                "item_key": original.item_key,
                "finding_id": original.finding_id,
                "stage": original.stage.value,
                "caption": text,
                "bay": original.bay,
                "original_id": original.id,
                "before_id": original.before_id,
            },
            None,
        )

    def _save(
        self, actor: Actor, files: PhotoFiles, links: dict[str, Any], taken_at: str | None
    ) -> Photo:
        shas = [self._put(data) for data in (files.original, files.thumbnail, files.print_copy)]
        try:
            with self.store.transaction(actor.name) as tx:
                row = {
                    "sha256": shas[0],
                    "thumbnail_sha256": shas[1],
                    "print_sha256": shas[2],
                    "size_bytes": len(files.original),
                    "width": files.width,
                    "height": files.height,
                    **links,
                    "taken_at": taken_at or tx.at,
                    "recorded_at": tx.at,
                    "recorded_by": actor.user_id,
                }
                photo_id = tx.insert("photos", row)
                tx.record("photo.recorded", "photo", photo_id, row)
        except sqlite3.OperationalError as err:
            raise PhotoStoreError(f"the photo was not recorded: {err}") from err
        log.info("photo %d recorded (%s)", photo_id, shas[0][:12])
        return self.photo(photo_id)

    def keep_copy(self, data: bytes, sha256: str) -> None:
        """Keep a file of a photo another terminal took (fetched from the hub), checked by hash."""
        if sha256_hex(data) != sha256:
            raise PhotoStoreError(f"the copy of {sha256[:12]} does not hash to its name")
        self._put(data)

    def _put(self, data: bytes) -> str:
        """Write one file durably under its SHA-256; an existing file is kept as it is."""
        sha = sha256_hex(data)
        final = self.path(sha)
        if final.exists():
            os.utime(final)  # a fresh mtime keeps a concurrent sweep's grace period on it
            return sha
        temp = self.folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}"
        try:
            write_new(temp, data, 0o444)
            move_into_place(temp, final)
        except OSError as err:
            temp.unlink(missing_ok=True)
            raise PhotoStoreError(f"cannot store the photo in {self.folder}: {err}") from err
        return sha

    # -- checks ----------------------------------------------------------------

    @staticmethod
    def _subject(checklist_id: int | None, item_key: str | None, finding_id: int | None) -> Subject:
        if (checklist_id is None) != (item_key is None):
            raise InvalidInput(
                "a checklist photo needs both the checklist and the item", key="photo.subject"
            )
        if checklist_id is not None and finding_id is not None:
            raise InvalidInput(
                "a photo belongs to a checklist item or to a finding, not both", key="photo.subject"
            )
        if checklist_id is not None:
            return Subject.CHECKLIST_ITEM
        if finding_id is not None:
            return Subject.FINDING
        return Subject.WALK_AROUND

    @staticmethod
    def _check_files(files: PhotoFiles) -> None:
        for name in ("original", "thumbnail", "print_copy"):
            problem = jpeg_problem(getattr(files, name))
            if problem:
                raise InvalidInput(
                    f"the photo's {name.replace('_', ' ')} {problem}", key="photo.unreadable"
                )
        if files.width <= 0 or files.height <= 0:
            raise InvalidInput("the photo has no size", key="photo.unreadable")

    def _check_item(self, wo_id: int, checklist_id: int, item_key: str | None) -> None:
        checklist = self.store.query_one(
            "SELECT work_order_id, template_id, template_version FROM checklists WHERE id = ?",
            (checklist_id,),
        )
        if checklist is None:
            raise NotFound(f"checklist {checklist_id} does not exist", key="record.not_found")
        if checklist["work_order_id"] != wo_id:
            raise InvalidInput(
                f"checklist {checklist_id} belongs to another work order",
                key="record.other_work_order",
            )
        template = load_template(checklist["template_id"], checklist["template_version"])
        template.item(item_key or "")

    def _check_finding(self, wo_id: int, finding_id: int) -> None:
        finding = self.store.query_one(
            "SELECT work_order_id FROM findings WHERE id = ?", (finding_id,)
        )
        if finding is None:
            raise NotFound(f"finding {finding_id} does not exist", key="record.not_found")
        if finding["work_order_id"] != wo_id:
            raise InvalidInput(
                f"finding {finding_id} belongs to another work order", key="record.other_work_order"
            )

    def _check_before(self, wo_id: int, stage: Stage, before_id: int) -> None:
        if stage is not Stage.AFTER:
            raise InvalidInput(
                "only an after photo is paired with a before photo", key="photo.pairing"
            )
        before = self.photo(before_id)
        if before.stage is not Stage.BEFORE:
            raise InvalidInput(f"photo {before_id} is not a before photo", key="photo.pairing")
        if before.work_order_id != wo_id:
            raise InvalidInput(
                f"photo {before_id} belongs to another work order", key="record.other_work_order"
            )

    # -- reading -----------------------------------------------------------------

    def photo(self, photo_id: int) -> Photo:
        row = self.store.query_one("SELECT * FROM photos WHERE id = ?", (photo_id,))
        if row is None:
            raise NotFound(f"photo {photo_id} does not exist", key="photo.not_found")
        return Photo.from_row(row)

    def by_sha256(self, sha256: str) -> Photo:
        """The first photo recorded with these original bytes."""
        row = self.store.query_one(
            "SELECT * FROM photos WHERE sha256 = ? ORDER BY id LIMIT 1", (sha256,)
        )
        if row is None:
            raise NotFound(f"photo {sha256[:12]} does not exist", key="photo.not_found")
        return Photo.from_row(row)

    def for_work_order(self, wo_id: int, stage: Stage | None = None) -> list[Photo]:
        if stage is None:
            rows = self.store.query(
                "SELECT * FROM photos WHERE work_order_id = ? ORDER BY id", (wo_id,)
            )
        else:
            rows = self.store.query(
                "SELECT * FROM photos WHERE work_order_id = ? AND stage = ? ORDER BY id",
                (wo_id, stage.value),
            )
        return [Photo.from_row(r) for r in rows]

    def for_finding(self, finding_id: int) -> list[Photo]:
        rows = self.store.query(
            "SELECT * FROM photos WHERE finding_id = ? ORDER BY id", (finding_id,)
        )
        return [Photo.from_row(r) for r in rows]

    def for_item(self, checklist_id: int, item_key: str) -> list[Photo]:
        rows = self.store.query(
            "SELECT * FROM photos WHERE checklist_id = ? AND item_key = ? ORDER BY id",
            (checklist_id, item_key),
        )
        return [Photo.from_row(r) for r in rows]

    def annotations_of(self, photo_id: int) -> list[Photo]:
        rows = self.store.query(
            "SELECT * FROM photos WHERE original_id = ? ORDER BY id", (photo_id,)
        )
        return [Photo.from_row(r) for r in rows]

    def before_after(self, wo_id: int) -> list[tuple[Photo, Photo]]:
        """Each after photo with the before photo it was framed on, in the order taken."""
        after = self.store.query(
            "SELECT * FROM photos WHERE work_order_id = ? AND before_id IS NOT NULL "
            "AND original_id IS NULL ORDER BY id",
            (wo_id,),
        )
        pairs = []
        for row in after:
            pairs.append((self.photo(row["before_id"]), Photo.from_row(row)))
        return pairs

    def path(self, sha256: str) -> Path:
        """Where the file with this SHA-256 lives (it may not exist)."""
        return photo_path(self.folder, sha256)

    def read(self, sha256: str) -> bytes:
        """A stored file's bytes, checked against their name: evidence must be what was taken."""
        target = self.path(sha256)
        try:
            data = target.read_bytes()
        except FileNotFoundError as err:
            raise NotFound(
                f"photo file {sha256[:12]} is not on this station", key="photo.not_found"
            ) from err
        except OSError as err:
            raise PhotoStoreError(f"cannot read photo file {target}: {err}") from err
        if sha256_hex(data) != sha256:
            raise PhotoStoreError(f"photo file {target} is damaged: its content does not match")
        return data

    def print_bytes(self, photo_id: int) -> bytes:
        """The photo as JPEG scaled for print, upright (for the health report)."""
        return self.read(self.photo(photo_id).print_sha256)

    def thumbnail_bytes(self, photo_id: int) -> bytes:
        return self.read(self.photo(photo_id).thumbnail_sha256)

    def is_recorded(self, sha256: str) -> bool:
        """Whether any photo row refers to this file (as original, thumbnail or print copy)."""
        return (
            self.store.query_one(
                "SELECT 1 AS x FROM photos WHERE sha256 = ?1 OR thumbnail_sha256 = ?1 "
                "OR print_sha256 = ?1 LIMIT 1",
                (sha256,),
            )
            is not None
        )

    # -- housekeeping ------------------------------------------------------------

    def sweep(self, grace_s: float = SWEEP_GRACE_S) -> SweepResult:
        """Remove interrupted saves: temporary files, and files no row refers to.

        Only files older than `grace_s` go, so a save in progress elsewhere is left alone.
        """
        cutoff = time.time() - grace_s
        temporary = orphans = 0
        recorded: set[str] = set()
        for row in self.store.query("SELECT sha256, thumbnail_sha256, print_sha256 FROM photos"):
            recorded.update(row.values())
        for entry in self.folder.glob(f"{TEMP_PREFIX}*"):
            if _older_than(entry, cutoff):
                entry.unlink(missing_ok=True)
                temporary += 1
        for entry in self.folder.glob(f"??/*{SUFFIX}"):
            if entry.stem not in recorded and _older_than(entry, cutoff):
                entry.unlink(missing_ok=True)
                orphans += 1
        if temporary or orphans:
            log.info("photo sweep: %d temporary and %d orphan files removed", temporary, orphans)
        return SweepResult(temporary, orphans)


def _older_than(entry: Path, cutoff: float) -> bool:
    try:
        return entry.stat().st_mtime <= cutoff
    except FileNotFoundError:
        return False
