"""Live data recorded from the car, kept with the work order, plotted in the report."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from pathlib import Path

import can
import pytest

from drivers.ecu_sim import EcuSimulator
from drivers.obd.can_link import connect_can
from drivers.obd.live import record_live
from drivers.obd.pids import PIDS
from reports.data import assemble
from reports.issue import issue_report
from reports.live_plot import recording_lines
from reports.texts import has_cjk
from station import diagnostics
from station.errors import InvalidInput
from tests.reports.visit import build_visit

_channels = itertools.count()


def _rev_test(seconds: float) -> dict[str, object]:
    channel = f"obd-live-rec-{next(_channels)}"
    with (
        EcuSimulator(can.Bus(interface="virtual", channel=channel), "petrol_misfire", own_bus=True),
        connect_can("virtual", channel) as link,
    ):
        return record_live(link, "7E8", [0x0C, 0x0D, 0x05], seconds)


def test_a_recording_has_every_value_at_rising_times() -> None:
    recording = _rev_test(0.4)
    assert recording["ecu"] == "7E8"
    assert recording["signals"] == {
        "05": {"name": "Engine coolant temperature", "unit": "°C"},
        "0C": {"name": "Engine speed", "unit": "rpm"},
        "0D": {"name": "Vehicle speed", "unit": "km/h"},
    }
    samples = recording["samples"]
    assert isinstance(samples, list) and len(samples) >= 2
    times = [at for at, _values in samples]
    assert times == sorted(times) and times[-1] >= 0.4
    assert all(set(values) == {"05", "0C", "0D"} for _at, values in samples)
    assert all(700 <= values["0C"] <= 940 for _at, values in samples)
    diagnostics.check_recording(recording)


def test_the_recording_is_kept_with_the_work_order_and_plotted_in_the_report(
    tmp_path: Path,
) -> None:
    visit = build_visit(tmp_path)
    try:
        recording = _rev_test(0.6)
        technician = visit.demo.technician
        diagnostics.record_live(visit.workshop, technician, visit.wo_id, "rev test", recording)
        kept = diagnostics.live_recordings(visit.workshop, visit.wo_id)
        assert [(r["label"], r["recording"]) for r in kept] == [("rev test", recording)]
        with pytest.raises(Exception, match="immutable"):
            visit.workshop.store.db.execute("UPDATE live_recordings SET label = 'x'")
        data = assemble(visit.workshop, visit.wo_id, "en")
        assert data.live_recordings == recording_lines(kept)
        [line] = data.live_recordings
        assert [s.name for s in line.series] == [
            "Engine coolant temperature",
            "Engine speed",
            "Vehicle speed",
        ]
        report = issue_report(visit.workshop, visit.demo.advisor, visit.wo_id, visit.data_dir, "en")
        if shutil.which("pdftotext") is None:
            pytest.skip("poppler-utils (pdftotext) is not installed")
        text = subprocess.run(
            ["pdftotext", str(report.path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "Live data" in text and "rev test" in text
        assert "Engine speed (rpm)" in text
        # the Chinese report names the values in Chinese
        assert [
            s.name for s in assemble(visit.workshop, visit.wo_id, "zh").live_recordings[0].series
        ] == [
            "发动机冷却液温度",
            "发动机转速",
            "车速",
        ]
        chinese = issue_report(
            visit.workshop, visit.demo.advisor, visit.wo_id, visit.data_dir, "zh"
        )
        text = subprocess.run(
            ["pdftotext", str(chinese.path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "实时数据" in text and "发动机转速 (rpm)" in text
        assert "Engine speed" not in text
    finally:
        visit.workshop.store.close()


@pytest.mark.parametrize(
    "recording",
    [
        {"ecu": "7E8", "signals": {}, "samples": [[0, {}]]},
        {"ecu": "7E8", "signals": {"0C": {"name": "rpm"}}, "samples": []},
        {
            "ecu": "7E8",
            "signals": {"0C": {"name": "rpm"}},
            "samples": [[1.0, {"0C": 1}], [0.5, {"0C": 2}]],
        },
        {"ecu": "7E8", "signals": {"0C": {"name": "rpm"}}, "samples": [[0.0, {"0D": 1}]]},
    ],
)
def test_a_malformed_recording_is_refused(recording: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        diagnostics.check_recording(recording)


def test_every_decoded_pid_has_a_chinese_name_for_the_report() -> None:
    for pid, spec in PIDS.items():
        name = diagnostics.pid_name(f"{pid:02X}", "zh", spec.name)
        assert name != spec.name and has_cjk(name), f"{pid:02X} {spec.name}"
    assert diagnostics.pid_name("0c", "en", "Engine speed") == "Engine speed"
    assert diagnostics.pid_name("FF", "zh", "Unknown value") == "Unknown value"
