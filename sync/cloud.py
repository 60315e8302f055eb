"""The reference cloud service's rules: enrolment, mutations, changes, the customer's side.

`CloudService` is the whole service without HTTP: the Starlette app in
`sync.server` only translates requests to these calls. A station's batch is
applied in order in one database transaction; each mutation leaves a dedup
record (its outcome) in that same transaction, so a resent batch is answered
`duplicate` and never applied twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from station import lifecycle, limits, replica
from station.auth import hash_pin
from station.errors import InvalidInput, StationError
from station.findings import ApprovalState, Decision, state_after
from station.inbox import parse_booking
from station.lifecycle import Status
from station.prediagnosis import parse as parse_prediagnosis
from station.truth import waiting_count, waiting_text
from station.vehicles import plate_key
from station.vin import normalise_vin
from sync import customer_facts, hub
from sync.cloud_db import CloudDatabase, CloudTx
from sync.customer_rules import LINK_DAYS, link_ends
from sync.errors import AuthRefused, SyncError, WrongStation
from sync.protocol import (
    MAX_BATCH,
    ChainClaim,
    ChainPoint,
    ChainVerdict,
    Outcome,
    Owner,
    chain_refusal,
    fields_owned_by,
    judge_chain,
)

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

# How far a terminal's clock may be from the hub's before its changes wait for it to be set.
MAX_CLOCK_SKEW = timedelta(minutes=5)

_LINK = re.compile(r"[A-Za-z0-9_-]+")

# The workshop profile's version 1 exactly as a new terminal's database holds it.
FIRST_PROFILE: dict[str, Any] = {
    "id": 1,
    "version": 1,
    "based_on": None,
    "name": "",
    "address": "",
    "phone": "",
    "tax_id": "",
    "logo": None,
    "currency": "CNY",
    "tax_rate_bp": 0,
    "language": "zh",
    "time_zone": "",
    "changed_at": "",
    "changed_by": None,
}


def clock_skew(sent_at: Any, now: datetime) -> str | None:
    """Why a terminal whose clock read `sent_at` when the hub's read `now` must set it right
    before its changes are taken (their times would be hours off: a clock entry ending before
    it began, a timeline out of order); None when it is within `MAX_CLOCK_SKEW`."""
    if not isinstance(sent_at, str):
        return None  # a station that does not say
    try:
        theirs = datetime.fromisoformat(sent_at.replace("Z", "+00:00"))
    except ValueError:
        return f"sent_at {sent_at!r} is not an ISO time"
    if theirs.tzinfo is None:
        return f"sent_at {sent_at!r} has no time zone"
    off = theirs - now
    if abs(off) <= MAX_CLOCK_SKEW:
        return None
    minutes = round(abs(off).total_seconds() / 60)
    way = "ahead of" if off > timedelta(0) else "behind"
    return (
        f"this terminal's clock is {minutes // 60} h {minutes % 60} min {way} the hub's "
        f"(the hub reads {_stamp(now)}): set the terminal's clock. Nothing was taken; its "
        "changes wait and go once the clock is right"
    )


def waiting_view(findings: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The decisions the customer still owes, shown beside the stage: never hidden by it."""
    count = waiting_count(findings)
    text = waiting_text(count)
    return {"count": count, "text_en": text[0] if text else "", "text_zh": text[1] if text else ""}


class Refused(SyncError):
    """A request the cloud does not accept; `status` is the HTTP status to answer with."""

    def __init__(
        self,
        message: str,
        status: int = 400,
        detail: Mapping[str, Any] | None = None,
        key: str | None = None,
        **params: object,
    ) -> None:
        super().__init__(message, key=key, **params)
        self.status = status
        self.detail = dict(detail or {})


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class StationAuth:
    """Who is calling: the enrolled station and the workshop whose records it may see."""

    token_id: str
    workshop: str
    station_id: str | None


@dataclass(frozen=True)
class Result:
    mutation_id: str
    seq: int
    status: Outcome
    detail: dict[str, Any] | None = None

    def wire(self) -> dict[str, Any]:
        return {
            "mutation_id": self.mutation_id,
            "seq": self.seq,
            "status": self.status.value,
            "detail": self.detail,
        }


class _Answer(Exception):
    """Ends one mutation early with a conflict or a rejection (its savepoint is rolled back)."""

    def __init__(self, status: Outcome, detail: dict[str, Any]) -> None:
        super().__init__(status.value)
        self.status = status
        self.detail = detail


def _relayed(kind: str, detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the brand's cloud needs beyond the terminal's payload: the customer's link the
    hub gave the work order, so one link works on the LAN and from the cloud."""
    if kind == "work_order.created" and detail and detail.get("public_id"):
        return {"public_id": detail["public_id"]}
    return {}


def _given_link(value: Any) -> str | None:
    """A customer's link made by a hub upstream: as unguessable as one made here."""
    if isinstance(value, str) and len(value) >= 22 and _LINK.fullmatch(value):
        return value
    return None


def _rejected(reason: str) -> _Answer:
    return _Answer(Outcome.REJECTED, {"reason": reason})


class CloudService:
    def __init__(self, db: CloudDatabase, clock: Clock = _now, link_days: int = LINK_DAYS) -> None:
        self.db = db
        self.clock = clock
        self.link_days = link_days

    # -- admin: workshops and tokens -------------------------------------------

    def issue_token(self, workshop: str) -> tuple[str, str]:
        """A new enrolment token for `workshop`: (token id, the secret shown once)."""
        workshop = workshop.strip()
        if not workshop:
            raise Refused("a token is issued for a workshop")
        secret = secrets.token_hex(32)  # hex: never starts with "-" on a command line
        token_id = uuid.uuid4().hex[:12]
        at = _stamp(self.clock())
        with self.db.transaction() as tx:
            tx.run(
                "INSERT INTO workshops (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                (workshop, at),
            )
            tx.run(
                "INSERT INTO tokens (id, token_hash, workshop, issued_at) VALUES (?, ?, ?, ?)",
                (token_id, token_hash(secret), workshop, at),
            )
        return token_id, secret

    def revoke_token(self, token_id: str) -> None:
        with self.db.transaction() as tx:
            changed = tx.run(
                "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (_stamp(self.clock()), token_id),
            )
        if not changed:
            raise Refused(f"no active token {token_id}", 404)

    def add_terminal(self, workshop: str, name: str) -> tuple[str, dict[str, Any]]:
        """A bay or desk terminal of `workshop`: its number, short code and own token."""
        workshop = workshop.strip()  # as its token is issued
        token_id, secret = self.issue_token(workshop)
        try:
            with self.db.transaction() as tx:
                terminal = hub.add_terminal(tx, workshop, token_id, name, _stamp(self.clock()))
        except ValueError as err:
            self.revoke_token(token_id)
            raise Refused(str(err), 409) from err
        return secret, terminal

    def add_first_admin(self, workshop: str, name: str, pin: str) -> None:
        """The workshop's first admin, made at the hub: every terminal gets it when it joins."""
        workshop, name = workshop.strip(), name.strip()  # as tokens are issued, users named
        if not workshop:
            raise Refused("a hub is made for a workshop: give the workshop's name")
        if not name:
            raise Refused("the first admin needs a name")
        limits.check(limits.NAME, name)
        at = _stamp(self.clock())
        with self.db.transaction() as tx:
            tx.run(
                "INSERT INTO workshops (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                (workshop, at),
            )
            digest = hash_pin(pin, key=hub.workshop_pin_key(tx, workshop))
            if tx.one(
                "SELECT 1 AS x FROM records WHERE workshop = ? AND tbl = 'users' LIMIT 1",
                (workshop,),
            ):
                raise Refused(f"{workshop} has users already", 409)
            row = hub.add_hub_row(
                tx,
                workshop,
                "users",
                {
                    "name": name,
                    "display_name": name,
                    "role": "admin",
                    "language": "zh",
                    "pin_salt": {"hex": digest.salt.hex()},
                    "pin_hash": {"hex": digest.digest.hex()},
                    "pin_keyed": digest.pepper_version,
                    "failed_attempts": 0,
                    "active": 1,
                    "created_at": at,
                },
            )
            # The profile's first version, as every new terminal's migration writes it; the
            # versions an admin makes at a terminal come after it.
            hub.put_row(tx, workshop, "workshop_profiles", "1", FIRST_PROFILE)
            first = {"table": "workshop_profiles", "key": "1", "row": FIRST_PROFILE}
            self._add_change(tx, workshop, replica.ROWS_CHANGED, {"rows": [row, first]})

    def terminals(self, workshop: str) -> list[dict[str, Any]]:
        with self.db.transaction() as tx:
            return tx.all(
                "SELECT t.number, t.name, t.code, t.token_id, t.added_at, k.station_id, "
                "k.revoked_at FROM terminals t JOIN tokens k ON k.id = t.token_id "
                "WHERE t.workshop = ? ORDER BY t.number",
                (workshop,),
            )

    def tokens(self) -> list[dict[str, Any]]:
        with self.db.transaction() as tx:
            return tx.all(
                "SELECT id, workshop, station_id, issued_at, enrolled_at, revoked_at FROM tokens ORDER BY issued_at"
            )

    def authenticate(self, authorization: str | None) -> StationAuth:
        """The caller of a station endpoint, from its `Authorization: Bearer` header."""
        scheme, _, secret = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise AuthRefused("no station token")
        with self.db.transaction(reading=True) as tx:  # every request: never the write lock
            row = tx.one("SELECT * FROM tokens WHERE token_hash = ?", (token_hash(secret.strip()),))
        if row is None:
            raise AuthRefused("unknown station token")
        if row["revoked_at"] is not None:
            raise AuthRefused("this station token has been revoked")
        return StationAuth(row["id"], row["workshop"], row["station_id"])

    def enrol(self, auth: StationAuth, station_id: str, name: str) -> dict[str, Any]:
        """Bind a token to one station; a token cannot be moved to another station."""
        if not station_id.strip():
            raise Refused("enrolment needs the station id")
        if auth.station_id not in (None, station_id):
            raise WrongStation("this token belongs to another station")
        at = _stamp(self.clock())
        with self.db.transaction() as tx:
            station = tx.one("SELECT workshop FROM stations WHERE id = ?", (station_id,))
            if station is not None and station["workshop"] != auth.workshop:
                raise WrongStation("this station is enrolled with another workshop")
            if station is None:
                tx.run(
                    "INSERT INTO stations (id, workshop, name, enrolled_at) VALUES (?, ?, ?, ?)",
                    (station_id, auth.workshop, name, at),
                )
            tx.run(
                "UPDATE tokens SET station_id = ?, enrolled_at = COALESCE(enrolled_at, ?) WHERE id = ?",
                (station_id, at, auth.token_id),
            )
            terminal = hub.terminal(tx, auth.token_id)
            pin_key = None if terminal is None else hub.workshop_pin_key(tx, auth.workshop)
        answer: dict[str, Any] = {"station_id": station_id, "workshop": auth.workshop}
        if terminal is not None and pin_key is not None:
            answer["terminal"] = terminal
            answer["pin_key"] = pin_key.hex()
        return answer

    def relays(self, auth: StationAuth) -> bool:
        """Whether the caller is a workshop's hub relaying to this cloud (its batches are
        the workshop's, not one terminal's)."""
        with self.db.transaction(reading=True) as tx:
            found = hub.terminal(tx, auth.token_id)
        return found is not None and found["name"] == hub.RELAY

    @staticmethod
    def _station(auth: StationAuth) -> str:
        if auth.station_id is None:
            raise AuthRefused("this token is not enrolled yet: run `station sync enrol`")
        return auth.station_id

    # -- mutations -------------------------------------------------------------

    def apply_batch(
        self,
        auth: StationAuth,
        station_id: str,
        mutations: Sequence[Mapping[str, Any]],
        chain: ChainClaim | None = None,
        sent_at: Any = None,
    ) -> list[Result]:
        """Apply a station's outbox entries in order; each is answered, none applied twice.

        A batch whose audit chain does not extend the head anchored last is refused
        whole (409, nothing applied); an accepted batch's head becomes the anchor. So is
        a workshop terminal's batch sent when its clock (`sent_at`) was far from the hub's.
        """
        own = self._station(auth)
        if station_id != own:
            raise WrongStation("a station sends only its own mutations")
        if len(mutations) > MAX_BATCH:
            raise Refused(f"at most {MAX_BATCH} mutations per batch", 413)
        now = self.clock()
        at = _stamp(now)
        results: list[Result] = []
        with self.db.transaction() as tx:
            if hub.terminal(tx, auth.token_id) is not None:
                skew = clock_skew(sent_at, now)
                if skew is not None:
                    raise Refused(skew, 409)
            # Locks the station's row: batches of one station are applied one at a time.
            tx.run("UPDATE stations SET last_seen_at = ? WHERE id = ?", (at, own))
            self._anchor(tx, own, chain, at)  # a restored station's numbering starts again
            station = tx.one("SELECT last_seq FROM stations WHERE id = ?", (own,))
            assert station is not None
            last_seq = int(station["last_seq"])
            # A workshop's terminals file their work orders under the workshop, so a
            # work order opened at one bay is moved on at the desk.
            records = (
                hub.workshop_key(auth.workshop)
                if hub.terminal(tx, auth.token_id) is not None
                else own
            )
            for raw in mutations:
                result, last_seq = self._apply_one(
                    tx, auth.workshop, own, raw, last_seq, at, records
                )
                results.append(result)
            tx.run("UPDATE stations SET last_seq = ? WHERE id = ?", (last_seq, own))
        return results

    @staticmethod
    def _anchor(tx: CloudTx, station: str, chain: ChainClaim | None, at: str) -> None:
        """Check the batch's chain against the anchor, then anchor its head."""
        row = tx.one("SELECT seq, hash FROM chain_anchors WHERE station_id = ?", (station,))
        anchored = None if row is None else ChainPoint(int(row["seq"]), str(row["hash"]))
        verdict = judge_chain(anchored, chain)
        if verdict is ChainVerdict.REANCHORED:
            assert anchored is not None and chain is not None and chain.restored is not None
            CloudService._reanchor(tx, station, anchored, chain, at)
        elif verdict is not ChainVerdict.ACCEPTED:
            assert anchored is not None
            reason = chain_refusal(verdict, anchored)
            if verdict is not ChainVerdict.STALE:
                log.warning("station %s refused: %s", station, reason)
            raise Refused(reason, 409, {"chain": verdict.value, "anchor": {"seq": anchored.seq}})
        if chain is not None:
            tx.run(
                "INSERT INTO chain_anchors (station_id, seq, hash, anchored_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (station_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, "
                "anchored_at = excluded.anchored_at",
                (station, chain.head.seq, chain.head.hash, at),
            )

    @staticmethod
    def _reanchor(
        tx: CloudTx, station: str, anchored: ChainPoint, chain: ChainClaim, at: str
    ) -> None:
        """A station restored from a backup starts its anchor again; the old one is kept.

        Its outbox numbering starts again where the backup left it: mutations sent
        before are answered as duplicates, the ones queued after the backup are gone.
        """
        assert chain.restored is not None
        log.warning(
            "station %s was restored from a backup: its chain anchored at event %d starts "
            "again at event %d",
            station,
            anchored.seq,
            chain.head.seq,
        )
        tx.run(
            "INSERT INTO chain_reanchors (station_id, at, anchor_seq, anchor_hash, head_seq, "
            "head_hash, restored_seq, outbox_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                station,
                at,
                anchored.seq,
                anchored.hash,
                chain.head.seq,
                chain.head.hash,
                chain.restored.event.seq,
                chain.restored.outbox_seq,
            ),
        )
        tx.run(
            "UPDATE stations SET last_seq = ? WHERE id = ?", (chain.restored.outbox_seq, station)
        )

    def _apply_one(
        self,
        tx: CloudTx,
        workshop: str,
        station_id: str,
        raw: Mapping[str, Any],
        last_seq: int,
        at: str,
        records: str,
    ) -> tuple[Result, int]:
        mutation_id = str(raw.get("mutation_id") or "")
        seq = raw.get("seq")
        if not mutation_id or not isinstance(seq, int) or not 0 < seq < 2**63:
            return Result(
                mutation_id, -1, Outcome.REJECTED, {"reason": "no mutation id or seq"}
            ), last_seq
        seen = tx.one(
            "SELECT status, detail FROM mutations WHERE station_id = ? AND mutation_id = ?",
            (station_id, mutation_id),
        )
        if seen is not None:
            first = json.loads(seen["detail"]) if seen["detail"] else None
            return Result(
                mutation_id, seq, Outcome.DUPLICATE, {"first": seen["status"], "detail": first}
            ), last_seq
        kind = str(raw.get("kind") or "")
        entity = str(raw.get("entity") or "")
        entity_id = str(raw.get("entity_id") or "")
        payload = raw.get("payload")
        status: Outcome
        detail: dict[str, Any] | None
        if seq <= last_seq:
            status, detail = (
                Outcome.REJECTED,
                {"reason": f"seq {seq} after {last_seq}: out of order"},
            )
        elif not kind or not entity or not isinstance(payload, Mapping):
            status, detail = Outcome.REJECTED, {"reason": "a mutation has kind, entity and payload"}
        else:
            mark = hub.relay_mark(tx, workshop) if records != station_id else None
            try:
                with tx.savepoint():
                    detail = self._apply_change(
                        tx, workshop, records, kind, entity_id, payload, raw.get("user"), station_id
                    )
                status = Outcome.APPLIED
                if kind != replica.ROWS_CHANGED and records != station_id:
                    # A terminal's domain change: the brand's cloud keeps the customer's side.
                    hub.relay(
                        tx,
                        workshop,
                        kind,
                        entity,
                        entity_id,
                        {**payload, **_relayed(kind, detail)},
                        raw.get("user") if isinstance(raw.get("user"), str) else None,
                        at,
                    )
                if mark is not None:
                    hub.note_origin(tx, workshop, mark, station_id, mutation_id)
            except _Answer as answer:
                status, detail = answer.status, answer.detail
            except (KeyError, ValueError, TypeError) as err:
                # A malformed payload is answered, not retried for ever by the station.
                status, detail = Outcome.REJECTED, {"reason": f"malformed {kind}: {err!r}"}
        tx.run(
            "INSERT INTO mutations (station_id, mutation_id, seq, kind, entity, entity_id, user_name, "
            "payload, status, detail, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                station_id,
                mutation_id,
                seq,
                kind,
                entity,
                entity_id,
                raw.get("user"),
                json.dumps(payload, ensure_ascii=False, sort_keys=True),
                status.value,
                None if detail is None else json.dumps(detail, ensure_ascii=False),
                at,
            ),
        )
        return Result(mutation_id, seq, status, detail), max(last_seq, seq)

    def _apply_change(
        self,
        tx: CloudTx,
        workshop: str,
        station: str,
        kind: str,
        entity_id: str,
        p: Mapping[str, Any],
        user: Any,
        sender: str,
    ) -> dict[str, Any] | None:
        """The change a mutation makes to the cloud's records; unknown kinds are only logged."""
        local_id = int(entity_id) if entity_id.isdigit() else None
        if kind == replica.ROWS_CHANGED:
            return self._rows_changed(tx, workshop, sender, p, user)
        if kind == "work_order.created":
            return self._work_order_created(tx, workshop, station, local_id, p)
        if kind == "work_order.status_changed":
            return self._status_changed(tx, station, local_id, p, user)
        if kind == "work_order.update_posted":
            self._update_posted(tx, station, local_id, p, user)
            return None
        if kind == "finding.added":
            self._need_work_order(tx, station, p.get("work_order_id"))
            self._insert_once(
                tx,
                "findings",
                station,
                local_id,
                {
                    "work_order_id": p["work_order_id"],
                    "title": p.get("title", ""),
                    "severity": p.get("severity", ""),
                    "recommended_job": p.get("recommended_job") or "",
                    "total_cents": int(p.get("total_cents") or 0),
                    "lines": json.dumps(p.get("lines") or [], ensure_ascii=False),
                    "created_at": p.get("created_at", ""),
                },
            )
            return customer_facts.record(tx, station, kind, local_id, p, _stamp(self.clock()))
        if kind in ("finding.approved", "finding.declined"):
            return self._station_decision(tx, station, local_id, p)
        if kind == "photo.recorded":
            self._need_work_order(tx, station, p.get("work_order_id"))
            self._insert_once(
                tx,
                "photos",
                station,
                local_id,
                {
                    "work_order_id": p["work_order_id"],
                    "sha256": p["sha256"],
                    "thumbnail_sha256": p["thumbnail_sha256"],
                    "print_sha256": p["print_sha256"],
                    "stage": p.get("stage", ""),
                    "subject": p.get("subject", ""),
                    "finding_id": p.get("finding_id"),
                    "caption": p.get("caption") or "",
                    "recorded_at": p.get("recorded_at", ""),
                },
            )
            return customer_facts.record(tx, station, kind, local_id, p, _stamp(self.clock()))
        if kind == "report.issued":
            self._need_work_order(tx, station, p.get("work_order_id"))
            self._insert_once(
                tx,
                "reports",
                station,
                local_id,
                {
                    "work_order_id": p["work_order_id"],
                    "version": int(p.get("version") or 1),
                    "sha256": p["sha256"],
                    "file_name": p.get("file_name", ""),
                    "language": p.get("language", ""),
                    "issued_at": p.get("issued_at", ""),
                },
            )
            return None
        if kind in customer_facts.KINDS:
            return customer_facts.record(tx, station, kind, local_id, p, _stamp(self.clock()))
        return None

    def _rows_changed(
        self, tx: CloudTx, workshop: str, sender: str, p: Mapping[str, Any], user: Any
    ) -> dict[str, Any]:
        """A terminal's changeset: checked and stored as one unit, then fanned out (marked with
        its sender: a hub relaying to this cloud skips its own rows coming back)."""
        changes = p.get("rows")
        if not isinstance(changes, list) or not changes:
            raise _rejected("a changeset lists its rows")
        try:
            taken = hub.apply_changeset(tx, workshop, changes, hub.sender(tx, sender, user))
        except replica.RowRefused as refused:
            told: dict[str, Any] = {"reason": refused.reason, "current": refused.current}
            if refused.key is not None:
                told |= {"key": refused.key, "params": refused.params}
            raise _Answer(Outcome.CONFLICT, told) from refused
        answer: dict[str, Any] = {"stored": len(taken.stored)}
        if taken.merged or taken.told:
            # The terminal takes the workshop's car in place of its own copy (or its row as
            # the hub stored it), and is told.
            answer["merged"] = taken.merged
            answer["current"] = taken.kept + taken.stored + taken.after
            answer["reason"] = "; ".join(
                [
                    f"{m['table'][:-1]} {m['key']} was on record already as {m['into']} "
                    "(made at another terminal): merged into it"
                    for m in taken.merged
                ]
                + taken.told
            )
        elif taken.combined:
            # The terminal takes the rows as the hub kept them, with another terminal's
            # changes to other columns; nothing of its own was lost.
            answer["fields_merged"] = True
            answer["current"] = taken.combined
        if taken.renamed:
            answer["renamed"] = taken.renamed
        if taken.stored:
            feed: dict[str, Any] = {"rows": taken.stored, "by": sender}
            if taken.notices:
                feed["notices"] = taken.notices
            answer["change"] = self._add_change(tx, workshop, replica.ROWS_CHANGED, feed)
        return answer

    def _insert_once(
        self, tx: CloudTx, table: str, station: str, local_id: int | None, row: Mapping[str, Any]
    ) -> None:
        """Signed and recorded facts are written once: a second version is a conflict."""
        if local_id is None:
            raise _rejected(f"{table} need a numeric entity id")
        current = tx.one(
            f"SELECT * FROM {table} WHERE station_id = ? AND local_id = ?", (station, local_id)
        )
        if current is not None:
            raise _Answer(
                Outcome.CONFLICT,
                {
                    "reason": f"{table} {local_id} is already recorded and is immutable",
                    "current": current,
                },
            )
        columns = ["station_id", "local_id", *row]
        tx.run(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
            (station, local_id, *row.values()),
        )

    @staticmethod
    def _need_work_order(tx: CloudTx, station: str, wo_id: Any) -> dict[str, Any]:
        wo = tx.one(
            "SELECT * FROM work_orders WHERE station_id = ? AND local_id = ?",
            (station, int(wo_id) if isinstance(wo_id, int | str) and str(wo_id).isdigit() else -1),
        )
        if wo is None:
            raise _rejected(f"work order {wo_id} is unknown to the cloud")
        return wo

    def _work_order_created(
        self, tx: CloudTx, workshop: str, station: str, local_id: int | None, p: Mapping[str, Any]
    ) -> dict[str, Any]:
        if local_id is None:
            raise _rejected("a work order needs a numeric id")
        current = tx.one(
            "SELECT * FROM work_orders WHERE station_id = ? AND local_id = ?", (station, local_id)
        )
        if current is not None:
            raise _Answer(Outcome.CONFLICT, {"reason": "work order exists", "current": current})
        fields = fields_owned_by(Owner.STATION, p)
        public_id = _given_link(p.get("public_id")) or secrets.token_urlsafe(16)
        if tx.one("SELECT 1 AS x FROM work_orders WHERE public_id = ?", (public_id,)):
            public_id = secrets.token_urlsafe(16)
        tx.run(
            "INSERT INTO work_orders (station_id, local_id, workshop, public_id, number, complaint, bay, "
            "status, version, status_since, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                station,
                local_id,
                workshop,
                public_id,
                fields.get("number", ""),
                fields.get("complaint") or "",
                fields.get("bay"),
                fields.get("status", Status.BOOKED.value),
                int(fields.get("version") or 1),
                fields.get("status_since") or p.get("created_at", ""),
                p.get("created_at", ""),
            ),
        )
        return {"public_id": public_id}

    def _status_changed(
        self, tx: CloudTx, station: str, event_id: int | None, p: Mapping[str, Any], user: Any
    ) -> dict[str, Any] | None:
        """A status change is checked against the cloud's own copy: state machine and version."""
        if event_id is None:
            raise _rejected("a progress event needs a numeric id")
        wo = self._need_work_order(tx, station, p.get("work_order_id"))
        try:
            target = Status(str(p.get("to_status")))
            source = Status(str(p["from_status"])) if p.get("from_status") else None
        except ValueError as err:
            raise _rejected(str(err)) from err
        version = int(p.get("version") or 1)
        current = {"status": wo["status"], "version": int(wo["version"])}
        if source is None:
            # The work order's first event: it states the version the creation wrote.
            if version != current["version"] or target.value != current["status"]:
                raise _Answer(Outcome.CONFLICT, {"reason": "stale first event", "current": current})
        else:
            if current["version"] != version - 1 or current["status"] != source.value:
                raise _Answer(
                    Outcome.CONFLICT,
                    {
                        "reason": f"the cloud has version {current['version']} ({current['status']}), "
                        f"this change was made on version {version - 1} ({source.value})",
                        "current": current,
                    },
                )
            if target not in lifecycle.TRANSITIONS[source]:
                raise _Answer(
                    Outcome.CONFLICT,
                    {
                        "reason": f"a work order cannot go from {source} to {target}",
                        "current": current,
                    },
                )
            changed = fields_owned_by(
                Owner.STATION,
                {"status": target.value, "version": version, "status_since": p.get("at", "")},
            )
            tx.run(
                "UPDATE work_orders SET status = ?, version = ?, status_since = ? "
                "WHERE station_id = ? AND local_id = ? AND version = ?",
                (
                    changed["status"],
                    changed["version"],
                    changed["status_since"],
                    station,
                    wo["local_id"],
                    version - 1,
                ),
            )
        self._progress_event(
            tx,
            station,
            event_id,
            wo,
            source.value if source else None,
            target.value,
            version,
            p,
            user,
        )
        return None

    def _update_posted(
        self, tx: CloudTx, station: str, event_id: int | None, p: Mapping[str, Any], user: Any
    ) -> None:
        """A message to the customer between status changes: a progress event, status unchanged."""
        if event_id is None:
            raise _rejected("a progress event needs a numeric id")
        wo = self._need_work_order(tx, station, p.get("work_order_id"))
        status = str(wo["status"])
        self._progress_event(tx, station, event_id, wo, status, status, int(wo["version"]), p, user)

    def _progress_event(
        self,
        tx: CloudTx,
        station: str,
        event_id: int,
        wo: Mapping[str, Any],
        from_status: str | None,
        to_status: str,
        version: int,
        p: Mapping[str, Any],
        user: Any,
    ) -> None:
        """What the customer's tracker shows: one line per status change or update."""
        self._insert_once(
            tx,
            "progress_events",
            station,
            event_id,
            {
                "work_order_id": wo["local_id"],
                "from_status": from_status,
                "to_status": to_status,
                "version": version,
                "text_en": p.get("text_en", ""),
                "text_zh": p.get("text_zh", ""),
                "note": p.get("note"),
                "at": p.get("at", ""),
                "user_name": user if isinstance(user, str) else None,
            },
        )

    def _station_decision(
        self, tx: CloudTx, station: str, approval_id: int | None, p: Mapping[str, Any]
    ) -> dict[str, Any] | None:
        finding = tx.one(
            "SELECT * FROM findings WHERE station_id = ? AND local_id = ?",
            (station, p.get("finding_id")),
        )
        if finding is None:
            raise _rejected(f"finding {p.get('finding_id')} is unknown to the cloud")
        state = self._finding_state(tx, station, finding["local_id"])
        overrides: dict[str, Any] | None = None
        if state is ApprovalState.APPROVED:
            latest = self._decisions(tx, station, finding["local_id"])[-1]
            if latest["source"] != "customer" or str(p.get("at") or "") <= str(latest["at"]):
                raise _Answer(
                    Outcome.CONFLICT,
                    {
                        "reason": "the customer already approved this finding",
                        "current": {"state": state.value, "approval": latest},
                    },
                )
            # Said later at the desk: the customer's latest word; the remote one stays on record.
            overrides = latest
        try:
            decision = Decision(str(p.get("decision")))
        except ValueError as err:
            raise _rejected(str(err)) from err
        tx.run(
            "INSERT INTO approvals (id, station_id, local_id, finding_id, decision, customer_name, "
            "channel, total_cents, at, source, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uuid.uuid4().hex,
                station,
                approval_id,
                finding["local_id"],
                decision.value,
                p.get("customer_name", ""),
                p.get("channel", ""),
                int(p.get("total_cents") or 0),
                p.get("at", ""),
                "station",
                _stamp(self.clock()),
            ),
        )
        return None if overrides is None else {"overrides": overrides}

    @staticmethod
    def _decisions(tx: CloudTx, station: str, finding_id: int) -> list[dict[str, Any]]:
        """A finding's decisions in the order the customer gave them."""
        return tx.all(
            "SELECT decision, customer_name, channel, at, source FROM approvals "
            "WHERE station_id = ? AND finding_id = ? ORDER BY at, received_at, id",
            (station, finding_id),
        )

    def _finding_state(self, tx: CloudTx, station: str, finding_id: int) -> ApprovalState:
        return state_after(
            [Decision(d["decision"]) for d in self._decisions(tx, station, finding_id)]
        )

    # -- changes for the station ----------------------------------------------

    def _add_change(
        self,
        tx: CloudTx,
        workshop: str,
        kind: str,
        payload: Mapping[str, Any],
        relay: bool = True,
    ) -> int:
        """Append to the workshop's change feed; the row lock keeps commit order = seq order.

        The workshop's rows also go up to the brand's cloud when this is a hub that relays
        (`relay` is False for the rows that came down from it)."""
        tx.run("UPDATE workshops SET change_seq = change_seq + 1 WHERE name = ?", (workshop,))
        row = tx.one("SELECT change_seq FROM workshops WHERE name = ?", (workshop,))
        if row is None:
            raise Refused(f"unknown workshop {workshop}", 404)
        seq = int(row["change_seq"])
        tx.run(
            "INSERT INTO changes (workshop, seq, kind, payload, at) VALUES (?, ?, ?, ?, ?)",
            (workshop, seq, kind, json.dumps(payload, ensure_ascii=False), _stamp(self.clock())),
        )
        if relay and kind == replica.ROWS_CHANGED:
            rows = list(payload["rows"])
            hub.relay(
                tx,
                workshop,
                kind,
                "changeset",
                str(rows[0]["key"]),
                {"rows": rows},
                None,
                _stamp(self.clock()),
            )
        return seq

    def adopt_rows(self, tx: CloudTx, workshop: str, rows: Sequence[Mapping[str, Any]]) -> int:
        """Rows the brand's cloud sent down: stored (its word wins) and fanned out to every
        terminal, never sent back up. Returns how many changed anything here."""
        adopted = hub.adopt(tx, workshop, rows)
        if adopted:
            self._add_change(tx, workshop, replica.ROWS_CHANGED, {"rows": adopted}, relay=False)
        return len(adopted)

    def changes_since(
        self, auth: StationAuth, since: int, limit: int = 500, seen: str | None = None
    ) -> dict[str, Any]:
        """The workshop's changes after `since`; `seen`: when the change at `since` was made,
        as the station recorded it (a database put back from an older copy has another)."""
        self._station(auth)
        # A read: every terminal's long-poll wakes at once on a change, none waits for a write.
        with self.db.transaction(reading=True) as tx:
            last = tx.one("SELECT change_seq FROM workshops WHERE name = ?", (auth.workshop,))
            newest = 0 if last is None else int(last["change_seq"])
            held = (
                None
                if seen is None or since <= 0
                else tx.one(
                    "SELECT at FROM changes WHERE workshop = ? AND seq = ?", (auth.workshop, since)
                )
            )
            if seen is not None and since > 0 and (held is None or held["at"] != seen):
                # The station has seen a change this database does not hold: it was put back
                # from an older copy. Answering "nothing new" would hide every change up to
                # `since` from the station for good.
                log.error(
                    "station %s has seen %s's change %d, which this database does not hold "
                    "(its feed ends at %d): the database is older than the station's copy",
                    auth.station_id,
                    auth.workshop,
                    since,
                    newest,
                )
                raise Refused(
                    f"this station has seen the workshop's change {since}, which the service's "
                    f"database does not hold (its feed ends at {newest}): the database was put "
                    "back from an older copy. Nothing more is taken from the feed until the "
                    "newest database is back",
                    409,
                    {"feed_ends": newest},
                )
            rows = tx.all(
                "SELECT seq, kind, payload, at FROM changes WHERE workshop = ? AND seq > ? "
                "ORDER BY seq LIMIT ?",
                (auth.workshop, since, limit + 1),
            )
        more = len(rows) > limit
        rows = rows[:limit]
        return {
            "changes": [
                {
                    "seq": int(r["seq"]),
                    "kind": r["kind"],
                    "payload": json.loads(r["payload"]),
                    "at": r["at"],
                }
                for r in rows
            ],
            "cursor": int(rows[-1]["seq"]) if rows else since,
            "more": more,
        }

    # -- the customer's side ---------------------------------------------------

    def book_appointment(self, workshop: str, booking: Mapping[str, Any]) -> str:
        """A booking from the customer app, with the complaint and the remote pre-diagnosis."""
        customer = booking.get("customer")
        vehicle = booking.get("vehicle")
        if not isinstance(customer, Mapping) or not str(customer.get("name") or "").strip():
            raise Refused("a booking names the customer")
        if not isinstance(vehicle, Mapping) or not (vehicle.get("vin") or vehicle.get("plate")):
            raise Refused("a booking identifies the vehicle by VIN or plate")
        scheduled_at = str(booking.get("scheduled_at") or "")
        try:
            datetime.fromisoformat(scheduled_at.replace("Z", "+00:00"))
        except ValueError as err:
            raise Refused(f"scheduled_at {scheduled_at!r} is not an ISO time") from err
        try:
            prediagnosis = parse_prediagnosis(booking.get("prediagnosis")).to_json()
        except InvalidInput as err:
            raise Refused(str(err)) from err
        appointment_id = uuid.uuid4().hex
        at = _stamp(self.clock())
        row = {
            "id": appointment_id,
            "customer": dict(customer),
            "vehicle": dict(vehicle),
            "scheduled_at": scheduled_at,
            "complaint": str(booking.get("complaint") or ""),
            "prediagnosis": prediagnosis,
        }
        try:  # refused here, to the customer, rather than by the workshop's station later
            parse_booking(row)
        except InvalidInput as err:
            raise Refused(str(err)) from err
        with self.db.transaction() as tx:
            if tx.one("SELECT name FROM workshops WHERE name = ?", (workshop,)) is None:
                raise Refused(f"unknown workshop {workshop}", 404)
            tx.run(
                "INSERT INTO appointments (id, workshop, customer, vehicle, scheduled_at, complaint, "
                "prediagnosis, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?)",
                (
                    appointment_id,
                    workshop,
                    json.dumps(row["customer"], ensure_ascii=False),
                    json.dumps(row["vehicle"], ensure_ascii=False),
                    scheduled_at,
                    row["complaint"],
                    json.dumps(prediagnosis, ensure_ascii=False),
                    at,
                ),
            )
            if hub.uses_records(tx, workshop):
                # A workshop of terminals: the hub files the booking once, as shared rows.
                try:
                    booking_rows = hub.appointment_rows(tx, workshop, parse_booking(row), at)
                except InvalidInput as err:
                    raise Refused(str(err)) from err
                self._add_change(tx, workshop, replica.ROWS_CHANGED, {"rows": booking_rows})
            else:
                self._add_change(tx, workshop, "appointment.booked", row)
        return appointment_id

    def cancel_appointment(self, appointment_id: str) -> None:
        with self.db.transaction() as tx:
            row = tx.one(
                "SELECT workshop, status FROM appointments WHERE id = ?", (appointment_id,)
            )
            if row is None:
                raise Refused("no such appointment", 404)
            if row["status"] != "open":
                raise Refused(f"the appointment is {row['status']}", 409)
            tx.run("UPDATE appointments SET status = 'cancelled' WHERE id = ?", (appointment_id,))
            if hub.uses_records(tx, row["workshop"]):
                rows = hub.appointment_cancelled(tx, row["workshop"], appointment_id)
                if rows:
                    self._add_change(tx, row["workshop"], replica.ROWS_CHANGED, {"rows": rows})
            else:
                self._add_change(
                    tx, row["workshop"], "appointment.cancelled", {"id": appointment_id}
                )

    def _tracked(self, tx: CloudTx, public_id: str) -> dict[str, Any]:
        """The work order behind a customer's link, unless the link was revoked or has expired."""
        wo = tx.one("SELECT * FROM work_orders WHERE public_id = ?", (public_id,))
        if wo is None:
            if tx.one("SELECT 1 AS x FROM revoked_links WHERE public_id = ?", (public_id,)):
                raise Refused(
                    "this link was withdrawn by the workshop: ask them for a new one",
                    410,
                    key="link_revoked",
                )
            raise Refused("no such work order", 404, key="link_unknown")
        ends = link_ends(wo["status"], wo["status_since"], self.link_days)
        if ends is not None and self.clock() >= ends:
            raise Refused(
                f"this link expired on {ends:%Y-%m-%d}",
                410,
                key="link_expired",
                date=f"{ends:%Y-%m-%d}",
            )
        return wo

    def customer_view(self, public_id: str) -> dict[str, Any]:
        """The work order as the customer app shows it: status, findings with prices, photos."""
        with self.db.transaction() as tx:
            wo = self._tracked(tx, public_id)
            key = (wo["station_id"], wo["local_id"])
            findings = tx.all(
                "SELECT local_id AS id, title, severity, recommended_job, total_cents, lines "
                f"FROM findings f WHERE station_id = ? AND work_order_id = ? "
                f"AND {customer_facts.live('f')} ORDER BY local_id",
                key,
            )
            for finding in findings:
                finding["lines"] = json.loads(finding["lines"])
                decisions = self._decisions(tx, wo["station_id"], finding["id"])
                finding["approvals"] = decisions
                finding["state"] = state_after([Decision(d["decision"]) for d in decisions]).value
            photos = tx.all(
                "SELECT p.local_id AS id, p.sha256, p.thumbnail_sha256, p.stage, p.subject, p.finding_id, "
                "p.caption, p.recorded_at, b.sha256 AS uploaded FROM photos p "
                "LEFT JOIN blobs b ON b.sha256 = p.sha256 "
                "WHERE p.station_id = ? AND p.work_order_id = ? ORDER BY p.local_id",
                key,
            )
            corrections = tx.all(customer_facts.CORRECTIONS_OF_VISIT, key)
        photos = customer_facts.shown_photos(photos, corrections)
        for photo in photos:
            photo["available"] = photo.pop("uploaded") is not None
        return {
            "number": wo["number"],
            "workshop": wo["workshop"],
            "status": wo["status"],
            "version": int(wo["version"]),
            "status_since": wo["status_since"],
            "complaint": wo["complaint"],
            "cancel_requested_at": wo["cancel_requested_at"],
            "findings": findings,
            "photos": photos,
            "waiting": waiting_view(findings),
        }

    def progress(self, public_id: str) -> list[dict[str, Any]]:
        with self.db.transaction() as tx:
            wo = self._tracked(tx, public_id)
            return tx.all(
                "SELECT from_status, to_status, text_en, text_zh, note, at FROM progress_events "
                "WHERE station_id = ? AND work_order_id = ? ORDER BY version, local_id",
                (wo["station_id"], wo["local_id"]),
            )

    def report(self, public_id: str) -> dict[str, Any]:
        """The latest issued report and whether its PDF has arrived."""
        with self.db.transaction() as tx:
            wo = self._tracked(tx, public_id)
            row = tx.one(
                "SELECT r.version, r.sha256, r.file_name, r.language, r.issued_at, b.size "
                "FROM reports r LEFT JOIN blobs b ON b.sha256 = r.sha256 "
                "WHERE r.station_id = ? AND r.work_order_id = ? ORDER BY r.version DESC LIMIT 1",
                (wo["station_id"], wo["local_id"]),
            )
        if row is None:
            raise Refused("no report has been issued yet", 404, key="report_not_yet")
        row["available"] = row.pop("size") is not None
        return row

    def blob_of(self, public_id: str, sha256: str) -> bool:
        """Whether `sha256` is a photo or report of this work order (what a link may read);
        not a photo of a withdrawn finding, which the customer is no longer shown."""
        with self.db.transaction(reading=True) as tx:
            wo = self._tracked(tx, public_id)
            key = (wo["station_id"], wo["local_id"])
            photos = tx.all(
                "SELECT finding_id FROM photos WHERE station_id = ? AND work_order_id = ? "
                "AND (sha256 = ? OR thumbnail_sha256 = ? OR print_sha256 = ?)",
                (*key, sha256, sha256, sha256),
            )
            report = tx.one(
                "SELECT 1 AS x FROM reports WHERE station_id = ? AND work_order_id = ? AND sha256 = ?",
                (*key, sha256),
            )
            corrections = tx.all(customer_facts.CORRECTIONS_OF_VISIT, key) if photos else []
        return report is not None or bool(customer_facts.shown_photos(photos, corrections))

    def customer_decision(
        self, public_id: str, finding_id: int, decision: Decision, customer_name: str
    ) -> dict[str, Any]:
        """The customer's approval link: recorded here, then sent to the station as a change."""
        if not customer_name.strip():
            raise Refused("an approval records who decided")
        with self.db.transaction() as tx:
            wo = self.lock_tracked(tx, public_id)
            return self.record_customer_decision(tx, wo, finding_id, decision, customer_name)

    def lock_tracked(self, tx: CloudTx, public_id: str) -> dict[str, Any]:
        """The link's work order, with its workshop's feed locked: taps are decided one by one."""
        wo = self._tracked(tx, public_id)
        tx.run("UPDATE workshops SET change_seq = change_seq WHERE name = ?", (wo["workshop"],))
        return wo

    def record_customer_decision(
        self,
        tx: CloudTx,
        wo: Mapping[str, Any],
        finding_id: int,
        decision: Decision,
        customer_name: str,
        extra: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The approval row and its change for the station; `extra` travels with the change."""
        at = _stamp(self.clock())
        if Status(wo["status"]) in lifecycle.FINAL:
            raise Refused(f"the work order is {wo['status']}", 409, key="visit_closed")
        finding = tx.one(
            f"SELECT local_id, total_cents, {customer_facts.live('f')} AS live FROM findings f "
            "WHERE station_id = ? AND local_id = ? AND work_order_id = ?",
            (wo["station_id"], finding_id, wo["local_id"]),
        )
        if finding is None:
            raise Refused("no such finding", 404, key="item_unknown")
        if not finding["live"]:
            raise Refused(
                "the workshop withdrew this item: it no longer needs your decision",
                409,
                key="item_unknown",
            )
        if self._finding_state(tx, wo["station_id"], finding_id) is ApprovalState.APPROVED:
            raise Refused("this finding is already approved", 409, key="item_decided")
        approval_id = uuid.uuid4().hex
        tx.run(
            "INSERT INTO approvals (id, station_id, local_id, finding_id, decision, customer_name, "
            "channel, total_cents, at, source, received_at) VALUES (?, ?, NULL, ?, ?, ?, 'remote', ?, ?, 'customer', ?)",
            (
                approval_id,
                wo["station_id"],
                finding_id,
                decision.value,
                customer_name.strip(),
                int(finding["total_cents"]),
                at,
                at,
            ),
        )
        if wo["station_id"] == hub.workshop_key(wo["workshop"]):
            signature = (extra or {}).get("signature")
            self._remote_rows(tx, wo, finding_id, decision, customer_name.strip(), at, signature)
        change = {
            "approval_id": approval_id,
            "station_id": wo["station_id"],
            "work_order_id": int(wo["local_id"]),
            "finding_id": finding_id,
            "decision": decision.value,
            "customer_name": customer_name.strip(),
            "at": at,
            **(extra or {}),
        }
        if wo["station_id"] != hub.workshop_key(wo["workshop"]):
            self._add_change(tx, wo["workshop"], "approval.remote", change)
        return change

    def _remote_rows(
        self,
        tx: CloudTx,
        wo: Mapping[str, Any],
        finding_id: int,
        decision: Decision,
        customer_name: str,
        at: str,
        signature: Mapping[str, Any] | None = None,
    ) -> None:
        """A workshop with terminals: the hub writes the approval (and its job) as shared rows,
        with the signature the customer drew on the phone."""
        workshop = str(wo["workshop"])
        finding = hub.record(tx, workshop, "findings", str(finding_id))
        if finding is None:
            raise Refused(
                "the finding has not reached the workshop hub yet", 409, key="not_at_workshop_yet"
            )
        reference, rows = customer_facts.hub_signature(tx, workshop, signature, at)
        lines = tx.all(
            "SELECT row FROM records WHERE workshop = ? AND tbl = 'estimate_lines'", (workshop,)
        )
        total = sum(
            round(line["quantity"] * line["unit_price_cents"])
            for line in (json.loads(r["row"]) for r in lines)
            if line["finding_id"] == finding_id
        )
        rows.append(
            hub.add_hub_row(
                tx,
                workshop,
                "approvals",
                {
                    "finding_id": finding_id,
                    "decision": decision.value,
                    "customer_name": customer_name,
                    "channel": "remote",
                    "signature_ref": reference,
                    "total_cents": int(total),
                    "at": at,
                    "recorded_by": None,
                },
            )
        )
        if decision is Decision.APPROVED:
            rows.append(
                hub.add_hub_row(
                    tx,
                    workshop,
                    "jobs",
                    {
                        "work_order_id": int(wo["local_id"]),
                        "finding_id": finding_id,
                        "description": finding["recommended_job"] or finding["title"],
                        "created_at": at,
                    },
                )
            )
        self._add_change(tx, workshop, replica.ROWS_CHANGED, {"rows": rows})

    def request_cancel(self, public_id: str) -> None:
        """The customer cancels: a request to the station, which owns the status."""
        at = _stamp(self.clock())
        with self.db.transaction() as tx:
            wo = self._tracked(tx, public_id)
            if Status(wo["status"]) in lifecycle.FINAL:
                raise Refused(f"the work order is {wo['status']}", 409)
            changed = fields_owned_by(
                Owner.CUSTOMER, {"cancel_requested_at": at, "status": "ignored"}
            )
            tx.run(
                "UPDATE work_orders SET cancel_requested_at = ? WHERE public_id = ?",
                (changed["cancel_requested_at"], public_id),
            )
            if wo["station_id"] == hub.workshop_key(wo["workshop"]):
                self._hub_cancel(tx, wo, at)
                return
            self._add_change(
                tx,
                wo["workshop"],
                "work_order.cancel_requested",
                {"station_id": wo["station_id"], "work_order_id": int(wo["local_id"]), "at": at},
            )

    def _hub_cancel(self, tx: CloudTx, wo: Mapping[str, Any], at: str) -> None:
        """A workshop of terminals: the hub cancels, for the tracker and for every terminal."""
        try:
            rows = hub.cancel_rows(tx, str(wo["workshop"]), int(wo["local_id"]), at)
        except StationError as err:
            raise Refused(str(err), 409) from err
        if not rows:
            raise Refused("the work order has not reached the workshop hub yet", 409)
        moved, event = rows[0]["row"], rows[1]["row"]
        tx.run(
            "UPDATE work_orders SET status = ?, version = ?, status_since = ? "
            "WHERE station_id = ? AND local_id = ?",
            (moved["status"], moved["version"], at, wo["station_id"], wo["local_id"]),
        )
        self._progress_event(
            tx,
            str(wo["station_id"]),
            int(event["id"]),
            wo,
            event["from_status"],
            event["to_status"],
            int(moved["version"]),
            event,
            "customer",
        )
        self._add_change(tx, str(wo["workshop"]), replica.ROWS_CHANGED, {"rows": rows})

    # -- the station's own reads ------------------------------------------------

    def station_work_order(self, auth: StationAuth, local_id: int) -> dict[str, Any]:
        """A station reads back its own work order (its customer link, the cloud's version)."""
        station = self._station(auth)
        if not 0 < local_id < 2**63:
            raise Refused("no such work order", 404)
        with self.db.transaction() as tx:
            if hub.terminal(tx, auth.token_id) is not None:
                station = hub.workshop_key(auth.workshop)
            wo = tx.one(
                "SELECT * FROM work_orders WHERE station_id = ? AND local_id = ? AND workshop = ?",
                (station, local_id, auth.workshop),
            )
        if wo is None:
            raise Refused("no such work order", 404)
        return wo

    def workshop_work_order(self, auth: StationAuth, reference: str) -> list[dict[str, Any]]:
        """A terminal opens closed work it no longer keeps: the work order's rows, whole."""
        self._station(auth)
        with self.db.transaction() as tx:
            if hub.terminal(tx, auth.token_id) is None:
                raise Refused("only a workshop's terminals fetch its work", 403)
            rows = hub.work_order_rows(tx, auth.workshop, reference)
        if not rows:
            raise Refused(f"the workshop has no work order {reference}", 404)
        return rows

    def workshop_car(
        self, auth: StationAuth, vin: str | None, plate: str | None
    ) -> list[dict[str, Any]]:
        """A terminal's search found no car here: the car by VIN or plate, with its latest
        work order whole (closed work the terminal no longer keeps)."""
        plate = plate_key(plate or "") or None
        if (not vin) == (plate is None):
            raise Refused("ask for a car by one of vin or plate", 400)
        try:
            vin = normalise_vin(vin) if vin else None
            if plate is not None:
                limits.check(limits.PLATE, plate)
        except InvalidInput as err:
            raise Refused(str(err), 400) from err
        self._station(auth)
        with self.db.transaction(reading=True) as tx:
            if hub.terminal(tx, auth.token_id) is None:
                raise Refused("only a workshop's terminals fetch its work", 403)
            rows = hub.car_rows(tx, auth.workshop, vin, plate)
        if not rows:
            raise Refused(f"the workshop has no car {vin or plate}", 404)
        return rows

    def record_blob(self, sha256: str, size: int, station_id: str) -> None:
        """A file a station uploaded whole: kept once, and from now on its workshop's too."""
        with self.db.transaction() as tx:
            tx.run(
                "INSERT INTO blobs (sha256, size, completed_at, station_id) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (sha256) DO NOTHING",
                (sha256, size, _stamp(self.clock()), station_id),
            )
            tx.run(
                "INSERT INTO blob_workshops (sha256, workshop) "
                "SELECT ?, workshop FROM stations WHERE id = ? ON CONFLICT DO NOTHING",
                (sha256, station_id),
            )

    def blob_known(self, workshop: str, sha256: str) -> bool:
        """Whether `workshop` uploaded this file (a terminal sees only its workshop's files)."""
        with self.db.transaction(reading=True) as tx:
            return (
                tx.one(
                    "SELECT 1 AS x FROM blob_workshops WHERE sha256 = ? AND workshop = ? UNION "
                    "SELECT 1 AS x FROM blobs b JOIN stations s ON s.id = b.station_id "
                    "WHERE b.sha256 = ? AND s.workshop = ?",
                    (sha256, workshop, sha256, workshop),
                )
                is not None
            )
