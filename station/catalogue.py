"""The workshop's price list, its labour rate and its canned jobs.

A price item is a part at a price or a labour operation in standard hours; labour is
charged at the workshop's one labour rate. A canned job ("10,000 km service") is a
named set of price items with quantities. The findings form picks its lines from
here instead of having them typed; a changed price is a new row (the old one is
retired), so what was quoted stays readable.

The labour rate is a workshop record, not a terminal setting: each change is a new
immutable, sealed row of `labour_rates` (version, the row it was made on, who and
when), shared through the hub like the profile's versions, so every bay prices at
the rate the desk set; the latest version is the rate.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlite_utils

from station import limits
from station.errors import InvalidInput, NotFound
from station.findings import EstimateLine, LineKind, labour, part
from station.fixtures import load_json
from station.identity import TERMINAL_NUMBER_KEY
from station.roles import require
from station.store import Store, Transaction

if TYPE_CHECKING:
    from station.workshop import Actor

log = logging.getLogger(__name__)

MAX_PRICE_CENTS = 100_000_000
MAX_HOURS = 100.0
# Where a station kept its own labour rate before the 0125 step made it a workshop record
# (a workshop terminal's old setting stays there as its fallback: `labour_rate_cents`).
LABOUR_RATE_KEY = "catalogue.labour_rate_cents"
STARTER = "catalogue/starter.json"


@dataclass(frozen=True)
class PriceItem:
    id: int
    code: str
    name_en: str
    name_zh: str
    kind: LineKind
    price_cents: int  # a part's unit price; 0 for labour (charged at the labour rate)
    hours: float  # a labour operation's standard hours; 0 for parts

    def name(self, language: str) -> str:
        return (self.name_zh if language == "zh" else self.name_en) or self.name_en or self.name_zh


@dataclass(frozen=True)
class CannedJob:
    id: int
    name_en: str
    name_zh: str
    lines: tuple[tuple[PriceItem, float], ...]

    def name(self, language: str) -> str:
        return (self.name_zh if language == "zh" else self.name_en) or self.name_en or self.name_zh


def migrate(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE price_items (id INTEGER PRIMARY KEY, code TEXT NOT NULL, "
        "name_en TEXT NOT NULL, name_zh TEXT NOT NULL, "
        "kind TEXT NOT NULL CHECK (kind IN ('part','labour')), "
        "price_cents INTEGER NOT NULL CHECK (price_cents >= 0), "
        "hours REAL NOT NULL CHECK (hours >= 0), active INTEGER NOT NULL DEFAULT 1, "
        "created_at TEXT NOT NULL, created_by TEXT NOT NULL)"
    )
    db.execute("CREATE UNIQUE INDEX price_items_active_code ON price_items (code) WHERE active = 1")
    db.execute(
        "CREATE TABLE canned_jobs (id INTEGER PRIMARY KEY, name_en TEXT NOT NULL, "
        "name_zh TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1, "
        "created_at TEXT NOT NULL, created_by TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE canned_job_lines (job_id INTEGER NOT NULL REFERENCES canned_jobs(id), "
        "item_id INTEGER NOT NULL REFERENCES price_items(id), quantity REAL NOT NULL "
        "CHECK (quantity > 0), PRIMARY KEY (job_id, item_id))"
    )


def migrate_labour_rates(db: sqlite_utils.Database) -> None:
    """The workshop's labour rate versions (the schema step makes them immutable and shared)."""
    db.execute(
        "CREATE TABLE labour_rates (id INTEGER PRIMARY KEY, "
        "version INTEGER NOT NULL CHECK (version >= 1), based_on INTEGER, "
        "cents INTEGER NOT NULL CHECK (cents > 0), changed_at TEXT NOT NULL, changed_by TEXT)"
    )
    db.execute("CREATE INDEX labour_rates_latest ON labour_rates(version, changed_at, id)")


def carry_labour_rate(db: sqlite_utils.Database) -> None:
    """A lone station's rate, kept in its settings until now, becomes the first version,
    with who set it and when (from its audit event).

    A workshop terminal keeps its old setting as a fallback instead (see
    `labour_rate_cents`): which terminal's rate is the workshop's is for a person to
    say, and a row carried here could only reach the hub in nobody's name."""
    if db.execute("SELECT 1 FROM meta WHERE key = ?", (TERMINAL_NUMBER_KEY,)).fetchone():
        return
    kept = db.execute("SELECT value FROM meta WHERE key = ?", (LABOUR_RATE_KEY,)).fetchone()
    if kept is None:
        return
    db.execute("DELETE FROM meta WHERE key = ?", (LABOUR_RATE_KEY,))
    cents = _plausible(kept[0])
    if cents is None:
        log.warning("the labour rate kept in settings (%r) is not plausible: not carried", kept[0])
        return
    event = db.execute(
        "SELECT at, actor FROM audit_events WHERE kind = 'catalogue.labour_rate' "
        "ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    at, actor = event if event is not None else ("", None)
    db.execute(
        "INSERT INTO labour_rates (version, based_on, cents, changed_at, changed_by) "
        "VALUES (1, NULL, ?, ?, ?)",
        (cents, at, actor),
    )


def _plausible(value: object) -> int | None:
    """A rate kept as text in the settings, if it is one."""
    cents = int(str(value)) if str(value).isdigit() else 0
    return cents if 0 < cents <= MAX_PRICE_CENTS else None


# -- pure rules ------------------------------------------------------------------


def decide_item(
    code: str, name_en: str, name_zh: str, kind: LineKind, price_cents: int, hours: float
) -> dict[str, object]:
    """The row for a new price item, or the reason it is refused."""
    code = code.strip().upper()
    if not code:
        raise InvalidInput("a price item needs a code", key="item.needs_code")
    if not (name_en.strip() or name_zh.strip()):
        raise InvalidInput("a price item needs a name", key="item.needs_name")
    limits.check(limits.PART_NUMBER, code)
    limits.check(limits.DESCRIPTION, name_en.strip())
    limits.check(limits.DESCRIPTION, name_zh.strip())
    if kind is LineKind.PART and not 0 <= price_cents <= MAX_PRICE_CENTS:
        raise InvalidInput(f"price {price_cents} cents is not plausible", key="item.price")
    if kind is LineKind.LABOUR and not 0 < hours <= MAX_HOURS:
        raise InvalidInput(f"{hours} hours is not plausible for one operation", key="item.hours")
    return {
        "code": code,
        "name_en": name_en.strip(),
        "name_zh": name_zh.strip(),
        "kind": kind.value,
        "price_cents": price_cents if kind is LineKind.PART else 0,
        "hours": hours if kind is LineKind.LABOUR else 0.0,
    }


@dataclass(frozen=True)
class LabourRate:
    """One version of the workshop's labour rate."""

    id: int
    version: int
    cents: int
    changed_at: str
    changed_by: str | None


def decide_labour_rate(current: LabourRate | None, cents: int) -> dict[str, object] | None:
    """The next version's row (None: the rate is that already), or the reason it is refused."""
    if not 0 < cents <= MAX_PRICE_CENTS:
        raise InvalidInput(
            f"labour rate {cents} cents an hour is not plausible", key="catalogue.labour_rate"
        )
    if current is not None and current.cents == cents:
        return None
    return {
        "version": 1 if current is None else current.version + 1,
        "based_on": None if current is None else current.id,
        "cents": cents,
    }


def line_for(
    item: PriceItem, quantity: float, labour_rate_cents: int, language: str
) -> EstimateLine:
    """The estimate line a price item makes: a part at its price, labour at the rate."""
    if item.kind is LineKind.LABOUR:
        return labour(item.name(language), round(item.hours * quantity, 2), labour_rate_cents)
    return part(item.name(language), quantity, item.price_cents, item.code)


def job_lines(job: CannedJob, labour_rate_cents: int, language: str) -> list[EstimateLine]:
    return [line_for(item, quantity, labour_rate_cents, language) for item, quantity in job.lines]


# -- reading -------------------------------------------------------------------------


def _item(row: dict[str, object]) -> PriceItem:
    return PriceItem(
        int(row["id"]),  # type: ignore[call-overload]
        str(row["code"]),
        str(row["name_en"]),
        str(row["name_zh"]),
        LineKind(str(row["kind"])),
        int(row["price_cents"]),  # type: ignore[call-overload]
        float(row["hours"]),  # type: ignore[arg-type]
    )


def price_items(store: Store) -> list[PriceItem]:
    rows = store.query("SELECT * FROM price_items WHERE active = 1 ORDER BY kind DESC, code")
    return [_item(row) for row in rows]


# Two versions made on the same one (two terminals offline) are ordered by time, then id,
# so every terminal holding the same rows reads the same rate.
_LATEST_RATE = (
    "SELECT id, version, cents, changed_at, changed_by FROM labour_rates "
    "ORDER BY version DESC, changed_at DESC, id DESC LIMIT 1"
)


def _rate(row: Sequence[Any] | None) -> LabourRate | None:
    if row is None:
        return None
    rate_id, version, cents, at, by = row
    return LabourRate(int(rate_id), int(version), int(cents), str(at), by)


def labour_rate(store: Store) -> LabourRate | None:
    """The workshop's labour rate now: its latest version (None: never set)."""
    row = store.query_one(_LATEST_RATE)
    return None if row is None else _rate(tuple(row.values()))


def labour_rate_cents(store: Store) -> int:
    """The rate an hour of labour is priced at; 0 when the workshop has not set one.

    A terminal upgraded from per-terminal rates prices at its old one until the
    workshop's rate is set at any terminal."""
    rate = labour_rate(store)
    if rate is not None:
        return rate.cents
    return _plausible(store.meta(LABOUR_RATE_KEY)) or 0


def canned_jobs(store: Store) -> list[CannedJob]:
    jobs = []
    for job in store.query("SELECT * FROM canned_jobs WHERE active = 1 ORDER BY id"):
        # A line names its item by code: a price changed since the job was made is the
        # price now (the item's active row), not the one the job was made with.
        lines = tuple(
            (_item(row), float(row["quantity"]))
            for row in store.query(
                "SELECT COALESCE(now.id, p.id) AS id, p.code, "
                "COALESCE(now.name_en, p.name_en) AS name_en, "
                "COALESCE(now.name_zh, p.name_zh) AS name_zh, p.kind, "
                "COALESCE(now.price_cents, p.price_cents) AS price_cents, "
                "COALESCE(now.hours, p.hours) AS hours, l.quantity "
                "FROM canned_job_lines l JOIN price_items p ON p.id = l.item_id "
                "LEFT JOIN price_items now ON now.code = p.code AND now.active = 1 "
                "WHERE l.job_id = ? ORDER BY p.kind DESC, p.code",
                (job["id"],),
            )
        )
        jobs.append(CannedJob(int(job["id"]), job["name_en"], job["name_zh"], lines))
    return jobs


# -- commands ---------------------------------------------------------------------------


def set_labour_rate(store: Store, actor: Actor, cents: int) -> int:
    """A new version of the workshop's rate, audited with the rate it replaces; every
    terminal prices at it once the hub has it. Nothing is written when it is unchanged."""
    require(actor.role, "catalogue.manage")
    with store.transaction(actor.name) as tx:
        current = _rate(tx.execute(_LATEST_RATE).fetchone())
        row = decide_labour_rate(current, cents)
        if row is None:
            return cents
        rate_id = tx.insert("labour_rates", {**row, "changed_at": tx.at, "changed_by": tx.actor})
        tx.record(
            "catalogue.labour_rate",
            "catalogue",
            "labour_rate",
            {
                "cents": cents,
                "was": None if current is None else current.cents,
                "version": row["version"],
                "id": rate_id,
            },
        )
    log.info("labour rate set to %d cents an hour (version %s)", cents, row["version"])
    return cents


def add_price_item(
    store: Store,
    actor: Actor,
    code: str,
    name_en: str,
    name_zh: str,
    kind: LineKind,
    price_cents: int = 0,
    hours: float = 0.0,
) -> int:
    """A new item; an active item with the same code is retired (its quotes keep their text)."""
    require(actor.role, "catalogue.manage")
    row = decide_item(code, name_en, name_zh, kind, price_cents, hours)
    with store.transaction(actor.name) as tx:
        tx.execute(
            "UPDATE price_items SET active = 0 WHERE code = ? AND active = 1", (row["code"],)
        )
        item_id = tx.insert("price_items", {**row, "created_at": tx.at, "created_by": tx.actor})
        tx.record("catalogue.item_added", "price_item", item_id, row)
    return item_id


def decide_job(
    name_en: str, name_zh: str, lines: Sequence[tuple[str, float]]
) -> tuple[str, str, list[tuple[str, float]]]:
    """A canned job's names and lines (codes and quantities) as kept, or the reason not."""
    name_en, name_zh = name_en.strip(), name_zh.strip()
    if not (name_en or name_zh):
        raise InvalidInput("a canned job needs a name", key="job.needs_name")
    limits.check(limits.DESCRIPTION, name_en)
    limits.check(limits.DESCRIPTION, name_zh)
    if not lines:
        raise InvalidInput("a canned job needs at least one line", key="job.needs_line")
    kept: dict[str, float] = {}
    for code, quantity in lines:
        code = code.strip().upper()
        if not 0 < quantity <= MAX_HOURS:
            raise InvalidInput(
                f"{code}: quantity {quantity:g} is not plausible",
                key="job.quantity",
                code=code,
                quantity=f"{quantity:g}",
            )
        kept[code] = kept.get(code, 0.0) + float(quantity)  # one line per item
    return name_en, name_zh, list(kept.items())


def _write_job(
    tx: Transaction,
    name_en: str,
    name_zh: str,
    lines: Sequence[tuple[str, float]],
    replaces: int | None,
) -> int:
    resolved = []
    for code, quantity in lines:
        found = tx.execute(
            "SELECT id FROM price_items WHERE code = ? AND active = 1", (code,)
        ).fetchone()
        if found is None:
            raise NotFound(f"no price item with code {code!r}", key="job.unknown_item", code=code)
        resolved.append((int(found[0]), quantity))
    job_id = int(
        tx.insert(
            "canned_jobs",
            {"name_en": name_en, "name_zh": name_zh, "created_at": tx.at, "created_by": tx.actor},
        )
    )
    for item_id, quantity in resolved:
        tx.insert("canned_job_lines", {"job_id": job_id, "item_id": item_id, "quantity": quantity})
    facts: dict[str, object] = {
        "name_en": name_en,
        "name_zh": name_zh,
        "lines": [list(pair) for pair in resolved],
    }
    if replaces is None:
        tx.record("catalogue.job_added", "canned_job", job_id, facts)
    else:
        tx.record("catalogue.job_changed", "canned_job", job_id, {**facts, "replaces": replaces})
    return job_id


def _retire_job(tx: Transaction, job_id: int) -> None:
    retired = tx.execute(
        "UPDATE canned_jobs SET active = 0 WHERE id = ? AND active = 1", (job_id,)
    ).rowcount
    if retired != 1:
        raise NotFound(f"no canned job {job_id}", key="job.not_found")


def add_canned_job(
    store: Store,
    actor: Actor,
    name_en: str,
    name_zh: str,
    lines: Sequence[tuple[str, float]],
) -> int:
    """A named job made of price items (by code) and their quantities."""
    require(actor.role, "catalogue.manage")
    name_en, name_zh, kept = decide_job(name_en, name_zh, lines)
    with store.transaction(actor.name) as tx:
        return _write_job(tx, name_en, name_zh, kept, None)


def change_canned_job(
    store: Store,
    actor: Actor,
    job_id: int,
    name_en: str,
    name_zh: str,
    lines: Sequence[tuple[str, float]],
) -> int:
    """The job with its lines added, changed or removed: a new job in the old one's place,
    which is retired, so a job changed while a form shows it never changes under it."""
    require(actor.role, "catalogue.manage")
    name_en, name_zh, kept = decide_job(name_en, name_zh, lines)
    with store.transaction(actor.name) as tx:
        _retire_job(tx, job_id)
        return _write_job(tx, name_en, name_zh, kept, job_id)


def retire_canned_job(store: Store, actor: Actor, job_id: int) -> int:
    """The job leaves the list; work orders that booked it keep what they booked."""
    require(actor.role, "catalogue.manage")
    with store.transaction(actor.name) as tx:
        _retire_job(tx, job_id)
        tx.record("catalogue.job_retired", "canned_job", job_id, {"id": job_id})
    return job_id


def load_starter(store: Store, actor: Actor, data: dict[str, Any] | None = None) -> int:
    """A new workshop's price list (by default fixtures/catalogue/starter.json): its
    labour rate, items and canned jobs; returns how many items were added."""
    data = load_json(STARTER) if data is None else data
    set_labour_rate(store, actor, int(data["labour_rate_cents"]))
    for item in data["items"]:
        add_price_item(
            store,
            actor,
            item["code"],
            item["name_en"],
            item["name_zh"],
            LineKind(item["kind"]),
            int(item.get("price_cents", 0)),
            float(item.get("hours", 0.0)),
        )
    for job in data["jobs"]:
        add_canned_job(
            store, actor, job["name_en"], job["name_zh"], [(c, float(q)) for c, q in job["lines"]]
        )
    return len(data["items"])
