"""The customer's side at the desk: the tracker link with its QR code, and the messages sent.

The link is the cloud's (or the hub's) page for the selected work order; the
customer at the desk scans the QR code, or gets the link by message. Looking it
up and queueing the messages the records call for run in a worker: the screen
never waits on the network. The advisor can withdraw a link (the next sync
gives a new one), set the customer's e-mail and mobile number where the
messages go, and send a failed message again.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from station import inbox, limits, messages
from ui.context import AppContext
from ui.setup import line_edit
from ui.tables import fill, make_table, selected_key
from ui.texts import date_time
from ui.widgets.base import View, heading, push_button

log = logging.getLogger(__name__)

QR_PIXELS = 180


def message_kind_name(kind: str) -> str:
    names = {
        "tracker_link": QCoreApplication.translate("Messages", "tracker link"),
        "awaiting_decision": QCoreApplication.translate("Messages", "waiting for decision"),
        "ready": QCoreApplication.translate("Messages", "ready for pick-up"),
        "day1": QCoreApplication.translate("Messages", "day-1 question"),
        "day7": QCoreApplication.translate("Messages", "day-7 check"),
        "service_reminder": QCoreApplication.translate("Messages", "service reminder"),
    }
    return names.get(kind, kind)


def message_state_name(state: str) -> str:
    names = {
        "queued": QCoreApplication.translate("Messages", "queued"),
        "sending": QCoreApplication.translate("Messages", "sending"),
        "sent": QCoreApplication.translate("Messages", "sent"),
        "failed": QCoreApplication.translate("Messages", "failed"),
        "skipped": QCoreApplication.translate("Messages", "skipped"),
    }
    return names.get(state, state)


def qr_pixmap(text: str, pixels: int = QR_PIXELS) -> QPixmap:
    """The link as a QR code a phone's camera reads from the desk's screen."""
    import segno

    code = segno.make(text, error="m")
    buffer = io.BytesIO()
    scale = max(2, pixels // (code.symbol_size(border=2)[0]))
    code.save(buffer, kind="png", scale=scale, border=2)
    pixmap = QPixmap()
    pixmap.loadFromData(buffer.getvalue(), "PNG")
    return pixmap


def lookup_link(database: Any, data_dir: Any, wo_id: int, language: str) -> str | None:
    """In a worker: queue what is due, then ask the cloud for the work order's link."""
    from station.store import Store
    from sync.client import SyncClient
    from sync.errors import SyncError
    from sync.messaging import cloud_link_for

    store = Store.open(database)
    try:
        messages.queue_from_records(store)
        if not store.meta(inbox.URL_KEY):
            return None
    finally:
        store.close()
    with SyncClient(database, data_dir=data_dir, timeout=10) as client:
        try:
            return cloud_link_for(client)(wo_id, language)
        except SyncError as err:
            log.info("no customer link for work order %d yet: %s", wo_id, err)
            return None


class CustomerPanel(View):
    """The selected work order's link and QR code; every message to customers below."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("customer_panel")
        self.title = heading()
        self.link = QLabel()
        self.link.setObjectName("customer_link")
        self.link.setProperty("data", "true")  # the link, or why there is none yet
        self.link.setWordWrap(True)
        self.link.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.qr = QLabel()
        self.qr.setObjectName("customer_qr")
        self.qr.setFixedSize(QR_PIXELS, QR_PIXELS)
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.revoke = push_button("customer_link_revoke")
        self.revoke.clicked.connect(self.withdraw)
        self.email = line_edit("customer_email")
        self.email.setMaxLength(limits.EMAIL.max_chars)
        self.mobile = line_edit("customer_mobile", digits=True)
        self.mobile.setMaxLength(limits.PHONE.max_chars)
        self.save_contact = push_button("customer_contact_save")
        self.save_contact.clicked.connect(self.keep_contact)
        self.contact_for: int | None = None  # the customer whose contact the fields show
        self.contact = QFormLayout()
        self.email_label, self.mobile_label = QLabel(), QLabel()
        self.contact.addRow(self.email_label, self.email)
        self.contact.addRow(self.mobile_label, self.mobile)
        self.messages_title = heading()
        self.table = make_table("messages_table")
        self.table.setMinimumHeight(140)
        self.retry = push_button("message_retry")
        self.retry.clicked.connect(self.send_again)
        self.shown_for: tuple[int, str] | None = None
        self.job: Any = None
        side = QVBoxLayout()
        side.addWidget(self.title)
        side.addWidget(self.link)
        side.addWidget(self.revoke)
        side.addLayout(self.contact)
        side.addWidget(self.save_contact)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addLayout(side, 1)
        top.addWidget(self.qr)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(top)
        box.addWidget(self.messages_title)
        box.addWidget(self.table, 1)
        box.addWidget(self.retry)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Customer's tracker link"))
        self.revoke.setText(self.tr("Withdraw this link"))
        self.messages_title.setText(self.tr("Messages to customers"))
        self.retry.setText(self.tr("Send again"))
        self.email_label.setText(self.tr("E-mail"))
        self.mobile_label.setText(self.tr("Mobile"))
        self.save_contact.setText(self.tr("Save the customer's contact"))

    def refresh(self) -> None:
        super().refresh()
        self._fill_messages()
        may = self.model.work_order_id is not None and self.model.may("customer.manage")
        self.revoke.setEnabled(may)
        self._show_contact()
        self._look_up_link()

    def _customer(self) -> dict[str, Any] | None:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return None
        wo = self.model.workshop.store.query_one(
            "SELECT customer_id FROM work_orders WHERE id = ?", (wo_id,)
        )
        return self.model.workshop.customer(wo["customer_id"] if wo else None)

    def _show_contact(self) -> None:
        """The selected work order's customer: the fields are filled when the customer changes,
        never under the advisor's typing."""
        customer = self._customer()
        editable = customer is not None and self.model.may("customer.manage")
        for widget in (self.email, self.mobile, self.save_contact):
            widget.setEnabled(editable)
        shown = None if customer is None else int(customer["id"])
        if shown == self.contact_for:
            return
        self.contact_for = shown
        self.email.setText((customer or {}).get("email") or "")
        self.mobile.setText((customer or {}).get("phone") or "")

    def keep_contact(self) -> None:
        """Where the customer's messages go; ones that had no address are sent on the next pass."""
        if self.contact_for is None:
            return
        changed = self.model.act(
            self.model.workshop.set_contact,
            self.model.require_actor(),
            self.contact_for,
            self.email.text(),
            self.mobile.text(),
        )
        if changed is not None:
            self.contact_for = None  # shown again as kept (trimmed)
            self._show_contact()
            self.model.notify(self.tr("Contact saved: the customer's messages go there"))

    def _fill_messages(self) -> None:
        store = self.model.workshop.store
        rows = messages.outbox(store, limit=100)
        language = self.model.language
        fill(
            self.table,
            [
                self.tr("Due"),
                self.tr("Message"),
                self.tr("Work order"),
                self.tr("Customer"),
                self.tr("State"),
                self.tr("Tries"),
                self.tr("Last error"),
            ],
            [
                (
                    date_time(r["sent_at"] or r["due_at"], language),
                    message_kind_name(r["kind"]),
                    r["number"],
                    r["customer_name"] or "",
                    message_state_name(r["state"]),
                    str(r["attempts"]),
                    r["last_error"] or "",
                )
                for r in rows
            ],
            [r["id"] for r in rows],
        )
        self.retry.setEnabled(bool(rows) and self.model.may("customer.manage"))

    def _look_up_link(self) -> None:
        wo_id = self.model.work_order_id
        if wo_id is None:
            self.shown_for = None
            self.link.setText(self.tr("Choose a work order on the board"))
            self.qr.clear()
            return
        language = self.model.workshop.store.query_one(
            "SELECT c.language FROM work_orders w LEFT JOIN customers c ON c.id = w.customer_id "
            "WHERE w.id = ?",
            (wo_id,),
        )
        wanted = (wo_id, (language or {}).get("language") or "zh")
        if wanted == self.shown_for or (self.job is not None and self.job.running):
            return
        database, data_dir = self.model.workshop.store.path, self.model.data_dir

        def done(link: str | None) -> None:
            self.shown_for = wanted
            self._fill_messages()  # the worker queued what the records call for
            if self.model.work_order_id != wanted[0]:
                return
            if link is None:
                self.link.setText(
                    self.tr("No link yet: the work order reaches the cloud on the next sync")
                )
                self.qr.clear()
                return
            self.link.setText(link)
            self.qr.setPixmap(qr_pixmap(link))

        def failed(message: str) -> None:
            self.link.setText(message)

        self.job = self.ctx.workers.start(
            lambda _progress: lookup_link(database, data_dir, wanted[0], wanted[1]),
            done,
            failed,
        )

    def withdraw(self) -> None:
        wo_id = self.model.work_order_id
        if wo_id is None:
            return
        store = self.model.workshop.store
        if self.model.act(messages.revoke_link, store, self.model.require_actor(), wo_id) is None:
            return
        self.shown_for = None
        self.link.setText(self.tr("Link withdrawn: the next sync gives the customer a new one"))
        self.qr.clear()

    def send_again(self) -> None:
        key = selected_key(self.table)
        if key is None:
            self.model.notify(self.tr("Choose a message first"), True)
            return
        self.model.act(
            messages.retry, self.model.workshop.store, self.model.require_actor(), int(key)
        )
