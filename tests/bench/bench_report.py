"""Benchmark: a report with 24 photos from 12 MP sources, rendered and signed; time and size.

Run standalone: `python tests/bench/bench_report.py [--keep DIR]`. Prints the
time of a cold render (photos scaled from the 4000x3000 originals), a warm
render (scaled copies from the cache), signing, and the file size, for both
languages. Goal: under 2 s and 4 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reports.issue import ReportSettings, issue_report, render_report  # noqa: E402
from reports.keys import load_station_keys  # noqa: E402
from reports.signing import sign_pdf  # noqa: E402
from tests.reports.visit import build_visit  # noqa: E402

PAIRS = 10  # 20 photos with the work done
WALK_AROUND = 4  # and 4 walk-around photos: 24 in all
SOURCE = (4000, 3000)


def run(folder: Path, repeats: int = 3) -> list[str]:
    started = time.perf_counter()
    visit = build_visit(folder, pairs=PAIRS, walk_around=WALK_AROUND, size=SOURCE)
    setup = time.perf_counter() - started
    originals = visit.workshop.store.query("SELECT size_bytes FROM photos")
    lines = [
        f"setup: {len(originals)} photos of {SOURCE[0]}x{SOURCE[1]}, "
        f"{sum(r['size_bytes'] for r in originals) / 1e6:.1f} MB of originals ({setup:.1f} s)"
    ]
    keys = load_station_keys(visit.data_dir)
    settings = ReportSettings()
    for language in ("en", "zh"):
        cold = warm_times = None
        if language == "en":
            t0 = time.perf_counter()
            render_report(visit.workshop, visit.wo_id, visit.data_dir, language, 1, settings)
            cold = time.perf_counter() - t0
        warm_times = []
        sign_times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            _, pdf = render_report(
                visit.workshop, visit.wo_id, visit.data_dir, language, 1, settings
            )
            warm_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            signed = sign_pdf(pdf, keys)
            sign_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        issued = issue_report(
            visit.workshop, visit.demo.advisor, visit.wo_id, visit.data_dir, language, settings
        )
        issue_total = time.perf_counter() - t0
        size = issued.path.stat().st_size
        lines.append(
            f"{language}: "
            + (f"cold render (scaling 24 photos) {cold:.2f} s, " if cold is not None else "")
            + f"warm render {statistics.median(warm_times):.2f} s, "
            f"sign {statistics.median(sign_times):.3f} s, "
            f"issue_report end to end {issue_total:.2f} s, "
            f"file {size / 1e6:.2f} MB ({len(signed)} bytes signed in the loop)"
            f" -> {issued.path}"
        )
    visit.workshop.store.close()
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="build the station here and keep it")
    args = parser.parse_args()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        lines = run(args.keep)
    else:
        with tempfile.TemporaryDirectory() as folder:
            lines = run(Path(folder))
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
