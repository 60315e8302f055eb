"""The customer's side of the cloud behind a link: what the page shows, and the taps it sends.

A link is the work order's unguessable `public_id`; the cloud refuses it once
the advisor withdrew it or when it expired (`CloudService._tracked`). Every tap
carries an idempotency key: the first is decided and its answer kept in the
same transaction, a replay gets that answer back and records nothing. A tap is
decided against the state the page showed: when the desk decided the item in
between, the tap is refused with the state as it is now.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from station import replica
from station.audit import canonical_json
from station.findings import Decision
from sync import hub
from sync.cloud import CloudService, Refused
from sync.cloud_db import CloudTx
from sync.customer_facts import CORRECTIONS_OF_VISIT, live, shown_photos
from sync.customer_rules import Answer, Tap, link_ends, next_update_by, parse_time, tracker

log = logging.getLogger(__name__)


class Stale(Refused):
    """The item was decided elsewhere since the page was shown; `current` is its state now."""

    def __init__(self, message: str, current: dict[str, Any], key: str = "item_decided") -> None:
        super().__init__(message, 409, key=key)
        self.current = current


@dataclass(frozen=True)
class Outcome:
    """What a tap got: its HTTP status and body; `replayed` when the key was seen before."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


def signature_sha256(signature: dict[str, Any]) -> str:
    """The same reference the station computes for a drawn signature."""
    return hashlib.sha256(canonical_json(signature).encode()).hexdigest()


class CustomerSide:
    def __init__(self, service: CloudService) -> None:
        self.service = service

    @property
    def db(self) -> Any:
        return self.service.db

    # -- what the page shows ----------------------------------------------------

    def page(self, public_id: str) -> dict[str, Any]:
        """Everything the customer's page shows, read in one transaction."""
        with self.db.transaction(reading=True) as tx:
            wo = self.service._tracked(tx, public_id)
            fingerprint = self._fingerprint(tx, wo)
            key = (wo["station_id"], wo["local_id"])
            events = tx.all(
                "SELECT from_status, to_status, text_en, text_zh, note, at FROM progress_events "
                "WHERE station_id = ? AND work_order_id = ? ORDER BY version, local_id",
                key,
            )
            findings = tx.all(
                "SELECT f.local_id AS id, f.title, f.severity, f.recommended_job, f.total_cents, "
                "f.lines, d.measurement_value, d.measurement_unit, d.remaining_life_km "
                "FROM findings f LEFT JOIN finding_details d "
                "ON d.station_id = f.station_id AND d.local_id = f.local_id "
                f"WHERE f.station_id = ? AND f.work_order_id = ? AND {live('f')} "
                "ORDER BY f.local_id",
                key,
            )
            decisions = tx.all(
                "SELECT finding_id, decision, customer_name, channel, at, source FROM approvals "
                "WHERE station_id = ? AND finding_id IN (SELECT local_id FROM findings "
                "WHERE station_id = ? AND work_order_id = ?) ORDER BY received_at, id",
                (wo["station_id"], *key),
            )
            photos = tx.all(
                "SELECT p.local_id AS id, p.sha256, p.thumbnail_sha256, p.print_sha256, p.stage, "
                "p.subject, p.finding_id, p.caption, p.recorded_at, pp.before_id, "
                "b.sha256 AS uploaded FROM photos p "
                "LEFT JOIN photo_pairs pp ON pp.station_id = p.station_id AND pp.local_id = p.local_id "
                "LEFT JOIN blobs b ON b.sha256 = p.thumbnail_sha256 "
                "WHERE p.station_id = ? AND p.work_order_id = ? ORDER BY p.local_id",
                key,
            )
            corrections = tx.all(CORRECTIONS_OF_VISIT, key)
            report = tx.one(
                "SELECT r.version, r.sha256, r.issued_at, b.size FROM reports r "
                "LEFT JOIN blobs b ON b.sha256 = r.sha256 "
                "WHERE r.station_id = ? AND r.work_order_id = ? ORDER BY r.version DESC LIMIT 1",
                key,
            )
            follow_ups = tx.all(
                "SELECT f.local_id AS id, f.kind, f.due_at, a.rating, a.trouble, a.comment, a.answered_at "
                "FROM follow_ups f LEFT JOIN follow_up_answers a "
                "ON a.station_id = f.station_id AND a.follow_up_id = f.local_id "
                "WHERE f.station_id = ? AND f.work_order_id = ? ORDER BY f.local_id",
                key,
            )
            service_due = tx.one(
                "SELECT due_km, due_date FROM service_due WHERE station_id = ? AND work_order_id = ? "
                "ORDER BY local_id DESC LIMIT 1",
                key,
            )
        by_finding: dict[int, list[dict[str, Any]]] = {}
        for d in decisions:
            by_finding.setdefault(int(d["finding_id"]), []).append(d)
        for finding in findings:
            finding["lines"] = json.loads(finding["lines"])
            finding["decisions"] = by_finding.get(int(finding["id"]), [])
            latest = finding["decisions"][-1] if finding["decisions"] else None
            finding["state"] = latest["decision"] if latest else "pending"
        photos = shown_photos(photos, corrections)
        for photo in photos:
            photo["available"] = photo.pop("uploaded") is not None
        if report is not None:
            report["available"] = report.pop("size") is not None
        now = self.service.clock()
        ends = link_ends(wo["status"], wo["status_since"], self.service.link_days)
        promise = next_update_by(wo["status"], events)
        return {
            "public_id": public_id,
            "number": wo["number"],
            "workshop": wo["workshop"],
            "status": wo["status"],
            "version": int(wo["version"]),
            "status_since": wo["status_since"],
            "complaint": wo["complaint"],
            "steps": tracker(wo["status"], events),
            "events": events,
            "next_update_by": promise,
            "findings": findings,
            "photos": photos,
            "report": report,
            "follow_ups": [f for f in follow_ups if _open_for_answer(f, now)],
            "service_due": service_due,
            "link_ends": ends,
            "now": now,
            "fingerprint": fingerprint,
        }

    def state(self, public_id: str) -> dict[str, Any]:
        """What the page polls: a fingerprint that changes whenever the page would."""
        with self.db.transaction(reading=True) as tx:
            wo = self.service._tracked(tx, public_id)
            fingerprint = self._fingerprint(tx, wo)
        return {"status": wo["status"], "version": int(wo["version"]), "fingerprint": fingerprint}

    @staticmethod
    def _fingerprint(tx: CloudTx, wo: dict[str, Any]) -> str:
        key = (wo["station_id"], wo["local_id"])
        counts = tx.one(
            "SELECT (SELECT COUNT(*) FROM progress_events WHERE station_id = ? AND work_order_id = ?) AS events, "
            "(SELECT COUNT(*) FROM approvals a JOIN findings f ON f.station_id = a.station_id "
            "AND f.local_id = a.finding_id WHERE f.station_id = ? AND f.work_order_id = ?) AS decisions, "
            "(SELECT COUNT(*) FROM findings f WHERE f.station_id = ? AND f.work_order_id = ? "
            f"AND {live('f')}) AS findings, "
            "(SELECT COUNT(*) FROM photos WHERE station_id = ? AND work_order_id = ?) AS photos, "
            "(SELECT COUNT(*) FROM reports WHERE station_id = ? AND work_order_id = ?) AS reports, "
            "(SELECT COUNT(*) FROM follow_up_answers a JOIN follow_ups f ON f.station_id = a.station_id "
            "AND f.local_id = a.follow_up_id WHERE f.station_id = ? AND f.work_order_id = ?) AS answers, "
            "(SELECT COUNT(*) FROM photos p JOIN blobs b ON b.sha256 = p.thumbnail_sha256 "
            "WHERE p.station_id = ? AND p.work_order_id = ?) AS photo_files, "
            "(SELECT COUNT(*) FROM reports r JOIN blobs b ON b.sha256 = r.sha256 "
            "WHERE r.station_id = ? AND r.work_order_id = ?) AS report_files",
            key * 8,
        )
        assert counts is not None
        parts = [wo["status"], str(wo["version"]), *(str(counts[k]) for k in sorted(counts))]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]

    # -- taps -------------------------------------------------------------------

    def decide(self, public_id: str, tap: Tap) -> Outcome:
        """Record one decision once; a replayed key gets the first answer back."""
        with self.db.transaction() as tx:
            wo = self.service.lock_tracked(tx, public_id)
            seen = self._replayed(tx, public_id, tap.key)
            if seen is not None:
                return seen
            current = self._finding_now(tx, wo, tap.finding_id)
            if current["state"] != tap.seen_state:
                raise Stale(
                    f"this item was {current['state']} meanwhile: the page shows it as it is now",
                    current,
                )
            if current["state"] == Decision.APPROVED.value:
                raise Stale("this item is already approved", current)
            if current["state"] == tap.decision.value:
                raise Stale(f"this item is already {tap.decision.value}", current)
            extra: dict[str, Any] = {}
            if tap.signature is not None:
                extra["signature"] = tap.signature.wire()
            change = self.service.record_customer_decision(
                tx, wo, tap.finding_id, tap.decision, tap.customer_name, extra
            )
            if tap.signature is not None:
                wire = tap.signature.wire()
                tx.run(
                    "INSERT INTO customer_signatures (approval_id, sha256, strokes, width, height) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (
                        change["approval_id"],
                        signature_sha256(wire),
                        json.dumps(wire["strokes"]),
                        wire["width"],
                        wire["height"],
                    ),
                )
            body = {
                "recorded": True,
                "finding_id": tap.finding_id,
                "decision": tap.decision.value,
                "customer_name": tap.customer_name,
                "at": change["at"],
            }
            self._keep(tx, public_id, tap.key, 201, body)
        return Outcome(201, body)

    def follow_up_kind(self, public_id: str, follow_up_id: int) -> str:
        with self.db.transaction() as tx:
            wo = self.service._tracked(tx, public_id)
            row = tx.one(
                "SELECT kind FROM follow_ups WHERE station_id = ? AND local_id = ? AND work_order_id = ?",
                (wo["station_id"], follow_up_id, wo["local_id"]),
            )
        if row is None:
            raise Refused("no such question for this visit", 404, key="question_unknown")
        return str(row["kind"])

    def answer_follow_up(self, public_id: str, follow_up_id: int, answer: Answer) -> Outcome:
        """The day-1 or day-7 answer: kept here and sent to the workshop's follow-up list."""
        at = self.service.clock()
        with self.db.transaction() as tx:
            wo = self.service.lock_tracked(tx, public_id)
            seen = self._replayed(tx, public_id, answer.key)
            if seen is not None:
                return seen
            follow_up = tx.one(
                "SELECT local_id, kind, due_at FROM follow_ups WHERE station_id = ? AND local_id = ? "
                "AND work_order_id = ?",
                (wo["station_id"], follow_up_id, wo["local_id"]),
            )
            if follow_up is None:
                raise Refused("no such question for this visit", 404, key="question_unknown")
            if not _open_for_answer(follow_up, at):
                raise Refused("this question opens later", 409, key="question_later")
            done = tx.one(
                "SELECT rating, trouble, comment, answered_at FROM follow_up_answers "
                "WHERE station_id = ? AND follow_up_id = ?",
                (wo["station_id"], follow_up_id),
            )
            if done is not None:
                raise Stale("this question is already answered", done, key="question_answered")
            stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            tx.run(
                "INSERT INTO follow_up_answers (station_id, follow_up_id, rating, trouble, comment, "
                "answered_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    wo["station_id"],
                    follow_up_id,
                    answer.rating,
                    None if answer.trouble is None else int(answer.trouble),
                    answer.comment,
                    stamp,
                ),
            )
            if wo["station_id"] == hub.workshop_key(wo["workshop"]):
                self._hub_follow_up_done(tx, str(wo["workshop"]), follow_up_id, answer, stamp)
                body = {"recorded": True, "follow_up_id": follow_up_id, "at": stamp}
                self._keep(tx, public_id, answer.key, 201, body)
                return Outcome(201, body)
            self.service._add_change(
                tx,
                wo["workshop"],
                "follow_up.answered",
                {
                    "station_id": wo["station_id"],
                    "work_order_id": int(wo["local_id"]),
                    "follow_up_id": follow_up_id,
                    "kind": follow_up["kind"],
                    "rating": answer.rating,
                    "trouble": answer.trouble,
                    "comment": answer.comment,
                    "outcome": answer.outcome(),
                    "at": stamp,
                },
            )
            body = {"recorded": True, "follow_up_id": follow_up_id, "at": stamp}
            self._keep(tx, public_id, answer.key, 201, body)
        return Outcome(201, body)

    def _hub_follow_up_done(
        self, tx: CloudTx, workshop: str, follow_up_id: int, answer: Answer, at: str
    ) -> None:
        """A workshop of terminals: the hub closes the follow-up on the workshop's row, so
        every terminal's follow-up list shows the answer (unless the desk closed it first)."""
        row = hub.record(tx, workshop, "follow_ups", str(follow_up_id))
        if row is None:
            raise Refused(
                "this question has not reached the workshop yet", 409, key="not_at_workshop_yet"
            )
        if row.get("done_at") is not None:
            return
        done = {**row, "done_at": at, "outcome": answer.outcome()}
        change = hub.put_row(tx, workshop, "follow_ups", str(follow_up_id), done)
        self.service._add_change(tx, workshop, replica.ROWS_CHANGED, {"rows": [change]})

    def photo_allowed(self, public_id: str, sha256: str) -> bool:
        return self.service.blob_of(public_id, sha256)

    def report(self, public_id: str) -> dict[str, Any]:
        return self.service.report(public_id)

    # -- internals --------------------------------------------------------------

    @staticmethod
    def _replayed(tx: CloudTx, public_id: str, key: str) -> Outcome | None:
        row = tx.one(
            "SELECT status, answer FROM customer_taps WHERE public_id = ? AND tap = ?",
            (public_id, key),
        )
        if row is None:
            return None
        return Outcome(200, json.loads(row["answer"]), replayed=True)

    def _keep(
        self, tx: CloudTx, public_id: str, key: str, status: int, body: dict[str, Any]
    ) -> None:
        tx.run(
            "INSERT INTO customer_taps (public_id, tap, status, answer, at) VALUES (?, ?, ?, ?, ?)",
            (public_id, key, status, json.dumps(body, ensure_ascii=False), body.get("at", "")),
        )

    def _finding_now(self, tx: CloudTx, wo: dict[str, Any], finding_id: int) -> dict[str, Any]:
        finding = tx.one(
            "SELECT local_id FROM findings WHERE station_id = ? AND local_id = ? AND work_order_id = ?",
            (wo["station_id"], finding_id, wo["local_id"]),
        )
        if finding is None:
            raise Refused("no such item on this visit", 404, key="item_unknown")
        decisions = self.service._decisions(tx, wo["station_id"], finding_id)
        latest = decisions[-1] if decisions else None
        return {
            "finding_id": finding_id,
            "state": latest["decision"] if latest else "pending",
            "decided_by": latest["customer_name"] if latest else None,
            "channel": latest["channel"] if latest else None,
            "at": latest["at"] if latest else None,
        }


def _open_for_answer(follow_up: dict[str, Any], now: datetime) -> bool:
    """The day-1 question opens at delivery; the day-7 check a day before it is due."""
    if follow_up.get("kind") == "day1" or follow_up.get("answered_at"):
        return True
    due = parse_time(str(follow_up.get("due_at") or ""))
    return due is not None and now >= due - timedelta(days=1)
