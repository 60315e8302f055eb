"""Alignment: connect the rig, live values per wheel against the car's specification,
and the before/after table of the stored sessions."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from station.alignment import Phase, load_alignment
from ui.context import AppContext
from ui.tables import fill, make_table
from ui.texts import rating_name
from ui.widgets.base import View, heading

log = logging.getLogger(__name__)


class AlignmentView(View):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx.model, parent)
        self.ctx = ctx
        self.setObjectName("alignment")
        self.title = heading()
        self.state = QLabel()
        self.state.setObjectName("alignment_state")
        self.state.setWordWrap(True)
        self.table = make_table("alignment_table")
        box = QVBoxLayout(self)
        box.addWidget(self.title)
        box.addWidget(self.state)
        box.addWidget(self.table, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Wheel alignment: before and after"))

    def refresh(self) -> None:
        super().refresh()
        wo_id = self.model.work_order_id
        rated = None if wo_id is None else load_alignment(self.model.workshop.store, wo_id)
        if rated is None:
            self.state.setText(self.tr("No alignment measured on this work order"))
            fill(self.table, [], [])
            return
        self.state.setText(self.tr("Specification: %1").replace("%1", rated.spec_name or "—"))
        rows = []
        for before in rated.phase(Phase.BEFORE):
            after = rated.reading(Phase.AFTER, before.position, before.quantity)
            rows.append(
                (
                    before.position.value,
                    before.quantity.value,
                    f"{before.value_deg:+.2f}°",
                    rating_name(before.rating.value) if before.rating else "",
                    "" if after is None else f"{after.value_deg:+.2f}°",
                    ""
                    if after is None or after.rating is None
                    else rating_name(after.rating.value),
                )
            )
        fill(
            self.table,
            [self.tr("Wheel"), self.tr("Value"), self.tr("Before"), "", self.tr("After"), ""],
            rows,
        )
