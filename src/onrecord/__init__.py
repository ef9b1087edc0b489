"""onrecord: who said what, to whom, when, in which exact words, and how every source stands.

>>> import onrecord
>>> report = onrecord.analyze("The minister said on Tuesday that taxes would fall.")
>>> [(a.speaker.text, a.cue.text) for a in report.attributions]
[('The minister', 'said')]
"""
from .errors import DateError, InputError, ModelError, OnrecordError

__version__ = "0.1.0"
__all__ = ["analyze", "analyze_article", "Report", "OnrecordError", "InputError", "ModelError",
           "DateError", "__version__"]


def __getattr__(name: str):
    # the engine pulls in spaCy (and through thinc, torch): commands that never parse an
    # article (--version, who, search, serve) start in a fraction of the time without it
    if name in ("analyze", "analyze_article"):
        from . import engine
        return getattr(engine, name)
    if name == "Report":
        from .report import Report
        return Report
    raise AttributeError(f"module 'onrecord' has no attribute {name!r}")
