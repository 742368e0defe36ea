"""The benchmark's own machinery (bench/): what it times is what its tables say it times.

`make bench` is not part of `make test` (it takes minutes), so a function renamed or imported
under another name would break bench/split.py, or quietly move seconds from one column or
stage to another, until the next benchmark run. These tests run its timers on a small
generated instrument instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import z3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import split  # noqa: E402
from bench.gen import generate  # noqa: E402
from bench.run import Timers  # noqa: E402
from dsl import load  # noqa: E402
from dsl.model import Instrument  # noqa: E402
from verifier import pipeline, z3_native  # noqa: E402
from verifier.session import Session  # noqa: E402


def test_every_stage_names_functions_that_exist() -> None:
    for stage, functions in split.STAGES.items():
        entries = split._entries(functions)
        assert entries, stage
        for owner, name in entries:
            assert callable(getattr(owner, name)), (stage, owner, name)


def test_a_renamed_stage_function_fails_at_once() -> None:
    with pytest.raises(AttributeError):
        split._entries([("verifier.qbf", "no_such_search")])


def test_assertions_count_as_the_api_under_every_name_they_are_imported_by() -> None:
    import verifier.canonical
    import verifier.coalition_screen
    import verifier.qbf  # noqa: F401  (the modules that import assert_terms by name)

    holders = {getattr(module, "__name__", "") for module, _ in split._bindings(z3_native.assert_terms, "assert_terms")}
    assert {"verifier.z3_native", "verifier.canonical", "verifier.coalition_screen", "verifier.qbf"} <= holders


def test_timers_count_the_outermost_call_only_and_not_inside_another() -> None:
    timers = Timers()

    def countdown(n: int) -> int:
        return timed(n - 1) if n else 0

    timed = timers.wrap("search", countdown)
    timed(5)
    assert timers.counts["search"] == 1  # the recursion is one call

    inner = timers.wrap("model", lambda: None, inside="query")
    timers.wrap("query", inner)()
    inner()
    assert timers.counts["query"] == 1
    assert timers.counts["model"] == 1  # the call inside the query is the query's time


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Instrument:
    path = tmp_path_factory.mktemp("bench") / "synthetic_10.nv"
    path.write_text(generate(10), encoding="utf-8")
    return load([path]).instruments[0]


def test_a_check_splits_into_solver_calls_the_api_and_outside(small: Instrument) -> None:
    originals = (Session._check, z3.Solver.check, z3.Optimize.check, z3.Solver.model, z3_native.assert_terms)
    staged = [(owner, name, getattr(owner, name)) for functions in split.STAGES.values()
              for owner, name in split._entries(functions)]
    asserting = split._bindings(z3_native.assert_terms, "assert_terms")
    stages = split.Stages()
    total, calls, api = split.timed_run(lambda: pipeline.check_instrument(small, pipeline.Options()), stages)
    assert calls > 0 and api > 0 and calls + api < total
    # Each stage ran (the instrument has norms, searches and findings with witnesses), and the
    # stages' outside time is part of the outside time.
    assert all(seconds > 0 for seconds in stages.seconds.values()), stages.seconds
    assert sum(stages.seconds.values()) < split.outside((total, calls, api))
    # Everything patched is put back.
    assert originals == (Session._check, z3.Solver.check, z3.Optimize.check, z3.Solver.model,
                         z3_native.assert_terms)
    assert all(getattr(owner, name) is fn for owner, name, fn in staged)
    assert split._bindings(z3_native.assert_terms, "assert_terms") == asserting


def test_the_tables_show_the_ratios_of_the_split() -> None:
    text = split.table([("corpus", (4.0, 2.0, 0.5))])
    assert "| corpus | 4.00 | 2.00 | 0.50 | 1.50 | 0.75 | 0.60 |" in text
