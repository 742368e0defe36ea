"""nverify's benchmark: parse throughput, time per check, growth with clause count, overhead.

    .venv/bin/python bench/run.py                 # the default sizes, writes bench/RESULTS.md
    .venv/bin/python bench/run.py --sizes 10,100  # a quick look (RESULTS.md is written too)
    .venv/bin/python bench/run.py --no-write      # print only

Not part of the test suite: timings depend on the machine. For each size N
the synthetic instrument of bench/gen.py (N clauses, 6 parties, N/25 vague
terms, N/20 brackets) is generated and

* parsed on its own (best of several runs): lines per second;
* loaded and checked in this process, with timers around the encoder, every
  session query (`Session.check`), every other solver call (witness
  minimisation, the guess solver of exists-forall searches, the map solver of
  contradictions, taking models) and each check;
* replayed by the `z3` binary: every `Session.check` query, in order, in one
  incremental SMT-LIB script per session solver (its assertions as they are
  added, and `(check-sat-assuming ...)` for each query, with the session's
  options), and
  every call of the searches' own solvers (`Session.side_check`: exists-forall
  guesses, the MUS map, Optimize for minimal witnesses) as `--emit-smt2`
  writes it, in a second script with `(reset)` between calls; the ratio of
  nverify's total time to the binary's is nverify's overhead on the solver
  work it asks for. For the smaller sizes the files that `nverify --emit-smt2`
  writes are also replayed one `z3` process each (each file restates every
  assertion, which is why that does not scale).

Growth is the exponent b of a least-squares fit time ~ a * N^b over the sizes
from 100 clauses up.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import z3  # noqa: E402

from bench.gen import defaults, generate  # noqa: E402
from bench.series import fit, fmt, write_head  # noqa: E402

DEFAULT_SIZES = (10, 20, 50, 100, 200, 500, 1000, 2000)
EMIT_MAX = 50  # per-query --emit-smt2 files are replayed up to this size (each restates everything)
Z3_BIN = ROOT / ".venv" / "bin" / "z3"


# ---- timers -------------------------------------------------------------------------

@dataclass
class Timers:
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    depth: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def wrap(self, name: str, fn: Callable, inside: str | None = None) -> Callable:  # type: ignore[type-arg]
        """fn, timed under name (outermost calls only, so recursion is not counted twice; and
        not while `inside` is being timed, whose time includes it)."""
        def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
            if self.depth[name] or (inside is not None and self.depth[inside]):
                return fn(*args, **kwargs)
            self.depth[name] += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
                self.counts[name] += 1
                self.depth[name] -= 1
        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed


@contextmanager
def patched(obj: object, attr: str, value: object) -> Iterator[None]:
    old = getattr(obj, attr)
    setattr(obj, attr, value)
    try:
        yield
    finally:
        setattr(obj, attr, old)


class Replay:
    """Records the session's queries; `write` then lays out one incremental SMT-LIB script per
    session solver (a session answers each query with the solver of its scope).

    Every assertion of the solver (in order), with each query's `(check-sat-assuming ...)`
    placed after the assertions made before it. The queries go to files as they come (a
    large instrument makes hundreds of megabytes of them).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.logs: dict[int, _SolverLog] = {}

    def _log(self, solver: z3.Solver) -> _SolverLog:
        log = self.logs.get(id(solver))
        if log is None:
            log = self.logs[id(solver)] = _SolverLog(solver, self.folder / f"queries-{len(self.logs)}.tmp")
        return log

    def assertion(self, solver: z3.Solver) -> None:
        self._log(solver).asserted += 1

    def query(self, solver: z3.Solver, assumptions: list[z3.BoolRef], answer: str) -> None:
        log = self._log(solver)
        ctx = solver.ctx.ref()
        text = " ".join(z3.Z3_ast_to_string(ctx, a.as_ast()) for a in assumptions)
        log.out.write(f"{log.asserted}\t{answer}\t{' '.join(text.split())}\n")
        log.answers.append(answer)
        for a in assumptions:  # an assumption may name a constant no assertion of the solver has
            atom = a.arg(0) if z3.is_not(a) else a
            if z3.is_const(atom) and atom.decl().kind() == z3.Z3_OP_UNINTERPRETED:
                log.declarations.setdefault(atom.decl().sexpr(), None)

    @property
    def queries(self) -> int:
        return sum(len(log.answers) for log in self.logs.values())

    def write(self) -> list[tuple[Path, list[str]]]:
        """The scripts, with the answers nverify's solver gave to each one's queries."""
        return [(log.write(self.folder / f"replay-{n}.smt2"), log.answers) for n, log in enumerate(self.logs.values())]


class _SolverLog:
    def __init__(self, solver: z3.Solver, path: Path) -> None:
        self.solver = solver
        self.path = path
        self.out = path.open("w", encoding="utf-8")
        self.asserted = 0
        self.answers: list[str] = []
        self.declarations: dict[str, None] = {}

    def write(self, script: Path) -> Path:
        self.out.close()
        forms = top_level_forms(self.solver.sexpr())
        asserts = [f for f in forms if f.startswith("(assert")]
        assert len(asserts) == self.asserted, (len(asserts), self.asserted)
        declared = [f for f in forms if not f.startswith("(assert")]
        with script.open("w", encoding="utf-8") as out, self.path.open(encoding="utf-8") as log:
            out.write("(set-option :random-seed 0)\n(set-option :produce-unsat-cores true)\n"
                      "(set-option :smt.core.minimize true)\n")
            for f in [*declared, *(d for d in self.declarations if d not in set(declared))]:
                out.write(f + "\n")
            done = 0
            for line in log:
                count, answer, assumptions = line.rstrip("\n").split("\t", 2)
                for f in asserts[done:int(count)]:
                    out.write(f + "\n")
                done = int(count)
                out.write(f"(check-sat-assuming ({assumptions}))\n")
                if answer == "unsat":
                    out.write("(get-unsat-core)\n")
        self.path.unlink()
        return script


def top_level_forms(text: str) -> list[str]:
    """The top-level s-expressions of an SMT-LIB text (|quoted| symbols and strings respected)."""
    forms: list[str] = []
    depth, start, i, n = 0, 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "|":
            i = text.index("|", i + 1)
        elif ch == '"':
            i += 1
            while True:
                i = text.index('"', i)
                if i + 1 < n and text[i + 1] == '"':
                    i += 2
                    continue
                break
        elif ch == ";":
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif ch == "(":
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                forms.append(text[start:i + 1])
        i += 1
    return forms


# ---- one size -----------------------------------------------------------------------

@dataclass
class Row:
    n: int
    parties: int
    terms: int
    brackets: int
    lines: int
    parse_s: float
    load_s: float
    check_s: float
    total_s: float
    total_cpu_s: float
    queries: int
    query_s: float
    other_solver_s: float
    encode_s: float
    checks: dict[str, float]
    findings: int
    cli_s: float | None = None
    cli_cpu_s: float | None = None
    z3_replay_s: float | None = None
    z3_replay_cpu_s: float | None = None
    z3_side_s: float | None = None
    z3_side_cpu_s: float | None = None
    side_queries: int | None = None
    z3_files_s: float | None = None
    z3_files: int | None = None
    replay_agrees: bool | None = None
    cli_jobs_s: float | None = None  # nverify FILE with the default --jobs (one per core)


def _check_names() -> tuple[str, ...]:
    from verifier.registry import CHECKS

    return (*(c.name for c in CHECKS), "properties")


CHECK_NAMES = _check_names()


def parse_time(text: str, path: str) -> float:
    from dsl.diagnostics import Diagnostics
    from dsl.parser import parse
    from dsl.source import SourceFile

    source = SourceFile.of(path, text)
    parse(source, Diagnostics())  # warm: grammar built, caches filled
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        spec = parse(source, Diagnostics())
        best = min(best, time.perf_counter() - start)
        assert spec is not None
    return best


def measure(n: int, folder: Path, replay: bool) -> Row:
    import importlib
    from contextlib import ExitStack

    from dsl import load
    from verifier import pipeline
    from verifier.encode import Encoder, forget_folds
    from verifier.registry import CHECKS

    forget_folds()  # (each size as the first run of a process)
    p, k, r = defaults(n)
    text = generate(n)
    path = folder / f"synthetic_{n}.nv"
    path.write_text(text, encoding="utf-8")
    lines = text.count("\n")
    parse_s = parse_time(text, str(path))

    timers = Timers()
    cpu = time.process_time()
    start = time.perf_counter()
    loaded = load([path])
    load_s = time.perf_counter() - start
    assert not loaded.diagnostics.has_errors(), [d.message for d in loaded.diagnostics.sorted()]
    instrument = loaded.instruments[0]

    from verifier.session import Session

    # Solver calls outside the session's queries: z3.Solver.check (guess and map solvers),
    # Optimize.check, and taking models (a z3.Solver.check made by a session query is
    # counted under "query" only).
    # Each check module's `run`, timed (the registry looks it up on every call).
    modules = [importlib.import_module(c.module) for c in CHECKS]
    with ExitStack() as timed_checks, patched(Session, "_check", timers.wrap("query", Session._check)), \
            patched(z3.Solver, "check", timers.wrap("solver", z3.Solver.check, inside="query")), \
            patched(z3.Optimize, "check", timers.wrap("optimize", z3.Optimize.check)), \
            patched(z3.Solver, "model", timers.wrap("model", z3.Solver.model)), \
            patched(Encoder, "norm", timers.wrap("encode", Encoder.norm)), \
            patched(Encoder, "formula", timers.wrap("encode", Encoder.formula)), \
            patched(Encoder, "assumptions", timers.wrap("encode", Encoder.assumptions)), \
            patched(pipeline, "run_properties",
                    # (the name pipeline calls it by, which its __all__ does not export)
                    timers.wrap("properties", pipeline.run_properties)):  # type: ignore[attr-defined]
        for check, module in zip(CHECKS, modules, strict=True):
            timed_checks.enter_context(patched(module, "run", timers.wrap(check.name, module.run)))
        start = time.perf_counter()
        findings, _, _ = pipeline.check_instrument(instrument, pipeline.Options())
        check_s = time.perf_counter() - start
    cpu = time.process_time() - cpu
    query_s = timers.seconds["query"]
    other = timers.seconds["solver"] + timers.seconds["optimize"] + timers.seconds["model"]
    row = Row(n, p, k, r, lines, parse_s, load_s, check_s, load_s + check_s, cpu, timers.counts["query"], query_s,
              other, timers.seconds["encode"], {c: timers.seconds[c] for c in CHECK_NAMES}, len(findings))
    row.cli_jobs_s, _ = cli_time(path, jobs=None)
    if replay:
        rec, side = record(instrument, folder)
        scripts = rec.write()
        row.cli_s, row.cli_cpu_s = cli_time(path)
        row.z3_replay_s, row.z3_replay_cpu_s, answers = z3_time([script for script, _ in scripts])
        row.z3_side_s, row.z3_side_cpu_s, side_answers = z3_time([side.path])
        row.side_queries = len(side.answers)
        for script, _ in scripts:
            script.unlink()
        side.path.unlink()
        got = [a for a in answers if a in ("sat", "unsat", "unknown")]
        got_side = [a for a in side_answers if a in ("sat", "unsat", "unknown")]
        # (The recorded run is a second one in this process: Z3's symbols, shared by all contexts,
        # are numbered by then, which can change its choices and the number of queries a little.)
        row.replay_agrees = got == [a for _, recorded in scripts for a in recorded] and got_side == side.answers
        if n <= EMIT_MAX:
            row.z3_files_s, row.z3_files = emitted_time(path, folder / f"smt2_{n}")
    return row


class SideReplay:
    """Records the searches' own solver calls (`Session.side_check`: exists-forall guesses,
    the MUS map, Optimize for witnesses) as one script: each call is what `--emit-smt2`
    writes for it (the solver's declarations and assertions, then `(check-sat)`), followed
    by `(reset)`, so every call starts from a fresh solver, as a new Optimize does."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "side.smt2"
        self.out = self.path.open("w", encoding="utf-8")
        self.answers: list[str] = []

    @staticmethod
    def script(solver: object, assumptions: list[z3.BoolRef] | tuple[()] = ()) -> str:
        """The call's script, taken before the check (as `--emit-smt2` takes it): reading a SAT
        solver's assertions after its check drops the model the caller is about to read."""
        from verifier.session import SEED, _side_script, _undeclared

        script = _side_script(solver)
        declared = "".join(d + "\n" for d in _undeclared(script, assumptions))
        text = f"(set-option :random-seed {SEED})\n{declared}{script}\n"
        if assumptions:
            text += "(check-sat-assuming (" + " ".join(a.sexpr() for a in assumptions) + "))\n"
        elif not isinstance(solver, z3.Optimize):
            text += "(check-sat)\n"
        return text

    def query(self, script: str, answer: str) -> None:
        self.out.write(script + "(reset)\n")
        self.answers.append(answer)

    def close(self) -> None:
        self.out.close()


def record(instrument: object, folder: Path) -> tuple[Replay, SideReplay]:
    """Check the instrument again (untimed), recording every solver call for the z3 replay."""
    from verifier import pipeline
    from verifier.session import Session

    rec, side = Replay(folder), SideReplay(folder)
    original_check, original_assert, original_side = Session._check, Session._assert_guard, Session.side_check
    original_solver = Session.side_solver

    def side_solver(self, limited=True, *, simple=True, finite=False):  # type: ignore[no-untyped-def]
        # The default solver, as with --emit-smt2 (verifier.minimal): the SAT-based one keeps
        # its own encoding of what it was given, and no longer lists what a scope added.
        return original_solver(self, limited, simple=simple)

    def side_check(self, solver, purpose, assumptions=()):  # type: ignore[no-untyped-def]
        script = side.script(solver, assumptions)
        result = original_side(self, solver, purpose, assumptions)
        side.query(script, str(result))
        return result

    def check(self, solver, assumptions, idents=None):  # type: ignore[no-untyped-def]
        outcome = original_check(self, solver, assumptions, idents)
        rec.query(solver, list(assumptions), outcome.status)
        return outcome

    def assert_guard(self, solver, lit, formula):  # type: ignore[no-untyped-def]
        rec.assertion(solver)
        return original_assert(self, solver, lit, formula)

    with patched(Session, "_check", check), patched(Session, "_assert_guard", assert_guard), \
            patched(Session, "side_check", side_check), patched(Session, "side_solver", side_solver):
        pipeline.check_instrument(instrument, pipeline.Options())  # type: ignore[arg-type]
    side.close()
    return rec, side


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_time(path: Path, jobs: int | None = 1) -> tuple[float, float]:
    """nverify on the file, as a user runs it (a fresh process; one job, or by default one per
    core): wall and CPU seconds."""
    start, cpu = time.perf_counter(), children_cpu()
    subprocess.run([str(ROOT / ".venv" / "bin" / "nverify"), *(["--jobs", str(jobs)] if jobs else []), "-q", str(path)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, children_cpu() - cpu


def z3_time(scripts: list[Path]) -> tuple[float, float, list[str]]:
    """The z3 binary on each script: wall and CPU seconds, and what it printed."""
    start, cpu = time.perf_counter(), children_cpu()
    out: list[str] = []
    for script in scripts:
        done = subprocess.run([str(Z3_BIN), str(script)], capture_output=True, text=True, check=False)
        out.extend(line.strip() for line in done.stdout.splitlines() if not line.startswith(("(", ";")))
    return time.perf_counter() - start, children_cpu() - cpu, out


def corpus_times(runs: int = 3) -> list[tuple[str, float, float]]:
    """`nverify -q specs/` (the corpus), with the default --jobs and with one: best wall of `runs`, its CPU."""
    out = []
    for jobs in (None, 1):
        best = (math.inf, 0.0)
        for _ in range(runs):
            start, cpu = time.perf_counter(), children_cpu()
            subprocess.run([str(ROOT / ".venv" / "bin" / "nverify"), *(["--jobs", str(jobs)] if jobs else []), "-q",
                            str(ROOT / "specs")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            best = min(best, (time.perf_counter() - start, children_cpu() - cpu))
        out.append((f"--jobs {jobs}" if jobs else f"default --jobs ({os.cpu_count()})", *best))
    return out


def emitted_time(path: Path, folder: Path) -> tuple[float, int]:
    """`nverify --emit-smt2`, then `z3` on each file written (one process per query)."""
    if folder.exists():
        shutil.rmtree(folder)
    subprocess.run([str(ROOT / ".venv" / "bin" / "nverify"), "--jobs", "1", "-q", "--emit-smt2", str(folder),
                    str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    files = sorted(folder.glob("*.smt2"))
    seconds, _, _ = z3_time(files)
    shutil.rmtree(folder, ignore_errors=True)
    return seconds, len(files)


# ---- report -------------------------------------------------------------------------

def report(rows: list[Row]) -> str:
    out: list[str] = []
    w = out.append
    w(f"In this process (one job): parse, load, encode, solver and check times; then `nverify -q FILE` "
      f"as a user runs it, with the default `--jobs` ({os.cpu_count()} here: a large instrument's check "
      f"groups run side by side).")
    w("")
    w("| N | lines | parse ms | lines/s | load s | encode s | queries | query s | other solver s | check s "
      "| total s | total CPU s | ms/clause | findings | nverify FILE s |")
    w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        w(f"| {r.n} | {r.lines} | {r.parse_s * 1000:.1f} | {r.lines / r.parse_s:,.0f} | {r.load_s:.2f} "
          f"| {r.encode_s:.2f} | {r.queries} | {r.query_s:.2f} | {r.other_solver_s:.2f} | {r.check_s:.2f} "
          f"| {r.total_s:.2f} | {r.total_cpu_s:.2f} | {r.total_s / r.n * 1000:.1f} | {r.findings} "
          f"| {fmt(r.cli_jobs_s)} |")
    w("")
    w("Time per check (seconds, all drafts and reading sets; `properties` is assert/scenario):")
    w("")
    w("| N | " + " | ".join(CHECK_NAMES) + " |")
    w("|---:|" + "---:|" * len(CHECK_NAMES))
    for r in rows:
        w(f"| {r.n} | " + " | ".join(f"{r.checks[c]:.2f}" for c in CHECK_NAMES) + " |")
    w("")
    big = [r for r in rows if r.n >= 100] or rows
    w("Growth, time ~ N^b over N >= 100:")
    w("")
    series = {
        "total": [(r.n, r.total_s) for r in big],
        "nverify FILE (default --jobs)": [(r.n, r.cli_jobs_s or 0) for r in big],
        "parse": [(r.n, r.parse_s) for r in big],
        "encode": [(r.n, r.encode_s) for r in big],
        "solver queries (Session.check)": [(r.n, r.query_s) for r in big],
        "consistency (contradiction + conflict)": [(r.n, r.checks["contradiction"] + r.checks["conflict"])
                                                   for r in big],
        "pretext": [(r.n, r.checks["pretext"]) for r in big],
        "hollow permission": [(r.n, r.checks["hollow_permission"]) for r in big],
    }
    w("| series | b |")
    w("|---|---:|")
    for name, pts in series.items():
        w(f"| {name} | {fmt(fit(pts))} |")
    w("")
    replayed = [r for r in rows if r.z3_replay_s is not None]
    if replayed:
        w("Overhead against the solver: nverify's wall time for the file (`nverify --jobs 1 -q FILE`, a fresh "
          "process) against the `z3` binary doing the same solver work from SMT-LIB: the session's queries "
          "(`Session.check`) replayed in one incremental script per session solver, plus every call of the searches' own solvers "
          "(`Session.side_check`: exists-forall guesses, the MUS map, Optimize for minimal witnesses), each as "
          f"`--emit-smt2` writes it, in a second script with `(reset)` between calls. Up to N = {EMIT_MAX}, also "
          "against `z3` run once per file that `--emit-smt2` writes (each file restates every assertion). "
          "The binary parses the text of every side call, which nverify does not: `in-process solver s` is the "
          "time nverify spent inside solver calls (check, Optimize), and `outside s` the rest of its "
          "in-process time, the overhead measured directly:")
        w("")
        w("| N | session queries | side queries | nverify s (CPU) | z3 session s | z3 side s | z3 total s (CPU) "
          "| ratio wall (CPU) | in-process solver s | outside s | answers agree | --emit-smt2 files "
          "| z3 per file s | ratio |")
        w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
        for r in replayed:
            z3_total = (r.z3_replay_s or 0) + (r.z3_side_s or 0)
            z3_cpu = (r.z3_replay_cpu_s or 0) + (r.z3_side_cpu_s or 0)
            ratio = r.cli_s / z3_total if r.cli_s and z3_total else None
            ratio_cpu = r.cli_cpu_s / z3_cpu if r.cli_cpu_s and z3_cpu else None
            ratio2 = r.cli_s / r.z3_files_s if r.cli_s and r.z3_files_s else None
            w(f"| {r.n} | {r.queries} | {r.side_queries} | {fmt(r.cli_s)} ({fmt(r.cli_cpu_s)}) | {fmt(r.z3_replay_s)} "
              f"| {fmt(r.z3_side_s)} | {fmt(z3_total)} ({fmt(z3_cpu)}) | {fmt(ratio)} ({fmt(ratio_cpu)}) "
              f"| {fmt(r.query_s + r.other_solver_s)} | {fmt(r.total_s - r.query_s - r.other_solver_s)} "
              f"| {'yes' if r.replay_agrees else 'no'} | {r.z3_files if r.z3_files is not None else '–'} "
              f"| {fmt(r.z3_files_s)} | {fmt(ratio2)} |")
        w("")
    return "\n".join(out)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; "
            f"z3 {z3.get_version_string()}; {time.strftime('%Y-%m-%d')}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="clause counts, comma-separated (default: %(default)s)")
    parser.add_argument("--replay-max", type=int, default=1000,
                        help="replay with the z3 binary up to this size (default: %(default)s)")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated files in this folder")
    parser.add_argument("--no-corpus", action="store_true", help="do not time the corpus (specs/)")
    args = parser.parse_args()
    from verifier import collector

    collector.tune()  # the in-process runs as the command line makes them (verifier.__main__)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="nverify-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    corpus = [] if args.no_corpus else corpus_times()
    for how, wall, cpu in corpus:
        print(f"corpus (specs/), {how}: {wall:.2f} s ({cpu:.2f} s CPU)", file=sys.stderr, flush=True)
    rows = []
    try:
        for n in sizes:
            row = measure(n, folder, replay=n <= args.replay_max)
            rows.append(row)
            print(f"N={n}: {row.total_s:.2f} s total, {row.queries} queries, parse {row.lines / row.parse_s:,.0f} "
                  f"lines/s" + (f", nverify {row.cli_s:.2f} s vs z3 {row.z3_replay_s:.2f} + {row.z3_side_s:.2f} s"
                                if row.z3_replay_s is not None else ""), file=sys.stderr, flush=True)
            if not args.no_write:  # after every size, so a long run that is cut short still reports
                write_head(results_page(report(rows), sizes[:len(rows)], corpus))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(report(rows))


def results_page(table: str, sizes: list[int], corpus: list[tuple[str, float, float]]) -> str:
    lines = "".join(f"| {how} | {wall:.2f} | {cpu:.2f} |\n" for how, wall, cpu in corpus)
    corpus_table = (f"The corpus, `nverify -q specs/` (best of 3):\n\n| run | wall s | CPU s |\n|---|---:|---:|\n{lines}\n"
                    if corpus else "")
    return (f"# Benchmark results\n\nMeasured by `make bench` (`.venv/bin/python bench/run.py --sizes "
            f"{','.join(map(str, sizes))}`) on {machine()}. {VARIANCE}\n\n{corpus_table}Synthetic instruments "
            f"(bench/gen.py):\n\n{table}\n")


VARIANCE = ("On this machine (a virtual machine on shared hardware) the same run takes up to a quarter "
            "more or less time from one hour to the next: compare figures from one run, not across runs.")


if __name__ == "__main__":
    main()
