"""The workshop's commands and reads: the one door into the store.

`Workshop` is what the UI, the command line, the demo and the sync client hold.
It only gathers the aggregates; each command's rule lives in the module of its
aggregate, where it loads its facts inside its transaction, decides with a
pure function and writes rows, audit event and outbox entry together.
"""

from __future__ import annotations

from station.approvals import Approvals, Findings
from station.check_in import CheckIns
from station.command import SYSTEM, Actor, Created
from station.corrections import Corrections
from station.customers import Customers
from station.delivery import Delivery
from station.inspection import Inspections
from station.jobs import Jobs
from station.people import People
from station.read_model import ReadModel
from station.store import Store
from station.work_orders import WorkOrders

__all__ = ["SYSTEM", "Actor", "Created", "Workshop"]


class Workshop(
    People,
    Customers,
    WorkOrders,
    CheckIns,
    Inspections,
    Findings,
    Corrections,
    Approvals,
    Jobs,
    Delivery,
    ReadModel,
):
    def __init__(self, store: Store) -> None:
        self.store = store
