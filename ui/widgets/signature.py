"""The signature pad: the customer signs with a finger or stylus; strokes are kept as points."""

from __future__ import annotations

import itertools
import logging

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.model import StationModel

log = logging.getLogger(__name__)

Stroke = list[tuple[float, float]]


class SignaturePad(QWidget):
    """Records pen strokes in pad pixels (what `Workshop.record_signature` keeps)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_pad")
        self.setProperty("takes_drags", True)  # a stroke is a signature, not a scroll
        self.setMinimumSize(480, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(200)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self._strokes: list[Stroke] = []
        self._current: Stroke | None = None

    def strokes(self) -> list[Stroke]:
        return [list(stroke) for stroke in self._strokes if len(stroke) >= 2]

    def is_signed(self) -> bool:
        return bool(self.strokes())

    def clear(self) -> None:
        self._strokes = []
        self._current = None
        self.update()
        self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if event.button() == Qt.MouseButton.LeftButton:
            point = event.position()
            self._current = [(point.x(), point.y())]
            self._strokes.append(self._current)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self._current is not None:
            point = event.position()
            self._current.append((point.x(), point.y()))
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        if self._current is not None:
            point = event.position()
            if (point.x(), point.y()) != self._current[-1]:
                self._current.append((point.x(), point.y()))
            self._current = None
            self.update()
            self.changed.emit()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        painter.setPen(QPen(Qt.GlobalColor.lightGray, 1, Qt.PenStyle.DashLine))
        baseline = self.height() - 40
        painter.drawLine(20, baseline, self.width() - 20, baseline)
        painter.setPen(QPen(Qt.GlobalColor.darkBlue, 3))
        for stroke in self._strokes:
            for a, b in itertools.pairwise(stroke):
                painter.drawLine(QPointF(*a), QPointF(*b))
        painter.setPen(QPen(Qt.GlobalColor.gray, 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))


def keep_signature(model: StationModel, pad: SignaturePad) -> str | None:
    """Record what was drawn on `pad` in the core; its SHA-256, or None when refused."""
    return model.act(
        model.workshop.record_signature,
        model.require_actor(),
        pad.strokes(),
        pad.width(),
        pad.height(),
        announce=False,
    )
