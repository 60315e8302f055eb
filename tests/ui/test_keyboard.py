"""The on-screen keyboard: a tap on a text field brings it, pinyin turns into Chinese,
every key is big enough and the field stays visible."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from ui.app import StationApp
from ui.widgets.keyboard import Match, OnScreenKeyboard, candidates, matches, pinyin_table

from .conftest import log_in

LEFT = Qt.MouseButton.LeftButton


def test_pinyin_candidates_come_from_the_table() -> None:
    table = {"shache": ("刹车",), "shachepian": ("刹车片",), "sha": ("沙",)}
    assert candidates("shache", table) == ["刹车", "刹车片"]
    assert candidates("shach", table) == ["刹车", "刹车片"]
    assert candidates("shaxyz", table) == ["沙"]
    assert candidates("", table) == []
    assert candidates("wang")[0] == "王"  # the shipped table has the common surnames


def test_a_character_for_the_first_syllable_leaves_the_rest_to_pick() -> None:
    table = {"xie": ("谢", "写"), "shache": ("刹车",)}
    assert matches("xiexie", table) == [Match("谢", 3), Match("写", 3)]
    assert matches("shache", table) == [Match("刹车", 6)]


def test_the_shipped_table_covers_the_common_characters_and_workshop_words() -> None:
    table = pinyin_table()
    characters = {c for words in table.values() for word in words for c in word}
    assert len(characters) > 1500
    assert all(key.isascii() and key.isalpha() and key.islower() for key in table)
    for spelling, word in (
        ("zhongguo", "中"),
        ("lvxin", "滤芯"),
        ("jianzhenqi", "减震器"),
        ("sanyuancuihuaqi", "三元催化器"),
        ("dongpingheng", "动平衡"),
        ("xiexie", "谢"),
        ("nv", "女"),
    ):
        assert word in candidates(spelling), spelling


def test_pinyin_composed_syllable_by_syllable(qtbot: QtBot, qapp: QApplication) -> None:
    window = QWidget()
    window.resize(1024, 768)
    field = QLineEdit(window)
    qtbot.addWidget(window)
    window.show()
    keyboard = OnScreenKeyboard(window)
    keyboard.chinese = True
    keyboard.attach(field)
    for char in "xiexie":
        keyboard.type(char)
    keyboard.pick(candidates("xie").index("谢"))
    assert keyboard.spelling == "xie", "the second syllable is still to pick"
    keyboard.pick(candidates("xie").index("谢"))
    assert field.text() == "谢谢" and keyboard.spelling == ""


def test_typing_a_finding_title_in_pinyin_and_letters(qtbot: QtBot, demo_app: StationApp) -> None:
    app, window = demo_app, demo_app.window
    assert app.cast is not None
    window.resize(1024, 768)
    log_in(qtbot, app, "li.wei", app.cast.pins["li.wei"])
    app.model.select(app.model.workshop.list_work_orders()[0]["id"])
    window.show_page("work_order")
    view = window.pages["work_order"]
    view.show_tab(view.findings)
    field = view.findings.title
    keyboard = window.keyboard
    qtbot.mouseClick(field, LEFT)
    assert keyboard.isVisible()
    frame = window.rect()
    keyboard_rect = QRect(keyboard.mapTo(window, QPoint(0, 0)), keyboard.size())
    field_rect = QRect(field.mapTo(window, QPoint(0, 0)), field.size())
    assert frame.contains(keyboard_rect)
    assert not keyboard_rect.intersects(field_rect), "the field stays visible"
    for button in [*keyboard.keys.values(), keyboard.space, keyboard.backspace, keyboard.mode]:
        assert button.width() >= 44 and button.height() >= 44, button.objectName()

    if not keyboard.chinese:
        qtbot.mouseClick(keyboard.mode, LEFT)
    for char in "shachepian":
        qtbot.mouseClick(keyboard.keys[char], LEFT)
    assert keyboard.candidate_buttons[0].text() == "刹车片"
    qtbot.mouseClick(keyboard.candidate_buttons[0], LEFT)
    for char in "mosun":
        qtbot.mouseClick(keyboard.keys[char], LEFT)
    qtbot.mouseClick(keyboard.space, LEFT)  # space takes the first candidate
    qtbot.mouseClick(keyboard.mode, LEFT)  # back to letters and digits
    qtbot.mouseClick(keyboard.space, LEFT)
    for char in "26":
        qtbot.mouseClick(keyboard.keys[char], LEFT)
    qtbot.mouseClick(keyboard.dot, LEFT)
    qtbot.mouseClick(keyboard.keys["5"], LEFT)
    qtbot.mouseClick(keyboard.backspace, LEFT)
    qtbot.mouseClick(keyboard.keys["4"], LEFT)
    qtbot.mouseClick(keyboard.space, LEFT)
    qtbot.mouseClick(keyboard.shift, LEFT)
    qtbot.mouseClick(keyboard.keys["m"], LEFT)
    qtbot.mouseClick(keyboard.keys["m"], LEFT)
    assert field.text() == "刹车片磨损 26.4 Mm"

    qtbot.mouseClick(keyboard.hide_button, LEFT)
    assert not keyboard.isVisible()


def test_lists_scroll_by_dragging_and_a_tree_row_opens_with_one_tap(
    qtbot: QtBot, demo_app: StationApp
) -> None:
    from PySide6.QtWidgets import QScroller, QTreeWidgetItem

    window = demo_app.window
    window.resize(1024, 768)
    assert demo_app.cast is not None
    log_in(qtbot, demo_app, "li.wei", demo_app.cast.pins["li.wei"])
    queue = window.pages["queue"]
    # a grabbed scroller gesture is a registered custom gesture, above CustomGesture itself
    grabbed = QScroller.grabbedGesture(queue.table.viewport())
    assert grabbed.value > Qt.GestureType.CustomGesture.value
    window.show_page("work_order")
    view = window.pages["work_order"]
    view.show_tab(view.diagnostics)
    tree = view.diagnostics.tree
    node = QTreeWidgetItem(["7E8"])
    QTreeWidgetItem(node, ["P0301"])
    tree.addTopLevelItem(node)
    node.setExpanded(False)
    rect = tree.visualItemRect(node)
    assert rect.height() >= 44
    qtbot.mouseClick(tree.viewport(), LEFT, pos=rect.center())
    assert node.isExpanded()
    qtbot.mouseClick(tree.viewport(), LEFT, pos=rect.center())
    assert not node.isExpanded()
