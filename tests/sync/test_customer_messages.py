"""Messages to the customer: the outbox's rules, and real sends to an SMTP server and a webhook on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from station import messages
from station.findings import FindingDraft, Severity, part
from station.lifecycle import Status
from station.messages import Facts, Kind
from station.vehicles import Powertrain
from sync.messaging import SmtpSender, WebhookSender, cloud_link_for, deliver_due
from sync.server import CloudHandle
from tests.sync.customer_helpers import Inbox, advisor, deliver, synced
from tests.sync.helpers import Station, make_station


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return make_station(tmp_path / "station")


def customer_visit(station: Station, language: str = "zh") -> int:
    """A customer with a phone and an e-mail address, and a visit waiting for their decision."""
    w, tech, admin = station.workshop, station.tech, station.admin
    customer = w.add_customer(admin, "王芳", "13800000000", language).id
    w.set_contact(admin, customer, email="wang@example.test")
    vehicle = w.add_vehicle(
        admin, None, "沪A12345", Powertrain.EV, "BYD", "Seal", 2023, customer
    ).id
    wo = w.create_work_order(admin, vehicle, "noise", customer_id=customer).id
    w.check_in(tech, wo, 42_000)
    w.change_status(tech, wo, Status.DIAGNOSING)
    w.add_finding(tech, wo, FindingDraft("Front pads", Severity.URGENT, [part("Pads", 1, 30000)]))
    w.change_status(tech, wo, Status.AWAITING_APPROVAL)
    return wo


def kinds(station: Station) -> list[tuple[str, str]]:
    return [(m["kind"], m["state"]) for m in reversed(messages.outbox(station.store))]


# -- pure rules ----------------------------------------------------------------


def test_a_message_whose_moment_passed_is_skipped() -> None:
    assert messages.still_relevant(Kind.WAITING, Status.AWAITING_APPROVAL)
    assert not messages.still_relevant(Kind.WAITING, Status.IN_REPAIR)
    assert not messages.still_relevant(Kind.READY, Status.DELIVERED)
    assert messages.still_relevant(Kind.TRACKER, Status.IN_REPAIR)
    assert not messages.still_relevant(Kind.TRACKER, Status.CANCELLED)
    assert messages.still_relevant(Kind.DAY1, Status.DELIVERED)
    assert not messages.still_relevant(Kind.DAY1, Status.DELIVERED, follow_up_done=True)


def test_backoff_then_failed_for_good() -> None:
    waits = [messages.retry_after(n) for n in range(1, messages.MAX_ATTEMPTS + 1)]
    assert waits[:5] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert waits[-1] is None


def test_the_reminder_comes_a_week_before_the_date_or_the_mileage() -> None:
    due = date(2027, 6, 1)
    assert messages.reminder_on(due, 52_000, [(date(2026, 6, 1), 42_000)]) == date(2027, 5, 25)
    # 100 km a day: 52,000 km is reached 100 days after the last reading.
    readings = [(date(2026, 1, 1), 30_000), (date(2026, 5, 1), 42_000)]
    assert messages.reminder_on(due, 52_000, readings) == date(2026, 8, 9) - timedelta(days=7)
    slow = [(date(2026, 1, 1), 41_000), (date(2026, 5, 1), 42_000)]
    assert messages.reminder_on(due, 52_000, slow) == date(2027, 5, 25)


def test_templates_in_both_languages() -> None:
    facts = Facts("王芳", "Harbour Motors", "WO-1", "沪A12345", "https://x.test/t/abc?lang=zh")
    for kind in Kind:
        zh_subject, zh_text = messages.render(kind, "zh", facts)
        en_subject, en_text = messages.render(kind, "en", facts)
        assert "Harbour Motors" in zh_subject and "Harbour Motors" in en_subject
        assert facts.link in zh_text and facts.link in en_text
        assert zh_text != en_text and "王芳" in zh_text
    assert "等待您的决定" in messages.render(Kind.WAITING, "zh", facts)[0]
    assert "ready for pick-up" in messages.render(Kind.READY, "en", facts)[0]


# -- queue and send ------------------------------------------------------------


def test_messages_by_email_once_each_with_the_tracker_link(
    station: Station, sqlite_cloud: CloudHandle, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    wo = customer_visit(station, "en")
    # Queued by the status changes themselves; the records call for nothing more.
    assert kinds(station) == [("tracker_link", "queued"), ("awaiting_decision", "queued")]
    assert messages.queue_from_records(station.store) == 0
    client = synced(station, sqlite_cloud)
    sender = SmtpSender("127.0.0.1", port, "desk@harbour.test")
    link_for = cloud_link_for(client, "https://harbour.example")
    # Not synced yet: the link is unknown, the messages wait and are tried again.
    early = deliver_due(station.store, [sender], link_for)
    assert (early.sent, early.retrying) == (0, 2) and inbox.mails == []
    client.run_once()
    later = station.store.clock() + timedelta(minutes=5)
    report = deliver_due(station.store, [sender], link_for, later)
    assert (report.sent, report.failed) == (2, 0), report.errors
    public = client.cloud_work_order(wo)["public_id"]
    subjects = sorted(m["Subject"] for m in inbox.mails)
    assert subjects == [
        "Harbour Motors: waiting for your decision",
        "Harbour Motors: your car is checked in",
    ]
    body = inbox.mails[0].get_payload(decode=True).decode()
    assert f"https://harbour.example/t/{public}?lang=en" in body
    assert all(m["To"] == "wang@example.test" for m in inbox.mails)
    assert len({m["Message-ID"] for m in inbox.mails}) == 2
    assert deliver_due(station.store, [sender], link_for, later + timedelta(hours=1)).sent == 0
    assert len(inbox.mails) == 2
    assert kinds(station) == [("tracker_link", "sent"), ("awaiting_decision", "sent")]
    sent = messages.outbox(station.store)[0]
    assert (sent["channel"], sent["address"], sent["attempts"]) == ("email", "wang@example.test", 2)


class Gateway(BaseHTTPRequestHandler):
    """An SMS gateway on 127.0.0.1: answers the statuses it is told to, keeps what it got."""

    answers: ClassVar[list[int]] = []
    received: ClassVar[list[tuple[dict[str, Any], dict[str, str]]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).received.append((body, dict(self.headers)))
        status = type(self).answers.pop(0) if type(self).answers else 200
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def gateway() -> Iterator[str]:
    Gateway.answers, Gateway.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    finally:
        server.shutdown()
        server.server_close()


def fixed_link(wo_id: int, language: str) -> str:
    return f"https://harbour.example/t/link-{wo_id}?lang={language}"


def test_a_gateway_error_is_retried_with_backoff_and_sent_once(
    station: Station, gateway: str
) -> None:
    customer_visit(station)
    Gateway.answers = [503, 503]
    sender = WebhookSender(gateway, token="s3cret")
    now = station.store.clock()
    first = deliver_due(station.store, [sender], fixed_link, now)
    assert (first.sent, first.retrying) == (0, 2)
    assert "503" in (messages.outbox(station.store)[0]["last_error"] or "")
    assert deliver_due(station.store, [sender], fixed_link, now + timedelta(seconds=30)).sent == 0
    second = deliver_due(station.store, [sender], fixed_link, now + timedelta(minutes=3))
    assert second.sent == 2
    keys = [headers["Idempotency-Key"] for _body, headers in Gateway.received]
    assert len(keys) == 4 and len(set(keys)) == 2  # each message tried twice with its own key
    body, headers = Gateway.received[-1]
    assert headers["Authorization"] == "Bearer s3cret"
    assert body["to"] == "13800000000" and body["language"] == "zh"
    assert "等待您的决定" in body["subject"] or "已接车" in body["subject"]
    assert kinds(station) == [("tracker_link", "sent"), ("awaiting_decision", "sent")]


def test_failures_end_as_failed_and_the_desk_can_retry(station: Station, gateway: str) -> None:
    customer_visit(station)
    Gateway.answers = [400, 400]
    sender = WebhookSender(gateway)
    report = deliver_due(station.store, [sender], fixed_link)
    assert report.failed == 2
    assert kinds(station) == [("tracker_link", "failed"), ("awaiting_decision", "failed")]
    failed = messages.outbox(station.store)[0]
    with pytest.raises(Exception, match="may not"):
        messages.retry(station.store, station.tech, failed["id"])
    messages.retry(station.store, advisor(station), failed["id"])
    assert deliver_due(station.store, [sender], fixed_link).sent == 1
    nobody = deliver_due(station.store, [], fixed_link)
    assert nobody.sent == 0


def test_no_address_and_stale_messages(station: Station, gateway: str) -> None:
    wo = customer_visit(station)
    with station.store.transaction("test") as tx:
        tx.execute("UPDATE customers SET phone = NULL")
    report = deliver_due(station.store, [WebhookSender(gateway)], fixed_link)
    assert report.failed == 2 and "no address" in report.errors[0]
    # The car moves on before the waiting message is sent: it is skipped, not sent late.
    other = customer_visit(station)
    station.workshop.change_status(advisor(station), other, Status.CANCELLED)
    skipped = deliver_due(station.store, [WebhookSender(gateway)], fixed_link)
    assert (skipped.skipped, skipped.sent) == (2, 0)
    assert wo != other


def test_after_delivery_the_follow_ups_and_the_reminder_are_queued(
    station: Station, gateway: str
) -> None:
    wo = customer_visit(station)
    deliver(station, wo)
    messages.queue_from_records(station.store)
    queued = {m["kind"]: m["due_at"] for m in messages.outbox(station.store)}
    assert set(queued) == {
        "tracker_link",
        "awaiting_decision",
        "ready",
        "day1",
        "day7",
        "service_reminder",
    }
    follow = {
        f["kind"]: f["due_at"]
        for f in station.store.query(
            "SELECT kind, due_at FROM follow_ups WHERE work_order_id = ?", (wo,)
        )
    }
    assert (queued["day1"], queued["day7"]) == (follow["day1"], follow["day7"])
    due = station.workshop.next_service_due(station.workshop.work_order(wo)["vehicle_id"])
    assert due is not None
    reminder = date.fromisoformat(due["due_date"]) - timedelta(days=7)
    assert queued["service_reminder"].startswith(reminder.isoformat())
    now = station.store.clock()
    sent_now = deliver_due(station.store, [WebhookSender(gateway)], fixed_link, now)
    # Delivered: the status messages are past their moment; the follow-ups wait for their day.
    assert (sent_now.sent, sent_now.skipped) == (0, 3)
    tomorrow = deliver_due(
        station.store, [WebhookSender(gateway)], fixed_link, now + timedelta(days=1, minutes=1)
    )
    assert tomorrow.sent == 1 and "满意" in Gateway.received[-1][0]["subject"]


def test_the_command_line_lists_sends_and_withdraws(
    station: Station, gateway: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from station.cli import main

    wo = customer_visit(station)
    advisor(station)
    data = ["--data-dir", str(station.data_dir)]
    assert main(["messages", "list", *data]) == 0
    listed = capsys.readouterr().out
    assert "tracker_link" in listed and "awaiting_decision" in listed and "queued" in listed
    assert main(["messages", "send", *data]) == 2
    assert "say how to send" in capsys.readouterr().err
    # Not enrolled: the link is unknown, so the messages wait for the next try.
    assert main(["messages", "send", "--webhook", gateway, *data]) == 0
    assert "to retry 2" in capsys.readouterr().out
    assert main(["link", "revoke", str(wo), "--user", "zhao", "--pin", "2468", *data]) == 0
    assert "withdrawn" in capsys.readouterr().out
    revoked = station.store.query(
        "SELECT kind FROM outbox WHERE kind = 'work_order.link_revoked' AND entity_id = ?",
        (str(wo),),
    )
    assert len(revoked) == 1
    assert main(["link", "revoke", str(wo), "--user", "li", "--pin", "5678", *data]) == 2
