"""The core's refusals are read in the screen's language, with their values in place."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from station import catalogue
from station.config import load_config
from station.errors import NotFound, StationError
from station.findings import LineKind
from station.lifecycle import Status
from station.store import Store
from ui.app import StationApp
from ui.errors import KEYED, error_text, keyed_text

from .conftest import log_in
from .floor import CJK, UNITS, WORD


def english_words(text: str) -> list[str]:
    plain = re.sub(r"<[^>]+>|\S+@\S+", " ", text)  # markup and an example address are no words
    return [word for word in WORD.findall(plain) if word not in UNITS]


def test_a_wrong_pin_is_said_in_chinese_with_the_attempts_left(demo_app: StationApp) -> None:
    app = demo_app
    app.model.set_language("zh")
    assert not app.model.login("li.wei", "0000")
    text = app.window.login.message.text()
    assert "PIN 码错误" in text and "还可尝试 4 次" in text
    app.model.set_language("en")
    assert not app.model.login("li.wei", "0000")
    assert app.window.login.message.text() == "Unknown user or wrong PIN (3 attempts left)"


def test_a_refused_status_change_names_both_stages_in_chinese(demo_app: StationApp) -> None:
    app = demo_app
    assert app.cast is not None
    assert app.model.login("admin", app.cast.pins["admin"])
    app.model.set_language("zh")
    notices: list[str] = []
    app.model.events.notice.connect(lambda text, _error: notices.append(text))
    wo = app.model.workshop.list_work_orders()[0]
    app.model.act(
        app.model.workshop.change_status, app.model.require_actor(), wo["id"], Status.DELIVERED
    )
    assert notices, "the refusal became a notice"
    assert "工单不能从" in notices[-1] or "交车" in notices[-1], notices[-1]
    assert not any(word in notices[-1] for word in ("cannot", "work order"))


def test_an_error_with_a_message_key_is_said_from_the_catalogue(demo_app: StationApp) -> None:
    demo_app.model.set_language("zh")
    err = StationError("mileage went down")
    err.key = "mileage.down"  # type: ignore[attr-defined]
    err.params = {"previous": 45310, "new": 4531}  # type: ignore[attr-defined]
    assert error_text(err) == "里程从 45310 公里降到 4531 公里：请核对里程表，或确认较低的读数"


# A value for each parameter a sentence takes, as the core passes it.
SAMPLES: dict[str, object] = {
    "left": 3,
    "name": "王伟",
    "role": "technician",
    "permission": "work_order.deliver",
    "current": "ready",
    "target": "booked",
    "status": "delivered",
    "number": "WO-20261130-00001",
    "vin": "LSVAU2180N2183741",
    "previous": 45310,
    "new": 4531,
    "km": -5,
    "count": 2,
    "scanned": "LSVAU2180N2183741",
    "expected": "WVWZZZ1KZAW000123",
    "codes": "P0301, P0420",
    "powertrain": "XY",
    "year": 1800,
    "language": "fr",
    "line": "刹车片",
    "value": "42",
    "max": 200,
    "length": 250,
    "vehicle": "大众 朗逸 2019",
    "rate": "113",
    "phone": "12#",
    "currency": "RMB1",
    "mb": 2,
    "code": "FLT-AIR",
    "quantity": "0",
    "address": "12@34",
    "zone": "UTC+25",
    "path": "/数据/终端1.db",
    "source": "/备份/1.db",
    "folder": "/数据/车间服务器",
    "reason": "ENOSPC",
    "problem": "ENOSPC",
    "setting": "k1.k2",
    "customer": 42,
    "version": 9,
    "library": "PIL",
    "interface": "PCAN",
    "channel": "can0",
    "port": "COM3",
    "rates": "38400, 9600",
    "command": "ATSP0",
    "seconds": "5",
    "answer": "?",
    "size": "12x",
    "options": "{}",
    "backend": "k1",
    "known": "k1, k2",
    "ecu": "7E8",
    "frame": "EV_1",
}


def test_every_message_key_is_said_in_chinese(demo_app: StationApp) -> None:
    demo_app.model.set_language("zh")
    wrong = {}
    for key, (_sentence, names) in KEYED.items():
        said = keyed_text(key, {name: SAMPLES[name] for name in names})
        assert said is not None
        if not CJK.search(said) or english_words(said):
            wrong[key] = said
    assert wrong == {}


def test_refusals_on_the_chinese_screen_have_no_english(qtbot: QtBot, demo_app: StationApp) -> None:
    app, window = demo_app, demo_app.window
    assert app.cast is not None
    log_in(qtbot, app, "admin", app.cast.pins["admin"])
    app.model.set_language("zh")
    workshop, store = app.model.workshop, app.model.workshop.store
    actor = app.model.require_actor()
    wo = workshop.list_work_orders()[0]
    refusals: list[tuple[Callable[..., object], tuple[object, ...]]] = [
        (workshop.change_status, (actor, wo["id"], Status.DELIVERED)),
        (workshop.post_update, (actor, wo["id"], "  ")),
        (workshop.add_customer, (actor, " ")),
        (workshop.add_customer, (actor, "x" * 500)),
        (workshop.record_signature, (actor, [[(1.0, 1.0)]], 600, 200)),
        (workshop.hand_over, (actor, wo["id"], "", "0" * 64)),
        (catalogue.add_price_item, (store, actor, "", "Pads", "", LineKind.PART, 100)),
        (catalogue.add_canned_job, (store, actor, "Service", "保养", [])),
        (catalogue.retire_canned_job, (store, actor, 999_999)),
        (workshop.record_follow_up, (actor, 999_999, "ok")),
    ]
    shown = []
    for command, args in refusals:
        window.hide_notice()
        assert app.model.act(command, *args) is None, command
        assert window.notice_shown()
        shown.append(window.notice.text())
    mixed = [text for text in shown if not CJK.search(text) or english_words(text)]
    assert mixed == []
    assert len(set(shown)) == len(shown), "each refusal says what it is"

    app.model.lock()
    assert not app.model.login("li.wei", "0000")
    said = window.login.message.text()
    assert CJK.search(said) and english_words(said) == []


def test_a_refusal_without_a_key_is_said_by_its_kind_in_chinese(demo_app: StationApp) -> None:
    demo_app.model.set_language("zh")
    assert error_text(NotFound("widget 7 does not exist")) == "本终端上没有这条记录"
    assert error_text(StationError("something new")) == "终端拒绝了此操作"
    demo_app.model.set_language("en")
    assert error_text(StationError("something new")) == "something new"


def test_a_damaged_database_and_a_bad_setting_are_said_in_chinese_with_their_detail(
    demo_app: StationApp, tmp_path: Path
) -> None:
    demo_app.model.set_language("zh")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database, a photo")
    with pytest.raises(StationError) as damaged:
        Store.open(junk)
    said = error_text(damaged.value)
    assert said.startswith(f"{junk} 不是可用的终端数据库：") and "请恢复备份" in said
    (tmp_path / "station.toml").write_text("[sync\n", encoding="utf-8")
    with pytest.raises(StationError) as unreadable:
        load_config(data_dir=tmp_path, env={})
    said = error_text(unreadable.value)
    assert said.startswith(f"配置文件 {tmp_path / 'station.toml'} 不是有效的 TOML：")
    config = load_config(data_dir=tmp_path / "elsewhere", env={"STATION_BACKUP_KEEP_DAILY": "7d"})
    with pytest.raises(StationError) as bad:
        config.get_int("backup.keep_daily", 7)
    assert error_text(bad.value) == "设置 backup.keep_daily 必须是整数，而不是 '7d'"
    demo_app.model.set_language("en")
    said = error_text(damaged.value)
    assert said.startswith(f"{junk} is not a usable station database: it is not an SQLite")
    assert said.endswith("restore a backup, or move the file away and set the station up again")
