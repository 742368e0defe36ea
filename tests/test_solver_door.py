"""Every solver is made by the session, so --rlimit and --emit-smt2 reach all of them: the
witness Optimize, negotiate's draft solver and Optimize, and diff's sessions."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import z3
from click.testing import CliRunner

from dsl import load
from tests.report_support import z3_binary
from tests.unit.helpers import baseline, instrument, session
from verifier.cli import main
from verifier.diff import SideSpec, compare
from verifier.minimal import minimal_model
from verifier.negotiate import Negotiator
from verifier.session import Limits, Session

ROOT = Path(__file__).resolve().parents[1]

SPEC = """
party ukraine;
enum org = {eu, nato};
act join(actor: party, org: org);
clause one "1" { ukraine must join(org: eu); }
clause two "2" { ukraine may join; }
"""

NEGOTIATION = """
instrument n "Negotiation test";
party ukraine, russia;
quantity personnel(p: party) controlled by p;
clause caps "Annex" { limit personnel(ukraine) <= [russia: 85000 | ukraine: 250000]; }
goal ukraine: possible personnel(ukraine) >= 150000;
goal russia: always personnel(ukraine) <= 200000;
maximize personnel(ukraine);
"""

SIDE = re.compile(r"^; nverify side query \d+ after query \d+ on (\S+) \((solver|optimize)\): (.*)$", re.MULTILINE)
ANSWER = re.compile(r"^; nverify answer: (sat|unsat|unknown)\b", re.MULTILINE)


def test_only_the_session_makes_solvers() -> None:
    makers = {"Solver", "SimpleSolver", "Optimize", "SolverFor", "Then", "Tactic"}
    found = []
    for path in sorted((ROOT / "verifier").rglob("*.py")):
        if path.name == "session.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in makers \
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "z3":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def _assumptions(s: Session) -> list[z3.BoolRef]:
    readings = baseline(s.instrument)
    return [s.world_lit(readings), s.clause_lit("one", readings)]


def test_rlimit_reaches_the_witness_optimize() -> None:
    free = session(instrument(SPEC))
    assert minimal_model(free, _assumptions(free)) is not None
    limited = session(instrument(SPEC), rlimit=1)
    assert minimal_model(limited, _assumptions(limited)) is None  # the Optimize gave up
    assert limited.queries == 0  # (no session query was asked: it was the Optimize)


def test_emit_smt2_records_the_witness_optimize(tmp_path: Path) -> None:
    s = session(instrument(SPEC), smt2_dir=tmp_path)
    assert minimal_model(s, _assumptions(s)) is not None
    (only,) = tmp_path.glob("*.smt2")
    text = only.read_text(encoding="utf-8")
    side = SIDE.search(text)
    assert side and side.group(2) == "optimize" and side.group(3) == "minimal witness"
    _replays(only)


def _negotiator(tmp_path: Path, limits: Limits) -> Negotiator:
    path = tmp_path / "n.nv"
    path.write_text(NEGOTIATION, encoding="utf-8")
    loaded = load([path])
    assert not loaded.diagnostics.has_errors()
    return Negotiator(loaded.instruments[0], limits)


def test_rlimit_reaches_negotiates_own_solver_and_optimize(tmp_path: Path) -> None:
    goals = [0, 1]
    for optimise in (False, True):
        free = _negotiator(tmp_path, Limits())
        assert free.solve(goals, optimise=optimise)[0] == "sat"
        limited = _negotiator(tmp_path, Limits(rlimit=1))
        assert limited.solve(goals, optimise=optimise)[0] == "unknown"
        assert limited.session.queries == 0  # it was the draft solver (or the Optimize) that gave up


def test_emit_smt2_records_negotiates_solvers(tmp_path: Path) -> None:
    folder = tmp_path / "smt2"
    n = _negotiator(tmp_path, Limits(smt2_dir=folder))
    assert n.solve([0, 1], optimise=True)[0] == "sat"
    assert n.solve([0, 1])[0] == "sat"
    kinds = set()
    for path in sorted(folder.glob("*.smt2")):
        text = path.read_text(encoding="utf-8")
        side = SIDE.search(text)
        if side:
            kinds.add((side.group(2), side.group(3)))
        _replays(path)
    assert ("optimize", "negotiate: the best draft") in kinds
    assert ("solver", "negotiate: a draft") in kinds


def test_rlimit_and_emit_smt2_reach_diff(tmp_path: Path) -> None:
    a, b = tmp_path / "a.nv", tmp_path / "b.nv"
    a.write_text(SPEC, encoding="utf-8")
    b.write_text(SPEC.replace('clause one "1" { ukraine must join(org: eu); }', ""), encoding="utf-8")
    free, _ = compare(SideSpec(a, None), SideSpec(b, None))
    assert free is not None and free.verdicts[0].relation == "more permissive"
    limited, _ = compare(SideSpec(a, None), SideSpec(b, None), limits=Limits(rlimit=1))
    assert limited is not None and limited.verdicts[0].relation == "unknown"
    folder = tmp_path / "smt2"
    compare(SideSpec(a, None), SideSpec(b, None), limits=Limits(smt2_dir=folder))
    names = sorted(p.name for p in folder.glob("*.smt2"))
    assert "diff-0001.smt2" in names
    assert all(n.startswith("diff-") for n in names)  # (the two texts' own sessions: diff-A-..., diff-B-...)


def test_the_commands_take_rlimit_and_emit_smt2(tmp_path: Path) -> None:
    spec = tmp_path / "n.nv"
    spec.write_text(NEGOTIATION, encoding="utf-8")
    folder = tmp_path / "negotiate"
    result = CliRunner().invoke(main, ["negotiate", "--emit-smt2", str(folder), str(spec)])
    assert result.exit_code == 0, result.output
    assert any(SIDE.search(p.read_text(encoding="utf-8")) for p in folder.glob("*.smt2"))
    result = CliRunner().invoke(main, ["negotiate", "--rlimit", "1", str(spec)])
    assert "gave up" in result.output
    a = tmp_path / "a.nv"
    a.write_text(SPEC, encoding="utf-8")
    folder = tmp_path / "diff"
    result = CliRunner().invoke(main, ["diff", "--rlimit", "1", "--emit-smt2", str(folder), str(a), str(a)])
    assert "unknown" in result.output, result.output
    assert (folder / "diff-0001.smt2").exists()


def _replays(path: Path) -> None:
    """The file, run by the z3 binary, gives the answer nverify recorded (when there is a binary)."""
    binary = z3_binary()
    recorded = ANSWER.search(path.read_text(encoding="utf-8"))
    assert recorded, path.name
    if binary is None or recorded.group(1) == "unknown":
        return
    out = subprocess.run([str(binary), "-T:60", str(path)], check=False, capture_output=True, text=True, timeout=90)
    lines = [line for line in out.stdout.splitlines() if not line.startswith(";")]
    assert lines and lines[0] == recorded.group(1), (path.name, lines[:3])
