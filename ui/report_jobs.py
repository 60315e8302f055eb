"""Report rendering and signing in a separate process.

Rendering a report holds Python's global lock for long stretches (font subsetting,
compression), which would stall the GUI thread even from a worker thread; a child
process keeps the event loop free. This module imports no Qt, so the child starts
without it.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from station import profile
from station.config import load_config
from station.store import Store
from station.workshop import Actor, Workshop

log = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1


def render_preview(
    database: Path, data_dir: Path, wo_id: int, target: Path, language: str | None = None
) -> Path:
    """The unsigned report as it would be issued now, to `target`; in `language`, or the
    customer's when none is given."""
    from reports.issue import ReportSettings, render_report

    settings = ReportSettings.from_config(load_config(data_dir=data_dir))
    workshop = Workshop(Store.open(database))
    try:
        _data, pdf = render_report(workshop, wo_id, data_dir, language, settings=settings)
    finally:
        workshop.store.close()
    target.write_bytes(pdf)
    return target


def issue_signed(
    database: Path, data_dir: Path, actor: Actor, wo_id: int, language: str | None = None
) -> tuple[Path, int]:
    """Issue, sign and record the next version in `language`, or the customer's when none is
    given; creates the station keys on first use."""
    from reports.issue import ReportSettings, issue_report
    from reports.keys import StationKeys, create_station_keys, keys_folder

    settings = ReportSettings.from_config(load_config(data_dir=data_dir))
    workshop = Workshop(Store.open(database))
    try:
        if not StationKeys(keys_folder(data_dir)).exists():
            create_station_keys(
                data_dir,
                workshop.store.meta("station_id") or "station",
                profile.current(workshop.store).name or "Bay Station",
            )
        issued = issue_report(workshop, actor, wo_id, data_dir, language, settings=settings)
    finally:
        workshop.store.close()
    return issued.path, issued.version


def verify_issued(path: Path, data_dir: Path) -> tuple[bool, str]:
    from reports.keys import load_station_keys
    from reports.verify import verify_report

    verdict = verify_report(path, load_station_keys(data_dir).trust_roots())
    return verdict.ok, verdict.reason


def end_with_parent() -> None:
    """In the report process (Linux): a SIGTERM arrives when the app dies, even when it
    is killed outright, so no report process outlives the app."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class ReportProcess:
    """One child process for report work, started on first use."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    @property
    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=end_with_parent,
            )
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
