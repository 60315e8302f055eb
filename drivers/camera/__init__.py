"""The camera: capture sources, the capture thread and the image functions photos need.

`Camera(source)` previews and takes stills in its own thread; sources are
`OpenCVSource` (device index, video file, stream URL) and `SyntheticCamera`,
the simulated twin. `drivers.camera.imaging` holds the plain array functions.
"""

from drivers.camera.capture import Camera, CameraState, PreviewFrame, Still
from drivers.camera.errors import (
    CameraError,
    CameraNotFound,
    CameraNotStreaming,
    CameraVanished,
    EndOfVideo,
    ImageError,
)
from drivers.camera.sources import (
    FrameSource,
    OpenCVSource,
    SyntheticCamera,
    parse_target,
    source_from_spec,
)

__all__ = [
    "Camera",
    "CameraError",
    "CameraNotFound",
    "CameraNotStreaming",
    "CameraState",
    "CameraVanished",
    "EndOfVideo",
    "FrameSource",
    "ImageError",
    "OpenCVSource",
    "PreviewFrame",
    "Still",
    "SyntheticCamera",
    "parse_target",
    "source_from_spec",
]
