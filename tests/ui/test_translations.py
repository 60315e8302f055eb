"""The translations: Chinese complete, English's singular and plural of every counted text,
and each committed .qm compiled from its .ts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from ui.i18n import ENGLISH_QM_FILE, ENGLISH_TS_FILE, QM_FILE, TS_FILE, Translations
from ui.texts import stage_text


def counted(ts: Path) -> dict[tuple[str, str], list[str]]:
    """The `%n` texts of a catalogue, by context and source: their forms as translated."""
    found = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            if message.get("numerus") == "yes":
                translation = message.find("translation")
                assert translation is not None and translation.get("type") is None
                forms = [form.text or "" for form in translation.iter("numerusform")]
                found[(name, message.findtext("source", ""))] = forms
    return found


def test_every_source_text_has_a_chinese_translation() -> None:
    root = ET.parse(TS_FILE).getroot()
    messages = list(root.iter("message"))
    assert len(messages) > 200
    unfinished = [
        m.findtext("source")
        for m in messages
        if m.find("translation") is None or m.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
    ]
    assert unfinished == []


def test_every_counted_text_has_an_english_singular_and_plural() -> None:
    english = counted(ENGLISH_TS_FILE)
    assert english.keys() == counted(TS_FILE).keys()
    assert len(english) >= 6
    for (_, source), (one, many) in english.items():
        assert "%n" in one and "%n" in many, source
        assert "(s)" not in one + many, source


@pytest.mark.parametrize(("ts", "qm"), [(TS_FILE, QM_FILE), (ENGLISH_TS_FILE, ENGLISH_QM_FILE)])
def test_the_committed_qm_is_compiled_from_the_ts(ts: Path, qm: Path, tmp_path: Path) -> None:
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    if not lrelease.exists() and shutil.which("pyside6-lrelease") is None:
        pytest.skip("pyside6-lrelease is not installed")
    target = tmp_path / "check.qm"
    subprocess.run([str(lrelease), str(ts), "-qm", str(target)], check=True, capture_output=True)
    assert target.read_bytes() == qm.read_bytes()


@pytest.fixture
def translations(qapp: QApplication) -> Iterator[Translations]:
    installed = Translations(qapp)
    yield installed
    installed.detach()


def test_a_count_is_said_in_each_language(translations: Translations) -> None:
    translations.use("en")
    decision = "awaiting approval · waiting for the customer's decision on %s"
    assert stage_text("awaiting_approval", 1) == decision % "1 item"
    assert stage_text("awaiting_approval", 3) == decision % "3 items"
    photos = [QCoreApplication.translate("CheckInView", "%n photo(s)", "", n) for n in (1, 3)]
    assert photos == ["1 photo", "3 photos"]
    translations.use("zh")
    assert stage_text("awaiting_approval", 1).endswith("有 1 项等待客户决定")
    assert stage_text("awaiting_approval", 3).endswith("有 3 项等待客户决定")
    photos = [QCoreApplication.translate("CheckInView", "%n photo(s)", "", n) for n in (1, 3)]
    assert photos == ["1 张照片", "3 张照片"]
    translations.use("en")
    assert stage_text("awaiting_approval", 3) == decision % "3 items"
