"""A large numeric keypad for PINs and measurements (touch screens, gloved hands)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

KEY_SIZE = 60


class NumericKeypad(QWidget):
    """Digits, a decimal point when asked, delete, clear and OK; emits `entered` on OK."""

    entered = Signal(str)

    def __init__(
        self, secret: bool = False, decimal: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.display = QLineEdit()
        self.display.setObjectName("keypad_display")
        self.display.setReadOnly(True)
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setMinimumHeight(52)
        self.display.setStyleSheet("font-size: 28px;")
        if secret:
            self.display.setEchoMode(QLineEdit.EchoMode.Password)
        grid = QGridLayout()
        grid.setSpacing(6)
        self.keys: dict[str, QPushButton] = {}
        layout = ["7", "8", "9", "4", "5", "6", "1", "2", "3", "." if decimal else "C", "0", "del"]
        for index, key in enumerate(layout):
            button = QPushButton()
            button.setObjectName(f"key_{key}")
            button.setMinimumSize(KEY_SIZE + 12, KEY_SIZE)
            button.setStyleSheet("font-size: 28px;")
            button.clicked.connect(lambda _=False, k=key: self.press(k))
            grid.addWidget(button, index // 3, index % 3)
            self.keys[key] = button
        self.ok = QPushButton()
        self.ok.setObjectName("key_ok")
        self.ok.setProperty("accent", "true")
        self.ok.setMinimumHeight(KEY_SIZE)
        self.ok.setStyleSheet("font-size: 24px;")
        self.ok.clicked.connect(lambda: self.entered.emit(self.display.text()))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        box = QVBoxLayout(self)
        box.addWidget(self.display)
        box.addLayout(grid)
        box.addWidget(self.ok)
        self.retranslate()

    def retranslate(self) -> None:
        for key, button in self.keys.items():
            button.setText({"del": "⌫", "C": self.tr("Clear")}.get(key, key))
        self.ok.setText(self.tr("OK"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def press(self, key: str) -> None:
        text = self.display.text()
        if key == "del":
            text = text[:-1]
        elif key == "C":
            text = ""
        elif key == "." and "." in text:
            return
        elif len(text) < 12:
            text += key
        self.display.setText(text)

    def text(self) -> str:
        return self.display.text()

    def set_text(self, text: str) -> None:
        self.display.setText(text)

    def clear(self) -> None:
        self.display.clear()
