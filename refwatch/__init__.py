"""Refwatch: documents forced repatriation of North Korean escapees from China."""

__version__ = "0.1.0"
