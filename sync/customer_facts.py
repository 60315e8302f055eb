"""Station facts the customer's page needs beyond the cloud's core records.

A finding's measurement and remaining life, a before/after photo pair, the
follow-ups and the next service due arrive as the station's ordinary
mutations; the advisor's revocation of a link is one too, and so is a finding
withdrawn or superseded at the station (the page stops offering it). Each is written in
the cloud's mutation transaction, so a resent batch (deduplicated upstream)
never writes twice.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from typing import Any

from station.approvals import signature_row
from station.errors import InvalidInput
from station.truth import Standing, finding_now
from sync import hub
from sync.cloud_db import CloudTx

log = logging.getLogger(__name__)

LINK_REVOKED = "work_order.link_revoked"
CORRECTIONS = frozenset({"finding.withdrawn", "finding.superseded"})
KINDS = frozenset(
    {"finding.added", "photo.recorded", "follow_up.scheduled", "service_due.set", LINK_REVOKED}
    | CORRECTIONS
)


def live(alias: str) -> str:
    """SQL: the finding `alias` was neither withdrawn nor superseded (the customer sees the
    finding that replaced it instead)."""
    return (
        f"NOT EXISTS (SELECT 1 FROM finding_corrections fc WHERE fc.station_id = {alias}.station_id "
        f"AND fc.finding_id = {alias}.local_id)"
    )


# SQL: a visit's finding corrections, oldest first (parameters: station id, work order id).
CORRECTIONS_OF_VISIT = (
    "SELECT c.finding_id, c.replaced_by FROM finding_corrections c JOIN findings f "
    "ON f.station_id = c.station_id AND f.local_id = c.finding_id "
    "WHERE f.station_id = ? AND f.work_order_id = ? ORDER BY c.local_id"
)


def shown_photos(
    photos: list[dict[str, Any]], corrections: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A superseded finding's photos shown with the finding that replaced it; a withdrawn
    finding's photos not shown at all."""
    standings: dict[int, tuple[str, int | None]] = {}
    for c in corrections:  # the latest correction of a finding decides, as at the station
        replaced_by = None if c["replaced_by"] is None else int(c["replaced_by"])
        standing = Standing.SUPERSEDED if replaced_by is not None else Standing.WITHDRAWN
        standings[int(c["finding_id"])] = (standing.value, replaced_by)
    shown = []
    for photo in photos:
        if photo["finding_id"] is not None:
            now = finding_now(int(photo["finding_id"]), standings)
            if now is None:
                continue
            photo["finding_id"] = now
        shown.append(photo)
    return shown


def record(
    tx: CloudTx, station: str, kind: str, local_id: int | None, p: Mapping[str, Any], at: str
) -> dict[str, Any] | None:
    """Keep what the page shows of one station mutation; returns the mutation's detail."""
    if local_id is None:
        raise ValueError(f"{kind} needs a numeric entity id")
    if kind == "finding.added":
        if p.get("measurement_value") is not None or p.get("remaining_life_km") is not None:
            tx.run(
                "INSERT INTO finding_details (station_id, local_id, measurement_value, "
                "measurement_unit, remaining_life_km) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (station_id, local_id) DO NOTHING",
                (
                    station,
                    local_id,
                    p.get("measurement_value"),
                    p.get("measurement_unit"),
                    p.get("remaining_life_km"),
                ),
            )
    elif kind == "photo.recorded":
        if p.get("before_id") is not None:
            tx.run(
                "INSERT INTO photo_pairs (station_id, local_id, before_id) VALUES (?, ?, ?) "
                "ON CONFLICT (station_id, local_id) DO NOTHING",
                (station, local_id, int(p["before_id"])),
            )
    elif kind == "follow_up.scheduled":
        tx.run(
            "INSERT INTO follow_ups (station_id, local_id, work_order_id, kind, due_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (station_id, local_id) DO NOTHING",
            (station, local_id, int(p["work_order_id"]), str(p["kind"]), str(p["due_at"])),
        )
    elif kind == "service_due.set":
        tx.run(
            "INSERT INTO service_due (station_id, local_id, work_order_id, due_km, due_date) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (station_id, local_id) DO NOTHING",
            (station, local_id, int(p["work_order_id"]), int(p["due_km"]), str(p["due_date"])),
        )
    elif kind in CORRECTIONS:
        replaced_by = p.get("replaced_by")
        tx.run(
            "INSERT INTO finding_corrections (station_id, local_id, finding_id, replaced_by, "
            "reason, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (station_id, local_id) DO NOTHING",
            (
                station,
                local_id,
                int(p["finding_id"]),
                None if replaced_by is None else int(replaced_by),
                str(p.get("reason") or ""),
                str(p.get("at") or at),
            ),
        )
    elif kind == LINK_REVOKED:
        return _revoke(tx, station, local_id, at)
    return None


def _revoke(tx: CloudTx, station: str, local_id: int, at: str) -> dict[str, Any]:
    """The old link answers 'revoked' from now on; the work order gets a new one."""
    wo = tx.one(
        "SELECT public_id FROM work_orders WHERE station_id = ? AND local_id = ?",
        (station, local_id),
    )
    if wo is None:
        raise ValueError(f"work order {local_id} is unknown to the cloud")
    tx.run(
        "INSERT INTO revoked_links (public_id, station_id, local_id, revoked_at) VALUES (?, ?, ?, ?)",
        (wo["public_id"], station, local_id, at),
    )
    public_id = secrets.token_urlsafe(16)
    tx.run(
        "UPDATE work_orders SET public_id = ? WHERE station_id = ? AND local_id = ?",
        (public_id, station, local_id),
    )
    log.info("customer link of work order %s/%s revoked", station, local_id)
    return {"public_id": public_id}


def hub_signature(
    tx: CloudTx, workshop: str, signature: Mapping[str, Any] | None, at: str
) -> tuple[str | None, list[dict[str, Any]]]:
    """The drawing behind a decision made on the page the hub serves, as the workshop's row.

    Kept as a terminal keeps one drawn on the desk's pad (`station.approvals.signature_row`),
    so its hash is the approval's `signature_ref`; returns the reference and the row to fan
    out (none when the same drawing is on record already).
    """
    if signature is None:
        return None, []
    strokes = [[(float(x), float(y)) for x, y in stroke] for stroke in signature["strokes"]]
    try:
        row = signature_row(strokes, int(signature["width"]), int(signature["height"]), at)
    except InvalidInput as err:
        raise ValueError(f"the signature cannot be kept: {err}") from err
    reference = str(row["sha256"])
    if hub.record(tx, workshop, "signatures", reference) is not None:
        return reference, []
    return reference, [hub.put_row(tx, workshop, "signatures", reference, row)]
