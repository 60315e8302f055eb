"""Every screen at the sizes a workshop has (a 1024x768 bay tablet, a 1280x800 one, a
1920x1080 desk monitor), in both languages: every target inside the window and big
enough for a gloved finger, no text cut off, no raw keys, nothing in the wrong language,
and a notice that moves nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from ui.app import StationApp, build_app
from ui.screens import prepare_visit, screens, settle, wait_devices

from .floor import positions, problems_with_targets, problems_with_texts

SIZES = [(1024, 768), (1280, 800), (1920, 1080)]
LANGUAGES = ["zh", "en"]


@pytest.fixture(scope="module")
def visit_app(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StationApp]:
    data = Path(tmp_path_factory.mktemp("floor"))
    app = build_app(data, demo=True, fresh=True, language="en", fast_rig=True, sync=False)
    wait_devices(app)
    visit = prepare_visit(app)
    app.window.show()
    assert app.cast is not None
    app.model.login("admin", app.cast.pins["admin"])
    app.model.select(visit.wo_id)
    yield app
    app.close()


def _each_screen(app: StationApp, size: tuple[int, int], language: str) -> Iterator[str]:
    app.model.set_language(language)
    for name, show in screens(app).items():
        show()
        app.window.resize(*size)
        settle(app)
        yield name


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_target_is_inside_the_window_and_big_enough(
    visit_app: StationApp, size: tuple[int, int], language: str
) -> None:
    found = []
    for name in _each_screen(visit_app, size, language):
        assert visit_app.window.size().toTuple() == size, f"{name} does not fit the screen"
        found += [f"{name}: {p}" for p in problems_with_targets(visit_app.window)]
    assert found == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_no_text_is_cut_raw_or_in_the_wrong_language(
    visit_app: StationApp, size: tuple[int, int], language: str
) -> None:
    found = []
    for name in _each_screen(visit_app, size, language):
        found += [f"{name}: {p}" for p in problems_with_texts(visit_app.window, language)]
    assert found == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_notice_moves_no_target(visit_app: StationApp, language: str) -> None:
    window = visit_app.window
    moved = []
    for name in _each_screen(visit_app, (1024, 768), language):
        before = positions(window)
        visit_app.model.notify("A long notice that wraps over two lines " * 4, True)
        settle(visit_app)
        assert window.notice_shown()
        after = positions(window)
        moved += [f"{name}: {key}" for key, rect in before.items() if after.get(key) != rect]
        window.hide_notice()
    assert moved == []


def test_a_wrong_pin_moves_no_key_of_the_keypad(visit_app: StationApp) -> None:
    window = visit_app.window
    visit_app.model.lock()
    window.resize(1024, 768)
    settle(visit_app)
    before = positions(window)
    assert not visit_app.model.login("admin", "0000")
    settle(visit_app)
    assert window.login.message_shown()
    assert positions(window) == before
    assert visit_app.cast is not None
    assert visit_app.model.login("admin", visit_app.cast.pins["admin"])
