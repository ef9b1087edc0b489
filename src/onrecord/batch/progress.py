"""Counting a batch as it runs: articles, tokens, failures, and the rates a user watches."""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator


class Tracker:
    """Counts results as they arrive and, when given a rich Progress, shows the rates.

    ``warm_seconds`` and ``warm_tokens`` run from the first result on, leaving out the start
    of the workers and the loading of their pipelines, for throughput figures.
    """

    def __init__(self, bar=None):
        self.bar, self.task = bar, None
        self.articles = self.tokens = self.failed = 0
        self.started = time.perf_counter()
        self.first: float | None = None
        self.first_tokens = 0
        self.last = self.started
        if bar is not None:
            self.task = bar.add_task("analysing", total=None, rate="", errors=0)

    def article(self, tokens: int) -> None:
        """One article done."""
        self._tick(tokens)
        self.articles += 1
        self.tokens += tokens
        self._show()

    def failure(self) -> None:
        """One record failed."""
        self._tick(0)
        self.failed += 1
        self._show()

    def shard(self, articles: int, tokens: int, failed: int) -> None:
        """A whole shard done (engines that report per shard, like Spark)."""
        self._tick(0)
        self.articles += articles
        self.tokens += tokens
        self.failed += failed
        self._show()

    def _tick(self, tokens: int) -> None:
        self.last = time.perf_counter()
        if self.first is None:
            self.first, self.first_tokens = self.last, tokens

    @property
    def seconds(self) -> float:
        """Wall time since the tracker started."""
        return self.last - self.started

    @property
    def warm_seconds(self) -> float:
        """Time from the first result to the last."""
        return self.last - self.first if self.first is not None else 0.0

    @property
    def warm_tokens(self) -> int:
        """Tokens of every article after the first."""
        return self.tokens - self.first_tokens

    def _show(self) -> None:
        if self.bar is None:
            return
        secs = max(time.perf_counter() - self.started, 1e-9)
        rate = f"{self.articles / secs:,.1f} articles/s  {self.tokens / secs:,.0f} tokens/s"
        self.bar.update(self.task, completed=self.articles, rate=rate, errors=self.failed)


@contextmanager
def progress_bar(console, enabled: bool) -> Iterator[Tracker]:
    """A Tracker showing a rich progress line on ``console`` (or counting silently)."""
    if not enabled:
        yield Tracker()
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
               MofNCompleteColumn(), TextColumn("articles  {task.fields[rate]}"),
               TextColumn("{task.fields[errors]} failed"), TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=False) as bar:
        yield Tracker(bar)
