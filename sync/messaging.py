"""Sending the customer's messages: an SMTP e-mail sender and a webhook sender for SMS or WeChat.

`deliver_due` takes the messages the station's outbox says are due
(`station.messages.claim_due`), skips those whose moment has passed, fills in
the template with the customer's tracker link and hands each to the first
sender that has an address for the customer. A failed send is queued again
after a backoff and shown as failed after the last try. Each message carries a
stable id (`Message-ID` for e-mail, `Idempotency-Key` for the webhook), so a
message sent again after the station stopped mid-send can be recognised by the
receiving side.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

import httpx

from station import messages, profile
from station.messages import Facts, Pending, State
from station.store import Store
from sync.client import SyncClient
from sync.customer_rules import PAGE
from sync.errors import SyncError

log = logging.getLogger(__name__)

# The customer's link for a work order in a language, or None while the cloud does not know it yet.
LinkFor = Callable[[int, str], str | None]


class SendFailed(SyncError):
    """A sender could not hand the message over; `permanent` when trying again cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Outgoing:
    """One message as a sender sees it."""

    message_id: str
    kind: str
    language: str
    to: str
    subject: str
    text: str
    link: str


class Sender(Protocol):
    channel: str

    def address(self, pending: Pending) -> str | None:
        """Where this sender reaches the customer, or None when it cannot."""

    def send(self, message: Outgoing) -> None:
        """Hand the message over; raise `SendFailed` when that did not happen."""


@dataclass
class SmtpSender:
    """E-mail through an SMTP server (STARTTLS and login when given)."""

    host: str
    port: int
    sender: str
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 15.0
    channel: str = "email"

    def address(self, pending: Pending) -> str | None:
        return pending.email

    def send(self, message: Outgoing) -> None:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(localtime=False)
        domain = self.sender.rpartition("@")[2] or "bay-station.invalid"
        mail["Message-ID"] = f"<{message.message_id}@{domain}>"
        mail["Content-Language"] = "zh-CN" if message.language == "zh" else "en"
        mail.set_content(message.text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as err:
            raise SendFailed(
                f"the mail server refused {message.to}: {err}", permanent=True
            ) from err
        except (smtplib.SMTPException, OSError) as err:
            raise SendFailed(f"e-mail via {self.host}:{self.port} failed: {err}") from err


@dataclass
class WebhookSender:
    """A JSON POST to an SMS or WeChat gateway; 2xx is sent, 4xx will not improve, 5xx is retried."""

    url: str
    token: str | None = None
    timeout: float = 15.0
    channel: str = "sms"
    client: httpx.Client | None = field(default=None, repr=False)

    def address(self, pending: Pending) -> str | None:
        return pending.phone

    def send(self, message: Outgoing) -> None:
        headers = {"Idempotency-Key": message.message_id}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = {
            "id": message.message_id,
            "kind": message.kind,
            "to": message.to,
            "language": message.language,
            "subject": message.subject,
            "text": message.text,
            "link": message.link,
        }
        try:
            if self.client is not None:
                response = self.client.post(self.url, json=body, headers=headers)
            else:
                response = httpx.post(self.url, json=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as err:
            raise SendFailed(f"the gateway at {self.url} did not answer: {err}") from err
        if response.is_success:
            return
        retry = response.status_code >= 500 or response.status_code in (408, 429)
        raise SendFailed(
            f"the gateway answered {response.status_code}: {response.text[:200]}",
            permanent=not retry,
        )


@dataclass
class DeliveryReport:
    sent: int = 0
    skipped: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def deliver_due(
    store: Store,
    senders: Sequence[Sender],
    link_for: LinkFor,
    now: datetime | None = None,
) -> DeliveryReport:
    """One pass over the outbox: queue what the records call for, then send what is due."""
    moment = now or store.clock()
    messages.queue_from_records(store)
    workshop = profile.current(store).name or store.meta("workshop_name") or ""
    station = store.meta("station_id") or "station"
    report = DeliveryReport()
    for pending in messages.claim_due(store, moment):
        if not messages.still_relevant(pending.kind, pending.status, pending.follow_up_done):
            messages.mark_skipped(store, pending.id, f"the work order is {pending.status.value}")
            report.skipped += 1
            continue
        state = _send_one(store, pending, senders, link_for, workshop, station, moment, report)
        if state is State.SENT:
            report.sent += 1
        elif state is State.QUEUED:
            report.retrying += 1
        else:
            report.failed += 1
    return report


def _send_one(
    store: Store,
    pending: Pending,
    senders: Sequence[Sender],
    link_for: LinkFor,
    workshop: str,
    station: str,
    now: datetime,
    report: DeliveryReport,
) -> State:
    def failed(error: str, permanent: bool = False) -> State:
        report.errors.append(f"message {pending.id}: {error}")
        if permanent:
            messages.mark_failed(store, pending.id, messages.MAX_ATTEMPTS, error, now)
            return State.FAILED
        return messages.mark_failed(store, pending.id, pending.attempt, error, now)

    reachable = [(s, s.address(pending)) for s in senders]
    chosen = next(((s, a) for s, a in reachable if a), None)
    if chosen is None:
        channels = ", ".join(s.channel for s in senders) or "none configured"
        return failed(f"{messages.NO_ADDRESS} ({channels})", permanent=True)
    sender, address = chosen
    try:
        link = link_for(pending.work_order_id, pending.language)
    except SyncError as err:
        return failed(f"the tracker link is not known yet: {err}")
    if link is None:
        return failed("the tracker link is not known yet: sync with the cloud first")
    subject, text = messages.render(
        pending.kind,
        pending.language,
        Facts(
            customer=pending.name,
            workshop=workshop,
            number=pending.number,
            plate=pending.plate,
            link=link,
            due_date=pending.due_date,
            due_km=pending.due_km,
        ),
    )
    outgoing = Outgoing(
        f"bay-{station}-{pending.id}",
        pending.kind.value,
        pending.language,
        address,
        subject,
        text,
        link,
    )
    try:
        sender.send(outgoing)
    except SendFailed as err:
        return failed(str(err), err.permanent)
    messages.mark_sent(store, pending.id, sender.channel, address)
    log.info("message %d (%s) sent by %s", pending.id, pending.kind.value, sender.channel)
    return State.SENT


def cloud_link_for(client: SyncClient, public_base: str | None = None) -> LinkFor:
    """Links from the cloud's copy of each work order, at the workshop's public address."""
    base = (public_base or client.base_url or "").rstrip("/")

    def link(wo_id: int, language: str) -> str | None:
        public_id = client.cloud_work_order(wo_id).get("public_id")
        return f"{base}{PAGE}/{public_id}?lang={language}" if public_id else None

    return link
