"""Who may do what: the core checks the role of every command, not only the UI."""

from __future__ import annotations

from enum import StrEnum

from station.errors import PermissionDenied


class Role(StrEnum):
    TECHNICIAN = "technician"
    ADVISOR = "advisor"
    ADMIN = "admin"


T, A, ADM = Role.TECHNICIAN, Role.ADVISOR, Role.ADMIN

PERMISSIONS: dict[str, frozenset[Role]] = {
    "user.manage": frozenset({ADM}),
    "profile.manage": frozenset({ADM}),
    "catalogue.manage": frozenset({ADM}),
    "customer.manage": frozenset({A, ADM}),
    "vehicle.manage": frozenset({T, A, ADM}),
    "appointment.manage": frozenset({A, ADM}),
    "work_order.create": frozenset({T, A, ADM}),
    "work_order.read": frozenset({T, A, ADM}),
    "work_order.check_in": frozenset({T, A, ADM}),
    "work_order.diagnose": frozenset({T, ADM}),
    "work_order.request_approval": frozenset({T, A, ADM}),
    "work_order.repair": frozenset({T, ADM}),
    "work_order.quality_check": frozenset({T, A, ADM}),
    "work_order.ready": frozenset({A, ADM}),
    "work_order.deliver": frozenset({A, ADM}),
    "work_order.cancel": frozenset({A, ADM}),
    "checklist.record": frozenset({T, A, ADM}),
    "finding.create": frozenset({T, A, ADM}),
    "approval.record": frozenset({A, T, ADM}),
    # The customer's consent: at the desk only an advisor takes it; at the bay the
    # technician may, with the customer's drawn signature on the tablet.
    "approval.desk": frozenset({A, ADM}),
    "approval.bay": frozenset({T, A, ADM}),
    "job.clock": frozenset({T, ADM}),
    "quality_check.record": frozenset({T, A, ADM}),
    "report.issue": frozenset({A, ADM}),
    "follow_up.record": frozenset({A, ADM}),
    "dtc.clear": frozenset({T, ADM}),
    "measurement.record": frozenset({T, ADM}),
    "photo.record": frozenset({T, A, ADM}),
    "sync.run": frozenset({T, A, ADM}),
    "progress.update": frozenset({T, A, ADM}),
}


def require(role: Role, permission: str) -> None:
    """Raise `PermissionDenied` unless `role` holds `permission`."""
    allowed = PERMISSIONS.get(permission)
    if allowed is None:
        raise PermissionDenied(
            f"unknown permission {permission!r}",
            key="permission.denied",
            role=role.value,
            permission=permission,
        )
    if role not in allowed:
        article = "an" if role.value[0] in "aeiou" else "a"
        raise PermissionDenied(
            f"{article} {role.value} may not do {permission!r}",
            key="permission.denied",
            role=role.value,
            permission=permission,
        )


def may(role: Role, permission: str) -> bool:
    return role in PERMISSIONS.get(permission, frozenset())
