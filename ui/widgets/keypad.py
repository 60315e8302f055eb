"""A large numeric keypad for PINs and measurements (touch screens, gloved hands)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

KEY_SIZE = 52


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
        self.display.setMinimumHeight(48)
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
            button.setStyleSheet(
                "font-size: 28px; padding: 0px;" if key != "C" else "padding: 0px;"
            )
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


class KeypadPopup(QFrame):
    """The keypad over the screen for one number (a measurement, a price, a quantity):
    it floats above the page, so the page itself never gives room to it; OK hands the
    value to whoever asked, Cancel just closes."""

    def __init__(self, host: QWidget, decimal: bool = True) -> None:
        super().__init__(host.window())
        self.setObjectName("keypad_popup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setStyleSheet(
            "QFrame#keypad_popup { border: 2px solid #1565c0; border-radius: 10px; }"
        )
        self.title = QLabel()
        self.title.setObjectName("keypad_title")
        self.title.setWordWrap(True)
        self.keypad = NumericKeypad(decimal=decimal)
        self.keypad.entered.connect(self._entered)
        self.cancel = QPushButton()
        self.cancel.setObjectName("keypad_cancel")
        self.cancel.clicked.connect(self.hide)
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.keypad)
        box.addWidget(self.cancel)
        self._take: Callable[[str], None] | None = None
        self.hide()
        self.retranslate()

    def retranslate(self) -> None:
        self.cancel.setText(self.tr("Cancel"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def ask(self, title: str, current: str, take: Callable[[str], None]) -> None:
        self.title.setText(title)
        self.keypad.set_text(current)
        self._take = take
        window = self.parentWidget()
        if window is not None:
            self.setFixedWidth(300)
            self.adjustSize()
            self.move(
                window.width() - self.width() - 12, max(0, (window.height() - self.height()) // 2)
            )
        self.show()
        self.raise_()

    def _entered(self, text: str) -> None:
        take, self._take = self._take, None
        self.hide()
        if take is not None and text:
            take(text)


class NumberField(QPushButton):
    """A number typed on the app's keypad instead of a spin box with tiny arrows: it shows
    the value and opens the keypad when tapped; `value`/`setValue` as on a spin box."""

    valueChanged = Signal(float)  # noqa: N815 (Qt naming)

    def __init__(
        self, title: str = "", decimals: int = 2, suffix: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.decimals = decimals
        self.suffix = suffix
        self._value = 0.0
        self.minimum, self.maximum = 0.0, 1_000_000.0
        self.popup: KeypadPopup | None = None
        self.clicked.connect(self.open_keypad)
        self._show()

    def setRange(self, minimum: float, maximum: float) -> None:  # noqa: N802 (spin box naming)
        self.minimum, self.maximum = minimum, maximum

    def value(self) -> float:
        return self._value

    def setValue(self, value: float) -> None:  # noqa: N802 (spin box naming)
        self._value = min(max(float(value), self.minimum), self.maximum)
        self._show()
        self.valueChanged.emit(self._value)

    def _show(self) -> None:
        self.setText(f"{self._value:.{self.decimals}f}{self.suffix}")

    def open_keypad(self) -> None:
        if self.popup is None:
            self.popup = KeypadPopup(self, decimal=self.decimals > 0)
        self.popup.ask(self.title, "", lambda text: self.setValue(float(text)))
