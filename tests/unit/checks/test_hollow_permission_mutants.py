"""verifier.checks.hollow_permission, hollow permissions: the findings word for word, the world
shown (what it must keep, whom it names first, when it is sought at all), the claims it is
checked against, the `unknown`s."""

from __future__ import annotations

from typing import Any

import pytest

from dsl.evaluate import World
from tests.unit.checks.test_hollow_permission import WORLD
from tests.unit.helpers import context, instrument, run_checks
from verifier import witness
from verifier.checks import hollow_permission
from verifier.findings import Finding, FindingKind, Severity, problem_key
from verifier.session import Outcome, Session, Status
from verifier.witness import WitnessError

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


def _spoil(monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    read = witness.world_of

    def spoiled(session: object, model: object, draft: object) -> World:
        return change(read(session, model, draft))  # type: ignore[arg-type]

    monkeypatch.setattr(witness, "world_of", spoiled)


def test_a_world_that_does_not_keep_the_state_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    _spoil(monkeypatch, lambda world: World(world.atoms, {}, world.open_terms, world.draft))
    with pytest.raises(WitnessError, match="^hollow permission army of ukraine: the witness does not show "
                                           "the state the permission keeps$"):
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
        Severity.WARNING, "Art. 2 (train) permits ukraine to conclude(ukraine, partner: usa, kind: training), "
                          "but when martial_law(ukraine) doing so breaches Art. 1 (quiet) and Art. 4 (escort)")


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
    assume literals named for that act."""
    asked = _recording(monkeypatch)
    text = ('clause ban "Art. 1" { ukraine must not conclude when martial_law(ukraine); }\n'
            'clause any "Art. 2" { ukraine may conclude(partner: usa) when martial_law(usa); }\n'
            'clause only "Art. 3" { ukraine must not conclude(kind: alliance) when martial_law(russia); }\n')
    hollow(text)
    applies = [names for label, names in asked if label == "hollow-permission: can the permission apply?"]
    blocked = [names for label, names in asked if label == "hollow-permission: always blocked?"]
    acts = ["('conclude', ('ukraine', 'usa', 'alliance'))", "('conclude', ('ukraine', 'usa', 'training'))"]
    lits = ["clause ban @ukraine", "clause only @ukraine"]
    assert applies == [["world", f"in force any#0 {act}", *lits] for act in acts]
    assert blocked == [["world", f"in force any#0 {act}", f"exercise any#0 {act}", *lits] for act in acts]


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
