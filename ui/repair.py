"""Repair at the bay: the jobs with the clock, after photos over the ghost of the
before photo, and the quality check."""

from __future__ import annotations

import logging

from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from station import limits
from station.lifecycle import Status
from station.photos import Photo, Stage
from ui.context import AppContext
from ui.photo_capture import take_photo
from ui.tables import fill, make_table, selected_key
from ui.texts import date_time, in_language
from ui.widgets.base import View, heading, push_button
from ui.widgets.preview import CameraPreview

log = logging.getLogger(__name__)


class RepairView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("repair")
        self.jobs_title = heading()
        self.jobs = make_table("jobs_table")
        self.clock_on = push_button("clock_on", accent=True)
        self.clock_on.clicked.connect(lambda: self.clock(True))
        self.clock_off = push_button("clock_off")
        self.clock_off.clicked.connect(lambda: self.clock(False))
        self.photos_title = heading()
        self.before = QComboBox()
        self.before.setObjectName("before_photo")
        self.before.currentIndexChanged.connect(lambda _i: self._ghost())
        self.preview = CameraPreview()
        self.after_photo = push_button("after_photo", accent=True)
        self.after_photo.clicked.connect(self.take_after_photo)
        self.after_count = QLabel()
        self.qc_title = heading()
        self.qc_note = QLineEdit()
        self.qc_note.setObjectName("qc_note")
        self.qc_note.setMaxLength(limits.NOTE.max_chars)
        self.qc_pass = push_button("qc_pass", rating="green")
        self.qc_pass.clicked.connect(lambda: self.quality_check(True))
        self.qc_fail = push_button("qc_fail", rating="red")
        self.qc_fail.clicked.connect(lambda: self.quality_check(False))

        clock_row = QHBoxLayout()
        clock_row.addWidget(self.clock_on)
        clock_row.addWidget(self.clock_off)
        left = QVBoxLayout()
        left.addWidget(self.jobs_title)
        left.addWidget(self.jobs, 1)
        left.addLayout(clock_row)
        left.addWidget(self.qc_title)
        left.addWidget(self.qc_note)
        qc_row = QHBoxLayout()
        qc_row.addWidget(self.qc_pass)
        qc_row.addWidget(self.qc_fail)
        left.addLayout(qc_row)
        right = QVBoxLayout()
        right.addWidget(self.photos_title)
        right.addWidget(self.before)
        right.addWidget(self.preview, 1)
        photo_row = QHBoxLayout()
        photo_row.addWidget(self.after_photo)
        photo_row.addWidget(self.after_count, 1)
        right.addLayout(photo_row)
        box = QHBoxLayout(self)
        box.addLayout(left, 1)
        box.addLayout(right, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.jobs_title.setText(self.tr("Jobs"))
        self.clock_on.setText(self.tr("Clock on"))
        self.clock_off.setText(self.tr("Clock off"))
        self.photos_title.setText(self.tr("After photo (the before photo shows as a ghost)"))
        self.after_photo.setText(self.tr("Take after photo"))
        self.qc_title.setText(self.tr("Quality check"))
        self.qc_note.setPlaceholderText(self.tr("Road test, codes, torque…"))
        self.qc_pass.setText(self.tr("Passed"))
        self.qc_fail.setText(self.tr("Failed"))
        self.preview.setText(self.tr("No camera"))

    def refresh(self) -> None:
        super().refresh()
        wo_id = self.model.work_order_id
        for button in (self.clock_on, self.clock_off, self.after_photo, self.qc_pass, self.qc_fail):
            button.setEnabled(False)
        if wo_id is None:
            fill(self.jobs, [], [])
            return
        workshop = self.model.workshop
        wo = workshop.work_order(wo_id)
        actor = self.model.actor
        open_entries = workshop.open_clock_jobs(wo_id, actor.user_id) if actor else set()
        minutes = workshop.minutes_clocked(wo_id)
        jobs = workshop.jobs(wo_id)
        fill(
            self.jobs,
            [self.tr("Job"), self.tr("From"), self.tr("Clock"), self.tr("Minutes")],
            [
                (
                    in_language(job["description"], self.model.language),
                    self.tr("finding") if job["finding_id"] else self.tr("booked"),
                    self.tr("on") if job["id"] in open_entries else "",
                    f"{minutes.get(job['id'], 0):.0f}",
                )
                for job in jobs
            ],
            [job["id"] for job in jobs],
        )
        in_repair = wo["status"] == Status.IN_REPAIR.value
        self.clock_on.setEnabled(in_repair and self.model.may("job.clock"))
        self.clock_off.setEnabled(bool(open_entries))
        qc = wo["status"] == Status.QUALITY_CHECK.value and self.model.may("quality_check.record")
        self.qc_pass.setEnabled(qc)
        self.qc_fail.setEnabled(qc)
        last = workshop.latest_quality_check(wo_id)
        title = self.tr("Quality check")
        if last is not None and str(last["at"]) >= str(wo["status_since"]):
            result = self.tr("passed") if last["passed"] else self.tr("failed")
            title += " · " + self.tr("%1 at %2").replace("%1", result).replace(
                "%2", date_time(last["at"], self.model.language)
            )
        self.qc_title.setText(title)
        self._fill_before(wo_id)
        camera_ready = (
            self.ctx.devices.camera is not None and self.ctx.devices.camera.camera is not None
        )
        self.after_photo.setEnabled(
            camera_ready and self.before.count() > 0 and self.model.may("photo.record")
        )
        after = self.ctx.photos.for_work_order(wo_id, Stage.AFTER)
        self.after_count.setText(self.tr("%n after photo(s)", "", len(after)))

    def _fill_before(self, wo_id: int) -> None:
        current = self.before.currentData()
        self.before.blockSignals(True)
        self.before.clear()
        for photo in self.ctx.photos.for_work_order(wo_id, Stage.BEFORE):
            if photo.original_id is None:
                self.before.addItem(self._photo_name(photo), photo.id)
        if current is not None:
            index = self.before.findData(current)
            if index >= 0:
                self.before.setCurrentIndex(index)
        self.before.blockSignals(False)
        self._ghost()

    def _photo_name(self, photo: Photo) -> str:
        """The inspection item the before photo shows, in the screen's language, and when."""
        title = in_language(photo.caption, self.model.language)
        if photo.checklist_id is not None and photo.item_key:
            template = self.model.workshop.checklist_template(photo.checklist_id)
            title = template.item(photo.item_key).title.in_language(self.model.language)
        return f"{title} · {date_time(photo.taken_at, self.model.language)}"

    def _ghost(self) -> None:
        device = self.ctx.devices.camera
        if device is None or device.camera is None:
            return
        photo_id = self.before.currentData()
        if photo_id is None:
            device.camera.set_ghost(None)
            return
        from drivers.camera.imaging import decode_jpeg

        photo = self.ctx.photos.photo(int(photo_id))
        device.camera.set_ghost(decode_jpeg(self.ctx.photos.read(photo.print_sha256)))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        device = self.ctx.devices.camera
        if device is not None:
            self.preview.attach(device.camera)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt override)
        self.preview.detach()
        device = self.ctx.devices.camera
        if device is not None and device.camera is not None:
            device.camera.set_ghost(None)
        super().hideEvent(event)

    def clock(self, on: bool) -> None:
        job_id = selected_key(self.jobs)
        if job_id is None:
            self.model.notify(self.tr("Choose a job first"), True)
            return
        command = self.model.workshop.clock_on if on else self.model.workshop.clock_off
        self.model.act(command, self.model.require_actor(), int(job_id))

    def take_after_photo(self) -> None:
        before_id = self.before.currentData()
        if before_id is None:
            return
        self.after_photo.setEnabled(False)
        take_photo(
            self.ctx,
            Stage.AFTER,
            lambda _p: None,
            lambda _m: self.after_photo.setEnabled(True),
            before_id=int(before_id),
            caption="after",
        )

    def quality_check(self, passed: bool) -> None:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return
        done = self.model.act(
            self.model.workshop.record_quality_check,
            self.model.require_actor(),
            wo_id,
            passed,
            self.qc_note.text(),
        )
        if done is None:
            return
        if "already recorded" in done.warnings:
            self.model.notify(
                self.tr("The quality check is already recorded as passed")
                if passed
                else self.tr("The quality check is already recorded as failed")
            )
            return
        self.model.notify(
            self.tr("Quality check passed: recorded")
            if passed
            else self.tr("Quality check failed: recorded, the car goes back to repair")
        )
        if not passed:
            self.model.act(
                self.model.workshop.change_status,
                self.model.require_actor(),
                wo_id,
                Status.IN_REPAIR,
            )
