"""The one question for all coalitions (verifier.coalition_screen): "none" only where no
coalition blocks, and where it says so the coalitions are not asked one by one. It is asked
before each size of coalition with several to ask (verifier.checks.coalitions)."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.unit.helpers import findings_in, members
from verifier.checks import blockable_guarantee, coalitions
from verifier.findings import Finding
from verifier.merge import expand

SPEC = """
instrument k "K"; party ua, ru, g1, g2, g3; group guarantors = {{g1, g2, g3}};
enum means = {{consultation, armed_force}};
fact attack(by: party) controlled by by; fact agrees(g: party) controlled by g;
act assist(actor: party, to: other party, means: means);
assume not attack(by: ua);
clause art4 "4" {{ each g in guarantors must assist(to: ua, means: armed_force) when attack(by: _) and {decision}
                  protects ua against attack(by: _); }}
{extra}
protection ua against attack(by: ru) "an attack by Russia" by assist(to: ua) where means == armed_force;
"""
MAJORITY = "a majority of g in guarantors: agrees(g)"
CONSENSUS = "all g in guarantors: agrees(g)"


Screen = tuple[int, list[str], bool]  # (at least, the groups excluded, proven none) of one screen


def recorded(monkeypatch: pytest.MonkeyPatch, module: ModuleType, screen: bool = True) -> list[Screen]:
    """Every screen a check module asks (its `none_left`), as it asks them; with `screen` False,
    none proves anything (every coalition is asked, as without the screen)."""
    answers: list[Screen] = []
    original = module.none_left

    def spy(*args: Any) -> bool:
        answer = original(*args) if screen else False
        answers.append((args[-2], sorted("+".join(sorted(group)) for group in args[-1]), answer))
        return answer

    monkeypatch.setattr(module, "none_left", spy)
    return answers


def proven(answers: list[Screen]) -> list[bool]:
    return [answer for _, _, answer in answers]


def screened(monkeypatch: pytest.MonkeyPatch, tmp: Path, decision: str, extra: str = "",
             **options: object) -> tuple[list[Screen], list[Finding]]:
    """What the screen answered for each target (True: no coalition blocks), and the findings."""
    answers = recorded(monkeypatch, blockable_guarantee)
    found = findings_in(tmp, SPEC.format(decision=decision, extra=extra), ["blockable-guarantee"], **options)
    return answers, [e for f in found for e in expand(f)]


def test_no_single_guarantor_blocks_a_majority_so_the_screen_answers_none(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answers, found = screened(monkeypatch, tmp_path, MAJORITY, coalition_size=1)
    assert answers == [(1, [], True), (1, [], True)]  # the guarantee and the protection requirement
    assert found == []


def test_pairs_block_a_majority_and_the_coalitions_are_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answers, found = screened(monkeypatch, tmp_path, MAJORITY, coalition_size=2)
    assert answers == [(1, [], False), (2, [], False)] * 2
    assert sorted({members(f) for f in found}) == ["g1+g2", "g1+g3", "g2+g3"]


def test_every_triple_holds_a_pair_that_blocks_a_majority_so_none_is_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answers, found = screened(monkeypatch, tmp_path, MAJORITY, coalition_size=3)
    assert answers == [(1, [], False), (2, [], False)] * 2  # (nothing left to screen either)
    assert sorted({members(f) for f in found}) == ["g1+g2", "g1+g3", "g2+g3"]


def test_once_one_guarantor_is_found_to_block_no_pair_without_it_is_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only g1's agreement is asked for: g1 blocks alone, and no group without g1 can."""
    answers, found = screened(monkeypatch, tmp_path, "agrees(g1)", coalition_size=3)
    assert answers == [(1, [], False), (2, ["g1"], True)] * 2
    assert sorted({members(f) for f in found}) == ["g1"]


def test_each_guarantor_blocks_a_consensus(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answers, found = screened(monkeypatch, tmp_path, CONSENSUS, coalition_size=1)
    assert answers == [(1, [], False)] * 2
    assert sorted({members(f) for f in found}) == ["g1", "g2", "g3"]


def test_a_vote_every_guarantor_must_cast_blocks_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each guarantor must agree: withholding agreement breaches that duty, so no group blocks
    lawfully, with the event of its own making or without it."""
    duties = 'clause duty "6" { each g in guarantors must keep agrees(g); }'
    answers, found = screened(monkeypatch, tmp_path, CONSENSUS, duties, coalition_size=2)
    assert answers == [(1, [], True)] * 2
    assert found == []


@pytest.mark.parametrize("decision", [MAJORITY, CONSENSUS, "agrees(g1)"])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_the_screen_never_hides_a_coalition(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, decision: str, size: int) -> None:
    """With the screen and without it (every coalition asked), the same findings."""
    _, with_screen = screened(monkeypatch, tmp_path, decision, coalition_size=size)
    recorded(monkeypatch, blockable_guarantee, screen=False)  # (every coalition asked)
    without = [e for f in findings_in(tmp_path, SPEC.format(decision=decision, extra=""),
                                      ["blockable-guarantee"], coalition_size=size) for e in expand(f)]
    assert [f.message for f in with_screen] == [f.message for f in without]
    assert with_screen or (decision, size) == (MAJORITY, 1)


GRANTS = """
instrument t "t"; party ukraine, russia, usa, uk; group guarantors = {{russia, usa, uk}};
fact agrees(g: party) controlled by g;
act act_alone(actor: party, in: party);
clause art6 "Art. 6" {{ usa may act_alone(in: ukraine) when {condition}; }}
{extra}
"""


def granted(monkeypatch: pytest.MonkeyPatch, tmp: Path, condition: str, extra: str = "", screen: bool = True,
            **options: object) -> tuple[list[Screen], list[str]]:
    """The screen's answers (as `screened`) and who can bring the permission into force."""
    from verifier.checks import self_granted_permission

    answers = recorded(monkeypatch, self_granted_permission, screen)
    found = findings_in(tmp, GRANTS.format(condition=condition, extra=extra), ["self-granted-permission"], **options)
    return answers, [members(f) for f in found]


def test_a_majority_of_refusals_needs_two_and_no_triple_is_left(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answers, who = granted(monkeypatch, tmp_path, "a majority of h in guarantors: (not agrees(h))", coalition_size=3)
    assert answers == [(1, [], False), (2, [], False)]  # (every triple holds a pair found)
    assert who == ["usa+russia", "usa+uk"]


def test_when_only_russia_can_force_it_no_pair_without_russia_is_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The condition names four parties' agreement, but only russia's refusal forces it."""
    condition = "not agrees(russia) or (not agrees(uk) and not agrees(usa) and not agrees(ukraine) and not agrees(russia))"
    answers, who = granted(monkeypatch, tmp_path, condition, coalition_size=2)
    assert answers == [(1, [], False), (2, ["russia"], True)]
    assert who == []  # russia forces usa's permission: not usa's own doing


def test_a_pair_without_the_one_found_is_still_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """russia forces it alone, usa and uk together; ukraine's agreement is named in a part that
    never holds (so that several pairs are left to ask)."""
    condition = "not agrees(russia) or (not agrees(uk) and not agrees(usa)) or (agrees(ukraine) and not agrees(ukraine))"
    answers, who = granted(monkeypatch, tmp_path, condition, coalition_size=2)
    assert answers == [(1, [], False), (2, ["russia"], False)]
    assert who == ["usa+uk"]


def test_a_refusal_every_guarantor_must_withhold_forces_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    duties = 'clause duty "7" { each g in guarantors must keep agrees(g); }'
    answers, who = granted(monkeypatch, tmp_path, "not all h in guarantors: agrees(h)", duties, coalition_size=2)
    assert answers == [(1, [], True)]
    assert who == []


@pytest.mark.parametrize("condition", ["a majority of h in guarantors: (not agrees(h))", "not agrees(russia)",
                                       "not all h in guarantors: agrees(h)", "agrees(usa) and not agrees(uk)",
                                       "not agrees(russia) or (not agrees(uk) and not agrees(usa))"])
def test_the_screen_never_hides_a_group_that_grants(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, condition: str) -> None:
    _, with_screen = granted(monkeypatch, tmp_path, condition, coalition_size=3)
    _, without = granted(monkeypatch, tmp_path, condition, screen=False, coalition_size=3)
    assert with_screen == without


def test_one_group_left_is_asked_without_a_screen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """russia forces it alone; of the pairs only usa and uk are left, asked as they are."""
    answers, who = granted(monkeypatch, tmp_path, "not agrees(russia) or (not agrees(uk) and not agrees(usa))",
                           coalition_size=2)
    assert answers == [(1, [], False)]
    assert who == ["usa+uk"]


EVENT_ONLY = """
instrument k "K"; party ua, ru, g1, g2; group guarantors = {g1, g2};
fact attack(by: party) controlled by by;
act assist(actor: party, to: party);
assume not attack(by: ua);
clause art4 "4" { each g in guarantors must assist(to: ua) when attack(by: _) protects ua against attack(by: _); }
protection ua against attack(by: _) "an attack" by assist(to: ua);
"""


def test_when_the_candidates_decide_only_the_event_nothing_blocks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The trigger is the event itself: an attacker cannot keep it false by attacking, and the
    protection's candidates decide nothing but their part in the event (which binds nothing)."""
    answers = recorded(monkeypatch, blockable_guarantee)
    assert findings_in(tmp_path, EVENT_ONLY, ["blockable-guarantee"]) == []
    assert proven(answers) == [True, True]


FIGURES = """
instrument k "K"; party ua, ru, g1, g2, g3; group guarantors = {g1, g2, g3};
fact attack(by: party) controlled by by;
quantity troops(p: party) controlled by p;
act assist(actor: party, to: party);
assume not attack(by: ua);
clause art4 "4" { each g in guarantors must assist(to: ua)
                  when attack(by: _) and a majority of h in guarantors: (troops(h) >= 100)
                  protects ua against attack(by: _); }
"""


@pytest.mark.parametrize("size", [1, 2])
def test_figures_a_member_decides_are_fixed_in_the_screens_questions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                     size: int) -> None:
    """The guarantors' troop figures decide the trigger: no one can block it alone; any two can
    (both below 100). The screen fixes the picked members' figures as the guess has them."""
    answers = recorded(monkeypatch, blockable_guarantee)
    found = [e for f in findings_in(tmp_path, FIGURES, ["blockable-guarantee"], coalition_size=size) for e in expand(f)]
    assert proven(answers) == ([True] if size == 1 else [False, False])
    assert sorted({members(f) for f in found}) == ([] if size == 1 else ["g1+g2", "g1+g3", "g2+g3"])


def test_a_screen_that_does_not_settle_sends_the_check_to_the_coalitions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from verifier import coalition_screen

    monkeypatch.setattr(coalition_screen, "MAX_ROUNDS", 0)
    answers, found = screened(monkeypatch, tmp_path, MAJORITY, coalition_size=2)
    assert proven(answers) == [False] * 4
    assert sorted({members(f) for f in found}) == ["g1+g2", "g1+g3", "g2+g3"]


def test_the_guess_side_is_asked_of_every_guess(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Pairs can block a majority; with a guess side no world meets, no coalition can."""
    import z3

    calls: list[tuple[Any, ...]] = []
    original = coalitions.none_left  # what blockable_guarantee imports as none_left, the function replaced below

    def spy(*args: Any) -> bool:
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(blockable_guarantee, "none_left", spy)
    screened(monkeypatch, tmp_path, MAJORITY, coalition_size=2)
    ctx, *rest = calls[1]  # (the guarantee, before the pairs: some pair blocks)
    rest[-1] = []  # (the groups found since, which the call's list holds now, left out)
    assert original(ctx, *rest) is False
    guess = rest[5]
    unmet = [*rest[:5], [*guess, z3.BoolVal(False, ctx.session.ctx)], *rest[6:]]
    assert original(ctx, *unmet) is True


ANSWERED_EITHER_WAY = """
instrument k "K"; party ua, ru, g1, g2; group guarantors = {g1, g2};
fact attack(by: party) controlled by by; fact agrees(g: party) controlled by g;
quantity troops(p: party) controlled by p;
act assist(actor: party, to: party);
assume not attack(by: ua);
clause art4 "4" { each g in guarantors must assist(to: ua)
                  when attack(by: _) and ((troops(g1) <= 100 and agrees(g2)) or (troops(g1) > 100 and not agrees(g2)))
                  protects ua against attack(by: _); }
clause strength "5" { g1 must keep troops(g1) >= 200; }
"""


def test_a_guess_is_put_to_the_inner_side_with_the_figure_it_chose(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Whatever g1's troops, g2 can answer (agreeing or not); whatever g2 does, g1's troops can.
    g1 keeps at least 200 troops lawfully, so a guess that picks g1 has that many: an answer
    asked with another figure would not refute it."""
    answers = recorded(monkeypatch, blockable_guarantee)
    assert findings_in(tmp_path, ANSWERED_EITHER_WAY, ["blockable-guarantee"], coalition_size=1) == []
    assert proven(answers) == [True]


def test_a_guess_the_solver_gives_up_on_proves_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import z3

    from verifier.session import Session

    original = Session.side_check

    def side_check(self: Session, solver: Any, purpose: str, *args: Any) -> Any:
        if purpose.endswith("can any coalition? guess"):
            return z3.unknown
        return original(self, solver, purpose, *args)

    monkeypatch.setattr(Session, "side_check", side_check)
    answers, found = screened(monkeypatch, tmp_path, CONSENSUS, "", coalition_size=1)
    assert answers == [(1, [], False)] * 2
    assert sorted({members(f) for f in found}) == ["g1", "g2", "g3"]


def test_a_single_coalition_left_is_asked_without_a_screen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """g1's agreement alone decides; of the pairs only {ru, g2} holds no g1, asked as it is."""
    answers = recorded(monkeypatch, blockable_guarantee)
    text = SPEC.format(decision="agrees(g1)", extra="").replace("party ua, ru, g1, g2, g3; group guarantors = {g1, g2, g3};",
                                                              "party ua, ru, g1, g2; group guarantors = {g1, g2};")
    found = [e for f in findings_in(tmp_path, text, ["blockable-guarantee"], coalition_size=2) for e in expand(f)]
    assert answers == [(1, [], False)] * 2
    assert sorted({members(f) for f in found}) == ["g1"]


VETO = """
instrument v "V"; party ukraine, g1, g2, g3; group guarantors = {{g1, g2, g3}};
fact consents(g: party) controlled by g;
act host(actor: party, foreign: party);
clause art2 "Art. 2" {{ ukraine must not host; }}
clause art3 "Art. 3" overrides art2 {{ ukraine may host(foreign: g1) when {consent}; }}
"""


def vetoed(monkeypatch: pytest.MonkeyPatch, tmp: Path, consent: str, screen: bool = True,
           **options: object) -> tuple[list[Screen], list[str]]:
    """The screen's answers (as `screened`) and who can veto the permission."""
    from verifier.checks import blocked_permission

    answers = recorded(monkeypatch, blocked_permission, screen)
    found = [e for f in findings_in(tmp, VETO.format(consent=consent), ["hollow-permission"], **options)
             if dict(f.details).get("veto") for e in expand(f)]
    return answers, sorted(members(f) for f in found)


def test_consent_of_any_one_guarantor_is_vetoed_by_no_pair(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answers, who = vetoed(monkeypatch, tmp_path, "exists g in guarantors: consents(g)", coalition_size=2)
    assert answers == [(1, [], True)]
    assert who == []


def test_consent_of_any_one_guarantor_is_vetoed_by_all_three(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answers, who = vetoed(monkeypatch, tmp_path, "exists g in guarantors: consents(g)", coalition_size=3)
    assert answers == [(1, [], False), (2, [], False)]  # (one triple left: asked as it is)
    assert who == ["g1+g2+g3"]


def test_consent_of_all_is_vetoed_by_each_and_no_pair_is_left(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    answers, who = vetoed(monkeypatch, tmp_path, "all g in guarantors: consents(g)", coalition_size=3)
    assert answers == [(1, [], False)]
    assert who == ["g1", "g2", "g3"]


@pytest.mark.parametrize("consent", ["exists g in guarantors: consents(g)", "all g in guarantors: consents(g)",
                                     "a majority of g in guarantors: consents(g)", "consents(g2) or consents(g3)"])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_the_screen_never_hides_a_veto(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, consent: str, size: int) -> None:
    _, with_screen = vetoed(monkeypatch, tmp_path, consent, coalition_size=size)
    _, without = vetoed(monkeypatch, tmp_path, consent, screen=False, coalition_size=size)
    assert with_screen == without
