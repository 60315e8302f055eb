"""Every refusal a person can meet carries a message key, and every key has its sentence:
read from the core's source, so a new refusal without a key fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import station
from ui.errors import KEYED

CORE = Path(station.__file__).parent
SYNC = CORE.parent / "sync"
# The modules the app's screens call; the others serve the command line, the store and sync.
USER_FACING = (
    "adjustment",
    "alignment",
    "approvals",
    "auth",
    "catalogue",
    "check_in",
    "checklists",
    "command",
    "corrections",
    "customers",
    "delivery",
    "diagnostics",
    "findings",
    "inspection",
    "jobs",
    "lifecycle",
    "limits",
    "messages",
    "people",
    "photos",
    "profile",
    "read_model",
    "roles",
    "vehicles",
    "vin",
    "work_orders",
)
# The store, backups, configuration and the command line: a screen meets their refusals too
# (a damaged database, a full disk, a bad setting), and a command may be run from it.
SHELL = (
    CORE / "store.py",
    CORE / "backup.py",
    CORE / "private.py",
    CORE / "audit_keys.py",
    CORE / "config.py",
    SYNC / "commands.py",
    SYNC / "customer_commands.py",
)
REFUSALS = {
    "StationError",
    "StoreError",
    "UsageError",
    "InvalidInput",
    "NotFound",
    "PermissionDenied",
    "AuthenticationFailed",
    "AccountLocked",
    "TransitionRefused",
    "ImmutableRecord",
}


def refusals(source: Path) -> list[tuple[int, ast.Call]]:
    tree = ast.parse(source.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        if node.func.id in REFUSALS and node.args:
            found.append((node.lineno, node))
    return found


def test_every_refusal_a_screen_can_show_has_a_key_with_its_sentence() -> None:
    unkeyed, unknown, missing_params = [], [], []
    for source in [CORE / f"{module}.py" for module in USER_FACING] + list(SHELL):
        module = source.name
        for line, call in refusals(source):
            keywords = {k.arg: k.value for k in call.keywords if k.arg}
            key = keywords.get("key")
            if not isinstance(key, ast.Constant):
                unkeyed.append(f"{module}:{line}")
                continue
            if key.value not in KEYED:
                unknown.append(f"{module}:{line} {key.value}")
                continue
            _sentence, names = KEYED[key.value]
            absent = [name for name in names if name not in keywords]
            if absent:
                missing_params.append(f"{module}:{line} {key.value} lacks {absent}")
    assert unkeyed == []
    assert unknown == []
    assert missing_params == []


DRIVERS = CORE.parent / "drivers"
# What a device says when it cannot be opened, stops answering or goes away: the device
# bar and the notices show it. Bytes that do not parse (DecodeError) stay in the logs.
DEVICE_FAILURES = {
    "DriverUnavailable",
    "AdapterError",
    "AdapterNotFound",
    "AdapterVanished",
    "NoVehicleResponse",
    "DeviceTimeout",
    "RigError",
    "CameraError",
    "CameraNotFound",
    "CameraVanished",
    "EndOfVideo",
    "CameraNotStreaming",
}


def test_every_device_failure_has_a_reason_key_with_its_sentence() -> None:
    unkeyed, unknown, missing_params = [], [], []
    found = 0
    for source in sorted(DRIVERS.rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in DEVICE_FAILURES or not node.args:
                continue
            found += 1
            where = f"{source.relative_to(DRIVERS)}:{node.lineno}"
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            key = keywords.get("key")
            if not isinstance(key, ast.Constant):
                unkeyed.append(where)
            elif key.value not in KEYED:
                unknown.append(f"{where} {key.value}")
            else:
                absent = [name for name in KEYED[key.value][1] if name not in keywords]
                if absent:
                    missing_params.append(f"{where} {key.value} lacks {absent}")
    assert found > 40
    assert unkeyed == []
    assert unknown == []
    assert missing_params == []
