"""Log in: tap your name, type your PIN on the big keypad."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.model import StationModel
from ui.widgets.base import View, heading
from ui.widgets.keypad import NumericKeypad

log = logging.getLogger(__name__)


class LoginScreen(View):
    def __init__(self, model: StationModel, parent: QWidget | None = None) -> None:
        super().__init__(model, parent)
        self.setObjectName("login")
        self.title = heading()
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint = QLabel()
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message = QLabel()
        self.message.setObjectName("login_message")
        self.message.setWordWrap(True)
        # Always there at one height, empty or not: a wrong PIN must not move the keypad.
        self.message.setFixedHeight(60)
        self.people = QGridLayout()
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.user_buttons: dict[str, QPushButton] = {}
        self.keypad = NumericKeypad(secret=True)
        self.keypad.setMaximumWidth(420)
        self.keypad.entered.connect(self.submit)
        self.language = QPushButton()
        self.language.setObjectName("login_language")
        self.language.setProperty("data", "true")
        self.language.clicked.connect(self._toggle_language)
        left = QVBoxLayout()
        left.addWidget(self.hint)
        left.addLayout(self.people)
        left.addStretch(1)
        left.addWidget(self.language)
        row = QHBoxLayout()
        row.addLayout(left, 1)
        right = QVBoxLayout()
        right.addWidget(self.keypad)
        right.addStretch(1)
        row.addLayout(right)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.message)
        box.addLayout(row, 1)
        model.events.notice.connect(self._on_notice)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Bay Station — log in"))
        self.hint.setText(self.tr("Tap your name, then enter your PIN"))
        self.language.setText("English" if self.model.language == "zh" else "简体中文")

    def refresh(self) -> None:
        super().refresh()
        users = self.model.users()
        if [u["name"] for u in users] == list(self.user_buttons):
            return
        for button in self.user_buttons.values():
            self.group.removeButton(button)
            button.deleteLater()
        self.user_buttons = {}
        for index, user in enumerate(users):
            button = QPushButton(user["display_name"])
            button.setObjectName(f"user_{user['name']}")
            button.setProperty("data", "true")
            button.setCheckable(True)
            button.setMinimumHeight(64)
            self.group.addButton(button)
            self.people.addWidget(button, index // 2, index % 2)
            self.user_buttons[user["name"]] = button

    def choose(self, name: str) -> None:
        self.user_buttons[name].setChecked(True)

    def chosen(self) -> str | None:
        for name, button in self.user_buttons.items():
            if button.isChecked():
                return name
        return None

    def submit(self, pin: str) -> None:
        name = self.chosen()
        if name is None:
            self._on_notice(self.tr("Tap your name first"), True)
            return
        self.keypad.clear()
        if self.model.login(name, pin):
            self._on_notice("", False)

    def _on_notice(self, text: str, is_error: bool) -> None:
        if self.model.actor is None:
            self.message.setText(text)
            self.message.setProperty("notice", ("error" if is_error else "info") if text else "")
            self.message.style().unpolish(self.message)
            self.message.style().polish(self.message)

    def message_shown(self) -> bool:
        return bool(self.message.text())

    def _toggle_language(self) -> None:
        self.model.set_language("en" if self.model.language == "zh" else "zh")
