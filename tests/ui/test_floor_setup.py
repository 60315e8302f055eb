"""The first-run set-up at every size in both languages (its own module: one app at a
time owns the application's translators)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from ui.app import StationApp, build_app
from ui.screens import settle

from .floor import problems_with_targets, problems_with_texts
from .test_floor import LANGUAGES, SIZES


@pytest.fixture(scope="module")
def new_app(qapp: QApplication, tmp_path_factory: pytest.TempPathFactory) -> Iterator[StationApp]:
    app = build_app(
        Path(tmp_path_factory.mktemp("new")) / "data", sync=False, connect_devices=False
    )
    app.window.show()
    yield app
    app.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_first_run_set_up_fits_and_reads_well(
    new_app: StationApp, size: tuple[int, int], language: str
) -> None:
    setup = new_app.window.setup
    assert setup is not None
    new_app.model.set_language(language)
    found = []
    for step in range(setup.pages.count()):  # type: ignore[attr-defined]
        setup.go(step)  # type: ignore[attr-defined]
        new_app.window.resize(*size)
        settle(new_app)
        assert new_app.window.size().toTuple() == size
        found += [f"step {step + 1}: {p}" for p in problems_with_targets(new_app.window)]
        found += [f"step {step + 1}: {p}" for p in problems_with_texts(new_app.window, language)]
    assert found == []
