"""Witnesses are minimal over the whole search and canonical: the same spec gives the same
scenarios whatever the solver did before. The checks share one solver session per instrument,
so running them in another order changes what the solver has learnt and how it numbered its
terms; the findings, their messages and their scenarios must not change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import z3

from tests.golden import run_cli
from tests.unit.helpers import instrument
from verifier import pipeline
from verifier.canonical import canonical, fewest
from verifier.encode import Encoder
from verifier.ground import vocabulary
from verifier.minimal import minimal_model
from verifier.registry import CHECKS
from verifier.session import Limits, Session

SPECS = ["examples/15_conflict.nv", "examples/16_hollow_permission.nv", "examples/20_pretext.nv",
         "examples/21_blockable_guarantee.nv", "examples/22_vacuous_guarantee.nv",
         "examples/23_vetoed_permission.nv", "specs/istanbul_2022.nv", "specs/ireland.nv",
         "specs/switzerland.nv", "specs/permanent_neutrality.nv", "examples/28_protection_gap.nv"]


def _shuffled() -> tuple[object, ...]:
    """The checks in reverse order, each still after the checks whose findings it reads."""
    out: list[object] = []
    left = list(reversed(CHECKS))
    while left:
        ready = next(c for c in left if not any(k in other.kinds for other in left if other is not c for k in c.reads))
        out.append(ready)
        left.remove(ready)
    assert out != list(CHECKS)
    return tuple(out)


def _findings(spec: str) -> list[str]:
    run = run_cli(["--format", "json", "--jobs", "1", spec])
    assert run.exit_code in (0, 1), run.stderr
    return sorted(json.dumps(f, sort_keys=True) for f in json.loads(run.stdout)["findings"])


@pytest.mark.parametrize("spec", SPECS)
def test_the_same_witnesses_whatever_the_order_of_the_checks(spec: str, in_root: None,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    first = _findings(spec)
    monkeypatch.setattr(pipeline, "CHECKS", _shuffled())
    again = _findings(spec)
    assert any('"scenario": {' in f for f in first)
    assert first == again


WORLD = """instrument t "T";
party ukraine, russia, usa, uk;
enum area = {mainland, crimea};
fact armed_attack(by: party, on: other party, area: area) controlled by by;
fact at_war(a: party, b: other party);
act assist(actor: party, to: other party);
"""


def _session(text: str) -> Session:
    inst = instrument(text)
    return Session(Encoder(inst, vocabulary(inst), z3.Context()), Limits(timeout_ms=10_000))


def test_the_canonical_world_names_the_preferred_parties_then_follows_declaration_order() -> None:
    session = _session(WORLD + "assume exists p in party, q in party: at_war(p, q);\n")
    assumptions = [session.enc.assumptions({})]

    def true_atoms(prefer: tuple[str, ...]) -> list[str]:
        model = minimal_model(session, assumptions, prefer=prefer)
        assert model is not None
        return sorted(session.enc.name_of(d()) for d in model.decls()
                      if z3.is_true(model[d]) and d.name().startswith("at_war"))

    assert true_atoms(()) == ["at_war(ukraine, russia)"]  # declaration order: the first pair
    assert true_atoms(("uk",)) == ["at_war(ukraine, uk)"]  # the first that names uk
    assert true_atoms(("usa", "uk")) == ["at_war(ukraine, usa)"]


def test_fewest_and_canonical_on_a_plain_solver() -> None:
    ctx = z3.Context()
    a, b, c, d = (z3.Bool(n, ctx) for n in "abcd")
    s = z3.Solver(ctx=ctx)
    s.add(z3.Or(a, b), z3.Or(c, d), z3.Implies(a, c), z3.Or(z3.Not(b), z3.Not(c)))
    assert s.check() == z3.sat

    def check(solver: z3.Solver) -> z3.CheckSatResult:
        return solver.check()

    found = fewest(s, check, [a, b, c, d], 4)
    assert found is not None
    k, model = found
    assert k == 2  # {a, c} or {b, d}
    chosen = canonical(s, check, [d, c, b, a], k, model)  # d first: {b, d}
    assert chosen is not None
    assert [z3.is_true(chosen.eval(x, model_completion=True)) for x in (a, b, c, d)] == [False, True, False, True]
    chosen = canonical(s, check, [a, b, c, d], k, model)
    assert chosen is not None
    assert [z3.is_true(chosen.eval(x, model_completion=True)) for x in (a, b, c, d)] == [True, False, True, False]


def test_a_conflict_is_shown_in_the_smallest_situation_of_the_whole_search(in_root: None, tmp_path: Path) -> None:
    """The dilemma arises with one fact (f(pb)) or with three (g of every party): the witness
    has the one, whichever situation the search met first."""
    spec = tmp_path / "dilemma.nv"
    spec.write_text("""instrument d "D";
party pa, pb, pc;
fact f(p: party);
fact g(p: party);
act x(actor: party);
define pressed = (g(pa) and g(pb) and g(pc)) or f(pb);
clause c1 "Art. 1" { pa must x when pressed; }
clause c2 "Art. 2" { pa must not x when pressed; }
""", encoding="utf-8")
    run = run_cli(["--format", "json", "--jobs", "1", str(spec)])
    (finding,) = [f for f in json.loads(run.stdout)["findings"] if f["kind"] == "conflict"]
    assert finding["scenario"]["facts"] == ["f(pb)"] and finding["scenario"]["acts"] == []


def test_fewest_returns_a_model_with_the_fewest_even_when_the_callers_model_already_had_them() -> None:
    """When no model has fewer true than the caller's, the model returned still has no more:
    a plain model of the solver may have more (here b and c as well as a)."""
    ctx = z3.Context()
    a, b, c = (z3.Bool(n, ctx) for n in "abc")
    s = z3.Solver(ctx=ctx)
    s.add(a)

    def check(solver: z3.Solver) -> z3.CheckSatResult:
        return solver.check()

    for _ in range(5):  # (whatever model the solver happens to give first)
        found = fewest(s, check, [a, b, c], 1)
        assert found is not None
        k, model = found
        assert k == 1
        assert [z3.is_true(model.eval(x, model_completion=True)) for x in (a, b, c)] == [True, False, False]
        s.push()
        s.add(b, c)  # a plain model now has all three; the solver's history changes
        assert s.check() == z3.sat
        s.pop()


def test_a_conflict_found_with_more_clauses_is_shown_in_its_own_smallest_situation(in_root: None,
                                                                                   tmp_path: Path) -> None:
    """The search for a dilemma of help and neutral finds one of help alone: no ally to help.
    Its situation is the war alone, not a war the ban would need too."""
    spec = tmp_path / "allies.nv"
    spec.write_text("""instrument allies "Allies";
party ukraine, russia, usa;
fact at_war(a: party, b: other party);
fact ally(a: party);
act assist(actor: party, to: other party);
clause help "Duty to help allies" { ukraine must assist where ally(to) when at_war(russia, ukraine); }
clause neutral "No help to anyone at war" { ukraine must not assist where at_war(to, russia); }
""", encoding="utf-8")
    run = run_cli(["--format", "json", "--jobs", "1", str(spec)])
    (finding,) = [f for f in json.loads(run.stdout)["findings"] if f["kind"] == "conflict"]
    assert finding["scenario"]["facts"] == ["at_war(russia, ukraine)"] and finding["scenario"]["acts"] == []


def test_the_figure_of_a_situation_is_the_lowest_whatever_the_search_before_found() -> None:
    """A search's figures are canonical too (`qbf._lowest_figures`): each as low as it goes.
    Two permissions of ukraine share one guess solver; the threat that hollows the permission
    to keep 50 troops was shown as 1,000 when the permission to keep 1,000 was searched first
    (an answer too, and the guess solver's own), and 50 when it was searched alone."""
    from tests.unit.checks.test_hollow_permission import WORLD as TROOPS
    from tests.unit.helpers import run_checks
    from verifier.checks import hollow_permission

    need = ('quantity threat(p: party);\n'
            'clause need "Art. 1" { ukraine must keep troops(ukraine) >= threat(russia) + 1; }\n')
    big = 'clause big "Art. 2" { ukraine may keep troops(ukraine) <= 1000; }\n'
    small = 'clause small "Art. 3" { ukraine may keep troops(ukraine) <= 50; }\n'

    def threats(text: str) -> dict[str, int]:
        out = {}
        for f in run_checks(TROOPS + need + text, hollow_permission.run):
            assert f.scenario is not None
            out[f.clauses[0].id] = dict(f.scenario.quantities)["threat(russia)"]
        return out

    assert threats(big + small) == threats(small + big) == {"big": 1000, "small": 50}
    assert threats(small) == {"small": 50}
