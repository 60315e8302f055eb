"""The approval screen and the report speak the customer's language, not the advisor's."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from station.demo import DemoVisit
from station.profile import Profile, parse_changes
from ui.app import StationApp
from ui.setup import ProfileForm

from .conftest import log_in


def test_the_customer_reads_the_approvals_in_their_language(
    qtbot: QtBot, demo_app: StationApp
) -> None:
    assert demo_app.cast is not None
    visit = DemoVisit(demo_app.model.workshop, demo_app.cast, narrate=lambda _t: None)
    visit.reception()  # the sedan: 王芳, who reads Chinese
    visit.start_diagnosis()
    visit.inspection()
    visit.findings_for_approval()
    log_in(qtbot, demo_app, "emma", demo_app.cast.pins["emma"])  # her screens are in English
    assert demo_app.model.language == "en"
    demo_app.model.select(visit.wo_id)
    demo_app.window.show_page("approvals")
    approvals = demo_app.window.pages["approvals"]
    approvals.refresh()
    assert approvals.title.text() == "请逐项决定"
    card = approvals.cards[visit.finding_ids["pads_rear"]]
    assert card.approve.text() == "同意维修" and card.decline.text() == "暂不维修"
    assert "后刹车片磨损至 2.6 毫米" in card.frame.findChildren(type(approvals.title))[0].text()
    assert approvals.total.text().startswith("待您决定的金额：¥")
    assert approvals.language_button.text() == "English"

    qtbot.mouseClick(approvals.language_button, Qt.MouseButton.LeftButton)
    card = approvals.cards[visit.finding_ids["pads_rear"]]
    assert approvals.title.text() == "Please decide, item by item"
    assert card.approve.text() == "Approve"
    assert (
        "Rear brake pads worn to 2.6 mm" in card.frame.findChildren(type(approvals.title))[0].text()
    )
    assert approvals.language_button.text() == "中文"
    assert demo_app.model.language == "en"  # the advisor's own screens did not change

    report = demo_app.window.pages["report"]
    demo_app.window.show_page("report")
    report.refresh()
    assert report.language == "zh"  # the report defaults to the customer's language too
    assert report.language_button.text() == "Report in Chinese"
    qtbot.mouseClick(report.language_button, Qt.MouseButton.LeftButton)
    assert report.language == "en" and report.language_button.text() == "Report in English"


def test_the_profile_form_keeps_the_reports_time_zone(qapp: QApplication, tmp_path: Path) -> None:
    form = ProfileForm(tmp_path)
    form.load(Profile(name="Harbour Motors"))
    assert form.values()["time_zone"] == ""  # this machine's
    form.load(Profile(name="Harbour Motors", time_zone="Asia/Kolkata"))  # not in the list
    assert form.values()["time_zone"] == "Asia/Kolkata"
    assert parse_changes(form.values())["time_zone"] == "Asia/Kolkata"
