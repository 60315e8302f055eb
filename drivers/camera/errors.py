"""The camera's errors, in the drivers' one exception tree."""

from __future__ import annotations

from drivers.errors import AdapterNotFound, AdapterVanished, DecodeError, DriverError


class CameraError(DriverError):
    """Base of the camera's own errors."""


class CameraNotFound(CameraError, AdapterNotFound):
    """No camera at that index, file or address, or it cannot be opened."""


class CameraVanished(CameraError, AdapterVanished):
    """The camera stopped giving frames in the middle of a preview (unplugged, stream lost)."""


class EndOfVideo(CameraVanished):
    """A video file has no more frames and is not played in a loop."""


class CameraNotStreaming(CameraError):
    """A still was asked for while the camera gives no frames."""


class ImageError(CameraError, DecodeError):
    """Bytes that are not a usable JPEG, or an annotation that cannot be drawn."""
