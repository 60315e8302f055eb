"""Comparing two scans of one simulated car like with like.

A scan on a simulated bus may find an ECU silent when the machine is loaded; the
scan then says so (the ECU's reads and the incomplete reasons). Two scans must
list the same ECUs, and every ECU both scans read completely must read the same;
an ECU one scan did not read completely is compared no further, but that scan
must have said so.
"""

from __future__ import annotations

from typing import Any

from drivers.obd.scan import ScanResult
from station.diagnostics import read_complete

# Scan-wide fields that depend on every ECU; compared when both scans are complete.
WHOLE_SCAN = ("vin", "vin_info", "im_readiness")


def ecu_read_completely(ecu: dict[str, Any]) -> bool:
    return all(read_complete(read) for read in ecu["reads"].values())


def _told(result: dict[str, Any], ecu: str) -> bool:
    return any(reason["ecu"] == ecu for reason in result["incomplete_reasons"])


def assert_same_findings(first: ScanResult, second: ScanResult) -> int:
    """Asserts the two scans agree like with like; returns how many ECUs were compared.
    Live values move, so they are compared by name and unit."""
    docs = [first.to_json(), second.to_json()]
    ecus = [{ecu["id"]: ecu for ecu in doc["ecus"]} for doc in docs]
    assert list(ecus[0]) == list(ecus[1]), f"different ECUs: {list(ecus[0])}, {list(ecus[1])}"
    compared = 0
    for ecu_id in ecus[0]:
        pair = [by_id[ecu_id] for by_id in ecus]
        unread = [not ecu_read_completely(ecu) for ecu in pair]
        for doc, not_read in zip(docs, unread, strict=True):
            if not_read:
                assert doc["incomplete"] and _told(doc, ecu_id), f"{ecu_id} unread silently"
        if any(unread):
            continue
        for ecu in pair:
            ecu.pop("reads")
            ecu["pids"] = {pid: (r["name"], r["unit"]) for pid, r in ecu["pids"].items()}
        differ = {
            key: (pair[0][key], pair[1].get(key))
            for key in pair[0]
            if pair[0][key] != pair[1].get(key)
        }
        assert not differ, f"ECU {ecu_id} read differently: {differ}"
        compared += 1
    if not (first.incomplete or second.incomplete):
        for key in WHOLE_SCAN:
            assert docs[0][key] == docs[1][key], key
    return compared
