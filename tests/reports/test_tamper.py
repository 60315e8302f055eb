"""Any single changed byte inside the signed range makes verification fail."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest

from reports.issue import issue_report
from reports.keys import StationKeys, keys_folder
from reports.verify import Outcome, load_certificates, verify_bytes
from station.cli import main as station_main
from tests.reports.visit import build_visit


def signed_ranges(data: bytes) -> tuple[int, int, int, int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert match is not None
    a, b, c, d = (int(x) for x in match.groups())
    return a, b, c, d


def offsets_to_try(data: bytes, ranges: tuple[int, int, int, int]) -> list[int]:
    """First/last bytes, content streams, xref tables, trailers and an even spread."""
    a, b, c, d = ranges
    first_end, second_end = a + b, c + d
    picks = {a, first_end - 1, c, second_end - 1, c + 1, first_end - 2}
    for marker in (
        rb"stream\r?\n",
        rb"xref",
        rb"trailer",
        rb"startxref",
        rb"/ByteRange",
        rb"%%EOF",
    ):
        for match in re.finditer(marker, data):
            for delta in (0, len(match.group(0)) + 1, len(match.group(0)) + 40):
                picks.add(match.start() + delta)
    picks.update(range(a, first_end, max(1, b // 60)))
    picks.update(range(c, second_end, max(1, d // 20)))
    return sorted(o for o in picks if a <= o < first_end or c <= o < second_end)


def test_a_flipped_byte_anywhere_in_the_signed_range_is_caught(tmp_path: Path) -> None:
    visit = build_visit(tmp_path, pairs=1, walk_around=0)
    report = issue_report(visit.workshop, visit.demo.advisor, visit.wo_id, visit.data_dir, "en")
    data = report.path.read_bytes()
    roots = load_certificates(StationKeys(keys_folder(visit.data_dir)).trust_roots())
    assert verify_bytes(data, roots).outcome is Outcome.VALID
    ranges = signed_ranges(data)
    assert ranges[0] == 0 and ranges[2] + ranges[3] == len(data), "the signature covers the file"
    offsets = offsets_to_try(data, ranges)
    assert len(offsets) >= 100
    # at least one sample inside a compressed content stream
    streams = [m.end() for m in re.finditer(rb"stream\r?\n", data[: ranges[1]])]
    assert any(any(s <= o < s + 200 for o in offsets) for s in streams)
    survivors = []
    for offset in offsets:
        changed = bytearray(data)
        changed[offset] ^= 0x20 if changed[offset] != 0x20 else 0x01
        verdict = verify_bytes(bytes(changed), roots)
        if verdict.ok:
            survivors.append(offset)
        else:
            assert verdict.outcome in (Outcome.ALTERED, Outcome.UNREADABLE), (offset, verdict)
    assert survivors == []
    # and the command line says so too, for a byte inside the first content stream
    target = tmp_path / "tampered.pdf"
    changed = bytearray(data)
    changed[streams[0] + 10] ^= 0x01
    target.write_bytes(bytes(changed))
    assert station_main(["verify", str(target), "--data-dir", str(visit.data_dir)]) == 1
    visit.workshop.store.close()


@pytest.mark.parametrize("payload", [b"plain text", zlib.compress(b"x" * 100)])
def test_a_file_that_is_no_pdf_is_unreadable_not_valid(payload: bytes) -> None:
    assert verify_bytes(payload, []).outcome is Outcome.UNREADABLE
