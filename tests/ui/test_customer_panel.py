"""The desk shows the customer's tracker link with its QR code, and the messages, in the demo app."""

from __future__ import annotations

import os
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from station import messages
from ui.errors import keyed_text
from ui.messages_view import CustomerPanel
from ui.screens import SIZE, prepare_visit, settle, wait_devices

pytestmark = pytest.mark.timeout(240)


def test_the_desk_shows_the_link_its_qr_code_and_the_messages(tmp_path: Path) -> None:
    from ui.app import build_app

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = build_app(tmp_path / "station", demo=True, fresh=True, language="en", fast_rig=True)
    try:
        wait_devices(app)
        visit = prepare_visit(app)
        app.model.login("admin", app.cast.pins["admin"] if app.cast else "")
        link_sync = app.sync
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (
            link_sync.client is None or link_sync.client.status().pending_mutations
        ):
            if link_sync.client is not None:
                link_sync.run_now()
            settle(app, 2)
            time.sleep(0.1)
        app.model.select(visit.wo_id)
        app.window.resize(*SIZE)
        app.window.show()
        app.window.show_page("delivery")
        panel = app.window.findChild(CustomerPanel)
        assert panel is not None
        deadline = time.monotonic() + 30
        while "/t/" not in panel.link.text() and time.monotonic() < deadline:
            settle(app, 2)
            time.sleep(0.05)
        link = panel.link.text()
        assert link.startswith(link_sync.cloud.url + "/t/") and link.endswith("?lang=zh")
        pixmap = panel.qr.pixmap()
        assert pixmap is not None and not pixmap.isNull()
        shot = tmp_path / "desk.png"
        app.window.grab().save(str(shot))
        qr_file = tmp_path / "qr.png"
        pixmap.save(str(qr_file))
        decoded, _points, _ = cv2.QRCodeDetector().detectAndDecode(
            cv2.imread(str(qr_file), cv2.IMREAD_GRAYSCALE)
        )
        assert decoded == link
        outbox = messages.outbox(app.model.workshop.store)
        mine = {(m["kind"], m["state"]) for m in outbox if m["work_order_id"] == visit.wo_id}
        assert mine == {("tracker_link", "queued"), ("awaiting_decision", "queued")}
        assert panel.table.rowCount() == len(outbox)
        assert np.asarray(cv2.imread(str(shot))).size > 0
        # The advisor gives the customer's e-mail: a typo is refused and changes nothing,
        # the address is kept (audited) and the fields show it.
        notices: list[tuple[str, bool]] = []
        app.model.events.notice.connect(lambda text, error: notices.append((text, error)))
        customer = app.model.workshop.customer(
            app.model.workshop.work_order(visit.wo_id)["customer_id"]
        )
        assert customer is not None and panel.contact_for == customer["id"]
        panel.email.setText("wang@example")
        panel.save_contact.click()
        said = keyed_text("email_invalid", {"address": "wang@example"})
        assert said is not None and notices[-1] == (said, True)
        assert app.model.workshop.customer(customer["id"])["email"] is None
        panel.email.setText("  wang.fang@example.com ")
        panel.save_contact.click()
        assert notices[-1][1] is False
        kept = app.model.workshop.customer(customer["id"])
        assert kept["email"] == "wang.fang@example.com"
        assert panel.email.text() == "wang.fang@example.com"
        assert app.model.workshop.store.query(
            "SELECT 1 FROM audit_events WHERE kind = 'customer.contact_set'"
        )
        screenshots = os.environ.get("CUSTOMER_SCREENSHOTS")
        if screenshots:
            app.window.grab().save(str(Path(screenshots) / f"desk-link-{app.model.language}.png"))
            panel.grab().save(str(Path(screenshots) / f"desk-contact-{app.model.language}.png"))
    finally:
        app.model.lock()  # stops the idle-lock timer, which outlives the window
        app.close()
