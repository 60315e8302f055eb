"""The main window: the login, then the role's home with its pages, the notice banner,
and the device and sync bar that is always visible. Idle terminals lock themselves."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from station.roles import Role
from station.workshop import Actor
from ui.context import AppContext
from ui.device_bar import DeviceBar
from ui.login import LoginScreen
from ui.widgets.base import View
from ui.widgets.keyboard import OnScreenKeyboard

log = logging.getLogger(__name__)

IDLE_LOCK_MS = 5 * 60 * 1000
TOP_BAR_HEIGHT = 56  # fixed: a notice shows inside it, so nothing below ever moves
NAV_WIDTH = 172

# Which pages each role sees, in order; the first is the role's home.
ROLE_PAGES: dict[Role, tuple[str, ...]] = {
    Role.TECHNICIAN: ("queue", "work_order", "settings"),
    Role.ADVISOR: (
        "board",
        "appointments",
        "walk_in",
        "work_order",
        "approvals",
        "report",
        "delivery",
        "settings",
    ),
    Role.ADMIN: (
        "board",
        "appointments",
        "walk_in",
        "queue",
        "work_order",
        "approvals",
        "report",
        "delivery",
        "settings",
    ),
}

PageFactory = Callable[[AppContext], View]


class IdleLock(QObject):
    """Locks the station after a quiet spell; any touch, click or key restarts the count."""

    INPUT = frozenset(
        {
            QEvent.Type.MouseButtonPress,
            QEvent.Type.KeyPress,
            QEvent.Type.TouchBegin,
            QEvent.Type.Wheel,
        }
    )

    def __init__(self, lock: Callable[[], None], interval_ms: int, parent: QObject) -> None:
        super().__init__(parent)  # ends with its window: no lock fires into a closed one
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(lock)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() in self.INPUT and self.timer.isActive():
            self.timer.start()
        return False


class MainWindow(QMainWindow):
    def __init__(
        self, ctx: AppContext, pages: dict[str, PageFactory], idle_lock_ms: int = IDLE_LOCK_MS
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.model = ctx.model
        self.setObjectName("main_window")
        self.stack = QStackedWidget()
        self.login = LoginScreen(self.model)
        self.stack.addWidget(self.login)
        workspace = QWidget()
        self.stack.addWidget(workspace)
        self.setCentralWidget(self.stack)

        self.station_label = QLabel()
        self.station_label.setObjectName("station_label")
        self.station_label.setProperty("data", "true")
        self.work_order_label = QLabel()
        self.work_order_label.setObjectName("work_order_label")
        self.user_label = QLabel()
        self.user_label.setObjectName("user_label")
        self.user_label.setProperty("data", "true")
        self.language_button = QPushButton()
        self.language_button.setObjectName("language_toggle")
        self.language_button.setProperty("data", "true")  # the other language, in its own words
        self.language_button.clicked.connect(self._toggle_language)
        self.lock_button = QPushButton()
        self.lock_button.setObjectName("lock")
        self.lock_button.clicked.connect(self.model.lock)
        # The notice takes the place of the work order line for a few seconds: the bar keeps
        # its height, so no button below it moves under a finger on its way down.
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.middle_of_top = QStackedWidget()
        self.middle_of_top.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.work_order_label.setSizePolicy(
            QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        )
        self.work_order_label.setProperty("data", "true")
        self.middle_of_top.addWidget(self.work_order_label)
        self.middle_of_top.addWidget(self.notice)
        self.top_bar = QWidget()
        self.top_bar.setObjectName("top_bar")
        self.top_bar.setFixedHeight(TOP_BAR_HEIGHT)
        top = QHBoxLayout(self.top_bar)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.station_label)
        top.addWidget(self.middle_of_top, 1)
        top.addWidget(self.user_label)
        top.addWidget(self.language_button)
        top.addWidget(self.lock_button)
        self.notice_timer = QTimer(self)
        self.notice_timer.setSingleShot(True)
        self.notice_timer.timeout.connect(self.hide_notice)

        self.nav = QVBoxLayout()
        self.nav_buttons: dict[str, QPushButton] = {}
        self.pages: dict[str, View] = {}
        self.page_stack = QStackedWidget()
        for key, factory in pages.items():
            page = factory(ctx)
            self.pages[key] = page
            self.page_stack.addWidget(page)
            button = QPushButton()
            button.setObjectName(f"nav_{key}")
            button.setProperty("nav", "true")
            button.setCheckable(True)
            button.setFixedWidth(NAV_WIDTH)
            button.clicked.connect(lambda _=False, k=key: self.show_page(k))
            self.nav.addWidget(button)
            self.nav_buttons[key] = button
        self.nav.addStretch(1)
        middle = QHBoxLayout()
        middle.addLayout(self.nav)
        middle.addWidget(self.page_stack, 1)
        self.device_bar = DeviceBar(self.model, ctx.devices.connect_all, self._sync_now)
        for button in (self.language_button, self.lock_button):
            button.setProperty("compact", "true")
        box = QVBoxLayout(workspace)
        box.setContentsMargins(6, 4, 6, 2)
        box.setSpacing(4)
        box.addWidget(self.top_bar)
        box.addLayout(middle, 1)
        box.addWidget(self.device_bar)

        self.setup: QWidget | None = None
        self.keyboard = OnScreenKeyboard(self)
        self.keyboard.chinese = self.model.language == "zh"  # pinyin first on a Chinese screen
        self.model.events.language.connect(self._keyboard_language)
        self.idle = IdleLock(self.model.lock, idle_lock_ms, self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self.sync_action: Callable[[], None] | None = None
        self.model.events.actor.connect(self._on_actor)
        self.model.events.notice.connect(self._on_notice)
        self.model.events.selection.connect(lambda _wo: self._update_top())
        self.model.events.changed.connect(self._update_top)
        self.model.events.settings.connect(self._update_top)
        self.model.events.navigate.connect(self.show_page)
        self.retranslate()
        self._on_actor(self.model.actor)

    # -- pages -------------------------------------------------------------------

    def page_titles(self) -> dict[str, str]:
        return {
            "queue": self.tr("My queue"),
            "work_order": self.tr("Work order"),
            "board": self.tr("Workshop board"),
            "approvals": self.tr("Approvals"),
            "report": self.tr("Health report"),
            "delivery": self.tr("Delivery"),
            "appointments": self.tr("Appointments"),
            "walk_in": self.tr("Walk-in"),
            "settings": self.tr("Settings"),
        }

    def show_page(self, key: str) -> None:
        page = self.pages[key]
        self.page_stack.setCurrentWidget(page)
        for name, button in self.nav_buttons.items():
            button.setChecked(name == key)

    def current_page(self) -> str:
        current = self.page_stack.currentWidget()
        return next(key for key, page in self.pages.items() if page is current)

    def _on_actor(self, actor: Actor | None) -> None:
        if actor is None:
            self.idle.timer.stop()
            self.login.refresh()
            self.stack.setCurrentWidget(self.login)
            return
        allowed = [key for key in ROLE_PAGES[actor.role] if key in self.pages]
        for key, button in self.nav_buttons.items():
            button.setVisible(key in allowed)
        self.show_page(allowed[0])
        self.stack.setCurrentIndex(1)
        self.idle.timer.start()
        self._update_top()

    # -- top bar, notices ----------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Bay Station"))
        for key, title in self.page_titles().items():
            if key in self.nav_buttons:
                self.nav_buttons[key].setText(title)
        self.lock_button.setText(self.tr("Lock"))
        self.language_button.setText("English" if self.model.language == "zh" else "简体中文")
        self._update_top()

    def _update_top(self) -> None:
        self.station_label.setText(self.model.bay)
        actor = self.model.actor
        roles = {
            "technician": self.tr("technician"),
            "advisor": self.tr("advisor"),
            "admin": self.tr("admin"),
        }
        self.user_label.setText(
            "" if actor is None else f"{self.model.display_name(actor)} · {roles[actor.role.value]}"
        )
        wo_id = self.model.work_order_id
        if wo_id is None:
            self.work_order_label.setText(self.tr("No work order open"))
            return
        wo = self.model.workshop.work_order(wo_id)
        vehicle = self.model.workshop.vehicle(wo["vehicle_id"])
        self.work_order_label.setText(
            f"{wo['number']} · {vehicle['plate'] or ''} · {vehicle['vin'] or ''}"
        )

    def _on_notice(self, text: str, is_error: bool) -> None:
        if self.model.actor is None:
            return
        self.notice.setProperty("notice", "error" if is_error else "info")
        self.notice.style().unpolish(self.notice)
        self.notice.style().polish(self.notice)
        self.notice.setText(text)
        self.notice.setToolTip(text)
        self.middle_of_top.setCurrentWidget(self.notice)
        self.notice_timer.start(8000 if is_error else 4000)

    def notice_shown(self) -> bool:
        return self.middle_of_top.currentWidget() is self.notice

    def hide_notice(self) -> None:
        self.notice_timer.stop()
        self.middle_of_top.setCurrentWidget(self.work_order_label)

    def _keyboard_language(self, language: str) -> None:
        self.keyboard.chinese = language == "zh"
        self.keyboard.retranslate()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        if self.keyboard.isVisible() and self.keyboard.target is not None:
            self.keyboard.attach(self.keyboard.target)

    def show_setup(self, setup: QWidget) -> None:
        """A new data folder: the first-run set-up instead of the login."""
        self.setup = setup
        self.stack.addWidget(setup)
        self.stack.setCurrentWidget(setup)

    def setup_done(self) -> None:
        if self.setup is not None:
            self.stack.removeWidget(self.setup)
            self.setup.deleteLater()
            self.setup = None
        self.login.refresh()
        self.stack.setCurrentWidget(self.login)

    # -- presenting -----------------------------------------------------------------------

    def present(self, windowed: bool = False) -> None:
        """Full screen on a bay terminal (a kiosk); windowed when asked, e.g. on a desk PC."""
        if windowed:
            self.resize(1280, 800)
            self.show()
        else:
            self.showFullScreen()

    def _toggle_language(self) -> None:
        self.model.set_language("en" if self.model.language == "zh" else "zh")

    def _sync_now(self) -> None:
        if self.sync_action is None:
            self.model.notify(self.tr("Sync is not configured on this station"), True)
            return
        self.sync_action()
