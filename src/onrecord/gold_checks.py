"""Checks of a gold file beyond attributions: headings, time expressions, claims.

``onrecord eval gold`` prints these after the attribution figures.
"""
from __future__ import annotations

from typing import Any

from .report import Report


def extra_checks(gold: dict, report: Report) -> dict[str, Any]:
    """Figures for the parts of the gold file other than attributions."""
    out: dict[str, Any] = {}
    blocks = report.article.blocks
    if "boilerplate_lines" in gold:
        got = {b.line for b in blocks if b.is_boilerplate}
        want = set(gold["boilerplate_lines"])
        out["boilerplate lines"] = f"{len(got & want)}/{len(want)} found, {len(got - want)} extra"
    if "heading_lines" in gold:
        got = {b.line for b in blocks if b.kind == "heading"}
        want = set(gold["heading_lines"])
        out["heading lines"] = f"{len(got & want)}/{len(want)} found, {len(got - want)} extra"
    return out
