"""The workshop profile: pure checks with literals, the admin-only change and its audit event,
and the `station profile` command."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from station import profile
from station.errors import InvalidInput, PermissionDenied
from station.profile import (
    Profile,
    decide,
    local_time_text,
    logo_kind,
    parse_changes,
    parse_tax_rate,
)
from station.schema import MIGRATIONS
from station.store import Store
from station.workshop import Actor


def _picture(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 32), (26, 61, 92)).save(out, format=kind)
    return out.getvalue()


PNG_LOGO = _picture("PNG")


@pytest.mark.parametrize(
    ("text", "basis_points"),
    [("13", 1300), ("13 %", 1300), ("6.5%", 650), ("0", 0), ("100", 10_000), ("0.01", 1)],
)
def test_tax_rate_is_read_as_a_percentage(text: str, basis_points: int) -> None:
    assert parse_tax_rate(text) == basis_points


@pytest.mark.parametrize(
    ("text", "why"),
    [("thirteen", "percentage"), ("0.125", "two decimals"), ("101", "between"), ("-1", "between")],
)
def test_tax_rate_refuses_what_is_not_a_rate(text: str, why: str) -> None:
    with pytest.raises(InvalidInput, match=why):
        parse_tax_rate(text)


def test_rate_is_written_as_people_write_it() -> None:
    assert Profile(tax_rate_bp=1300).tax_rate_text == "13 %"
    assert Profile(tax_rate_bp=650).tax_rate_text == "6.5 %"
    assert Profile(tax_rate_bp=0).tax_rate_text == "0 %"


def test_changes_are_checked_field_by_field() -> None:
    assert parse_changes(
        {"name": " Harbour Motors ", "currency": "eur", "tax_rate": "20", "phone": None}
    ) == {"name": "Harbour Motors", "currency": "EUR", "tax_rate_bp": 2000}
    for values, why in (
        ({"name": "  "}, "needs a name"),
        ({"colour": "red"}, "no field 'colour'"),
        ({"currency": "yuan"}, "three-letter"),
        ({"language": "fr"}, "unknown language"),
        ({"phone": "call me"}, "cannot dial"),
        ({"logo": "../station.db"}, "branding folder"),
        ({"address": "x" * 301}, "longer than 300"),
    ):
        with pytest.raises(InvalidInput, match=why):
            parse_changes(values)


def test_decide_names_every_field_changed_old_and_new() -> None:
    before = Profile(name="Harbour Motors", tax_rate_bp=1300)
    after, diff = decide(before, {"name": "Harbour Motors", "phone": "021 5555 0101"})
    assert after.phone == "021 5555 0101"
    assert diff == {"phone": ["", "021 5555 0101"]}
    with pytest.raises(InvalidInput, match="needs a name"):
        decide(Profile(), {"phone": "1"})


def test_logo_must_be_an_image() -> None:
    assert logo_kind(PNG_LOGO) == "png"
    assert logo_kind(_picture("JPEG")) == "jpg"
    for not_a_logo in (b"%PDF-1.7", PNG_LOGO[:40], b"\xff\xd8\xff\xe0rest"):
        with pytest.raises(InvalidInput, match="PNG or JPEG"):
            logo_kind(not_a_logo)


def test_only_an_admin_changes_it_and_the_change_is_audited(
    store: Store, admin: Actor, advisor: Actor
) -> None:
    with pytest.raises(PermissionDenied):
        profile.change(store, advisor, {"name": "Mine now"})
    changed = profile.change(store, admin, {"name": "Harbour Motors", "tax_rate": "13"})
    assert profile.current(store) == changed
    assert (changed.name, changed.tax_rate_bp, changed.currency) == ("Harbour Motors", 1300, "CNY")
    events = store.query("SELECT actor, data FROM audit_events WHERE kind = 'profile.changed'")
    assert [e["actor"] for e in events] == ["admin"]
    assert json.loads(events[0]["data"])["tax_rate_bp"] == [0, 1300]
    profile.change(store, admin, {"tax_rate": "13 %"})  # the same value: nothing to record
    assert len(store.query("SELECT 1 FROM audit_events WHERE kind = 'profile.changed'")) == 1
    assert store.verify_audit_chain().ok


def test_bad_input_loses_nothing(store: Store, admin: Actor) -> None:
    profile.change(store, admin, {"name": "Harbour Motors", "phone": "021 5555 0101"})
    with pytest.raises(InvalidInput):
        profile.change(store, admin, {"phone": "021 5555 0199", "tax_rate": "lots"})
    assert profile.current(store).phone == "021 5555 0101"


def station(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "station.cli", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )


def test_profile_command_shows_and_sets(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert (
        station("init", "--admin-pin", "1234", "--workshop", "Harbour", data_dir=data).returncode
        == 0
    )
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG_LOGO)
    admin = ("--user", "admin", "--pin", "1234")
    changed = station(
        "profile", "set", "--address", "12 Quay Road", "--tax-rate", "13", "--logo", str(logo),
        "--json", *admin, data_dir=data,
    )  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    shown = json.loads(changed.stdout)
    assert shown["name"] == "Harbour" and shown["tax_rate"] == "13 %"
    assert (data / "branding" / shown["logo"]).read_bytes() == PNG_LOGO
    text = station("profile", "show", data_dir=data)
    assert "12 Quay Road" in text.stdout and "13 %" in text.stdout
    refused = station("profile", "set", "--currency", "yuan", *admin, data_dir=data)
    assert refused.returncode == 2 and "three-letter" in refused.stderr
    not_a_logo = station(
        "profile", "set", "--logo", str(data / "station.db"), *admin, data_dir=data
    )
    assert not_a_logo.returncode == 2 and "PNG or JPEG" in not_a_logo.stderr


def test_time_zone_is_a_name_the_system_knows() -> None:
    assert parse_changes({"time_zone": " Asia/Shanghai "}) == {"time_zone": "Asia/Shanghai"}
    assert parse_changes({"time_zone": ""}) == {"time_zone": ""}  # the machine's own
    with pytest.raises(InvalidInput, match="unknown time zone 'Mars/Olympus'"):
        parse_changes({"time_zone": "Mars/Olympus"})
    moment = datetime(2026, 11, 30, 14, 5, 9, tzinfo=UTC)
    assert local_time_text(moment, profile.zone_of("Asia/Shanghai")) == (
        "2026-11-30 22:05 (UTC+08:00)"
    )
    assert local_time_text(moment, profile.zone_of("America/Sao_Paulo")) == (
        "2026-11-30 11:05 (UTC-03:00)"
    )
    assert local_time_text(moment, profile.zone_of("Asia/Kolkata")) == (
        "2026-11-30 19:35 (UTC+05:30)"
    )
    assert profile.local_zone(Profile()) == profile.machine_zone()


def test_each_change_is_a_new_workshop_version_kept_with_its_logo(
    store: Store, admin: Actor
) -> None:
    data_dir = Path(str(store.path)).parent
    logo = profile.import_logo(data_dir, PNG_LOGO)
    profile.change(store, admin, {"name": "Harbour Motors", "logo": logo})
    profile.change(store, admin, {"time_zone": "Asia/Shanghai"})
    versions = store.query("SELECT * FROM workshop_profiles ORDER BY version")
    assert [v["version"] for v in versions] == [1, 2, 3]  # init's row, then the two changes
    assert versions[2]["based_on"] == versions[1]["id"] and versions[2]["changed_by"] == "admin"
    assert profile.current(store).time_zone == "Asia/Shanghai"
    # the logo is a workshop record: another terminal prints it without the branding folder
    (data_dir / profile.BRANDING_FOLDER / logo).unlink()
    assert profile.logo_bytes(store, profile.current(store)) == PNG_LOGO
    for sql in (
        "UPDATE workshop_profiles SET name = 'forged'",
        "DELETE FROM workshop_profiles",
        "UPDATE workshop_logos SET data = x'00'",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="immutable"):
            store.db.conn.execute(sql)
    events = store.query("SELECT data FROM audit_events WHERE kind = 'profile.changed'")
    assert json.loads(events[-1]["data"]) == {"time_zone": ["", "Asia/Shanghai"], "version": 3}


def test_two_versions_made_on_the_same_one_read_the_same_everywhere(
    store: Store, admin: Actor
) -> None:
    """Two terminals changing the profile at once: both versions are kept, and every terminal
    holding both reads the later one."""
    base = store.query_one("SELECT * FROM workshop_profiles")
    assert base is not None
    with store.transaction("desk-2") as tx:
        for at, phone in (("2026-11-30T10:00:01.000Z", "111"), ("2026-11-30T10:00:00.000Z", "222")):
            tx.insert(
                "workshop_profiles",
                {**base, "id": None, "version": 2, "based_on": base["id"], "phone": phone}
                | {"changed_at": at},
            )
    assert profile.current(store).phone == "111"


def test_the_terminals_profile_becomes_the_workshops_first_version(tmp_path: Path) -> None:
    """A station made before profiles were workshop records keeps its profile and its logo."""
    path = tmp_path / "station.db"
    names = [m.name for m in MIGRATIONS]
    before = MIGRATIONS[: names.index("0132_i13_workshop_profiles")]  # the steps shipped before
    old = Store.open(path, migrations=before)
    (tmp_path / profile.BRANDING_FOLDER).mkdir()
    (tmp_path / profile.BRANDING_FOLDER / "logo-0123456789abcdef.png").write_bytes(PNG_LOGO)
    with old.transaction("admin") as tx:
        tx.execute(
            "UPDATE workshop_profile SET name = 'Harbour', phone = '021 5555', tax_rate_bp = 1300, "
            "logo = 'logo-0123456789abcdef.png', changed_at = '2026-01-02T03:04:05.000Z'"
        )
    old.close()
    store = Store.open(path)
    shown = profile.current(store)
    assert (shown.name, shown.phone, shown.tax_rate_bp, shown.time_zone) == (
        "Harbour",
        "021 5555",
        1300,
        "",
    )
    assert profile.logo_bytes(store, shown) == PNG_LOGO
    assert store.query_one("SELECT name FROM sqlite_master WHERE name = 'workshop_profile'") is None
    store.close()
