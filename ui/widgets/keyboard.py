"""The on-screen keyboard for every text field: letters, digits and pinyin input.

It appears when a text field takes the focus and floats over the half of the screen
the field is not in, so the field stays visible. In Chinese mode the letters are
pinyin: they gather in a composition line and the candidates from a small table
(`fixtures/input/pinyin.json`) are tapped into the field.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import NamedTuple

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from station.fixtures import load_json

log = logging.getLogger(__name__)

PINYIN_FILE = "input/pinyin.json"


class Match(NamedTuple):
    word: str
    letters: int  # how many letters of the spelling it stands for


ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
KEY_HEIGHT = 52
MAX_CANDIDATES = 8


@cache
def pinyin_table() -> dict[str, tuple[str, ...]]:
    """Spelling -> candidates: a word's own first, then the syllable's characters."""
    data = load_json(PINYIN_FILE)
    table = {str(k): tuple(v) for k, v in data["words"].items()}
    for syllable, characters in data.get("syllables", {}).items():
        known = table.get(syllable, ())
        table[syllable] = known + tuple(c for c in characters if c not in known)
    return table


def matches(spelling: str, table: dict[str, tuple[str, ...]] | None = None) -> list[Match]:
    """What a toneless pinyin spelling may mean, with how many letters each takes: exact
    words first, then longer words that start with it, then the characters of its
    longest known beginning (a first syllable), which leave the other letters to type."""
    table = pinyin_table() if table is None else table
    if not spelling:
        return []
    found = [Match(word, len(spelling)) for word in table.get(spelling, ())]
    for key in sorted(table, key=len):
        if key != spelling and key.startswith(spelling):
            found += [Match(word, len(spelling)) for word in table[key]]
    if not found:
        for cut in range(len(spelling) - 1, 0, -1):
            if spelling[:cut] in table:
                found = [Match(word, cut) for word in table[spelling[:cut]]]
                break
    unique = {match.word: match for match in reversed(found)}  # the first of each word stays
    return sorted(unique.values(), key=found.index)[:MAX_CANDIDATES]


def candidates(spelling: str, table: dict[str, tuple[str, ...]] | None = None) -> list[str]:
    return [match.word for match in matches(spelling, table)]


def _key(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field keeps the focus
    button.setMinimumHeight(KEY_HEIGHT)
    button.setMinimumWidth(44)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    button.setStyleSheet("padding: 0px;")
    return button


class OnScreenKeyboard(QFrame):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("keyboard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "QFrame#keyboard { background: #cfd8dc; border-top: 2px solid #90a4ae; }"
        )
        self.target: QLineEdit | None = None
        self.chinese = False
        self.shifted = False
        self.spelling = ""
        self.composition = QLabel()
        self.composition.setObjectName("keyboard_spelling")
        self.composition.setProperty("data", "true")
        self.composition.setMinimumWidth(120)
        self.candidate_row = QHBoxLayout()
        self.candidate_buttons: list[QPushButton] = []
        for index in range(MAX_CANDIDATES):
            button = _key("", f"candidate_{index}")
            button.setProperty("data", "true")
            button.clicked.connect(lambda _=False, i=index: self.pick(i))
            self.candidate_row.addWidget(button)
            self.candidate_buttons.append(button)
        top = QHBoxLayout()
        top.addWidget(self.composition)
        top.addLayout(self.candidate_row, 1)
        self.keys: dict[str, QPushButton] = {}
        box = QVBoxLayout(self)
        box.setContentsMargins(6, 4, 6, 6)
        box.setSpacing(4)
        box.addLayout(top)
        for row in ROWS:
            line = QHBoxLayout()
            line.setSpacing(4)
            if row == "zxcvbnm":
                self.shift = _key("⇧", "key_shift")
                self.shift.setCheckable(True)
                self.shift.clicked.connect(self._shift)
                line.addWidget(self.shift)
            for char in row:
                button = _key(char, f"kb_{char}")
                button.setProperty("data", "true")
                button.clicked.connect(lambda _=False, c=char: self.type(c))
                line.addWidget(button)
                self.keys[char] = button
            if row == "zxcvbnm":
                self.backspace = _key("⌫", "kb_backspace")
                self.backspace.clicked.connect(self.erase)
                line.addWidget(self.backspace)
            box.addLayout(line)
        bottom = QHBoxLayout()
        self.mode = _key("", "kb_mode")
        self.mode.setProperty("data", "true")
        self.mode.clicked.connect(self.toggle_chinese)
        self.comma = _key(",", "kb_comma")
        self.comma.clicked.connect(lambda: self.type(","))
        self.space = _key("", "kb_space")
        self.space.clicked.connect(self.space_pressed)
        self.dot = _key(".", "kb_dot")
        self.dot.clicked.connect(lambda: self.type("."))
        self.hide_button = _key("", "kb_hide")
        self.hide_button.clicked.connect(self.close_keyboard)
        bottom.addWidget(self.mode, 2)
        bottom.addWidget(self.comma, 1)
        bottom.addWidget(self.space, 6)
        bottom.addWidget(self.dot, 1)
        bottom.addWidget(self.hide_button, 2)
        box.addLayout(bottom)
        self.hide()
        self.retranslate()
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.installEventFilter(self)
            app.focusChanged.connect(self._focus_changed)

    def retranslate(self) -> None:
        self.mode.setText("中 → EN" if self.chinese else "EN → 中")
        self.space.setText(self.tr("space"))
        self.hide_button.setText(self.tr("Hide"))
        self._show_candidates()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- where it shows -------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        """A tap on a text field brings the keyboard (focus alone does not: a screen that
        opens with the cursor in a field must not hide itself under the keys)."""
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and isinstance(watched, QLineEdit)
            and not watched.isReadOnly()
            and watched.window() is self.window()
        ):
            self.attach(watched)
        return False

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        leaving = new is not None and not isinstance(new, QLineEdit)
        if self.isVisible() and leaving and new.window() is self.window():  # type: ignore[union-attr]
            self.close_keyboard()

    def attach(self, field: QLineEdit) -> None:
        """Type into this field; the keyboard takes the half of the screen it is not in."""
        if self.target is not field:
            self._commit_spelling()
        self.target = field
        window = self.window()
        self.setFixedWidth(window.width())
        self.adjustSize()
        centre = field.mapTo(window, field.rect().center()).y()
        self.move(0, 0 if centre > window.height() // 2 else window.height() - self.height())
        self.show()
        self.raise_()

    def close_keyboard(self) -> None:
        self._commit_spelling()
        self.hide()
        if self.target is not None:
            self.target.clearFocus()
        self.target = None

    # -- typing ------------------------------------------------------------------------

    def type(self, char: str) -> None:
        if self.target is None:
            return
        if self.chinese and char.isalpha():
            self.spelling += char.lower()
            self._show_candidates()
            return
        self._commit_spelling()
        self.target.insert(char.upper() if self.shifted and char.isalpha() else char)
        if self.shifted:
            self.shift.setChecked(False)
            self._shift()

    def erase(self) -> None:
        if self.spelling:
            self.spelling = self.spelling[:-1]
            self._show_candidates()
        elif self.target is not None:
            self.target.backspace()

    def space_pressed(self) -> None:
        if self.spelling:
            self.pick(0)
        elif self.target is not None:
            self.target.insert(" ")

    def pick(self, index: int) -> None:
        """Put the chosen candidate into the field; without one, the letters as typed.
        A character for the first syllable leaves the letters after it to pick next."""
        found = matches(self.spelling)
        if index >= len(found):
            self._commit_spelling()
            return
        if self.target is not None:
            self.target.insert(found[index].word)
        self.spelling = self.spelling[found[index].letters :]
        self._show_candidates()

    def toggle_chinese(self) -> None:
        self._commit_spelling()
        self.chinese = not self.chinese
        self.retranslate()

    def _shift(self) -> None:
        self.shifted = self.shift.isChecked()
        for char, button in self.keys.items():
            button.setText(char.upper() if self.shifted else char)

    def _commit_spelling(self) -> None:
        if self.spelling and self.target is not None:
            self.target.insert(self.spelling)
        self.spelling = ""
        self._show_candidates()

    def _show_candidates(self) -> None:
        words = candidates(self.spelling)
        self.composition.setText(self.spelling)
        for index, button in enumerate(self.candidate_buttons):
            button.setText(words[index] if index < len(words) else "")
            button.setEnabled(index < len(words))
