"""Run-time language switching through Qt's translation system.

The English source strings live in the code; `translations/bay_station_zh_CN.ts`
holds the Simplified Chinese and the compiled `.qm` beside it is committed, so a
station needs no Qt tools to run (`python -m ui.i18n` refreshes them).
English has a catalogue too, `translations/bay_station_en.ts`, of the counted texts
only (`%n`): a source says "%n item(s)", and English says "1 item" or "3 items".
Switching installs or removes the translators; Qt then sends every widget a
LanguageChange event and each view sets its texts again.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

TRANSLATIONS = Path(__file__).parent / "translations"
TS_FILE = TRANSLATIONS / "bay_station_zh_CN.ts"
QM_FILE = TRANSLATIONS / "bay_station_zh_CN.qm"
# English's singular and plural of every counted text, and nothing else
ENGLISH_TS_FILE = TRANSLATIONS / "bay_station_en.ts"
ENGLISH_QM_FILE = TRANSLATIONS / "bay_station_en.qm"


class Translations:
    """The translators of one application; `use(language)` switches them."""

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.language = "en"
        self._ours = QTranslator()
        self._qt = QTranslator()
        self._english = QTranslator()
        if not self._ours.load(str(QM_FILE)):
            log.warning("no compiled translation at %s: the app stays in English", QM_FILE)
        if not self._english.load(str(ENGLISH_QM_FILE)):
            log.warning("no compiled English plurals at %s: counts say (s)", ENGLISH_QM_FILE)
        qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        self._qt.load(
            QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", qt_folder
        )

    def use(self, language: str) -> None:
        self.detach()
        if language == "zh":
            self.app.installTranslator(self._qt)
            self.app.installTranslator(self._ours)
        else:
            self.app.installTranslator(self._english)
        self.language = language

    def detach(self) -> None:
        self.app.removeTranslator(self._ours)
        self.app.removeTranslator(self._qt)
        self.app.removeTranslator(self._english)


def translate(context: str, text: str) -> str:
    return QCoreApplication.translate(context, text)


def refresh() -> int:
    """Extract the strings of ui/ into the .ts files and compile the .qm (for developers).

    The English file takes only the counted texts (`-pluralonly`); a new one arrives
    unfinished in both files, to be translated before it is compiled."""
    sources = sorted(str(p) for p in Path(__file__).parent.rglob("*.py"))
    tools = Path(sys.executable).parent
    for ts, qm, only in (
        (TS_FILE, QM_FILE, []),
        (ENGLISH_TS_FILE, ENGLISH_QM_FILE, ["-pluralonly"]),
    ):
        subprocess.run(
            [str(tools / "pyside6-lupdate"), *sources, "-no-obsolete", *only, "-ts", str(ts)],
            check=True,
        )
        subprocess.run([str(tools / "pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(refresh())
