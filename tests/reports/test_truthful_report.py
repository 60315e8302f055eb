"""The signed report never tells the customer anything false: whole visits through the core,
read back from the signed PDF with pdftotext, in English and Chinese.

Visit A: a scan of the car in the next bay is refused, the customer declines the
catalyst (P0420) and a tyre (its finding superseded by a corrected one), the
transmission unit stays silent on the rescan, the rear pads are replaced, the wheel
alignment is adjusted once the customer approved it, the booked service is never
started, the quality check is tapped twice, and the next car is checked in right
after the first. Visit B: the rescan is cut short, and the rig's readings after an
adjustment come with no adjustment approved. Each test asserts the exact sentence, or
that a false one is absent.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from reports.issue import IssuedReport, issue_report
from reports.keys import StationKeys, keys_folder
from reports.verify import Outcome, verify_report
from station import alignment as al
from station import profile
from station.commands import init_station
from station.demo import DemoVisit, seed_demo
from station.diagnostics import OtherVehicle, record_scan
from station.findings import FindingDraft, Severity, labour, part
from station.fixtures import load_json
from station.lifecycle import Status
from station.photos import PhotoStore, Stage, photos_folder
from tests.reports.visit import photo_files
from tests.station.test_profile import PNG_LOGO

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "pdfinfo", "pdfsig")),
    reason="poppler-utils is not installed",
)

VIN = "LSVAU2180N2183741"


def scan(*ecus: tuple[str, str, list[tuple[str, str]]], incomplete: bool = False) -> dict[str, Any]:
    result: dict[str, Any] = {
        "vin": VIN,
        "protocol": "ISO 15765-4 CAN (11 bit, 500 kbaud)",
        "ecus": [
            {"id": ecu, "name": name, "dtcs": [{"code": c, "kind": k} for c, k in codes]}
            for ecu, name, codes in ecus
        ],
        "elapsed_ms": 400,
    }
    if incomplete:
        result["incomplete"] = True
        result["error"] = "the adapter stopped answering"
    return result


@dataclass
class Reports:
    data_dir: Path
    en: IssuedReport
    zh: IssuedReport
    next_en: IssuedReport  # the car checked in right after this one
    next_zh: IssuedReport

    def text(self, language: str, car: str = "first") -> str:
        reports = {
            ("first", "en"): self.en,
            ("first", "zh"): self.zh,
            ("next", "en"): self.next_en,
            ("next", "zh"): self.next_zh,
        }
        path = reports[(car, language)].path
        out = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        return " ".join(out.split())


OTHER_CAR = {
    "vin": "LGXCE4CB5N0123456",
    "protocol": "ISO 15765-4 CAN (11 bit, 500 kbaud)",
    "ecus": [{"id": "7E8", "name": "Engine", "dtcs": [{"code": "P0171", "kind": "stored"}]}],
}


def rear_right_toe(before: float, after: float) -> al.AlignmentSession:
    return al.AlignmentSession(
        before=al.AlignmentSet(
            (al.AlignmentReading(al.Position.REAR_RIGHT, al.Quantity.TOE, before),)
        ),
        after=al.AlignmentSet(
            (al.AlignmentReading(al.Position.REAR_RIGHT, al.Quantity.TOE, after),)
        ),
        rig="rig-sim",
        rig_session="truth-1",
    )


def run_visit(
    data_dir: Path, post: dict[str, Any], pre: dict[str, Any], approve_alignment: bool = True
) -> Reports:
    seed = load_json("demo_seed.json")
    admin_spec = next(u for u in seed["users"] if u["role"] == "admin")
    workshop = init_station(
        data_dir / "station.db", "Harbour Motors", "station-truth", "admin", admin_spec["pin"]
    )
    cast = seed_demo(workshop)
    admin = workshop.login("admin", admin_spec["pin"])
    logo = profile.import_logo(data_dir, PNG_LOGO)
    profile.change(
        workshop.store,
        admin,
        {
            "address": "12 Quay Road, Shenzhen",
            "phone": "+86 755 5555 0101",
            "tax_id": "91440300MA5F00001X",
            "tax_rate": "13",
            "logo": logo,
            "time_zone": "Asia/Shanghai",
        },
    )
    demo = DemoVisit(workshop, cast, narrate=lambda _text: None)
    demo.reception(mileage_km=45_310)
    # the next car is checked in right after: its own mileage, never the first car's
    second = DemoVisit(workshop, cast, vehicle_key="ev", narrate=lambda _text: None)
    second.reception(mileage_km=18_500)
    demo.start_diagnosis()
    technician = demo.technician
    with pytest.raises(OtherVehicle):
        record_scan(workshop, technician, demo.wo_id, "pre", OTHER_CAR)
    record_scan(workshop, technician, demo.wo_id, "pre", pre, confirm_other_vin=pre["vin"] != VIN)
    demo.inspection()
    demo.findings_for_approval(dtc="P0301")
    demo.finding_ids["P0420"] = workshop.add_finding(
        technician,
        demo.wo_id,
        FindingDraft(
            "P0420: catalyst below threshold / 三元催化效率低",
            Severity.SOON,
            [
                part("Catalytic converter / 三元催化器", 1, 420_000),
                labour("Fit / 安装", 1.5, 30_000),
            ],
            "Replace the catalytic converter / 更换三元催化器",
            dtc="P0420",
        ),
    ).id
    vehicle = demo.vehicle
    spec = al.spec_for(vehicle["make"], vehicle["model"], vehicle["year"])
    # the rig sent its after set too, but nobody had approved an adjustment yet
    al.store_alignment(workshop, technician, demo.wo_id, rear_right_toe(1.30, 0.11), spec)
    if approve_alignment:
        demo.alignment_for_approval()
    mistap = workshop.add_finding(
        technician,
        demo.wo_id,
        FindingDraft(
            "P0420 + ignition coil 610",
            Severity.URGENT,
            [part("Ignition coil", 1, 61_000)],
            dtc="P0420",
        ),
    ).id
    photos = PhotoStore(workshop.store, photos_folder(data_dir))
    for finding_id, seed in ((mistap, 1), (demo.finding_ids["tread_rr"], 2)):
        photos.record(
            technician, photo_files(640, 480, seed), demo.wo_id, Stage.BEFORE, finding_id=finding_id
        )
    workshop.withdraw_finding(technician, mistap, "tapped the wrong code")
    old_tyre = demo.finding_ids["tread_rr"]
    demo.finding_ids["tread_rr"] = workshop.supersede_finding(
        technician,
        old_tyre,
        "the sidewall is cut too",
        FindingDraft(
            "Right-rear tyre worn and cut / 右后轮胎磨损且有割伤",
            Severity.SOON,
            [
                part("Tyre 225/45 R17 / 轮胎", 1, 72_000, "TY-22545R17"),
                labour("Fit and balance / 安装及动平衡", 0.5, 30_000),
            ],
            "Replace the right-rear tyre / 更换右后轮胎",
        ),
    ).id
    demo.customer_decides(declined=("tread_rr", "P0420"))
    workshop.change_status(technician, demo.wo_id, Status.IN_REPAIR)
    for job in workshop.jobs(demo.wo_id):
        if job["finding_id"] is not None:  # the booked service is never started
            workshop.clock_on(technician, job["id"])
            if approve_alignment and job["finding_id"] == demo.finding_ids["alignment"]:
                al.store_alignment(
                    workshop, technician, demo.wo_id, rear_right_toe(1.30, 0.11), spec
                )
            workshop.clock_off(technician, job["id"])
    record_scan(workshop, technician, demo.wo_id, "post", post)
    workshop.change_status(technician, demo.wo_id, Status.QUALITY_CHECK)
    first = workshop.record_quality_check(technician, demo.wo_id, True, "road test ok")
    again = workshop.record_quality_check(technician, demo.wo_id, True, "road test ok")
    assert (again.id, again.warnings) == (first.id, ("already recorded",))
    workshop.change_status(demo.advisor, demo.wo_id, Status.READY)
    advisor = demo.advisor
    en = issue_report(workshop, advisor, demo.wo_id, data_dir, "en")
    zh = issue_report(workshop, advisor, demo.wo_id, data_dir, "zh")
    next_en = issue_report(workshop, advisor, second.wo_id, data_dir, "en")
    next_zh = issue_report(workshop, advisor, second.wo_id, data_dir, "zh")
    workshop.store.close()
    return Reports(data_dir, en, zh, next_en, next_zh)


PRE = scan(
    ("7E8", "ECM-EngineControl", [("P0301", "stored"), ("P0420", "stored")]),
    ("7E9", "TCM-TransmissionCtl", [("U0100", "pending")]),
)


@pytest.fixture(scope="module")
def visit_a(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reports]:
    # codes were cleared: the engine unit answers with none, the transmission unit is silent
    yield run_visit(tmp_path_factory.mktemp("a"), scan(("7E8", "ECM-EngineControl", [])), PRE)


@pytest.fixture(scope="module")
def visit_b(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reports]:
    """The rescan is cut short, and nobody proposed the alignment adjustment to the customer."""
    cut_short = scan(
        ("7E8", "ECM-EngineControl", []), ("7E9", "TCM-TransmissionCtl", []), incomplete=True
    )
    # the engine unit was swapped from another car: the technician confirms its scan
    swapped = PRE | {"vin": "LSVAU2180N2183740"}
    yield run_visit(tmp_path_factory.mktemp("b"), cut_short, swapped, approve_alignment=False)


def test_a_declined_code_is_said_to_be_still_there_not_cleared(visit_a: Reports) -> None:
    en, zh = visit_a.text("en"), visit_a.text("zh")
    assert "Declined by you, still present (not repaired): P0420" in en
    assert "您已拒绝维修，故障仍然存在（未修复）：P0420" in zh
    assert "Repaired, cleared and not returned: P0301" in en
    assert "已修复、已清除且未再出现：P0301" in zh
    assert not re.search(r"cleared and not returned: [^A-Za-z]*P0420", en)


def test_a_unit_silent_on_the_rescan_leaves_its_code_not_checked(visit_a: Reports) -> None:
    assert "Not checked: the control unit did not answer the rescan: U0100" in visit_a.text("en")
    assert "未核实：复检时该控制单元未应答：U0100" in visit_a.text("zh")
    assert "U0100" not in visit_a.text("en").split("cleared and not returned:")[-1][:20]


def test_a_rescan_without_a_silent_unit_is_not_called_free_of_codes(visit_a: Reports) -> None:
    en, zh = visit_a.text("en"), visit_a.text("zh")
    assert (
        "After repair · " in en and "No trouble codes from the control units that answered." in en
    )
    assert "已应答的控制单元无故障码。" in zh
    assert "No trouble codes." not in en and "无故障码。" not in zh.replace(
        "控制单元无故障码。", ""
    )


def test_control_units_are_named_in_words(visit_a: Reports) -> None:
    en, zh = visit_a.text("en"), visit_a.text("zh")
    assert "ECM-EngineControl" not in en and "ECM-EngineControl" not in zh
    assert "Cylinder 1 misfire detected Engine stored" in en
    assert "变速箱" in zh


def test_an_incomplete_rescan_clears_nothing(visit_b: Reports) -> None:
    en, zh = visit_b.text("en"), visit_b.text("zh")
    assert "This scan was cut short: codes it did not read are not checked." in en
    assert "本次扫描未完整完成：未读取到的故障码视为未核实。" in zh
    assert "Not checked: the control unit did not answer the rescan: P0301, U0100" in en
    assert "cleared and not returned" not in en
    assert "已清除且未再出现" not in zh


def test_repaired_pads_show_their_state_after_the_repair(visit_a: Reports) -> None:
    en, zh = visit_a.text("en"), visit_a.text("zh")
    assert "Rear brake pads 2.6 mm → replaced —" in en
    assert "后刹车片 2.6 mm → 已更换 —" in zh
    assert not re.search(r"Rear brake pads 2\.6 mm needs attention now", en)
    assert "0 · needs attention now 1 · replaced" in en
    assert "about 1,000 km left" not in en


def test_a_booked_job_never_started_is_not_work_done(visit_a: Reports) -> None:
    en, zh = visit_a.text("en"), visit_a.text("zh")
    assert "Not done on this visit • 10,000 km service · booked, not started" in en
    assert "本次未完成的工作 • 10000公里保养 · 已预约，未开始" in zh
    assert "10,000 km service · booked · by" not in en
    assert re.search(r"Replace rear brake pads · extra, approved by you · by 李伟, \d+ min", en)


def test_an_alignment_adjustment_is_a_job_approved_and_priced(visit_a: Reports) -> None:
    en, zh = visit_a.text("en"), visit_a.text("zh")
    assert re.search(r"Adjust the wheel alignment · extra, approved by you · by 李伟, \d+ min", en)
    assert re.search(r"调整四轮定位 · 追加项目（经您批准） · 李伟，\d+ 分钟", zh)
    assert "Wheel alignment out of specification" in en
    assert re.search(r"Wheel alignment out of specification .*¥300\.00 repaired", en)
    assert re.search(r"四轮定位超出标准 .*已批准", zh)  # in the approvals, with the signature


def test_an_adjustment_nobody_approved_is_not_claimed(visit_a: Reports, visit_b: Reports) -> None:
    en, zh = visit_b.text("en"), visit_b.text("zh")
    note_en = (
        "No adjustment of the wheel alignment was approved before these readings: only the "
        "readings before any adjustment are shown."
    )
    note_zh = "测量时您尚未批准调整四轮定位：此处仅列出调整前的测量值。"
    assert "Rear-right Toe +0.00° … +0.30° +1.30° ▲ out of specification by 1.00° " + note_en in en
    assert note_zh in zh
    assert "+0.11°" not in en and "+0.11°" not in zh
    assert "Adjust the wheel alignment" not in en and "四轮定位超出标准" not in zh
    assert "• 调整四轮定位" not in zh
    # approved first, measured during its job: the after readings are the adjustment done
    assert "+1.30° ▲ out of specification by 1.00° +0.11°" in visit_a.text("en")
    assert "+1.30° ▲ 超出标准 1.00° +0.11°" in visit_a.text("zh")
    assert note_en not in visit_a.text("en") and note_zh not in visit_a.text("zh")


def test_a_superseded_finding_shows_the_newer_one_only(visit_a: Reports) -> None:
    en, zh = visit_a.text("en"), visit_a.text("zh")
    assert "Right-rear tyre tread 2.8 mm" not in en and "右后轮胎花纹 2.8 毫米" not in zh
    # the finding, its decision, and the photo taken for the finding it replaced
    assert en.count("Right-rear tyre worn and cut") == 3
    assert zh.count("右后轮胎磨损且有割伤") == 3
    assert "Photos Right-rear tyre worn and cut" in en and "照片 右后轮胎磨损且有割伤" in zh
    assert "Right-rear tyre worn and cut declined 王芳 at the desk" in en
    assert "右后轮胎磨损且有割伤 已拒绝 王芳 前台" in zh


def test_a_scan_of_another_car_is_not_in_the_report(visit_a: Reports, visit_b: Reports) -> None:
    for language in ("en", "zh"):
        text = visit_a.text(language)
        assert "LGXCE4CB5N0123456" not in text  # the car in the next bay
        assert "P0171" not in text
        assert "LSVAU2180N2183741" in text
        assert "LSVAU2180N2183740" not in text
    # kept on the technician's confirmation: the report says whose VIN the scan read
    said = (
        "This scan read VIN LSVAU2180N2183740, not this car's; the technician confirmed that "
        "it belongs to this visit."
    )
    assert re.search(r"Before repair · \S+ \S+ " + re.escape(said), visit_b.text("en"))
    assert (
        "本次扫描读到的车架号为 LSVAU2180N2183740，与本车不符；技师已确认该扫描属于本次服务。"
        in visit_b.text("zh")
    )
    assert visit_b.text("en").count("This scan read VIN") == 1  # the rescan read this car


def test_a_second_quality_check_tap_is_recorded_and_told_once(visit_a: Reports) -> None:
    en, zh = visit_a.text("en"), visit_a.text("zh")
    assert re.search(
        r"Quality check • Passed: road test ok · 李伟 · \d{4}-\d\d-\d\d \d\d:\d\d ", en
    )
    assert re.search(r"质检 • 通过：road test ok · 李伟 · \d{4}-\d\d-\d\d \d\d:\d\d ", zh)
    assert en.count("Passed: road test ok") == 1 and zh.count("通过：road test ok") == 1


def test_two_cars_checked_in_one_after_the_other_keep_their_own_facts(visit_a: Reports) -> None:
    first_en, first_zh = visit_a.text("en"), visit_a.text("zh")
    next_en, next_zh = visit_a.text("en", "next"), visit_a.text("zh", "next")
    assert "Mileage: 45,310 km" in first_en and "里程：45,310 km" in first_zh
    assert "Mileage: 18,500 km" in next_en and "里程：18,500 km" in next_zh
    for text in (next_en, next_zh):
        assert "45,310" not in text and "LSVAU2180N2183741" not in text and "王芳" not in text
        assert "LGXCE4CB5N0123456" in text
    for text in (first_en, first_zh):
        assert "18,500" not in text and "David Miller" not in text
    assert "Customer Name: David Miller" in next_en
    assert "Powertrain: Electric" in next_en and "动力类型：纯电动" in next_zh
    assert "Powertrain: Petrol or diesel engine" in first_en and "动力类型：燃油车" in first_zh


def test_the_issue_time_is_on_the_workshops_clock_and_the_file_keeps_the_instant(
    visit_a: Reports,
) -> None:
    for report, language, label in ((visit_a.en, "en", "Issued"), (visit_a.zh, "zh", "出具日期")):
        stored = json.loads(report.path.with_suffix(".json").read_text())
        instant = datetime.fromisoformat(stored["issued_instant"].replace("Z", "+00:00"))
        local = instant.astimezone(ZoneInfo("Asia/Shanghai"))
        assert f"{label} {local:%Y-%m-%d %H:%M} (UTC+08:00)" in visit_a.text(language)
        info = subprocess.run(
            ["pdfinfo", "-isodates", str(report.path)], capture_output=True, text=True, timeout=60
        ).stdout
        assert f"CreationDate:    {instant:%Y-%m-%dT%H:%M:%S}Z" in info


def test_a_withdrawn_finding_is_not_told_to_the_customer(visit_a: Reports) -> None:
    for report in (visit_a.en, visit_a.zh):  # its photo is not printed either: the tyre's only
        listing = subprocess.run(
            ["pdfimages", "-list", str(report.path)], capture_output=True, text=True, timeout=60
        ).stdout.splitlines()[2:]
        assert len(listing) == 2 and listing[0].split()[3:5] == ["64", "32"]  # logo, tyre
    for language in ("en", "zh"):
        text = visit_a.text(language)
        assert "ignition coil 610" not in text
        assert "¥610.00" in text  # the real coil finding is still there, once
        assert text.count("¥610.00") == 1


def test_totals_with_the_workshops_tax_rate(visit_a: Reports) -> None:
    en, zh = visit_a.text("en"), visit_a.text("zh")
    # pads ¥620 + coil ¥610 + alignment ¥300 done; tyre ¥870 and catalyst ¥4,650 declined
    assert "Approved and done ¥1,530.00" in en
    assert "Declined by you: not charged ¥5,520.00" in en
    assert "Tax (13 %) ¥198.90" in en
    assert "Amount payable for extra work ¥1,728.90" in en
    assert "税费（13 %） ¥198.90" in zh
    assert "追加项目应付金额 ¥1,728.90" in zh


def test_workshop_people_and_report_number(visit_a: Reports) -> None:
    en, zh = visit_a.text("en"), visit_a.text("zh")
    assert (
        "Harbour Motors 12 Quay Road, Shenzhen · Phone +86 755 5555 0101 · Tax ID 91440300MA5F00001X"
        in en
    )
    assert "地址" not in zh.split("车辆健康报告")[0]  # the address is printed as it is, no label
    assert "Service advisor: 陈静" in en and "服务顾问：陈静" in zh
    assert "Technicians: 李伟" in en and "维修技师：李伟" in zh
    assert "Signature (" not in en and "Your signature" in en
    assert "pads_rear" not in en and "pads_rear" not in zh


def test_the_signed_files_are_valid_and_dated_when_issued(visit_a: Reports) -> None:
    roots = StationKeys(keys_folder(visit_a.data_dir)).trust_roots()
    for report in (visit_a.en, visit_a.zh):
        assert verify_report(report.path, roots).outcome is Outcome.VALID
        sig = subprocess.run(
            ["pdfsig", str(report.path)], capture_output=True, text=True, timeout=60
        ).stdout
        assert "Signature is Valid." in sig
        info = subprocess.run(
            ["pdfinfo", "-isodates", str(report.path)], capture_output=True, text=True, timeout=60
        ).stdout
        assert "CreationDate:   2000" not in info
