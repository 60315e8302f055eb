"""The hub's link to the brand's cloud: the workshop goes up once, the cloud's changes come down.

The hub is the cloud's client and speaks the protocol a terminal speaks to the
hub. Every change the hub takes from a terminal, and every row it makes
itself, is queued for the cloud in the transaction that takes it
(`hub.relay`); each queued entry keeps its mutation id, so a hub killed
mid-send resends it and the cloud answers `duplicate`. The photos and reports
those changes name follow once the cloud has the change. The cloud's feed is
long-polled: appointments, remote approvals (with the signature the customer
drew) and cancellations are stored at the hub, the cloud's word winning, and
fanned out to every terminal; the cloud's echo of the hub's own rows is
skipped. A change the cloud refuses comes back with the cloud's rows, which
the hub takes in place of its own.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from pathlib import Path
from typing import Any

import httpx

from station import replica
from station.files import replace
from sync import hub
from sync.blobstore import BlobStore
from sync.client import post_enrolment, refusal_reason, tls_verify
from sync.cloud import CloudService, _stamp
from sync.cloud_db import CloudTx
from sync.errors import AuthRefused, Offline, ProtocolViolation, SyncError
from sync.protocol import API, MAX_BATCH, TUS_VERSION, Outcome, blob_refs, first_answer
from sync.uploads import send_file

log = logging.getLogger(__name__)

TOKEN_FILE = "upstream-token"
BATCH = min(100, MAX_BATCH)
CHUNK = 1024 * 1024  # a file goes up in chunks of this many bytes, read from disk one by one
ATTEMPTS = 4  # per chunk in one round; a file not whole by then resumes next round


def save_token(folder: Path, token: str) -> None:
    """The cloud's token for this hub, readable by the hub's user only."""
    replace(folder / TOKEN_FILE, token.encode("utf-8"), 0o600)


def load_token(folder: Path) -> str | None:
    path = folder / TOKEN_FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else None


def link(
    service: CloudService, workshop: str, url: str, token: str, ca: str | None = None
) -> dict[str, Any]:
    """Enrol this hub with the brand's cloud as the workshop's relay, and queue everything
    the hub holds for it. The token is one the cloud made for the workshop's hub
    (`station cloud token issue --workshop W --hub`)."""
    url = url.rstrip("/")
    with service.db.transaction() as tx:
        if hub.upstream(tx, workshop) is not None:
            raise SyncError(f"{workshop} is already relayed to the cloud")
    station_id = f"hub-{uuid.uuid4()}"
    answer = post_enrolment(
        url,
        token,
        station_id,
        f"{workshop} hub",
        tls_verify(ca or True),
        "the cloud refused this hub",
    )
    if answer.get("workshop") != workshop:
        raise SyncError(f"that token is for {answer.get('workshop')!r}, this hub is {workshop!r}")
    if "terminal" not in answer:
        raise SyncError(
            "that token is a lone station's: the cloud issues a hub's with "
            "`station cloud token issue --workshop W --hub`"
        )
    with service.db.transaction() as tx:
        queued = hub.link_upstream(tx, workshop, url, ca, station_id, _stamp(service.clock()))
    return {"workshop": workshop, "url": url, "station_id": station_id, "queued": queued}


class Upstream:
    """The relay loop of one workshop's hub: push what is queued, listen on the cloud's feed."""

    def __init__(
        self,
        service: CloudService,
        blobs: BlobStore,
        workshop: str,
        token: str,
        timeout: float = 30.0,
        chunk_size: int = CHUNK,
    ) -> None:
        with service.db.transaction() as tx:
            row = hub.upstream(tx, workshop)
        if row is None:
            raise SyncError(f"{workshop} is not relayed to a cloud: run `station hub upstream`")
        self.service = service
        self.blobs = blobs
        self.workshop = workshop
        self.station_id = str(row["station_id"])
        self.url = str(row["url"])
        self.timeout = timeout
        self.chunk_size = chunk_size
        headers = {"Authorization": f"Bearer {token}"}
        verify = tls_verify(row["ca"] or True)
        self._http = httpx.Client(
            base_url=self.url, headers=headers, timeout=timeout, verify=verify
        )
        self._feed = httpx.Client(
            base_url=self.url, headers=headers, timeout=timeout + 30, verify=verify
        )

    def close(self) -> None:
        self._http.close()
        self._feed.close()

    # -- up ------------------------------------------------------------------------

    def push_once(self) -> int:
        """Send what is queued, in order, batch by batch; returns how many were answered."""
        answered = 0
        while queued := self.queued():
            results = self.send(queued)
            self._answered(queued, results)
            answered += len(results)
        return answered

    def queued(self) -> list[dict[str, Any]]:
        """The next batch for the cloud, oldest first, as the protocol's mutations."""
        with self.service.db.transaction(reading=True) as tx:
            rows = tx.all(
                "SELECT seq, mutation_id, kind, entity, entity_id, payload, user_name "
                "FROM upstream_outbox WHERE workshop = ? AND sent_at IS NULL "
                "ORDER BY seq LIMIT ?",
                (self.workshop, BATCH),
            )
        return [
            {
                "mutation_id": q["mutation_id"],
                "seq": int(q["seq"]),
                "kind": q["kind"],
                "entity": q["entity"],
                "entity_id": q["entity_id"],
                "payload": json.loads(q["payload"]),
                "user": q["user_name"],
                "station": self.station_id,
            }
            for q in rows
        ]

    def send(self, mutations: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One batch to the cloud; its answers, one per mutation (nothing is kept here)."""
        response = self._post(
            f"{API}/mutations", {"station": self.station_id, "mutations": mutations}
        )
        results = response.json().get("results")
        if not isinstance(results, list) or len(results) != len(mutations):
            raise ProtocolViolation("the cloud answered a different number of changes")
        return results

    def _answered(self, sent: list[dict[str, Any]], results: list[dict[str, Any]]) -> None:
        """One transaction: each entry marked sent, its files queued, a refusal corrected."""
        with self.service.db.transaction() as tx:
            at = _stamp(self.service.clock())
            for mutation, result in zip(sent, results, strict=True):
                if result.get("mutation_id") != mutation["mutation_id"]:
                    raise ProtocolViolation("the cloud answered changes out of order")
                # A resend after a kill or a cut is answered `duplicate`: acted on as first answered.
                outcome, detail = first_answer(
                    Outcome(result["status"]), result.get("detail") or {}
                )
                tx.run(
                    "UPDATE upstream_outbox SET sent_at = ?, outcome = ? "
                    "WHERE workshop = ? AND seq = ?",
                    (at, outcome.value, self.workshop, mutation["seq"]),
                )
                if outcome in (Outcome.CONFLICT, Outcome.REJECTED):
                    self._refused(tx, mutation, outcome, detail, at)
                    continue
                for ref in blob_refs(mutation["kind"], mutation["payload"]):
                    tx.run(
                        "INSERT INTO upstream_files (workshop, sha256, queued_at) "
                        "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        (self.workshop, ref.sha256, at),
                    )

    def _refused(
        self,
        tx: CloudTx,
        mutation: dict[str, Any],
        outcome: Outcome,
        detail: dict[str, Any],
        at: str,
    ) -> None:
        """The cloud refused a change the hub had taken. With the cloud's rows, its word wins:
        they replace the hub's, the rest of a terminal's change goes, and every terminal does
        the same. The terminal whose change it was is told what won; without the cloud's rows
        the hub keeps its own. Either way the refusal is kept for the workshop's admin."""
        cloud_reason = str(detail.get("reason") or outcome.value)
        log.warning(
            "the cloud refused %s %s: %s", mutation["kind"], mutation["entity_id"], cloud_reason
        )
        workshop = self.workshop
        current = detail.get("current")
        theirs = [
            c
            for c in (current if isinstance(current, list) else [])
            if isinstance(c, dict) and {"table", "key", "row"} <= c.keys()
        ]
        rows_change = mutation["kind"] == replica.ROWS_CHANGED
        came_from = hub.origin(tx, workshop, int(mutation["seq"]))
        corrected = rows_change and bool(theirs)
        if corrected:
            self.service.adopt_rows(tx, workshop, theirs)
        if rows_change and came_from is not None:
            mine = list(mutation["payload"].get("rows") or [])
            notice: dict[str, Any] = {
                "by": came_from["station_id"],
                "mutation_id": came_from["mutation_id"],
                "outcome": outcome.value,
            }
            if corrected:
                kept = {(str(c["table"]), str(c["key"])) for c in theirs}
                notice.update(
                    reason=f"the brand's cloud refused it: {cloud_reason}",
                    mine=mine,
                    theirs=theirs,
                    withdrawn=hub.withdraw(tx, workshop, mine, kept),
                )
            else:
                notice["reason"] = (
                    f"the brand's cloud did not take a change of yours ({cloud_reason}); "
                    "the workshop keeps it, and the admin sees it in `station hub refusals`"
                )
            self.service._add_change(tx, workshop, replica.UPSTREAM_REFUSED, notice, relay=False)
        hub.keep_refusal(tx, workshop, int(mutation["seq"]), cloud_reason, corrected, at)

    def upload_files(self) -> int:
        """The photos and reports the cloud has the records of; a file the hub has not
        received from its terminal yet waits for the next round. Returns how many went up."""
        with self.service.db.transaction(reading=True) as tx:
            waiting = [
                r["sha256"]
                for r in tx.all(
                    "SELECT sha256 FROM upstream_files WHERE workshop = ? AND uploaded_at IS NULL "
                    "ORDER BY queued_at, sha256",
                    (self.workshop,),
                )
            ]
        sent = 0
        for sha in waiting:
            path = self.blobs.path(sha)
            if not path.exists():
                continue
            self._send_file(sha, path)
            with self.service.db.transaction() as tx:
                tx.run(
                    "UPDATE upstream_files SET uploaded_at = ? WHERE workshop = ? AND sha256 = ?",
                    (_stamp(self.service.clock()), self.workshop, sha),
                )
            sent += 1
        return sent

    def _send_file(self, sha: str, path: Path) -> None:
        """One file, chunk by chunk from disk, from where the cloud has it: a cut or a killed
        hub resumes there, not from the first byte."""

        def patch(at: int, chunk: bytes, headers: dict[str, str]) -> httpx.Response:
            return self._http.patch(f"{API}/blobs/{sha}", content=chunk, headers=headers)

        send_file(path, sha[:12], self.chunk_size, ATTEMPTS, lambda: self._offset(sha), patch)

    def _offset(self, sha: str) -> int:
        """How much of a file the cloud has (all of it once complete)."""
        head = self._request("HEAD", f"{API}/blobs/{sha}", headers={"Tus-Resumable": TUS_VERSION})
        if head.status_code != 200:
            raise ProtocolViolation(f"HEAD of file {sha[:12]}: {head.status_code}")
        return int(head.headers.get("upload-offset", "0"))

    # -- down ----------------------------------------------------------------------

    def pull_once(self, wait: float = 0.0, stop: threading.Event | None = None) -> int:
        """One look at the cloud's feed (held open up to `wait` s); returns rows adopted.
        An answer that arrives after `stop` is left for the next run."""
        with self.service.db.transaction(reading=True) as tx:
            row = hub.upstream(tx, self.workshop)
        assert row is not None
        try:
            response = self._feed.get(
                f"{API}/changes", params={"since": int(row["cursor"]), "wait": wait}
            )
        except httpx.TransportError as err:
            raise Offline(f"the cloud's feed did not answer: {err}") from err
        self._check(response)
        if response.status_code != 200:
            raise ProtocolViolation(f"the cloud's feed refused: {refusal_reason(response)}")
        body = response.json()
        adopted = 0
        if stop is not None and stop.is_set():
            return adopted
        with self.service.db.transaction() as tx:
            for change in body.get("changes") or []:
                payload = change.get("payload") or {}
                if change.get("kind") != replica.ROWS_CHANGED:
                    log.info("cloud change %s (%s) is not the workshop's rows: skipped",
                             change.get("seq"), change.get("kind"))  # fmt: skip
                    continue
                if payload.get("by") == self.station_id:
                    continue  # the hub's own rows, back from the cloud
                adopted += self.service.adopt_rows(tx, self.workshop, payload.get("rows") or [])
            tx.run(
                "UPDATE upstream SET cursor = ? WHERE workshop = ? AND cursor < ?",
                (int(body["cursor"]), self.workshop, int(body["cursor"])),
            )
        return adopted

    # -- the loops -----------------------------------------------------------------

    def run(
        self,
        stop: threading.Event,
        wake: threading.Event | None = None,
        every: float = 0.5,
        wait: float = 20.0,
    ) -> None:
        """Relay until `stop`: this thread pushes (on `wake`, else every `every` s), a second
        one listens on the cloud's feed. A cut network is waited out; nothing is lost."""
        listener = threading.Thread(
            target=self._listen, args=(stop, wait), name="upstream-feed", daemon=True
        )
        listener.start()
        wake = wake or threading.Event()
        pause = every
        while not stop.is_set():
            try:
                self.push_once()
                self.upload_files()
                pause = every
            except AuthRefused as err:
                log.error("the cloud refused this hub, relaying stopped: %s", err)
                stop.set()
            except SyncError as err:
                log.info("the cloud is unreachable (%s); retrying", err)
                pause = min(pause * 2, 30.0)
            wake.wait(pause)
            wake.clear()
        self._http.close()
        # A long-poll in flight is not waited for: its answer is dropped (see `pull_once`).
        listener.join(timeout=1.0)

    def _listen(self, stop: threading.Event, wait: float) -> None:
        try:
            self._listen_until(stop, wait)
        finally:
            self._feed.close()

    def _listen_until(self, stop: threading.Event, wait: float) -> None:
        pause = 0.5
        while not stop.is_set():
            try:
                self.pull_once(wait, stop)
                pause = 0.5
            except AuthRefused as err:
                log.error("the cloud refused this hub's feed: %s", err)
                stop.set()
            except SyncError as err:
                if stop.is_set():
                    return
                log.info("the cloud's feed is unreachable (%s); retrying", err)
                stop.wait(pause)
                pause = min(pause * 2, 30.0)

    # -- plumbing ------------------------------------------------------------------

    def _post(self, url: str, body: dict[str, Any]) -> httpx.Response:
        response = self._request("POST", url, json=body)
        if response.status_code != 200:
            raise ProtocolViolation(f"the cloud refused the batch: {refusal_reason(response)}")
        return response

    def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = self._http.request(method, url, **kwargs)
        except httpx.TransportError as err:
            raise Offline(f"the cloud did not answer {method} {url}: {err}") from err
        self._check(response)
        return response

    @staticmethod
    def _check(response: httpx.Response) -> None:
        if response.status_code in (401, 403):
            raise AuthRefused(refusal_reason(response))
        if response.status_code >= 500:
            raise Offline(f"the cloud answered {response.status_code}")


def start(
    service: CloudService, blobs: BlobStore, workshop: str, token: str, wait: float = 20.0
) -> tuple[threading.Event, threading.Thread]:
    """Run the relay in a background thread; set the event to stop it."""
    relay = Upstream(service, blobs, workshop, token)
    stop = threading.Event()

    def run() -> None:
        relay.run(stop, wait=wait)

    thread = threading.Thread(target=run, name="upstream", daemon=True)
    thread.start()
    return stop, thread
