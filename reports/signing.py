"""Signing the report with the station key: PAdES baseline B-B, or B-T with a timestamp server.

B-B needs nothing but the key, so a report is signed offline at the desk. When
`signing.timestamp_url` is configured, pyHanko asks that RFC 3161 server for a
signature timestamp, which makes the signature B-T.
"""

from __future__ import annotations

import io
import logging

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

from reports.errors import SigningFailed
from reports.keys import StationKeys

log = logging.getLogger(__name__)

FIELD_NAME = "StationSignature"
TIMESTAMP_TIMEOUT_S = 10


def sign_pdf(
    pdf: bytes,
    keys: StationKeys,
    *,
    reason: str = "Vehicle health report issued by the station",
    location: str = "",
    timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None,
) -> bytes:
    """The PDF with the station's signature appended as an incremental update."""
    try:
        signer = signers.SimpleSigner.load(  # type: ignore[no-untyped-call]
            str(keys.station_key), str(keys.station_cert), ca_chain_files=(str(keys.ca_cert),)
        )
    except (OSError, ValueError) as err:
        raise SigningFailed(f"cannot load the station key from {keys.folder}: {err}") from err
    if signer is None:
        raise SigningFailed(f"cannot load the station key from {keys.folder}")
    if timestamper is None and timestamp_url:
        timestamper = HTTPTimeStamper(timestamp_url, timeout=TIMESTAMP_TIMEOUT_S)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location or None,
    )
    out = io.BytesIO()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        signers.PdfSigner(metadata, signer=signer, timestamper=timestamper).sign_pdf(
            writer, output=out
        )
    except Exception as err:  # pyHanko and the TSA client raise many unrelated types
        raise SigningFailed(f"the report could not be signed: {err}") from err
    return out.getvalue()
