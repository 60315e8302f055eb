"""The station app: bay (technician) and desk (advisor) views on PySide6.

Importing this package stays cheap: Qt is imported by the modules that need it,
so `station --help` does not load PySide6.
"""
