"""Benchmark: the app's start and its memory.

Prints the time from starting the process to the login screen on the screen (median
of several cold starts of a demo station, offscreen), and the memory the app holds
(resident set) at the login, after a full visit through every screen with the report
preview, and that of its report process.

    python tests/bench/bench_app.py [--starts N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

START = """
import sys, time
from pathlib import Path
from ui.app import build_app
app = build_app(Path(sys.argv[1]), demo=True, sync=False)
app.window.resize(1024, 768)
app.window.show()
while not (app.window.login.isVisible() and app.window.login.user_buttons):
    app.qt.processEvents()
app.window.grab()  # painted once
print(time.time() - float(sys.argv[2]), flush=True)
app.close()
"""


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_times(data: Path, starts: int) -> list[float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(  # the demo station made once, then opened as an installed one is
        [sys.executable, "-c", START, str(data), str(time.time())],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    times = []
    for _ in range(starts):
        done = subprocess.run(
            [sys.executable, "-c", START, str(data), str(time.time())],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        times.append(float(done.stdout.strip().splitlines()[-1]))
    return times


def visit_memory(data: Path) -> tuple[float, float, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui.app import build_app
    from ui.screens import prepare_visit, screens, settle, wait_devices

    app = build_app(data, demo=True, fresh=True, fast_rig=True, sync=False)
    try:
        app.window.resize(1024, 768)
        app.window.show()
        settle(app)
        at_login = rss_mb()
        wait_devices(app)
        visit = prepare_visit(app)
        assert app.cast is not None
        app.model.login("admin", app.cast.pins["admin"])
        app.model.select(visit.wo_id)
        for language in ("zh", "en"):
            app.model.set_language(language)
            for name, show in screens(app).items():
                show()
                settle(app)
                if name == "report":
                    app.window.pages["report"].preview()  # type: ignore[attr-defined]
                    deadline = time.monotonic() + 120
                    while app.ctx.workers.busy and time.monotonic() < deadline:
                        app.qt.processEvents()
                        time.sleep(0.01)
        settle(app)
        after = rss_mb()
        children = [
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit()
            and (p / "stat").exists()
            and (p / "stat").read_text().rsplit(")", 1)[1].split()[1] == str(os.getpid())
        ]
        report_process = sum(rss_mb(pid) for pid in children)
        return at_login, after, report_process
    finally:
        app.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-app-") as folder:
        times = start_times(Path(folder) / "start", args.starts)
        print(
            f"start to login screen: median {statistics.median(times) * 1000:.0f} ms, "
            f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
            f"over {len(times)} starts"
        )
        at_login, after, report_process = visit_memory(Path(folder) / "visit")
        print(f"memory at the login screen: {at_login:.0f} MB resident")
        print(
            f"memory after a full visit (every screen, both languages, report preview): {after:.0f} MB"
        )
        print(f"report process: {report_process:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
