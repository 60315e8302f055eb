"""Who may read a file from the service: only the workshop whose terminals sent it."""

from __future__ import annotations

import hashlib
import os

from sync.server import CloudHandle
from tests.sync.test_api import enrolled


def test_a_terminal_of_another_workshop_cannot_read_a_workshops_files(
    sqlite_cloud: CloudHandle,
) -> None:
    harbour = enrolled(sqlite_cloud, "Harbour Motors", "harbour-desk")
    harbour_bay = enrolled(sqlite_cloud, "Harbour Motors", "harbour-bay")
    river = enrolled(sqlite_cloud, "River Garage", "river-desk")
    photo = b"\xff\xd8\xff" + os.urandom(5000) + b"\xff\xd9"
    sha = hashlib.sha256(photo).hexdigest()
    assert harbour.post(f"/v1/blobs/{sha}", content=photo).status_code == 204

    # the workshop's own terminals fetch it (a photo another bay took)
    assert harbour_bay.get(f"/v1/blobs/{sha}").content == photo
    assert harbour.get(f"/v1/blobs/{sha}").content == photo
    # another workshop's terminal knowing the file's hash gets nothing
    refused = river.get(f"/v1/blobs/{sha}")
    assert refused.status_code == 404, refused.status_code
    assert photo not in refused.content
