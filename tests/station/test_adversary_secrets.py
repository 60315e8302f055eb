"""What someone holding only a copy of station.db can learn."""

from __future__ import annotations

from station import auth
from station.workshop import Actor, Workshop


def test_a_pin_hash_in_the_database_cannot_be_checked_without_the_station_s_key(
    workshop: Workshop, admin: Actor
) -> None:
    row = workshop.store.query_one(
        "SELECT pin_salt, pin_hash, pin_keyed FROM users WHERE id = ?", (admin.user_id,)
    )
    assert row is not None and row["pin_keyed"] == auth.KEYED
    stolen = auth.PinHash(row["pin_salt"], row["pin_hash"])
    # the attacker's loop, from the file alone: the admin fixture's PIN is one of 10,000
    assert not auth.pin_matches("1234", stolen)
    # with the key file, which lives outside the database, the same hash opens
    assert workshop.store.path is not None
    key = auth.pin_key(workshop.store.path.parent)
    assert auth.pin_matches("1234", auth.PinHash(row["pin_salt"], row["pin_hash"], auth.KEYED), key)
