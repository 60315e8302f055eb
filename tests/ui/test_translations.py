"""The Chinese translation: complete, and the committed .qm compiled from the .ts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ui.i18n import QM_FILE, TS_FILE


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


def test_the_committed_qm_is_compiled_from_the_ts(tmp_path: Path) -> None:
    lrelease = Path(sys.executable).parent / "pyside6-lrelease"
    if not lrelease.exists() and shutil.which("pyside6-lrelease") is None:
        pytest.skip("pyside6-lrelease is not installed")
    target = tmp_path / "check.qm"
    subprocess.run(
        [str(lrelease), str(TS_FILE), "-qm", str(target)], check=True, capture_output=True
    )
    assert target.read_bytes() == QM_FILE.read_bytes()
