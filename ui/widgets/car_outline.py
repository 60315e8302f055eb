"""A car seen from above; a tap marks existing damage (kept as fractions of the outline)."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

MARK_RADIUS = 14


class CarOutline(QWidget):
    """Front at the top. `marks` are dicts with x, y in 0..1 and a kind, as check-in stores them."""

    marked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("car_outline")
        self.setMinimumSize(200, 280)
        self.kind = "scratch"
        self._marks: list[dict[str, Any]] = []

    def marks(self) -> list[dict[str, Any]]:
        return [dict(mark) for mark in self._marks]

    def set_marks(self, marks: list[dict[str, Any]]) -> None:
        self._marks = [dict(mark) for mark in marks]
        self.update()

    def clear(self) -> None:
        self.set_marks([])
        self.marked.emit()

    def _body(self) -> QRectF:
        w, h = self.width(), self.height()
        body_w = min(w * 0.7, h * 0.45)
        body_h = min(h * 0.92, body_w / 0.45)
        return QRectF((w - body_w) / 2, (h - body_h) / 2, body_w, body_h)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt override)
        body = self._body()
        point = event.position()
        if not body.contains(point):
            return
        x = (point.x() - body.left()) / body.width()
        y = (point.y() - body.top()) / body.height()
        self._marks.append({"x": round(x, 3), "y": round(y, 3), "kind": self.kind})
        self.update()
        self.marked.emit()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        body = self._body()
        path = QPainterPath()
        path.addRoundedRect(body, body.width() * 0.3, body.width() * 0.35)
        painter.setPen(QPen(QColor("#37474f"), 3))
        painter.setBrush(QColor("#eceff1"))
        painter.drawPath(path)
        glass = QColor("#b0bec5")
        painter.setBrush(glass)
        painter.setPen(Qt.PenStyle.NoPen)
        windscreen = QRectF(
            body.left() + body.width() * 0.15,
            body.top() + body.height() * 0.25,
            body.width() * 0.7,
            body.height() * 0.12,
        )
        rear = QRectF(
            body.left() + body.width() * 0.18,
            body.top() + body.height() * 0.72,
            body.width() * 0.64,
            body.height() * 0.09,
        )
        painter.drawRoundedRect(windscreen, 8, 8)
        painter.drawRoundedRect(rear, 8, 8)
        painter.setBrush(QColor("#263238"))
        wheel_w, wheel_h = body.width() * 0.12, body.height() * 0.14
        for fx in (-0.04, 0.92):
            for fy in (0.14, 0.74):
                painter.drawRoundedRect(
                    QRectF(
                        body.left() + body.width() * fx,
                        body.top() + body.height() * fy,
                        wheel_w,
                        wheel_h,
                    ),
                    4,
                    4,
                )
        painter.setPen(QPen(QColor("#b71c1c"), 3))
        painter.setBrush(QColor(198, 40, 40, 120))
        for mark in self._marks:
            centre = QPointF(
                body.left() + float(mark["x"]) * body.width(),
                body.top() + float(mark["y"]) * body.height(),
            )
            painter.drawEllipse(centre, MARK_RADIUS, MARK_RADIUS)
