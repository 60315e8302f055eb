"""This terminal's own settings (its bay name and screen language) in the data folder."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from ui.station_devices import replace_file

log = logging.getLogger(__name__)

SETTINGS_FILE = "app-settings.json"


def load_settings(data_dir: Path) -> dict[str, str]:
    path = data_dir / SETTINGS_FILE
    if not path.exists():
        return {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        log.warning("ignoring unreadable %s: %s", path, err)
        return {}
    return {str(k): str(v) for k, v in loaded.items()}


def save_settings(data_dir: Path, values: dict[str, str]) -> None:
    encoded = json.dumps(values, ensure_ascii=False, indent=2).encode("utf-8")
    replace_file(data_dir / SETTINGS_FILE, encoded)


def remember(data_dir: Path, **values: str) -> None:
    """Keep some of the settings, leaving the others as they are."""
    kept = load_settings(data_dir)
    kept.update(values)
    save_settings(data_dir, kept)
