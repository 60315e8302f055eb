"""Real reports in both languages, checked with pyHanko, poppler (pdfsig, pdffonts, pdftotext)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from reports.data import assemble, data_sha256
from reports.issue import IssuedReport, issue_report, render_report
from reports.keys import StationKeys, keys_folder
from reports.verify import Outcome, verify_report
from station.cli import main as station_main
from station.errors import PermissionDenied
from tests.reports.visit import VIN_SEDAN, Visit, build_visit

POPPLER = all(shutil.which(tool) for tool in ("pdfsig", "pdffonts", "pdftotext", "pdfimages"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed")


@dataclass
class Issued:
    visit: Visit
    zh: IssuedReport
    en: IssuedReport


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Issued]:
    visit = build_visit(tmp_path_factory.mktemp("station"))
    advisor = visit.demo.advisor
    zh = issue_report(visit.workshop, advisor, visit.wo_id, visit.data_dir, "zh")
    en = issue_report(visit.workshop, advisor, visit.wo_id, visit.data_dir, "en")
    yield Issued(visit, zh, en)
    visit.workshop.store.close()


def roots(visit: Visit) -> list[Path]:
    return StationKeys(keys_folder(visit.data_dir)).trust_roots()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)


def test_issued_reports_are_versions_recorded_in_the_audit_chain(issued: Issued) -> None:
    store = issued.visit.workshop.store
    rows = store.query(
        "SELECT * FROM reports WHERE work_order_id = ? ORDER BY version", (issued.visit.wo_id,)
    )
    assert [(r["version"], r["language"]) for r in rows] == [(1, "zh"), (2, "en")]
    for row, report in zip(rows, (issued.zh, issued.en), strict=True):
        assert (
            row["sha256"] == report.sha256 == hashlib.sha256(report.path.read_bytes()).hexdigest()
        )
        assert report.path.parent == issued.visit.data_dir / "reports"
        assert row["file_name"] == report.path.name
    events = store.query("SELECT data FROM audit_events WHERE kind = 'report.issued' ORDER BY seq")
    assert [json.loads(e["data"])["sha256"] for e in events] == [issued.zh.sha256, issued.en.sha256]
    outbox = store.query("SELECT payload FROM outbox WHERE kind = 'report.issued'")
    assert len(outbox) == 2
    assert store.verify_audit_chain().ok
    assert not issued.zh.path.stat().st_mode & 0o222, "an issued report file is read-only"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_pyhanko_validates_the_signature_against_the_station_ca(
    issued: Issued, language: str
) -> None:
    report: IssuedReport = getattr(issued, language)
    verdict = verify_report(report.path, roots(issued.visit))
    assert verdict.outcome is Outcome.VALID, verdict.reason
    assert verdict.signer is not None and "station-test-1" in verdict.signer
    assert verdict.timestamp is None  # B-B: no timestamp server configured


@needs_poppler
@pytest.mark.parametrize("language", ["zh", "en"])
def test_pdfsig_finds_a_valid_pades_signature_covering_the_file(
    issued: Issued, language: str
) -> None:
    report: IssuedReport = getattr(issued, language)
    out = run("pdfsig", str(report.path)).stdout
    assert "Signature is Valid" in out
    assert "ETSI.CAdES.detached" in out
    assert "Total document signed" in out
    assert "Bay Station station-test-1" in out


@needs_poppler
@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_font_is_embedded_and_subset(issued: Issued, language: str) -> None:
    report: IssuedReport = getattr(issued, language)
    lines = run("pdffonts", str(report.path)).stdout.splitlines()[2:]
    assert lines, "the report uses fonts"
    names = [line.split()[0] for line in lines]
    assert any("WenQuanYi" in n for n in names), names
    for line in lines:
        emb, sub = line.split()[-5], line.split()[-4]
        assert (emb, sub) == ("yes", "yes"), line
    if language == "en":
        assert any("DejaVuSans" in n for n in names), names


@needs_poppler
def test_chinese_text_vin_findings_and_codes_are_in_the_text(issued: Issued) -> None:
    text = " ".join(run("pdftotext", str(issued.zh.path), "-").stdout.split())
    for expected in (
        VIN_SEDAN,
        "车辆健康报告",
        "王芳",
        "后刹车片磨损至 2.6 毫米",
        "P0301",
        "一缸失火",
        "约可再行驶 10,000 公里",
        "已批准",
        "维修后仍然存在：P0171",
        "永久故障记录会在正常行驶后自动消除：P0301",
        "四轮定位",
        "超出标准",
    ):
        assert expected in text, expected


@needs_poppler
def test_english_text_vin_findings_and_codes_are_in_the_text(issued: Issued) -> None:
    text = " ".join(run("pdftotext", str(issued.en.path), "-").stdout.split())
    for expected in (
        VIN_SEDAN,
        "Vehicle health report",
        "Rear brake pads worn to 2.6 mm",
        "P0301",
        "Cylinder 1 misfire detected",
        "about 10,000 km left",
        "approved",
        "declined",
        "Still present after the repair: P0171",
        "permanent record of it clears itself after normal driving: P0301",
        "Wheel alignment",
        "out of specification by 1.00°",
        "王芳",  # a Chinese name in an English report is set in the CJK face, not boxes
    ):
        assert expected in text, expected


@needs_poppler
def test_short_number_on_every_page_and_the_full_hash_once_at_the_end(issued: Issued) -> None:
    report = issued.zh
    pages = run("pdftotext", str(report.path), "-").stdout.split("\f")
    pages = [re.sub(r"\s+", "", p) for p in pages if p.strip()]
    assert len(pages) >= 2
    number = f"{issued.visit.workshop.work_order(issued.visit.wo_id)['number']}-v1"
    for page in pages:
        assert f"报告{number}·第" in page
    assert all(report.data_sha256 not in page for page in pages[:-1])
    assert pages[-1].count(report.data_sha256) == 1
    assert report.report_id in pages[-1]
    assert "canonical" not in " ".join(pages) and "规范JSON" not in " ".join(pages)


@needs_poppler
def test_the_pdf_says_when_it_was_issued(issued: Issued) -> None:
    issued_at = issued.visit.workshop.store.query_one(
        "SELECT issued_at FROM reports WHERE id = ?", (issued.en.record_id,)
    )
    assert issued_at is not None
    info = run("pdfinfo", "-isodates", str(issued.en.path)).stdout
    created = re.search(r"CreationDate:\s+(\S+)", info)
    assert created is not None and not created.group(1).startswith("2000")
    # the file's date is the issue minute (the record is written a moment after signing)
    assert created.group(1)[:13] == issued_at["issued_at"][:13]


@needs_poppler
def test_photos_are_embedded_scaled_to_print_resolution(issued: Issued) -> None:
    listing = run("pdfimages", "-list", str(issued.en.path)).stdout.splitlines()[2:]
    images = [line.split() for line in listing if line.split()[2] == "image"]
    assert len(images) == 4  # one before/after pair and two walk-around photos
    for columns in images:
        width, height = int(columns[3]), int(columns[4])
        assert width <= 680 and height <= 510, (width, height)
        assert columns[5] in ("rgb", "gray") and columns[8] == "jpeg"
    cached = list((issued.visit.data_dir / "cache" / "report-photos").glob("*/*.jpg"))
    assert len(cached) == 4


def test_rendering_is_deterministic_and_the_hash_is_defined_by_the_data(issued: Issued) -> None:
    visit = issued.visit
    stored = (visit.data_dir / "reports" / issued.en.path.with_suffix(".json").name).read_text()
    assert hashlib.sha256(stored.encode()).hexdigest() == issued.en.data_sha256
    recorded = json.loads(stored)
    at = datetime.fromisoformat(recorded["issued_instant"].replace("Z", "+00:00"))
    advisor = visit.demo.advisor.user_id
    data, first = render_report(
        visit.workshop, visit.wo_id, visit.data_dir, "en", 2, None, at, advisor
    )
    _, second = render_report(
        visit.workshop, visit.wo_id, visit.data_dir, "en", 2, None, at, advisor
    )
    assert first == second
    assert data_sha256(data) == issued.en.data_sha256
    assert assemble(visit.workshop, visit.wo_id, "en", 2, issued_at=at, advisor_id=advisor) == data
    # the signed file is exactly the rendered bytes plus an incremental update
    assert issued.en.path.read_bytes().startswith(first)


def test_only_advisors_and_admins_issue_reports(issued: Issued) -> None:
    visit = issued.visit
    with pytest.raises(PermissionDenied):
        issue_report(visit.workshop, visit.demo.technician, visit.wo_id, visit.data_dir)


def test_customer_language_is_the_default(issued: Issued) -> None:
    data = assemble(issued.visit.workshop, issued.visit.wo_id)
    assert data.language == "zh"  # 王芳 reads Chinese
    assert data.version == 3


def test_verify_command_exit_codes(issued: Issued, tmp_path: Path) -> None:
    visit = issued.visit
    data_dir = str(visit.data_dir)
    assert station_main(["verify", str(issued.zh.path), "--data-dir", data_dir]) == 0
    stranger = tmp_path / "elsewhere"
    stranger.mkdir()
    assert station_main(["verify", str(issued.zh.path), "--data-dir", str(stranger)]) == 3
    ca = visit.data_dir / "keys" / "ca-cert.pem"
    assert (
        station_main(
            ["verify", str(issued.zh.path), "--data-dir", str(stranger), "--trust", str(ca)]
        )
        == 0
    )
    _, unsigned = render_report(visit.workshop, visit.wo_id, visit.data_dir, "en", version=9)
    plain = tmp_path / "unsigned.pdf"
    plain.write_bytes(unsigned)
    assert station_main(["verify", str(plain), "--data-dir", data_dir]) == 4
    altered = tmp_path / "altered.pdf"
    content = bytearray(issued.zh.path.read_bytes())
    content[len(unsigned) // 2] ^= 0x01
    altered.write_bytes(bytes(content))
    assert station_main(["verify", str(altered), "--data-dir", data_dir]) == 1
    appended = tmp_path / "appended.pdf"
    appended.write_bytes(issued.zh.path.read_bytes() + b"\n% a note added later\n")
    assert station_main(["verify", str(appended), "--data-dir", data_dir]) == 1
    not_pdf = tmp_path / "note.txt"
    not_pdf.write_text("hello")
    assert station_main(["verify", str(not_pdf), "--data-dir", data_dir]) == 2
