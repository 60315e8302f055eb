"""A finished measurement dropped into a watched folder as CSV or XML."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from drivers.errors import DeviceTimeout
from drivers.rig import ImportRejected, open_rig, run_session
from drivers.rig.errors import LineError
from drivers.rig.folder import parse_csv, parse_xml
from station.alignment import Phase, Position, Quantity, rate_session, spec_for
from station.checklists import Rating

RR, TOE = Position.REAR_RIGHT, Quantity.TOE

CSV = """# exported by the aligner
session,phase,position,quantity,value,unit,rim_diameter_in
W42,before,FL,toe,0.04,deg,17
W42,before,FR,toe,0.06,deg,17
W42,before,rear-left,toe,0.14,deg,17
W42,before,right-rear,toe,1.50,deg,17
W42,before,FL,camber,-31,min,17
W42,after,FL,toe,0.04,deg,17
W42,after,FR,toe,0.06,deg,17
W42,after,RL,toe,1.06,mm,17
W42,after,RR,toe,0.16,deg,17
"""

XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<alignment version="1" session="W43" rim-diameter-in="17">
  <set phase="before">
    <reading position="RL" quantity="toe" value="0.14" unit="deg"/>
    <reading position="RR" quantity="toe" value="1.50" unit="deg"/>
    <reading position="FL" quantity="CASTER" value="4.42"/>
  </set>
  <set phase="after">
    <reading position="RL" quantity="toe" value="0.14" unit="deg"/>
    <reading position="RR" quantity="toe" value="0.16" unit="deg"/>
  </set>
</alignment>
"""


def test_csv_from_literals() -> None:
    session = parse_csv(CSV, "file")
    assert session.rig_session == "W42"
    assert session.rim_diameter_in == 17
    assert session.before.value(RR, TOE) == 1.5
    assert session.before.value(Position.FRONT_LEFT, Quantity.CAMBER) == pytest.approx(-31 / 60)
    assert session.after is not None
    assert session.after.value(Position.REAR_LEFT, TOE) == pytest.approx(0.1407, abs=1e-4)


def test_xml_from_literals() -> None:
    session = parse_xml(XML, "file")
    assert session.rig_session == "W43"
    assert session.before.value(Position.FRONT_LEFT, Quantity.CASTER) == 4.42
    rated = rate_session(session, spec_for("Bay Motors", "Sedan", 2019))
    assert rated.worst(Phase.BEFORE) is Rating.RED
    assert rated.worst(Phase.AFTER) is Rating.GREEN


@pytest.mark.parametrize(
    "text",
    [
        "phase,position,value\nbefore,RR,1.0\n",
        "phase,position,quantity,value,unit\nbefore,RR,toe,abc,deg\n",
        "phase,position,quantity,value,unit\nduring,RR,toe,1.0,deg\n",
        "phase,position,quantity,value,unit\nbefore,RR,thrust_angle,1.0,deg\n",
        "phase,position,quantity,value,unit\nafter,RR,toe,1.0,deg\n",
        "phase,position,quantity,value,unit\nbefore,RR,toe,1.0,mm\n",  # mm without a rim
    ],
)
def test_bad_csv_is_a_line_error(text: str) -> None:
    with pytest.raises(LineError):
        parse_csv(text, "x")


@pytest.mark.parametrize(
    "data",
    [
        b"<alignment",
        b"<other/>",
        b'<alignment version="2"/>',
        b'<!DOCTYPE a [<!ENTITY x "y">]><alignment/>',
        b'<alignment><set phase="before"><reading position="RR"/></set></alignment>',
    ],
)
def test_bad_xml_is_a_line_error(data: bytes) -> None:
    with pytest.raises(LineError):
        parse_xml(data, "x")


def test_dropped_file_is_imported_and_moved(tmp_path: Path) -> None:
    rig = open_rig("folder", folder=str(tmp_path), poll=0.05)
    timer = threading.Timer(0.3, (tmp_path / "measurement.xml").write_bytes, args=(XML,))
    timer.start()
    session = run_session(rig, timeout=30)
    timer.join()
    assert session.rig_session == "W43"
    assert (tmp_path / "imported" / "measurement.xml").exists()
    assert not (tmp_path / "measurement.xml").exists()


def test_bad_file_is_rejected_with_its_reason(tmp_path: Path) -> None:
    (tmp_path / "broken.csv").write_text("phase,position\nbefore,RR\n")
    (tmp_path / "notes.txt").write_text("not a measurement")
    with pytest.raises(ImportRejected, match=r"broken\.csv"):
        run_session(open_rig("folder", folder=str(tmp_path), poll=0.05), timeout=30)
    assert (tmp_path / "rejected" / "broken.csv").exists()
    assert (tmp_path / "notes.txt").exists()
    with pytest.raises(DeviceTimeout):
        run_session(open_rig("folder", folder=str(tmp_path), poll=0.05), timeout=0.3)


def test_align_command_stores_a_dropped_file_with_the_work_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from station.alignment import load_alignment
    from station.cli import main
    from station.roles import Role
    from station.store import Store
    from station.vehicles import Powertrain
    from station.workshop import Workshop

    data = tmp_path / "data"
    workshop = Workshop(Store.open(data / "station.db"))
    workshop.add_user(None, "admin", Role.ADMIN, "1234")
    admin = workshop.login("admin", "1234")
    workshop.add_user(admin, "li", Role.TECHNICIAN, "2468")
    tech = workshop.login("li", "2468")
    car = workshop.add_vehicle(tech, None, "B12345", Powertrain.ICE, "Bay Motors", "Sedan", 2019)
    wo = workshop.create_work_order(tech, car.id).id
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "w42.csv").write_text(CSV)
    args = ["align", "--folder", str(drop), "--work-order", str(wo), "--json"]
    args += ["--user", "li", "--pin", "2468", "--data-dir", str(data), "--timeout", "30"]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["spec"] == "Bay Motors Sedan 2017-2023"  # found from the work order's car
    assert result["stored_id"] is not None
    stored = load_alignment(workshop.store, wo)
    assert stored is not None and stored.session.rig_session == "W42"
    assert stored.worst(Phase.BEFORE) is Rating.RED
    # a wrong PIN stores nothing and says why
    (drop / "w43.xml").write_bytes(XML)
    args[args.index("2468")] = "0000"
    assert main(args) == 2
    assert "PIN" in capsys.readouterr().err
    assert load_alignment(workshop.store, wo).session.rig_session == "W42"  # type: ignore[union-attr]


def test_align_command_takes_make_and_year_from_the_vin_when_the_car_record_lacks_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from station.alignment import load_alignment
    from station.cli import main
    from station.roles import Role
    from station.store import Store
    from station.vehicles import Powertrain
    from station.workshop import Workshop

    data = tmp_path / "data"
    workshop = Workshop(Store.open(data / "station.db"))
    workshop.add_user(None, "admin", Role.ADMIN, "1234")
    admin = workshop.login("admin", "1234")
    workshop.add_user(admin, "li", Role.TECHNICIAN, "2468")
    tech = workshop.login("li", "2468")
    # booked with VIN and model only: WVW is Volkswagen, F in position 10 is 2015
    car = workshop.add_vehicle(tech, "WVWZZZAUZFW012345", "B67890", Powertrain.ICE, None, "Golf")
    wo = workshop.create_work_order(tech, car.id).id
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "w42.csv").write_text(CSV)
    args = ["align", "--folder", str(drop), "--work-order", str(wo), "--json"]
    args += ["--user", "li", "--pin", "2468", "--data-dir", str(data), "--timeout", "30"]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["spec"] == "Volkswagen Golf 2013-2020"
    stored = load_alignment(workshop.store, wo)
    assert stored is not None and stored.spec_name == "Volkswagen Golf 2013-2020"
    assert stored.worst(Phase.BEFORE) is not None  # rated against the Golf's ranges
