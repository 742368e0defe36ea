"""Inside the solver and outside it: where nverify's own time goes.

    .venv/bin/python bench/split.py [--sizes 1000] [--runs 2] [--no-write]

The generated instrument of N clauses (bench/gen.py) and the corpus (`specs/`, on the real
memberships of its world), each checked in this process with one job, best of `--runs` runs
(by total time). The time is split three ways:

* solver calls: the session's queries (`Session._check`, with its unsat core), the
  searches' own solvers (`z3.Solver.check`), Optimize (`z3.Optimize.check`) and taking
  models (`z3.Solver.model`), as `bench/run.py` counts them;
* the rest of the solver API: asserting into solvers and Optimize (z3py's `add` and the
  C library's `Z3_solver_assert`, `Z3_optimize_assert`, `Z3_optimize_assert_soft` as
  nverify calls them), push and pop, making, configuring and freeing solvers. Time in
  Z3's solvers that is no check: a push is where Z3 takes in what was asserted since;
* outside: everything else, nverify's Python and the terms it builds in Z3 (encoding,
  witnesses, re-checks, reports).

Two ratios: outside / solver calls, and outside / (solver calls + the rest of the API).
The timers cost time of their own (the API is called hundreds of thousands of times),
which lands in the API's share.

The corpus is timed as `nverify --jobs 1 specs/` checks it, loading and then each instrument,
so a second table shows where its outside time is: the instruments with the most of it, and
the rest together. Writes both tables into bench/RESULTS.md between the solver-split markers
(unless --no-write).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import z3  # noqa: E402

from bench.gen import generate  # noqa: E402
from bench.run import Timers, patched  # noqa: E402
from bench.series import fmt, publish, run_options  # noqa: E402

BEGIN, END = "<!-- solver-split: begin -->", "<!-- solver-split: end -->"
CALLS = ("query", "solver", "optimize", "model")
SHOWN = 8  # instruments listed one by one in the corpus's table

Split = tuple[float, float, float]  # seconds: in all, in solver calls, in the rest of the API
_M = TypeVar("_M")


def timed_run(check: object, stages: Stages | None = None) -> Split:
    """`check()` under the timers: total, solver-call and other-API seconds; with `stages`, its
    outside time by stage too (into `stages`)."""
    from verifier import coalition_screen, minimal, z3_native  # noqa: F401  (coalition_screen: see below)
    from verifier.session import Session

    timers = Timers()
    api = [(z3.Solver, name) for name in ("push", "pop", "add", "set", "__del__")]
    api += [(z3.Optimize, name) for name in ("add", "minimize", "set", "__del__")]
    api += [(Session, "side_solver"), (Session, "optimize"), (Session, "_assert_guard"),
            (minimal._LIB, "Z3_solver_assert"), (minimal._LIB, "Z3_optimize_assert"),
            (minimal._LIB, "Z3_optimize_assert_soft")]
    # (`z3_native.assert_terms`, asserting into a solver: coalition_screen imported above, so
    # that the binding of a module the checks import only when first run is among them.)
    api += _bindings(z3_native.assert_terms, "assert_terms")
    with ExitStack() as stack:
        stack.enter_context(patched(Session, "_check", timers.wrap("query", Session._check)))
        stack.enter_context(patched(z3.Solver, "check", timers.wrap("solver", z3.Solver.check, inside="query")))
        stack.enter_context(patched(z3.Optimize, "check", timers.wrap("optimize", z3.Optimize.check)))
        stack.enter_context(patched(z3.Solver, "model", timers.wrap("model", z3.Solver.model)))
        for owner, name in api:
            stack.enter_context(patched(owner, name, timers.wrap("api", getattr(owner, name))))
        if stages is not None:
            stages.enter(stack, timers)
        start = time.perf_counter()
        check()  # type: ignore[operator]
        total = time.perf_counter() - start
    return total, sum(timers.seconds[c] for c in CALLS), timers.seconds["api"]


def generated(n: int, folder: Path) -> Split:
    from dsl import load
    from verifier import encode, pipeline

    encode.forget_folds()  # (each run as the first of a process)
    path = folder / f"synthetic_{n}.nv"
    path.write_text(generate(n), encoding="utf-8")
    instrument = load([path]).instruments[0]
    return timed_run(lambda: pipeline.check_instrument(instrument, pipeline.Options()))


def corpus(stages: Stages | None = None) -> list[tuple[str, Split]]:
    """The corpus as `pipeline.run` checks it with one job: loading the specs (which asks the
    solver nothing), then each instrument; the split of each (and with `stages`, the outside
    time of the instruments' checks by stage)."""
    from dsl import LoadResult
    from verifier import encode, pipeline
    from verifier.registry import load

    encode.forget_folds()  # (each run as the first of a process, as `nverify specs/` runs)
    options = pipeline.Options(jobs=1)
    loaded: list[LoadResult] = []
    parts = [("loading the specs", timed_run(lambda: loaded.append(load([ROOT / "specs"], None, options.coalition_size))))]
    for instrument in loaded[0].instruments:
        parts.append((f"`{Path(instrument.path).name}`",
                      timed_run(lambda i=instrument: pipeline.check_instrument(i, options), stages)))
    return parts


class Stages:
    """The outside time of the instruments' checks by stage, each second given to the innermost
    stage running (a search's translations count as translating, not searching): a stage's time
    is its calls' time less the solver's (calls and API, as the timers count them) and less the
    outside time of the stages they run. What no stage runs is the checks' own work."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(STAGES, 0.0)
        self._stack: list[list[float]] = []  # per stage call running: start, solver seconds then, inner stages' outside

    def enter(self, stack: ExitStack, timers: Timers) -> None:
        """Time each stage's functions, under every name a module holds them by, with `timers`."""
        import importlib

        from verifier.registry import CHECKS

        def solver() -> float:
            return sum(timers.seconds[c] for c in CALLS) + timers.seconds["api"]

        # (The registry imports a check's module when it first runs: imported here, the names
        # the checks import the stages' functions by are patched from the first instrument on.)
        for check in CHECKS:
            importlib.import_module(check.module)
        for stage, functions in STAGES.items():
            for owner, name in _entries(functions):
                stack.enter_context(patched(owner, name, self._wrap(stage, getattr(owner, name), solver)))

    def _wrap(self, stage: str, fn: Callable, solver: Callable[[], float]) -> Callable:  # type: ignore[type-arg]
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            frame = [time.perf_counter(), solver(), 0.0]
            self._stack.append(frame)
            try:
                return fn(*args, **kwargs)
            finally:
                self._stack.pop()
                outside = time.perf_counter() - frame[0] - (solver() - frame[1])
                self.seconds[stage] += outside - frame[2]
                if self._stack:
                    self._stack[-1][2] += outside
        return timed


# The stages, by the functions that enter them: (module, or `module:Class`; attribute name).
STAGES: dict[str, list[tuple[str, str]]] = {
    "setting up each part: its Z3 context, vocabulary and encoder (the world folded)":
        [("z3:Context", "__init__"), ("verifier.ground", "vocabulary"), ("verifier.encode:Encoder", "__init__")],
    "translating norms and conditions into Z3 terms, and what they mention":
        [("verifier.encode:Encoder", "norm"), ("verifier.encode:Encoder", "formula"),
         ("verifier.encode:Encoder", "keys_mentioned"), ("verifier.encode:Encoder", "mentioned")],
    "exists-forall searches (guesses, refutations, situations read)":
        [("verifier.qbf", "exists_forall"), ("verifier.coalition_screen", "none_achieve")],
    "minimal witnesses (MaxSAT, then canonical by questions)":
        [("verifier.minimal", "minimal_model"), ("verifier.minimal:FewestAtoms", "choose")],
    "re-checking each witness in the evaluator, writing its scenario":
        [("verifier.witness", "witness")],
}


def _entries(functions: list[tuple[str, str]]) -> list[tuple[object, str]]:
    """Each (owner, name) to patch: a class's method where it is defined (`module:Class`), a
    module's function under every name a module of nverify holds it by."""
    import importlib

    out: list[tuple[object, str]] = []
    for where, name in functions:
        module_name, _, class_name = where.partition(":")
        module = importlib.import_module(module_name)
        if class_name:
            out.append((getattr(module, class_name), name))
        else:
            out += _bindings(getattr(module, name), name)
    return out


def _bindings(fn: object, name: str) -> list[tuple[object, str]]:
    """(module, name) for each module of nverify (and z3's) that holds `fn` under `name`: a
    function imported by name is patched in every module that imported it."""
    return [(module, name) for key, module in list(sys.modules.items())
            if (key == "z3" or key.startswith(("verifier.", "dsl."))) and getattr(module, name, None) is fn]


def whole(parts: list[tuple[str, Split]]) -> Split:
    return (sum(p[0] for _, p in parts), sum(p[1] for _, p in parts), sum(p[2] for _, p in parts))


def corpus_total(parts: list[tuple[str, Split]]) -> float:
    return whole(parts)[0]


def best(runs: int, measure: Callable[[], _M], total: Callable[[_M], float]) -> _M:
    """The measure of the fastest of `runs` runs (by `total`: its seconds in all)."""
    return min((measure() for _ in range(runs)), key=total)


def outside(split: Split) -> float:
    """The seconds outside the solver: all less the solver calls and the rest of the API."""
    return split[0] - split[1] - split[2]


def row(name: str, split: Split) -> str:
    total, calls, api = split
    outside_s = outside(split)
    return (f"| {name} | {total:.2f} | {calls:.2f} | {api:.2f} | {outside_s:.2f} "
            f"| {fmt(outside_s / calls if calls else None)} "
            f"| {fmt(outside_s / (calls + api) if calls + api else None)} |")


def table(rows: list[tuple[str, Split]]) -> str:
    out = [("Inside the solver and outside it (`bench/split.py`; one job, in one process, best of the runs): "
           "solver calls are checks, Optimize and taking models; the rest of the solver API is asserting, "
           "push and pop, making and freeing solvers; outside is nverify's Python and the terms it builds."),
           "",
           ("| input | total s | solver calls s | rest of the API s | outside s | outside / calls "
           "| outside / (calls + API) |"),
           "|---|---:|---:|---:|---:|---:|---:|"]
    out += [row(name, split) for name, split in rows]
    return "\n".join(out)


def corpus_table(parts: list[tuple[str, Split]]) -> str:
    """The corpus's time by part: loading, the instruments with the most time outside the
    solver, and the others together."""
    loading, instruments = parts[0], sorted(parts[1:], key=lambda p: -outside(p[1]))
    shown, rest = instruments[:SHOWN], instruments[SHOWN:]
    out = [(f"The corpus by part, the {SHOWN} instruments with the most time outside the solver first "
            "(same run, same columns):"),
           "",
           ("| part | total s | solver calls s | rest of the API s | outside s | outside / calls "
            "| outside / (calls + API) |"),
           "|---|---:|---:|---:|---:|---:|---:|",
           row(*loading)]
    out += [row(name, split) for name, split in shown]
    if rest:
        out.append(row(f"the other {len(rest)} instruments", whole(rest)))
    return "\n".join(out)


def stages_table(parts: list[tuple[str, Split]], stages: Stages) -> str:
    """The corpus's outside time by stage: loading, then the instruments' stages (`Stages`)."""
    loading = outside(parts[0][1])
    checks = sum(outside(split) for _, split in parts[1:])
    rows = [("loading the specs (parsing, elaborating, classes of interchangeable parties)", loading),
            *stages.seconds.items(), ("the checks' own work (what no stage above runs)", checks - sum(stages.seconds.values()))]
    every = loading + checks
    out = [("Where the corpus's outside time goes (a run of its own, timed by stage as well: the stages' "
            "timers add time of their own, so the shares, not the seconds, compare with the tables above):"),
           "",
           "| stage | outside s | share |",
           "|---|---:|---:|"]
    out += [f"| {name} | {seconds:.2f} | {seconds / every:.0%} |" for name, seconds in rows]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000", help="clause counts, comma-separated (default: %(default)s)")
    run_options(parser, runs=2)
    args = parser.parse_args()
    import tempfile

    from verifier import collector

    collector.tune()  # as the command line does (verifier.__main__)

    rows: list[tuple[str, Split]] = []
    with tempfile.TemporaryDirectory(prefix="nverify-split-") as tmp:
        for n in (int(s) for s in args.sizes.split(",") if s):
            rows.append((f"generated, {n} clauses", best(args.runs, partial(generated, n, Path(tmp)), itemgetter(0))))
            print(f"N={n}: {rows[-1][1]}", file=sys.stderr, flush=True)
    parts = best(args.runs, corpus, corpus_total)
    rows.append(("corpus (`specs/`, real memberships)", whole(parts)))
    stages = Stages()
    staged = corpus(stages)
    text = table(rows) + "\n\n" + corpus_table(parts) + "\n\n" + stages_table(staged, stages)
    publish(BEGIN, END, text, write=not args.no_write)


if __name__ == "__main__":
    main()
