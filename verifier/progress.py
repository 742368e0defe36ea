"""Solver activity -> what a person at a terminal sees: a progress line and --verbose timings.

`Activity` observes the sessions it is given to (`pipeline.Options.observer`) and keeps,
per instrument, when its session started and how many queries it ran. An
instrument's time runs from its session's start to the next instrument's (or
the end of the run), so it includes its checks, witnesses and expectations;
loading and parsing come before the first session and are shown apart.

`ProgressLine` redraws one status line on a terminal's standard error (with
rich's live display) while a run lasts longer than a second, and erases it at
the end; it draws nothing anywhere else (a pipe, a file, CI logs), so reports and transcripts never
contain it.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Self, TextIO

from rich.console import Console
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text

from verifier.findings import Report


@dataclass
class InstrumentStat:
    name: str
    path: str
    start: float
    end: float | None = None
    queries: int = 0

    def seconds(self, now: float) -> float:
        return (self.end if self.end is not None else now) - self.start


class Activity:
    """An observer of session events (thread-safe): per-instrument timings and query counts."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.start = clock()
        self.end: float | None = None
        self.stats: list[InstrumentStat] = []
        self._by_session: dict[int, InstrumentStat] = {}
        self._lock = threading.Lock()

    def __call__(self, event: str, session: Any) -> None:
        now = self.clock()
        with self._lock:
            if event == "session":
                instrument = session.instrument
                # One after another, a session's start ends the previous one; a session run
                # alongside others (`--jobs`, in a worker) ends with its own "done" event.
                if self.stats and self.stats[-1].end is None and not getattr(session, "concurrent", False):
                    self.stats[-1].end = now
                stat = InstrumentStat(instrument.name, str(instrument.path), now)
                self.stats.append(stat)
                self._by_session[id(session)] = stat
            elif event == "query":
                counting = self._by_session.get(id(session))
                if counting is not None:
                    counting.queries += 1
            elif event == "done":
                ending = self._by_session.get(id(session))
                if ending is not None and ending.end is None:
                    ending.end = now

    def finish(self) -> None:
        with self._lock:
            self.end = self.clock()
            if self.stats and self.stats[-1].end is None:
                self.stats[-1].end = self.end

    @property
    def queries(self) -> int:
        return sum(s.queries for s in self.stats)

    def elapsed(self) -> float:
        return (self.end if self.end is not None else self.clock()) - self.start

    def status(self) -> str:
        """One line for the progress display."""
        with self._lock:
            elapsed = self.elapsed()
            if not self.stats:
                return f"nverify: loading specs \u00b7 {elapsed:.1f} s"
            running = [s for s in self.stats if s.end is None]
            current = running[-1] if running else self.stats[-1]
            done = len(self.stats) - len(running)
            # What matters first: a narrow terminal cuts the end of the line.
            return (f"nverify: checking {current.name} \u00b7 {elapsed:.1f} s \u00b7 {self.queries:,} queries \u00b7 "
                    f"{done} instrument{'s' if done != 1 else ''} done \u00b7 {current.path}")

    def verbose_lines(self, report: Report | None) -> list[str]:
        """Per-instrument timings and query counts, then the totals (for --verbose)."""
        lines = []
        loading = (self.stats[0].start if self.stats else (self.end or self.clock())) - self.start
        lines.append(f"nverify: loading and parsing: {loading:.2f} s")
        now = self.clock()
        for s in self.stats:
            found = sum(1 for f in report.findings if f.file == s.path) if report else 0
            lines.append(f"nverify: {s.name} ({s.path}): {s.seconds(now):.2f} s, {s.queries:,} "
                         f"quer{'y' if s.queries == 1 else 'ies'}, {found} finding{'s' if found != 1 else ''}")
        count = len(self.stats)
        lines.append(f"nverify: total: {count} instrument{'s' if count != 1 else ''}, {self.queries:,} "
                     f"quer{'y' if self.queries == 1 else 'ies'}, {self.elapsed():.2f} s")
        return lines


class ProgressLine:
    """A status line on a terminal, redrawn every `interval` seconds after `delay` seconds
    (rich's live display, transient: erased when the run ends; cut, never wrapped, at the
    terminal's width).

    Inactive (draws nothing, starts no thread) unless the stream is a terminal.
    """

    def __init__(self, stream: TextIO, status: Callable[[], str], *, delay: float = 1.0,
                 interval: float = 0.1) -> None:
        self.stream = stream
        self.status = status
        self.delay = delay
        self.interval = interval
        self.active = _isatty(stream)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        if self.active:
            self._thread = threading.Thread(target=self._run, name="nverify-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        # One column short of the terminal: a line that fills the last column may wrap.
        width = max(shutil.get_terminal_size((80, 24)).columns - 1, 2)
        console = Console(file=self.stream, width=width, highlight=False, markup=False, emoji=False)
        spinner = Spinner("dots")  # (its frames and their pace: the line also shows the status)

        def line() -> Text:
            frame = spinner.frames[int(console.get_time() * 1000 / spinner.interval) % len(spinner.frames)]
            return Text(f"{frame} {self.status()}", no_wrap=True, overflow="ellipsis")

        with Live(get_renderable=line, console=console, transient=True, refresh_per_second=1 / self.interval,
                  redirect_stdout=False, redirect_stderr=False):
            self._stop.wait()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def watching(activity: Activity, *, show: bool, stream: TextIO | None = None) -> Iterator[Activity]:
    """Show a progress line on a terminal when `show` while the block runs (the sessions made in
    it report to `activity`, given to them as their observer: pipeline.Options.observer).

    The delay before the line appears is one second (`NVERIFY_PROGRESS_DELAY`
    overrides it, for tests). The line is erased before the block's result is
    printed, and the activity is finished however the block ends.
    """
    stream = stream if stream is not None else sys.stderr
    try:
        delay = float(os.environ.get("NVERIFY_PROGRESS_DELAY", "1.0"))
    except ValueError:
        delay = 1.0
    line = ProgressLine(stream, activity.status, delay=delay) if show else None
    try:
        if line is None:
            yield activity
        else:
            with line:
                yield activity
    finally:
        activity.finish()
