"""Renderings of Reports for the terminal and for machines.

Article text is untrusted: in the table it goes through ``rich.text.Text``, which never
interprets markup, so a quote holding "[bold]" or escape-like text is shown as written.
"""
from __future__ import annotations

import io
import json

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import settings
from .report import Report

#: Content longer than this is shortened in the table (the JSON keeps it whole); 160
#: characters is two lines of a wide terminal, enough to recognise a quote.
_TABLE_CONTENT_CHARS = 160


def render(reports: list[Report], fmt: str, console: Console | None = None,
           min_confidence: float | None = None, speech_only: bool = False) -> str:
    """Render reports as ``table``, ``json`` or ``jsonl``; a table goes straight to ``console``.

    The table hides rows below ``settings.DEFAULT_MIN_CONFIDENCE`` unless a minimum is
    given; JSON and JSONL keep every row unless one is (``settings.min_confidence``).
    ``speech_only`` keeps the rows whose act is in ``settings.SPEECH_ACTS``."""
    floor = settings.min_confidence(min_confidence, for_humans=fmt == "table")
    acts = settings.SPEECH_ACTS if speech_only else None
    if fmt == "table":
        target = console or Console(file=io.StringIO(), width=160, highlight=False)
        for report in reports:
            confident = report.selected(floor)
            hidden = len(report.attributions) - len(confident.attributions)
            for renderable in tables(confident.selected(0.0, acts), hidden=hidden, floor=floor):
                target.print(renderable)
        return "" if console is not None else target.file.getvalue()  # type: ignore[union-attr]
    reports = [r.selected(floor, acts) for r in reports]
    if fmt == "jsonl":
        return "".join(r.to_jsonl() for r in reports)
    body = [r.to_dict() for r in reports]
    return json.dumps(body[0] if len(body) == 1 else body, ensure_ascii=False, indent=2) + "\n"


def tables(report: Report, hidden: int = 0, floor: float = 0.0) -> list:
    """The attribution table, then the claims table, of one report."""
    meta = report.article
    title = Text(f"{meta.doc_id}", style="bold")
    if meta.title:
        title.append(f" — {meta.title}")
    if meta.published:
        title.append(f" ({meta.published}, {meta.published_source})")
    out: list = [title]
    for w in report.warnings:
        out.append(Text(f"warning: {w}", style="yellow"))
    out.append(attribution_table(report, hidden, floor))
    if report.claims:
        out.append(claims_table(report))
    return out


def _content_words(text: str, content) -> str:
    """A content as the table shows it: its pieces joined by " … ", so the cue between the
    pieces of a split quote ('"X," joked Ortega. "Y."') is not read as the speaker's words."""
    spans = content.spans or [(content.start, content.end)]
    return " … ".join(text[s:e] for s, e in spans)


def attribution_table(report: Report, hidden: int = 0, floor: float = 0.0) -> Table:
    """Speaker, cue, kind, act, stance, content, to whom, when and confidence, one row per
    attribution; the title says how many rows fell below the minimum confidence."""
    title = f"{len(report.attributions)} attributions"
    if hidden:
        title += f" ({hidden} more below confidence {floor:g} hidden; --min-confidence 0 shows them)"
    table = Table(show_lines=False, expand=False, title=title)
    for col in ("line", "speaker", "cue", "kind", "act", "stance", "content", "to whom", "when", "conf"):
        table.add_column(col, overflow="fold", max_width=60 if col == "content" else 28)
    for a in report.attributions:
        speaker = a.speaker.text if a.speaker else "—"
        if a.speaker and a.speaker.entity and a.speaker.entity != a.speaker.text:
            speaker += f" ({a.speaker.entity})"
        content = _content_words(report.article.text, a.content) if a.content else ""
        if len(content) > _TABLE_CONTENT_CHARS:
            content = content[:_TABLE_CONTENT_CHARS - 1] + "…"
        stance = a.stance + (" (hedged)" if a.hedged else "")
        when = ""
        if a.when:
            when = a.when.text + (f" = {a.when.value}" if a.when.value else "")
        table.add_row(*(Text(str(x)) for x in (
            a.line or "", speaker, a.cue.text if a.cue else "", a.kind, a.act, stance, content,
            a.addressee.text if a.addressee else "", when,
            "" if a.confidence is None else f"{a.confidence:.2f}")))
    return table


def claims_table(report: Report) -> Table:
    """Each claim with its status and who stands where."""
    table = Table(title=f"{len(report.claims)} claims")
    for col in ("claim", "status", "asserted", "confirmed", "disputed", "denied", "declined"):
        table.add_column(col, overflow="fold", max_width=50 if col == "claim" else 24)
    for c in report.claims:
        table.add_row(*(Text(x) for x in (
            c.text[:_TABLE_CONTENT_CHARS], c.status, ", ".join(c.asserted_by), ", ".join(c.confirmed_by),
            ", ".join(c.disputed_by), ", ".join(c.denied_by), ", ".join(c.declined_by))))
    return table
