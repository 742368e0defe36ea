"""Checking instruments side by side in worker processes (`nverify --jobs N`).

The tasks are instruments, and the parts of a large one (`pipeline.parts_of`); the parent
puts an instrument's parts together (`pipeline.assemble`) as the one process would.

Z3 objects do not cross processes, so a worker receives an instrument (the
checked model: plain Python) and builds its own context and session, exactly
as `pipeline.check_instrument` does in one process: the findings are the same,
and `pipeline.run` puts them in the same order. What comes back is plain data
(findings, expectations, the drafts checked).

Workers are forked when this process has not run the solver yet (the command
line: nothing to copy but the loaded specs); otherwise they are started fresh
(`spawn`), since a forked copy of a process in which Z3 has worked can hang on
Z3's timer threads, which do not survive a fork. Observers of the sessions
(the progress line, --verbose timings) hear of the workers' sessions and
queries through stand-ins: see `RemoteSession`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import queue
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dsl.model import Instrument
from verifier import session as session_module
from verifier.ground import estimate_atoms

POLL_S = 0.2         # how often the parent looks at its workers while it waits
QUERY_REPORT_S = 0.25  # how often a worker reports its query count (for the progress line)



@dataclass(eq=False)
class RemoteSession:
    """Stands for a session that runs in a worker: what observers read of a Session."""

    instrument: Instrument
    concurrent: bool = True  # runs alongside others: its start does not end the previous one


def _ignore(event: str, session: object) -> None:
    """The observer of a run nobody watches."""


def start_method() -> str:
    if "fork" in multiprocessing.get_all_start_methods() and not session_module.sessions_made():
        return "fork"
    return "spawn"


def cost(instrument: Instrument) -> int:
    """A rough size, to start the biggest instruments first (the last to finish sets the time):
    the grounded size of the norms, times the drafts and reading sets they are checked in."""
    from dsl.formula import ground_size
    from verifier.checks.pretext import claimants
    from verifier.pipeline import drafts_of_interest

    size = estimate_atoms(instrument)
    for norm in instrument.norms:
        instances = len(norm.subjects)
        for _, domain in norm.pattern_vars:
            instances *= len(domain)
        parts = (norm.condition, norm.where, *((norm.keep,) if norm.keep is not None else ()))
        size += instances * (1 + sum(ground_size(p) for p in parts))
    return size * len(drafts_of_interest(instrument, [])) * (1 + len(claimants(instrument)))


def check_all(instruments: list[Instrument], options: Any, jobs: int) -> list[Any]:
    """pipeline.check_instrument for every instrument, in `jobs` worker processes; results in order.

    An error is raised as `check_instrument` would raise it one instrument after another:
    the error of the first instrument (in order) that fails, once every instrument before
    it is done.
    """
    method = start_method()
    # Any: typeshed gives a context of a method named at run time no `Process` (every real one has it).
    ctx: Any = multiprocessing.get_context(method)
    tasks: Any = ctx.Queue()
    results: Any = ctx.Queue()
    forked = method == "fork"
    # A forked worker inherits the instruments with its arguments (nothing is pickled); a
    # spawned one receives each with its task.
    shared = list(instruments) if forked else []
    notify = options.observer or _ignore
    options = dataclasses.replace(options, observer=None)  # (the parent's, with its locks)
    from verifier.pipeline import assemble, parts_of

    # A large instrument comes in parts (pipeline.parts_of), each a task; the largest go first.
    parts = [parts_of(i) for i in instruments]
    costs = [cost(i) / len(p) for i, p in zip(instruments, parts, strict=True)]
    order = sorted(((index, k) for index in range(len(instruments)) for k in range(len(parts[index]))),
                   key=lambda t: (-costs[t[0]], t))
    for index, k in order:
        tasks.put((index, k, None if forked else instruments[index]))
    for _ in range(jobs):
        tasks.put(None)
    workers = [ctx.Process(target=_work, args=(tasks, results, options, shared), name=f"nverify-worker-{n}",
                           daemon=True) for n in range(jobs)]
    for w in workers:
        w.start()
    stand_ins = [RemoteSession(i) for i in instruments]
    done: dict[int, Any] = {}
    failed: dict[int, BaseException] = {}
    pieces: dict[int, dict[int, Any]] = {}  # instrument -> part -> what the part found
    started: set[int] = set()
    try:
        while True:
            first_failure = min(failed, default=None)
            if first_failure is not None and all(i in done or i in failed for i in range(first_failure)):
                raise failed[first_failure]
            if len(done) == len(instruments):
                return [done[i] for i in range(len(instruments))]
            try:
                message = results.get(timeout=POLL_S)
            except queue.Empty:
                if not any(w.is_alive() for w in workers) or any(w.exitcode not in (None, 0) for w in workers):
                    dead = next((w for w in workers if w.exitcode not in (None, 0)), workers[0])
                    raise RuntimeError(f"a worker process ended unexpectedly (exit code {dead.exitcode}) "
                                       "before every instrument was checked") from None
                continue
            kind, index = message[0], message[1]
            if kind == "start":
                if index not in started:
                    started.add(index)
                    notify("session", stand_ins[index])
            elif kind == "queries":
                for _ in range(message[2]):
                    notify("query", stand_ins[index])
            elif kind == "done":
                found = pieces.setdefault(index, {})
                found[message[2]] = message[3]
                if len(found) == len(parts[index]) and index not in failed:
                    done[index] = assemble(instruments[index], options, [found[k] for k in range(len(parts[index]))])
                    notify("done", stand_ins[index])
            elif index not in failed:  # (the first error of an instrument's parts is its error)
                error, trace = _rebuilt(*message[3]), message[4]
                if trace:
                    error.add_note("in a worker process:\n" + trace.rstrip())
                failed[index] = error
                notify("done", stand_ins[index])
    finally:
        for w in workers:
            if w.is_alive():
                w.terminate()
        for w in workers:
            w.join()
        tasks.close()
        results.close()


def _work(tasks: Any, results: Any, options: Any, shared: list[Instrument]) -> None:
    """A worker: check the instruments it is given until told to stop."""
    # Ctrl-C at the terminal reaches the workers too: they end quietly, the parent reports.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)
    from verifier import collector
    from verifier.pipeline import check_part, parts_of

    collector.tune()  # (a spawned worker starts with the defaults)
    parent = os.getppid()
    while True:
        task = tasks.get()
        if task is None or os.getppid() != parent:  # stop, or the parent is gone
            return
        index, k, instrument = task
        if instrument is None:
            instrument = shared[index]
        parts = parts_of(instrument)
        observer, counted = _query_reporter(results, index, parent)
        results.put(("start", index))
        try:
            outcome = check_part(instrument, dataclasses.replace(options, observer=observer), parts[k], len(parts))
        except BaseException as err:  # noqa: BLE001 - every error goes back to the parent, in order
            results.put(("queries", index, int(counted[0])))
            results.put(("error", index, k, _portable(err), traceback.format_exc()))
            continue
        results.put(("queries", index, int(counted[0])))
        results.put(("done", index, k, outcome))


def _query_reporter(results: Any, index: int, parent: int) -> tuple[Callable[[str, object], None], list[float]]:
    """An observer that sends the parent its count of queries now and then, and that count:
    [queries not yet reported, when last reported]."""
    counted = [0, time.monotonic()]

    def observer(event: str, session: object) -> None:
        if event == "query":
            counted[0] += 1
            now = time.monotonic()
            if now - counted[1] >= QUERY_REPORT_S:
                if os.getppid() != parent:
                    os._exit(1)  # the parent is gone (interrupted): nobody waits for this
                results.put(("queries", index, int(counted[0])))
                counted[0], counted[1] = 0, now

    return observer, counted


def _portable(err: BaseException) -> tuple[str, str, tuple[object, ...], str]:
    """What the parent needs to raise the error again: its class (module, name), arguments
    (plain values only) and message."""
    plain = all(isinstance(a, (str, int, float, bool, type(None))) for a in err.args)
    return type(err).__module__, type(err).__qualname__, tuple(err.args) if plain else (str(err),), str(err)


def _rebuilt(module: str, name: str, args: tuple[object, ...], message: str) -> BaseException:
    """The worker's error as this process raises it: the same class and message (a stand-in
    of the same name when the class cannot be made again from its arguments)."""
    import importlib

    try:
        cls: Any = importlib.import_module(module)
        for part in name.split("."):
            cls = getattr(cls, part)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            error: BaseException = cls(*args)
            if str(error) == message:
                return error
    except Exception:  # noqa: BLE001, S110 - any failure: fall back to a stand-in
        pass
    stand_in: type[RuntimeError] = type(name.rpartition(".")[2], (RuntimeError,), {"__module__": module})
    return stand_in(message)
