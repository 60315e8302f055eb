"""The core's refusals in the screen's language.

Every refusal a screen can meet carries a message key and its parameters
(`err.key`, `err.params`, see station/errors.py): it is said from the catalogue under
that key, its values put in place (a stage or a role in the screen's words). A refusal
without a known key is shown as the core wrote it on an English screen, and by its
kind on a Chinese one: never an English sentence on a Chinese screen.
"""

from __future__ import annotations

import logging
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
        QT_TRANSLATE_NOOP("Errors", "A %1 may not do this"),
        ("role",),
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
    "lifecycle.nothing_waiting": (
        QT_TRANSLATE_NOOP("Errors", "No finding is waiting for the customer's approval"),
        (),
    ),
    "lifecycle.clocked_on": (
        QT_TRANSLATE_NOOP("Errors", "Jobs still clocked on: %1. Clock them off first"),
        ("count",),
    ),
    "lifecycle.not_back_to_booked": (
        QT_TRANSLATE_NOOP("Errors", "A work order cannot go back to booked"),
        (),
    ),
    "status.unknown": (QT_TRANSLATE_NOOP("Errors", "Unknown stage %1"), ("status",)),
    "work_order.closed": (
        QT_TRANSLATE_NOOP("Errors", "Work order %1 is %2: it takes no more changes"),
        ("number", "status"),
    ),
    "work_order.check_in_form": (
        QT_TRANSLATE_NOOP("Errors", "Check the car in on the check-in form, with its mileage"),
        (),
    ),
    "jobs.not_in_repair": (
        QT_TRANSLATE_NOOP("Errors", "Work order %1 is %2, not in repair"),
        ("number", "status"),
    ),
    "jobs.not_approved": (
        QT_TRANSLATE_NOOP("Errors", "No repair on a finding the customer has not approved"),
        (),
    ),
    "quality_check.not_in_check": (
        QT_TRANSLATE_NOOP("Errors", "Work order %1 is %2, not in quality check"),
        ("number", "status"),
    ),
    "vehicle.powertrain": (
        QT_TRANSLATE_NOOP("Errors", "Unknown powertrain %1: use ICE, HEV or EV"),
        ("powertrain",),
    ),
    "vehicle.year": (QT_TRANSLATE_NOOP("Errors", "Model year %1 is not plausible"), ("year",)),
    "language.unknown": (
        QT_TRANSLATE_NOOP("Errors", "Unknown language %1: use zh or en"),
        ("language",),
    ),
    "check_in.energy": (
        QT_TRANSLATE_NOOP("Errors", "Fuel or charge level is a percentage from 0 to 100"),
        (),
    ),
    "line.quantity": (
        QT_TRANSLATE_NOOP("Errors", "Estimate line “%1”: the quantity must be more than 0"),
        ("line",),
    ),
    "line.price": (
        QT_TRANSLATE_NOOP("Errors", "Estimate line “%1”: the price cannot be negative"),
        ("line",),
    ),
    "value.unknown": (QT_TRANSLATE_NOOP("Errors", "Unknown value %1"), ("value",)),
    "signature.no_pad": (QT_TRANSLATE_NOOP("Errors", "The signature pad has no size"), ()),
    "profile.time_zone": (
        QT_TRANSLATE_NOOP("Errors", "Unknown time zone %1: use a name such as Asia/Shanghai"),
        ("zone",),
    ),
    "adjustment.no_labour_rate": (
        QT_TRANSLATE_NOOP(
            "Errors", "The price list has no labour rate: set it before pricing an adjustment"
        ),
        (),
    ),
    "adjustment.not_measured": (
        QT_TRANSLATE_NOOP(
            "Errors", "Measure the alignment on the rig first: there is nothing to propose"
        ),
        (),
    ),
    "adjustment.within_spec": (
        QT_TRANSLATE_NOOP(
            "Errors", "Every alignment reading is within its specification: no adjustment"
        ),
        (),
    ),
    "signature.too_small": (
        QT_TRANSLATE_NOOP(
            "Errors", "The signature is too small: ask the customer to sign across the pad"
        ),
        (),
    ),
    "signature.elsewhere": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "That signature was given for another work order or a handover: "
            "ask the customer to sign for this decision",
        ),
        (),
    ),
    "signature.before_finding": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "The customer signed before this finding was added: ask the customer to sign again",
        ),
        (),
    ),
    "signature.used": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "That signature already backs another decision or handover: "
            "ask the customer to sign for the car",
        ),
        (),
    ),
    "approval.remote_only": (
        QT_TRANSLATE_NOOP("Errors", "Remote approvals arrive only through sync"),
        (),
    ),
    "approval.desk_advisor": (
        QT_TRANSLATE_NOOP("Errors", "Only an advisor records the customer's decision at the desk"),
        (),
    ),
    "approval.role": (
        QT_TRANSLATE_NOOP("Errors", "A %1 may not record the customer's decision"),
        ("role",),
    ),
    "approval.bay_signature": (
        QT_TRANSLATE_NOOP("Errors", "A decision at the bay needs the customer's signature"),
        (),
    ),
    "approval.needs_name": (
        QT_TRANSLATE_NOOP("Errors", "An approval records who decided"),
        (),
    ),
    "finding.no_longer_offered": (
        QT_TRANSLATE_NOOP(
            "Errors", "This finding was withdrawn or replaced: it is no longer offered"
        ),
        (),
    ),
    "finding.already_approved": (
        QT_TRANSLATE_NOOP(
            "Errors", "This finding is already approved; an approval is not withdrawn here"
        ),
        (),
    ),
    "finding.already_corrected": (
        QT_TRANSLATE_NOOP("Errors", "This finding was already withdrawn or replaced"),
        (),
    ),
    "correction.needs_reason": (
        QT_TRANSLATE_NOOP("Errors", "Say why the finding is corrected: it stays on record"),
        (),
    ),
    "correction.reason_long": (
        QT_TRANSLATE_NOOP("Errors", "The reason is longer than %1 characters"),
        ("max",),
    ),
    "correction.approved": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "The customer approved this finding: it stays as approved; "
            "add a new finding for what is different",
        ),
        (),
    ),
    "follow_up.recorded": (
        QT_TRANSLATE_NOOP("Errors", "This follow-up is already recorded"),
        (),
    ),
    "inspection.no_measurement": (
        QT_TRANSLATE_NOOP("Errors", "This item takes no measurement"),
        (),
    ),
    "inspection.needs_rating": (
        QT_TRANSLATE_NOOP("Errors", "Rate this item: green, amber or red"),
        (),
    ),
    "pin.format": (QT_TRANSLATE_NOOP("Errors", "A PIN has 4 to 8 digits"), ()),
    "record.not_found": (
        QT_TRANSLATE_NOOP("Errors", "That record is not on this station"),
        (),
    ),
    "record.other_work_order": (
        QT_TRANSLATE_NOOP("Errors", "That record belongs to another work order"),
        (),
    ),
    "search.needs_text": (
        QT_TRANSLATE_NOOP("Errors", "Search by VIN, the end of a VIN, or plate"),
        (),
    ),
    "text.too_long": (
        QT_TRANSLATE_NOOP("Errors", "At most %1 characters here (this text has %2)"),
        ("max", "length"),
    ),
    "photo.not_found": (QT_TRANSLATE_NOOP("Errors", "That photo is not on this station"), ()),
    "photo.subject": (
        QT_TRANSLATE_NOOP(
            "Errors", "A photo belongs to one checklist item or one finding, not both"
        ),
        (),
    ),
    "photo.unreadable": (
        QT_TRANSLATE_NOOP("Errors", "The photo could not be read: take it again"),
        (),
    ),
    "photo.pairing": (
        QT_TRANSLATE_NOOP("Errors", "Only an after photo is paired, and with a before photo"),
        (),
    ),
    "alignment.reading": (
        QT_TRANSLATE_NOOP("Errors", "The rig sent a reading the station cannot use"),
        (),
    ),
    "alignment.spec": (
        QT_TRANSLATE_NOOP("Errors", "The alignment specification table is damaged"),
        (),
    ),
    "alignment.no_spec": (
        QT_TRANSLATE_NOOP("Errors", "No alignment specification for %1"),
        ("vehicle",),
    ),
    "alignment.no_before": (
        QT_TRANSLATE_NOOP("Errors", "An alignment needs the readings before adjustment"),
        (),
    ),
    "alignment.closed": (
        QT_TRANSLATE_NOOP("Errors", "This work order is closed: it takes no new measurements"),
        (),
    ),
    "recording.malformed": (
        QT_TRANSLATE_NOOP("Errors", "The live recording is damaged: record it again"),
        (),
    ),
    "recording.needs_label": (
        QT_TRANSLATE_NOOP("Errors", "Say what the recording is, e.g. rev test"),
        (),
    ),
    "scan.malformed": (
        QT_TRANSLATE_NOOP("Errors", "The scan result is damaged: scan again"),
        (),
    ),
    "clear.needs_confirmation": (
        QT_TRANSLATE_NOOP("Errors", "Clearing trouble codes needs the box ticked first"),
        (),
    ),
    "profile.tax_rate": (
        QT_TRANSLATE_NOOP(
            "Errors", "The tax rate is a percentage from 0 to 100 with at most two decimals, not %1"
        ),
        ("rate",),
    ),
    "profile.too_long": (
        QT_TRANSLATE_NOOP("Errors", "At most %1 characters here"),
        ("max",),
    ),
    "profile.needs_name": (QT_TRANSLATE_NOOP("Errors", "The workshop needs a name"), ()),
    "profile.phone": (
        QT_TRANSLATE_NOOP("Errors", "The phone number %1 has characters a phone cannot dial"),
        ("phone",),
    ),
    "profile.currency": (
        QT_TRANSLATE_NOOP("Errors", "The currency is a three-letter code such as CNY, not %1"),
        ("currency",),
    ),
    "profile.logo": (
        QT_TRANSLATE_NOOP("Errors", "The logo must be a PNG or JPEG image that opens"),
        (),
    ),
    "profile.logo_size": (
        QT_TRANSLATE_NOOP("Errors", "The logo is larger than %1 MB"),
        ("mb",),
    ),
    "message.not_failed": (
        QT_TRANSLATE_NOOP("Errors", "That message has not failed: nothing to send again"),
        (),
    ),
    "email.invalid": (QT_TRANSLATE_NOOP("Errors", "That is not an e-mail address"), ()),
    "item.needs_code": (QT_TRANSLATE_NOOP("Errors", "A price item needs a code"), ()),
    "item.needs_name": (QT_TRANSLATE_NOOP("Errors", "A price item needs a name"), ()),
    "item.price": (QT_TRANSLATE_NOOP("Errors", "That price is not plausible"), ()),
    "item.hours": (
        QT_TRANSLATE_NOOP("Errors", "A labour operation takes more than 0 and at most 100 hours"),
        (),
    ),
    "catalogue.labour_rate": (
        QT_TRANSLATE_NOOP("Errors", "That labour rate is not plausible"),
        (),
    ),
    "job.needs_name": (QT_TRANSLATE_NOOP("Errors", "A canned job needs a name"), ()),
    "job.needs_line": (
        QT_TRANSLATE_NOOP("Errors", "A canned job needs at least one line"),
        (),
    ),
    "job.quantity": (
        QT_TRANSLATE_NOOP("Errors", "%1: the quantity %2 is not plausible"),
        ("code", "quantity"),
    ),
    "job.unknown_item": (
        QT_TRANSLATE_NOOP("Errors", "No price item with code %1"),
        ("code",),
    ),
    "job.not_found": (
        QT_TRANSLATE_NOOP("Errors", "That canned job is no longer on the list"),
        (),
    ),
    "user.admin_adds": (QT_TRANSLATE_NOOP("Errors", "Log in as an admin to add users"), ()),
    "user.first_admin": (QT_TRANSLATE_NOOP("Errors", "The first user must be an admin"), ()),
    "user.recovery_refused": (
        QT_TRANSLATE_NOOP("Errors", "That recovery code does not unlock an admin of this station"),
        (),
    ),
    # the store, backups, configuration and the command line's own refusals
    "store.audit_key_missing": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "The audit key %1 is missing: restore it from the backup of the keys folder before recording anything",
        ),
        ("path",),
    ),
    "store.cannot_open": (
        QT_TRANSLATE_NOOP("Errors", "Cannot open the database %1: %2"),
        ("path", "reason"),
    ),
    "store.cannot_create": (
        QT_TRANSLATE_NOOP("Errors", "Cannot create the database %1: %2"),
        ("path", "reason"),
    ),
    "store.cannot_read": (
        QT_TRANSLATE_NOOP(
            "Errors", "Cannot read the database %1: %2 (is the disk full or failing?)"
        ),
        ("path", "reason"),
    ),
    "store.unusable": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "%1 is not a usable station database: %2. Nothing was changed: restore a backup, or move the file away and set the station up again",
        ),
        ("path", "problem"),
    ),
    "store.not_a_station": (
        QT_TRANSLATE_NOOP("Errors", "%1 is not a usable station database: %2"),
        ("path", "reason"),
    ),
    "store.no_backup": (
        QT_TRANSLATE_NOOP("Errors", "Not upgrading the database without a backup: %1"),
        ("reason",),
    ),
    "store.nested_transaction": (
        QT_TRANSLATE_NOOP("Errors", "A change is already being recorded on this thread"),
        (),
    ),
    "backup.cannot_read": (
        QT_TRANSLATE_NOOP("Errors", "Cannot back up %1: %2"),
        ("path", "reason"),
    ),
    "backup.exists": (QT_TRANSLATE_NOOP("Errors", "The backup %1 already exists"), ("path",)),
    "backup.copy_damaged": (
        QT_TRANSLATE_NOOP("Errors", "The backup copy failed its check: %1"),
        ("problem",),
    ),
    "backup.cannot_write": (
        QT_TRANSLATE_NOOP("Errors", "Cannot write the backup %1: %2"),
        ("path", "reason"),
    ),
    "backup.in_use": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "The station is in use (the app, a sync or another command has its database open): close it, then restore",
        ),
        (),
    ),
    "backup.restored_damaged": (
        QT_TRANSLATE_NOOP("Errors", "The restored database failed its check: %1"),
        ("problem",),
    ),
    "backup.cannot_restore": (
        QT_TRANSLATE_NOOP("Errors", "Cannot restore %1 into %2: %3"),
        ("source", "path", "reason"),
    ),
    "config.not_whole": (
        QT_TRANSLATE_NOOP("Errors", "The setting %1 must be a whole number, not %2"),
        ("setting", "value"),
    ),
    "config.not_toml": (
        QT_TRANSLATE_NOOP("Errors", "The configuration file %1 is not valid TOML: %2"),
        ("path", "reason"),
    ),
    "config.missing": (
        QT_TRANSLATE_NOOP("Errors", "The configuration file %1 does not exist"),
        ("path",),
    ),
    "file.cannot_write": (QT_TRANSLATE_NOOP("Errors", "Cannot write %1: %2"), ("path", "reason")),
    "file.cannot_read": (QT_TRANSLATE_NOOP("Errors", "Cannot read %1: %2"), ("path", "reason")),
    "audit_key.damaged": (
        QT_TRANSLATE_NOOP(
            "Errors", "The audit key %1 is damaged: restore it from the backup of the keys folder"
        ),
        ("path",),
    ),
    "audit_key.exists": (QT_TRANSLATE_NOOP("Errors", "%1 already holds an audit key"), ("path",)),
    "cli.https_needs_cert_and_key": (
        QT_TRANSLATE_NOOP(
            "Errors", "HTTPS needs both a certificate and its key (--cert and --key)"
        ),
        (),
    ),
    "cli.admin_pin_needed": (
        QT_TRANSLATE_NOOP(
            "Errors", "Give the first admin's PIN (--admin-pin or STATION_ADMIN_PIN)"
        ),
        (),
    ),
    "hub.none": (
        QT_TRANSLATE_NOOP("Errors", "No workshop hub in %1: set one up first (station hub init)"),
        ("folder",),
    ),
    "hub.exists": (QT_TRANSLATE_NOOP("Errors", "A workshop hub already exists in %1"), ("folder",)),
    "hub.no_terminal": (QT_TRANSLATE_NOOP("Errors", "No terminal named %1"), ("name",)),
    "hub.reserved_name": (
        QT_TRANSLATE_NOOP(
            "Errors", "%1 is the name of the workshop's hub: give the terminal another"
        ),
        ("name",),
    ),
    "work_order.no_customer": (
        QT_TRANSLATE_NOOP("Errors", "Work order %1 has no customer"),
        ("number",),
    ),
    "customer.not_found": (
        QT_TRANSLATE_NOOP("Errors", "Customer %1 does not exist"),
        ("customer",),
    ),
    "cli.smtp_needs_from": (
        QT_TRANSLATE_NOOP("Errors", "Sending by SMTP needs a sender address (--from)"),
        (),
    ),
    "cli.send_how": (
        QT_TRANSLATE_NOOP(
            "Errors", "Say how to send: --smtp HOST:PORT --from ADDRESS, or --webhook URL"
        ),
        (),
    ),
    "pin_key.damaged": (QT_TRANSLATE_NOOP("Errors", "%1 is not a PIN key"), ("path",)),
    "pin_key.short": (QT_TRANSLATE_NOOP("Errors", "The hub's PIN key is too short"), ()),
    "pin_key.another": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "%1 holds another PIN key than the workshop's: a terminal joins with a fresh data folder",
        ),
        ("path",),
    ),
    "pin_key.missing": (
        QT_TRANSLATE_NOOP(
            "Errors",
            "The station's PIN key (%1) is missing: restore it from where the keys folder was copied; until then no PIN can be checked, and an admin gets back in with the recovery code",
        ),
        ("path",),
    ),
    "pin.hash_version": (QT_TRANSLATE_NOOP("Errors", "Unknown PIN hash version %1"), ("version",)),
    "work_order.changed_meanwhile": (
        QT_TRANSLATE_NOOP("Errors", "Work order %1 changed while it was being moved"),
        ("number",),
    ),
    # the devices' failures (drivers/), shown on the device bar and in notices
    "device.library_missing": (QT_TRANSLATE_NOOP("Errors", "%1 is not installed"), ("library",)),
    "can.cannot_open": (
        QT_TRANSLATE_NOOP("Errors", "Cannot open CAN %1 %2: %3"),
        ("interface", "channel", "reason"),
    ),
    "can.refused_frame": (
        QT_TRANSLATE_NOOP("Errors", "The CAN bus refused a frame: %1"),
        ("reason",),
    ),
    "can.vanished": (QT_TRANSLATE_NOOP("Errors", "The CAN bus went away: %1"), ("reason",)),
    "can.no_vehicle": (
        QT_TRANSLATE_NOOP(
            "Errors", "No control unit answered on CAN %1 %2 (11/29-bit, 500/250 kbit/s)"
        ),
        ("interface", "channel"),
    ),
    "serial.cannot_open": (
        QT_TRANSLATE_NOOP("Errors", "Cannot open the serial port %1: %2"),
        ("port", "reason"),
    ),
    "elm.no_prompt": (
        QT_TRANSLATE_NOOP("Errors", "No ELM327 prompt on %1 at %2 baud"),
        ("port", "rates"),
    ),
    "elm.timeout": (
        QT_TRANSLATE_NOOP("Errors", "The adapter gave no prompt after %1 within %2 s"),
        ("command", "seconds"),
    ),
    "elm.vanished": (QT_TRANSLATE_NOOP("Errors", "The ELM327 adapter went away: %1"), ("reason",)),
    "elm.refused": (
        QT_TRANSLATE_NOOP("Errors", "The adapter refused %1: %2"),
        ("command", "answer"),
    ),
    "elm.no_vehicle": (
        QT_TRANSLATE_NOOP("Errors", "The adapter found no vehicle on any protocol"),
        (),
    ),
    "camera.bad_size": (
        QT_TRANSLATE_NOOP("Errors", "The simulated camera's size %1 is not WIDTHxHEIGHT"),
        ("size",),
    ),
    "camera.no_file": (QT_TRANSLATE_NOOP("Errors", "%1 does not exist"), ("path",)),
    "camera.cannot_open": (QT_TRANSLATE_NOOP("Errors", "The camera cannot be opened"), ()),
    "camera.not_open": (QT_TRANSLATE_NOOP("Errors", "The camera is not open"), ()),
    "camera.end_of_video": (QT_TRANSLATE_NOOP("Errors", "The video has no more frames"), ()),
    "camera.no_frames": (QT_TRANSLATE_NOOP("Errors", "The camera gives no frames"), ()),
    "camera.not_connected": (QT_TRANSLATE_NOOP("Errors", "The camera is not connected"), ()),
    "camera.closed": (QT_TRANSLATE_NOOP("Errors", "The camera was closed"), ()),
    "camera.unplugged": (QT_TRANSLATE_NOOP("Errors", "The camera was unplugged"), ()),
    "camera.not_streaming": (QT_TRANSLATE_NOOP("Errors", "No picture from the camera"), ()),
    "rig.port_closed": (
        QT_TRANSLATE_NOOP("Errors", "The given serial port is closed and cannot be reopened here"),
        (),
    ),
    "rig.not_open": (QT_TRANSLATE_NOOP("Errors", "The rig's connection is not open"), ()),
    "rig.port_failed": (
        QT_TRANSLATE_NOOP("Errors", "The rig's port %1 failed: %2"),
        ("port", "reason"),
    ),
    "rig.can_cannot_open": (
        QT_TRANSLATE_NOOP("Errors", "Cannot open the rig's CAN bus %1: %2"),
        ("options", "reason"),
    ),
    "rig.can_failed": (QT_TRANSLATE_NOOP("Errors", "The rig's CAN bus failed: %1"), ("reason",)),
    "rig.cancelled": (QT_TRANSLATE_NOOP("Errors", "The alignment reading was cancelled"), ()),
    "rig.timeout": (
        QT_TRANSLATE_NOOP("Errors", "No whole alignment session from the rig in %1 s"),
        ("seconds",),
    ),
    "rig.gone": (
        QT_TRANSLATE_NOOP("Errors", "The rig went away and did not come back within %1 s: %2"),
        ("seconds", "reason"),
    ),
    "rig.backend_needs": (
        QT_TRANSLATE_NOOP("Errors", "The %1 rig backend needs %2"),
        ("backend", "library"),
    ),
    "rig.backend_unknown": (
        QT_TRANSLATE_NOOP("Errors", "Unknown rig backend %1; known: %2"),
        ("backend", "known"),
    ),
    "rig.backend_unloadable": (
        QT_TRANSLATE_NOOP("Errors", "The %1 rig backend cannot be loaded: %2"),
        ("backend", "reason"),
    ),
    "rig.backend_not_rig": (
        QT_TRANSLATE_NOOP("Errors", "The rig backend %1 is not an alignment rig"),
        ("backend",),
    ),
    "camera.failed": (QT_TRANSLATE_NOOP("Errors", "The camera failed: %1"), ("reason",)),
    "camera.stalled": (
        QT_TRANSLATE_NOOP("Errors", "The camera gave no frame for %1 s"),
        ("seconds",),
    ),
    "live.stopped": (
        QT_TRANSLATE_NOOP("Errors", "Control unit %1 stopped answering live data"),
        ("ecu",),
    ),
    "scan.no_answer": (
        QT_TRANSLATE_NOOP(
            "Errors", "No control unit answered the first request: is the ignition on?"
        ),
        (),
    ),
    "rig.no_folder": (
        QT_TRANSLATE_NOOP("Errors", "The watched folder %1 does not exist"),
        ("folder",),
    ),
    "rig.no_file": (
        QT_TRANSLATE_NOOP("Errors", "No measurement file appeared in %1 in %2 s"),
        ("folder", "seconds"),
    ),
    "rig.dbc_unreadable": (
        QT_TRANSLATE_NOOP("Errors", "The rig's DBC file %1 cannot be read: %2"),
        ("path", "reason"),
    ),
    "sim.broadcast_refused": (
        QT_TRANSLATE_NOOP("Errors", "The broadcast stopped: the bus refused %1: %2"),
        ("frame", "reason"),
    ),
    "sim.needs": (
        QT_TRANSLATE_NOOP("Errors", "The ECU simulator needs %1: %2"),
        ("library", "reason"),
    ),
}

STATUS_PARAMS = frozenset({"current", "target", "status"})
ROLES = {
    "technician": QT_TRANSLATE_NOOP("Errors", "technician"),
    "advisor": QT_TRANSLATE_NOOP("Errors", "advisor"),
    "admin": QT_TRANSLATE_NOOP("Errors", "admin"),
}
# A refusal without a known key, by its kind: what a Chinese screen says instead of English.
KINDS = {
    "NotFound": QT_TRANSLATE_NOOP("Errors", "That record is not on this station"),
    "PermissionDenied": QT_TRANSLATE_NOOP("Errors", "Your role may not do this"),
    "AuthenticationFailed": QT_TRANSLATE_NOOP("Errors", "Unknown user or wrong PIN"),
    "TransitionRefused": QT_TRANSLATE_NOOP(
        "Errors", "The work order's stage does not allow this now"
    ),
    "ImmutableRecord": QT_TRANSLATE_NOOP("Errors", "A signed or issued record is not changed"),
}
REFUSED = QT_TRANSLATE_NOOP("Errors", "The station refused this")


def _value(name: str, value: object) -> str:
    text = str(value)
    if name in STATUS_PARAMS:
        try:
            return status_name(text)
        except ValueError:
            log.debug("not a status: %s", text)
    if name == "role" and text in ROLES:
        return QCoreApplication.translate(CONTEXT, str(ROLES[text]))
    return text


def keyed_text(key: str, params: Mapping[str, object]) -> str | None:
    """The sentence for a message key with its parameters, or None for an unknown key."""
    known = KEYED.get(key)
    if known is None:
        return None
    template, names = known
    text = QCoreApplication.translate(CONTEXT, str(template))
    for index, name in enumerate(names, start=1):
        text = text.replace(f"%{index}", _value(name, params.get(name, "")))
    return text


def _said_by_key(err: BaseException) -> str | None:
    key = getattr(err, "key", None)
    params = getattr(err, "params", None)
    if not isinstance(key, str):
        return None
    return keyed_text(key, params if isinstance(params, Mapping) else {})


def failure_text(err: BaseException) -> str:
    """What a person reads for work that failed in the background (a device, a sync, a
    report): said from its key in the screen's language, else in its own words."""
    return _said_by_key(err) or str(err) or type(err).__name__


def error_text(err: BaseException) -> str:
    """What a person reads for a refusal from the core."""
    said = _said_by_key(err)
    if said is not None:
        return said
    refused = QCoreApplication.translate(CONTEXT, str(REFUSED))
    if refused == REFUSED:  # an English screen: the core's own words say the most
        return str(err)
    log.warning("a refusal without a known message key: %r", err)
    kind = next((KINDS[c.__name__] for c in type(err).__mro__ if c.__name__ in KINDS), None)
    return QCoreApplication.translate(CONTEXT, str(kind)) if kind else refused
