"""SIGTERM ends the app and every process it started (the report process and
multiprocessing's helper), as a service manager or a shutdown expects."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SCRIPT = """
import os, sys
from pathlib import Path
from ui.app import build_app, quit_on_signals
app = build_app(Path(sys.argv[1]), demo=True, fresh=True, sync=False, connect_devices=False)
app.ctx.reports.pool.submit(os.getpid).result()  # the report process is running
_ticking = quit_on_signals(app.qt)
print("ready", flush=True)
try:
    app.qt.exec()
finally:
    app.close()
print("closed", flush=True)
"""


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_ends_the_app_and_its_children(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    app = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path / "data")],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert app.stdout is not None
        assert app.stdout.readline().strip() == "ready"
        started = children(app.pid)
        assert len(started) >= 1, "the report process runs"
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=60) == 0
        assert app.stdout.read().strip() == "closed"
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in started)
    finally:
        if app.poll() is None:
            app.kill()
