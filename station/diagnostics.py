"""Scan results kept with the work order: the pre-repair scan, the post-repair rescan, clears.

The drivers produce the scan (the JSON of the `station scan` contract); the core
keeps it as evidence, immutable, so the report and the cloud see exactly what
the car said.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import sqlite_utils

from station import work_done
from station.errors import InvalidInput, NotFound
from station.fixtures import load_json
from station.roles import require
from station.truth import CodeAtRisk, codes_at_risk
from station.workshop import Actor, Created, Workshop

log = logging.getLogger(__name__)

STAGES = ("pre", "post")
DTC_KINDS = ("stored", "pending", "permanent")
# How the scan read one service of one ECU (the "reads" of each ECU in the scan JSON).
READ_STATUSES = ("read", "no_data", "refused", "no_answer", "adapter_error")
# The services whose complete read says which codes an ECU holds: stored, pending, permanent.
CODE_SERVICES = {"03": "stored", "07": "pending", "0A": "permanent"}
NOT_SUPPORTED_NRCS = ("11", "12", "31")


def migrate(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE scans (
            id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            stage TEXT NOT NULL CHECK (stage IN ('pre','post')), vin TEXT, protocol TEXT,
            incomplete INTEGER NOT NULL DEFAULT 0, error TEXT, result TEXT NOT NULL,
            at TEXT NOT NULL, recorded_by INTEGER NOT NULL);
        CREATE INDEX scans_work_order ON scans(work_order_id, stage, id);
        CREATE TABLE scan_dtcs (
            id INTEGER PRIMARY KEY, scan_id INTEGER NOT NULL REFERENCES scans(id),
            ecu TEXT NOT NULL, code TEXT NOT NULL, kind TEXT NOT NULL, description TEXT);
        CREATE INDEX scan_dtcs_scan ON scan_dtcs(scan_id);
        CREATE TABLE code_clears (
            id INTEGER PRIMARY KEY, work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
            ecus TEXT NOT NULL, confirmed_by INTEGER NOT NULL, at TEXT NOT NULL);
        """
    )
    for table in ("scans", "scan_dtcs", "code_clears"):
        for action in ("UPDATE", "DELETE"):
            db.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'scan records are immutable'); END"
            )


def migrate_scan_reads(db: sqlite_utils.Database) -> None:
    """Per ECU and service, how each kept scan read it, so what was not read can be asked."""
    db.executescript(
        """
        CREATE TABLE scan_reads (
            id INTEGER PRIMARY KEY, scan_id INTEGER NOT NULL REFERENCES scans(id),
            ecu TEXT NOT NULL, service TEXT NOT NULL, status TEXT NOT NULL,
            nrc TEXT, detail TEXT);
        CREATE INDEX scan_reads_scan ON scan_reads(scan_id);
        """
    )
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER scan_reads_no_{action.lower()} BEFORE {action} ON scan_reads "
            f"BEGIN SELECT RAISE(ABORT, 'scan records are immutable'); END"
        )


def migrate_live_recordings(db: sqlite_utils.Database) -> None:
    """Live values recorded during a test drive or a rev test, kept with the work order."""
    db.execute(
        "CREATE TABLE live_recordings (id INTEGER PRIMARY KEY, "
        "work_order_id INTEGER NOT NULL REFERENCES work_orders(id), label TEXT NOT NULL, "
        "recording TEXT NOT NULL, at TEXT NOT NULL, recorded_by INTEGER NOT NULL)"
    )
    for action in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER live_recordings_no_{action.lower()} BEFORE {action} "
            f"ON live_recordings BEGIN SELECT RAISE(ABORT, 'recordings are immutable'); END"
        )


def check_recording(recording: Mapping[str, Any]) -> None:
    """A recording is {"ecu", "signals": {pid: {"name", "unit"}}, "samples": [[t, {pid:
    value}], ...]} with times in seconds from its start, rising; raises InvalidInput."""
    signals = recording.get("signals")
    samples = recording.get("samples")
    if not isinstance(signals, Mapping) or not signals:
        raise InvalidInput(
            "a live recording names the values it recorded", key="recording.malformed"
        )
    if not isinstance(samples, list) or not samples:
        raise InvalidInput("a live recording holds at least one sample", key="recording.malformed")
    last = -1.0
    for sample in samples:
        if not (isinstance(sample, list | tuple) and len(sample) == 2):
            raise InvalidInput(
                f"a sample is [seconds, values], not {sample!r}", key="recording.malformed"
            )
        at, values = sample
        if not isinstance(at, int | float) or at < last or not isinstance(values, Mapping):
            raise InvalidInput(
                f"samples go forward in time with their values: {sample!r}",
                key="recording.malformed",
            )
        if set(values) - set(signals):
            raise InvalidInput(
                f"sample values not among the recorded signals: {sample!r}",
                key="recording.malformed",
            )
        last = float(at)


def record_live(
    workshop: Workshop, actor: Actor, wo_id: int, label: str, recording: Mapping[str, Any]
) -> Created:
    """Keep a live-data recording (test drive, rev test) with the work order."""
    require(actor.role, "work_order.diagnose")
    if not label.strip():
        raise InvalidInput("say what the recording is, e.g. rev test", key="recording.needs_label")
    check_recording(recording)
    workshop.work_order(wo_id)
    with workshop.store.transaction(actor.name) as tx:
        row = {
            "work_order_id": wo_id,
            "label": label.strip(),
            "recording": json.dumps(recording, ensure_ascii=False, sort_keys=True),
            "at": tx.at,
            "recorded_by": actor.user_id,
        }
        recording_id = tx.insert("live_recordings", row)
        summary = {k: v for k, v in row.items() if k != "recording"}
        tx.record(
            "diagnostics.live_recorded",
            "live_recording",
            recording_id,
            summary
            | {"samples": len(recording["samples"]), "signals": sorted(recording["signals"])},
        )
    return Created(recording_id)


def live_recordings(workshop: Workshop, wo_id: int) -> list[dict[str, Any]]:
    """The work order's recordings, oldest first, each with its recording parsed."""
    rows = workshop.store.query(
        "SELECT * FROM live_recordings WHERE work_order_id = ? ORDER BY id", (wo_id,)
    )
    return [{**row, "recording": json.loads(row["recording"])} for row in rows]


def read_complete(read: Mapping[str, Any]) -> bool:
    """One service's read left nothing unread: read, no data, or "not supported"."""
    status = read.get("status")
    if status == "refused":
        return read.get("nrc") in NOT_SUPPORTED_NRCS
    return status in ("read", "no_data")


def codes_read_completely(ecu: Mapping[str, Any]) -> bool | None:
    """Whether a scan read all of one ECU's stored, pending and permanent codes; None for
    a scan kept before reads were recorded (its `incomplete` flag is all there is)."""
    reads = ecu.get("reads")
    if not isinstance(reads, Mapping):
        return None
    return all(service in reads and read_complete(reads[service]) for service in CODE_SERVICES)


# --- the scan in words: what the app and the report show --------------------------
# What the technician reads when something was not: the service and how it went.
SERVICE_NAMES = {
    "01": ("current data", "当前数据"),
    "02": ("freeze frame", "冻结帧"),
    "03": ("stored trouble codes", "已存储故障码"),
    "06": ("on-board test results", "车载监测结果"),
    "07": ("pending trouble codes", "待定故障码"),
    "09": ("vehicle information", "车辆信息"),
    "0A": ("permanent trouble codes", "永久故障码"),
    "19": ("manufacturer trouble codes (UDS)", "制造商故障码（UDS）"),
    "22": ("data by identifier (name, battery)", "按标识符读取的数据（名称、电池）"),
}
READ_STATUS_TEXT = {
    "no_data": ("had no data", "无数据"),
    "refused": ("refused", "拒绝了请求"),
    "no_answer": ("did not answer", "未应答"),
    "adapter_error": ("was not read (adapter error)", "未读取（适配器错误）"),
}
# The status byte of a UDS trouble code (ISO 14229-1, annex D.2), bit by bit, the
# bits a technician acts on first.
UDS_STATUS_BITS = (
    (0x80, "warning lamp on", "故障灯亮"),
    (0x08, "confirmed", "已确认"),
    (0x01, "failing now", "当前故障"),
    (0x04, "pending", "待定"),
    (0x02, "failed this drive", "本次行驶中出现"),
    (0x20, "failed since the codes were last cleared", "上次清码后出现过"),
    (0x10, "not tested since the codes were last cleared", "上次清码后未完成检测"),
    (0x40, "not tested this drive", "本次行驶未完成检测"),
)
PID_NAMES_FIXTURE = "pid_names.json"
# The traction battery block of a scan: (key, English, Chinese, unit).
BATTERY_FIELDS = (
    ("state_of_health", "State of health", "电池健康度", "%"),
    ("state_of_charge", "State of charge", "剩余电量", "%"),
    ("cell_voltage_max", "Highest cell voltage", "最高单体电压", "V"),
    ("cell_voltage_min", "Lowest cell voltage", "最低单体电压", "V"),
    ("cell_voltage_spread_mv", "Cell voltage spread", "单体电压差", "mV"),
    ("temperature_max", "Highest temperature", "最高温度", "°C"),
    ("temperature_min", "Lowest temperature", "最低温度", "°C"),
)


def _pick(pair: tuple[str, str], language: str) -> str:
    return pair[1] if language == "zh" else pair[0]


def reason_text(
    ecu: str,
    service: str,
    status: str,
    nrc: str | None = None,
    detail: str | None = None,
    language: str = "en",
) -> str:
    """One line saying what a scan did not read, in English or Chinese."""
    zh = language == "zh"
    what = _pick(SERVICE_NAMES.get(service, (f"service {service}", f"服务 {service}")), language)
    how = _pick(READ_STATUS_TEXT[status], language) if status in READ_STATUS_TEXT else status
    text = f"ECU {ecu} {how}：{what}（{service}）" if zh else f"ECU {ecu} {how}: {what} ({service})"
    if nrc is not None:
        text += f"，否定响应 {nrc}" if zh else f", negative response {nrc}"
    if detail:
        text += f"：{detail}" if zh else f": {detail}"
    return text


def incomplete_reason_texts(
    result: Mapping[str, Any], language: str, details: bool = True
) -> list[str]:
    """Why a kept scan is incomplete, worded again in `language` from its structured
    reasons (a cross-check that failed keeps the words it was recorded with)."""
    texts = []
    for reason in result.get("incomplete_reasons") or []:
        status = str(reason.get("status"))
        if status in READ_STATUS_TEXT:
            nrc = reason.get("nrc")
            detail = reason.get("detail") if details else None
            texts.append(
                reason_text(
                    str(reason.get("ecu")),
                    str(reason.get("service")),
                    status,
                    None if nrc is None else str(nrc),
                    None if detail is None else str(detail),
                    language,
                )
            )
        else:
            texts.append(str(reason.get("reason")))
    if not texts and result.get("incomplete"):
        texts.append(str(result.get("error") or ""))
    return texts


def uds_status_text(status: str | int, language: str) -> str:
    """The status byte of a UDS trouble code in words: "warning lamp on, confirmed"."""
    value = int(status, 16) if isinstance(status, str) else status
    words = [_pick((en, zh), language) for bit, en, zh in UDS_STATUS_BITS if value & bit]
    if not words:
        return "无故障记录" if language == "zh" else "no fault recorded"
    return ("、" if language == "zh" else ", ").join(words)


@cache
def _pid_names_zh() -> dict[str, str]:
    names: dict[str, str] = load_json(PID_NAMES_FIXTURE)["zh"]
    return names


def pid_name(pid: str, language: str, english: str) -> str:
    """A mode 01 PID's name in `language`: the decoders name it in English, the Chinese
    comes from fixtures/pid_names.json (the English stays for a PID it lacks)."""
    if language != "zh":
        return english
    return _pid_names_zh().get(pid.upper(), english)


def battery_lines(battery: Mapping[str, Any], language: str) -> list[tuple[str, str]]:
    """The traction battery block as (label, value with unit) lines, in a fixed order."""
    lines = []
    for key, en, zh, unit in BATTERY_FIELDS:
        value = battery.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            lines.append((_pick((en, zh), language), f"{value:g} {unit}"))
    return lines


@dataclass(frozen=True)
class CodeComparison:
    """What the post-repair rescan says about the codes of the pre-repair scan."""

    cleared: tuple[str, ...]
    remaining: tuple[str, ...]
    new: tuple[str, ...]
    # Kept by the car as permanent codes although no longer active: a clear cannot
    # erase them, they go by themselves after the car has driven without the fault.
    permanent_only: tuple[str, ...] = ()
    # Gone from the rescan only because their control unit was not read completely.
    not_checked: tuple[str, ...] = ()


def scan_codes(
    result: Mapping[str, Any], kinds: tuple[str, ...] = ("stored", "pending")
) -> set[str]:
    return {
        dtc["code"]
        for ecu in result.get("ecus", [])
        for dtc in ecu.get("dtcs", [])
        if dtc.get("kind") in kinds
    }


def codes_by_ecu(
    result: Mapping[str, Any], kinds: tuple[str, ...] = ("stored", "pending")
) -> dict[str, set[str]]:
    """Code -> the control units that reported it."""
    found: dict[str, set[str]] = {}
    for ecu in result.get("ecus", []):
        for dtc in ecu.get("dtcs", []):
            if dtc.get("kind") in kinds:
                found.setdefault(dtc["code"], set()).add(str(ecu.get("id")))
    return found


def ecus_read_completely(result: Mapping[str, Any]) -> set[str]:
    """Control units whose stored, pending and permanent codes this scan read to the end.

    Each unit's own reads say it (`codes_read_completely`); for a scan kept before
    reads were recorded, a scan cut short (`incomplete`) read none of them for
    certain. A unit that did not answer at all is not in the scan.
    """
    read = set()
    for ecu in result.get("ecus", []):
        complete = codes_read_completely(ecu)
        if complete is None:
            complete = not result.get("incomplete")
        if complete:
            read.add(str(ecu.get("id")))
    return read


def compare_scans(before: Mapping[str, Any], after: Mapping[str, Any]) -> CodeComparison:
    """Codes gone, codes still there, codes that came back or appeared (stored and pending),
    codes not checked because their unit was not read completely, and the permanent
    records the car keeps until it has driven without the fault."""
    pre, post = codes_by_ecu(before), scan_codes(after)
    permanent = scan_codes(after, ("permanent",)) - post
    read = ecus_read_completely(after)
    gone = set(pre) - post - permanent
    cleared = {code for code in gone if pre[code] <= read}
    return CodeComparison(
        cleared=tuple(sorted(cleared)),
        remaining=tuple(sorted(set(pre) & post)),
        new=tuple(sorted(post - set(pre))),
        permanent_only=tuple(sorted(permanent)),
        not_checked=tuple(sorted(gone - cleared)),
    )


class OtherVehicle(InvalidInput):
    """The car that answered is not the work order's: its scan is kept only when confirmed."""

    def __init__(self, scanned_vin: str, expected_vin: str) -> None:
        super().__init__(
            f"the car scanned has VIN {scanned_vin}, the work order's car has {expected_vin}: "
            "scan the right car, or confirm that this scan belongs to this work order"
        )
        self.scanned_vin = scanned_vin
        self.expected_vin = expected_vin
        self.key = "scan.other_vehicle"  # said in the screen's language by ui/errors.py
        self.params = {"scanned": scanned_vin, "expected": expected_vin}


def vin_mismatch(scanned: str | None, expected: str | None) -> bool:
    """Both VINs known and different (a car that gives no VIN is not a different car)."""
    if not scanned or not expected:
        return False
    return scanned.strip().upper() != expected.strip().upper()


def record_scan(
    workshop: Workshop,
    actor: Actor,
    wo_id: int,
    stage: str,
    result: Mapping[str, Any],
    confirm_other_vin: bool = False,
) -> Created:
    """Keep one scan (the `station scan --json` object) with its trouble codes.

    A scan whose VIN is not the work order's car is refused unless the technician
    confirms it; the confirmation is kept in the audit event.
    """
    require(actor.role, "work_order.diagnose")
    if stage not in STAGES:
        raise InvalidInput(f"unknown scan stage {stage!r}; use pre or post", key="scan.malformed")
    if not isinstance(result.get("ecus"), list):
        raise InvalidInput("a scan result lists its ECUs", key="scan.malformed")
    with workshop.store.transaction(actor.name) as tx:
        vehicle = tx.execute(
            "SELECT v.vin FROM work_orders w JOIN vehicles v ON v.id = w.vehicle_id WHERE w.id = ?",
            (wo_id,),
        ).fetchone()
        if vehicle is None:
            raise NotFound(f"work order {wo_id} does not exist", key="record.not_found")
        scanned = result.get("vin")
        other = vin_mismatch(scanned, vehicle[0])
        if other and not confirm_other_vin:
            raise OtherVehicle(str(scanned), str(vehicle[0]))
        row = {
            "work_order_id": wo_id,
            "stage": stage,
            "vin": scanned,
            "protocol": result.get("protocol"),
            "incomplete": int(bool(result.get("incomplete"))),
            "error": result.get("error"),
            "result": json.dumps(result, ensure_ascii=False, sort_keys=True),
            "at": tx.at,
            "recorded_by": actor.user_id,
        }
        scan_id = tx.insert("scans", row)
        codes = []
        for ecu in result["ecus"]:
            for dtc in ecu.get("dtcs", []):
                if dtc.get("kind") not in DTC_KINDS:
                    raise InvalidInput(
                        f"unknown trouble-code kind {dtc.get('kind')!r}", key="scan.malformed"
                    )
                code_row = {
                    "scan_id": scan_id,
                    "ecu": str(ecu.get("id")),
                    "code": dtc["code"],
                    "kind": dtc["kind"],
                    "description": dtc.get("description"),
                }
                tx.insert("scan_dtcs", code_row)
                codes.append(code_row)
            for service, read in sorted((ecu.get("reads") or {}).items()):
                if read.get("status") not in READ_STATUSES:
                    raise InvalidInput(
                        f"unknown read status {read.get('status')!r}", key="scan.malformed"
                    )
                tx.insert(
                    "scan_reads",
                    {
                        "scan_id": scan_id,
                        "ecu": str(ecu.get("id")),
                        "service": str(service),
                        "status": read["status"],
                        "nrc": read.get("nrc"),
                        "detail": read.get("detail"),
                    },
                )
        audit = {k: v for k, v in row.items() if k != "result"} | {"codes": codes}
        if other:
            audit["other_vin_confirmed"] = {"scanned": scanned, "work_order": vehicle[0]}
        tx.record("diagnostics.scan_recorded", "scan", scan_id, audit)
    return Created(scan_id)


def latest_scan(workshop: Workshop, wo_id: int, stage: str) -> dict[str, Any] | None:
    row = workshop.store.query_one(
        "SELECT * FROM scans WHERE work_order_id = ? AND stage = ? ORDER BY id DESC LIMIT 1",
        (wo_id, stage),
    )
    if row is not None:
        row["result"] = json.loads(row["result"])
    return row


class CodesAtRisk(InvalidInput):
    """A clear would erase codes whose fault was not repaired: they are named first."""

    def __init__(self, codes: tuple[CodeAtRisk, ...]) -> None:
        reasons = {
            "declined": "declined by the customer",
            "not_decided": "waiting for the customer's decision",
            "not_repaired": "not repaired",
        }
        named = "; ".join(f"{c.code} ({reasons[c.reason]})" for c in codes)
        super().__init__(
            f"clearing would erase codes whose fault is still there: {named}. "
            "Confirm these codes to clear them anyway; the report still says they are not repaired"
        )
        self.codes = codes
        self.key = "clear.codes_at_risk"  # said in the screen's language by ui/errors.py
        self.params = {"codes": ", ".join(c.code for c in codes)}


def codes_at_risk_on_clear(workshop: Workshop, wo_id: int) -> tuple[CodeAtRisk, ...]:
    """The stored and pending codes of the first scan a clear would erase unrepaired."""
    pre = latest_scan(workshop, wo_id, "pre")
    if pre is None:
        return ()
    findings = [f for f in workshop.findings(wo_id) if f.get("standing", "active") == "active"]
    done = work_done.done_findings(workshop.job_records(wo_id))
    return codes_at_risk(scan_codes(pre["result"]), findings, done)


def authorise_code_clear(
    workshop: Workshop,
    actor: Actor,
    wo_id: int,
    ecus: list[str],
    confirmed: bool,
    accept_at_risk: tuple[str, ...] = (),
) -> Created:
    """Record the confirmed decision to clear codes, before the driver sends service 04.

    Clearing erases evidence in the car, so it needs a permitted role and an
    explicit confirmation, and the decision is audited even if the clear fails.
    Codes whose fault was declined or not repaired are named first (`CodesAtRisk`)
    and cleared only when the technician accepts each of them by code.
    """
    require(actor.role, "dtc.clear")
    if not confirmed:
        raise InvalidInput(
            "clearing trouble codes needs an explicit confirmation", key="clear.needs_confirmation"
        )
    workshop.work_order(wo_id)
    at_risk = codes_at_risk_on_clear(workshop, wo_id)
    unaccepted = tuple(c for c in at_risk if c.code not in accept_at_risk)
    if unaccepted:
        raise CodesAtRisk(unaccepted)
    with workshop.store.transaction(actor.name) as tx:
        row = {
            "work_order_id": wo_id,
            "ecus": json.dumps(ecus),
            "confirmed_by": actor.user_id,
            "at": tx.at,
        }
        clear_id = tx.insert("code_clears", row)
        tx.record(
            "diagnostics.codes_cleared",
            "code_clear",
            clear_id,
            row | {"unrepaired_accepted": [{"code": c.code, "reason": c.reason} for c in at_risk]},
        )
    return Created(clear_id)
