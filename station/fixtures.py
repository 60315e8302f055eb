"""Where the data files live: `fixtures/` beside the packages, or `STATION_FIXTURES`."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from station.errors import NotFound


def fixtures_dir() -> Path:
    env = os.environ.get("STATION_FIXTURES")
    return Path(env) if env else Path(__file__).resolve().parent.parent / "fixtures"


def load_json(relative: str) -> Any:
    path = fixtures_dir() / relative
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise NotFound(f"fixture {relative} is missing") from err
