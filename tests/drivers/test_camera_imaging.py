"""Image functions on plain arrays and bytes: no camera involved."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.camera import ImageError
from drivers.camera import imaging as im
from drivers.camera.imaging import Arrow, Circle, Image, Label


def exif_app1(orientation: int, big_endian: bool = False) -> bytes:
    """An APP1 segment holding only the orientation tag (TIFF IFD0 with one SHORT entry)."""
    order = ">" if big_endian else "<"
    header = b"MM\x00*" if big_endian else b"II*\x00"
    tiff = header + struct.pack(order + "I", 8)
    tiff += struct.pack(order + "H", 1)
    tiff += struct.pack(order + "HHIH", 0x0112, 3, 1, orientation) + b"\x00\x00"
    tiff += struct.pack(order + "I", 0)
    body = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body


def with_exif(jpeg: bytes, orientation: int, big_endian: bool = False) -> bytes:
    return jpeg[:2] + exif_app1(orientation, big_endian) + jpeg[2:]


def marked_image() -> Image:
    """A 60x40 (wide) image, white in the top-left corner only."""
    image = np.zeros((40, 60, 3), np.uint8)
    image[:10, :10] = 255
    return image


def test_exif_orientation_from_bytes() -> None:
    plain = b"\xff\xd8\xff\xe0\x00\x04ab\xff\xda\x00\x02"
    assert im.exif_orientation(plain) == 1
    assert im.exif_orientation(b"\xff\xd8" + exif_app1(6) + plain[2:]) == 6
    assert im.exif_orientation(b"\xff\xd8" + exif_app1(8, big_endian=True) + plain[2:]) == 8
    assert im.exif_orientation(b"\xff\xd8" + exif_app1(9) + plain[2:]) == 1  # out of range
    damaged = b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00II*\x00\xff\xff\xff\xff"
    assert im.exif_orientation(damaged) == 1
    with pytest.raises(ImageError):
        im.exif_orientation(b"GIF89a")


@given(st.binary(max_size=300))
def test_exif_orientation_never_trips_on_garbage(tail: bytes) -> None:
    assert 1 <= im.exif_orientation(b"\xff\xd8" + tail) <= 8
    assert 1 <= im.exif_orientation(b"\xff\xd8\xff\xe1\x00\x40Exif\x00\x00" + tail) <= 8


@pytest.mark.parametrize(
    ("orientation", "shape", "white_at"),
    [
        (1, (40, 60), (0, 0)),
        (2, (40, 60), (0, 59)),
        (3, (40, 60), (39, 59)),
        (4, (40, 60), (39, 0)),
        (5, (60, 40), (0, 0)),
        (6, (60, 40), (0, 39)),
        (7, (60, 40), (59, 39)),
        (8, (60, 40), (59, 0)),
    ],
)
def test_upright_turns_like_exif_says(
    orientation: int, shape: tuple[int, int], white_at: tuple[int, int]
) -> None:
    turned = im.upright(marked_image(), orientation)
    assert turned.shape[:2] == shape
    assert turned[white_at].tolist() == [255, 255, 255]
    assert turned.flags["C_CONTIGUOUS"]


def test_a_rotated_tablet_photo_is_stored_as_taken_and_shown_upright() -> None:
    jpeg = with_exif(im.encode_jpeg(marked_image(), 95), 6)
    files = im.photo_files_from_jpeg(jpeg)
    assert files.original == jpeg  # evidence is kept byte for byte
    assert (files.width, files.height) == (40, 60)
    printed = im.decode_jpeg(files.print_copy)
    assert printed.shape[:2] == (60, 40)
    assert printed[2, 37].min() > 200 and printed[2, 2].max() < 60
    assert im.exif_orientation(files.print_copy) == 1


def test_camera_photo_files_have_their_sizes() -> None:
    frame = np.random.default_rng(1).integers(0, 255, (1500, 2000, 3), np.uint8)
    files = im.photo_files(frame)
    assert (files.width, files.height) == (2000, 1500)
    assert im.decode_jpeg(files.original).shape == (1500, 2000, 3)
    assert im.decode_jpeg(files.thumbnail).shape == (240, 320, 3)
    assert im.decode_jpeg(files.print_copy).shape == (1200, 1600, 3)
    assert len(files.thumbnail) < len(files.print_copy) < len(files.original)


def test_scaled_jpeg_for_print() -> None:
    jpeg = im.encode_jpeg(np.full((900, 1200, 3), 128, np.uint8))
    assert im.decode_jpeg(im.scaled_jpeg(jpeg, 400)).shape == (300, 400, 3)
    with pytest.raises(ImageError):
        im.decode_jpeg(b"\xff\xd8\xff\xe0 not really")


def test_fit_size() -> None:
    assert im.fit_size(4000, 3000, 1280, 800) == (1067, 800)
    assert im.fit_size(3000, 4000, 1280, 800) == (600, 800)
    assert im.fit_size(640, 480, 1280, 800) == (640, 480)  # never enlarged
    assert im.fit_size_up(640, 480, 1280, 800) == (1067, 800)
    with pytest.raises(ValueError):
        im.fit_size(0, 10, 10, 10)


def test_fit_within_keeps_small_images_as_they_are() -> None:
    small = np.zeros((10, 20, 3), np.uint8)
    assert im.fit_within(small, 100, 100) is small
    big = np.zeros((300, 400, 3), np.uint8)
    assert im.fit_within(big, 200, 200).shape == (150, 200, 3)
    assert im.fit_within(big, 200, 200, fast=True).shape == (150, 200, 3)


def test_ghost_blend_mixes_by_opacity() -> None:
    live = np.full((100, 200, 3), 200, np.uint8)
    before = np.full((100, 200, 3), 0, np.uint8)
    assert im.ghost_blend(live, before, 0.0).tolist() == live.tolist()
    assert np.all(im.ghost_blend(live, before, 1.0) == 0)
    assert np.all(im.ghost_blend(live, before, 0.25) == 150)
    with pytest.raises(ValueError):
        im.ghost_blend(live, before, 1.5)


def test_ghost_of_another_shape_is_scaled_and_centred() -> None:
    live = np.full((100, 200, 3), 100, np.uint8)
    portrait = np.full((400, 100, 3), 255, np.uint8)  # a before photo taken upright
    layer = im.ghost_layer(portrait, 200, 100)
    assert layer.shape == (100, 200, 3)
    assert layer[:, 87:112].min() == 255  # the 25 px wide picture sits in the middle
    assert layer[:, :80].max() == 0
    blended = im.ghost_blend(live, portrait, 0.5)
    assert blended[50, 100].tolist() == [178, 178, 178]
    assert blended[50, 10].tolist() == [50, 50, 50]


def test_annotation_draws_on_a_copy_at_relative_positions() -> None:
    photo = np.zeros((300, 400, 3), np.uint8)
    marked = im.annotate(
        photo,
        [Circle((0.5, 0.5), 0.2), Arrow((0.05, 0.95), (0.3, 0.7)), Label((0.6, 0.9), "pad 3 mm")],
    )
    assert photo.max() == 0  # the original is untouched
    red = (marked[..., 2] > 150) & (marked[..., 0] < 80)
    assert red[150, 200 + 60 - 1 : 200 + 60 + 2].any()  # on the circle (radius 60 px)
    assert not red[150, 200]  # not filled
    assert red[285, 20:40].any()  # along the arrow near its tail
    assert red[250:270, 240:330].any()  # the label


def test_marks_outside_the_photo_or_odd_labels_are_refused() -> None:
    photo = np.zeros((30, 40, 3), np.uint8)
    with pytest.raises(ImageError, match="outside"):
        im.annotate(photo, [Arrow((0.0, 0.0), (1.2, 0.5))])
    with pytest.raises(ImageError, match="radius"):
        im.annotate(photo, [Circle((0.5, 0.5), 0.0)])
    with pytest.raises(ImageError, match="caption"):
        im.annotate(photo, [Label((0.1, 0.5), "刹车片")])
    with pytest.raises(ImageError, match="characters"):
        im.annotate(photo, [Label((0.1, 0.5), "x" * 41)])
