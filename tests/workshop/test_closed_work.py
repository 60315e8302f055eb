"""Work the desk has closed takes no new finding from a bay that was away meanwhile: the
technician is told, and every terminal keeps the desk's word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from station import replica
from station.findings import FindingDraft, Severity, part
from station.lifecycle import Status
from station.vehicles import Powertrain
from tests.workshop.helpers import add_technician, hub_digest, join, settle


def test_a_finding_made_at_a_bay_on_work_the_desk_cancelled_is_refused_and_told(
    tmp_path: Path, hub: Any
) -> None:
    desk, bay = join(hub, tmp_path, "desk"), join(hub, tmp_path, "bay-1")
    add_technician(desk)
    settle(desk, bay)
    admin = desk.admin
    car = desk.workshop.add_vehicle(admin, None, "A1", Powertrain.ICE, "Geely", "E", 2019).id
    wo = desk.workshop.create_work_order(admin, car, "noise").id
    desk.workshop.check_in(admin, wo, 42000)
    settle(desk, bay)
    li = bay.workshop.login("li", "5678")
    bay.workshop.change_status(li, wo, Status.DIAGNOSING)
    settle(desk, bay)

    desk.workshop.change_status(admin, wo, Status.CANCELLED)  # neither has synced since
    bay.workshop.add_finding(
        li, wo, FindingDraft("Front pads worn", Severity.URGENT, [part("Pads", 1, 38000)])
    )
    desk.sync()
    bay.sync()
    settle(desk, bay)

    assert bay.workshop.work_order(wo)["status"] == Status.CANCELLED.value
    assert bay.workshop.findings(wo) == [] and desk.workshop.findings(wo) == []
    notes = [n.summary() for n in replica.conflict_notes(bay.store)]
    assert any("cancelled" in n and "Front pads worn" in n for n in notes), notes
    assert replica.conflict_notes(desk.store) == []
    assert hub_digest(hub) == desk.digest() == bay.digest()
