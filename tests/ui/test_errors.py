"""The core's refusals are read in the screen's language, with their values in place."""

from __future__ import annotations

from station.errors import StationError
from station.lifecycle import Status
from ui.app import StationApp
from ui.errors import error_text


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
    assert error_text(StationError("something new")) == "something new"
