"""Pure pieces of the report: language picking, font runs, photo scaling, the data hash."""

from __future__ import annotations

import cv2
import numpy as np

from reports import fonts, texts
from reports.data import report_id
from reports.photo_cache import pixels_for, scale_jpeg
from tests.reports.visit import synthetic_jpeg


def test_pick_language_takes_one_side_of_a_bilingual_text() -> None:
    text = "Rear brake pads worn to 2.6 mm / 后刹车片磨损至 2.6 毫米"
    assert texts.pick_language(text, "en") == "Rear brake pads worn to 2.6 mm"
    assert texts.pick_language(text, "zh") == "后刹车片磨损至 2.6 毫米"
    assert texts.pick_language("Replace rear pads", "zh") == "Replace rear pads"
    assert texts.pick_language("front / rear", "zh") == "front / rear"


def test_chinese_runs_in_an_english_paragraph_use_the_cjk_face() -> None:
    fonts.register(fonts.find_fonts())
    marked = fonts.markup("Customer 王芳 <VIP> & co", fonts.LATIN)
    assert marked == f'Customer <font name="{fonts.CJK}">王芳</font> &lt;VIP&gt; &amp; co'
    assert fonts.markup("王芳 & co", fonts.CJK) == "王芳 &amp; co"


def test_photos_are_fitted_into_the_print_box_without_enlarging() -> None:
    original = synthetic_jpeg(1600, 1200, seed=1)
    box_w, box_h = pixels_for(86), pixels_for(64.5)
    assert (box_w, box_h) == (677, 508)
    for hint in (None, (1600, 1200)):
        scaled = scale_jpeg(original, box_w, box_h, size_hint=hint)
        image = cv2.imdecode(np.frombuffer(scaled, np.uint8), cv2.IMREAD_COLOR)
        assert image.shape[:2] == (508, 677)
    small = synthetic_jpeg(320, 240, seed=2)
    image = cv2.imdecode(np.frombuffer(scale_jpeg(small, box_w, box_h), np.uint8), 1)
    assert image.shape[:2] == (240, 320)
    assert scale_jpeg(original, box_w, box_h) == scale_jpeg(original, box_w, box_h)


def test_report_ids_are_stable_and_differ_per_version_and_station() -> None:
    first = report_id("station-a", "WO-20260101-00001", 1)
    assert first == report_id("station-a", "WO-20260101-00001", 1)
    assert first != report_id("station-a", "WO-20260101-00001", 2)
    assert first != report_id("station-b", "WO-20260101-00001", 1)
