"""Opening the station at start-up, for the command line and the app alike.

Start-up says which of the station's files others can read, refuses a damaged
database (the store's own check), and takes the day's backup when one is due.
A backup that fails (a full disk) is reported but does not stop the workshop.
"""

from __future__ import annotations

import logging

from station import backup
from station.config import Config
from station.errors import StoreError
from station.private import warn_if_exposed
from station.store import Store

log = logging.getLogger(__name__)


def open_station(config: Config, full_check: bool = True) -> Store:
    """The checked, migrated store of the station in `config.data_dir` (it must exist).

    The app reads every page at start; a command line command (`full_check`
    False) relies on a whole-file check made since the last boot, within a day.
    """
    warn_if_exposed(config.data_dir)
    store = Store.open(config.database_path, full_check=full_check)
    keep = config.get_int("backup.keep_daily", backup.KEEP[backup.DAILY])
    try:
        backup.daily(config.database_path, store.clock(), keep)
    except StoreError as err:
        log.warning("the daily backup was not taken: %s", err)
    return store
