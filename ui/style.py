"""Look and size: big touch targets (gloves) and the rating colours."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QModelIndex, QObject
from PySide6.QtGui import QColor, QFont, QScrollPrepareEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QListView,
    QScroller,
    QTreeView,
    QWidget,
)

log = logging.getLogger(__name__)

TOUCH = 46  # px of content: with padding and border every button is 56 px tall (44 px is the floor)
MIN_TARGET = 44  # the smallest thing a gloved finger is asked to hit, in px
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
QPushButton[compact="true"] {{ min-height: {MIN_TARGET}px; padding: 0px 10px; }}
QPushButton[nav="true"] {{ text-align: left; padding-left: 18px; }}
QLineEdit, QComboBox {{ min-height: {MIN_TARGET}px; padding: 2px 8px; }}
QComboBox::drop-down {{ width: {MIN_TARGET}px; }}
QComboBox QAbstractItemView::item {{ min-height: 52px; padding: 0px 8px; }}
QTabBar::tab {{ min-height: 48px; min-width: 64px; padding: 4px 10px; }}
QCheckBox {{ min-height: 52px; spacing: 14px; }}
QCheckBox::indicator {{ width: 40px; height: 40px; }}
QTreeView::item, QListView::item {{ min-height: 48px; }}
QScrollBar:vertical {{ width: {MIN_TARGET}px; background: #eceff1; margin: 0px; }}
QScrollBar:horizontal {{ height: {MIN_TARGET}px; background: #eceff1; margin: 0px; }}
QScrollBar::handle {{ background: #90a4ae; border-radius: 8px; margin: 4px; }}
QScrollBar::handle:vertical {{ min-height: 64px; }}
QScrollBar::handle:horizontal {{ min-width: 64px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0px; height: 0px; border: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
QLabel#notice {{ padding: 2px 8px; border-radius: 6px; }}
QHeaderView::section {{ padding: 6px; font-weight: bold; }}
QTableWidget {{ gridline-color: #cfd8dc; }}
QLabel[heading="true"] {{ font-size: 22px; font-weight: bold; }}
QLabel[notice="error"] {{ background: #ffebee; color: #b71c1c; padding: 8px; border-radius: 6px; }}
QLabel[notice="info"] {{ background: #e3f2fd; color: #0d47a1; padding: 8px; border-radius: 6px; }}
QProgressBar {{ min-height: 28px; }}
"""


def read_property(thing: QObject, name: str) -> object:
    """A dynamic property's value, or None when it was never set.

    Asked for a property that was never set, PySide6 6.12's `QObject.property` returns
    None without counting the reference, so every such call takes one from None: some
    thousands of them and Python 3.11 ends with "deallocating None". Only set ones are read.
    """
    if name.encode() not in {bytes(n.data()) for n in thing.dynamicPropertyNames()}:
        return None
    return thing.property(name)


class TouchPolish(QObject):
    """Makes every widget the app ever creates fit for a finger, when Qt first polishes it:
    lists and panes scroll by dragging (kinetic), a tree row opens or closes with one tap
    anywhere on it, and a drop-down list has rows as tall as a button."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Polish and isinstance(watched, QWidget):
            make_touch_friendly(watched)
        return False


_polish = TouchPolish()


def make_touch_friendly(widget: QWidget) -> None:
    if read_property(widget, "touch_ready"):
        return
    widget.setProperty("touch_ready", True)
    if isinstance(widget, QComboBox) and not isinstance(widget.view(), QListView):
        widget.setView(QListView())
    if isinstance(widget, QAbstractItemView):
        widget.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        widget.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    if isinstance(widget, QTreeView):
        tree = widget
        tree.setIndentation(28)
        tree.setExpandsOnDoubleClick(False)
        tree.clicked.connect(lambda index: _toggle(tree, index))
    if isinstance(widget, QAbstractScrollArea) and read_property(widget, "kinetic") is not False:
        viewport = widget.viewport()
        QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        viewport.installEventFilter(_keep_drags)


class KeepDrags(QObject):
    """A drag that starts on a widget drawn on with a finger (the signature pad, marked
    `takes_drags`) is that widget's: the pane around it does not scroll. Without this
    the pane took the pen strokes as a scroll and swallowed the next tap."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if not isinstance(event, QScrollPrepareEvent) or not isinstance(watched, QWidget):
            return False
        under = watched.childAt(event.startPos().toPoint())
        while under is not None and under is not watched:
            if read_property(under, "takes_drags"):
                event.ignore()
                return True
            under = under.parentWidget()
        return False


_keep_drags = KeepDrags()


def _toggle(tree: QTreeView, index: QModelIndex) -> None:
    first = index.siblingAtColumn(0)
    if tree.model().hasChildren(first):
        tree.setExpanded(first, not tree.isExpanded(first))


def apply_style(app: QApplication) -> None:
    font = QFont()
    font.setFamilies(["Noto Sans CJK SC", "Noto Sans", "WenQuanYi Micro Hei", "DejaVu Sans"])
    font.setPixelSize(17)
    app.setFont(font)
    app.setStyleSheet(STYLE)
    app.removeEventFilter(_polish)
    app.installEventFilter(_polish)


def rating_colour(rating: str | None) -> QColor:
    return QColor(RATING_COLOURS.get(rating or "", "#9e9e9e"))
