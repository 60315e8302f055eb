"""Look and size: big touch targets (gloves) and the rating colours."""

from __future__ import annotations

import logging

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

TOUCH = 46  # px of content: with padding and border every button is 56 px tall (44 px is the floor)
RATING_COLOURS = {"green": "#2e7d32", "amber": "#f9a825", "red": "#c62828"}
STATE_COLOURS = {
    "connected": "#2e7d32",
    "busy": "#1565c0",
    "reconnecting": "#f9a825",
    "failed": "#c62828",
    "absent": "#757575",
}

STYLE = f"""
QWidget {{ font-size: 17px; }}
QLabel#station_label {{ font-weight: bold; padding-right: 16px; }}
QPushButton {{ min-height: {TOUCH}px; min-width: {TOUCH}px; padding: 4px 12px;
    border: 1px solid #90a4ae; border-radius: 8px; background: #eceff1; }}
QPushButton:pressed {{ background: #cfd8dc; }}
QPushButton:checked {{ background: #1565c0; color: white; }}
QPushButton:disabled {{ color: #9e9e9e; background: #f5f5f5; border-color: #e0e0e0; }}
QPushButton[accent="true"] {{ background: #1565c0; color: white; font-weight: bold; }}
QPushButton[rating="green"] {{ background: {RATING_COLOURS["green"]}; color: white; font-weight: bold; }}
QPushButton[rating="amber"] {{ background: {RATING_COLOURS["amber"]}; color: black; font-weight: bold; }}
QPushButton[rating="red"] {{ background: {RATING_COLOURS["red"]}; color: white; font-weight: bold; }}
QPushButton[accent="true"]:disabled {{ background: #eeeeee; color: #9e9e9e; font-weight: normal; }}
QPushButton[rating="green"]:disabled {{ background: #c8e6c9; color: #607d8b; }}
QPushButton[rating="amber"]:disabled {{ background: #ffecb3; color: #607d8b; }}
QPushButton[rating="red"]:disabled {{ background: #ffcdd2; color: #607d8b; }}
QPushButton[rating]:checked {{ border: 4px solid #0d47a1; }}
QPushButton[compact="true"] {{ min-height: 36px; }}
QPushButton[nav="true"] {{ text-align: left; padding-left: 18px; }}
QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox {{ min-height: 44px; padding: 2px 8px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{ width: 40px; }}
QComboBox::drop-down {{ width: 44px; }}
QTabBar::tab {{ min-height: 48px; min-width: 110px; padding: 4px 14px; }}
QHeaderView::section {{ padding: 6px; font-weight: bold; }}
QTableWidget {{ gridline-color: #cfd8dc; }}
QLabel[heading="true"] {{ font-size: 22px; font-weight: bold; }}
QLabel[notice="error"] {{ background: #ffebee; color: #b71c1c; padding: 8px; border-radius: 6px; }}
QLabel[notice="info"] {{ background: #e3f2fd; color: #0d47a1; padding: 8px; border-radius: 6px; }}
QProgressBar {{ min-height: 28px; }}
"""


def apply_style(app: QApplication) -> None:
    font = QFont()
    font.setFamilies(["Noto Sans CJK SC", "Noto Sans", "WenQuanYi Micro Hei", "DejaVu Sans"])
    font.setPixelSize(17)
    app.setFont(font)
    app.setStyleSheet(STYLE)


def rating_colour(rating: str | None) -> QColor:
    return QColor(RATING_COLOURS.get(rating or "", "#9e9e9e"))
