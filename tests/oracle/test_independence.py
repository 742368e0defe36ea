"""The referees share no code with what they referee (read from the source with `ast`).

* The oracle (every module of tests/oracle except the harnesses that run nverify,
  `compare.py` and `*_compare.py`, and these tests) reaches, through its imports at any depth, only
  the parser and the syntax tree: not dsl.symbols, dsl.expressions, dsl.elaborate,
  dsl.evaluate, dsl.model, dsl.formula, the verifier or z3. A bug there would
  otherwise be invisible to the differential campaigns.
* dsl.evaluate (the Z3-free evaluator that re-checks every witness) and the
  encoder (verifier.encode, verifier.ground) do not reach each other: they share
  only the model's data types (dsl.model, dsl.formula).

A package's `__init__` runs when one of its modules is imported, but only what an
import names is used: `from dsl import syntax` reaches dsl.syntax, not dsl/__init__.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.golden import ROOT
from tests.test_layering import imports

PARSER = {"dsl.parser", "dsl.syntax", "dsl.source", "dsl.diagnostics", "dsl.lalr", "dsl.plain_data"}
FOLDER = ROOT / "tests" / "oracle"


def module_file(name: str) -> Path | None:
    """The repository file of a module, or None for one outside the repository."""
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def direct_imports(path: Path) -> set[str]:
    """The repository modules a file uses by name, and the outside packages it imports."""
    found = imports(path)
    out: set[str] = set()
    for m in found:
        if module_file(m) is None:
            top = m.split(".")[0]
            if module_file(top) is None:
                out.add(top)  # outside the repository: z3, lark, ...
            continue  # else a name inside a module (`dsl.parser.parse`): the module is counted
        inside = [x for x in found if x.startswith(m + ".") and "." not in x[len(m) + 1:]]
        if inside and all(module_file(x) is not None for x in inside):
            continue  # `from dsl import syntax`: dsl.syntax is used, not the package's __init__
        out.add(m)
    return out


def reach(start: str) -> set[str]:
    """Every repository module `start` imports, directly or through others (itself included),
    and the outside packages it reaches (z3, lark, ...)."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        path = module_file(name)
        if path is not None:
            todo.extend(direct_imports(path) - seen)
    return seen


def is_harness(stem: str) -> bool:
    """compare.py, diff_compare.py, ...: what runs nverify to compare."""
    return stem == "compare" or stem.endswith("_compare") or stem.startswith("compare_")


def oracle_modules() -> list[str]:
    return sorted(f"tests.oracle.{p.stem}" for p in FOLDER.glob("*.py")
                  if not is_harness(p.stem) and not p.stem.startswith("test_") and p.stem != "__init__")


@pytest.mark.parametrize("name", oracle_modules())
def test_the_oracle_reaches_only_the_parser(name: str) -> None:
    reached = reach(name)
    mine = {m for m in reached if m.startswith("tests.oracle.")}
    harness = sorted(m for m in mine if is_harness(m.rpartition(".")[2]))
    assert not harness, f"{name} imports the harness {harness}, which runs nverify"
    outside_repo = {m for m in reached if module_file(m) is None}
    assert not outside_repo & {"z3", "verifier"}, f"{name} reaches {sorted(outside_repo & {'z3', 'verifier'})}"
    shared = sorted(m for m in reached - mine - outside_repo if m not in PARSER)
    assert not shared, f"{name} reaches {shared}: the oracle may share only the parser and the syntax tree"


def test_the_oracle_modules_are_found() -> None:
    assert {"tests.oracle.front", "tests.oracle.space", "tests.oracle.oracle", "tests.oracle.gen"} <= set(oracle_modules())


def test_the_walk_would_see_a_forbidden_import() -> None:
    """The harness reaches the verifier and the elaborator; the walk must say so."""
    reached = reach("tests.oracle.compare")
    assert {"verifier.pipeline", "dsl.elaborate", "dsl.loader"} <= reached
    assert "z3" in reached


@pytest.mark.parametrize("referee, encoder", [("dsl.evaluate", "verifier.encode"), ("dsl.evaluate", "verifier.ground")])
def test_the_evaluator_and_the_encoder_share_no_code(referee: str, encoder: str) -> None:
    assert encoder not in reach(referee), f"{referee} reaches {encoder}"
    assert referee not in reach(encoder), f"{encoder} reaches {referee}"
    shared = (reach(referee) & reach(encoder)) - {"dsl.model", "dsl.formula", "dsl.source"}
    assert not {m for m in shared if module_file(m) is not None}, \
        f"{referee} and {encoder} share {sorted(shared)} beyond the model's data types"
