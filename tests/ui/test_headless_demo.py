"""`station demo`: the whole visit headless on the simulators, ending signed and synced."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from station.store import Store


def station(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_demo_walks_the_whole_visit_and_can_run_again(tmp_path: Path) -> None:
    first = station("demo", data_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    for stage in (
        "walk-around photo taken",
        "pre-repair scan: VIN LSVAU2180N2183741",
        "P0301 (stored)",
        "customer approved finding pads_rear",
        "customer declined finding tread_rr",
        "alignment: right-rear toe 1.50° (red) → 0.16° (green)",
        "post-repair scan: cleared P0420; still there none; not checked none; permanent record until driven P0301",
        "health report v1 issued and signed: valid",
        "delivered against the customer's signature; follow-ups day1, day7",
        "0 mutations and 0 files pending, 0 conflicts",
        "audit chain: intact",
    ):
        assert stage in out, f"{stage!r} missing from:\n{out}"
    report = Path(out.split("health report: ")[1].splitlines()[0])
    assert station("verify", str(report), data_dir=tmp_path).returncode == 0

    store = Store.open(tmp_path / "station.db")
    delivered = store.query("SELECT id FROM work_orders WHERE status = 'delivered'")
    assert len(delivered) == 1
    wo = delivered[0]["id"]
    stages = {
        r["stage"] for r in store.query("SELECT stage FROM photos WHERE work_order_id = ?", (wo,))
    }
    assert stages == {"walk_around", "before", "after"}
    assert [
        r["stage"]
        for r in store.query("SELECT stage FROM scans WHERE work_order_id = ? ORDER BY id", (wo,))
    ] == ["pre", "post"]
    assert store.query_one("SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NULL")["n"] == 0  # type: ignore[index]
    store.close()

    again = station("demo", data_dir=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "health report v1 issued" in again.stdout
    listed = json.loads(
        station("wo", "list", "--status", "delivered", "--json", data_dir=tmp_path).stdout
    )
    assert len(listed) == 2
