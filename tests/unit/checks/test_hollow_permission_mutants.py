"""verifier.checks.hollow_permission, hollow permissions: the findings word for word, the world
shown (what it must keep, whom it names first, when it is sought at all), the claims it is
checked against, the `unknown`s."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
import z3

from dsl.evaluate import World
from tests.unit.checks.test_hollow_permission import WORLD
from tests.unit.helpers import context, instrument, run_checks, search_rounds
from verifier import qbf, scenario, witness
from verifier.checks import hollow_permission
from verifier.findings import Finding, FindingKind, Severity, problem_key
from verifier.pipeline import Options, run
from verifier.qbf import QUANTIFIED_AFTER, EFResult
from verifier.session import Outcome, Session, Status
from verifier.witness import WitnessError

ROOT = Path(__file__).resolve().parents[3]

BAN = 'clause ban "Art. 1" { ukraine must not conclude(partner: usa); }\n'
TRAIN = 'clause train "Art. 2" { ukraine may conclude(partner: usa, kind: training); }\n'
ALWAYS = ("Art. 2 (train) permits ukraine to conclude(ukraine, partner: usa, kind: training), "
          "but doing so always breaches Art. 1 (ban)")


def hollow(text: str) -> list[Finding]:
    return run_checks(WORLD + text, hollow_permission.run)


def test_the_world_shown_keeps_the_holders_other_clauses_and_only_the_holders_part_of_them() -> None:
    """ukraine does the act while it keeps `duty` (its own part of it: russia's part is
    russia's business, and a minimal world leaves russia's act out)."""
    duty = ('clause duty "Art. 5" { ukraine must conclude(partner: russia, kind: training);'
            ' russia must conclude(partner: usa, kind: alliance); }\n')
    (f,) = hollow(BAN + duty + TRAIN)
    assert (f.severity, f.message) == (Severity.ERROR, ALWAYS)
    assert [(c.id, c.role) for c in f.clauses] == [("train", "permission"), ("ban", "blocking")]
    assert f.scenario is not None
    assert f.scenario.acts == ("conclude(ukraine, russia, training)", "conclude(ukraine, usa, training)")


@pytest.mark.parametrize("second_ban", [False, True], ids=["one-blocking-clause", "another-clause-blocks-too"])
def test_the_world_shown_names_the_holder_first(second_ban: bool) -> None:
    """Of the two smallest worlds, the one that names ukraine (not martial_law(usa), declared
    first). With a second clause that blocks the act too, no world keeps ukraine's other clauses:
    the world shown is the smallest that does the act, with the same preference."""
    text = "assume martial_law(usa) or consents(ukraine);\n" + BAN + TRAIN
    if second_ban:
        text += 'clause ban2 "Art. 4" { ukraine must not conclude(kind: training); }\n'
    (f,) = hollow(text)
    assert f.message == ALWAYS
    assert f.scenario is not None
    assert (f.scenario.facts, f.scenario.acts) == (("consents(ukraine)",), ("conclude(ukraine, usa, training)",))


def test_a_finding_left_out_of_the_report_gets_no_world() -> None:
    """The minimal world (an Optimize call) is sought only for a finding that is shown."""
    text = WORLD + BAN + TRAIN + 'clause any "Art. 6" { russia may conclude(partner: usa); }\n' + \
        'clause ban3 "Art. 7" { russia must not conclude; }\n'
    ctx = context(instrument(text))
    ctx.hidden = frozenset({problem_key(FindingKind.HOLLOW_PERMISSION, ["train", "ban"], "ukraine")})
    ukraine, russia = hollow_permission.run(ctx)
    assert (ukraine.party, ukraine.message, ukraine.scenario) == ("ukraine", ALWAYS, None)
    assert russia.party == "russia" and russia.scenario is not None


KEEP = ('term strong(p: party) { reading ordinary: troops(p) >= 250; }\n'
        'clause cap "Annex" { limit troops(ukraine) <= 100; }\n'
        'clause army "Art. 3" { each p in {ukraine} may keep strong(p); }\n')


def test_a_permission_to_keep_a_state_named_for_its_holder() -> None:
    """The state is written of the holder's variable `p` and through a term: the message and the
    claim checked of the world read it for ukraine and under the readings."""
    (f,) = hollow(KEEP)
    assert (f.severity, f.message) == (
        Severity.ERROR, "Art. 3 (army) permits ukraine to keep strong(ukraine), but doing so always breaches Annex (cap)")
    assert dict(f.details)["act"] == "keep strong(ukraine)"
    assert f.scenario is not None and f.scenario.quantities == (("troops(ukraine)", 250),)


def _spoil(monkeypatch: pytest.MonkeyPatch, change: Callable[[World], World]) -> None:
    read = scenario.world_of  # what verifier.witness imports as world_of, the function replaced below

    def spoiled(session: Session, model: z3.ModelRef, draft: Mapping[str, str]) -> World:
        return change(read(session, model, draft))

    monkeypatch.setattr(witness, "world_of", spoiled)


def test_a_world_that_does_not_keep_the_state_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    _spoil(monkeypatch, lambda world: World(world.atoms, {}, world.open_terms, world.draft))
    with pytest.raises(WitnessError, match=r"^hollow permission army of ukraine: the witness does not show "
                                           r"the state the permission keeps$"):
        hollow(KEEP)


def test_a_world_where_another_party_breaches_the_blocking_clause_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The world must show the holder itself in breach: russia doing the act instead (which
    `ban` forbids russia too) is no witness."""
    def russia_instead(world: World) -> World:
        atoms = frozenset(("conclude", ("russia", *args[1:])) if name == "conclude" else (name, args)
                          for name, args in world.atoms)
        return World(atoms, dict(world.quantities), world.open_terms, world.draft)

    _spoil(monkeypatch, russia_instead)
    ban = 'clause ban "Art. 1" { each p in {ukraine, russia} must not conclude(partner: usa); }\n'
    with pytest.raises(WitnessError, match=r"^hollow permission train of ukraine: the witness does not breach "
                                           r"any of \['ban'\] for ukraine; breaches \[\]$"):
        hollow(ban + TRAIN)


def test_a_finding_whose_clauses_are_not_proved_minimal_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Session.check

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label == "core minimisation":
            return Outcome(Status.UNKNOWN, reason="canceled")
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    (f,) = hollow(BAN + TRAIN)
    assert (f.message, f.minimal) == (ALWAYS, False)


def test_a_clause_linked_to_the_act_only_through_a_later_clause_is_searched_with_it() -> None:
    """`quiet` (first) shares consents(ukraine) with `escort` (after it), which shares the act:
    both stand in the way in martial law, and a search that kept `escort` alone would let
    ukraine consent and do the act."""
    text = ('clause quiet "Art. 1" { ukraine must keep not consents(ukraine) when martial_law(ukraine); }\n'
            'clause escort "Art. 4" { ukraine must not conclude(partner: usa) unless consents(ukraine); }\n'
            + TRAIN)
    ctx = context(instrument(WORLD + text))
    seeds = [ctx.enc.atom_vars[("conclude", ("ukraine", "usa", "training"))]]
    assert hollow_permission._connected(ctx, "ukraine", seeds) == ["quiet", "escort"]
    (f,) = hollow(text)
    assert (f.severity, f.message) == (
        Severity.WARNING, ("Art. 2 (train) permits ukraine to conclude(ukraine, partner: usa, kind: training), "
                           "but when martial_law(ukraine) doing so breaches Art. 1 (quiet) and Art. 4 (escort)"))


def _recording(monkeypatch: pytest.MonkeyPatch, give_up: str | None = None) -> list[tuple[str, list[str]]]:
    """The questions asked (purpose, the names of the assumptions); the solver gives up on the
    first question with the purpose `give_up`."""
    original = Session.check
    asked: list[tuple[str, list[str]]] = []

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        asked.append((label, [str(a) for a in assumptions]))
        if label == give_up and [q for q, _ in asked].count(label) == 1:
            return Outcome(Status.UNKNOWN, reason="canceled")
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    return asked


def test_the_questions_name_each_act_in_force_and_its_exercise(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both acts the permission grants have one condition (martial law): each act's questions
    assume literals named for that act. Each act can be done while ukraine complies, which
    answers whether the permission can apply: that is not asked again."""
    asked = _recording(monkeypatch)
    text = ('clause ban "Art. 1" { ukraine must not conclude when martial_law(ukraine); }\n'
            'clause any "Art. 2" { ukraine may conclude(partner: usa) when martial_law(usa); }\n'
            'clause only "Art. 3" { ukraine must not conclude(kind: alliance) when martial_law(russia); }\n')
    hollow(text)
    applies = [names for label, names in asked if label == "hollow-permission: can the permission apply?"]
    blocked = [names for label, names in asked if label == "hollow-permission: always blocked?"]
    acts = ["('conclude', ('ukraine', 'usa', 'alliance'))", "('conclude', ('ukraine', 'usa', 'training'))"]
    lits = ["clause ban @ukraine", "clause only @ukraine"]
    assert blocked == [["world", f"in force any#0 {act}", f"exercise any#0 {act}", *lits] for act in acts]
    assert applies == []


def test_whether_the_permission_applies_is_asked_of_an_act_always_blocked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Art. 1 forbids every conclusion: the act is never done while ukraine complies, so whether
    the permission can apply at all (while ukraine complies) is asked, after that."""
    asked = _recording(monkeypatch)
    (f,) = hollow('clause ban "Art. 1" { ukraine must not conclude; }\n' + TRAIN)
    act = "('conclude', ('ukraine', 'usa', 'training'))"
    assert [(label, names) for label, names in asked if label in QUESTIONS[:2]] == [
        ("hollow-permission: always blocked?", ["world", f"in force train#0 {act}", f"exercise train#0 {act}",
                                                "clause ban @ukraine"]),
        ("hollow-permission: can the permission apply?", ["world", f"in force train#0 {act}", "clause ban @ukraine"])]
    assert f.severity is Severity.ERROR


QUESTIONS = ["hollow-permission: can the permission apply?", "hollow-permission: always blocked?",
             "hollow-permission: can the act be done?"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_solver_that_gives_up_is_an_unknown_and_the_next_permission_is_still_asked(
        monkeypatch: pytest.MonkeyPatch, question: str) -> None:
    _recording(monkeypatch, give_up=question)
    text = 'clause ban "Art. 1" { ukraine must not conclude; }\n' + TRAIN + \
        'clause more "Art. 6" { ukraine may conclude(partner: russia, kind: training); }\n'
    gave_up, found = hollow(text)
    assert (gave_up.kind, gave_up.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert gave_up.message == (
        "the solver gave up on the permission in train (canceled); nothing is proved either way")
    assert [(c.id, c.role) for c in gave_up.clauses] == [("train", None)]
    assert (found.kind, [(c.id, c.role) for c in found.clauses]) == (
        FindingKind.HOLLOW_PERMISSION, [("more", "permission"), ("ban", "blocking")])


def test_an_act_never_in_force_does_not_end_the_permissions_acts() -> None:
    """The first act (with ukraine itself) is never permitted, since ukraine is in martial law:
    the next ones are still asked about."""
    text = ('assume martial_law(ukraine);\n'
            'clause ban "Art. 1" { ukraine must not conclude(partner: usa); }\n'
            'clause any "Art. 2" { ukraine may conclude(kind: training) when not martial_law(partner); }\n')
    (f,) = hollow(text)
    assert dict(f.details)["act"] == "conclude(ukraine, partner: usa, kind: training)"


def test_a_party_no_clause_binds_is_not_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing can block ukraine's permission: no situation is searched for (a search that gives
    up would be an `unknown`)."""
    def search(session: Session, **kw: Any) -> Any:
        raise AssertionError("searched")

    monkeypatch.setattr(hollow_permission, "exists_forall", search)
    assert hollow('clause ban "Art. 1" { russia must not conclude when martial_law(ukraine); }\n' + TRAIN) == []


def test_a_situation_may_have_another_party_breach_its_own_clauses() -> None:
    """Only ukraine must comply in the situation sought: russia concluding an alliance, which
    Art. 8 forbids russia, blocks ukraine's permission all the same."""
    text = ('clause r "Art. 8" { russia must not conclude; }\n'
            'clause ban "Art. 1" { ukraine must not conclude(partner: usa) when conclude(russia, usa, alliance); }\n'
            + TRAIN)
    (f,) = hollow(text)
    assert (f.severity, [(c.id, c.role) for c in f.clauses]) == (
        Severity.WARNING, [("train", "permission"), ("ban", "blocking")])
    assert f.scenario is not None
    assert f.scenario.acts == ("conclude(ukraine, usa, training)", "conclude(russia, usa, alliance)")
    # What russia does is the situation; only ukraine's own conduct is not.
    assert f.message.endswith("but when conclude(russia, usa, alliance) doing so breaches Art. 1 (ban)")


def test_an_act_the_world_rules_out_in_the_situation_is_not_hollow() -> None:
    """In martial law the stated situation itself rules the act out: no clause blocks it there,
    and outside martial law nothing does."""
    assert hollow('assume martial_law(ukraine) implies not conclude(ukraine, usa, training);\n'
                  'clause ban "Art. 1" { ukraine must not conclude when martial_law(ukraine); }\n' + TRAIN) == []


def test_what_the_world_says_of_the_situation_holds_against_the_party() -> None:
    """ukraine may consent only in martial law in the United States: where there is none, ukraine
    cannot consent, and the act breaches Art. 1 (martial_law(usa) is read only by the world)."""
    (f,) = hollow('assume consents(ukraine) implies martial_law(usa);\n'
                  'clause ban "Art. 1" { ukraine must not conclude(partner: usa) unless consents(ukraine); }\n'
                  + TRAIN)
    assert (f.severity, f.message) == (
        Severity.WARNING, ("Art. 2 (train) permits ukraine to conclude(ukraine, partner: usa, kind: training), "
                           "but even when nothing else happens doing so breaches Art. 1 (ban)"))


def test_an_act_that_can_be_done_in_a_situation_does_not_clear_that_situation_for_the_others() -> None:
    """In martial law ukraine may still conclude an alliance, but not a training agreement."""
    (f,) = hollow('clause ban "Art. 1" { ukraine must not conclude(kind: training) when martial_law(ukraine); }\n'
                  'clause any "Art. 2" { ukraine may conclude(partner: usa); }\n')
    assert f.message == ("Art. 2 (any) permits ukraine to conclude(ukraine, partner: usa, kind: training), "
                         "but when martial_law(ukraine) doing so breaches Art. 1 (ban)")


def test_of_the_acts_blocked_in_one_situation_the_first_is_reported() -> None:
    (f,) = hollow('clause ban "Art. 1" { ukraine must not conclude when martial_law(ukraine); }\n'
                  'clause any "Art. 2" { ukraine may conclude; }\n')
    assert dict(f.details)["act"] == "conclude(ukraine, partner: ukraine, kind: alliance)"


def test_the_search_names_its_parts(tmp_path: Path) -> None:
    """`--emit-smt2` of example 16: the guess's choice among the acts is named for the permission
    and its holder, the copy of the holder's choices for doing the act by what it is for, and the
    inner check assumes the exercise's literal of the first questions (one name, not a second)."""
    run([ROOT / "examples" / "16_hollow_permission.nv"], Options(smt2_dir=tmp_path, jobs=1))
    scripts = [s.read_text(encoding="utf-8") for s in sorted(tmp_path.glob("*.smt2"))]

    def asking(purpose: str) -> str:
        return "".join(s for s in scripts if s.splitlines()[0].endswith(f": {purpose}"))

    guess = asking("exists-forall: guess")
    assert "|pick exercises#0 @ukraine 0|" in guess and "|hold_exercises(ukraine, usa) (doing the act)|" in guess
    act = "('hold_exercises', ('ukraine', 'usa'))"
    assert (f"(check-sat-assuming (world |in force exercises#0 {act}| |exercise exercises#0 {act}| "
            "|clause martial @ukraine|") in asking("exists-forall: inner check")
    assert not [s for s in scripts if " (2)|" in s]


def test_an_act_the_situation_rules_out_does_not_end_the_permissions_acts() -> None:
    """The first act (an alliance) cannot be done at all; the next one is still asked about."""
    (f,) = hollow('assume not conclude(ukraine, usa, alliance);\n'
                  'clause ban "Art. 1" { ukraine must not conclude; }\n'
                  'clause any "Art. 2" { ukraine may conclude(partner: usa); }\n')
    assert f.message == ("Art. 2 (any) permits ukraine to conclude(ukraine, partner: usa, kind: training), "
                         "but doing so always breaches Art. 1 (ban)")


def test_each_holder_is_searched_with_its_own_compliance_only() -> None:
    """ukraine's clauses forbid it an alliance with the United States; russia's permission is
    blocked when ukraine concludes one all the same (ukraine's search comes first, and what it
    holds of ukraine's compliance is no part of russia's)."""
    text = ('clause uban "Art. 1" { ukraine must not conclude(partner: usa) when martial_law(ukraine);'
            ' ukraine must not conclude(partner: usa, kind: alliance); }\n' + TRAIN +
            'clause rban "Art. 5" { russia must not conclude(partner: usa) when conclude(ukraine, usa, alliance); }\n'
            'clause rp "Art. 6" { russia may conclude(partner: usa, kind: training); }\n')
    ukraine, russia = hollow(text)
    assert (ukraine.party, russia.party) == ("ukraine", "russia")
    assert [(c.id, c.role) for c in russia.clauses] == [("rp", "permission"), ("rban", "blocking")]
    assert russia.scenario is not None
    assert russia.scenario.acts == ("conclude(ukraine, usa, alliance)", "conclude(russia, usa, training)")


def test_a_search_that_gives_up_is_an_unknown_and_the_next_permission_is_still_asked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    original = qbf.exists_forall  # what hollow_permission imports as exists_forall, the function replaced below
    calls: list[int] = []

    def search(session: Session, **kw: Any) -> EFResult:
        calls.append(1)
        if len(calls) == 1:
            return EFResult("unknown", reason="canceled")
        return original(session, **kw)

    monkeypatch.setattr(hollow_permission, "exists_forall", search)
    text = ('clause ban "Art. 1" { ukraine must not conclude when martial_law(ukraine); }\n' + TRAIN +
            'clause more "Art. 6" { ukraine may conclude(partner: russia, kind: training); }\n')
    gave_up, found = hollow(text)
    assert (gave_up.kind, gave_up.severity, gave_up.message) == (
        FindingKind.UNKNOWN, Severity.WARNING,
        "the solver gave up on the permission in train (canceled); nothing is proved either way")
    assert [(c.id, c.role) for c in gave_up.clauses] == [("train", None)]
    assert (found.kind, found.clauses[0].id, found.severity) == (FindingKind.HOLLOW_PERMISSION, "more", Severity.WARNING)


def test_the_world_shown_holds_only_what_the_situation_needs() -> None:
    """The block needs martial law only: of the figures the stated situation asks for (7 troops
    between russia and the United States), the world shown has the canonical ones, not those of
    the situation the search happened to find."""
    (f,) = hollow('assume troops(russia) + troops(usa) >= 7;\n'
                  'clause ban "Art. 1" { ukraine must not conclude when martial_law(ukraine); }\n' + TRAIN)
    assert f.scenario is not None
    assert (f.scenario.facts, f.scenario.quantities) == (("martial_law(ukraine)",), (("troops(usa)", 7),))


def test_a_situation_whose_core_is_not_found_is_shown_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """The solver gives up on which part of the situation blocks the act: the world shown keeps
    the whole situation found (with russia's 5 troops or more, which the block needs)."""
    _recording(monkeypatch, give_up="hollow-permission: situation core")
    (f,) = hollow('clause ban "Art. 1" { ukraine must not conclude when troops(russia) >= 5; }\n' + TRAIN)
    assert f.severity is Severity.WARNING and f.scenario is not None
    assert dict(f.scenario.quantities)["troops(russia)"] >= 5


# ukraine's troops must exceed the threat by one exactly (`need`, in the base draft only, and
# `match`): each figure the search refutes rules out one threat only, so the situation (a threat
# of 1,000 or more, which leaves no room for the troops Art. 3 permits) is found by Z3's
# quantified question, past QUANTIFIED_AFTER rounds.
FIGURES = ('quantity threat(p: party);\n'
           'clause need "Art. 1" { ukraine must keep troops(ukraine) >= threat(russia) + 1'
           ' when [base: true | russia: false]; }\n'
           'clause match "Art. 2" { limit troops(ukraine) <= threat(russia) + 1; }\n'
           'clause army "Art. 3" { ukraine may keep troops(ukraine) <= 1000; }\n')


def test_a_situation_found_by_the_quantified_question_is_sought_in_the_draft_in_force(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The quantified question ranges over the inner variables, the bracket's selectors among
    them: held to the draft in force, it finds the threat that blocks the permission in the base
    draft (without it, it would ask for a threat that blocks it in russia's draft too, where
    `need` says nothing: none). In russia's draft, no situation blocks it."""
    rounds = search_rounds(monkeypatch, hollow_permission)
    inst = instrument(WORLD + FIGURES)
    (f,) = hollow_permission.run(context(inst, draft=dict.fromkeys(inst.brackets, "base")))
    assert rounds == [QUANTIFIED_AFTER]
    assert f.severity is Severity.WARNING
    assert f.message.startswith("Art. 3 (army) permits ukraine to keep troops(ukraine) <= 1,000, but ")
    assert f.message.endswith(" doing so breaches Art. 1 (need)")
    # The situation is a figure alone, the lowest that blocks the act (`qbf._lowest_figures`), and
    # the message names it.
    assert ", but when threat(russia) = 1,000 doing so breaches" in f.message, f.message
    assert [(c.id, c.role) for c in f.clauses] == [("army", "permission"), ("need", "blocking")]
    assert f.scenario is not None and dict(f.scenario.quantities)["threat(russia)"] == 1000
    assert hollow_permission.run(context(inst, draft=dict.fromkeys(inst.brackets, "russia"))) == []
