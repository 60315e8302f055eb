"""The pure rules of the sync protocol, with literals."""

from __future__ import annotations

import random

from sync.protocol import (
    BlobRef,
    Owner,
    backoff_delay,
    blob_refs,
    checksum_matches,
    chunk_checksum,
    fields_owned_by,
    is_sha256,
)

SHA_A = "a" * 64
SHA_B = "b" * 64


def test_chunk_checksum_is_tus_sha256_in_base64() -> None:
    assert chunk_checksum(b"abc") == "sha256 ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
    assert checksum_matches("sha256 ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", b"abc")
    assert not checksum_matches("sha256 ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", b"abd")
    assert not checksum_matches("md5 kAFQmDzST7DWlj99KOF/cg==", b"abc")
    assert not checksum_matches("sha256 not*base64", b"abc")
    assert not checksum_matches(None, b"abc")


def test_backoff_grows_is_capped_and_jittered() -> None:
    rng = random.Random(7)
    delays = [backoff_delay(n, 0.5, 4.0, rng) for n in range(8)]
    assert all(0.0 <= d <= min(4.0, 0.5 * 2**n) for n, d in enumerate(delays))
    assert len(set(delays)) == len(delays)


def test_blob_refs_of_a_photo_and_a_report() -> None:
    photo = {"sha256": SHA_A, "thumbnail_sha256": SHA_B, "print_sha256": SHA_B}
    assert blob_refs("photo.recorded", photo) == [BlobRef(SHA_A, "photo"), BlobRef(SHA_B, "photo")]
    report = {"sha256": SHA_A, "file_name": "wo-1.pdf"}
    assert blob_refs("report.issued", report) == [BlobRef(SHA_A, "report", "wo-1.pdf")]
    assert blob_refs("work_order.created", photo) == []


def test_station_and_customer_own_different_fields() -> None:
    change = {"status": "cancelled", "cancel_requested_at": "t", "bay": "B2"}
    assert fields_owned_by(Owner.STATION, change) == {"status": "cancelled", "bay": "B2"}
    assert fields_owned_by(Owner.CUSTOMER, change) == {"cancel_requested_at": "t"}


def test_sha256_shape() -> None:
    assert is_sha256(SHA_A)
    assert not is_sha256("A" * 64)
    assert not is_sha256("../" + "a" * 61)
