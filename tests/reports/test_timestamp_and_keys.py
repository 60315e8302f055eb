"""B-T signatures through a small RFC 3161 server on 127.0.0.1; station keys from `station init`."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper

from reports.errors import KeysInvalid, SigningFailed
from reports.issue import ReportSettings, issue_report
from reports.keys import StationKeys, import_station_keys, keys_folder
from reports.verify import Outcome, verify_report
from station.cli import main as station_main
from tests.reports.visit import Visit, build_visit


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(cn: str) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC) - timedelta(minutes=5)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(_name(cn))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue_leaf(
    ca_key: rsa.RSAPrivateKey,
    ca: x509.Certificate,
    cn: str,
    *,
    non_repudiation: bool = True,
    timestamping: bool = False,
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC) - timedelta(minutes=5)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(cn))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, non_repudiation, False, False, False, False, False, False, False),
            critical=True,
        )
    )
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return key, builder.sign(ca_key, hashes.SHA256())


def pem_cert(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@pytest.fixture
def tsa(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A minimal RFC 3161 server on 127.0.0.1 answering with pyHanko's dummy TSA."""
    ca_key, ca = make_ca("Test TSA CA")
    key, cert = issue_leaf(ca_key, ca, "Test TSA", timestamping=True)
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = tsp.TimeStampReq.load(body)
            reply = asyncio.run(stamper.async_request_tsa_response(request)).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    ca_path = tmp_path / "tsa-ca.pem"
    ca_path.write_bytes(pem_cert(ca))
    yield f"http://127.0.0.1:{server.server_address[1]}/tsa", ca_path
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture
def visit(tmp_path: Path) -> Iterator[Visit]:
    built = build_visit(tmp_path / "station", pairs=0, walk_around=0)
    yield built
    built.workshop.store.close()


def test_a_configured_timestamp_server_makes_the_signature_b_t(
    visit: Visit, tsa: tuple[str, Path]
) -> None:
    url, tsa_ca = tsa
    report = issue_report(
        visit.workshop,
        visit.demo.advisor,
        visit.wo_id,
        visit.data_dir,
        "en",
        ReportSettings(timestamp_url=url),
    )
    roots = [*StationKeys(keys_folder(visit.data_dir)).trust_roots(), tsa_ca]
    verdict = verify_report(report.path, roots)
    assert verdict.outcome is Outcome.VALID, verdict.reason
    assert verdict.timestamp is not None
    if shutil.which("pdfsig"):
        out = subprocess.run(
            ["pdfsig", str(report.path)], capture_output=True, text=True, timeout=60, check=False
        ).stdout
        assert "Signature is Valid" in out


def test_an_unreachable_timestamp_server_fails_the_signing_clearly(visit: Visit) -> None:
    with pytest.raises(SigningFailed):
        issue_report(
            visit.workshop,
            visit.demo.advisor,
            visit.wo_id,
            visit.data_dir,
            "en",
            ReportSettings(timestamp_url="http://127.0.0.1:9/tsa"),
        )
    assert visit.workshop.store.query("SELECT id FROM reports") == []


def test_station_init_creates_a_ca_and_a_non_repudiation_signing_key(tmp_path: Path) -> None:
    data_dir = tmp_path / "fresh"
    assert station_main(["init", "--data-dir", str(data_dir), "--admin-pin", "1234"]) == 0
    keys = StationKeys(keys_folder(data_dir))
    assert keys.exists() and keys.ca_cert.exists()
    assert (keys.station_key.stat().st_mode & 0o777) == 0o600
    cert = x509.load_pem_x509_certificate(keys.station_cert.read_bytes())
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.content_commitment and usage.digital_signature
    ca = x509.load_pem_x509_certificate(keys.ca_cert.read_bytes())
    assert cert.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_imported_keys_sign_and_earlier_reports_stay_trusted(visit: Visit, tmp_path: Path) -> None:
    first = issue_report(visit.workshop, visit.demo.advisor, visit.wo_id, visit.data_dir, "en")
    ca_key, ca = make_ca("Workshop PKI")
    key, cert = issue_leaf(ca_key, ca, "Desk signer")
    weak_key, weak = issue_leaf(ca_key, ca, "No non-repudiation", non_repudiation=False)
    with pytest.raises(KeysInvalid):
        import_station_keys(visit.data_dir, pem_key(weak_key), pem_cert(weak), pem_cert(ca), True)
    with pytest.raises(KeysInvalid):
        import_station_keys(visit.data_dir, pem_key(key), pem_cert(cert), pem_cert(ca))
    files = {}
    for name, blob in (
        ("k.pem", pem_key(key)),
        ("c.pem", pem_cert(cert)),
        ("ca.pem", pem_cert(ca)),
    ):
        files[name] = tmp_path / name
        files[name].write_bytes(blob)
    assert (
        station_main(
            [
                "report-keys",
                "import",
                "--data-dir",
                str(visit.data_dir),
                "--key",
                str(files["k.pem"]),
                "--cert",
                str(files["c.pem"]),
                "--ca",
                str(files["ca.pem"]),
                "--replace",
            ]
        )
        == 0
    )
    second = issue_report(visit.workshop, visit.demo.advisor, visit.wo_id, visit.data_dir, "zh")
    data_dir = ["--data-dir", str(visit.data_dir)]
    assert verify_report(second.path, StationKeys(keys_folder(visit.data_dir)).trust_roots()).signer
    assert station_main(["verify", str(second.path), *data_dir]) == 0
    assert station_main(["verify", str(first.path), *data_dir]) == 0
