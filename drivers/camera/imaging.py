"""Plain functions on images (numpy arrays, BGR, uint8) and JPEG bytes.

Scaling, the ghost overlay that lets a technician frame the after shot like
the before shot, annotation marks, EXIF orientation and the JPEG files the
photo store keeps. No camera and no state: every function is tested on arrays.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass
from typing import cast

import cv2
import numpy as np
import numpy.typing as npt

from drivers.camera.errors import ImageError
from station.photos import PhotoFiles

log = logging.getLogger(__name__)

Image = npt.NDArray[np.uint8]
Point = tuple[float, float]
Colour = tuple[int, int, int]

RED: Colour = (0, 0, 255)  # BGR
THUMBNAIL_PX = 320
PRINT_PX = 1600
ORIGINAL_QUALITY = 92
PRINT_QUALITY = 85
THUMBNAIL_QUALITY = 80
GHOST_OPACITY = 0.4
_EXIF_ORIENTATION_TAG = 0x0112


# -- EXIF orientation ------------------------------------------------------------


def exif_orientation(jpeg: bytes) -> int:
    """The EXIF orientation (1..8) of a JPEG; 1 when it has none or it cannot be read.

    A damaged EXIF block does not make the picture unusable, so it counts as upright.
    """
    if jpeg[:2] != b"\xff\xd8":
        raise ImageError("not a JPEG: it does not start with FF D8")
    pos = 2
    while pos + 4 <= len(jpeg):
        if jpeg[pos] != 0xFF:
            return 1
        marker = jpeg[pos + 1]
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no EXIF before the data
            return 1
        length = struct.unpack(">H", jpeg[pos + 2 : pos + 4])[0]
        segment = jpeg[pos + 4 : pos + 2 + length]
        if marker == 0xE1 and segment[:6] == b"Exif\x00\x00":
            return _tiff_orientation(segment[6:])
        pos += 2 + length
    return 1


def _tiff_orientation(tiff: bytes) -> int:
    if tiff[:4] == b"II*\x00":
        order = "<"
    elif tiff[:4] == b"MM\x00*":
        order = ">"
    else:
        return 1
    try:
        (ifd,) = struct.unpack(order + "I", tiff[4:8])
        (count,) = struct.unpack(order + "H", tiff[ifd : ifd + 2])
        for i in range(count):
            entry = tiff[ifd + 2 + 12 * i : ifd + 14 + 12 * i]
            tag, kind, _n = struct.unpack(order + "HHI", entry[:8])
            if tag == _EXIF_ORIENTATION_TAG and kind == 3:  # SHORT
                (value,) = struct.unpack(order + "H", entry[8:10])
                return value if 1 <= value <= 8 else 1
    except struct.error:
        return 1
    return 1


def upright(image: Image, orientation: int) -> Image:
    """Turn a stored image the way its EXIF orientation says it should be shown."""
    turned: Image
    if orientation == 2:
        turned = image[:, ::-1]
    elif orientation == 3:
        turned = image[::-1, ::-1]
    elif orientation == 4:
        turned = image[::-1]
    elif orientation == 5:
        turned = image.swapaxes(0, 1)
    elif orientation == 6:
        turned = np.rot90(image, k=-1)
    elif orientation == 7:
        turned = image.swapaxes(0, 1)[::-1, ::-1]
    elif orientation == 8:
        turned = np.rot90(image, k=1)
    else:
        return image
    return np.ascontiguousarray(turned)


# -- JPEG ----------------------------------------------------------------------------


def decode_jpeg(data: bytes) -> Image:
    """Decode a JPEG upright (EXIF orientation applied)."""
    orientation = exif_orientation(data)
    buffer = np.frombuffer(data, dtype=np.uint8)
    image = cv2.imdecode(buffer, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    if image is None:
        raise ImageError("the JPEG cannot be decoded")
    return upright(cast(Image, image), orientation)


def encode_jpeg(image: Image, quality: int = ORIGINAL_QUALITY) -> bytes:
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ImageError(f"cannot encode a {image.shape} image as JPEG")
    return bytes(buffer)


def photo_files(image: Image) -> PhotoFiles:
    """The files the photo store keeps for a camera still (upright BGR array)."""
    return _files(encode_jpeg(image, ORIGINAL_QUALITY), image)


def photo_files_from_jpeg(data: bytes) -> PhotoFiles:
    """Files for a JPEG taken elsewhere (a tablet): the original stays byte for byte."""
    return _files(data, decode_jpeg(data))


def _files(original: bytes, image: Image) -> PhotoFiles:
    height, width = image.shape[:2]
    return PhotoFiles(
        original=original,
        thumbnail=encode_jpeg(scale_long_side(image, THUMBNAIL_PX), THUMBNAIL_QUALITY),
        print_copy=encode_jpeg(scale_long_side(image, PRINT_PX), PRINT_QUALITY),
        width=width,
        height=height,
    )


def scaled_jpeg(data: bytes, long_side: int, quality: int = PRINT_QUALITY) -> bytes:
    """A JPEG re-encoded upright with its longer side at most `long_side` pixels."""
    return encode_jpeg(scale_long_side(decode_jpeg(data), long_side), quality)


# -- scaling and the ghost overlay ---------------------------------------------------


def fit_size(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """The largest size with the same shape that fits the box (never larger than the image)."""
    if width <= 0 or height <= 0 or max_width <= 0 or max_height <= 0:
        raise ValueError("sizes must be positive")
    factor = min(max_width / width, max_height / height, 1.0)
    return max(1, round(width * factor)), max(1, round(height * factor))


def fit_within(image: Image, max_width: int, max_height: int, fast: bool = False) -> Image:
    """Scale down to fit the box, keeping the shape; an image that fits is returned as is.

    `fast` interpolates linearly: a little aliasing, but over ten times quicker on a
    12 MP frame, which is what keeps a live preview at the camera's rate.
    """
    height, width = image.shape[:2]
    size = fit_size(width, height, max_width, max_height)
    if size == (width, height):
        return image
    interpolation = cv2.INTER_LINEAR if fast else cv2.INTER_AREA
    return cast(Image, cv2.resize(image, size, interpolation=interpolation))


def scale_long_side(image: Image, long_side: int) -> Image:
    return fit_within(image, long_side, long_side)


def fit_size_up(width: int, height: int, max_width: int, max_height: int) -> tuple[int, int]:
    """Like `fit_size`, but enlarging a smaller image until it touches the box."""
    factor = min(max_width / width, max_height / height)
    return max(1, round(width * factor)), max(1, round(height * factor))


def ghost_layer(before: Image, width: int, height: int) -> Image:
    """The before photo at a preview size, computed once; centred on black if shapes differ."""
    size = fit_size_up(before.shape[1], before.shape[0], width, height)
    scaled = before
    if size != (before.shape[1], before.shape[0]):
        scaled = cast(Image, cv2.resize(before, size, interpolation=cv2.INTER_AREA))
    if size == (width, height):
        return scaled
    layer = np.zeros((height, width, 3), dtype=np.uint8)
    top, left = (height - size[1]) // 2, (width - size[0]) // 2
    layer[top : top + size[1], left : left + size[0]] = scaled
    return layer


def ghost_blend(live: Image, ghost: Image, opacity: float = GHOST_OPACITY) -> Image:
    """The live preview with the before photo laid over it at `opacity` (0 = live only)."""
    if not 0.0 <= opacity <= 1.0:
        raise ValueError(f"opacity {opacity} is outside 0..1")
    if ghost.shape != live.shape:
        ghost = ghost_layer(ghost, live.shape[1], live.shape[0])
    return cast(Image, cv2.addWeighted(ghost, opacity, live, 1.0 - opacity, 0.0))


# -- annotations ------------------------------------------------------------------------
# Positions are fractions of the width and height (0..1), so marks placed on a
# scaled preview land on the same spot of the full-resolution photo.


@dataclass(frozen=True)
class Arrow:
    tail: Point
    head: Point


@dataclass(frozen=True)
class Circle:
    centre: Point
    radius: float  # a fraction of the shorter side


@dataclass(frozen=True)
class Label:
    at: Point  # bottom-left of the text
    text: str


Mark = Arrow | Circle | Label
LABEL_MAX = 40


def _pixel(point: Point, width: int, height: int) -> tuple[int, int]:
    x, y = point
    if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
        raise ImageError(f"mark position {point} is outside the photo")
    return round(x * (width - 1)), round(y * (height - 1))


def annotate(image: Image, marks: list[Mark], colour: Colour = RED) -> Image:
    """A copy of the image with the marks drawn; line widths follow the photo's size."""
    out = image.copy()
    height, width = out.shape[:2]
    short = min(width, height)
    thickness = max(2, short // 200)
    for mark in marks:
        if isinstance(mark, Arrow):
            tail = _pixel(mark.tail, width, height)
            head = _pixel(mark.head, width, height)
            cv2.arrowedLine(out, tail, head, colour, thickness, cv2.LINE_AA, 0, 0.2)
        elif isinstance(mark, Circle):
            if not 0.0 < mark.radius <= 1.0:
                raise ImageError(f"circle radius {mark.radius} is outside 0..1")
            centre = _pixel(mark.centre, width, height)
            cv2.circle(
                out, centre, max(1, round(mark.radius * short)), colour, thickness, cv2.LINE_AA
            )
        else:
            _draw_label(out, mark, colour, thickness)
    return out


def _draw_label(out: Image, label: Label, colour: Colour, thickness: int) -> None:
    text = label.text.strip()
    if not text or len(text) > LABEL_MAX:
        raise ImageError(f"a label has 1 to {LABEL_MAX} characters")
    if not text.isascii():
        # OpenCV's stroke fonts are Latin only; longer or Chinese text goes in the caption.
        raise ImageError("a label drawn on the photo must be plain Latin text; use the caption")
    height, width = out.shape[:2]
    x, y = _pixel(label.at, width, height)
    scale = max(0.5, min(width, height) / 600)
    (text_w, text_h), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    pad = thickness * 2
    cv2.rectangle(
        out, (x - pad, y - text_h - pad), (x + text_w + pad, y + base + pad), (0, 0, 0), -1
    )
    cv2.putText(out, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)
