"""A terminal's live sync shutting down: the feed listener ends quietly, whenever it looks.

`run_live` closes the listener's connection to end a long-poll in flight; the
listener may be between its look at `stop` and its next request at that moment.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sync.server import CloudHandle
from tests.workshop.helpers import join


def test_the_feed_listener_ends_quietly_when_its_connection_was_closed_for_shutdown(
    tmp_path: Path, hub: CloudHandle
) -> None:
    desk = join(hub, tmp_path, "desk")
    client = desk.client
    client._listen_once(0.0)  # the listener's own connection, as after its first long-poll
    assert client._feed_http is not None
    # The shutdown closed it after the listener looked at `stop` and before its next request.
    client._feed_http.close()
    ended = threading.Event()
    client._listen_loop(threading.Event(), lambda _report: ended.set(), wait=0.1)
    assert not ended.is_set()  # nothing applied, no error: the loop simply ended
    desk.close()


def test_live_sync_stops_while_the_feed_is_held_open(tmp_path: Path, hub: CloudHandle) -> None:
    desk = join(hub, tmp_path, "desk")
    stop, wake = threading.Event(), threading.Event()
    failures: list[BaseException] = []
    seen = threading.excepthook

    def record(args: threading.ExceptHookArgs) -> None:
        failures.append(args.exc_value or RuntimeError(str(args.exc_type)))

    threading.excepthook = record
    try:
        runner = threading.Thread(target=desk.client.run_live, args=(stop, wake), daemon=True)
        runner.start()
        wake.set()  # a push, then the stop while the listener's long-poll is held open
        stop.set()
        wake.set()
        runner.join(60)
        assert not runner.is_alive()
        listeners = [t for t in threading.enumerate() if t.name == "sync-feed"]
        for listener in listeners:
            listener.join(60)
        assert failures == []
    finally:
        threading.excepthook = seen
    desk.close()
