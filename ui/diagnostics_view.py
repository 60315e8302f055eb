"""Diagnostics: one button scans the car, with progress; ECUs and codes in plain
language, freeze frame, readiness; a live chart of chosen values; codes cleared
only after an explicit confirmation; the post-repair rescan and its comparison."""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from drivers.obd.dtc import describe_dtc
from drivers.obd.pids import PIDS
from station.diagnostics import (
    CodesAtRisk,
    OtherVehicle,
    authorise_code_clear,
    battery_lines,
    compare_scans,
    incomplete_reason_texts,
    latest_scan,
    live_recordings,
    pid_name,
    read_complete,
    record_live,
    record_scan,
    uds_status_text,
)
from station.errors import StationError
from station.lifecycle import Status
from ui.context import AppContext
from ui.equipment import LIVE_PIDS, LiveValue, Progress
from ui.errors import error_text
from ui.model import DeviceState
from ui.texts import readiness_lines, scan_step
from ui.widgets.base import View, push_button
from ui.widgets.chart import LiveChart
from ui.workers import Job

log = logging.getLogger(__name__)

LIVE_INTERVAL_MS = 500
RECORD_LIMIT_S = 600.0  # a recording stops by itself after ten minutes
POST_REPAIR = frozenset({Status.IN_REPAIR, Status.QUALITY_CHECK, Status.READY})


class DiagnosticsView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("diagnostics")
        self.scan_button = push_button("scan", accent=True)
        self.scan_button.clicked.connect(self.scan)
        self.progress = QProgressBar()
        self.progress.setObjectName("scan_progress")
        self.progress.setRange(0, 100)
        self.progress_text = QLabel()
        self.summary = QLabel()
        self.summary.setObjectName("scan_summary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setObjectName("scan_tree")
        self.tree.setColumnCount(3)
        self.tree.setUniformRowHeights(False)
        self.confirm_clear = QCheckBox()
        self.confirm_clear.setObjectName("confirm_clear")
        self.confirm_clear.setMinimumHeight(48)
        self.clear_button = push_button("clear_codes")
        self.clear_button.clicked.connect(self.clear_codes)
        self.confirm_clear.toggled.connect(lambda _c: self._update_buttons())
        # A scan of a car whose VIN is not the work order's waits here for a confirmation.
        self.keep_other = push_button("keep_other_vin_scan")
        self.keep_other.clicked.connect(self.keep_other_vin_scan)
        self.keep_other.hide()
        self.other_scan: tuple[int, str, dict[str, Any]] | None = None
        # Codes the technician was warned about (declined or unrepaired) and may now clear.
        self.warned_codes: tuple[str, ...] = ()
        self.chart = LiveChart()
        self.live_buttons: dict[int, QPushButton] = {}
        live_row = QHBoxLayout()
        for pid in LIVE_PIDS:
            button = push_button(f"live_{pid:02X}")
            button.setCheckable(True)
            button.setChecked(pid in (0x0C, 0x05))
            live_row.addWidget(button)
            self.live_buttons[pid] = button
        self.live_toggle = push_button("live_toggle")
        self.live_toggle.setCheckable(True)
        self.live_toggle.toggled.connect(self._live_toggled)
        live_row.addWidget(self.live_toggle)
        self.live_timer = QTimer(self)
        self.live_timer.setInterval(LIVE_INTERVAL_MS)
        self.live_timer.timeout.connect(self._poll_live)
        self.live_job: Job | None = None
        self.scan_job: Job | None = None
        # Recording the chosen values with the work order (test drive, rev test).
        self.record_label = QComboBox()
        self.record_label.setObjectName("record_label")
        self.record_label.setMinimumHeight(48)
        self.record_button = push_button("record_toggle", accent=True)
        self.record_button.setCheckable(True)
        self.record_button.toggled.connect(self._record_toggled)
        self.record_state = QLabel()
        self.record_state.setObjectName("record_state")
        self.record_job: Job | None = None
        self.record_stop: threading.Event | None = None
        self.recorded: list[tuple[float, dict[str, object]]] = []
        record_row = QHBoxLayout()
        record_row.addWidget(self.record_label)
        record_row.addWidget(self.record_button)
        record_row.addWidget(self.record_state, 1)

        live_row.removeWidget(self.live_toggle)
        top = QHBoxLayout()
        top.addWidget(self.scan_button)
        top.addWidget(self.progress, 1)
        top.addWidget(self.progress_text)
        top.addWidget(self.live_toggle)
        clear_row = QHBoxLayout()
        clear_row.addWidget(self.confirm_clear, 1)
        clear_row.addWidget(self.clear_button)
        # The codes or the live values fill the pane, one at a time: each gets the height.
        codes = QWidget()
        codes_box = QVBoxLayout(codes)
        codes_box.setContentsMargins(0, 0, 0, 0)
        codes_box.addWidget(self.tree, 1)
        codes_box.addLayout(clear_row)
        live = QWidget()
        live_box = QVBoxLayout(live)
        live_box.setContentsMargins(0, 0, 0, 0)
        live_box.addLayout(live_row)
        live_box.addLayout(record_row)
        live_box.addWidget(self.chart, 1)
        self.panes = QStackedWidget()
        self.panes.addWidget(codes)
        self.panes.addWidget(live)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.summary)
        box.addWidget(self.keep_other)
        box.addWidget(self.panes, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.tree.setHeaderLabels(
            [self.tr("ECU / code"), self.tr("Kind"), self.tr("What it means")]
        )
        self.confirm_clear.setText(
            self.tr("I have recorded the codes and want to clear them in the car")
        )
        self.clear_button.setText(self.tr("Clear codes"))
        self.keep_other.setText(self.tr("This is the right car: keep the scan for this work order"))
        self.live_toggle.setText(self.tr("Live values"))
        names = {
            0x0C: self.tr("Engine speed"),
            0x0D: self.tr("Speed"),
            0x05: self.tr("Coolant"),
            0x04: self.tr("Load"),
            0x11: self.tr("Throttle"),
        }
        for pid, button in self.live_buttons.items():
            button.setText(names[pid])
        chosen = self.record_label.currentIndex()
        self.record_label.clear()
        self.record_label.addItems([self.tr("Test drive"), self.tr("Rev test")])
        self.record_label.setCurrentIndex(max(chosen, 0))
        self._show_record_state()
        self.chart.clear()  # its series are named in the language they were drawn in
        self.progress_text.clear()
        self._update_buttons()

    def stage(self) -> str:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return "pre"
        status = Status(self.model.workshop.work_order(wo_id)["status"])
        return "post" if status in POST_REPAIR else "pre"

    def _update_buttons(self) -> None:
        ready = (
            self.model.work_order_id is not None
            and self.ctx.devices.vehicle is not None
            and self.model.may("work_order.diagnose")
        )
        scanning = self.scan_job is not None and self.scan_job.running
        self.scan_button.setEnabled(ready and not scanning)
        self.scan_button.setText(
            self.tr("Scan after repair") if self.stage() == "post" else self.tr("Scan the car")
        )
        self.clear_button.setEnabled(
            ready
            and not scanning
            and self.confirm_clear.isChecked()
            and self.model.may("dtc.clear")
        )
        self.live_toggle.setEnabled(ready)
        recording = self.record_job is not None and self.record_job.running
        if recording:  # the recording holds the car's link: no scan or clear meanwhile
            self.scan_button.setEnabled(False)
            self.clear_button.setEnabled(False)
        self.record_button.setEnabled(recording or (ready and not scanning))

    def refresh(self) -> None:
        super().refresh()
        self._update_buttons()
        self._show_record_state()
        wo_id = self.model.work_order_id
        self.tree.clear()
        self.summary.setMinimumHeight(0)
        if self.other_scan is not None and self.other_scan[0] != wo_id:
            self.other_scan = None  # a waiting scan belongs to the work order it was made for
            self.keep_other.hide()
        if wo_id is None:
            self.summary.setText(self.tr("No work order open"))
            return
        pre = latest_scan(self.model.workshop, wo_id, "pre")
        post = latest_scan(self.model.workshop, wo_id, "post")
        shown = post or pre
        if shown is None:
            self.summary.setText(self.tr("Not scanned yet"))
            return
        self._show(shown["result"])
        text = self._summary_text(shown["result"], shown["stage"])
        if pre is not None and post is not None:
            comparison = compare_scans(pre["result"], post["result"])
            text += "\n" + self.tr(
                "After repair: cleared %1; still there %2; new %3; "
                "kept as permanent until the car has driven %4"
            ).replace("%1", ", ".join(comparison.cleared) or "—").replace(
                "%2", ", ".join(comparison.remaining) or "—"
            ).replace("%3", ", ".join(comparison.new) or "—").replace(
                "%4", ", ".join(comparison.permanent_only) or "—"
            )
            if comparison.not_checked:
                text += "\n" + self.tr(
                    "Not checked, the control unit did not answer the rescan: %1"
                ).replace("%1", ", ".join(comparison.not_checked))
        self.summary.setText(text)
        # as tall as its lines at the pane's width: the layout would squeeze a wrapped label
        width = max(self.summary.width(), self.tree.width(), 400)
        self.summary.setMinimumHeight(self.summary.heightForWidth(width))

    def _summary_text(self, result: dict[str, Any], stage: str) -> str:
        codes = sum(len(ecu.get("dtcs", [])) for ecu in result.get("ecus", []))
        text = self.tr("%1 scan: VIN %2, %3 ECU(s), %4 code(s), %5 ms").replace(
            "%1", self.tr("Post-repair") if stage == "post" else self.tr("Pre-repair")
        )
        text = (
            text.replace("%2", str(result.get("vin") or "—"))
            .replace("%3", str(len(result.get("ecus", []))))
            .replace("%4", str(codes))
            .replace("%5", str(round(float(result.get("elapsed_ms", 0)))))
        )
        wo_id = self.model.work_order_id
        if wo_id is not None and result.get("vin"):
            vehicle = self.model.workshop.vehicle(
                self.model.workshop.work_order(wo_id)["vehicle_id"]
            )
            if vehicle["vin"] and vehicle["vin"] != result["vin"]:
                text += "\n" + self.tr("Warning: the car's VIN differs from the work order's")
        if result.get("incomplete"):
            said = "\n".join(incomplete_reason_texts(result, self.model.language))
            text += "\n" + self.tr("Scan incomplete: %1").replace("%1", said)
        return text

    def _show(self, result: dict[str, Any]) -> None:
        kinds = {
            "stored": self.tr("stored"),
            "pending": self.tr("pending"),
            "permanent": self.tr("permanent"),
        }
        language = self.model.language
        for ecu in result.get("ecus", []):
            reads = ecu.get("reads") or {}
            unread = [s for s, read in sorted(reads.items()) if not read_complete(read)]
            node = QTreeWidgetItem(
                [
                    f"{ecu['id']} {ecu.get('name') or ''}".strip(),
                    self.tr("UDS module") if ecu.get("kind") == "uds" else "",
                    self.tr("Not read completely: %1").replace("%1", ", ".join(unread))
                    if unread
                    else "",
                ]
            )
            self.tree.addTopLevelItem(node)
            for dtc in ecu.get("dtcs", []):
                meaning = describe_dtc(dtc["code"], self.model.language)
                text = meaning or dtc.get("description") or "—"
                QTreeWidgetItem(node, [dtc["code"], kinds.get(dtc["kind"], dtc["kind"]), text])
            frame = ecu.get("freeze_frame")
            if frame:
                ff = QTreeWidgetItem(
                    node, [self.tr("Freeze frame"), str(frame.get("dtc") or ""), ""]
                )
                for key, pid in frame.get("pids", {}).items():
                    name = pid_name(key, language, pid["name"])
                    QTreeWidgetItem(ff, [name, "", f"{pid['value']} {pid.get('unit') or ''}"])
            uds_codes = ecu.get("uds_dtcs") or []
            if uds_codes:
                memory = QTreeWidgetItem(node, [self.tr("Fault memory (UDS)"), "", ""])
                for code in uds_codes:
                    meaning = describe_dtc(str(code["code"])[:5], language)
                    QTreeWidgetItem(
                        memory,
                        [
                            code["code"],
                            uds_status_text(code["status"], language),
                            meaning or code.get("description") or "—",
                        ],
                    )
                memory.setExpanded(True)
            battery = ecu.get("battery")
            if battery:
                block = QTreeWidgetItem(node, [self.tr("Traction battery"), "", ""])
                for name, value in battery_lines(battery, language):
                    QTreeWidgetItem(block, [name, "", value])
                block.setExpanded(True)
            readiness = ecu.get("readiness") or {}
            if readiness:
                rd = QTreeWidgetItem(node, [self.tr("Readiness"), "", ""])
                for name, value in readiness_lines(readiness):
                    QTreeWidgetItem(rd, [name, "", value])
            node.setExpanded(True)
        for column in (0, 1):
            self.tree.resizeColumnToContents(column)

    # -- scan ------------------------------------------------------------------------

    def scan(self) -> None:
        vehicle = self.ctx.devices.vehicle
        wo_id = self.model.work_order_id
        if vehicle is None or wo_id is None:
            self.model.notify(self.tr("No vehicle interface is connected"), True)
            return
        actor = self.model.require_actor()
        stage = self.stage()
        language = self.model.language
        self.progress.setValue(0)
        self.ctx.devices.report("obd", DeviceState.BUSY, vehicle.label)

        def work(progress: Progress) -> dict[str, Any]:
            return vehicle.scan(progress, language)

        def done(result: dict[str, Any]) -> None:
            self.ctx.devices.report("obd", DeviceState.CONNECTED, vehicle.label)
            self.progress.setValue(100)
            try:
                record_scan(self.model.workshop, actor, wo_id, stage, result)
            except OtherVehicle as err:
                self.other_scan = (wo_id, stage, result)
                self.keep_other.show()
                self.model.notify(error_text(err), True)
            except StationError as err:
                self.model.notify(error_text(err), True)
            else:
                self.model.notify(self.tr("Scan kept with the work order"))
                self.model.events.changed.emit()
            self._update_buttons()

        def failed(message: str) -> None:
            self.ctx.devices.report("obd", DeviceState.FAILED, vehicle.label, message)
            self.model.notify(message, True)
            self._update_buttons()

        def step(value: int, steps: int, text: str) -> None:
            self.progress.setValue(int(value * 100 / max(steps, 1)))
            self.progress_text.setText(scan_step(text))

        self.scan_job = self.ctx.workers.start(work, done, failed, step)
        self._update_buttons()

    def keep_other_vin_scan(self) -> None:
        """The technician confirms the scan belongs here although the VIN differs (audited)."""
        if self.other_scan is None:
            return
        wo_id, stage, result = self.other_scan
        actor = self.model.require_actor()
        kept = self.model.act(
            lambda: record_scan(
                self.model.workshop, actor, wo_id, stage, result, confirm_other_vin=True
            )
        )
        if kept is not None:
            self.other_scan = None
            self.keep_other.hide()
            self.model.notify(self.tr("Scan kept with the work order"))

    def clear_codes(self) -> None:
        vehicle = self.ctx.devices.vehicle
        wo_id = self.model.work_order_id
        if vehicle is None or wo_id is None or not self.confirm_clear.isChecked():
            return
        pre = latest_scan(self.model.workshop, wo_id, "pre")
        ecus = [ecu["id"] for ecu in pre["result"]["ecus"]] if pre else []
        self.confirm_clear.setChecked(False)
        try:
            authorise_code_clear(
                self.model.workshop,
                self.model.require_actor(),
                wo_id,
                ecus,
                True,
                accept_at_risk=self.warned_codes,
            )
        except CodesAtRisk as err:  # say which faults are still there; a second tap clears
            self.warned_codes = tuple(c.code for c in err.codes)
            self.model.notify(error_text(err), True)
            return
        except StationError as err:
            self.model.notify(error_text(err), True)
            return
        self.warned_codes = ()
        self.model.events.changed.emit()

        def work(_progress: Progress) -> dict[str, bool]:
            return vehicle.clear_codes()

        names = {
            ecu["id"]: ecu.get("name") or ecu["id"]
            for ecu in (pre["result"]["ecus"] if pre else [])
        }

        def done(cleared: dict[str, bool]) -> None:
            ok = [names.get(ecu, ecu) for ecu, yes in cleared.items() if yes]
            self.model.notify(self.tr("Codes cleared in %1").replace("%1", ", ".join(ok) or "—"))

        self.ctx.workers.start(work, done, lambda m: self.model.notify(m, True))

    # -- live values -------------------------------------------------------------------

    def _live_toggled(self, on: bool) -> None:
        self.panes.setCurrentIndex(1 if on else 0)
        if on:
            self.chart.clear()
            self.live_timer.start()
        else:
            self.live_timer.stop()

    def _poll_live(self) -> None:
        vehicle = self.ctx.devices.vehicle
        if vehicle is None or not self.isVisible():
            self.live_toggle.setChecked(False)
            return
        if self.live_job is not None and self.live_job.running:
            return
        if self.record_job is not None and self.record_job.running:
            return  # the recording draws the chart itself
        pids = [pid for pid, button in self.live_buttons.items() if button.isChecked()]
        if not pids:
            return

        def work(_progress: Progress) -> dict[int, LiveValue]:
            return vehicle.live(pids)

        def done(values: dict[int, LiveValue]) -> None:
            for pid, value in values.items():
                self.chart.add(self.live_buttons[pid].text(), value.value, value.unit)

        def failed(message: str) -> None:
            self.live_toggle.setChecked(False)
            self.model.notify(message, True)

        self.live_job = self.ctx.workers.start(work, done, failed)

    # -- recording -------------------------------------------------------------------

    def _record_toggled(self, on: bool) -> None:
        if on and (self.record_job is None or not self.record_job.running):
            self.start_recording()
        elif not on and self.record_stop is not None:
            self.record_stop.set()  # the worker ends after the current sweep
            self._show_record_state()

    def start_recording(self) -> None:
        """Record the chosen values in a worker until Stop (at most RECORD_LIMIT_S); the
        recording is kept with the work order, and the chart shows it as it comes."""
        vehicle = self.ctx.devices.vehicle
        wo_id = self.model.work_order_id
        pids = [pid for pid, button in self.live_buttons.items() if button.isChecked()]
        if vehicle is None or wo_id is None or not pids:
            self.record_button.setChecked(False)
            self.model.notify(self.tr("Choose the values to record first"), True)
            return
        actor = self.model.require_actor()
        label = self.record_label.currentText()
        stop = threading.Event()
        self.record_stop = stop
        self.recorded = []
        seen: list[tuple[float, dict[str, object]]] = []
        names = {f"{pid:02X}": self.live_buttons[pid].text() for pid in pids}
        units = {f"{pid:02X}": PIDS[pid].unit or "" for pid in pids}
        self.live_toggle.setChecked(True)  # the chart pane; its polling waits meanwhile
        self.chart.clear()

        def work(progress: Progress) -> dict[str, object]:
            def sample(at: float, values: dict[str, object]) -> None:
                seen.append((at, values))  # read by the GUI thread on the progress signal
                progress(len(seen), 0, "")

            return vehicle.record(pids, stop, sample, RECORD_LIMIT_S)

        def step(count: int, _steps: int, _text: str) -> None:
            for at, values in seen[len(self.recorded) : count]:
                self.recorded.append((at, values))
                for key, value in values.items():
                    if isinstance(value, int | float):
                        self.chart.add(names[key], float(value), units[key])
            self._show_record_state()

        def finish() -> None:
            self.record_stop = None
            self.record_button.blockSignals(True)
            self.record_button.setChecked(False)
            self.record_button.blockSignals(False)
            self._update_buttons()
            self._show_record_state()

        def done(recording: dict[str, object]) -> None:
            finish()
            try:
                record_live(self.model.workshop, actor, wo_id, label, recording)
            except StationError as err:
                self.model.notify(error_text(err), True)
                return
            self.model.notify(self.tr("Recording kept with the work order"))
            self.model.events.changed.emit()

        def failed(message: str) -> None:
            finish()
            self.model.notify(message, True)

        self.record_job = self.ctx.workers.start(work, done, failed, step)
        self._update_buttons()
        self._show_record_state()

    def _show_record_state(self) -> None:
        recording = self.record_job is not None and self.record_job.running
        self.record_button.setText(self.tr("Stop recording") if recording else self.tr("Record"))
        if recording:
            seconds = self.recorded[-1][0] if self.recorded else 0.0
            self.record_state.setText(
                self.tr("Recording: %1 s, %2 samples")
                .replace("%1", f"{seconds:.0f}")
                .replace("%2", str(len(self.recorded)))
            )
            return
        wo_id = self.model.work_order_id
        kept = live_recordings(self.model.workshop, wo_id) if wo_id is not None else []
        self.record_state.setText(
            self.tr("%1 recording(s) kept with the work order").replace("%1", str(len(kept)))
        )
