"""A live line chart of chosen values (engine speed, coolant temperature, ...)."""

from __future__ import annotations

import logging
from collections import deque

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

SERIES_COLOURS = ("#1565c0", "#c62828", "#2e7d32", "#6a1b9a")


class LiveChart(QWidget):
    """Each series is scaled to its own range, labelled with its last value and unit."""

    def __init__(self, points: int = 120, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("live_chart")
        self.setMinimumHeight(140)
        self.points = points
        self.series: dict[str, deque[float]] = {}
        self.units: dict[str, str] = {}

    def clear(self) -> None:
        self.series.clear()
        self.update()

    def add(self, name: str, value: float, unit: str = "") -> None:
        self.series.setdefault(name, deque(maxlen=self.points)).append(value)
        self.units[name] = unit
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#fafafa"))
        painter.setPen(QPen(QColor("#cfd8dc"), 1))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        w, h = self.width() - 20, self.height() - 40
        for index, (name, values) in enumerate(self.series.items()):
            colour = QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)])
            painter.setPen(QPen(colour, 2))
            if values:
                low, high = min(values), max(values)
                span = (high - low) or 1.0
                step = w / max(self.points - 1, 1)
                points = [
                    QPointF(10 + i * step, 30 + h - (v - low) / span * h)
                    for i, v in enumerate(values)
                ]
                painter.drawPolyline(points)
                label = f"{name}: {values[-1]:g} {self.units.get(name, '')}"
                painter.drawText(12 + index * 220, 20, label)
        if not self.series:
            painter.setPen(QPen(QColor("#9e9e9e")))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "—")
