"""Counting a batch as it runs: articles, tokens, failures, and the rates a user watches."""
from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Iterator


class Tracker:
    """Counts results as they arrive and, when given a rich Progress, shows the rates.

    ``warm_seconds`` and ``warm_tokens`` run from ``ready()`` (every worker started, every
    pipeline loaded) to the last result: the steady-state throughput, for benchmarks.
    """

    def __init__(self, bar=None):
        self.bar, self.task = bar, None
        self.articles = self.tokens = self.failed = 0
        self.cpu = 0.0  # worker CPU seconds spent analysing
        self.started = self.last = time.perf_counter()
        self.ready_at: float | None = None
        self.ready_tokens = self.ready_articles = 0
        if bar is not None:
            self.task = bar.add_task("analysing", total=None, rate="", errors=0)

    def ready(self) -> None:
        """Every worker is up with its pipeline loaded: steady state starts now."""
        self.ready_at, self.ready_tokens = time.perf_counter(), self.tokens
        self.ready_articles = self.articles

    def article(self, tokens: int, cpu: float = 0.0) -> None:
        """One article done, with its tokens and the CPU seconds its worker spent."""
        self.last = time.perf_counter()
        self.cpu += cpu
        self.articles += 1
        self.tokens += tokens
        self._show()

    def failure(self) -> None:
        """One record failed."""
        self.last = time.perf_counter()
        self.failed += 1
        self._show()

    def shard(self, articles: int, tokens: int, failed: int) -> None:
        """A whole shard done (engines that report per shard, like Spark)."""
        self.last = time.perf_counter()
        self.articles += articles
        self.tokens += tokens
        self.failed += failed
        self._show()

    @property
    def seconds(self) -> float:
        """Wall time from the start to the last result."""
        return self.last - self.started

    @property
    def warm_seconds(self) -> float:
        """Time from ``ready()`` (else the start) to the last result."""
        return self.last - (self.ready_at or self.started)

    @property
    def warm_tokens(self) -> int:
        """Tokens of the articles finished after ``ready()``."""
        return self.tokens - self.ready_tokens

    def _show(self) -> None:
        if self.bar is None:
            return
        secs = max(time.perf_counter() - (self.ready_at or self.started), 1e-9)
        done = self.articles - self.ready_articles
        rate = f"{done / secs:,.1f} articles/s  {self.warm_tokens / secs:,.0f} tokens/s"
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
