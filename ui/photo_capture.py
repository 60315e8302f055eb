"""Take a still and keep it, in a worker: the camera wait, the JPEG encoding and the
durable file writes stay off the GUI thread. The worker records through its own
database connection, so it never shares a transaction with the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from station.photos import Photo, PhotoStore, Stage
from station.store import Store
from station.workshop import Actor
from ui.context import AppContext
from ui.equipment import Progress
from ui.model import DeviceState

log = logging.getLogger(__name__)


def take_photo(
    ctx: AppContext,
    stage: Stage,
    on_done: Callable[[Photo], None],
    on_failed: Callable[[str], None] | None = None,
    **links: Any,
) -> bool:
    """Start taking a photo for the work order in hand; False when there is no camera."""
    camera = ctx.devices.camera
    model = ctx.model
    wo_id = model.work_order_id
    if camera is None or camera.camera is None or wo_id is None:
        model.notify(_no_camera_text(), True)
        return False
    actor: Actor = model.require_actor()
    database = model.workshop.store.path
    folder = ctx.photos.folder
    bay = model.bay

    def work(progress: Progress) -> Photo:
        progress(0, 2, "still")
        files = camera.still_files()
        progress(1, 2, "saving")
        store = Store.open(database) if database is not None else ctx.photos.store
        try:
            return PhotoStore(store, folder).record(actor, files, wo_id, stage, bay=bay, **links)
        finally:
            if store is not ctx.photos.store:
                store.close()

    def done(photo: Photo) -> None:
        on_done(photo)
        model.events.changed.emit()

    def failed(message: str) -> None:
        ctx.devices.report("camera", DeviceState.FAILED, camera.label, message)
        model.notify(message, True)
        if on_failed is not None:
            on_failed(message)

    ctx.workers.start(work, done, failed)
    return True


def _no_camera_text() -> str:
    from PySide6.QtCore import QCoreApplication

    return QCoreApplication.translate("Photos", "No camera is connected")
