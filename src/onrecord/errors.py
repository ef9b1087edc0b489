"""Typed errors raised by the library; the CLI turns each into one sentence."""
from __future__ import annotations


class OnrecordError(Exception):
    """Base class of every error onrecord raises on purpose."""


class InputError(OnrecordError):
    """An input that cannot be read as an article: names the input and the problem."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


class ModelError(OnrecordError):
    """The spaCy pipeline named by the settings cannot be loaded."""


class DateError(OnrecordError):
    """A publication date that cannot be true (malformed, impossible)."""
