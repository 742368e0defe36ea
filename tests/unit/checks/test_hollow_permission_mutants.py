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
    """`cap` (first) shares troops(ukraine) with `escort` (after it), which shares the act:
    both stand in the way in martial law, and a search that kept `escort` alone would let
    ukraine raise its troops and do the act."""
    text = ('clause cap "Art. 1" { ukraine must keep troops(ukraine) <= 5 when martial_law(ukraine); }\n'
            'clause escort "Art. 4" { ukraine must not conclude(partner: usa) unless troops(ukraine) >= 10; }\n'
            + TRAIN)
    ctx = context(instrument(WORLD + text))
    seeds = [ctx.enc.atom_vars[("conclude", ("ukraine", "usa", "training"))]]
    assert hollow_permission._connected(ctx, "ukraine", seeds) == ["cap", "escort"]
    (f,) = hollow(text)
    assert (f.severity, f.message) == (
        Severity.WARNING, "Art. 2 (train) permits ukraine to conclude(ukraine, partner: usa, kind: training), "
                          "but when martial_law(ukraine) doing so breaches Art. 1 (cap) and Art. 4 (escort)")
