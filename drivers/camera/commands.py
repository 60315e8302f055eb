"""`station camera`: check a camera from the command line and keep a full-resolution still.

Top-level imports stay light: OpenCV loads inside the handler.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
import time
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EXIT_NO_CAMERA = 3


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    parser = commands.add_parser(
        "camera", parents=[common], help="check a camera: state, frame rate, a still"
    )
    parser.add_argument(
        "--source",
        help="device index, video file, stream URL or `synthetic` (default: camera.source, else 0)",
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to preview")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds to wait for a frame")
    parser.add_argument("--snapshot", type=Path, help="save a full-resolution still as JPEG")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run_camera)


def run_camera(args: argparse.Namespace) -> int:
    from drivers.camera import Camera, CameraState, PreviewFrame, source_from_spec
    from drivers.camera.imaging import encode_jpeg
    from drivers.errors import DriverError
    from station.cli import config_from_args, print_json

    config = config_from_args(args, **{"camera.source": args.source})
    spec = str(config.get("camera.source", "0"))
    try:
        source = source_from_spec(spec)
    except DriverError as err:
        print(f"station camera: {err}", file=sys.stderr)
        return EXIT_NO_CAMERA
    camera = Camera(source, retry_interval_s=max(1.0, args.timeout))
    settled = threading.Event()
    seen: dict[str, Any] = {"frames": 0, "size": None}

    def on_preview(frame: PreviewFrame) -> None:
        seen["frames"] += 1  # count only: keeping 3 MB previews would fill the memory
        seen["size"] = list(frame.full_size)

    def on_state(state: CameraState, error: DriverError | None) -> None:
        if state is not CameraState.RECONNECTING:
            settled.set()

    camera.on_state(on_state)
    camera.on_preview(on_preview)
    result: dict[str, Any] = {"source": source.name, "snapshot": None}
    with camera:
        settled.wait(args.timeout)
        if camera.state is CameraState.STREAMING:
            counted, started = seen["frames"], time.monotonic()
            time.sleep(max(0.0, args.seconds))  # the preview runs meanwhile
            elapsed = time.monotonic() - started
            result["fps"] = round((seen["frames"] - counted) / elapsed, 1) if elapsed else 0.0
            if args.snapshot is not None:
                try:
                    still = camera.still()
                    args.snapshot.write_bytes(encode_jpeg(still.image))
                    result["snapshot"] = str(args.snapshot)
                except (DriverError, OSError) as err:
                    result["snapshot_error"] = str(err)
        state, error = camera.state, camera.error
    result["state"] = state.value
    result["error"] = None if error is None else str(error)
    result["size"] = seen["size"]
    if args.json:
        print_json(result)
    elif state is CameraState.STREAMING:
        width, height = result["size"]
        print(f"{source.name}: {state.value}, {width}x{height}, {result['fps']} fps")
        if result["snapshot"]:
            print(f"still saved to {result['snapshot']}")
    if "snapshot_error" in result:
        print(f"station camera: no still: {result['snapshot_error']}", file=sys.stderr)
        return EXIT_NO_CAMERA
    if state is not CameraState.STREAMING:
        print(f"station camera: {source.name}: {result['error'] or state.value}", file=sys.stderr)
        return EXIT_NO_CAMERA
    return 0
