"""Rate limits of the customer's page, kept in the cloud's (or the hub's) database.

Every worker and process serving the page shares one budget per link and one
per address: a token bucket per key, refilled at `per_minute` up to `burst`,
taken in one statement (an upsert that returns whether a token was left), so
two instances behind a load balancer count the same requests. The address is
checked first; a request refused for its address takes nothing from the link.
The counters are not records: they are committed without waiting for the disk
(a crash may forget a few), and buckets that have filled up again are dropped
once a minute.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sync.cloud_db import CloudDatabase, CloudTx

log = logging.getLogger(__name__)

# How often (seconds) a process drops the buckets that have filled up again.
SWEEP_EVERY = 60.0


@dataclass(frozen=True)
class Bucket:
    """One kind of budget: `burst` requests at once, refilled at `per_minute`."""

    kind: str
    per_minute: float
    burst: int

    def key(self, who: str) -> str:
        return f"{self.kind}:{who}"

    def full_after(self) -> float:
        """Seconds an empty bucket takes to fill up again."""
        return self.burst * 60.0 / self.per_minute if self.per_minute > 0 else float("inf")


def take_sql(bucket: Bucket) -> str:
    """The upsert that takes one token from a bucket (or says there was none).

    Its arguments are the key, the tokens a new bucket starts with and the time
    now (seconds). A clock that went back between two processes refills nothing.
    """
    rate = repr(float(bucket.per_minute) / 60.0)
    burst = repr(float(bucket.burst))
    old = "customer_rate_limits"
    elapsed = f"(CASE WHEN excluded.at > {old}.at THEN excluded.at - {old}.at ELSE 0 END)"
    refilled = f"{old}.tokens + {elapsed} * {rate}"
    filled = f"(CASE WHEN {refilled} > {burst} THEN {burst} ELSE {refilled} END)"
    return (
        f"INSERT INTO {old} (bucket, tokens, at, allowed) VALUES (?, ?, ?, 1) "
        f"ON CONFLICT (bucket) DO UPDATE SET "
        f"allowed = CASE WHEN {filled} >= 1 THEN 1 ELSE 0 END, "
        f"tokens = CASE WHEN {filled} >= 1 THEN {filled} - 1 ELSE {filled} END, "
        f"at = CASE WHEN excluded.at > {old}.at THEN excluded.at ELSE {old}.at END "
        f"RETURNING allowed"
    )


@dataclass
class SharedLimiter:
    """The page's two budgets on one database; `allow` is one short transaction."""

    db: CloudDatabase
    address: Bucket
    link: Bucket
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _swept_at: float = field(default=0.0, repr=False)

    def allow(self, link: str, address: str, now: float) -> bool:
        # One writer per process at a time: the threads of one process queue here
        # instead of spinning on the database's write lock.
        with self._lock, self.db.transaction(durable=False) as tx:
            allowed = self._take(tx, self.address, address, now) and self._take(
                tx, self.link, link, now
            )
            if now - self._swept_at >= SWEEP_EVERY:
                self._swept_at = now
                oldest = now - max(self.address.full_after(), self.link.full_after())
                tx.run("DELETE FROM customer_rate_limits WHERE at < ?", (oldest,))
        return allowed

    @staticmethod
    def _take(tx: CloudTx, bucket: Bucket, who: str, now: float) -> bool:
        row = tx.one(take_sql(bucket), (bucket.key(who), float(bucket.burst) - 1.0, now))
        return row is not None and bool(row["allowed"])
