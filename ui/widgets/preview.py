"""The camera's live preview on screen; frames arrive on the camera thread and are
handed to the GUI thread through a queued signal (the newest frame wins)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget

log = logging.getLogger(__name__)


def to_qimage(image: Any) -> QImage:
    """A BGR numpy frame as a QImage that owns its pixels."""
    height, width = image.shape[:2]
    return QImage(
        image.data, width, height, int(image.strides[0]), QImage.Format.Format_BGR888
    ).copy()


class CameraPreview(QLabel):
    frame = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("camera_preview")
        self.setMinimumSize(320, 200)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("background: #263238; color: white;")
        self.frame.connect(self._show)
        self._unsubscribe: Callable[[], None] | None = None
        self.frames_shown = 0

    def attach(self, camera: Any) -> None:
        self.detach()
        if camera is not None:
            self._unsubscribe = camera.on_preview(lambda preview: self.frame.emit(preview.image))

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    @Slot(object)
    def _show(self, image: Any) -> None:
        if self._unsubscribe is None:
            return
        pixmap = QPixmap.fromImage(to_qimage(image))
        self.setPixmap(pixmap.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio))
        self.frames_shown += 1
