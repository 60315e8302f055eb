"""Real SocketCAN where the host kernel has no vcan: `test_hil_vcan.py` inside a
user-mode-linux guest (Debian package user-mode-linux: a Linux kernel run as a
process, with CAN, CAN_RAW and CAN_VCAN as modules and HOSTFS built in; no KVM,
no disk image). The guest mounts the host's root read-only through hostfs, loads
the CAN modules, makes vcan0, runs the tests there and leaves their exit status
and output in a folder of the host mounted writable.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GUEST_TIMEOUT = 600

INIT = """#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
mkdir -p /tmp/out /tmp/home
mount -t hostfs none /tmp/out -o {out}
modules=/usr/lib/uml/modules/$(uname -r)/kernel
for module in net/can/can.ko net/can/can-raw.ko drivers/net/can/dev/can-dev.ko \\
        drivers/net/can/vcan.ko; do
    [ -f "$modules/$module" ] && insmod "$modules/$module"
done
ip link add dev vcan0 type vcan && ip link set up vcan0
cd {repo}
HOME=/tmp/home PYTHONDONTWRITEBYTECODE=1 QT_QPA_PLATFORM=offscreen \\
    {python} -m pytest tests/hil/test_hil_vcan.py -q -p no:cacheprovider -p no:randomly \\
    --basetemp=/tmp/pytest > /tmp/out/log 2>&1
echo $? > /tmp/out/rc
poweroff -f
"""


def test_vcan_tests_pass_inside_a_user_mode_linux_guest(tmp_path: Path) -> None:
    kernel = shutil.which("linux.uml")
    if kernel is None:
        pytest.skip("Debian package user-mode-linux is not installed (./dev installs it)")
    out = tmp_path / "out"
    out.mkdir()
    init = tmp_path / "init.sh"
    init.write_text(INIT.format(out=out, repo=REPO, python=sys.executable), encoding="ascii")
    init.chmod(0o755)
    boot = subprocess.run(
        [
            kernel,
            "mem=512M",
            "rootfstype=hostfs",
            "rootflags=/",
            "ro",
            f"init={init}",
            "con=null",
            "con0=null,fd:1",
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=GUEST_TIMEOUT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    rc_file = out / "rc"
    if not rc_file.exists():
        # ptrace is how the guest's kernel runs its processes: a host whose ptrace
        # refuses what it needs (its own words on the console) cannot run the guest
        said = [line.strip() for line in boot.stdout.splitlines() if "ptrace" in line]
        if said:
            pytest.skip(f"this host's ptrace cannot run a user-mode-linux guest: {said[0]}")
        pytest.fail(f"the guest ended without a result: {boot.stdout[-3000:]}")
    log = (out / "log").read_text(encoding="utf-8", errors="replace")
    assert rc_file.read_text().strip() == "0", log[-5000:]
    assert " passed" in log and "skipped" not in log, log[-2000:]
