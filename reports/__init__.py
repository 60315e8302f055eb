"""The health report: data from the store, a deterministic PDF, a station signature.

Public API (see the README): `reports.issue.issue_report`, `reports.verify.verify_report`,
`reports.data.assemble`, `reports.render.render_pdf`, `reports.keys.create_station_keys`.
"""
