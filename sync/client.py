"""The station's sync client: outbox up, files up in resumable chunks, changes down.

`SyncClient` is a plain thread-safe class: the app runs `run_once()` in a
background thread (or `run_forever`), the UI reads `status()`. It has its own
database connection, so it never shares a transaction with the UI's.

Every request that times out or loses its connection has an unknown outcome;
it is simply sent again with the same mutation ids, and the cloud's dedup
record answers `duplicate` for what it already applied. Acks are written in
one transaction per batch, with the files the batch refers to queued for upload.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import sqlite3
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from station import auth, inbox, profile, replica
from station.audit import ANCHOR_HASH_KEY, ANCHOR_SEQ_KEY, RESTORED_KEY
from station.audit_keys import create_audit_key, load_audit_key
from station.errors import StoreError
from station.identity import TERMINAL_CODE_KEY, TERMINAL_NAME_KEY, TERMINAL_NUMBER_KEY
from station.photos import PhotoStore, photo_path, photos_folder
from station.store import Store, Transaction, timestamp
from sync.errors import (
    AuthRefused,
    ChainRefused,
    FeedClosed,
    NotEnrolled,
    Offline,
    ProtocolViolation,
    SyncError,
)
from sync.protocol import (
    API,
    TUS_VERSION,
    BlobRef,
    ChainClaim,
    ChainPoint,
    ChainVerdict,
    Outcome,
    Restored,
    backoff_delay,
    blob_refs,
    first_answer,
    is_sha256,
)
from sync.uploads import send_file

log = logging.getLogger(__name__)

DEFAULT_BATCH = 200
DEFAULT_CHUNK = 1024 * 1024
PRUNE_EVERY_S = 3600.0  # a live terminal drops closed work past its window hourly


@dataclass(frozen=True)
class SyncStatus:
    """A snapshot for the UI: what waits, what went well last, what went wrong last."""

    state: str  # idle, syncing, offline, error, not_enrolled, chain_refused
    pending_mutations: int
    pending_blobs: int
    pending_bytes: int
    conflicts: int
    last_success: str | None
    last_error: str | None
    cursor: int
    bytes_uploaded: int = 0
    bytes_resent: int = 0
    set_aside: int = 0  # files missing or damaged here: reported, not blocking the rest


@dataclass
class RunReport:
    """What one `run_once` did."""

    sent: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    blobs_uploaded: int = 0
    bytes_uploaded: int = 0
    changes_applied: int = 0
    set_aside: int = 0


class BlobSource:
    """Finds a file's bytes on the station by SHA-256: photos and issued report PDFs."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)

    def locate(self, sha256: str, source: str, file_name: str | None) -> Path:
        if not is_sha256(sha256):
            raise SyncError(f"{sha256!r} is not a SHA-256")
        if source == "report" and file_name:
            path = self.data_dir / "reports" / Path(file_name).name
        else:
            path = photo_path(photos_folder(self.data_dir), sha256)
        if not path.exists():
            raise SyncError(f"the {source} file {sha256[:12]} is missing at {path}")
        with path.open("rb") as handle:
            actual = hashlib.file_digest(handle, "sha256").hexdigest()
        if actual != sha256:
            raise SyncError(f"the {source} file {sha256[:12]} at {path} is damaged")
        return path


class SyncClient:
    def __init__(
        self,
        store: Store | Path | str,
        base_url: str | None = None,
        token: str | None = None,
        data_dir: Path | str | None = None,
        *,
        batch_size: int = DEFAULT_BATCH,
        chunk_size: int = DEFAULT_CHUNK,
        timeout: float = 30.0,
        attempts: int = 4,
        backoff_base: float = 0.2,
        backoff_cap: float = 30.0,
        verify: bool | str = True,
        rng: random.Random | None = None,
        sleep: Callable[[float], None] = time.sleep,
        closed_days: int = replica.CLOSED_DAYS,
    ) -> None:
        path = store.path if isinstance(store, Store) else Path(store)
        if path is None:
            raise SyncError("the sync client needs a station database file")
        # Its own connection: the client's transactions never mix with the UI's.
        self.store = Store.open(path)
        self.base_url = base_url or self.store.meta(inbox.URL_KEY)
        self.token = token or inbox.sync_token(path.parent)
        ca = self.store.meta(inbox.CA_KEY)
        self.verify = tls_verify(ca if verify is True and ca else verify)
        self.blobs = BlobSource(data_dir if data_dir is not None else path.parent)
        self.batch_size = batch_size
        self.chunk_size = chunk_size
        self.timeout = timeout
        self.attempts = attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.rng = rng or random.Random()
        self.sleep = sleep
        self.closed_days = closed_days
        self._run_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._state = "idle"
        self._last_success: str | None = None
        self._last_error: str | None = None
        # Why the live feed is refused (a hub put back from an older copy), until it is taken
        # again: pushes that go through meanwhile do not hide it.
        self._feed_refused: str | None = None
        self._bytes_uploaded = 0
        self._bytes_resent = 0
        self._http: httpx.Client | None = None
        self._feed_http: httpx.Client | None = None
        # The feed listener's own connection (one per thread): its reads never hold a
        # snapshot open on the connection the push thread begins its writes on.
        self._feed_store: Store | None = None
        self._path = path
        # `status()` reads on its own connection: the UI thread never waits for a sync batch.
        self._status_lock = threading.Lock()
        self._status_store: Store | None = None

    # -- public ------------------------------------------------------------------

    def run_once(self) -> RunReport:
        """Push the outbox, upload queued files, pull changes; raises `SyncError` on failure."""
        with self._run_lock:
            self._set(state="syncing")
            report = RunReport()
            try:
                self._push(report)
                self._upload(report)
                self._pull(report)
            except Offline as err:
                self._set(state="offline", error=str(err))
                raise
            except ChainRefused as err:
                log.error("the cloud refused this station's audit chain: %s", err)
                self._set(state="chain_refused", error=str(err))
                raise
            except SyncError as err:
                self._set(
                    state="not_enrolled" if isinstance(err, NotEnrolled) else "error",
                    error=str(err),
                )
                raise
            self._set(state="idle", success=timestamp(self.store.clock()))
            return report

    def push_once(self) -> RunReport:
        """Push the outbox and upload queued files (the feed is pulled by the listener)."""
        with self._run_lock:
            self._set(state="syncing")
            report = RunReport()
            try:
                self._push(report)
                self._upload(report)
            except Offline as err:
                self._set(state="offline", error=str(err))
                raise
            except SyncError as err:
                self._set(state="error", error=str(err))
                raise
            self._set(state="idle", success=timestamp(self.store.clock()))
            return report

    def run_live(
        self,
        stop: threading.Event,
        wake: threading.Event,
        on_applied: Callable[[RunReport], None] | None = None,
        wait: float = 20.0,
        push_every: float | None = None,
    ) -> None:
        """A terminal's live sync: push on every commit (`wake`), listen on the feed meanwhile.

        Two threads: this one pushes and uploads whenever `wake` is set (or every
        `push_every` seconds, else `wait`); a second one long-polls the feed. `on_applied` hears of
        every run that brought changes in, so the screens can refresh.
        """
        listener = threading.Thread(
            target=self._listen_loop, args=(stop, on_applied, wait), name="sync-feed", daemon=True
        )
        listener.start()
        failures = 0
        pruned_at = 0.0
        while not stop.is_set():
            if time.monotonic() - pruned_at > PRUNE_EVERY_S:
                with self._run_lock:  # takes turns with the listener's writes
                    replica.prune_closed(self.store, self.closed_days)
                pruned_at = time.monotonic()
            wake.wait(push_every or wait)
            wake.clear()
            if stop.is_set():
                break
            try:
                report = self.push_once()
                self.fetch_photo_files()
                failures = 0
                if report.outcomes.keys() - {"applied", "duplicate"} and on_applied is not None:
                    on_applied(report)  # a refused change corrected the replica
            except AuthRefused:
                stop.set()
                raise
            except (SyncError, sqlite3.OperationalError) as err:
                # A busy database is waited out like an unreachable hub: live sync never stops.
                log.info("sync failed (%s); retrying", err)
                failures += 1
                stop.wait(backoff_delay(failures, self.backoff_base, self.backoff_cap, self.rng))
                wake.set()
        if self._feed_http is not None:
            self._feed_http.close()  # ends a long-poll in flight: the listener sees `stop`
        listener.join(timeout=self.timeout)

    def _listen_loop(
        self,
        stop: threading.Event,
        on_applied: Callable[[RunReport], None] | None,
        wait: float,
    ) -> None:
        failures = 0
        while not stop.is_set():
            try:
                report = self._listen_once(wait)
                failures = 0
                self._feed_refused = None
            except AuthRefused:
                stop.set()
                return
            except FeedClosed:
                return  # the terminal is shutting down (`run_live` or `close`)
            except (SyncError, sqlite3.OperationalError) as err:
                log.info("the feed is not applied yet (%s)", err)
                if isinstance(err, ProtocolViolation):  # refused, not unreachable: shown
                    self._feed_refused = str(err)
                failures += 1
                stop.wait(backoff_delay(failures, self.backoff_base, self.backoff_cap, self.rng))
                continue
            if report.changes_applied and on_applied is not None:
                on_applied(report)

    def _listen_once(self, wait: float) -> RunReport:
        """One long-poll on a connection of its own: a push never waits behind it."""
        if self._feed_http is None:
            base = self._client()
            self._feed_http = httpx.Client(
                base_url=self.base_url or "",
                headers=dict(base.headers),
                timeout=wait + self.timeout,
                verify=self.verify,
            )
        if self._feed_store is None:
            self._feed_store = Store.open(self._path)
        store = self._feed_store
        report = RunReport()
        feed = self._feed_http
        try:
            response = feed.get(f"{API}/changes", params={**_since(store), "wait": wait})
        except httpx.TransportError as err:
            raise Offline(f"the feed did not answer: {err}") from err
        except RuntimeError as err:
            # httpx's word for a request on a closed client: closed by the shutdown between
            # the listener's look at `stop` and this request.
            if not feed.is_closed:
                raise
            raise FeedClosed("the feed's connection was closed: sync is stopping") from err
        if response.status_code in (401, 403):
            raise AuthRefused(f"the hub refused this terminal: {refusal_reason(response)}")
        if response.status_code != 200:
            raise ProtocolViolation(f"changes refused: {refusal_reason(response)}")
        body = response.json()
        if body.get("changes"):
            # Applied under the run lock: a push's acks and the feed never interleave.
            with self._run_lock:
                applied = inbox.apply_changes(store, body["changes"], int(body["cursor"]))
            report.changes_applied = sum(1 for a in applied if a.outcome == "applied")
        return report

    def run_forever(self, stop: threading.Event, interval: float = 10.0) -> None:
        """Sync until `stop` is set; after failures wait longer (backoff with jitter)."""
        failures = 0
        while not stop.is_set():
            try:
                self.run_once()
                failures = 0
                wait = interval
            except (AuthRefused, ChainRefused):  # a person must act: retrying changes nothing
                raise
            except SyncError as err:
                log.info("sync failed (%s); retrying", err)
                failures += 1
                wait = interval + backoff_delay(
                    failures, self.backoff_base * 10, self.backoff_cap * 10, self.rng
                )
            stop.wait(wait)

    def status(self) -> SyncStatus:
        with self._status_lock:
            if self._status_store is None:
                self._status_store = Store.open(self._path)
            store = self._status_store
            pending = store.query("SELECT COUNT(*) AS n FROM outbox WHERE acked_at IS NULL")[0]["n"]
            blob_rows = store.query(
                "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM sync_blobs "
                "WHERE uploaded_at IS NULL"
            )[0]
            conflicts = len(inbox.conflicts(store))
            set_aside = store.query(
                "SELECT COUNT(*) AS n FROM sync_blobs WHERE uploaded_at IS NULL AND last_error IS NOT NULL"
            )[0]["n"]
            cursor = inbox.cursor(store)
        with self._state_lock:
            state = self._state if self.base_url and self.token else "not_enrolled"
            refused = self._feed_refused if state in ("idle", "syncing") else None
            return SyncStatus(
                state="error" if refused else state,
                pending_mutations=int(pending),
                pending_blobs=int(blob_rows["n"]),
                pending_bytes=int(blob_rows["bytes"]),
                conflicts=conflicts,
                last_success=self._last_success,
                last_error=refused or self._last_error,
                cursor=cursor,
                bytes_uploaded=self._bytes_uploaded,
                bytes_resent=self._bytes_resent,
                set_aside=int(set_aside),
            )

    def cloud_work_order(self, wo_id: int) -> dict[str, Any]:
        """The cloud's copy of a work order: its status, version and the customer's `public_id`."""
        response = self._request("GET", f"{API}/work-orders/{wo_id}")
        if response.status_code != 200:
            raise SyncError(
                f"work order {wo_id} is not in the cloud yet: {refusal_reason(response)}"
            )
        return dict(response.json())

    def fetch_work_order(self, reference: str) -> bool:
        """Closed work this terminal no longer keeps (by id or number), from the hub on demand;
        False when the hub has no such work order."""
        response = self._request("GET", f"{API}/workshop/work-orders/{reference}")
        if response.status_code == 404:
            return False
        if response.status_code != 200:
            raise ProtocolViolation(f"work order {reference}: {refusal_reason(response)}")
        rows = response.json()["rows"]
        with self._run_lock, self.store.transaction("sync") as tx:
            replica.keep_fetched(tx, rows)
        return True

    def fetch_car(self, vin: str | None = None, plate: str | None = None) -> bool:
        """A car this terminal does not have (by VIN or plate), with its latest work order
        whole, from the hub; False when the workshop has no such car."""
        query = {"vin": vin} if vin else {"plate": plate or ""}
        response = self._request("GET", f"{API}/workshop/cars", params=query)
        if response.status_code == 404:
            return False
        if response.status_code != 200:
            raise ProtocolViolation(f"car {vin or plate}: {refusal_reason(response)}")
        with self._run_lock, self.store.transaction("sync") as tx:
            replica.keep_fetched(tx, response.json()["rows"])
        return True

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None
        if self._feed_http is not None:
            self._feed_http.close()
            self._feed_http = None
        if self._feed_store is not None:
            self._feed_store.close()
            self._feed_store = None
        self.store.close()
        with self._status_lock:
            if self._status_store is not None:
                self._status_store.close()
                self._status_store = None

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ----------------------------------------------------------------

    def _set(self, state: str, error: str | None = None, success: str | None = None) -> None:
        with self._state_lock:
            self._state = state
            if error is not None:
                self._last_error = error
            if success is not None:
                self._last_success = success

    def _client(self) -> httpx.Client:
        if not self.base_url or not self.token:
            raise NotEnrolled(
                "this station is not enrolled: run `station sync enrol --url U --token T`"
            )
        if self._http is None:
            self._http = httpx.Client(
                base_url=self.base_url,
                headers={"Authorization": f"Bearer {self.token}"},
                timeout=self.timeout,
                verify=self.verify,
            )
        return self._http

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request, retried on transport errors and 5xx with backoff and jitter."""
        client = self._client()
        last: Exception | None = None
        for attempt in range(self.attempts):
            if attempt:
                self.sleep(backoff_delay(attempt, self.backoff_base, self.backoff_cap, self.rng))
            try:
                response = client.request(method, url, **kwargs)
            except httpx.TransportError as err:
                # Timeouts and cuts alike: the outcome is unknown, the resend is safe.
                last = err
                continue
            if response.status_code >= 500:
                last = ProtocolViolation(
                    f"{method} {url}: {response.status_code} {refusal_reason(response)}"
                )
                continue
            if response.status_code in (401, 403):
                raise AuthRefused(f"the cloud refused this station: {refusal_reason(response)}")
            return response
        raise Offline(f"the cloud did not answer {method} {url}: {last}") from last

    # -- outbox ------------------------------------------------------------------

    def _pending(self) -> list[dict[str, Any]]:
        return self.store.query(
            "SELECT o.seq, o.mutation_id, o.kind, o.entity, o.entity_id, o.payload, o.created_at, "
            "o.actor AS user FROM outbox o WHERE o.acked_at IS NULL ORDER BY o.seq LIMIT ?",
            (self.batch_size,),
        )

    def _push(self, report: RunReport) -> None:
        """Send the outbox in batches, each with the audit chain's head for the cloud to anchor.

        With nothing queued, an empty batch still anchors a head that moved.
        """
        station = self.store.meta("station_id")
        while True:
            head = self._chain_point(None)
            rows = self._pending()
            if not rows and head == self._anchored():
                return
            mutations = replica.up_to_a_user(_mutations(rows, station))
            response, head = self._send_batch(station, mutations, head)
            results = response.json().get("results")
            if not isinstance(results, list) or len(results) != len(mutations):
                raise ProtocolViolation("the cloud answered a different number of mutations")
            self._ack(mutations, results, report, head)
            if not rows:
                return

    def _send_batch(
        self, station: str | None, mutations: list[dict[str, Any]], head: ChainPoint | None
    ) -> tuple[httpx.Response, ChainPoint | None]:
        """POST one batch with the chain head; the answer and the head the cloud accepted.

        When the cloud anchored a later event than this station remembers (its answer
        was lost, or another sync of this station got there first) and the station's
        log reaches that event, the batch is sent once more compared at that event.
        """
        anchored = self._anchored()
        compare_at = None if anchored is None else anchored.seq
        for attempt in range(2):
            body: dict[str, Any] = {
                "station": station,
                "mutations": mutations,
                "sent_at": timestamp(self.store.clock()),  # the hub checks the clock
            }
            if head is not None:
                at_anchor = None if compare_at is None else self._chain_point(compare_at)
                body["chain"] = ChainClaim(head, at_anchor, self._restored()).wire()
            response = self._request("POST", f"{API}/mutations", json=body)
            if response.status_code == 200:
                return response, head
            refusal = _chain_refusal(response)
            if refusal is None:
                raise ProtocolViolation(f"mutations refused: {refusal_reason(response)}")
            verdict, cloud_seq = refusal
            fresh = self._chain_point(None)
            if (
                attempt == 0
                and verdict in (ChainVerdict.STALE, ChainVerdict.BACKWARDS)
                and cloud_seq is not None
                and fresh is not None
                and fresh.seq >= cloud_seq
            ):
                head, compare_at = fresh, cloud_seq
                continue
            raise ChainRefused(refusal_reason(response))
        raise ChainRefused(refusal_reason(response))

    def _chain_point(self, seq: int | None) -> ChainPoint | None:
        """The station's audit event at `seq` (the head when None); None when there is none."""
        if seq is None:
            row = self.store.query_one(
                "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"
            )
        else:
            row = self.store.query_one("SELECT seq, hash FROM audit_events WHERE seq = ?", (seq,))
        return None if row is None else ChainPoint(int(row["seq"]), str(row["hash"]))

    def _restored(self) -> Restored | None:
        """The restore this station tells the cloud of, until the cloud anchors the new chain."""
        text = self.store.meta(RESTORED_KEY)
        if text is None:
            return None
        body = json.loads(text)
        event = self._chain_point(int(body["seq"]))
        return None if event is None else Restored(event, int(body["outbox_seq"]))

    def _anchored(self) -> ChainPoint | None:
        """The head the cloud acknowledged last, as this station remembers it."""
        seq, digest = self.store.meta(ANCHOR_SEQ_KEY), self.store.meta(ANCHOR_HASH_KEY)
        return ChainPoint(int(seq), digest) if seq and digest else None

    def _ack(
        self,
        mutations: list[dict[str, Any]],
        results: list[Any],
        report: RunReport,
        head: ChainPoint | None,
    ) -> None:
        with self.store.transaction("sync") as tx:
            if head is not None:
                inbox.set_meta(tx, ANCHOR_SEQ_KEY, str(head.seq))
                inbox.set_meta(tx, ANCHOR_HASH_KEY, head.hash)
                tx.execute("DELETE FROM meta WHERE key = ?", (RESTORED_KEY,))
            for sent, answer in zip(mutations, results, strict=True):
                if answer.get("mutation_id") != sent["mutation_id"]:
                    raise ProtocolViolation("the cloud answered mutations out of order")
                status = Outcome(answer["status"])
                # A resend the hub had answered before (this terminal died before keeping the
                # answer, or a cut lost it) comes back `duplicate`: acted on as first answered.
                first, detail = first_answer(status, answer.get("detail") or {})
                if sent["kind"] == replica.ROWS_CHANGED:
                    self._changeset_answered(tx, sent, first, detail)
                tx.execute(
                    "UPDATE outbox SET acked_at = ?, result = ? WHERE mutation_id = ? AND acked_at IS NULL",
                    (
                        tx.at,
                        json.dumps({"status": first.value, "detail": detail or None}),
                        sent["mutation_id"],
                    ),
                )
                report.sent += 1
                report.outcomes[status.value] = report.outcomes.get(status.value, 0) + 1
                overridden = detail.get("overrides")
                if first is Outcome.APPLIED and overridden:
                    replica.tell(tx, sent["mutation_id"], _overrides_text(sent, overridden))
                if first in (Outcome.CONFLICT, Outcome.REJECTED):
                    tx.audit(f"sync.{first.value}", f"{sent['entity']}:{sent['entity_id']}", detail)
                    continue
                for ref in blob_refs(sent["kind"], sent["payload"]):
                    tx.execute(
                        "INSERT INTO sync_blobs (sha256, source, file_name, queued_at) VALUES (?, ?, ?, ?) "
                        "ON CONFLICT (sha256) DO NOTHING",
                        (ref.sha256, ref.source, ref.file_name, tx.at),
                    )

    @staticmethod
    def _changeset_answered(
        tx: Transaction, sent: dict[str, Any], status: Outcome, detail: dict[str, Any]
    ) -> None:
        """A refused changeset: the hub's rows replace ours, and the person is told."""
        replica.acked(tx, sent["mutation_id"])
        if status is Outcome.APPLIED and ("merged" in detail or detail.get("fields_merged")):
            # A car merged by VIN, or rows kept with another terminal's changes to other
            # columns (no note: nothing of this terminal's was lost).
            replica.merge(
                tx,
                sent["mutation_id"],
                detail.get("merged") or [],
                list(detail.get("current") or []),
                str(detail.get("reason") or ""),
            )
            replica.take_new_names(tx, detail.get("renamed") or [])
            return
        if status not in (Outcome.CONFLICT, Outcome.REJECTED):
            return
        replica.correct(
            tx,
            sent["mutation_id"],
            sent["payload"].get("rows") or [],
            list(detail.get("current") or []),
            str(detail.get("reason") or status.value),
        )

    # -- files -------------------------------------------------------------------

    def _upload(self, report: RunReport) -> None:
        queued = self.store.query(
            "SELECT sha256, source, file_name FROM sync_blobs WHERE uploaded_at IS NULL ORDER BY queued_at, sha256"
        )
        for row in queued:
            ref = BlobRef(row["sha256"], row["source"], row["file_name"])
            try:
                path = self.blobs.locate(ref.sha256, ref.source, ref.file_name)
            except SyncError as err:
                # Set aside and reported; the other files and the changes still flow.
                log.warning("file set aside: %s", err)
                self._blob_note(ref.sha256, error=str(err))
                report.set_aside += 1
                continue
            self._upload_one(ref, path, report)
            self._blob_note(ref.sha256, size=path.stat().st_size, done=True)
            report.blobs_uploaded += 1

    def _blob_note(
        self, sha256: str, size: int | None = None, done: bool = False, error: str | None = None
    ) -> None:
        with self.store.transaction("sync") as tx:
            tx.execute(
                "UPDATE sync_blobs SET size = COALESCE(?, size), last_error = ?, "
                "uploaded_at = CASE WHEN ? THEN ? ELSE uploaded_at END WHERE sha256 = ?",
                (size, error, int(done), tx.at, sha256),
            )

    def _offset(self, sha256: str) -> int:
        response = self._request(
            "HEAD", f"{API}/blobs/{sha256}", headers={"Tus-Resumable": TUS_VERSION}
        )
        if response.status_code != 200:
            raise ProtocolViolation(f"HEAD of blob {sha256[:12]}: {response.status_code}")
        return int(response.headers.get("upload-offset", "0"))

    def _upload_one(self, ref: BlobRef, path: Path, report: RunReport) -> None:
        """Resumable upload: ask the stored offset, send checked chunks from there."""
        sent_until = 0  # high-water mark of bytes this client sent for this file

        def sending(offset: int, length: int) -> None:
            nonlocal sent_until
            self._count(offset, length, sent_until)
            sent_until = max(sent_until, offset + length)

        def patch(offset: int, chunk: bytes, headers: dict[str, str]) -> httpx.Response:
            return self._client().patch(f"{API}/blobs/{ref.sha256}", content=chunk, headers=headers)

        report.bytes_uploaded += send_file(
            path,
            ref.sha256[:12],
            self.chunk_size,
            self.attempts,
            lambda: self._offset(ref.sha256),
            patch,
            sending,
        )

    def _count(self, offset: int, length: int, sent_until: int) -> None:
        with self._state_lock:
            self._bytes_uploaded += length
            if offset < sent_until:
                self._bytes_resent += min(length, sent_until - offset)

    # -- other terminals' photos -----------------------------------------------------

    def fetch_photo_files(self, originals: bool = False) -> int:
        """Bring the thumbnails and print copies of open work's photos other terminals took
        (and the originals when asked); a file the hub has not received yet waits for the
        next time. Returns how many files arrived."""
        rows = self.store.query(
            "SELECT p.sha256, p.thumbnail_sha256, p.print_sha256 FROM photos p "
            "JOIN work_orders w ON w.id = p.work_order_id "
            "WHERE w.status NOT IN ('delivered', 'cancelled')"
        )
        photos = PhotoStore(self.store, photos_folder(self.blobs.data_dir))
        fetched = 0
        for row in rows:
            wanted = [row["thumbnail_sha256"], row["print_sha256"]]
            if originals:
                wanted.append(row["sha256"])
            for sha in wanted:
                if photos.path(sha).exists() or not self.fetch_photo(photos, sha):
                    continue
                fetched += 1
        return fetched

    def fetch_photo(self, photos: PhotoStore, sha256: str) -> bool:
        """One photo file from the hub into this terminal's photo folder (on demand)."""
        response = self._request("GET", f"{API}/blobs/{sha256}")
        if response.status_code != 200:
            return False
        try:
            photos.keep_copy(response.content, sha256)
        except StoreError as err:
            log.warning("photo %s from the hub not kept: %s", sha256[:12], err)
            return False
        return True

    # -- changes -----------------------------------------------------------------

    def _fetch_pin_key(self) -> None:
        """A terminal that joined before PIN keys asks the hub for the workshop's, before any
        user row another terminal rehashed with it arrives."""
        if self.store.meta(TERMINAL_NUMBER_KEY) is None or auth.pin_key(self._path.parent):
            return
        body = {"station_id": self.store.meta("station_id"), "name": ""}
        response = self._request("POST", f"{API}/enrol", json=body)
        if response.status_code != 200:
            raise ProtocolViolation(
                f"the workshop's PIN key was refused: {refusal_reason(response)}"
            )
        _adopt_pin_key(self._path.parent, dict(response.json()))

    def _pull(self, report: RunReport, wait: float = 0.0) -> None:
        self._fetch_pin_key()
        while True:
            params = _since(self.store)
            if wait:
                params["wait"] = wait
            response = self._request("GET", f"{API}/changes", params=params)
            wait = 0.0
            if response.status_code != 200:
                raise ProtocolViolation(f"changes refused: {refusal_reason(response)}")
            body = response.json()
            changes = body.get("changes") or []
            if changes:
                applied = inbox.apply_changes(self.store, changes, int(body["cursor"]))
                report.changes_applied += sum(1 for a in applied if a.outcome == "applied")
            if not body.get("more"):
                return


def _mutations(rows: list[dict[str, Any]], station: str | None) -> list[dict[str, Any]]:
    """Outbox rows as the protocol's mutations."""
    return [
        {
            "mutation_id": r["mutation_id"],
            "seq": r["seq"],
            "kind": r["kind"],
            "entity": r["entity"],
            "entity_id": r["entity_id"],
            "payload": json.loads(r["payload"]),
            "created_at": r["created_at"],
            "user": r["user"],
            "station": station,
        }
        for r in rows
    ]


def _since(store: Store) -> dict[str, Any]:
    """Where this station's feed stands: its cursor, and when the change there was made (the
    hub checks it still holds that change, so a hub put back from an older copy is told)."""
    params: dict[str, Any] = {"since": inbox.cursor(store)}
    seen = store.meta(inbox.CURSOR_AT_KEY)
    if seen:
        params["seen"] = seen
    return params


def fetch_closed(store: Store, reference: str) -> bool:
    """`replica.fetch_on_demand`'s way to the hub: closed work opened by id or number."""
    if store.path is None:
        return False
    try:
        with SyncClient(store, timeout=10, attempts=2) as client:
            return client.fetch_work_order(reference)
    except SyncError as err:
        log.warning("work order %s could not be fetched from the hub: %s", reference, err)
        return False


def _overrides_text(sent: dict[str, Any], overridden: dict[str, Any]) -> str:
    """For the advisor: this decision at the desk replaced an earlier remote one, kept on record."""
    payload = sent["payload"]
    return (
        f"finding {payload.get('finding_id')}: {payload.get('decision')} at the "
        f"{payload.get('channel')} is the customer's latest word; their "
        f"{overridden.get('decision')} through the link at {overridden.get('at')} stays on record"
    )


def tls_verify(verify: bool | str) -> bool | ssl.SSLContext:
    """A CA bundle path becomes a context that trusts it (a self-run cloud's own certificate)."""
    return ssl.create_default_context(cafile=verify) if isinstance(verify, str) else verify


def _chain_refusal(response: httpx.Response) -> tuple[ChainVerdict, int | None] | None:
    """The cloud's verdict on the batch's audit chain, when that is why it refused."""
    if response.status_code != 409:
        return None
    try:
        body = response.json()
        verdict = ChainVerdict(body["chain"])
    except (ValueError, KeyError, TypeError):
        return None
    seq = (body.get("anchor") or {}).get("seq")
    return verdict, seq if isinstance(seq, int) else None


def refusal_reason(response: httpx.Response) -> str:
    """What the cloud or hub said when it refused, for the person's error message."""
    try:
        return str(response.json().get("error") or response.status_code)
    except ValueError:
        return response.text[:200] or str(response.status_code)


def post_enrolment(
    base_url: str,
    token: str,
    station_id: str,
    name: str,
    verify: bool | ssl.SSLContext,
    refused: str,
) -> dict[str, Any]:
    """The enrol call a station, a terminal and a hub make alike: the answer, or why not
    (`refused` begins the message when the token is turned down)."""
    try:
        response = httpx.post(
            base_url.rstrip("/") + f"{API}/enrol",
            json={"station_id": station_id, "name": name},
            headers={"Authorization": f"Bearer {token}"},
            verify=verify,
            timeout=30,
        )
    except httpx.TransportError as err:
        raise Offline(f"cannot reach {base_url}: {err}") from err
    if response.status_code in (401, 403):
        raise AuthRefused(f"{refused}: {refusal_reason(response)}")
    if response.status_code != 200:
        raise ProtocolViolation(f"enrolment failed: {refusal_reason(response)}")
    return dict(response.json())


def enrol(
    store: Store, base_url: str, token: str, ca: str | None = None, name: str = ""
) -> dict[str, Any]:
    """Bind the admin's token to this station; the URL goes to `meta`, the token to its 0600 file."""
    station_id = store.meta("station_id")
    if not station_id:
        raise SyncError("this database has no station id: run `station init` first")
    if store.path is None:
        raise SyncError("enrolment needs a station database file")
    answer = post_enrolment(
        base_url,
        token,
        station_id,
        name or profile.current(store).name,
        tls_verify(ca or True),
        "enrolment refused",
    )
    terminal = answer.get("terminal")
    if terminal is not None and store.query_one("SELECT id FROM users LIMIT 1") is not None:
        raise SyncError(
            "a terminal joins its workshop with a fresh data folder: use `station hub join`"
        )
    if terminal is not None:
        _adopt_pin_key(store.path.parent, answer)
    inbox.save_sync_token(store.path.parent, token)
    with store.transaction("sync") as tx:
        inbox.set_meta(tx, inbox.URL_KEY, base_url.rstrip("/"))
        if ca:
            inbox.set_meta(tx, inbox.CA_KEY, ca)
        if terminal is not None:
            inbox.set_meta(tx, "workshop_name", str(answer["workshop"]))
            inbox.set_meta(tx, TERMINAL_NUMBER_KEY, str(int(terminal["number"])))
            inbox.set_meta(tx, TERMINAL_CODE_KEY, str(terminal["code"]))
            inbox.set_meta(tx, TERMINAL_NAME_KEY, str(terminal["name"]))
        tx.audit(
            "sync.enrolled",
            "station",
            {"url": base_url, "workshop": answer.get("workshop"), "terminal": terminal},
        )
    replica.attach(store)
    return answer


def _adopt_pin_key(data_dir: Path, answer: dict[str, Any]) -> None:
    """The workshop's PIN key from the hub's enrolment answer, kept 0600 beside the other keys."""
    try:
        key = bytes.fromhex(str(answer["pin_key"]))
    except (KeyError, ValueError) as err:
        raise ProtocolViolation("the hub sent no workshop PIN key") from err
    auth.adopt_pin_key(data_dir, key)


def join_workshop(
    db_path: Path, base_url: str, token: str, ca: str | None = None
) -> tuple[Store, dict[str, Any]]:
    """Make a new terminal: a fresh replica enrolled with the hub, the workshop pulled in."""
    if db_path.exists():
        raise SyncError(f"{db_path} exists: a terminal joins with a fresh data folder")
    if load_audit_key(db_path.parent) is None:  # keyed from the terminal's first event
        create_audit_key(db_path.parent, keyed_from=1)
    store = Store.open(db_path)
    answer: dict[str, Any] = {}
    try:
        with store.transaction("sync") as tx:
            inbox.set_meta(tx, "station_id", str(uuid.uuid4()))
            inbox.set_meta(tx, "workshop_name", "")
            tx.audit("station.initialised", "station", {"as": "terminal"})
        answer = enrol(store, base_url, token, ca)
        if "terminal" not in answer:
            raise SyncError(
                "this token is not a terminal's: add one with `station hub terminal add`"
            )
        with SyncClient(store, data_dir=db_path.parent) as client:
            answer["pulled"] = client.run_once().changes_applied
    except BaseException:
        store.close()
        if not answer:  # the hub never took this folder's station: trying again starts afresh
            for suffix in ("", "-wal", "-shm"):
                db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        raise
    return store, answer
