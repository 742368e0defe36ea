"""verifier.qbf: exists-forall by counterexample-guided search, on questions answered by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
import z3

from tests.unit.helpers import baseline, instrument, session
from verifier import qbf
from verifier.qbf import QUANTIFIED_AFTER, EFResult, exists_forall
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


def dilemma(s: Session, clauses: list[str], **kw: Any) -> EFResult:
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


# usa's personnel against a threat the situation sets: refuting one figure at a time never ends.
FIGURES = """
party ukraine, russia, usa;
fact war(p: party);
quantity personnel(p: party) controlled by p;
quantity threat(p: party);
clause cap "C" { limit personnel(usa) <= threat(russia); }
clause need "N" { usa must keep personnel(usa) >= threat(russia) + 1 when war(usa); }
clause enough "E" { usa must keep personnel(usa) >= threat(russia) when war(usa); }
"""


def test_a_search_over_figures_is_answered_whole_when_refutation_does_not_end() -> None:
    """`need` alone: for every threat, some personnel meets it. Each inner choice refutes one
    threat only; past QUANTIFIED_AFTER rounds Z3 answers the quantified question: none."""
    result = dilemma(session(instrument(FIGURES)), ["need"])
    assert result.status == "none" and result.rounds == QUANTIFIED_AFTER


def test_a_dilemma_over_figures_found_whole_has_its_situation_and_core() -> None:
    s = session(instrument(FIGURES))
    result = dilemma(s, ["cap", "need"])
    assert result.status == "found"
    assert "war(usa)" in true_atoms(s, result.outer_lits)
    assert {s.clause_of(lit) for lit in result.core} >= {"cap", "need"}


def test_figures_that_leave_room_are_no_dilemma() -> None:
    assert dilemma(session(instrument(FIGURES)), ["cap", "enough"]).status == "none"


def test_when_z3_gives_up_on_the_quantified_question_the_search_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refutation goes on to its round limit, which says unknown, never none."""
    monkeypatch.setattr(qbf, "_quantified", lambda *args: None)
    result = dilemma(session(instrument(FIGURES)), ["need"], max_rounds=QUANTIFIED_AFTER + 5)
    assert result.status == "unknown" and f"{QUANTIFIED_AFTER + 5} rounds" in result.reason


# The same question in a world that rules out a war on russia: the world fixes war(russia).
HELD = SPEC + "assume not war(russia);\n"


def test_what_the_world_fixes_is_on_neither_side_and_changes_no_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """war(russia) is false in every guess and every inner choice: the situation found does not
    name it, and the answers are those of a search that keeps it on its sides."""
    def answers() -> list[tuple[str, set[str], set[str | None]]]:
        s = session(instrument(HELD))
        out = []
        for clauses in (["help", "stay_out"], ["help", "by_vote"], ["help"]):
            r = dilemma(s, clauses)
            named = {str(lit.arg(0) if z3.is_not(lit) else lit) for lit in r.outer_lits}
            out.append((r.status, named, {s.clause_of(lit) for lit in r.core}))
        return out

    held = answers()
    assert all("war(russia)" not in named for _, named, _ in held)
    monkeypatch.setattr(qbf.Cone, "held_by", lambda self, session, guess: frozenset())
    kept = answers()
    assert "war(russia)" in kept[0][1]  # (a found situation names it when it is kept)
    assert [(status, named - {"war(russia)"}, core) for status, named, core in kept] == held


def test_searches_of_one_inner_question_ask_for_a_first_choice_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two clause sets' searches each ask a first inner choice; the same set again reuses its
    choice, and every answer is the one a search that asks afresh gives."""
    asked: list[str] = []
    check = Session.check

    def counting(self: Session, assumptions: list[z3.BoolRef], purpose: str = "") -> object:
        asked.append(purpose)
        return check(self, assumptions, purpose)

    def answers() -> list[tuple[str, set[str]]]:
        s = session(instrument(SPEC))
        return [(r.status, true_atoms(s, r.outer_lits))
                for r in (dilemma(s, c) for c in (["help", "stay_out"], ["help"], ["help", "stay_out"], ["help"]))]

    monkeypatch.setattr(Session, "check", counting)
    remembered = answers()
    assert asked.count("exists-forall: a first inner choice") == 2
    monkeypatch.setattr(qbf, "_first_choice",
                        lambda s, formula, assumptions: check(s, assumptions, "exists-forall: a first inner choice"))
    assert answers() == remembered


# usa may keep at most 100 personnel, and must keep more than the threat in a war: a threat of
# 100 or more is a dilemma.
CAPPED = FIGURES + 'clause cap100 "K" { limit personnel(usa) <= 100; }\n'


def _threat(s: Session, lits: tuple[z3.BoolRef, ...]) -> int:
    (value,) = [str(lit).split(" = ")[1] for lit in lits if str(lit).startswith("threat(russia) = ")]
    return int(value)


def test_a_canonical_answer_has_the_lowest_figures_and_a_give_up_keeps_the_answer(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Asked for a canonical answer, the search lowers the threat to the least that makes the
    dilemma (`qbf._lowest_figures`). If Z3 gives up on lowering it, the answer found stands: found,
    never none or unknown."""
    s = session(instrument(CAPPED))
    result = dilemma(s, ["cap100", "need"], prefer=("usa",))
    assert result.status == "found" and _threat(s, result.outer_lits) == 100
    assert {s.clause_of(lit) for lit in result.core} >= {"cap100", "need"}

    s = session(instrument(CAPPED))
    side_check = Session.side_check

    def gives_up(self: Session, solver: z3.Solver, purpose: str,
                 assumptions: Sequence[z3.BoolRef] = ()) -> z3.CheckSatResult:
        return z3.unknown if purpose == "exists-forall: lowest figures" else side_check(self, solver, purpose,
                                                                                         assumptions)

    monkeypatch.setattr(Session, "side_check", gives_up)
    result = dilemma(s, ["cap100", "need"], prefer=("usa",))
    assert result.status == "found" and _threat(s, result.outer_lits) >= 100
