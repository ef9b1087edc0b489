"""Errors of the store, each one line the CLI prints as it is."""
from __future__ import annotations

from ..errors import OnrecordError


class StoreError(OnrecordError):
    """The store cannot be opened or used (a bad URL, a missing file, a mismatched embedder)."""


class MissingExtra(StoreError):
    """An optional dependency the requested input or feature needs is not installed."""
