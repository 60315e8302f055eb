"""Layered configuration: command-line flags, then `STATION_*` variables, then a TOML file.

A bay terminal is configured once in `station.toml` in its data folder; a test
or a technician overrides one value for one run with an environment variable or
a flag, without editing the file.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from station.errors import InvalidInput

log = logging.getLogger(__name__)

ENV_PREFIX = "STATION_"
CONFIG_FILE_NAME = "station.toml"


def default_data_dir() -> Path:
    """The platform's user data folder, unless `STATION_DATA_DIR` says otherwise."""
    env = os.environ.get(ENV_PREFIX + "DATA_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir("bay-station", appauthor=False))


@dataclass(frozen=True)
class Config:
    """Settings resolved from the three layers; `get` answers with the first layer that has it.

    Keys are dotted (`can.interface`); the environment spells them upper case with
    underscores (`STATION_CAN_INTERFACE`), the TOML file as tables (`[can] interface`).
    """

    data_dir: Path
    flags: Mapping[str, Any] = field(default_factory=dict)
    env: Mapping[str, str] = field(default_factory=dict)
    file_values: Mapping[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        flag = self.flags.get(key)
        if flag is not None:
            return flag
        env_key = ENV_PREFIX + key.replace(".", "_").replace("-", "_").upper()
        if env_key in self.env:
            return self.env[env_key]
        node: Any = self.file_values
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return default
            node = node[part]
        return node

    def get_int(self, key: str, default: int) -> int:
        """A whole-number setting; a value that is not one is refused with its key."""
        value = self.get(key, default)
        try:
            return int(value)
        except (TypeError, ValueError) as err:
            raise InvalidInput(
                f"setting {key} must be a whole number, not {value!r}",
                key="config.not_whole",
                setting=key,
                value=repr(value),
            ) from err

    @property
    def database_path(self) -> Path:
        return self.data_dir / "station.db"


def load_config(
    data_dir: Path | None = None,
    flags: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Config:
    """Resolve the data folder and read its TOML file (or the one given)."""
    environment = dict(os.environ if env is None else env)
    if data_dir is None:
        env_dir = environment.get(ENV_PREFIX + "DATA_DIR")
        data_dir = Path(env_dir) if env_dir else default_data_dir()
    path = config_file or Path(environment.get(ENV_PREFIX + "CONFIG", data_dir / CONFIG_FILE_NAME))
    values: dict[str, Any] = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise InvalidInput(
                f"configuration file {path} is not valid TOML: {err}",
                key="config.not_toml",
                path=str(path),
                reason=str(err),
            ) from err
        log.debug("read configuration from %s", path)
    elif config_file is not None:
        raise InvalidInput(
            f"configuration file {path} does not exist", key="config.missing", path=str(path)
        )
    return Config(data_dir=data_dir, flags=dict(flags or {}), env=environment, file_values=values)
