"""Approval at the desk: each finding with its photos and price; the customer approves
or declines item by item and signs on the pad; every decision is its own record.

The screen is turned to the customer, so it speaks the customer's language (the
one on their record, else the workshop's default), whatever language the
advisor's screens use; one tap switches it when the customer prefers the other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from station import limits
from station.findings import Channel, Decision
from station.photos import Photo
from ui.context import AppContext
from ui.texts import in_language, money
from ui.widgets.base import View, heading, push_button
from ui.widgets.signature import SignaturePad, keep_signature

log = logging.getLogger(__name__)

# What the customer reads here, in both languages: the app's own translation follows
# the advisor's screen language, this screen follows the customer.
CUSTOMER_TEXT: dict[str, tuple[str, str]] = {
    "title": ("Please decide, item by item", "请逐项决定"),
    "name": ("Your name", "您的姓名"),
    "signature": ("Your signature", "请在此签名"),
    "clear": ("Clear", "清除"),
    "record": ("Confirm my decisions", "确认我的决定"),
    "approve": ("Approve", "同意维修"),
    "decline": ("Decline", "暂不维修"),
    "pending": ("waiting for your decision", "待您决定"),
    "approved": ("approved", "已同意"),
    "declined": ("declined", "已拒绝"),
    "km_left": ("about {km} km left", "约可再行驶 {km} 公里"),
    "waiting": ("Waiting for your decision: {amount}", "待您决定的金额：{amount}"),
    "switch": ("中文", "English"),  # the other language, named in itself
}


def said(key: str, language: str, **values: object) -> str:
    """A text of this screen in `language` ("zh" or "en")."""
    english, chinese = CUSTOMER_TEXT[key]
    return (chinese if language == "zh" else english).format(**values)


@dataclass
class FindingCard:
    finding_id: int
    frame: QFrame
    approve: QPushButton
    decline: QPushButton

    def decision(self) -> Decision | None:
        if self.approve.isChecked():
            return Decision.APPROVED
        if self.decline.isChecked():
            return Decision.DECLINED
        return None


class ApprovalsView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("approvals")
        self.title = heading()
        self.cards_host = QWidget()
        self.cards_box = QVBoxLayout(self.cards_host)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.cards_host)
        self.customer = QLineEdit()
        self.customer.setObjectName("approval_customer")
        self.customer.setMaxLength(limits.NAME.max_chars)
        self.sign_hint = QLabel()
        self.pad = SignaturePad()
        self.clear_pad = push_button("clear_signature")
        self.clear_pad.clicked.connect(self.pad.clear)
        self.record = push_button("record_decisions", accent=True)
        self.record.clicked.connect(self.record_decisions)
        self.total = QLabel()
        self.total.setObjectName("approval_total")
        self.language_button = push_button("approval_language")
        self.language_button.clicked.connect(self.switch_language)
        self.language = ""  # the customer's, set when a work order is shown
        self._language_of: int | None = None  # the work order `language` was chosen for
        # The findings get the height; the name, total and pad keep to two compact rows.
        self.pad.setFixedHeight(150)
        name_row = QHBoxLayout()
        name_row.addWidget(self.total)
        name_row.addWidget(self.customer, 1)
        sign_row = QHBoxLayout()
        sign_row.addWidget(self.pad, 1)
        sign_col = QVBoxLayout()
        sign_col.addWidget(self.sign_hint)
        sign_col.addWidget(self.clear_pad)
        sign_col.addWidget(self.record)
        sign_row.addLayout(sign_col)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.language_button)
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(scroll, 1)
        box.addLayout(name_row)
        box.addLayout(sign_row)
        self.cards: dict[int, FindingCard] = {}
        self.retranslate()

    def retranslate(self) -> None:
        """The customer's language, not the screen's: see the module docstring."""
        language = self.language or self.model.language
        self.title.setText(said("title", language))
        self.customer.setPlaceholderText(said("name", language))
        self.sign_hint.setText(said("signature", language))
        self.clear_pad.setText(said("clear", language))
        self.record.setText(said("record", language))
        self.total.setProperty("language", language)
        for widget in (self.title, self.customer, self.sign_hint, self.clear_pad, self.record):
            widget.setProperty("language", language)
        # the other language, named in itself
        self.language_button.setText(said("switch", language))
        self.language_button.setProperty("language", "en" if language == "zh" else "zh")

    def switch_language(self) -> None:
        """One tap: the other language, for this work order until another is chosen."""
        self.language = "en" if (self.language or self.model.language) == "zh" else "zh"
        self.refresh()

    def refresh(self) -> None:
        super().refresh()
        while self.cards_box.count():
            taken = self.cards_box.takeAt(0)
            if taken is not None and taken.widget() is not None:
                taken.widget().deleteLater()  # type: ignore[union-attr]
        self.cards = {}
        wo_id = self.model.work_order_id
        allowed = self.model.may("approval.record")
        if wo_id is None:
            self.total.setText(self.tr("Choose a work order on the board"))
            self.record.setEnabled(False)
            return
        workshop = self.model.workshop
        if self._language_of != wo_id:
            self.language = workshop.customer_language(wo_id)
            self._language_of = wo_id
            # another visit: its own customer decides, and signs a fresh pad
            self.customer.setText(workshop.customer_name(wo_id) or "")
            self.pad.clear()
        self.retranslate()
        language = self.language
        if not self.customer.text():
            self.customer.setText(workshop.customer_name(wo_id) or "")
        pending_total = 0
        # A withdrawn or replaced finding is no longer the customer's to decide.
        offered = [f for f in workshop.findings(wo_id) if f["standing"] == "active"]
        for finding in offered:
            card = self._card(finding, allowed)
            self.cards_box.addWidget(card.frame)
            self.cards[finding["id"]] = card
            if finding["state"] == "pending":
                pending_total += finding["total_cents"]
        self.cards_box.addStretch(1)
        self.total.setText(said("waiting", language, amount=money(pending_total)))
        self.record.setEnabled(allowed and any(f["state"] != "approved" for f in offered))

    def _card(self, finding: dict[str, Any], allowed: bool) -> FindingCard:
        frame = QFrame()
        frame.setObjectName(f"finding_card_{finding['id']}")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        language = self.language
        title = QLabel(f"<b>{in_language(finding['title'], language)}</b>")
        title.setProperty("data", "true")
        title.setWordWrap(True)
        lines = "<br>".join(
            f"{in_language(line['description'], language)} × {line['quantity']:g} — {money(round(line['quantity'] * line['unit_price_cents']))}"
            for line in finding["lines"]
        )
        detail = QLabel(
            f"{lines}<br><b>{money(finding['total_cents'])}</b> · {said(finding['state'], language)}"
        )
        detail.setWordWrap(True)
        detail.setProperty("data", "true")
        if finding["remaining_life_km"] is not None:
            detail.setText(
                detail.text()
                + "<br>"
                + said("km_left", language, km=f"{finding['remaining_life_km']:,}")
            )
        photos = QHBoxLayout()
        for photo in self._photos(finding)[:3]:
            thumb = QLabel()
            pixmap = QPixmap()
            pixmap.loadFromData(self.ctx.photos.thumbnail_bytes(photo.id))
            thumb.setPixmap(pixmap.scaledToHeight(90))
            photos.addWidget(thumb)
        approve = push_button(f"approve_{finding['id']}", rating="green")
        approve.setText(said("approve", language))
        decline = push_button(f"decline_{finding['id']}", rating="red")
        decline.setText(said("decline", language))
        group = QButtonGroup(frame)
        for button in (approve, decline):
            button.setProperty("language", language)
            button.setCheckable(True)
            button.setEnabled(allowed and finding["state"] != "approved")
            group.addButton(button)
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(detail)
        row = QHBoxLayout(frame)
        row.addLayout(text, 1)
        row.addLayout(photos)
        row.addWidget(approve)
        row.addWidget(decline)
        return FindingCard(finding["id"], frame, approve, decline)

    def _photos(self, finding: dict[str, Any]) -> list[Photo]:
        photos = self.ctx.photos.for_finding(finding["id"])
        if finding["source_kind"] == "checklist" and finding["source_ref"]:
            result = self.model.workshop.checklist_result(int(finding["source_ref"]))
            if result is not None:
                photos += self.ctx.photos.for_item(result["checklist_id"], result["item_key"])
        return photos

    def record_decisions(self) -> None:
        decisions = {
            fid: card.decision() for fid, card in self.cards.items() if card.decision() is not None
        }
        if not decisions:
            self.model.notify(self.tr("Tap approve or decline on at least one item"), True)
            return
        actor = self.model.require_actor()
        workshop = self.model.workshop
        signature = None
        if self.pad.is_signed():
            signature = keep_signature(self.model, self.pad)
            if signature is None:
                return
        for finding_id, decision in decisions.items():
            done = self.model.act(
                workshop.record_approval,
                actor,
                finding_id,
                decision,
                self.customer.text(),
                Channel.DESK,
                signature,
                announce=False,
            )
            if done is None:
                break
        self.pad.clear()
        self.model.events.changed.emit()
