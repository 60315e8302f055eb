"""The signature pad inside a page that scrolls by dragging: the pen strokes are the
signature's, and the tap after signing reaches its button."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.style import apply_style
from ui.widgets.signature import SignaturePad

LEFT = Qt.MouseButton.LeftButton


def draw(pad: SignaturePad, y: int) -> None:
    QTest.mousePress(pad, LEFT, Qt.KeyboardModifier.NoModifier, QPoint(40, y))
    for x in range(60, 400, 30):
        QTest.mouseMove(pad, QPoint(x, y + (x // 30 % 3) * 8))
    QTest.mouseRelease(pad, LEFT, Qt.KeyboardModifier.NoModifier, QPoint(420, y))


def test_strokes_on_a_pad_in_a_dragged_page_sign_and_do_not_scroll(
    qtbot: QtBot, qapp: QApplication
) -> None:
    apply_style(qapp)
    page = QScrollArea()
    page.setWidgetResizable(True)
    content = QWidget()
    box = QVBoxLayout(content)
    pad = SignaturePad()
    button = QPushButton("Hand over")
    box.addWidget(pad)
    box.addWidget(button)
    box.addSpacing(1500)  # taller than the window: the page scrolls
    page.setWidget(content)
    page.resize(700, 500)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert page.verticalScrollBar().maximum() > 0

    draw(pad, 60)
    draw(pad, 120)
    assert [len(stroke) >= 10 for stroke in pad.strokes()] == [True, True]
    assert page.verticalScrollBar().value() == 0

    with qtbot.waitSignal(button.clicked, timeout=10_000):
        qtbot.mouseClick(button, LEFT)
