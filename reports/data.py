"""What the report says, gathered from the store into one pure, hashable `ReportData`.

`assemble` reads everything once; rendering never touches the store. Every text
is already in the customer's language, every list has a stable order and the
date is the work order's own, so the same stored data gives the same
`ReportData`, the same `data_sha256` and (see render.py) the same PDF bytes.

The data hash: SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of
`dataclasses.asdict(data)`. Photos and signatures enter it by the SHA-256 of
their stored originals, so the hash also binds the evidence.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from reports import texts
from reports.live_plot import LiveRecordingLine, recording_lines
from station import adjustment, diagnostics, profile, truth, work_done
from station import alignment as alignment_store
from station.audit import canonical_json
from station.checklists import load_template, remaining_life_km
from station.diagnostics import compare_scans, latest_scan, live_recordings
from station.errors import InvalidInput
from station.findings import ApprovalState, format_money
from station.fixtures import load_json
from station.photos import Photo, PhotoStore, Stage, photos_folder
from station.service_plan import next_service
from station.store import timestamp
from station.vehicles import Powertrain
from station.workshop import Workshop

log = logging.getLogger(__name__)

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8443"
REPORT_ID_NAMESPACE = uuid.UUID("6f1d3c52-8a0e-4b8e-9a53-2f6c1b7e4d10")


@dataclass(frozen=True)
class PhotoRef:
    sha256: str  # of the stored original (or annotated copy): what the hash binds
    stage: str
    caption: str  # in the report's language, from what the photo shows
    width: int
    height: int


@dataclass(frozen=True)
class PhotoPair:
    before: PhotoRef
    after: PhotoRef


@dataclass(frozen=True)
class WorkItem:
    """A job of this visit; only a `done` job is work done (see `station.truth.job_state`)."""

    description: str
    extra: bool
    state: str  # done, in_progress, not_started
    technicians: tuple[str, ...]
    minutes: int
    finished: str  # when the last clock entry ended, "" unless done
    photo_pairs: tuple[PhotoPair, ...]


@dataclass(frozen=True)
class QualityLine:
    """One quality check as recorded: a second tap records nothing, so it is never here twice."""

    passed: bool
    note: str
    by: str
    at: str


@dataclass(frozen=True)
class FindingLine:
    title: str
    severity: str
    measured: str
    meaning: str
    action: str
    price: str
    state: str  # pending, approved, declined, or repaired once its job is done
    after: str  # after the repair: the new measurement or "replaced"; "" otherwise


@dataclass(frozen=True)
class CodeLine:
    ecu: str
    code: str
    kind: str
    text: str


@dataclass(frozen=True)
class UdsCodeLine:
    """A code from a control unit's own fault memory (UDS), its status byte in words."""

    ecu: str
    code: str
    status: str
    text: str


@dataclass(frozen=True)
class BatteryBlock:
    ecu: str
    lines: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ScanSummary:
    stage: str
    at: str
    codes: tuple[CodeLine, ...]
    incomplete: bool = False
    other_vin: str = ""  # the VIN the car answered with, when the technician confirmed another
    uds_codes: tuple[UdsCodeLine, ...] = ()
    batteries: tuple[BatteryBlock, ...] = ()
    reasons: tuple[str, ...] = ()  # what was not read, in the report's language


@dataclass(frozen=True)
class CodeVerdictLine:
    verdict: str  # a `station.truth.CodeVerdict`
    codes: tuple[str, ...]


@dataclass(frozen=True)
class AlignmentLine:
    position: str
    quantity: str
    spec: str
    before: str
    before_rating: str | None
    before_out: str | None  # "0.35°" beyond the limit, None when within it
    after: str
    after_rating: str | None
    after_out: str | None


@dataclass(frozen=True)
class MeasurementLine:
    item: str
    value: str
    rating: str | None  # None once replaced and not measured again: no rating is true
    life: str


@dataclass(frozen=True)
class ApprovalLine:
    finding: str
    decision: str
    customer: str
    channel: str
    at: str
    signature_sha256: str | None


@dataclass(frozen=True)
class SignatureDrawing:
    sha256: str
    width: int
    height: int
    strokes: tuple[tuple[tuple[float, float], ...], ...]


@dataclass(frozen=True)
class Totals:
    """Money of the extra work, already formatted in the workshop's currency."""

    done: str
    not_done: str | None
    declined: str | None
    waiting: str | None
    tax_rate: str
    tax: str
    payable: str


@dataclass(frozen=True)
class ReportData:
    report_id: str
    version: int
    language: str
    issued_at: str  # "2026-11-30 22:05 (UTC+08:00)": when issued, on the workshop's clock
    issued_instant: str  # the same moment in UTC, to the millisecond: the PDF's dates
    public_url: str  # the customer's page for this work order, "" before the cloud knows it
    workshop: dict[str, str]  # name, address, phone, tax_id, logo_sha256
    people: dict[str, str]  # advisor, technicians
    station_id: str
    work_order: dict[str, str]
    vehicle: dict[str, str]
    customer: dict[str, str]
    summary: dict[str, int]
    work_done: tuple[WorkItem, ...]
    findings: tuple[FindingLine, ...]
    totals: Totals
    scans: tuple[ScanSummary, ...]
    code_verdicts: tuple[CodeVerdictLine, ...]
    alignment: tuple[AlignmentLine, ...]
    measurements: tuple[MeasurementLine, ...]
    next_service: str
    approvals: tuple[ApprovalLine, ...]
    signatures: tuple[SignatureDrawing, ...]
    photos: tuple[PhotoRef, ...]
    live_recordings: tuple[LiveRecordingLine, ...] = ()
    alignment_note: str = ""  # said under the alignment when no adjustment was approved
    quality_checks: tuple[QualityLine, ...] = ()

    @property
    def number(self) -> str:
        """The short report number printed on every page: work order and version."""
        return f"{self.work_order['number']}-v{self.version}"

    def to_json(self) -> str:
        return canonical_json(asdict(self))


def data_sha256(data: ReportData) -> str:
    """The report's content hash, printed on every page (see the module docstring)."""
    return hashlib.sha256(data.to_json().encode("utf-8")).hexdigest()


def report_id(station_id: str, wo_number: str, version: int) -> str:
    """Stable and unique across stations: the cloud stores the report under this id."""
    return str(uuid.uuid5(REPORT_ID_NAMESPACE, f"{station_id}/{wo_number}/v{version}"))


def next_version(workshop: Workshop, wo_id: int) -> int:
    return workshop.next_report_version(wo_id)


def photo_store(workshop: Workshop) -> PhotoStore:
    """The station's photos, in `photos/` beside the database."""
    if workshop.store.path is None:
        raise InvalidInput("the store has no folder, so it has no photos")
    return PhotoStore(workshop.store, photos_folder(Path(workshop.store.path).parent))


def customer_page_url(public_base_url: str, public_id: str | None) -> str:
    """The customer's page for a work order at the workshop's public address ("" when unknown).

    The cloud names a work order's page when it first receives it; until the
    station has synced, there is no page to point at.
    """
    if not public_id or not public_base_url:
        return ""
    return f"{public_base_url.rstrip('/')}/v1/track/{public_id}"


def assemble(
    workshop: Workshop,
    wo_id: int,
    language: str | None = None,
    version: int | None = None,
    public_base_url: str = DEFAULT_PUBLIC_URL,
    issued_at: datetime | None = None,
    advisor_id: int | None = None,
) -> ReportData:
    """Everything the report shows about one work order, in one language.

    The language is the customer's unless one is asked for, and the workshop's
    default for a customer who never said. `advisor_id` is who issues the report;
    a preview names the advisor who opened the work order.
    """
    wo = workshop.work_order(wo_id)
    vehicle = workshop.vehicle(wo["vehicle_id"])
    customer = workshop.customer(wo["customer_id"]) or {}
    shop = profile.current(workshop.store)
    lang = language or workshop.customer_language(wo_id)
    if lang not in texts.LANGUAGES:
        raise InvalidInput(f"unknown report language {lang!r}; use zh or en")
    version = version or next_version(workshop, wo_id)
    station_id = workshop.store.meta("station_id") or "station"
    rid = report_id(station_id, wo["number"], version)
    check_in = workshop.latest_check_in(wo_id)
    mileage = check_in["mileage_km"] if check_in else workshop.last_mileage(vehicle["id"])
    moment = issued_at or workshop.store.clock()
    adjusted = adjustment.adjustment_state(workshop, wo_id)
    zone = profile.local_zone(shop)
    issued_on = moment.astimezone(zone).date().isoformat()
    jobs = workshop.job_records(wo_id)
    done_findings = work_done.done_findings(jobs)
    every_finding = workshop.findings(wo_id)
    findings = [f for f in every_finding if _active(f)]
    photos = photo_store(workshop)
    titles = _item_titles(workshop, wo_id, lang)
    now_of = _findings_now(every_finding)
    own_titles = {f["id"]: texts.pick_language(f["title"], lang) for f in every_finding}
    finding_titles = {fid: own_titles[now] for fid, now in now_of.items()}
    after_repair = _after_repair(workshop, findings, done_findings)
    measurements, summary = _measurements(workshop, wo_id, lang, after_repair)
    logo = profile.logo_bytes(workshop.store, shop)
    return ReportData(
        report_id=rid,
        version=version,
        language=lang,
        issued_at=profile.local_time_text(moment, zone),
        issued_instant=timestamp(moment),
        public_url=customer_page_url(public_base_url, workshop.public_id(wo_id)),
        workshop={
            "name": shop.name,
            "address": shop.address,
            "phone": shop.phone,
            "tax_id": shop.tax_id,
            "logo_sha256": hashlib.sha256(logo).hexdigest() if logo else "",
        },
        people={
            "advisor": workshop.display_name(advisor_id or wo["created_by"]),
            "technicians": ", ".join(
                dict.fromkeys(
                    name
                    for j in jobs
                    if j.state is truth.JobState.DONE
                    for name in truth.technicians(j.spans)
                )
            ),
        },
        station_id=station_id,
        work_order={
            "number": wo["number"],
            "bay": wo["bay"] or "",
            "complaint": texts.pick_language(wo["complaint"] or "", lang),
            "checked_in": _to_minute(check_in["recorded_at"], zone) if check_in else "",
        },
        vehicle={
            "vin": vehicle["vin"] or "",
            "plate": vehicle["plate"] or "",
            "model": " ".join(
                str(p) for p in (vehicle["make"], vehicle["model"], vehicle["year"]) if p
            ),
            "powertrain": texts.powertrain(vehicle["powertrain"], lang),
            "mileage": f"{texts.thousands(mileage)} km" if mileage is not None else "",
        },
        customer={"name": customer.get("name") or "", "phone": customer.get("phone") or ""},
        summary=summary,
        work_done=_work_done(jobs, photos, wo_id, lang, titles, finding_titles, now_of, zone),
        findings=tuple(
            _finding_line(f, lang, shop.currency, f["id"] in done_findings, after_repair, workshop)
            for f in findings
        ),
        totals=_totals(findings, done_findings, shop),
        scans=_scans(workshop, wo_id, lang, zone, vehicle["vin"] or ""),
        code_verdicts=_code_verdicts(workshop, wo_id, findings),
        alignment=_alignment(workshop, wo_id, lang, adjusted.claimed),
        alignment_note=texts.label("alignment_not_approved", lang)
        if adjusted.after_taken and not adjusted.claimed
        else "",
        measurements=measurements,
        next_service=_next_service(workshop, wo, vehicle, mileage, issued_on, lang),
        approvals=_approvals(findings, lang, zone),
        signatures=_signatures(workshop, findings),
        photos=_other_photos(photos, wo_id, lang, titles, finding_titles),
        live_recordings=recording_lines(live_recordings(workshop, wo_id), lang),
        quality_checks=tuple(
            QualityLine(
                bool(q["passed"]),
                texts.pick_language(q["note"], lang),
                q["checked_by_name"],
                _to_minute(q["at"], zone),
            )
            for q in workshop.quality_checks(wo_id)
        ),
    )


def _active(finding: dict[str, Any]) -> bool:
    """Withdrawn and superseded findings stay on record but are no longer said to the customer."""
    return str(finding.get("standing", truth.Standing.ACTIVE.value)) == truth.Standing.ACTIVE.value


# -- sections -------------------------------------------------------------------


def _to_minute(at: Any, zone: tzinfo) -> str:
    """A stored UTC timestamp on the workshop's clock, as the customer reads it: "2024-05-06 22:05"."""
    moment = datetime.fromisoformat(str(at).replace("Z", "+00:00"))
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def _findings_now(every_finding: list[dict[str, Any]]) -> dict[int, int]:
    """Finding id -> the finding the customer is shown for it now: a superseded finding's
    photos go with the finding that replaced it; a withdrawn one is not here (not shown)."""
    standings = {f["id"]: (f["standing"], f["replaced_by"]) for f in every_finding}
    shown = {}
    for finding in every_finding:
        now = truth.finding_now(finding["id"], standings)
        if now is not None:
            shown[finding["id"]] = now
    return shown


def _item_titles(workshop: Workshop, wo_id: int, lang: str) -> dict[str, str]:
    """Checklist item key -> its title in the report's language, for this visit's checklists."""
    titles: dict[str, str] = {}
    for checklist in workshop.checklists(wo_id):
        template = load_template(checklist["template_id"], checklist["template_version"])
        for item in template.items:
            titles.setdefault(item.key, item.title.in_language(lang))
    return titles


def _caption(
    photo: Photo, lang: str, titles: dict[str, str], finding_titles: dict[int, str], paired: bool
) -> str:
    """What the photo shows, in the report's language.

    A before/after pair sits under its job, so its caption is the item only: the
    finding's title ("worn to 2.6 mm") would be false under the after photo. A
    typed note is kept when it is written in the report's language and is not a key.
    """
    parts = []
    if photo.item_key and photo.item_key in titles:
        parts.append(titles[photo.item_key])
    elif photo.finding_id in finding_titles and not paired:
        parts.append(finding_titles[photo.finding_id])
    elif photo.stage is Stage.WALK_AROUND:
        parts.append(texts.label("walk_around", lang))
    note = texts.pick_language(photo.caption.strip(), lang)
    raw = note.lower().replace("-", "_").replace(" ", "_")
    is_key = raw in titles or raw in {s.value for s in Stage}
    if note and not is_key and texts.has_cjk(note) == (lang == "zh"):
        parts.append(note)
    return " · ".join(parts)


def _photo_ref(
    photos: PhotoStore,
    photo: Photo,
    lang: str,
    titles: dict[str, str],
    finding_titles: dict[int, str],
    paired: bool = False,
) -> PhotoRef:
    """The latest annotated copy of a photo where there is one: it shows what was marked."""
    shown = (photos.annotations_of(photo.id) or [photo])[-1]
    caption = _caption(photo, lang, titles, finding_titles, paired)
    return PhotoRef(shown.sha256, photo.stage.value, caption, shown.width, shown.height)


def _work_done(
    jobs: list[work_done.JobRecord],
    photos: PhotoStore,
    wo_id: int,
    lang: str,
    titles: dict[str, str],
    finding_titles: dict[int, str],
    now_of: dict[int, int],
    zone: tzinfo,
) -> tuple[WorkItem, ...]:
    """Every job with its state; photos go with the job of their finding (or of the finding
    that superseded it), never elsewhere."""
    pairs_by_finding: dict[int, list[PhotoPair]] = {}
    for before, after in photos.before_after(wo_id):
        if before.finding_id is None or before.finding_id not in now_of:
            continue
        pair = PhotoPair(
            _photo_ref(photos, before, lang, titles, finding_titles, paired=True),
            _photo_ref(photos, after, lang, titles, finding_titles, paired=True),
        )
        pairs_by_finding.setdefault(now_of[before.finding_id], []).append(pair)
    items = []
    for job in jobs:
        finding_id = job.finding_id
        done = job.state is truth.JobState.DONE
        items.append(
            WorkItem(
                description=texts.pick_language(job.row["description"], lang),
                extra=finding_id is not None,
                state=job.state.value,
                technicians=truth.technicians(job.spans),
                minutes=truth.minutes_worked(job.spans),
                finished=_to_minute(max(str(sp.ended_at) for sp in job.spans), zone)
                if done
                else "",
                photo_pairs=tuple(pairs_by_finding.get(finding_id, []))
                if done and finding_id is not None
                else (),
            )
        )
    return tuple(items)


def _other_photos(
    photos: PhotoStore,
    wo_id: int,
    lang: str,
    titles: dict[str, str],
    finding_titles: dict[int, str],
) -> tuple[PhotoRef, ...]:
    """Walk-around photos and photos not shown with a finished job; never the photos of a
    withdrawn finding."""
    shown_with_jobs = {
        p.id for pair in photos.before_after(wo_id) for p in pair if pair[0].finding_id is not None
    }
    return tuple(
        _photo_ref(photos, p, lang, titles, finding_titles)
        for p in photos.for_work_order(wo_id)
        if p.original_id is None
        and p.id not in shown_with_jobs
        and (p.finding_id is None or p.finding_id in finding_titles)
    )


@dataclass(frozen=True)
class _Repaired:
    """A checklist item whose finding was repaired: its new reading, or none (replaced)."""

    value: float | None
    unit: str
    rating: str | None
    old_value: float | None


def _after_repair(
    workshop: Workshop,
    findings: list[dict[str, Any]],
    done_findings: set[int],
) -> dict[tuple[int, str], _Repaired]:
    """(checklist id, item key) -> the item after the repair, for items whose finding was done."""
    repaired: dict[tuple[int, str], _Repaired] = {}
    for finding in findings:
        if finding["id"] not in done_findings or finding["source_kind"] != "checklist":
            continue
        source = workshop.checklist_result(int(finding["source_ref"]))
        if source is None:
            continue
        latest = workshop.checklist_results(source["checklist_id"])[source["item_key"]]
        state = truth.item_after_repair(
            repaired=True,
            measured_again=latest["id"] > source["id"] and latest["value"] is not None,
        )
        measured = state is truth.ItemState.MEASURED_AFTER
        repaired[(source["checklist_id"], source["item_key"])] = _Repaired(
            value=float(latest["value"]) if measured else None,
            unit=str(latest["unit"] or source["unit"] or ""),
            rating=str(latest["rating"]) if measured else None,
            old_value=source["value"],
        )
    return repaired


def _after_text(repaired: _Repaired, lang: str) -> str:
    if repaired.value is None:
        return texts.label("replaced", lang)
    return f"{repaired.value:g} {repaired.unit}".strip()


def _finding_line(
    finding: dict[str, Any],
    lang: str,
    currency: str,
    done: bool,
    after_repair: dict[tuple[int, str], _Repaired],
    workshop: Workshop,
) -> FindingLine:
    measured = ""
    if finding["measurement_value"] is not None:
        measured = f"{finding['measurement_value']:g} {finding['measurement_unit'] or ''}".strip()
    meaning = [texts.label(finding["severity"], lang)]
    if finding["source_kind"] == "dtc" and finding["source_ref"]:
        code = finding["source_ref"]
        meaning.insert(0, texts.label("code_meaning", lang, code=code, text=code_text(code, lang)))
    if finding["remaining_life_km"] is not None and not done:
        meaning.append(_life(finding["remaining_life_km"], lang))
    after = ""
    if done and finding["source_kind"] == "checklist":
        source = workshop.checklist_result(int(finding["source_ref"]))
        item = after_repair.get((source["checklist_id"], source["item_key"])) if source else None
        if item is not None:
            after = _after_text(item, lang)
    return FindingLine(
        title=texts.pick_language(finding["title"], lang),
        severity=finding["severity"],
        measured=measured,
        meaning=" ".join(meaning),
        action=texts.pick_language(finding["recommended_job"] or "", lang),
        price=format_money(finding["total_cents"], currency),
        state="repaired" if done else finding["state"],
        after=after,
    )


def _totals(
    findings: list[dict[str, Any]], done_findings: set[int], shop: profile.Profile
) -> Totals:
    money = truth.totals(
        [(f["state"], f["total_cents"], f["id"] in done_findings) for f in findings],
        shop.tax_rate_bp,
    )

    def shown(cents: int) -> str | None:
        return format_money(cents, shop.currency) if cents else None

    return Totals(
        done=format_money(money.done_cents, shop.currency),
        not_done=shown(money.not_done_cents),
        declined=shown(money.declined_cents),
        waiting=shown(money.waiting_cents),
        tax_rate=shop.tax_rate_text,
        tax=format_money(money.tax_cents, shop.currency),
        payable=format_money(money.payable_cents, shop.currency),
    )


def _life(km: int, lang: str) -> str:
    return (
        texts.label("life_left", lang, km=texts.thousands(km))
        if km > 0
        else texts.label("life_none", lang)
    )


def code_text(code: str, lang: str, fallback: str | None = None) -> str:
    """A trouble code in plain words, from the station's code texts."""
    entry = _code_texts().get(code.upper())
    if entry:
        return str(entry.get(lang) or entry.get("en"))
    return fallback or texts.label("unknown_code", lang)


def _code_texts() -> dict[str, dict[str, str]]:
    codes: dict[str, dict[str, str]] = load_json("dtc_texts.json")["codes"]
    return codes


def _scans(
    workshop: Workshop, wo_id: int, lang: str, zone: tzinfo, vin: str
) -> tuple[ScanSummary, ...]:
    """Each stage's latest scan; one that read another VIN (kept on the technician's audited
    confirmation) says so, since its codes may not be this car's."""
    summaries = []
    for stage in ("pre", "post"):
        scan = latest_scan(workshop, wo_id, stage)
        if scan is None:
            continue
        codes = sorted(
            (
                CodeLine(
                    ecu=texts.ecu_name(ecu.get("name"), str(ecu.get("id")), lang),
                    code=str(dtc["code"]),
                    kind=str(dtc.get("kind")),
                    text=code_text(str(dtc["code"]), lang, dtc.get("description")),
                )
                for ecu in scan["result"].get("ecus", [])
                for dtc in ecu.get("dtcs", [])
            ),
            key=lambda c: (c.ecu, c.code, c.kind),
        )
        read = str(scan["vin"] or "").strip().upper()
        result = scan["result"]
        ecus = result.get("ecus", [])
        uds_codes = sorted(
            (
                UdsCodeLine(
                    ecu=texts.ecu_name(ecu.get("name"), str(ecu.get("id")), lang),
                    code=str(dtc["code"]),
                    status=diagnostics.uds_status_text(str(dtc["status"]), lang),
                    text=code_text(str(dtc["code"])[:5], lang, dtc.get("description")),
                )
                for ecu in ecus
                for dtc in ecu.get("uds_dtcs") or []
            ),
            key=lambda c: (c.ecu, c.code),
        )
        batteries = tuple(
            BatteryBlock(
                texts.ecu_name(ecu.get("name"), str(ecu.get("id")), lang),
                tuple(diagnostics.battery_lines(ecu["battery"], lang)),
            )
            for ecu in ecus
            if ecu.get("battery")
        )
        summaries.append(
            ScanSummary(
                stage,
                _to_minute(scan["at"], zone),
                tuple(codes),
                bool(scan["incomplete"]),
                read if read and vin and read != vin.upper() else "",
                uds_codes=tuple(uds_codes),
                batteries=batteries,
                reasons=tuple(diagnostics.incomplete_reason_texts(result, lang, details=False))
                if scan["incomplete"]
                else (),
            )
        )
    return tuple(summaries)


def _code_verdicts(
    workshop: Workshop, wo_id: int, findings: list[dict[str, Any]]
) -> tuple[CodeVerdictLine, ...]:
    """What became of each code of the first scan, by the rules of `station.truth`."""
    pre, post = latest_scan(workshop, wo_id, "pre"), latest_scan(workshop, wo_id, "post")
    if pre is None or post is None:
        return ()
    declined = {
        str(f["source_ref"])
        for f in findings
        if f["source_kind"] == "dtc" and f["state"] == ApprovalState.DECLINED.value
    }
    outcomes = truth.code_outcomes(compare_scans(pre["result"], post["result"]), declined)
    grouped: dict[str, list[str]] = {}
    for outcome in outcomes:
        grouped.setdefault(outcome.verdict.value, []).append(outcome.code)
    return tuple(CodeVerdictLine(verdict, tuple(codes)) for verdict, codes in grouped.items())


def _degrees(reading: alignment_store.RatedReading | None) -> str:
    return "" if reading is None else f"{reading.value_deg:+.2f}°"


def _rating(reading: alignment_store.RatedReading | None) -> str | None:
    return reading.rating.value if reading and reading.rating else None


def _alignment(
    workshop: Workshop, wo_id: int, lang: str, adjusted: bool
) -> tuple[AlignmentLine, ...]:
    """Before and after per place and angle, against the spec the rig session was rated with.

    The readings after an adjustment are shown only when the customer had approved
    the adjustment before they were taken (`station.adjustment`).
    """
    rated = alignment_store.load_alignment(workshop.store, wo_id)
    if rated is None:
        return ()
    keys: dict[tuple[str, str], None] = {}
    for r in rated.readings:
        keys[(r.position.value, r.quantity.value)] = None
    lines = []
    for position_key, quantity_key in keys:
        position = alignment_store.Position(position_key)
        quantity = alignment_store.Quantity(quantity_key)
        before = rated.reading(alignment_store.Phase.BEFORE, position, quantity)
        after = rated.reading(alignment_store.Phase.AFTER, position, quantity) if adjusted else None
        shown = before or after
        spec = shown.spec if shown else None
        lines.append(
            AlignmentLine(
                position=texts.position(position_key, lang).capitalize(),
                quantity=texts.alignment_quantity(quantity_key, lang),
                spec=f"{spec.minimum:+.2f}° … {spec.maximum:+.2f}°" if spec else "",
                before=_degrees(before),
                before_rating=_rating(before),
                before_out=_beyond(before),
                after=_degrees(after),
                after_rating=_rating(after),
                after_out=_beyond(after),
            )
        )
    return tuple(lines)


def _beyond(reading: alignment_store.RatedReading | None) -> str | None:
    if reading is None or not reading.beyond_limit_deg:
        return None
    return f"{reading.beyond_limit_deg:.2f}°"


def _measurements(
    workshop: Workshop,
    wo_id: int,
    lang: str,
    after_repair: dict[tuple[int, str], _Repaired],
) -> tuple[tuple[MeasurementLine, ...], dict[str, int]]:
    """Measured items as they stand now, and the summary bar counted the same way."""
    lines = []
    ratings: list[str] = []
    replaced = 0
    for checklist in workshop.checklists(wo_id):
        template = load_template(checklist["template_id"], checklist["template_version"])
        results = workshop.checklist_results(checklist["id"])
        for item in template.items:
            result = results.get(item.key)
            if result is None:
                continue
            repaired = after_repair.get((checklist["id"], item.key))
            if repaired is None:
                ratings.append(result["rating"])
            elif repaired.rating is None:
                replaced += 1
            else:
                ratings.append(repaired.rating)
            if item.measurement is None or (result["value"] is None and repaired is None):
                continue
            unit = result["unit"] or item.measurement.unit
            reading: float | None
            if repaired is None:
                reading = float(result["value"])
                shown, rating = f"{reading:g} {unit}", result["rating"]
            else:
                reading = repaired.value
                old = "" if repaired.old_value is None else f"{repaired.old_value:g} {unit} → "
                shown, rating = old + _after_text(repaired, lang), repaired.rating
            life = None if reading is None else remaining_life_km(item.measurement, reading)
            lines.append(
                MeasurementLine(
                    item=item.title.in_language(lang),
                    value=shown,
                    rating=rating,
                    life="" if life is None else _life(life, lang),
                )
            )
    return tuple(lines), truth.rating_counts(ratings, replaced)


def _next_service(
    workshop: Workshop,
    wo: dict[str, Any],
    vehicle: dict[str, Any],
    mileage: int | None,
    issued_on: str,
    lang: str,
) -> str:
    """As set at delivery; before delivery, the same rule from this visit's mileage and date."""
    due = workshop.next_service_due(vehicle["id"])
    if due is not None and due["work_order_id"] == wo["id"]:
        km, when = int(due["due_km"]), str(due["due_date"])
    else:
        plan = next_service(
            Powertrain(vehicle["powertrain"]), mileage or 0, date.fromisoformat(issued_on)
        )
        km, when = plan.km, plan.date.isoformat()
    return texts.label("next_service_text", lang, km=texts.thousands(km), date=when)


def _approvals(findings: list[dict[str, Any]], lang: str, zone: tzinfo) -> tuple[ApprovalLine, ...]:
    lines = []
    for finding in findings:
        for approval in finding["approvals"]:
            lines.append(
                ApprovalLine(
                    finding=texts.pick_language(finding["title"], lang),
                    decision=approval["decision"],
                    customer=approval["customer_name"],
                    channel=approval["channel"],
                    at=_to_minute(approval["at"], zone),
                    signature_sha256=approval["signature_ref"],
                )
            )
    return tuple(lines)


def _signatures(workshop: Workshop, findings: list[dict[str, Any]]) -> tuple[SignatureDrawing, ...]:
    refs = dict.fromkeys(
        a["signature_ref"] for f in findings for a in f["approvals"] if a["signature_ref"]
    )
    drawings = []
    for ref in refs:
        row = workshop.signature(ref)
        strokes = tuple(tuple((float(x), float(y)) for x, y in s) for s in row["strokes"])
        drawings.append(SignatureDrawing(ref, int(row["width"]), int(row["height"]), strokes))
    return tuple(drawings)
