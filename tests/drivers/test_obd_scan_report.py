"""A full-system scan in the health report: the control units' own codes with their
status in words, the traction battery block, and what the scan did not read, in
English and Chinese (read back from the PDF with pdftotext)."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import can
import pytest

from drivers.ecu_sim import EcuSimulator, load_profile
from drivers.obd.can_link import connect_can
from drivers.obd.scan import scan_vehicle
from reports.data import assemble
from reports.issue import issue_report
from station.diagnostics import record_scan
from tests.reports.visit import VIN_SEDAN, build_visit

_channels = itertools.count()


def _ev_scan_with_a_silent_battery_ecu() -> dict[str, object]:
    """A real scan of the simulated EV (with the demo sedan's VIN, so it belongs to the
    visit's car) whose battery management ECU ignores mode 0A."""
    profile = load_profile("ev_isolation")
    profile.ecus[0].vin = VIN_SEDAN
    bms = next(ecu for ecu in profile.ecus if ecu.response_id == 0x7EB)
    bms.silent_services = {0x0A}
    channel = f"obd-report-{next(_channels)}"
    with (
        EcuSimulator(can.Bus(interface="virtual", channel=channel), profile, own_bus=True),
        connect_can("virtual", channel) as link,
    ):
        return scan_vehicle(link).to_json()


def _pdf_text(path: Path) -> str:
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", " ", text)


def test_uds_codes_battery_and_unread_services_in_the_report(tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    visit = build_visit(tmp_path)
    try:
        result = _ev_scan_with_a_silent_battery_ecu()
        assert result["incomplete"] and result["vin"] == VIN_SEDAN
        record_scan(visit.workshop, visit.demo.technician, visit.wo_id, "pre", result)

        data = assemble(visit.workshop, visit.wo_id, "en")
        [pre] = [scan for scan in data.scans if scan.stage == "pre"]
        assert [(c.code, c.status) for c in pre.uds_codes if c.code.startswith("C")] == [
            ("C0750-13", "confirmed, failing now")
        ]
        assert pre.reasons == ("ECU 7EB did not answer: permanent trouble codes (0A)",)
        [battery] = pre.batteries
        assert battery.ecu == "High-voltage battery"
        assert ("State of health", "90 %") in battery.lines

        english = issue_report(
            visit.workshop, visit.demo.advisor, visit.wo_id, visit.data_dir, "en"
        )
        text = _pdf_text(english.path)
        assert "Codes in the control units' own fault memory" in text
        assert "C0750-13" in text and "confirmed, failing now" in text
        assert "Left front tyre pressure sensor" in text
        assert "Traction battery · High-voltage battery" in text
        assert "State of health 90 %" in text
        assert "ECU 7EB did not answer: permanent trouble codes (0A)" in text

        chinese = issue_report(
            visit.workshop, visit.demo.advisor, visit.wo_id, visit.data_dir, "zh"
        )
        text = _pdf_text(chinese.path)
        assert "各控制单元自身故障存储中的故障码" in text
        assert "已确认、当前故障" in text and "左前轮胎压传感器" in text
        assert "动力电池 · 高压电池" in text and "电池健康度 90 %" in text
        assert "ECU 7EB 未应答：永久故障码（0A）" in text
    finally:
        visit.workshop.store.close()
