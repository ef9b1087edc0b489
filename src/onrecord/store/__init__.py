"""The corpus store: many Reports in one database, people and claims followed across articles.

``db.open_store`` opens (and migrates) a SQLite file or a PostgreSQL database;
``bulk.ingest_paths`` adds articles (a batch output a chunk at a time); ``queries`` answers who / claims / timeline / search.
See docs/store.md.
"""
from __future__ import annotations

from .errors import StoreError

__all__ = ["StoreError"]
