"""An admin changes the canned jobs in Settings: lines out and in, a new job, a job removed;
the findings form offers the jobs as they are now."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from station import catalogue
from ui.app import StationApp

from .conftest import log_in
from .floor import problems_with_targets
from .test_visit import click


def test_an_admin_edits_a_canned_job_and_the_findings_form_uses_it(
    qtbot: QtBot, demo_app: StationApp
) -> None:
    app, window = demo_app, demo_app.window
    assert app.cast is not None
    store = app.model.workshop.store
    window.resize(1024, 768)
    log_in(qtbot, app, "admin", app.cast.pins["admin"])
    click(qtbot, window.nav_buttons["settings"])
    settings = window.pages["settings"]
    settings.tabs.setCurrentIndex(6)
    jobs = settings.canned
    assert problems_with_targets(window) == []

    jobs.choose("10,000 km service")
    assert [code for code, _q in jobs.draft] == ["FLT-AIR", "FLT-OIL", "OIL-5W30-4L", "L-SERVICE"]
    jobs.lines_table.selectRow(0)  # the air filter comes out
    click(qtbot, jobs.remove_line)
    jobs.item_pick.setCurrentIndex(jobs.item_pick.findData("FLT-CABIN"))
    click(qtbot, jobs.add_line)
    jobs.item_pick.setCurrentIndex(jobs.item_pick.findData("L-SERVICE"))
    jobs.quantity.setValue(1.5)  # picked again: the new quantity
    click(qtbot, jobs.add_line)
    click(qtbot, jobs.save)
    service = next(j for j in catalogue.canned_jobs(store) if j.name_en == "10,000 km service")
    assert {item.code: q for item, q in service.lines} == {
        "FLT-CABIN": 1.0,
        "FLT-OIL": 1.0,
        "OIL-5W30-4L": 1.0,
        "L-SERVICE": 1.5,
    }

    click(qtbot, jobs.new)
    jobs.name_en.setText("Brake check")
    jobs.name_zh.setText("刹车检查")
    click(qtbot, jobs.save)
    assert "Brake check" not in [j.name_en for j in catalogue.canned_jobs(store)]
    assert window.notice_shown(), "a job without lines is refused with a notice"
    jobs.item_pick.setCurrentIndex(jobs.item_pick.findData("BRK-FLUID"))
    click(qtbot, jobs.add_line)
    click(qtbot, jobs.save)
    assert "Brake check" in [j.name_en for j in catalogue.canned_jobs(store)]

    jobs.choose("20,000 km service")
    click(qtbot, jobs.retire)
    assert "20,000 km service" not in [j.name_en for j in catalogue.canned_jobs(store)]

    # the findings form offers the jobs as they are now
    findings = window.pages["work_order"].findings
    findings.refresh()
    offered = [findings.price_pick.itemText(i) for i in range(findings.price_pick.count())]
    named = "Brake check" if app.model.language == "en" else "刹车检查"
    retired = "20,000 km service" if app.model.language == "en" else "20000公里保养"
    assert any(named in text for text in offered)
    assert not any(retired in text for text in offered)
