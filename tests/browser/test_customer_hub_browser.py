"""The customer's page served by the workshop hub, in a real headless Chromium: the desk's link
points at the hub, a refused signature is said to the customer, the decision reaches the desk
and the bay with the drawn signature, and the day-1 answer reaches the desk's follow-up list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.customer_page import CUSTOMER_ERRORS
from sync.customer_routes import Limits
from sync.messaging import cloud_link_for
from sync.server import CloudHandle, start_cloud_in_thread
from tests.browser.conftest import PHONE
from tests.browser.test_customer_browser import shots_folder, sign, stage, wait_for
from tests.workshop.conftest import WORKSHOP
from tests.workshop.helpers import awaiting_decision, repair_and_deliver, settle

pytest.importorskip("selenium", reason="selenium is a test extra")
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[CloudHandle]:
    """The workshop hub on 127.0.0.1, telling the page to poll often."""
    limits = Limits(poll_ms=300, link_per_minute=2000, link_burst=500)
    handle = start_cloud_in_thread(
        tmp_path / "hub" / "hub.db", tmp_path / "hub" / "blobs", limits=limits
    )
    handle.service.add_first_admin(WORKSHOP, "admin", "1234")
    try:
        yield handle
    finally:
        handle.stop()


def _card_button(browser: Any, finding: int, decision: str) -> Any:
    button = browser.find_element(
        By.CSS_SELECTOR, f".card[data-finding='{finding}'] button[data-decision='{decision}']"
    )
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    return button


def _scribble(browser: Any) -> None:
    """A tick, not a signature: too small for the station to keep."""
    pad = browser.find_element(By.ID, "pad")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", pad)
    actions = ActionChains(browser)
    actions.move_to_element_with_offset(pad, 0, 0).click_and_hold()
    actions.move_by_offset(6, 4).move_by_offset(6, -8).release().perform()


def _send(browser: Any) -> None:
    button = browser.find_element(By.ID, "send")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()


def _refused_signature(browser: Any, url: str, lang: str, finding: int, shots: Path) -> None:
    """A tick instead of a signature: refused, and said in the customer's words."""
    browser.get(url)
    _card_button(browser, finding, "approved").click()
    browser.find_element(By.ID, "name").send_keys("Wang Fang")
    _scribble(browser)
    _send(browser)
    said = CUSTOMER_ERRORS["signature.too_small"][lang]
    message = browser.find_element(By.ID, "msg")
    wait_for(lambda: message.text == said, f"the {lang} refusal", detail=lambda: message.text)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", message)
    browser.save_screenshot(str(shots / f"signature-refused-{lang}.png"))
    # The page stays as the customer left it, to sign again: their choice and name are kept.
    assert browser.find_element(By.ID, "name").get_attribute("value") == "Wang Fang"
    assert "on" in _card_button(browser, finding, "approved").get_attribute("class")


def test_the_hubs_page_takes_the_decision_with_its_signature_to_every_terminal(
    browser: Any, hub: CloudHandle, tmp_path: Path
) -> None:
    desk, bay, wo, pads, tyres = awaiting_decision(
        hub, tmp_path, "Wang Fang", "en", "wang@example.com"
    )
    shots = shots_folder(tmp_path)
    browser.set_window_size(*PHONE)  # the window opens at the browser's least width
    # The desk's QR code and the messages carry the hub's address.
    link = cloud_link_for(desk.client)(wo, "en")
    assert link is not None and link.startswith(hub.url + "/t/")
    browser.get(link)
    assert stage(browser) == "Waiting for your decision"
    for lang in ("zh", "en"):
        _refused_signature(browser, link.replace("lang=en", f"lang={lang}"), lang, pads, shots)
    assert desk.store.query("SELECT id FROM approvals") == []

    browser.get(link)
    _card_button(browser, pads, "approved").click()
    _card_button(browser, tyres, "declined").click()
    browser.find_element(By.ID, "name").send_keys("Wang Fang")
    sign(browser)
    _send(browser)
    wait_for(
        lambda: "Recorded" in browser.find_element(By.ID, "flash").text,
        "the decision to be recorded",
    )
    settle(desk, bay)
    for terminal in (desk, bay):
        rows = terminal.store.query(
            "SELECT finding_id, decision, channel, customer_name, signature_ref FROM approvals "
            "ORDER BY finding_id"
        )
        assert [(r["finding_id"], r["decision"], r["channel"]) for r in rows] == [
            (pads, "approved", "remote"),
            (tyres, "declined", "remote"),
        ]
        drawn = terminal.workshop.signature(rows[0]["signature_ref"])
        assert len(drawn["strokes"]) == 2 and sum(len(s) for s in drawn["strokes"]) >= 8
        assert rows[1]["signature_ref"] is None
    wait_for(
        lambda: (
            browser.find_element(By.CSS_SELECTOR, f".card[data-finding='{pads}']").get_attribute(
                "data-state"
            )
            == "approved"
        ),
        "the page to show the decision",
    )

    # Repair at the bay, delivery at the desk; the customer answers the day-1 question.
    repair_and_deliver(desk, bay, wo, tmp_path)
    wait_for(
        lambda: (
            stage(browser) == "Delivered"
            and browser.find_elements(By.CSS_SELECTOR, "form.fu[data-kind='day1']")
        ),
        "the day-1 question",
    )
    form = browser.find_element(By.CSS_SELECTOR, "form.fu[data-kind='day1']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", form)
    form.find_element(By.CSS_SELECTOR, "input[name='rating'][value='4'] + span").click()
    form.find_element(By.NAME, "comment").send_keys("quick, and the desk explained it well")
    form.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    wait_for(lambda: "Thank you" in browser.find_element(By.ID, "flash").text, "the answer")
    settle(desk, bay)
    for terminal in (desk, bay):
        day1 = next(f for f in terminal.workshop.follow_ups(wo) if f["kind"] == "day1")
        assert day1["done_at"] is not None
        assert day1["outcome"] == "customer: rated 4/5 - quick, and the desk explained it well"
