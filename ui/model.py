"""What the app shows, without Qt: who is logged in, the language, the work order in hand,
the devices and sync. Widgets are handed this model and subscribe to its events.

Every change a person makes goes through `act`, which runs one workshop command,
turns a refusal into a notice the screen shows, and tells every view that the
store changed so it re-reads what it shows.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from station.errors import StationError
from station.replica import conflict_notes, mark_seen
from station.roles import Role, may
from station.workshop import Actor, Workshop
from ui.equipment import Described
from ui.errors import error_text
from ui.events import Event

log = logging.getLogger(__name__)

T = TypeVar("T")

LANGUAGES = ("zh", "en")
DEVICE_NAMES = ("obd", "rig", "camera")


class DeviceState(StrEnum):
    ABSENT = "absent"
    CONNECTED = "connected"
    BUSY = "busy"
    RECONNECTING = "reconnecting"
    FAILED = "failed"


@dataclass(frozen=True)
class DeviceStatus:
    state: DeviceState = DeviceState.ABSENT
    detail: str = ""  # why it failed: from the driver's reason key, else in its words
    device: Described | None = None  # which device, said in the screen's language


@dataclass(frozen=True)
class SyncStatus:
    available: bool = False
    pending: int = 0
    last_success: str | None = None
    error: str = ""


class ModelEvents:
    def __init__(self) -> None:
        self.actor = Event("actor")  # (Actor | None)
        self.language = Event("language")  # (str)
        self.changed = Event("changed")  # () the store changed: re-read
        self.selection = Event("selection")  # (work order id | None)
        self.notice = Event("notice")  # (text, is_error)
        self.devices = Event("devices")  # (name, DeviceStatus)
        self.sync = Event("sync")  # (SyncStatus)
        self.settings = Event("settings")  # ()
        self.navigate = Event("navigate")  # (page key) a view asks for another page


class StationModel:
    def __init__(
        self,
        workshop: Workshop,
        data_dir: Path,
        bay: str = "Bay 1",
        language: str = "zh",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.workshop = workshop
        self.data_dir = data_dir
        self.bay = bay
        self.language = language if language in LANGUAGES else "zh"
        self.clock = clock or workshop.store.clock
        self.actor: Actor | None = None
        self.work_order_id: int | None = None
        self.devices: dict[str, DeviceStatus] = {name: DeviceStatus() for name in DEVICE_NAMES}
        self.sync = SyncStatus()
        # Jobs the customer booked with an appointment (the cloud sends them; the demo seeds them).
        self.booked_jobs: dict[int, list[str]] = {}
        self.events = ModelEvents()

    # -- people ---------------------------------------------------------------

    def users(self) -> list[dict[str, Any]]:
        return self.workshop.users()

    def display_name(self, actor: Actor) -> str:
        display = self.workshop.user(actor.user_id)["display_name"]
        return str(display) if display else actor.name

    def login(self, name: str, pin: str) -> bool:
        actor = self.act(self.workshop.login, name, pin, announce=False)
        if actor is None:
            return False
        self.actor = actor
        self.set_language(str(self.workshop.user(actor.user_id)["language"]))
        self.events.actor.emit(actor)
        return True

    def lock(self) -> None:
        """Back to the PIN pad; the work order in hand stays for the next login."""
        if self.actor is None:
            return
        self.actor = None
        self.events.actor.emit(None)

    def may(self, permission: str) -> bool:
        return self.actor is not None and may(self.actor.role, permission)

    @property
    def role(self) -> Role | None:
        return None if self.actor is None else self.actor.role

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise StationError("nobody is logged in")
        return self.actor

    # -- commands ---------------------------------------------------------------

    def act(self, command: Callable[..., T], *args: object, announce: bool = True) -> T | None:
        """Run one workshop command; a refusal becomes a notice, success a `changed` event."""
        try:
            result = command(*args)
        except StationError as err:
            log.info("refused: %s", err)
            self.events.notice.emit(error_text(err), True)
            return None
        if announce:
            self.events.changed.emit()
        return result

    def remote_changed(self) -> None:
        """Another terminal's change came in through the hub: every view re-reads. A change
        made here that the hub refused is told to the person here, with what won."""
        notes = conflict_notes(self.workshop.store, unseen_only=True)
        for note in notes:
            self.events.notice.emit(note.summary(self.language), True)
        if notes:
            mark_seen(self.workshop.store, [n.id for n in notes])
        self.events.changed.emit()

    def notify(self, text: str, is_error: bool = False) -> None:
        self.events.notice.emit(text, is_error)

    def select(self, wo_id: int | None) -> None:
        self.work_order_id = wo_id
        self.events.selection.emit(wo_id)

    # -- settings -------------------------------------------------------------------

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise StationError(f"unknown language {language!r}")
        if language != self.language:
            self.language = language
            self.events.language.emit(language)

    def set_bay(self, bay: str) -> None:
        self.bay = bay.strip() or self.bay
        self.events.settings.emit()

    # -- devices and sync -------------------------------------------------------------

    def set_device(self, name: str, status: DeviceStatus) -> None:
        if self.devices.get(name) != status:
            self.devices[name] = status
            self.events.devices.emit(name, status)

    def set_sync(self, status: SyncStatus) -> None:
        if status != self.sync:
            self.sync = status
            self.events.sync.emit(status)
