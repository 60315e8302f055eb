"""The customer's e-mail and phone, set at the desk or on the command line, and the messages
that then go out: to a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest

from station import messages
from station.cli import main
from station.customers import check_email, check_phone, contact_changes
from station.errors import InvalidInput, NotFound, PermissionDenied
from station.findings import FindingDraft, Severity, part
from station.lifecycle import Status
from station.vehicles import Powertrain
from sync.server import CloudHandle
from tests.sync.customer_helpers import Inbox, synced
from tests.sync.helpers import Station, make_station


def test_an_address_is_checked_as_typed_and_kept_trimmed() -> None:
    assert check_email("  wang.fang@example.com ") == "wang.fang@example.com"
    assert check_email("") is None and check_email(None) is None
    for bad in (
        "wang",
        "wang@",
        "@example.com",
        "wang@example",
        "wang fang@example.com",
        "a@b@example.com",
        "wang@example..com",
        "x" * 250 + "@e.cn",
    ):
        with pytest.raises(InvalidInput):
            check_email(bad)
    assert check_phone(" +86 138-0000 0000 ") == "+86 138-0000 0000"
    assert check_phone("") is None
    for bad in ("1234", "call me", "138O0000000", "+", "1" * 41):
        with pytest.raises(InvalidInput):
            check_phone(bad)


def test_only_what_differs_is_changed_and_empty_clears() -> None:
    current = {"email": "a@example.com", "phone": "13800000000"}
    assert contact_changes(current, None, None) == {}
    assert contact_changes(current, "a@example.com", "13800000000") == {}
    assert contact_changes(current, "", None) == {"email": None}
    assert contact_changes(current, None, "13900000000") == {"phone": "13900000000"}


@pytest.fixture
def station(tmp_path: Path) -> Station:
    return make_station(tmp_path / "station")


def _visit_without_address(station: Station) -> tuple[int, int]:
    """A customer who gave no e-mail, and a visit that is waiting for their decision."""
    w, admin, tech = station.workshop, station.admin, station.tech
    customer = w.add_customer(admin, "Wang Fang", None, "en").id
    vehicle = w.add_vehicle(
        admin, None, "沪A12345", Powertrain.EV, "BYD", "Seal", 2023, customer
    ).id
    wo = w.create_work_order(admin, vehicle, "noise", customer_id=customer).id
    w.check_in(tech, wo, 42_000)
    w.change_status(tech, wo, Status.DIAGNOSING)
    w.add_finding(tech, wo, FindingDraft("Front pads", Severity.URGENT, [part("Pads", 1, 30000)]))
    w.change_status(tech, wo, Status.AWAITING_APPROVAL)
    return customer, wo


def test_setting_the_contact_is_audited_and_refused_to_a_technician(station: Station) -> None:
    customer, _wo = _visit_without_address(station)
    w = station.workshop
    with pytest.raises(PermissionDenied):
        w.set_contact(station.tech, customer, email="wang@example.com")
    with pytest.raises(InvalidInput, match="not an e-mail address"):
        w.set_contact(station.admin, customer, email="wang at example")
    with pytest.raises(NotFound):
        w.set_contact(station.admin, 999, email="wang@example.com")
    assert w.customer(customer)["email"] is None  # refused: nothing written
    changed = w.set_contact(station.admin, customer, email="wang@example.com", phone="13800000000")
    assert changed == {"email": "wang@example.com", "phone": "13800000000"}
    assert w.set_contact(station.admin, customer, email="wang@example.com") == {}
    events = station.store.query(
        "SELECT kind, subject, data FROM audit_events WHERE kind = 'customer.contact_set'"
    )
    assert len(events) == 1 and events[0]["subject"] == f"customer:{customer}"
    assert "wang@example.com" in events[0]["data"]
    assert station.store.verify_audit_chain().ok


def test_an_address_set_on_the_command_line_sends_the_messages_that_had_none(
    station: Station,
    sqlite_cloud: CloudHandle,
    smtp: tuple[Inbox, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    inbox, port = smtp
    customer, wo = _visit_without_address(station)
    synced(station, sqlite_cloud).run_once()
    data = ["--data-dir", str(station.data_dir)]
    send = ["messages", "send", "--smtp", f"127.0.0.1:{port}", "--from", "desk@harbour.test"]
    send += ["--public-url", "https://harbour.example", *data]
    assert main(send) == 0
    assert "sent 0" in capsys.readouterr().out and inbox.mails == []
    failed = messages.outbox(station.store)
    assert {m["state"] for m in failed} == {"failed"}
    assert all(messages.NO_ADDRESS in m["last_error"] for m in failed)
    number = station.workshop.work_order(wo)["number"]
    login = ["--user", "admin", "--pin", "1234"]
    # A typo is refused with the reason, and nothing changes.
    assert (
        main(["customer", "contact", "--work-order", number, "--email", "wang@", *login, *data])
        == 2
    )
    assert "not an e-mail address" in capsys.readouterr().err
    assert (
        main(
            [
                "customer",
                "contact",
                "--work-order",
                number,
                "--email",
                "wang@example.com",
                *login,
                *data,
            ]
        )
        == 0
    )
    assert "e-mail wang@example.com" in capsys.readouterr().out
    assert {m["state"] for m in messages.outbox(station.store)} == {"queued"}
    assert main(send) == 0
    assert "sent 2" in capsys.readouterr().out
    assert sorted(m["Subject"] for m in inbox.mails) == [
        "Harbour Motors: waiting for your decision",
        "Harbour Motors: your car is checked in",
    ]
    assert {m["To"] for m in inbox.mails} == {"wang@example.com"}
    assert main(["customer", "contact", "--customer", str(customer), *data]) == 0
    assert "phone -" in capsys.readouterr().out


def test_a_walk_in_customer_gets_the_same_phone_check_as_the_contact_panel(
    station: Station,
) -> None:
    w, admin = station.workshop, station.admin
    for bad in ("call me", "1234", "138O0000000"):
        with pytest.raises(InvalidInput):
            w.add_customer(admin, "Wang Fang", bad, "en")
    assert not station.store.query("SELECT id FROM customers WHERE name = 'Wang Fang'")
    kept = w.add_customer(admin, "Wang Fang", " +86 138-0000 0000 ", "en").id
    row = station.store.query_one("SELECT phone FROM customers WHERE id = ?", (kept,))
    assert row is not None and row["phone"] == "+86 138-0000 0000"
