"""Two processes act on the same work order at the same moment: one wins, nothing doubles.

Each command loads its facts after `BEGIN IMMEDIATE`, so the second process
decides on what the first committed. 50 trials of each race by default
(`STATION_RACE_TRIALS` for more).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from station.commands import init_station
from station.errors import AuthenticationFailed
from station.findings import FindingDraft, Severity, labour
from station.lifecycle import Status
from station.roles import Role
from station.store import Store
from station.vehicles import Powertrain
from station.workshop import Actor, Workshop
from sync.client import SyncClient, enrol
from sync.server import CloudHandle, start_cloud_in_thread

TRIALS = int(os.environ.get("STATION_RACE_TRIALS", "50"))
STROKES = [[(float(x), 50.0 + 20.0 * math.sin(x / 15)) for x in range(20, 280, 10)]]


class Racer:
    """A worker process kept for the whole module; it races on whatever file it is given."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("race_worker.py"))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def receive(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the race worker died"
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def racers() -> Iterator[tuple[Racer, Racer]]:
    pair = (Racer(), Racer())
    yield pair
    for racer in pair:
        racer.close()


def race(racers: tuple[Racer, Racer], first: dict[str, Any], second: dict[str, Any]) -> list[Any]:
    """Both tasks prepared, then started together; their answers in order."""
    for racer, task in zip(racers, (first, second), strict=True):
        racer.send(json.dumps(task))
    for racer in racers:
        assert racer.receive() == {"ready": True}
    for racer in racers:
        racer.send("go")
    return [racer.receive() for racer in racers]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A station with its people and a car, copied for every trial."""
    folder = tmp_path_factory.mktemp("template")
    workshop = init_station(folder / "station.db", "Harbour Motors", None, "admin", "1234")
    admin = workshop.login("admin", "1234")
    workshop.add_user(admin, "li", Role.TECHNICIAN, "5678")
    workshop.add_user(admin, "fang", Role.ADVISOR, "4321")
    workshop.add_vehicle(admin, "LSVAU2180N2183294", None, Powertrain.ICE)
    workshop.store.close()
    return folder / "station.db"


class Trial:
    def __init__(self, template: Path, folder: Path) -> None:
        folder.mkdir()
        self.db = folder / "station.db"
        shutil.copy(template, self.db)
        # The station's keys (the audit key among them) live beside its database.
        shutil.copytree(template.with_name("keys"), folder / "keys")
        self.workshop = Workshop(Store.open(self.db))
        # Every trial is a station of its own for the cloud.
        self.station_id = f"trial-{uuid.uuid4()}"
        with self.workshop.store.transaction("test") as tx:
            tx.execute("UPDATE meta SET value = ? WHERE key = 'station_id'", (self.station_id,))
        self.tech = self.workshop.login("li", "5678")
        self.advisor = self.workshop.login("fang", "4321")

    def task(self, actor: Actor, op: str, **extra: Any) -> dict[str, Any]:
        return {
            "db": str(self.db),
            "op": op,
            "user_id": actor.user_id,
            "user": actor.name,
            "role": actor.role.value,
            **extra,
        }

    def work_order(self, booked_jobs: list[str] | None = None) -> int:
        return self.workshop.create_work_order(self.tech, 1, booked_jobs=booked_jobs).id

    def in_repair_with_job(self) -> tuple[int, int]:
        """A booked service's work order in repair, and its one job."""
        wo = self.work_order(booked_jobs=["10,000 km service"])
        self.workshop.check_in(self.tech, wo, 1000)
        self.workshop.change_status(self.tech, wo, Status.DIAGNOSING)
        self.workshop.change_status(self.tech, wo, Status.IN_REPAIR)
        return wo, self.workshop.jobs(wo)[0]["id"]

    def in_diagnosis_with_finding(self) -> tuple[int, int]:
        wo = self.work_order()
        self.workshop.check_in(self.tech, wo, 1000)
        self.workshop.change_status(self.tech, wo, Status.DIAGNOSING)
        finding = self.workshop.add_finding(
            self.tech,
            wo,
            FindingDraft("Front pads 2 mm", Severity.URGENT, [labour("pads", 1, 20000)]),
        ).id
        return wo, finding

    def versions(self, wo: int) -> list[int]:
        return [
            json.loads(row["data"])["version"]
            for row in self.workshop.store.query(
                "SELECT data FROM audit_events WHERE kind = 'work_order.status_changed' "
                "AND json_extract(data, '$.work_order_id') = ? ORDER BY seq",
                (wo,),
            )
        ]

    def count(self, sql: str, *params: Any) -> int:
        row = self.workshop.store.query_one(f"SELECT COUNT(*) AS n FROM ({sql})", params)
        assert row is not None
        return int(row["n"])


def trials(template: Path, tmp_path: Path, count: int = TRIALS) -> Iterator[Trial]:
    """`count` stations copied from the template, one a trial, each closed once it is done."""
    for n in range(count):
        trial = Trial(template, tmp_path / str(n))
        try:
            yield trial
        finally:
            trial.workshop.store.close()


def errors(answers: list[dict[str, Any]]) -> list[str]:
    return sorted(a.get("error", "ok") for a in answers)


def assert_strictly_increasing(versions: list[int]) -> None:
    assert versions == list(range(1, len(versions) + 1)), versions


@pytest.fixture(scope="module")
def cloud(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CloudHandle]:
    folder = tmp_path_factory.mktemp("cloud")
    handle = start_cloud_in_thread(folder / "cloud.db", folder / "blobs")
    yield handle
    handle.stop()


def sync_applies_everything(trial: Trial, cloud: CloudHandle) -> None:
    """The cloud takes every change after the race, the later status changes included."""
    _, secret = cloud.service.issue_token("Harbour Motors")
    enrol(trial.workshop.store, cloud.url, secret)
    with SyncClient(trial.workshop.store, timeout=10, backoff_base=0.01) as client:
        report = client.run_once()
    assert report.outcomes == {"applied": report.sent}, report.outcomes


def test_two_check_ins_of_one_work_order(
    racers: tuple[Racer, Racer], template: Path, tmp_path: Path, cloud: CloudHandle
) -> None:
    for n, trial in enumerate(trials(template, tmp_path)):
        wo = trial.work_order()
        answers = race(
            racers,
            trial.task(trial.tech, "check_in", wo=wo, km=1000 + n),
            trial.task(trial.advisor, "check_in", wo=wo, km=1000 + n),
        )
        assert errors(answers) == ["TransitionRefused", "ok"], answers
        assert trial.count("SELECT id FROM check_ins WHERE work_order_id = ?", wo) == 1
        assert trial.count("SELECT id FROM mileage_readings WHERE work_order_id = ?", wo) == 1
        trial.workshop.change_status(trial.tech, wo, Status.DIAGNOSING)
        assert_strictly_increasing(trial.versions(wo))
        if n % 10 == 0:
            sync_applies_everything(trial, cloud)


def test_two_approvals_of_one_finding(
    racers: tuple[Racer, Racer], template: Path, tmp_path: Path
) -> None:
    for trial in trials(template, tmp_path):
        _, finding = trial.in_diagnosis_with_finding()
        signature = trial.workshop.record_signature(trial.advisor, STROKES, 300, 100)
        task = trial.task(trial.advisor, "approve", finding=finding, signature=signature)
        answers = race(racers, task, task)
        assert errors(answers) == ["ImmutableRecord", "ok"], answers
        assert trial.count("SELECT id FROM approvals WHERE finding_id = ?", finding) == 1
        assert trial.count("SELECT id FROM jobs WHERE finding_id = ?", finding) == 1


def test_two_clock_ons_of_one_job(
    racers: tuple[Racer, Racer], template: Path, tmp_path: Path
) -> None:
    for trial in trials(template, tmp_path):
        _, job = trial.in_repair_with_job()
        task = trial.task(trial.tech, "clock_on", job=job)
        answers = race(racers, task, task)
        assert errors(answers) == ["InvalidInput", "ok"], answers
        assert trial.count("SELECT id FROM clock_entries WHERE ended_at IS NULL") == 1


def test_two_identical_signatures(
    racers: tuple[Racer, Racer], template: Path, tmp_path: Path
) -> None:
    for n, trial in enumerate(trials(template, tmp_path)):
        strokes = [[(x + n % 7, y) for x, y in STROKES[0]]]
        task = trial.task(trial.advisor, "signature", strokes=strokes)
        answers = race(racers, task, task)
        assert errors(answers) == ["ok", "ok"], answers
        assert answers[0]["ok"] == answers[1]["ok"]
        assert trial.count("SELECT sha256 FROM signatures") == 1


def test_a_cancellation_from_the_inbox_while_the_desk_checks_in(
    racers: tuple[Racer, Racer], template: Path, tmp_path: Path, cloud: CloudHandle
) -> None:
    outcomes = set()
    for n, trial in enumerate(trials(template, tmp_path)):
        wo = trial.work_order()
        answers = race(
            racers,
            trial.task(trial.advisor, "check_in", wo=wo, km=1000),
            trial.task(trial.advisor, "cancel", wo=wo, seq=1, station_id=trial.station_id),
        )
        wo_row = trial.workshop.work_order(wo)
        assert wo_row["status"] == Status.CANCELLED.value
        checked_in = "error" not in answers[0]
        outcomes.add(checked_in)
        # either the check-in came first and the cancellation followed it, or the
        # cancellation came first and the check-in was refused: never both on one version
        assert trial.count("SELECT id FROM check_ins") == int(checked_in)
        versions = trial.versions(wo)
        assert_strictly_increasing(versions)
        assert wo_row["version"] == versions[-1] == (3 if checked_in else 2)
        if n % 10 == 0:
            sync_applies_everything(trial, cloud)
    assert outcomes, "no trial ran"


# Fewer trials for the races below: each command's rule is the same pattern as above.
SHORT_TRIALS = max(1, TRIALS // 5)


def test_two_moves_of_one_work_order_to_the_same_stage(
    racers: tuple[Racer, Racer], template: Path, tmp_path: Path
) -> None:
    for trial in trials(template, tmp_path, SHORT_TRIALS):
        wo, _ = trial.in_diagnosis_with_finding()
        task = trial.task(trial.tech, "status", wo=wo, target=Status.AWAITING_APPROVAL.value)
        answers = race(racers, task, task)
        assert errors(answers) == ["TransitionRefused", "ok"], answers
        assert_strictly_increasing(trial.versions(wo))


def test_two_handovers_of_one_car(
    racers: tuple[Racer, Racer], template: Path, tmp_path: Path
) -> None:
    for trial in trials(template, tmp_path, SHORT_TRIALS):
        workshop, tech, advisor = trial.workshop, trial.tech, trial.advisor
        wo = trial.work_order(booked_jobs=["10,000 km service"])
        workshop.check_in(tech, wo, 1000)
        for status in (Status.DIAGNOSING, Status.IN_REPAIR, Status.QUALITY_CHECK):
            workshop.change_status(tech, wo, status)
        workshop.record_quality_check(tech, wo, passed=True)
        workshop.change_status(advisor, wo, Status.READY)
        workshop.record_report_issued(advisor, wo, "ab" * 32, "r.pdf", "zh")
        signatures = [
            workshop.record_signature(advisor, [[(x + k, y) for x, y in STROKES[0]]], 300, 100)
            for k in (1, 2)
        ]
        answers = race(
            racers,
            *(trial.task(advisor, "hand_over", wo=wo, signature=s) for s in signatures),
        )
        assert errors(answers) == ["TransitionRefused", "ok"], answers
        assert trial.count("SELECT id FROM handovers") == 1
        assert trial.count("SELECT id FROM follow_ups WHERE work_order_id = ?", wo) == 2
        assert_strictly_increasing(trial.versions(wo))


def test_two_clock_offs_of_one_job(
    racers: tuple[Racer, Racer], template: Path, tmp_path: Path
) -> None:
    for trial in trials(template, tmp_path, SHORT_TRIALS):
        _, job = trial.in_repair_with_job()
        trial.workshop.clock_on(trial.tech, job)
        task = trial.task(trial.tech, "clock_off", job=job)
        answers = race(racers, task, task)
        assert errors(answers) == ["InvalidInput", "ok"], answers
        assert trial.count("SELECT seq FROM audit_events WHERE kind = 'job.clocked_off'") == 1


def test_the_right_pin_racing_the_fifth_wrong_one(
    racers: tuple[Racer, Racer], template: Path, tmp_path: Path
) -> None:
    """Whichever check runs first, the other sees what it wrote: never let in and locked."""
    for trial in trials(template, tmp_path, SHORT_TRIALS):
        for _ in range(4):
            with pytest.raises(AuthenticationFailed):
                trial.workshop.login("li", "0000")
        answers = race(
            racers,
            trial.task(trial.tech, "login", pin="5678"),
            trial.task(trial.tech, "login", pin="0000"),
        )
        failed = trial.workshop.store.query_one(
            "SELECT failed_attempts FROM users WHERE name = 'li'"
        )
        assert failed is not None
        if "ok" in answers[0]:
            assert answers[1]["error"] == "AuthenticationFailed" and failed["failed_attempts"] == 1
        else:
            assert answers[0]["error"] == "AccountLocked" and answers[1]["error"] == "AccountLocked"
            assert failed["failed_attempts"] == 5
