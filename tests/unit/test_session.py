"""verifier.session: clause literals, cores that name clauses, minimal cores, limits, and SMT-LIB output."""

from __future__ import annotations

import shutil
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest
import z3

from tests.unit.helpers import baseline, instrument, session
from verifier.session import Session, minimise_core

# Five clauses. {one, two} contradict, and so do {one, three, four} (three forces a join
# that four then forbids); five is irrelevant. So the minimal cores are exactly those two.
SPEC = """
party ukraine;
enum org = {eu, nato};
act join(actor: party, org: org);
clause one "1" { ukraine must join(org: eu); }
clause two "2" { ukraine must not join(org: eu); }
clause three "3" { ukraine must join(org: nato) when true; }
clause four "4" { ukraine must not join(org: nato) unless join(ukraine, eu) and false; }
clause five "5" { ukraine may join; }
"""
MUSES = [frozenset({"one", "two"}), frozenset({"three", "four"})]


@pytest.fixture
def s() -> Session:
    return session(instrument(SPEC))


def lits(s: Session, *ids: str) -> list[z3.BoolRef]:
    readings = baseline(s.instrument)
    return [s.clause_lit(c, readings) for c in ids]


def names(s: Session, core: list[z3.BoolRef] | tuple[z3.BoolRef, ...]) -> frozenset[str]:
    return frozenset(c for c in (s.clause_of(lit) for lit in core) if c is not None)


def test_literals_are_made_once_and_name_their_clause(s: Session) -> None:
    first, = lits(s, "one")
    again, = lits(s, "one")
    assert first.eq(again) and str(first) == "clause one" and s.clause_of(first) == "one"
    party, = [s.clause_lit("one", {}, "ukraine")]
    assert str(party) == "clause one @ukraine" and not party.eq(first)
    assert s.clause_of(z3.Bool("something else", s.ctx)) is None


def test_sat_and_unsat_answers(s: Session) -> None:
    world = s.world_lit({})
    assert s.check([world, *lits(s, "one", "four", "five")]).sat
    outcome = s.check([world, *lits(s, "one", "two", "five")])
    assert outcome.unsat and names(s, outcome.core) <= {"one", "two", "five"}
    assert outcome.core and outcome.model is None


def test_every_member_of_a_minimised_core_is_needed(s: Session) -> None:
    world = s.world_lit({})
    every = lits(s, "one", "two", "three", "four", "five")
    # Start from the whole set, not the solver's core, so the deletion does all the work.
    core, proved = minimise_core(s, [world], every, every)
    assert proved and names(s, core) in MUSES
    for i in range(len(core)):
        assert s.check([world, *core[:i], *core[i + 1:]]).sat, f"{names(s, core)} is not minimal"


def test_minimal_cores_of_every_unsat_subset_are_the_known_ones(s: Session) -> None:
    world = s.world_lit({})
    ids = ["one", "two", "three", "four", "five"]
    for size in range(2, len(ids) + 1):
        for subset in combinations(ids, size):
            chosen = lits(s, *subset)
            outcome = s.check([world, *chosen])
            expected = [m for m in MUSES if m <= set(subset)]
            assert outcome.unsat == bool(expected), subset
            if outcome.unsat:
                core, proved = minimise_core(s, [world], outcome.core, chosen)
                assert proved and names(s, core) in expected


def test_the_minimal_core_does_not_depend_on_the_core_z3_returned(s: Session) -> None:
    """Symmetry campaign seed 108400: two clauses each blocked an act, and which one a hollow
    permission named depended on the core Z3 returned, which differed between the run through
    representatives and the run with every party. The set deletion leaves, from the last
    candidate to the first, is one: the same whichever unsat core (or none) the caller has."""
    world = s.world_lit({})
    every = lits(s, "one", "two", "three", "four", "five")
    starts = (every, lits(s, "one", "two"), lits(s, "three", "four"), lits(s, "one", "two", "three", "four"))
    found = {names(s, minimise_core(s, [world], start, every)[0]) for start in starts}
    assert found == {frozenset({"one", "two"})}  # (the earliest candidates are kept)
    backwards = {names(s, minimise_core(s, [world], start, list(reversed(every)))[0]) for start in starts}
    assert backwards == {frozenset({"three", "four"})}


def test_minimise_only_among_candidates(s: Session) -> None:
    world = s.world_lit({})
    one, two = lits(s, "one", "two")
    outcome = s.check([world, one, two])
    core, _ = minimise_core(s, [world, one], outcome.core, [two])
    assert names(s, core) == {"two"}


def test_value_literals_fix_quantities() -> None:
    s = session(instrument("party a;\nquantity q(p: party) controlled by p;\n"
                           'clause c "C" { limit q(a) <= 5; }'))
    q = s.enc.qty_vars[("q", ("a",))]
    clause, = lits(s, "c")
    world = s.world_lit({})
    assert s.check([world, clause, s.value_lit(q, 5)]).sat
    assert s.check([world, clause, s.value_lit(q, 6)]).unsat
    assert s.value_lit(q, 6).eq(s.value_lit(q, 6))


def test_formula_literals_are_reused_only_for_the_same_formula(s: Session) -> None:
    x = s.enc.atom_vars[("join", ("ukraine", "eu"))]
    a = s.formula_lit(("k",), "lit", x)
    assert a.eq(s.formula_lit(("k",), "lit", x))
    b = s.formula_lit(("k",), "lit", z3.Not(x))
    assert not a.eq(b) and str(a) != str(b)


def test_a_resource_limit_gives_unknown_never_a_verdict() -> None:
    s = session(instrument(SPEC), rlimit=1)
    outcome = s.check([s.world_lit({}), *lits(s, "one", "two")])
    assert outcome.status == "unknown" and not outcome.sat and not outcome.unsat


def test_queries_are_counted(s: Session) -> None:
    before = s.queries
    s.check([s.world_lit({})])
    assert s.queries == before + 1


def test_a_status_asked_before_is_answered_without_a_query(s: Session) -> None:
    """`status` of a set asked before through `remembered` (in any order) is its answer, with
    no model or core and no query; a set asked only through `check`, or not at all, is a query
    of its own (remembering every query would hold too much on a large instrument)."""
    world = s.world_lit({})
    remembered = s.remembered([world, *lits(s, "one", "two")])
    assert remembered.unsat and remembered.core
    assert s.remembered([world, *lits(s, "one", "five")]).sat
    assert s.check([world, *lits(s, "three", "five")]).sat
    before = s.queries
    unsat = s.status([*lits(s, "two", "one"), world])
    sat = s.status([world, *lits(s, "five", "one")])
    assert (unsat.status, sat.status, s.queries) == ("unsat", "sat", before)
    assert unsat.core == () and sat.model is None
    assert s.status([world, *lits(s, "three", "five")]).sat and s.queries == before + 1
    assert s.status([world, *lits(s, "one", "four")]).sat and s.queries == before + 2


def test_an_unknown_answer_is_not_remembered() -> None:
    s = session(instrument(SPEC), rlimit=1)
    assumptions = [s.world_lit({}), *lits(s, "one", "two")]
    assert s.remembered(assumptions).status == "unknown"
    before = s.queries
    assert s.status(assumptions).status == "unknown" and s.queries == before + 1


def test_emitted_smt2_replays_with_the_same_answer(tmp_path: Path) -> None:
    s = session(instrument(SPEC), smt2_dir=tmp_path)
    world = s.world_lit({})
    s.check([world, *lits(s, "one", "five")], "a sat query")
    s.check([world, *lits(s, "one", "two")], "an unsat query")
    files = sorted(tmp_path.glob("*.smt2"))
    assert [f.name for f in files] == [f"{s.instrument.name}-0001.smt2", f"{s.instrument.name}-0002.smt2"]
    text = files[1].read_text(encoding="utf-8")
    assert "(check-sat-assuming (" in text and "|clause one|" in text
    z3_binary = shutil.which("z3") or str(Path(sys.executable).parent / "z3")
    if not Path(z3_binary).exists():
        pytest.skip("no z3 binary to replay the query")
    answers = [subprocess.run([z3_binary, str(f)], check=False, capture_output=True, text=True, timeout=30).stdout.split()[0]
               for f in files]
    assert answers == ["sat", "unsat"]


TWO_PARTIES = """
party ukraine, russia;
act join(actor: party);
act attack(actor: party);
clause a "A" { ukraine must not join; }
clause b "B" { ukraine must join; }
clause c "C" { russia must not attack; }
"""


def test_queries_are_answered_by_the_solver_of_their_scope() -> None:
    from verifier.session import ALL_PARTIES, NO_CLAUSE

    s = session(instrument(TWO_PARTIES))
    readings = baseline(s.instrument)
    ua = [s.clause_lit(c, readings, "ukraine") for c in ("a", "b")]
    ru = s.clause_lit("c", readings, "russia")
    world = s.world_lit(readings)
    assert s.scope_of([world, *ua]) == "ukraine"
    assert s.scope_of([world, ru]) == "russia"
    assert s.scope_of([*ua, ru]) == ALL_PARTIES
    assert s.scope_of([world, s.clause_lit("a", readings)]) == ALL_PARTIES  # a clause for every party
    assert s.scope_of([world]) == NO_CLAUSE
    # Ukraine's two clauses contradict, in Ukraine's solver, and the core names both.
    out = s.check([world, *ua])
    assert out.unsat and {s.clause_of(lit) for lit in out.core} == {"a", "b"}
    assert s.check([world, ru]).sat
    # Each solver holds the guarded formulas its queries switched on, and no other.
    assert len(s.solver_of("ukraine").assertions()) == 3  # world, a, b
    assert len(s.solver_of("russia").assertions()) == 2   # world, c
    assert s.check([world, ua[0]]).sat and len(s.solver_of("ukraine").assertions()) == 3
