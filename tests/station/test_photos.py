"""The photo store on a real temporary database and photos folder."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest

from drivers.camera import imaging
from station.errors import InvalidInput, NotFound
from station.findings import EstimateLine, FindingDraft, LineKind, Severity
from station.photos import (
    TEMP_PREFIX,
    PhotoFiles,
    PhotoStore,
    PhotoStoreError,
    Stage,
    Subject,
    is_jpeg,
    jpeg_problem,
)
from station.store import Store
from station.vehicles import Powertrain
from station.workshop import Actor, Workshop


@dataclass(frozen=True)
class Visit:
    wo_id: int
    other_wo_id: int
    checklist_id: int
    finding_id: int


@pytest.fixture
def visit(workshop: Workshop, technician: Actor) -> Visit:
    vehicle = workshop.add_vehicle(technician, None, "沪A12345", Powertrain.EV).id
    wo = workshop.create_work_order(technician, vehicle, "brakes squeal", bay="B2").id
    other = workshop.create_work_order(technician, vehicle, "second visit").id
    checklist = workshop.start_checklist(technician, wo, "inspection").id
    line = EstimateLine(LineKind.PART, "front pads", 1, 32000)
    finding = workshop.add_finding(
        technician, wo, FindingDraft("front pads worn", Severity.SOON, [line])
    ).id
    return Visit(wo, other, checklist, finding)


@pytest.fixture
def photos(store: Store, tmp_path: Path) -> PhotoStore:
    return PhotoStore(store, tmp_path / "photos")


def snapshot(seed: int, size: tuple[int, int] = (160, 120)) -> PhotoFiles:
    """A distinct small camera photo per seed."""
    rng = np.random.default_rng(seed)
    return imaging.photo_files(rng.integers(0, 255, (size[1], size[0], 3), np.uint8))


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_a_walk_around_photo_is_stored_by_its_sha256(
    photos: PhotoStore, visit: Visit, technician: Actor, store: Store
) -> None:
    files = snapshot(1)
    photo = photos.record(technician, files, visit.wo_id, Stage.WALK_AROUND, caption=" scratch ")
    assert photo.sha256 == hashlib.sha256(files.original).hexdigest()
    assert photos.path(photo.sha256).read_bytes() == files.original
    assert photos.read(photo.sha256) == files.original
    assert photos.thumbnail_bytes(photo.id) == files.thumbnail
    assert photos.print_bytes(photo.id) == files.print_copy
    assert photo.subject is Subject.WALK_AROUND and photo.stage is Stage.WALK_AROUND
    assert (photo.caption, photo.bay, photo.recorded_by) == ("scratch", "B2", technician.user_id)
    assert (photo.width, photo.height, photo.size_bytes) == (160, 120, len(files.original))
    assert photos.by_sha256(photo.sha256) == photo
    assert len(files_in(photos.folder)) == 3
    outbox = store.query_one("SELECT * FROM outbox WHERE kind = 'photo.recorded'")
    assert outbox is not None and json.loads(outbox["payload"])["sha256"] == photo.sha256
    assert store.verify_audit_chain().ok


def test_photos_link_to_a_checklist_item_or_a_finding(
    photos: PhotoStore, visit: Visit, technician: Actor
) -> None:
    item = photos.record(
        technician,
        snapshot(1),
        visit.wo_id,
        Stage.BEFORE,
        checklist_id=visit.checklist_id,
        item_key="tread_fl",
        bay="B7",
    )
    finding = photos.record(
        technician, snapshot(2), visit.wo_id, Stage.BEFORE, finding_id=visit.finding_id
    )
    assert item.subject is Subject.CHECKLIST_ITEM and item.bay == "B7"
    assert finding.subject is Subject.FINDING
    assert photos.for_item(visit.checklist_id, "tread_fl") == [item]
    assert photos.for_finding(visit.finding_id) == [finding]
    assert photos.for_work_order(visit.wo_id) == [item, finding]
    assert photos.for_work_order(visit.wo_id, Stage.AFTER) == []


def test_wrong_links_are_refused_before_anything_is_written(
    photos: PhotoStore, visit: Visit, technician: Actor, store: Store
) -> None:
    files = snapshot(1)
    with pytest.raises(NotFound, match="no item"):
        photos.record(
            technician,
            files,
            visit.wo_id,
            Stage.BEFORE,
            checklist_id=visit.checklist_id,
            item_key="flux_capacitor",
        )
    with pytest.raises(InvalidInput, match="another work order"):
        photos.record(
            technician, files, visit.other_wo_id, Stage.BEFORE, finding_id=visit.finding_id
        )
    with pytest.raises(InvalidInput, match="not both"):
        photos.record(
            technician,
            files,
            visit.wo_id,
            Stage.BEFORE,
            checklist_id=visit.checklist_id,
            item_key="tread_fl",
            finding_id=visit.finding_id,
        )
    with pytest.raises(InvalidInput, match="both the checklist and the item"):
        photos.record(technician, files, visit.wo_id, Stage.BEFORE, item_key="tread_fl")
    with pytest.raises(NotFound):
        photos.record(technician, files, 999, Stage.BEFORE)
    with pytest.raises(InvalidInput, match="not a JPEG"):
        photos.record(technician, replace(files, thumbnail=b"PNG"), visit.wo_id, Stage.BEFORE)
    with pytest.raises(InvalidInput, match="caption"):
        photos.record(technician, files, visit.wo_id, Stage.BEFORE, caption="x" * 201)
    assert files_in(photos.folder) == []
    assert store.query("SELECT id FROM photos") == []


def test_a_recorded_photo_never_changes(
    photos: PhotoStore, visit: Visit, technician: Actor, store: Store
) -> None:
    photo = photos.record(technician, snapshot(1), visit.wo_id, Stage.BEFORE)
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        store.db.execute("UPDATE photos SET caption = 'edited' WHERE id = ?", [photo.id])
    with pytest.raises(sqlite3.IntegrityError, match="immutable"):
        store.db.execute("DELETE FROM photos WHERE id = ?", [photo.id])
    assert photos.photo(photo.id) == photo
    assert photos.path(photo.sha256).stat().st_mode & 0o222 == 0  # read-only file


def test_an_annotated_copy_is_a_new_photo_pointing_to_its_original(
    photos: PhotoStore, visit: Visit, technician: Actor
) -> None:
    original = photos.record(
        technician,
        snapshot(1),
        visit.wo_id,
        Stage.BEFORE,
        finding_id=visit.finding_id,
        caption="front left pad",
    )
    image = imaging.decode_jpeg(photos.read(original.sha256))
    marked = imaging.annotate(image, [imaging.Circle((0.5, 0.5), 0.3)])
    copy = photos.record_annotated(technician, original.id, imaging.photo_files(marked))
    assert copy.id != original.id and copy.sha256 != original.sha256
    assert copy.original_id == original.id
    assert (copy.finding_id, copy.stage, copy.caption) == (
        visit.finding_id,
        Stage.BEFORE,
        "front left pad",
    )
    assert photos.annotations_of(original.id) == [copy]
    again = photos.record_annotated(
        technician,
        copy.id,
        imaging.photo_files(imaging.annotate(marked, [imaging.Label((0.1, 0.9), "3 mm")])),
        "3 mm left",
    )
    assert again.original_id == original.id and again.caption == "3 mm left"
    assert photos.annotations_of(original.id) == [copy, again]
    assert photos.read(original.sha256) == photos.path(original.sha256).read_bytes()
    assert photos.photo(original.id) == original


def test_an_after_photo_pairs_with_its_before_photo(
    photos: PhotoStore, visit: Visit, technician: Actor
) -> None:
    before = photos.record(
        technician, snapshot(1), visit.wo_id, Stage.BEFORE, finding_id=visit.finding_id
    )
    walk = photos.record(technician, snapshot(2), visit.wo_id, Stage.WALK_AROUND)
    after = photos.record(
        technician,
        snapshot(3),
        visit.wo_id,
        Stage.AFTER,
        finding_id=visit.finding_id,
        before_id=before.id,
    )
    assert photos.before_after(visit.wo_id) == [(before, after)]
    with pytest.raises(InvalidInput, match="not a before photo"):
        photos.record(technician, snapshot(4), visit.wo_id, Stage.AFTER, before_id=walk.id)
    with pytest.raises(InvalidInput, match="only an after photo"):
        photos.record(technician, snapshot(4), visit.wo_id, Stage.BEFORE, before_id=before.id)
    with pytest.raises(InvalidInput, match="another work order"):
        photos.record(technician, snapshot(4), visit.other_wo_id, Stage.AFTER, before_id=before.id)
    with pytest.raises(NotFound):
        photos.record(technician, snapshot(4), visit.wo_id, Stage.AFTER, before_id=999)


def test_the_same_picture_twice_shares_one_file(
    photos: PhotoStore, visit: Visit, technician: Actor
) -> None:
    files = snapshot(1)
    first = photos.record(technician, files, visit.wo_id, Stage.BEFORE)
    second = photos.record(technician, files, visit.wo_id, Stage.WALK_AROUND)
    assert first.sha256 == second.sha256 and first.id != second.id
    assert len(files_in(photos.folder)) == 3


def test_a_damaged_file_is_reported_not_served(
    photos: PhotoStore, visit: Visit, technician: Actor
) -> None:
    photo = photos.record(technician, snapshot(1), visit.wo_id, Stage.BEFORE)
    path = photos.path(photo.sha256)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes()[:-10] + b"\x00" * 10)
    with pytest.raises(PhotoStoreError, match="damaged"):
        photos.read(photo.sha256)
    path.unlink()
    with pytest.raises(NotFound):
        photos.read(photo.sha256)
    with pytest.raises(InvalidInput):
        photos.path("../../etc/passwd")


def test_sweep_removes_interrupted_saves_only(
    photos: PhotoStore, visit: Visit, technician: Actor
) -> None:
    kept = photos.record(technician, snapshot(1), visit.wo_id, Stage.BEFORE)
    temp = photos.folder / f"{TEMP_PREFIX}0123456789abcdef"
    temp.write_bytes(b"half a photo")
    orphan_bytes = snapshot(2).original
    orphan = photos.path(hashlib.sha256(orphan_bytes).hexdigest())
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(orphan_bytes)
    fresh = photos.folder / f"{TEMP_PREFIX}fresh"
    fresh.write_bytes(b"a save in progress")
    old = time.time() - 7200
    for path in (temp, orphan):
        os.utime(path, (old, old))
    result = photos.sweep()
    assert (result.temporary_removed, result.orphans_removed) == (1, 1)
    assert not temp.exists() and not orphan.exists() and fresh.exists()
    assert all(photos.path(sha).exists() for sha in kept.blobs)
    assert not photos.is_recorded(orphan.stem) and photos.is_recorded(kept.thumbnail_sha256)


def test_a_photos_folder_that_cannot_exist_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    blocker = tmp_path / "photos"
    blocker.write_bytes(b"a file where the folder should be")
    with pytest.raises(PhotoStoreError, match="cannot use"):
        PhotoStore(store, blocker / "inside")


def test_a_shard_folder_blocked_by_a_file_records_nothing(
    photos: PhotoStore, visit: Visit, technician: Actor, store: Store
) -> None:
    files = snapshot(1)
    shard = photos.folder / hashlib.sha256(files.original).hexdigest()[:2]
    shard.write_bytes(b"not a folder")
    with pytest.raises(PhotoStoreError, match="cannot store"):
        photos.record(technician, files, visit.wo_id, Stage.BEFORE)
    assert store.query("SELECT id FROM photos") == []
    assert [p.name for p in photos.folder.iterdir()] == [shard.name]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: b"\xff\xd8\xff" + bytes(len(data)), id="jpeg-start-then-zeros"),
        pytest.param(lambda data: data[: len(data) // 2], id="cut-in-half"),
        pytest.param(lambda data: data[:200] + bytes(len(data) - 200), id="picture-zeroed"),
    ],
)
def test_a_photo_that_does_not_decode_is_refused_and_nothing_is_kept(
    photos: PhotoStore,
    visit: Visit,
    technician: Actor,
    store: Store,
    damage: Callable[[bytes], bytes],
) -> None:
    good = snapshot(7)
    for broken in (
        replace(good, original=damage(good.original)),
        replace(good, print_copy=damage(good.print_copy)),
    ):
        with pytest.raises(InvalidInput, match="does not decode as a picture"):
            photos.record(technician, broken, visit.wo_id, Stage.BEFORE)
    assert store.query("SELECT id FROM photos") == []
    assert files_in(photos.folder) == []
    assert jpeg_problem(good.original) is None


def test_is_jpeg() -> None:
    assert is_jpeg(snapshot(1).original)
    assert not is_jpeg(b"\xff\xd8\xff")
    assert not is_jpeg(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)


def test_opening_the_store_at_start_up_sweeps_old_leftovers(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    leftover = folder / f"{TEMP_PREFIX}from-a-crash"
    leftover.write_bytes(b"half a photo")
    old = time.time() - 7200
    os.utime(leftover, (old, old))
    PhotoStore.open(store, folder)
    assert not leftover.exists()
