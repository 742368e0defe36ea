"""verifier.qbf: exists-forall by counterexample-guided search, on questions answered by hand."""

from __future__ import annotations

import z3

from tests.unit.helpers import baseline, instrument, session
from verifier.qbf import exists_forall
from verifier.session import Session

# usa decides assist(usa, ...) and its own vote; `war` and the votes of the others are the situation.
SPEC = """
party ukraine, russia, usa;
fact war(p: party);
fact vote(p: party) controlled by p;
act assist(actor: party, to: party);
clause help "H" { usa must assist(to: ukraine) when war(ukraine); }
clause stay_out "S" { usa must not assist when war(ukraine) and not vote(russia); }
clause by_vote "V" { usa must not assist when vote(usa); }
"""


def dilemma(s: Session, clauses: list[str], **kw: object):  # type: ignore[no-untyped-def]
    """Is there a situation (all but usa's own atoms) in which usa cannot respect `clauses`?"""
    readings = baseline(s.instrument)
    enc = s.enc
    comp = z3.And([s.norms_of(c, readings, "usa") for c in clauses])
    world = enc.assumptions(readings)
    controlled = set(enc.vocab.controlled_by("usa"))
    outer = enc.situation_keys(controlled)
    return exists_forall(s, guess=[world], outer_keys=outer, inner_formula=z3.And(world, comp),
                         inner_assumptions=[s.world_lit(readings),
                                            *(s.clause_lit(c, readings, "usa") for c in clauses)], **kw)


def true_atoms(s: Session, lits: tuple[z3.BoolRef, ...]) -> set[str]:
    return {str(lit) for lit in lits if not z3.is_not(lit)}


def test_found_with_the_situation_that_forces_it() -> None:
    s = session(instrument(SPEC))
    result = dilemma(s, ["help", "stay_out"])
    assert result.status == "found"
    assert {"war(ukraine)"} <= true_atoms(s, result.outer_lits)
    assert "vote(russia)" not in true_atoms(s, result.outer_lits)
    own = {str(s.enc.atom_vars[k]) for k in s.enc.vocab.controlled_by("usa") if k in s.enc.atom_vars}
    fixed = {str(lit.arg(0) if z3.is_not(lit) else lit) for lit in result.outer_lits}
    assert fixed and not fixed & own  # usa's own choices are never part of the situation
    assert {s.clause_of(lit) for lit in result.core} >= {"help", "stay_out"}


def test_none_when_the_party_decides_the_trigger() -> None:
    # `vote(usa)` is usa's choice: it can always vote no and respect both.
    s = session(instrument(SPEC))
    result = dilemma(s, ["help", "by_vote"])
    assert result.status == "none"


def test_none_for_a_single_satisfiable_clause() -> None:
    s = session(instrument(SPEC))
    assert dilemma(s, ["help"]).status == "none"


def test_a_round_limit_gives_unknown_never_none() -> None:
    # Proving "none" here takes more than one round: each round rules out one guess.
    assert dilemma(session(instrument(SPEC)), ["help", "by_vote"]).rounds > 1
    result = dilemma(session(instrument(SPEC)), ["help", "by_vote"], max_rounds=1)
    assert result.status == "unknown" and "1 rounds" in result.reason
