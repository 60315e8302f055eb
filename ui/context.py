"""What the screens are handed: the model, the workers and the devices."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from station.photos import PhotoStore
from ui.devices import DeviceHub
from ui.model import StationModel
from ui.report_jobs import ReportProcess
from ui.workers import Workers

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    model: StationModel
    workers: Workers
    devices: DeviceHub
    photos: PhotoStore
    reports: ReportProcess
