"""The customer's page in a real headless Chromium, against a real cloud and station on 127.0.0.1.

Screenshots at phone size go to CUSTOMER_SCREENSHOTS when it is set (the
README's pictures in docs/customer/ are made that way), else to a temp folder.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from station.commands import init_station
from station.demo import DemoVisit, seed_demo
from station.fixtures import load_json
from station.photos import PhotoStore, Stage
from sync.client import SyncClient, enrol
from sync.customer_routes import Limits
from sync.messaging import cloud_link_for
from sync.server import CloudHandle, start_cloud_in_thread
from tests.browser.conftest import PHONE
from tests.reports.visit import photo_files

pytest.importorskip("selenium", reason="selenium is a test extra")
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By


@dataclass
class Scene:
    data_dir: Path
    demo: DemoVisit
    photos: PhotoStore
    cloud: CloudHandle
    client: SyncClient

    def link(self, language: str) -> str:
        found = cloud_link_for(self.client)(self.demo.wo_id, language)
        assert found is not None
        return found


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[Scene]:
    """A demo visit up to diagnosis, synced to a cloud that tells the page to poll often."""
    data_dir = tmp_path / "station"
    seed = load_json("demo_seed.json")
    admin = next(u for u in seed["users"] if u["role"] == "admin")
    workshop = init_station(
        data_dir / "station.db", seed["workshop"], "station-browser-1", admin["name"], admin["pin"]
    )
    demo = DemoVisit(workshop, seed_demo(workshop), narrate=lambda _text: None)
    photos = PhotoStore(workshop.store, data_dir / "photos")
    demo.reception()
    photos.record(
        demo.technician,
        photo_files(800, 600, 7),
        demo.wo_id,
        Stage.WALK_AROUND,
        caption="rear bumper",
    )
    demo.start_diagnosis()
    demo.inspection()
    # Polling every 300 ms (the default is 5 s) needs a larger budget per link than the default.
    limits = Limits(poll_ms=300, link_per_minute=2000, link_burst=500)
    cloud = start_cloud_in_thread(tmp_path / "cloud.db", tmp_path / "blobs", limits=limits)
    try:
        _, secret = cloud.service.issue_token(seed["workshop"])
        enrol(workshop.store, cloud.url, secret)
        client = SyncClient(workshop.store, timeout=10, backoff_base=0.01, data_dir=data_dir)
        client.run_once()
        yield Scene(data_dir, demo, photos, cloud, client)
        client.close()
    finally:
        cloud.stop()


def wait_for(
    check: Callable[[], Any],
    what: str,
    timeout: float = 20.0,
    detail: Callable[[], Any] = lambda: "",
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except Exception:  # the page may be reloading under us
            value = None
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what} {detail()}")


def stage(browser: Any) -> str:
    return str(browser.find_element(By.ID, "stage").text)


def settled(browser: Any, scene: Scene) -> bool:
    """The open page shows the cloud's latest state: it will not reload under the next click."""
    base = browser.find_element(By.TAG_NAME, "body").get_attribute("data-base")
    now = httpx.get(scene.cloud.url + base + "/state", timeout=10).json()["fingerprint"]
    return bool(browser.find_element(By.TAG_NAME, "body").get_attribute("data-fp") == now)


def shots_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CUSTOMER_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(browser: Any, path: Path, full: bool) -> None:
    """The phone's first screen, or the whole page at the phone's width."""
    height = PHONE[1]
    if full:
        height = int(browser.execute_script("return document.documentElement.scrollHeight")) + 140
    browser.set_window_size(PHONE[0], height)
    browser.execute_script("window.scrollTo(0, 0)")
    time.sleep(0.2)
    browser.save_screenshot(str(path))
    browser.set_window_size(*PHONE)


def sign(browser: Any) -> None:
    """A finger's signature on the canvas: two strokes."""
    pad = browser.find_element(By.ID, "pad")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", pad)
    actions = ActionChains(browser)
    actions.move_to_element_with_offset(pad, -120, 10).click_and_hold()
    for dx, dy in ((30, -25), (30, 30), (30, -30), (30, 25), (30, -10)):
        actions.move_by_offset(dx, dy)
    actions.release()
    actions.move_to_element_with_offset(pad, -80, 40).click_and_hold()
    actions.move_by_offset(120, -5).release()
    actions.perform()


def test_the_customer_follows_decides_downloads_and_answers(
    browser: Any, downloads: Path, scene: Scene, tmp_path: Path
) -> None:
    from reports.issue import issue_report
    from reports.keys import StationKeys, keys_folder
    from reports.verify import verify_report

    demo, client, store = scene.demo, scene.client, scene.demo.workshop.store
    shots = shots_folder(tmp_path)
    browser.get(scene.link("en"))
    assert stage(browser) == "Diagnosing"

    # The station moves the work order: the open page follows by itself.
    demo.findings_for_approval()
    pads, tyre = demo.finding_ids["pads_rear"], demo.finding_ids["tread_rr"]
    before = scene.photos.record(
        demo.technician,
        photo_files(800, 600, 11),
        demo.wo_id,
        Stage.BEFORE,
        finding_id=pads,
        caption="rear pads",
    )
    client.run_once()
    wait_for(lambda: stage(browser) == "Waiting for your decision", "the stage to change")
    assert len(browser.page_source.encode()) < 100_000
    screenshot(browser, shots / "tracker-en.png", full=False)
    screenshot(browser, shots / "decision-en.png", full=True)
    browser.get(scene.link("zh"))
    assert stage(browser) == "等待您的决定"
    screenshot(browser, shots / "tracker-zh.png", full=False)
    screenshot(browser, shots / "decision-zh.png", full=True)

    # Approve the pads, decline the tyre, with a name and a drawn signature.
    browser.get(scene.link("en"))
    wait_for(lambda: settled(browser, scene), "the page to settle")
    browser.find_element(
        By.CSS_SELECTOR, f".card[data-finding='{pads}'] button[data-decision='approved']"
    ).click()
    browser.find_element(
        By.CSS_SELECTOR, f".card[data-finding='{tyre}'] button[data-decision='declined']"
    ).click()
    assert browser.find_element(By.ID, "total").text == "¥620.00"
    browser.find_element(By.ID, "name").send_keys("王芳")
    sign(browser)
    browser.find_element(By.ID, "send").click()
    # The page shows the decision as recorded, and says so once it has reloaded.
    wait_for(
        lambda: "Recorded" in browser.find_element(By.ID, "flash").text,
        "the decision to be recorded",
    )

    client.run_once()
    remote = store.query(
        "SELECT finding_id, decision, customer_name, signature_ref FROM approvals "
        "WHERE channel = 'remote' ORDER BY finding_id"
    )
    assert [(r["finding_id"], r["decision"]) for r in remote] == sorted(
        [(pads, "approved"), (tyre, "declined")]
    )
    approved = next(r for r in remote if r["decision"] == "approved")
    assert approved["customer_name"] == "王芳"
    drawn = demo.workshop.signature(approved["signature_ref"])
    assert len(drawn["strokes"]) == 2 and sum(len(s) for s in drawn["strokes"]) >= 8
    wait_for(
        lambda: (
            browser.find_element(By.CSS_SELECTOR, f".card[data-finding='{pads}']").get_attribute(
                "data-state"
            )
            == "approved"
        ),
        "the page to show the decision as recorded",
    )

    # Repair, report, delivery: the signed report downloads and its signature checks out.
    demo.repair()
    scene.photos.record(
        demo.technician,
        photo_files(800, 600, 12),
        demo.wo_id,
        Stage.AFTER,
        finding_id=pads,
        before_id=before.id,
        caption="new rear pads",
    )
    demo.quality_check()
    issued = issue_report(demo.workshop, demo.advisor, demo.wo_id, scene.data_dir)
    demo.deliver()
    client.run_once()
    wait_for(
        lambda: (
            stage(browser) == "Delivered"
            and browser.find_elements(By.ID, "report-pdf")
            and settled(browser, scene)
        ),
        "delivery and the report",
        detail=lambda: (client.run_once(), browser.page_source[-3000:]),
    )
    link = browser.find_element(By.ID, "report-pdf")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    pdf = wait_for(
        lambda: next((p for p in downloads.glob("*.pdf") if p.stat().st_size > 0), None),
        "the report to download",
    )
    time.sleep(0.3)
    verdict = verify_report(pdf, StationKeys(keys_folder(scene.data_dir)).trust_roots())
    assert verdict.ok, verdict
    assert pdf.read_bytes() == issued.path.read_bytes()

    # The day-1 question: five stars and a comment reach the workshop's follow-up list.
    form = browser.find_element(By.CSS_SELECTOR, "form.fu[data-kind='day1']")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", form)
    form.find_element(By.CSS_SELECTOR, "input[name='rating'][value='5'] + span").click()
    form.find_element(By.NAME, "comment").send_keys("clear and quick")
    form.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    wait_for(lambda: "Thank you" in browser.find_element(By.ID, "flash").text, "the answer")
    client.run_once()
    day1 = store.query_one(
        "SELECT outcome FROM follow_ups WHERE work_order_id = ? AND kind = 'day1'", (demo.wo_id,)
    )
    assert day1 is not None and day1["outcome"] == "customer: rated 5/5 - clear and quick"
    wait_for(
        lambda: (
            not browser.find_elements(By.CSS_SELECTOR, "form.fu[data-kind='day1']")
            and settled(browser, scene)
        ),
        "the page to show the answer",
    )
    screenshot(browser, shots / "delivered-en.png", full=True)
    browser.get(scene.link("zh"))
    screenshot(browser, shots / "delivered-zh.png", full=True)
