"""What the simulators and the camera have in common: threads that run between start and stop."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from types import TracebackType
from typing import Self

log = logging.getLogger(__name__)


class Running(ABC):
    """Started on entering a `with` block and stopped on leaving it, also after an error."""

    @abstractmethod
    def start(self) -> object:
        """Start the background threads."""

    @abstractmethod
    def stop(self) -> None:
        """Stop the background threads and wait for them."""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
