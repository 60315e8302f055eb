"""Issuing a report: assemble, render, sign, keep the file, record its hash in the audit chain.

An issued report never changes: its file under `<data_dir>/reports/` is created
once (read-only) and its SHA-256 goes into the reports table, the audit chain
and the outbox. A correction is the next version, a new file.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reports import fonts
from reports.data import DEFAULT_PUBLIC_URL, ReportData, assemble, data_sha256, photo_store
from reports.errors import ReportError, ReportExists
from reports.keys import load_station_keys
from reports.photo_cache import PhotoCache
from reports.render import PhotoLoader, render_pdf
from reports.signing import sign_pdf
from station import profile
from station.config import Config
from station.files import sync_folder, write_new
from station.roles import require
from station.workshop import Actor, Workshop

log = logging.getLogger(__name__)

REPORTS_FOLDER = "reports"
CACHE_FOLDER = "cache/report-photos"


@dataclass(frozen=True)
class IssuedReport:
    path: Path
    sha256: str  # of the signed file: what the audit chain records
    data_sha256: str  # of the report data: what every page shows
    version: int
    report_id: str
    language: str
    record_id: int


@dataclass(frozen=True)
class ReportSettings:
    """What the configuration says about reports; defaults work offline."""

    public_url: str = DEFAULT_PUBLIC_URL  # the cloud's public address, where customers look
    timestamp_url: str | None = None
    font_files: fonts.FontFiles | None = None

    @classmethod
    def from_config(cls, config: Config) -> ReportSettings:
        return cls(
            public_url=str(config.get("cloud.public_url", DEFAULT_PUBLIC_URL)),
            timestamp_url=config.get("signing.timestamp_url") or None,
            font_files=fonts.find_fonts(
                config.get("report.cjk_font"),
                config.get("report.latin_font"),
                config.get("report.latin_bold_font"),
            ),
        )


def photo_loader(workshop: Workshop, data_dir: Path) -> PhotoLoader:
    """Scaled photos from the station's photo store, through the cache in the data folder."""
    photos = photo_store(workshop)

    cache = PhotoCache(Path(data_dir) / CACHE_FOLDER, photos.read, workshop.photo_size)
    return cache.scaled


def render_report(
    workshop: Workshop,
    wo_id: int,
    data_dir: Path,
    language: str | None = None,
    version: int | None = None,
    settings: ReportSettings | None = None,
    issued_at: datetime | None = None,
    advisor_id: int | None = None,
) -> tuple[ReportData, bytes]:
    """The report's data and its unsigned PDF (the same stored data and time give the same bytes)."""
    settings = settings or ReportSettings()
    data = assemble(workshop, wo_id, language, version, settings.public_url, issued_at, advisor_id)
    pdf = render_pdf(
        data,
        photo_loader(workshop, data_dir),
        settings.font_files or fonts.find_fonts(),
        profile.logo_bytes(workshop.store, profile.current(workshop.store)),
    )
    return data, pdf


def issue_report(
    workshop: Workshop,
    actor: Actor,
    wo_id: int,
    data_dir: Path,
    language: str | None = None,
    settings: ReportSettings | None = None,
) -> IssuedReport:
    """Render, sign and record the next version of a work order's report."""
    require(actor.role, "report.issue")
    settings = settings or ReportSettings()
    keys = load_station_keys(data_dir)
    data, pdf = render_report(
        workshop, wo_id, data_dir, language, None, settings, workshop.store.clock(), actor.user_id
    )
    signed = sign_pdf(
        pdf,
        keys,
        location=data.workshop["name"],
        timestamp_url=settings.timestamp_url,
    )
    folder = Path(data_dir) / REPORTS_FOLDER
    base = f"{data.work_order['number']}-v{data.version}"
    path = folder / f"{base}.pdf"
    _drop_unrecorded(workshop, wo_id, data.version, [path, folder / f"{base}.json"])
    _write_once(path, signed)
    _write_once(folder / f"{base}.json", data.to_json().encode("utf-8"))
    sha = hashlib.sha256(signed).hexdigest()
    record = workshop.record_report_issued(actor, wo_id, sha, path.name, data.language)
    recorded = workshop.report_record(wo_id, data.version)
    if recorded is None or recorded["id"] != record.id:
        raise ReportError(
            f"report version clash on {data.work_order['number']}: another report was issued at the same time"
        )
    log.info("issued %s (sha256 %s)", path, sha)
    return IssuedReport(
        path, sha, data_sha256(data), data.version, data.report_id, data.language, record.id
    )


def _drop_unrecorded(workshop: Workshop, wo_id: int, version: int, paths: list[Path]) -> None:
    """Files of a version the store never recorded are leftovers of an interrupted issue."""
    if workshop.report_record(wo_id, version):
        return
    for path in paths:
        if path.exists():
            log.warning("removing %s: left over by an issue that was never recorded", path)
            path.unlink()


def _write_once(path: Path, data: bytes) -> None:
    """Create the file read-only, durably; an existing file is never replaced."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_new(path, data, 0o444)
    except FileExistsError as err:
        raise ReportExists(f"{path} exists: an issued report is never replaced") from err
    sync_folder(path.parent)
