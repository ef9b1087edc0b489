"""onrecord: who said what, to whom, when, in which exact words, and how every source stands.

>>> import onrecord
>>> report = onrecord.analyze("The minister said on Tuesday that taxes would fall.")
>>> [(a.speaker.text, a.cue.text) for a in report.attributions]
[('The minister', 'said')]
"""
from .engine import analyze, analyze_article
from .errors import DateError, InputError, ModelError, OnrecordError
from .report import Report

__version__ = "0.1.0"
__all__ = ["analyze", "analyze_article", "Report", "OnrecordError", "InputError", "ModelError",
           "DateError", "__version__"]
