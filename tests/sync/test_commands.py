"""`station cloud` and `station sync` from the command line, and HTTPS with a given certificate."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from station.cli import main
from sync.client import SyncClient, enrol
from sync.server import CloudHandle, start_cloud_in_thread
from tests.sync.helpers import assert_cloud_matches, make_station, visit


def test_token_enrol_sync_and_status(
    tmp_path: Path, sqlite_cloud: CloudHandle, capsys: pytest.CaptureFixture[str]
) -> None:
    cloud_db = str(tmp_path / "cloud.db")
    assert main(["cloud", "token", "issue", "--workshop", "Harbour Motors", "--db", cloud_db]) == 0
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    station = make_station(tmp_path / "station")
    visit(station, "C1")
    data = ["--data-dir", str(station.data_dir)]
    assert main(["sync", "status", "--json", *data]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "not_enrolled"
    assert main(["sync", "enrol", "--url", sqlite_cloud.url, "--token", secret, *data]) == 0
    assert main(["sync", "--json", *data]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["blobs_uploaded"] == 4
    assert_cloud_matches(station, sqlite_cloud)
    assert main(["sync", "conflicts", "--json", *data]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["cloud", "token", "list", "--json", "--db", cloud_db]) == 0
    token_id = json.loads(capsys.readouterr().out)[0]["id"]
    assert main(["cloud", "token", "revoke", token_id, "--db", cloud_db]) == 0
    assert main(["sync", *data]) == 5


def test_plain_http_is_refused_off_the_loopback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "cloud",
                "--host",
                "0.0.0.0",
                "--db",
                str(tmp_path / "c.db"),
                "--data-dir",
                str(tmp_path),
            ]
        )
        == 2
    )
    assert "refusing plain HTTP" in capsys.readouterr().err


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cloud.pem", folder / "cloud.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def test_sync_over_https_with_the_given_certificate(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    with start_cloud_in_thread(
        tmp_path / "cloud.db", tmp_path / "blobs", cert=cert, key=key
    ) as cloud:
        assert cloud.url.startswith("https://127.0.0.1:")
        station = make_station(tmp_path / "station")
        visit(station, "T1")
        _, secret = cloud.service.issue_token("Harbour Motors")
        enrol(station.store, cloud.url, secret, ca=str(cert))
        with SyncClient(station.store) as client:
            client.run_once()
        assert_cloud_matches(station, cloud)
