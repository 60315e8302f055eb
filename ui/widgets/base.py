"""The base of every screen: it re-reads the model when shown and re-sets its texts
when the language changes."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from ui.model import StationModel

log = logging.getLogger(__name__)


class View(QWidget):
    """A widget handed the model: `refresh` re-reads it, `retranslate` sets the texts.

    A hidden view only notes that it is stale and refreshes when it is shown, so a
    change in the store costs only the views a person can see.
    """

    def __init__(self, model: StationModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self._stale = True
        model.events.changed.connect(self._on_changed)
        model.events.selection.connect(self._on_changed_any)
        model.events.actor.connect(self._on_changed_any)

    def _on_changed_any(self, *_: object) -> None:
        self._on_changed()

    def _on_changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self._on_changed()
        super().changeEvent(event)

    def refresh(self) -> None:
        self._stale = False

    def retranslate(self) -> None:
        """Set every text again from `self.tr` (called at start and on LanguageChange)."""


def push_button(name: str, accent: bool = False, rating: str | None = None) -> QPushButton:
    button = QPushButton()
    button.setObjectName(name)
    if accent:
        button.setProperty("accent", "true")
    if rating:
        button.setProperty("rating", rating)
    return button


def heading() -> QLabel:
    label = QLabel()
    label.setProperty("heading", "true")
    label.setWordWrap(True)
    return label
