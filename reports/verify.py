"""Checking an issued report: an intact signature, covering the whole file, by a trusted station.

Trust is explicit: the station CA in the data folder (and earlier ones kept in
`keys/trusted/`), plus any CA certificates the caller adds. Nothing is fetched
from the network. Each way to fail has its own outcome and exit status.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from asn1crypto import pem  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from reports.errors import ReportError

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    VALID = "valid"
    ALTERED = "altered"
    UNREADABLE = "unreadable"
    UNTRUSTED = "untrusted"
    UNSIGNED = "unsigned"


# Exit status of `station verify` per outcome (documented in the README).
EXIT_CODES = {
    Outcome.VALID: 0,
    Outcome.ALTERED: 1,
    Outcome.UNREADABLE: 2,
    Outcome.UNTRUSTED: 3,
    Outcome.UNSIGNED: 4,
}

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[")


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reason: str
    signer: str | None = None
    signed_at: str | None = None
    timestamp: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.VALID

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome]


def load_certificates(paths: list[Path]) -> list[asn1_x509.Certificate]:
    """Every certificate in the given PEM or DER files."""
    certs = []
    for path in paths:
        try:
            raw = Path(path).read_bytes()
        except OSError as err:
            raise ReportError(f"cannot read the trust certificate {path}: {err}") from err
        try:
            if pem.detect(raw):
                certs += [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(raw, True)]
            else:
                certs.append(asn1_x509.Certificate.load(raw))
        except ValueError as err:
            raise ReportError(f"{path} holds no certificate: {err}") from err
    return certs


def verify_report(path: Path, trust_roots: list[Path]) -> Verdict:
    """The verdict on a report file, against the given trusted CA certificates."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        return Verdict(Outcome.UNREADABLE, f"cannot read {path}: {err}")
    return verify_bytes(data, load_certificates(trust_roots))


def verify_bytes(data: bytes, roots: list[asn1_x509.Certificate]) -> Verdict:
    signed_looking = _BYTE_RANGE.search(data) is not None
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError) as err:
        if signed_looking:
            return Verdict(Outcome.ALTERED, f"the signed file is damaged or altered: {err}")
        return Verdict(Outcome.UNREADABLE, f"not a readable PDF: {err}")
    if not signatures:
        if signed_looking:
            return Verdict(Outcome.ALTERED, "the signature dictionary is damaged or altered")
        return Verdict(Outcome.UNSIGNED, "the file carries no signature")
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    verdict: Verdict | None = None
    for index, embedded in enumerate(signatures):
        try:
            status = validate_pdf_signature(embedded, context)
        except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError) as err:
            return Verdict(Outcome.ALTERED, f"signature {index + 1} cannot be validated: {err}")
        signer = _signer_name(status.signing_cert)
        signed_at = status.signer_reported_dt.isoformat() if status.signer_reported_dt else None
        stamp = status.timestamp_validity
        timestamp = stamp.timestamp.isoformat() if stamp is not None else None
        if not status.intact or not status.valid:
            return Verdict(
                Outcome.ALTERED,
                "the signed content was changed after signing (digest or signature mismatch)",
                signer,
                signed_at,
            )
        if (
            index == len(signatures) - 1
            and status.coverage is not SignatureCoverageLevel.ENTIRE_FILE
        ):
            return Verdict(
                Outcome.ALTERED, "content was added to the file after it was signed", signer
            )
        if not status.trusted:
            return Verdict(
                Outcome.UNTRUSTED,
                f"signed by {signer}, which is not a trusted station",
                signer,
                signed_at,
            )
        if stamp is not None and not (stamp.intact and stamp.valid):
            return Verdict(Outcome.ALTERED, "the signature timestamp is broken", signer, signed_at)
        verdict = Verdict(
            Outcome.VALID,
            f"intact signature by the trusted station {signer}",
            signer,
            signed_at,
            timestamp,
        )
    assert verdict is not None
    return verdict


def _signer_name(cert: asn1_x509.Certificate | None) -> str | None:
    """The certificate's common name (the station), else its whole subject."""
    if cert is None:
        return None
    name = cert.subject.native.get("common_name")
    return str(name) if name else str(cert.subject.human_friendly)
