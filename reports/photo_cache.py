"""Photos scaled to print resolution before they go into a report, and the scaled copies kept.

A 12 MP original is about 4 MB; printed 8 cm wide it needs about 630 pixels at
200 dpi. Scaling once and caching the result by (original SHA-256, size,
quality) keeps reports small and re-rendering fast, and gives the same bytes
every time, so a re-rendered report is byte-identical.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from reports.errors import ReportError

log = logging.getLogger(__name__)

PRINT_DPI = 200
JPEG_QUALITY = 82
MM_PER_INCH = 25.4


def pixels_for(mm: float, dpi: int = PRINT_DPI) -> int:
    return max(1, round(mm / MM_PER_INCH * dpi))


def _reduced_flag(width: int, height: int, max_w: int, max_h: int) -> int:
    """The largest libjpeg downscale (1/2, 1/4, 1/8) that still leaves enough pixels."""
    for factor, flag in (
        (8, cv2.IMREAD_REDUCED_COLOR_8),
        (4, cv2.IMREAD_REDUCED_COLOR_4),
        (2, cv2.IMREAD_REDUCED_COLOR_2),
    ):
        if width // factor >= max_w and height // factor >= max_h:
            return int(flag)
    return int(cv2.IMREAD_COLOR)


def scale_jpeg(
    data: bytes,
    max_w: int,
    max_h: int,
    quality: int = JPEG_QUALITY,
    size_hint: tuple[int, int] | None = None,
) -> bytes:
    """The photo fitted inside max_w x max_h pixels (never enlarged), as baseline JPEG."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    flag = int(cv2.IMREAD_COLOR)
    if size_hint is not None:
        flag = _reduced_flag(size_hint[0], size_hint[1], max_w, max_h)
    image = cv2.imdecode(buffer, flag)
    if image is None:
        raise ReportError("a photo of the report cannot be decoded")
    height, width = image.shape[:2]
    scale = min(max_w / width, max_h / height, 1.0)
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ReportError("a photo of the report cannot be encoded")
    return bytes(encoded.tobytes())


class PhotoCache:
    """Scaled copies under `folder`, named by the original's SHA-256 and the target size."""

    def __init__(
        self,
        folder: Path,
        read_original: Callable[[str], bytes],
        size_of: Callable[[str], tuple[int, int] | None] | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.read_original = read_original
        self.size_of = size_of

    def scaled(self, sha256: str, max_w: int, max_h: int) -> bytes:
        name = f"{sha256}-{max_w}x{max_h}-q{JPEG_QUALITY}.jpg"
        path = self.folder / sha256[:2] / name
        try:
            return path.read_bytes()
        except FileNotFoundError:
            pass
        hint = self.size_of(sha256) if self.size_of else None
        data = scale_jpeg(self.read_original(sha256), max_w, max_h, size_hint=hint)
        self._keep(path, data)
        return data

    def _keep(self, path: Path, data: bytes) -> None:
        """Write atomically; a cache that cannot be written only costs time."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
            temp.write_bytes(data)
            temp.replace(path)
        except OSError as err:
            log.warning("cannot cache the scaled photo %s: %s", path.name, err)
