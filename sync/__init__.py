"""Cloud sync: the station's sync client and the reference cloud service it talks to.

The public entry points are `sync.client.SyncClient` (station side) and
`sync.server.start_cloud_in_thread` / `sync.server.create_app` (cloud side).
"""
