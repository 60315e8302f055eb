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
from datetime import date
from pathlib import Path
from typing import Any

from reports import texts
from station import alignment as alignment_store
from station import profile
from station.audit import canonical_json
from station.checklists import load_template, remaining_life_km
from station.diagnostics import CodeComparison, compare_scans, latest_scan
from station.errors import InvalidInput
from station.findings import format_money
from station.fixtures import load_json
from station.photos import Photo, PhotoStore, Stage, photos_folder
from station.service_plan import next_service
from station.vehicles import Powertrain
from station.workshop import Workshop

log = logging.getLogger(__name__)

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8443"
REPORT_ID_NAMESPACE = uuid.UUID("6f1d3c52-8a0e-4b8e-9a53-2f6c1b7e4d10")


@dataclass(frozen=True)
class PhotoRef:
    sha256: str  # of the stored original (or annotated copy): what the hash binds
    stage: str
    caption: str
    width: int
    height: int


@dataclass(frozen=True)
class PhotoPair:
    before: PhotoRef
    after: PhotoRef


@dataclass(frozen=True)
class WorkItem:
    description: str
    extra: bool
    photo_pairs: tuple[PhotoPair, ...]


@dataclass(frozen=True)
class FindingLine:
    title: str
    severity: str
    measured: str
    meaning: str
    action: str
    price: str
    state: str


@dataclass(frozen=True)
class CodeLine:
    ecu: str
    code: str
    kind: str
    text: str


@dataclass(frozen=True)
class ScanSummary:
    stage: str
    at: str
    codes: tuple[CodeLine, ...]


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
    rating: str
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
class ReportData:
    report_id: str
    version: int
    language: str
    issued_on: str
    public_url: str
    workshop_name: str
    station_id: str
    work_order: dict[str, str]
    vehicle: dict[str, str]
    customer: dict[str, str]
    summary: dict[str, int]
    work_done: tuple[WorkItem, ...]
    findings: tuple[FindingLine, ...]
    scans: tuple[ScanSummary, ...]
    code_comparison: CodeComparison | None
    alignment: tuple[AlignmentLine, ...]
    measurements: tuple[MeasurementLine, ...]
    extras: tuple[str, ...]
    next_service: str
    approvals: tuple[ApprovalLine, ...]
    signatures: tuple[SignatureDrawing, ...]
    photos: tuple[PhotoRef, ...]

    def to_json(self) -> str:
        return canonical_json(asdict(self))


def data_sha256(data: ReportData) -> str:
    """The report's content hash, printed on every page (see the module docstring)."""
    return hashlib.sha256(data.to_json().encode("utf-8")).hexdigest()


def report_id(station_id: str, wo_number: str, version: int) -> str:
    """Stable and unique across stations: the cloud stores the report under this id."""
    return str(uuid.uuid5(REPORT_ID_NAMESPACE, f"{station_id}/{wo_number}/v{version}"))


def next_version(workshop: Workshop, wo_id: int) -> int:
    row = workshop.store.query_one(
        "SELECT COALESCE(MAX(version), 0) + 1 AS v FROM reports WHERE work_order_id = ?", (wo_id,)
    )
    return int(row["v"]) if row else 1


def photo_store(workshop: Workshop) -> PhotoStore:
    """The station's photos, in `photos/` beside the database."""
    if workshop.store.path is None:
        raise InvalidInput("the store has no folder, so it has no photos")
    return PhotoStore(workshop.store, photos_folder(Path(workshop.store.path).parent))


def assemble(
    workshop: Workshop,
    wo_id: int,
    language: str | None = None,
    version: int | None = None,
    public_url: str = DEFAULT_PUBLIC_URL,
    currency: str = "CNY",
) -> ReportData:
    """Everything the report shows about one work order, in one language."""
    wo = workshop.work_order(wo_id)
    vehicle = workshop.vehicle(wo["vehicle_id"])
    customer = (
        workshop.store.query_one("SELECT * FROM customers WHERE id = ?", (wo["customer_id"],)) or {}
    )
    lang = language or customer.get("language") or "zh"
    if lang not in texts.LANGUAGES:
        raise InvalidInput(f"unknown report language {lang!r}; use zh or en")
    version = version or next_version(workshop, wo_id)
    station_id = workshop.store.meta("station_id") or "station"
    rid = report_id(station_id, wo["number"], version)
    check_in = workshop.store.query_one(
        "SELECT * FROM check_ins WHERE work_order_id = ? ORDER BY id DESC LIMIT 1", (wo_id,)
    )
    mileage = check_in["mileage_km"] if check_in else workshop.last_mileage(vehicle["id"])
    issued_on = str(wo["status_since"])[:10]
    findings = workshop.findings(wo_id)
    photos = photo_store(workshop)
    return ReportData(
        report_id=rid,
        version=version,
        language=lang,
        issued_on=issued_on,
        public_url=f"{public_url.rstrip('/')}/v1/reports/{rid}",
        workshop_name=profile.current(workshop.store).name,
        station_id=station_id,
        work_order={
            "number": wo["number"],
            "bay": wo["bay"] or "",
            "complaint": texts.pick_language(wo["complaint"] or "", lang),
            "checked_in": _to_minute(check_in["recorded_at"]) if check_in else "",
        },
        vehicle={
            "vin": vehicle["vin"] or "",
            "plate": vehicle["plate"] or "",
            "model": " ".join(
                str(p) for p in (vehicle["make"], vehicle["model"], vehicle["year"]) if p
            ),
            "powertrain": vehicle["powertrain"],
            "mileage": f"{texts.thousands(mileage)} km" if mileage is not None else "",
        },
        customer={"name": customer.get("name") or "", "phone": customer.get("phone") or ""},
        summary=workshop.rating_summary(wo_id),
        work_done=_work_done(workshop, wo_id, photos, lang),
        findings=tuple(_finding_line(f, lang, currency) for f in findings),
        scans=_scans(workshop, wo_id, lang),
        code_comparison=_code_comparison(workshop, wo_id),
        alignment=_alignment(workshop, wo_id, lang),
        measurements=_measurements(workshop, wo_id, lang),
        extras=tuple(
            texts.pick_language(j["description"], lang)
            for j in workshop.jobs(wo_id)
            if j["finding_id"] is not None
        ),
        next_service=_next_service(workshop, wo, vehicle, mileage, issued_on, lang),
        approvals=_approvals(findings, lang),
        signatures=_signatures(workshop, findings),
        photos=_other_photos(photos, wo_id),
    )


# -- sections -------------------------------------------------------------------


def _to_minute(at: Any) -> str:
    """A stored ISO timestamp as the customer reads it: "2024-05-06 14:05"."""
    return str(at)[:16].replace("T", " ")


def _photo_ref(photos: PhotoStore, photo: Photo) -> PhotoRef:
    """The latest annotated copy of a photo where there is one: it shows what was marked."""
    shown = (photos.annotations_of(photo.id) or [photo])[-1]
    return PhotoRef(shown.sha256, photo.stage.value, shown.caption, shown.width, shown.height)


def _work_done(
    workshop: Workshop, wo_id: int, photos: PhotoStore, lang: str
) -> tuple[WorkItem, ...]:
    pairs_by_finding: dict[int | None, list[PhotoPair]] = {}
    for before, after in photos.before_after(wo_id):
        pair = PhotoPair(_photo_ref(photos, before), _photo_ref(photos, after))
        pairs_by_finding.setdefault(before.finding_id, []).append(pair)
    items = []
    for job in workshop.jobs(wo_id):
        pairs = pairs_by_finding.pop(job["finding_id"], []) if job["finding_id"] else []
        items.append(
            WorkItem(
                texts.pick_language(job["description"], lang),
                job["finding_id"] is not None,
                tuple(pairs),
            )
        )
    leftover = tuple(p for key in sorted(pairs_by_finding, key=str) for p in pairs_by_finding[key])
    if leftover:
        if items and not items[0].extra:
            items[0] = WorkItem(items[0].description, False, items[0].photo_pairs + leftover)
        else:
            items.append(WorkItem(texts.label("work_done", lang), False, leftover))
    return tuple(items)


def _other_photos(photos: PhotoStore, wo_id: int) -> tuple[PhotoRef, ...]:
    """Walk-around and unpaired photos (paired ones are shown with the work done)."""
    paired = {p.id for pair in photos.before_after(wo_id) for p in pair}
    return tuple(
        _photo_ref(photos, p)
        for p in photos.for_work_order(wo_id)
        if p.original_id is None and p.id not in paired and p.stage is not Stage.AFTER
    )


def _finding_line(finding: dict[str, Any], lang: str, currency: str) -> FindingLine:
    measured = ""
    if finding["measurement_value"] is not None:
        measured = f"{finding['measurement_value']:g} {finding['measurement_unit'] or ''}".strip()
    meaning = [texts.label(finding["severity"], lang)]
    if finding["source_kind"] == "dtc" and finding["source_ref"]:
        code = finding["source_ref"]
        meaning.insert(0, texts.label("code_meaning", lang, code=code, text=code_text(code, lang)))
    if finding["remaining_life_km"] is not None:
        meaning.append(_life(finding["remaining_life_km"], lang))
    return FindingLine(
        title=texts.pick_language(finding["title"], lang),
        severity=finding["severity"],
        measured=measured,
        meaning=" ".join(meaning),
        action=texts.pick_language(finding["recommended_job"] or "", lang),
        price=format_money(finding["total_cents"], currency),
        state=finding["state"],
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


def _scans(workshop: Workshop, wo_id: int, lang: str) -> tuple[ScanSummary, ...]:
    summaries = []
    for stage in ("pre", "post"):
        scan = latest_scan(workshop, wo_id, stage)
        if scan is None:
            continue
        codes = sorted(
            (
                CodeLine(
                    ecu=str(ecu.get("name") or ecu.get("id")),
                    code=str(dtc["code"]),
                    kind=str(dtc.get("kind")),
                    text=code_text(str(dtc["code"]), lang, dtc.get("description")),
                )
                for ecu in scan["result"].get("ecus", [])
                for dtc in ecu.get("dtcs", [])
            ),
            key=lambda c: (c.ecu, c.code, c.kind),
        )
        summaries.append(ScanSummary(stage, _to_minute(scan["at"]), tuple(codes)))
    return tuple(summaries)


def _code_comparison(workshop: Workshop, wo_id: int) -> CodeComparison | None:
    pre, post = latest_scan(workshop, wo_id, "pre"), latest_scan(workshop, wo_id, "post")
    if pre is None or post is None:
        return None
    return compare_scans(pre["result"], post["result"])


def _degrees(reading: alignment_store.RatedReading | None) -> str:
    return "" if reading is None else f"{reading.value_deg:+.2f}°"


def _rating(reading: alignment_store.RatedReading | None) -> str | None:
    return reading.rating.value if reading and reading.rating else None


def _alignment(workshop: Workshop, wo_id: int, lang: str) -> tuple[AlignmentLine, ...]:
    """Before and after per place and angle, against the spec the rig session was rated with."""
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
        after = rated.reading(alignment_store.Phase.AFTER, position, quantity)
        shown = before or after
        spec = shown.spec if shown else None
        lines.append(
            AlignmentLine(
                position=texts.position(position_key, lang),
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


def _measurements(workshop: Workshop, wo_id: int, lang: str) -> tuple[MeasurementLine, ...]:
    lines = []
    for checklist in workshop.store.query(
        "SELECT * FROM checklists WHERE work_order_id = ? ORDER BY id", (wo_id,)
    ):
        template = load_template(checklist["template_id"], checklist["template_version"])
        results = workshop.checklist_results(checklist["id"])
        for item in template.items:
            result = results.get(item.key)
            if result is None or result["value"] is None or item.measurement is None:
                continue
            value = float(result["value"])
            life = remaining_life_km(item.measurement, value)
            lines.append(
                MeasurementLine(
                    item=item.title.in_language(lang),
                    value=f"{value:g} {result['unit'] or item.measurement.unit}",
                    rating=result["rating"],
                    life="" if life is None else _life(life, lang),
                )
            )
    return tuple(lines)


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


def _approvals(findings: list[dict[str, Any]], lang: str) -> tuple[ApprovalLine, ...]:
    lines = []
    for finding in findings:
        for approval in finding["approvals"]:
            lines.append(
                ApprovalLine(
                    finding=texts.pick_language(finding["title"], lang),
                    decision=approval["decision"],
                    customer=approval["customer_name"],
                    channel=approval["channel"],
                    at=_to_minute(approval["at"]),
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
