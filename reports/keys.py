"""The station's signing identity: a station CA and the station key and certificate it issued.

Files live in `<data_dir>/keys/`: `ca-cert.pem`, `ca-key.pem` (the station CA),
`station-cert.pem`, `station-key.pem` (the key that signs reports) and
`trusted/*.pem` (earlier CAs, kept so reports signed before a key change still
verify). `station init` creates them through `init_hook`; a workshop with its
own PKI imports a key and certificate instead (`station report-keys import`).
Keys are stored unencrypted with mode 0600: the station signs unattended.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.x509.oid import NameOID

from reports.errors import KeysInvalid, KeysMissing
from station import profile
from station.config import Config
from station.files import sync_folder, write_new
from station.workshop import Workshop

log = logging.getLogger(__name__)

KEYS_FOLDER = "keys"
CA_CERT = "ca-cert.pem"
CA_KEY = "ca-key.pem"
STATION_CERT = "station-cert.pem"
STATION_KEY = "station-key.pem"
TRUSTED_FOLDER = "trusted"
CA_YEARS = 20
STATION_YEARS = 10
KEY_MODE = 0o600  # the station signs unattended: unencrypted, readable by its user only
CERT_MODE = 0o644


@dataclass(frozen=True)
class StationKeys:
    """Paths of the station's signing files in one keys folder."""

    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / CA_CERT

    @property
    def station_cert(self) -> Path:
        return self.folder / STATION_CERT

    @property
    def station_key(self) -> Path:
        return self.folder / STATION_KEY

    def trust_roots(self) -> list[Path]:
        """The station CA and every earlier CA: reports signed under them still verify."""
        roots = [self.ca_cert] if self.ca_cert.exists() else []
        trusted = self.folder / TRUSTED_FOLDER
        if trusted.is_dir():
            roots.extend(sorted(trusted.glob("*.pem")))
        return roots

    def exists(self) -> bool:
        return self.station_cert.exists() and self.station_key.exists()


def keys_folder(data_dir: Path) -> Path:
    return Path(data_dir) / KEYS_FOLDER


def load_station_keys(data_dir: Path) -> StationKeys:
    keys = StationKeys(keys_folder(data_dir))
    if not keys.exists():
        raise KeysMissing(
            f"no station signing key in {keys.folder}: run `station init` "
            "or `station report-keys create|import`"
        )
    return keys


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        ]
    )


def _issue(
    subject: x509.Name,
    issuer: x509.Name,
    key: rsa.RSAPrivateKey,
    signer: rsa.RSAPrivateKey,
    start: datetime,
    years: int,
    *,
    ca: bool,
) -> x509.Certificate:
    """A CA certificate may only issue certificates; the station's signs reports (non-repudiation)."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,  # non-repudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if not ca:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), False
        )
    return builder.add_extension(
        x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False
    ).sign(signer, hashes.SHA256())


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def create_station_keys(
    data_dir: Path, station_id: str, workshop_name: str, now: datetime | None = None
) -> StationKeys:
    """A new station CA and a station signing certificate it issues; refuses to overwrite."""
    keys = StationKeys(keys_folder(data_dir))
    if keys.exists() or keys.ca_cert.exists():
        raise KeysInvalid(f"{keys.folder} already holds station keys")
    keys.folder.mkdir(parents=True, exist_ok=True)
    start = (now or datetime.now(UTC)) - timedelta(minutes=5)
    organisation = workshop_name or "Bay Station"
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    ca_name = _name(f"Bay Station CA {station_id}", organisation)
    ca_cert = _issue(ca_name, ca_name, ca_key, ca_key, start, CA_YEARS, ca=True)
    station_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    station_name = _name(f"Bay Station {station_id}", organisation)
    station_cert = _issue(
        station_name, ca_name, station_key, ca_key, start, STATION_YEARS, ca=False
    )
    write_new(keys.folder / CA_KEY, _key_pem(ca_key), KEY_MODE)
    write_new(keys.ca_cert, ca_cert.public_bytes(serialization.Encoding.PEM), CERT_MODE)
    write_new(keys.station_key, _key_pem(station_key), KEY_MODE)
    write_new(keys.station_cert, station_cert.public_bytes(serialization.Encoding.PEM), CERT_MODE)
    sync_folder(keys.folder)
    log.info("created station CA and signing key in %s", keys.folder)
    return keys


def _check_signing_pair(key: PrivateKeyTypes, cert: x509.Certificate) -> None:
    public = key.public_key()
    if public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) != cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise KeysInvalid("the key does not belong to the certificate")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound as err:
        raise KeysInvalid("the certificate has no key usage: it needs non-repudiation") from err
    if not usage.content_commitment:
        raise KeysInvalid("the certificate's key usage lacks non-repudiation")


def import_station_keys(
    data_dir: Path, key_pem: bytes, cert_pem: bytes, ca_pem: bytes, replace: bool = False
) -> StationKeys:
    """Use a key and certificate from the workshop's own PKI; earlier CAs stay trusted."""
    try:
        key = serialization.load_pem_private_key(key_pem, password=None)
        cert = x509.load_pem_x509_certificate(cert_pem)
        ca_certs = x509.load_pem_x509_certificates(ca_pem)
    except ValueError as err:
        raise KeysInvalid(f"cannot read the key or certificates: {err}") from err
    _check_signing_pair(key, cert)
    if not any(ca.subject == cert.issuer for ca in ca_certs):
        raise KeysInvalid("none of the CA certificates issued the station certificate")
    keys = StationKeys(keys_folder(data_dir))
    keys.folder.mkdir(parents=True, exist_ok=True)
    if keys.exists():
        if not replace:
            raise KeysInvalid(f"{keys.folder} already holds station keys: use --replace")
        _retire(keys)
    write_new(keys.station_key, key_pem, KEY_MODE)
    write_new(keys.station_cert, cert_pem, CERT_MODE)
    write_new(keys.ca_cert, ca_pem, CERT_MODE)
    sync_folder(keys.folder)
    log.info("imported station signing key into %s", keys.folder)
    return keys


def _retire(keys: StationKeys) -> None:
    """Keep the old CA as trusted, then remove the old signing files."""
    trusted = keys.folder / TRUSTED_FOLDER
    trusted.mkdir(exist_ok=True)
    if keys.ca_cert.exists():
        number = len(list(trusted.glob("*.pem"))) + 1
        keys.ca_cert.rename(trusted / f"ca-{number:03d}.pem")
    for path in (keys.station_key, keys.station_cert, keys.folder / CA_KEY):
        path.unlink(missing_ok=True)


def certificate_summary(path: Path) -> dict[str, Any]:
    cert = x509.load_pem_x509_certificate(path.read_bytes())
    return {
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "serial": format(cert.serial_number, "x"),
        "not_after": cert.not_valid_after_utc.isoformat(),
        "sha256": cert.fingerprint(hashes.SHA256()).hex(),
    }


def init_hook(config: Config, workshop: Workshop) -> None:
    """`station init` step: the station CA and signing key in `<data_dir>/keys/`."""
    station_id = workshop.store.meta("station_id") or "station"
    name = profile.current(workshop.store).name or "Bay Station"
    keys = StationKeys(keys_folder(config.data_dir))
    if keys.exists():
        log.info("station keys already in %s", keys.folder)
        return
    create_station_keys(config.data_dir, station_id, name)
