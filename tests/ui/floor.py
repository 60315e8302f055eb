"""What a person at the bay can see and touch on a screen, measured: every target's place
and size, text cut off by its widget, raw identifiers and text in the wrong language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSlider,
    QComboBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollBar,
    QTabBar,
    QTableWidget,
    QTreeWidget,
    QTreeWidgetItemIterator,
    QWidget,
)

from ui.style import read_property

MIN_TARGET = 44

CJK = re.compile(r"[\u3400-\u9fff]")
# An English word in a Chinese screen: three letters or more, not an abbreviation (VIN, ECU,
# OBD, ABS), not a unit and not part of a code or a number (P0301, WO-2026...).
WORD = re.compile(r"(?<![A-Za-z0-9-])[A-Za-z][a-z]{2,}(?![A-Za-z0-9])")
UNITS = {"km", "mm", "bar", "kPa", "rpm", "min", "deg"}
RAW = (
    re.compile(r"\b[a-z]+_[a-z0-9_]+\b"),  # a key such as pads_rear or check_engine
    re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"),  # an ISO timestamp
    re.compile(r"#\d+ [a-z]"),  # a record id with a key
)


@dataclass(frozen=True)
class Target:
    name: str
    rect: QRect


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0 and widget.height() > 0


def _in_scroll_area(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and grand.viewport() is parent:
            return grand
        parent = grand
    return None


def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, (QAbstractButton, QLabel)):
        text = widget.text()
    return f"{type(widget).__name__}#{widget.objectName() or '?'} {text!r}"


def _rect_in(window: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def targets(window: QWidget) -> Iterator[tuple[QWidget, Target]]:
    """Everything a finger is asked to hit, in window coordinates."""
    kinds = (QAbstractButton, QComboBox, QLineEdit, QAbstractSlider, QTabBar)
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, kinds) or not _shown(widget):
            continue
        if isinstance(widget, QLineEdit) and widget.isReadOnly():
            continue
        if isinstance(widget, QTabBar):
            for index in range(widget.count()):
                rect = widget.tabRect(index).translated(widget.mapTo(window, QPoint(0, 0)))
                yield widget, Target(f"tab {widget.tabText(index)!r}", rect)
            continue
        if type(widget).__name__ in ("QTabBarScrollButton", "QToolButton") and isinstance(
            widget.parentWidget(), QTabBar
        ):
            yield widget, Target("tab scroll arrow", _rect_in(window, widget))
            continue
        yield widget, Target(_name(widget), _rect_in(window, widget))


def problems_with_targets(window: QWidget) -> list[str]:
    found = []
    frame = window.rect()
    for widget, target in targets(window):
        rect = target.rect
        if isinstance(widget, QScrollBar):
            thick = rect.width() if widget.orientation().value == 2 else rect.height()
            if thick < MIN_TARGET:
                found.append(f"{target.name}: scroll bar {thick} px thick")
            continue
        if target.name == "tab scroll arrow":
            found.append("tab bar needs scroll arrows: tabs do not fit")
            continue
        if rect.width() < MIN_TARGET or rect.height() < MIN_TARGET:
            found.append(f"{target.name}: {rect.width()}x{rect.height()} px")
        area = _in_scroll_area(widget)
        if area is not None:
            outer = _rect_in(window, area)
            if not frame.contains(outer):
                found.append(f"{target.name}: its scroll pane reaches out of the window")
            continue
        if not frame.contains(rect):
            found.append(f"{target.name}: at {rect.getRect()} outside the window")
            continue
        parent = widget.parentWidget()
        while parent is not None and parent is not window:
            if not _rect_in(window, parent).contains(rect):
                found.append(f"{target.name}: cut off by {_name(parent)}")
                break
            parent = parent.parentWidget()
    for view in window.findChildren(QAbstractItemView):
        if not _shown(view) or isinstance(view.parentWidget(), QComboBox):
            continue
        model = view.model()
        if model is None or model.rowCount() == 0:
            continue
        height = view.visualRect(model.index(0, 0)).height()
        if 0 < height < MIN_TARGET:
            found.append(f"{_name(view)}: rows {height} px tall")
    return found


def positions(window: QWidget) -> dict[str, QRect]:
    return {f"{target.name}@{id(widget)}": target.rect for widget, target in targets(window)}


def visible_texts(window: QWidget) -> Iterator[tuple[QWidget, str, bool]]:
    """(widget, text, is_data) for each text a person sees; data is what people typed or
    the car said (names, plates, complaints), checked for raw keys but not for language."""
    for widget in window.findChildren(QWidget):
        if not _shown(widget):
            continue
        data = bool(read_property(widget, "data"))
        if isinstance(widget, (QAbstractButton, QLabel)) and widget.text():
            yield widget, widget.text(), data
        elif isinstance(widget, QLineEdit) and widget.placeholderText() and not widget.text():
            yield widget, widget.placeholderText(), data
        elif isinstance(widget, QTabBar):
            for index in range(widget.count()):
                yield widget, widget.tabText(index), False
        elif isinstance(widget, QTableWidget):
            for column in range(widget.columnCount()):
                header = widget.horizontalHeaderItem(column)
                if header is not None:
                    yield widget, header.text(), False
            for row in range(widget.rowCount()):
                for column in range(widget.columnCount()):
                    item = widget.item(row, column)
                    if item is not None and item.text():
                        yield widget, item.text(), True
        elif isinstance(widget, QTreeWidget):
            header = widget.headerItem()
            for column in range(widget.columnCount()):
                yield widget, header.text(column), False
            iterator = QTreeWidgetItemIterator(widget)
            while iterator.value() is not None:
                item = iterator.value()
                for column in range(widget.columnCount()):
                    if item.text(column):
                        yield widget, item.text(column), True
                iterator += 1
        elif isinstance(widget, QComboBox):
            for index in range(widget.count()):
                yield widget, widget.itemText(index), bool(read_property(widget, "data"))


def _plain(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text)


def problems_with_texts(window: QWidget, screen_language: str) -> list[str]:
    found = []
    for widget, text, data in visible_texts(window):
        plain = _plain(text)
        where = f"{_name(widget)}: {plain[:60]!r}"
        for pattern in RAW:
            if pattern.search(plain):
                found.append(f"{where}: raw identifier {pattern.search(plain).group(0)!r}")  # type: ignore[union-attr]
        if " / " in plain and CJK.search(plain) and re.search("[a-z]{3}", plain):
            found.append(f"{where}: two languages joined with a slash")
        if data:
            continue
        # a widget turned to the customer speaks the customer's language, not the screen's
        shown_in = str(read_property(widget, "language") or screen_language)
        if shown_in == "en" and CJK.search(plain):
            found.append(f"{where}: Chinese on the English screen")
        if shown_in == "zh":
            words = [w for w in WORD.findall(plain) if w not in UNITS]
            if words:
                found.append(f"{where}: English words {words} on the Chinese screen")
    for widget in window.findChildren(QWidget):
        if not _shown(widget):
            continue
        clipped = _clipped(widget)
        if clipped:
            found.append(f"{_name(widget)}: {clipped}")
    return found


def _clipped(widget: QWidget) -> str:
    if isinstance(widget, QPushButton) and widget.text():
        need = widget.sizeHint().width()
        if need > widget.width() + 1:
            return f"text needs {need} px, has {widget.width()}"
    if isinstance(widget, QLabel) and widget.text() and widget.pixmap().isNull():
        if widget.wordWrap():
            need = widget.heightForWidth(widget.width())
            if need > widget.height() + 2:
                return f"wrapped text needs {need} px high, has {widget.height()}"
        elif widget.sizeHint().width() > widget.width() + 1:
            return f"text needs {widget.sizeHint().width()} px, has {widget.width()}"
    if isinstance(widget, QTabBar):
        for index in range(widget.count()):
            need = widget.fontMetrics().horizontalAdvance(widget.tabText(index))
            if need > widget.tabRect(index).width() - 8:
                return f"tab {widget.tabText(index)!r} cut"
    if isinstance(widget, QLineEdit) and widget.placeholderText() and not widget.text():
        need = widget.fontMetrics().horizontalAdvance(widget.placeholderText())
        if need > widget.width() - 16:
            return f"placeholder needs {need} px, has {widget.width()}"
    if isinstance(widget, QComboBox) and widget.currentText():
        need = widget.fontMetrics().horizontalAdvance(widget.currentText())
        if need > widget.width() - MIN_TARGET - 16:
            return f"choice needs {need} px, has {widget.width()}"
    return ""
