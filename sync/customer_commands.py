"""`station link` (the customer's tracker link), `station messages` (the customer's outbox) and
`station customer contact` (where the messages go)."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

log = logging.getLogger(__name__)

EXIT_OK = 0


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    from station.cli import actor_options

    link = commands.add_parser("link", parents=[common], help="the customer's tracker link")
    link_sub = link.add_subparsers(dest="link_command", required=True, metavar="ACTION")
    show = link_sub.add_parser("show", parents=[common], help="print a work order's link")
    show.add_argument("work_order", help="id or number")
    show.add_argument("--public-url", help="the workshop's public address (default: the cloud's)")
    show.add_argument("--language", choices=("zh", "en"), default=None)
    show.set_defaults(handler=run_link_show)
    revoke = link_sub.add_parser(
        "revoke", parents=[common], help="withdraw a link; the next sync gives a new one"
    )
    revoke.add_argument("work_order", help="id or number")
    actor_options(revoke)
    revoke.set_defaults(handler=run_link_revoke)

    customer = commands.add_parser("customer", parents=[common], help="the workshop's customers")
    customer_sub = customer.add_subparsers(dest="customer_command", required=True, metavar="ACTION")
    contact = customer_sub.add_parser(
        "contact",
        parents=[common],
        help="show or set a customer's e-mail and phone (where their messages go)",
    )
    whom = contact.add_mutually_exclusive_group(required=True)
    whom.add_argument("--customer", type=int, metavar="ID", help="the customer's id")
    whom.add_argument("--work-order", metavar="ID_OR_NUMBER", help="the work order's customer")
    contact.add_argument("--email", help='the e-mail address ("" removes it)')
    contact.add_argument("--phone", help='the mobile number for SMS or WeChat ("" removes it)')
    actor_options(contact)
    contact.set_defaults(handler=run_customer_contact)

    msgs = commands.add_parser("messages", parents=[common], help="messages to customers")
    msgs_sub = msgs.add_subparsers(dest="messages_command", required=True, metavar="ACTION")
    listing = msgs_sub.add_parser("list", parents=[common], help="the outbox, newest first")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_messages_list)
    send = msgs_sub.add_parser("send", parents=[common], help="send the messages that are due")
    send.add_argument("--smtp", metavar="HOST:PORT", help="send e-mail through this server")
    send.add_argument("--from", dest="sender", help="the e-mail sender address")
    send.add_argument("--starttls", action="store_true", help="STARTTLS before sending")
    send.add_argument("--webhook", metavar="URL", help="an SMS or WeChat gateway's URL")
    send.add_argument("--webhook-token", help="bearer token for the gateway")
    send.add_argument("--public-url", help="the workshop's public address for links")
    send.set_defaults(handler=run_messages_send)
    retry = msgs_sub.add_parser("retry", parents=[common], help="send a failed message again")
    retry.add_argument("message_id", type=int)
    actor_options(retry)
    retry.set_defaults(handler=run_messages_retry)


def _workshop(args: argparse.Namespace) -> tuple[Any, Any]:
    from station.cli import config_from_args, open_workshop

    config = config_from_args(args)
    return config, open_workshop(config)


def run_link_show(args: argparse.Namespace) -> int:
    from station.commands import resolve_work_order
    from sync.client import SyncClient
    from sync.messaging import cloud_link_for

    config, workshop = _workshop(args)
    wo = resolve_work_order(workshop, args.work_order)
    language = args.language or _language(workshop, wo)
    public = args.public_url or config.get("customer.public_url")
    with SyncClient(workshop.store, data_dir=config.data_dir) as client:
        link = cloud_link_for(client, public)(int(wo["id"]), language)
    print(link or "the cloud has no link for this work order yet: run `station sync`")
    return EXIT_OK if link else 1


def _language(workshop: Any, wo: dict[str, Any]) -> str:
    row = workshop.store.query_one(
        "SELECT language FROM customers WHERE id = ?", (wo.get("customer_id"),)
    )
    return str(row["language"]) if row else "zh"


def run_link_revoke(args: argparse.Namespace) -> int:
    from station import messages
    from station.cli import login_from_args
    from station.commands import resolve_work_order

    config, workshop = _workshop(args)
    actor = login_from_args(args, config, workshop)
    wo = resolve_work_order(workshop, args.work_order)
    messages.revoke_link(workshop.store, actor, int(wo["id"]))
    print(f"{wo['number']}: link withdrawn; the next `station sync` gives the customer a new one")
    return EXIT_OK


def run_customer_contact(args: argparse.Namespace) -> int:
    """Without --email or --phone it only shows them; setting them needs an advisor's login."""
    from station.cli import UsageError, login_from_args
    from station.commands import resolve_work_order

    config, workshop = _workshop(args)
    customer_id = args.customer
    if customer_id is None:
        customer_id = resolve_work_order(workshop, args.work_order).get("customer_id")
        if customer_id is None:
            raise UsageError(
                f"work order {args.work_order} has no customer",
                key="work_order.no_customer",
                number=str(args.work_order),
            )
    if args.email is not None or args.phone is not None:
        actor = login_from_args(args, config, workshop)
        changed = workshop.set_contact(actor, int(customer_id), email=args.email, phone=args.phone)
        if not changed:
            print("nothing changed")
    row = workshop.customer(int(customer_id))
    if row is None:
        raise UsageError(
            f"customer {customer_id} does not exist",
            key="customer.not_found",
            customer=str(customer_id),
        )
    print(
        f"customer {row['id']} {row['name']}: e-mail {row['email'] or '-'}, phone {row['phone'] or '-'}"
    )
    return EXIT_OK


def run_messages_list(args: argparse.Namespace) -> int:
    from station import messages
    from station.cli import print_json

    _config, workshop = _workshop(args)
    messages.queue_from_records(workshop.store)
    rows = messages.outbox(workshop.store)
    if args.json:
        print_json(rows)
        return EXIT_OK
    for row in rows:
        print(
            f"{row['id']:>5}  {row['number']}  {row['kind']:<18} {row['state']:<8} "
            f"due {row['due_at'][:16]}  tries {row['attempts']}  {row['last_error'] or ''}"
        )
    return EXIT_OK


def run_messages_send(args: argparse.Namespace) -> int:
    from station.cli import UsageError
    from sync.client import SyncClient
    from sync.messaging import Sender, SmtpSender, WebhookSender, cloud_link_for, deliver_due

    config, workshop = _workshop(args)
    senders: list[Sender] = []
    smtp = args.smtp or config.get("messages.smtp")
    if smtp:
        host, _, port = str(smtp).rpartition(":")
        sender = args.sender or config.get("messages.from")
        if not host or not port.isdigit() or not sender:
            raise UsageError("--smtp HOST:PORT needs --from ADDRESS", key="cli.smtp_needs_from")
        senders.append(SmtpSender(host, int(port), str(sender), starttls=args.starttls))
    webhook = args.webhook or config.get("messages.webhook")
    if webhook:
        token = args.webhook_token or config.get("messages.webhook_token")
        senders.append(WebhookSender(str(webhook), token))
    if not senders:
        raise UsageError(
            "say how to send: --smtp HOST:PORT --from ADDRESS, or --webhook URL",
            key="cli.send_how",
        )
    public = args.public_url or config.get("customer.public_url")
    with SyncClient(workshop.store, data_dir=config.data_dir) as client:
        report = deliver_due(workshop.store, senders, cloud_link_for(client, public))
    print(
        f"sent {report.sent}, skipped {report.skipped}, to retry {report.retrying}, failed {report.failed}"
    )
    for error in report.errors:
        print(f"  {error}", file=sys.stderr)
    return EXIT_OK


def run_messages_retry(args: argparse.Namespace) -> int:
    from station import messages
    from station.cli import login_from_args

    config, workshop = _workshop(args)
    actor = login_from_args(args, config, workshop)
    messages.retry(workshop.store, actor, args.message_id)
    print(f"message {args.message_id} queued again")
    return EXIT_OK
