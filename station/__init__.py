"""Bay Station domain core: work orders, checklists, findings, approvals and the store.

The core is pure Python with no Qt and no device libraries, so every layer above
it (drivers, reports, sync, ui) can rely on it and tests can run it headless.
"""

__version__ = "0.1.0"
