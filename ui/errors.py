"""The core's refusals in the screen's language.

An error that carries a message key and its parameters (`err.key`, `err.params`) is
said from the catalogue under that key. Until every core error carries one, the
English messages people meet most are recognised by their shape, and their values
are put into the translated sentence; anything else is shown as the core wrote it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ui.texts import status_name

log = logging.getLogger(__name__)

CONTEXT = "Errors"

# Message key -> the sentence, with %1, %2 ... in the order of the key's parameters.
KEYED: dict[str, tuple[object, tuple[str, ...]]] = {
    "auth.wrong_pin": (QT_TRANSLATE_NOOP("Errors", "Unknown user or wrong PIN"), ()),
    "auth.wrong_pin_left": (
        QT_TRANSLATE_NOOP("Errors", "Unknown user or wrong PIN (%1 attempts left)"),
        ("left",),
    ),
    "auth.locked": (
        QT_TRANSLATE_NOOP("Errors", "%1 is locked after too many wrong PINs: ask an admin"),
        ("name",),
    ),
    "auth.now_locked": (
        QT_TRANSLATE_NOOP("Errors", "Wrong PIN: %1 is now locked, ask an admin"),
        ("name",),
    ),
    "permission.denied": (
        QT_TRANSLATE_NOOP("Errors", "Your role may not do this (%1)"),
        ("permission",),
    ),
    "lifecycle.refused": (
        QT_TRANSLATE_NOOP("Errors", "A work order cannot go from “%1” to “%2”"),
        ("current", "target"),
    ),
    "lifecycle.no_report": (
        QT_TRANSLATE_NOOP(
            "Errors", "The car cannot be delivered before the health report is issued"
        ),
        (),
    ),
    "lifecycle.no_quality_check": (
        QT_TRANSLATE_NOOP("Errors", "The car cannot be delivered before the quality check passed"),
        (),
    ),
    "lifecycle.waiting_findings": (
        QT_TRANSLATE_NOOP(
            "Errors", "Findings are waiting for approval: send them to the customer first"
        ),
        (),
    ),
    "lifecycle.nothing_to_repair": (
        QT_TRANSLATE_NOOP("Errors", "No approved finding and no booked job: nothing to repair"),
        (),
    ),
    "vin.malformed": (
        QT_TRANSLATE_NOOP(
            "Errors", "Malformed VIN %1: a VIN has 17 letters or digits, without I, O or Q"
        ),
        ("vin",),
    ),
    "vin.registered": (
        QT_TRANSLATE_NOOP("Errors", "A vehicle with VIN %1 is already registered"),
        ("vin",),
    ),
    "mileage.down": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "Mileage went down from %1 km to %2 km: check the odometer, or confirm the lower reading",
        ),
        ("previous", "new"),
    ),
    "mileage.implausible": (
        QT_TRANSLATE_NOOP("Errors", "Mileage %1 km is not plausible"),
        ("km",),
    ),
    "vehicle.needs_id": (QT_TRANSLATE_NOOP("Errors", "A vehicle needs a VIN or a plate"), ()),
    "customer.needs_name": (QT_TRANSLATE_NOOP("Errors", "A customer needs a name"), ()),
    "user.needs_name": (QT_TRANSLATE_NOOP("Errors", "A user needs a name"), ()),
    "user.exists": (QT_TRANSLATE_NOOP("Errors", "User %1 already exists"), ("name",)),
    "user.last_admin": (QT_TRANSLATE_NOOP("Errors", "The station needs at least one admin"), ()),
    "user.not_yourself": (QT_TRANSLATE_NOOP("Errors", "You cannot deactivate yourself"), ()),
    "finding.needs_title": (QT_TRANSLATE_NOOP("Errors", "A finding needs a title"), ()),
    "line.needs_description": (
        QT_TRANSLATE_NOOP("Errors", "An estimate line needs a description"),
        (),
    ),
    "email_invalid": (
        QT_TRANSLATE_NOOP("Errors", "%1 is not an e-mail address (like name@example.com)"),
        ("address",),
    ),
    "phone_invalid": (
        QT_TRANSLATE_NOOP(
            "Errors", "%1 is not a phone number (digits, with + for another country)"
        ),
        ("number",),
    ),
    "signature.empty": (
        QT_TRANSLATE_NOOP("Errors", "The signature is empty: ask the customer to sign"),
        (),
    ),
    "approval.needs_signature": (
        QT_TRANSLATE_NOOP(
            "Errors", "An approval at the desk or bay needs the customer's signature"
        ),
        (),
    ),
    "update.needs_message": (
        QT_TRANSLATE_NOOP("Errors", "An update needs a message for the customer"),
        (),
    ),
    "clock.already_on": (QT_TRANSLATE_NOOP("Errors", "You are already clocked on this job"), ()),
    "clock.not_on": (QT_TRANSLATE_NOOP("Errors", "You are not clocked on this job"), ()),
    "quality_check.failed": (QT_TRANSLATE_NOOP("Errors", "The quality check has not passed"), ()),
    "handover.needs_receiver": (
        QT_TRANSLATE_NOOP("Errors", "A handover records who took the car"),
        (),
    ),
    "scan.other_vehicle": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "The car scanned has VIN %1, the work order's car has %2: scan the right car, "
            "or confirm that this scan belongs to this work order",
        ),
        ("scanned", "expected"),
    ),
    "clear.codes_at_risk": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "Clearing would erase codes whose fault was declined or not repaired: %1. "
            "Tick the box and tap Clear codes again to clear them anyway",
        ),
        ("codes",),
    ),
}

# The core's English sentences as they are today, recognised by shape -> key and parameters.
SHAPES: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), key, names)
    for pattern, key, names in (
        (r"^unknown user or wrong PIN \((\d+) attempts left\)$", "auth.wrong_pin_left", ("left",)),
        (r"^unknown user or wrong PIN$", "auth.wrong_pin", ()),
        (r"^(.+) is locked after too many wrong PINs: ask an admin$", "auth.locked", ("name",)),
        (r"^wrong PIN: (.+) is now locked, ask an admin$", "auth.now_locked", ("name",)),
        (r"^an? \w+ may not do '(.+)'$", "permission.denied", ("permission",)),
        (
            r"^a work order cannot go from (\w+) to (\w+)$",
            "lifecycle.refused",
            ("current", "target"),
        ),
        (r"^cannot deliver before the health report is issued$", "lifecycle.no_report", ()),
        (r"^cannot deliver before the quality check passed$", "lifecycle.no_quality_check", ()),
        (r"^findings are waiting for approval", "lifecycle.waiting_findings", ()),
        (r"^no approved finding and no booked job", "lifecycle.nothing_to_repair", ()),
        (r"^malformed VIN '(.*)'", "vin.malformed", ("vin",)),
        (r"^a vehicle with VIN (\w+) is already registered$", "vin.registered", ("vin",)),
        (r"^mileage went down from (\d+) km to (\d+) km", "mileage.down", ("previous", "new")),
        (r"^mileage (-?\d+) km is not plausible$", "mileage.implausible", ("km",)),
        (r"^a vehicle needs a VIN or a plate$", "vehicle.needs_id", ()),
        (r"^a customer needs a name$", "customer.needs_name", ()),
        (r"^a user needs a name$", "user.needs_name", ()),
        (r"^user '(.+)' already exists$", "user.exists", ("name",)),
        (r"^a finding needs a title$", "finding.needs_title", ()),
        (r"^an estimate line needs a description$", "line.needs_description", ()),
        (r"^the signature is empty", "signature.empty", ()),
        (r"^an approval at the desk or bay needs", "approval.needs_signature", ()),
        (r"^an update needs a message", "update.needs_message", ()),
        (r"^you are already clocked on this job$", "clock.already_on", ()),
        (r"^you are not clocked on this job$", "clock.not_on", ()),
        (r"^the quality check has not passed$", "quality_check.failed", ()),
        (r"^a handover records who took the car$", "handover.needs_receiver", ()),
    )
)

STATUS_PARAMS = frozenset({"current", "target"})


def keyed_text(key: str, params: Mapping[str, object]) -> str | None:
    """The sentence for a message key with its parameters, or None for an unknown key."""
    known = KEYED.get(key)
    if known is None:
        return None
    template, names = known
    text = QCoreApplication.translate(CONTEXT, str(template))
    for index, name in enumerate(names, start=1):
        value = str(params.get(name, ""))
        if name in STATUS_PARAMS:
            try:
                value = status_name(value)
            except ValueError:
                log.debug("not a status: %s", value)
        text = text.replace(f"%{index}", value)
    return text


def error_text(err: BaseException) -> str:
    """What a person reads for a refusal from the core."""
    key = getattr(err, "key", None)
    params = getattr(err, "params", None)
    if isinstance(key, str):
        said = keyed_text(key, params if isinstance(params, Mapping) else {})
        if said is not None:
            return said
    message = str(err)
    for pattern, shape_key, names in SHAPES:
        found = pattern.search(message)
        if found is not None:
            said = keyed_text(shape_key, dict(zip(names, found.groups(), strict=True)))
            if said is not None:
                return said
    return message
