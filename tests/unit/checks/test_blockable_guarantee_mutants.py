"""Blockable guarantees (verifier/checks/blockable_guarantee.py): the findings word for word (one
blocker, a pair, attackers among the blockers), the `unknown` of a search that gives up, and the
world of a finding left out of the report.
Written against the mutants that survived the existing tests (docs/trust.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dsl import load
from tests.unit.helpers import context, instrument
from verifier import qbf
from verifier.checks import blockable_guarantee
from verifier.checks.context import CheckContext
from verifier.findings import Finding, FindingKind, Severity, problem_key
from verifier.qbf import QUANTIFIED_AFTER, EFResult

# usa alone decides whether the guarantee triggers; the incident may happen to anyone.
ONE = """
party russia, ukraine, usa;
fact incident(p: party);
fact agrees(g: party) controlled by g;
act assist(actor: party, to: party);
clause g "Art. 5" { usa must assist(to: ukraine) when incident(_) and agrees(usa) protects ukraine against incident(_); }
"""

# A majority of three guarantors, two of which may attack: any two can block.
MAJORITY = """
party ua, ru, g1, g2, g3;
group guarantors = {{g1, g2, g3}};
fact attack(by: party) controlled by by;
fact agrees(g: party) controlled by g;
act assist(actor: party, to: party);
assume not attack(by: ua);
assume not attack(by: g3);
clause art4 "Art. 4" {{
  each g in guarantors must assist(to: ua) when {event} and {vote}
    protects ua against {event} "{phrase}";
}}
"""
ANY = MAJORITY.format(
    event="attack(by: _)", vote="a majority of g in guarantors: agrees(g)", phrase="an armed attack on Ukraine"
)


def joint(vote: str) -> str:
    """The event needs g1 and g2 both to attack."""
    return MAJORITY.format(event="attack(by: g1) and attack(by: g2)", vote=vote, phrase="a joint attack")


def check(text: str, size: int = 2, hidden: frozenset[tuple[object, ...]] = frozenset()) -> list[Finding]:
    ctx = context(instrument(text))
    ctx.coalition_size, ctx.hidden = size, hidden
    return blockable_guarantee.run(ctx)


def said(fs: list[Finding]) -> list[tuple[str, str]]:
    return [("+".join(f.coalition or (f.party or "",)), f.message) for f in fs]


def test_one_party_that_blocks_without_causing_the_event() -> None:
    (f,) = check(ONE)
    assert (f.kind, f.severity, f.party, f.coalition) == (FindingKind.BLOCKABLE_GUARANTEE, Severity.ERROR, "usa", ())
    assert f.message == "usa can keep Art. 5 (g) from triggering in the event of incident(_), by agrees(usa) = false"
    assert [(c.id, c.role) for c in f.clauses] == [("g", "guarantee")]
    assert f.details == (("choice", "agrees(usa) = false"), ("protected", "ukraine"), ("controls_event", False))
    # The world shown names the parties of the finding first (the blocker, the protected party).
    assert f.scenario is not None and f.scenario.facts == ("incident(ukraine)",)


def test_a_pair_of_which_one_causes_the_event() -> None:
    assert said(check(ANY)) == [
        (
            "g1+g2",
            (
                "g1 and g2 together can keep Art. 4 (art4) from triggering even when g1 causes an armed attack on "
                "Ukraine itself, by agrees(g1) = false, agrees(g2) = false"
            ),
        ),
        (
            "g1+g3",
            (
                "g1 and g3 together can keep Art. 4 (art4) from triggering even when g1 causes an armed attack on "
                "Ukraine itself, by agrees(g1) = false, agrees(g3) = false"
            ),
        ),
        (
            "g2+g3",
            (
                "g2 and g3 together can keep Art. 4 (art4) from triggering even when g2 causes an armed attack on "
                "Ukraine itself, by agrees(g2) = false, agrees(g3) = false"
            ),
        ),
    ]


def test_a_pair_that_causes_the_event_together() -> None:
    fs = check(joint("a majority of g in guarantors: agrees(g)"))
    assert said(fs) == [
        (
            "g1+g2",
            (
                "g1 and g2 together can keep Art. 4 (art4) from triggering even when they cause a joint attack "
                "themselves, by agrees(g1) = false, agrees(g2) = false"
            ),
        ),
        (
            "g1+g3",
            (
                "g1 and g3 together can keep Art. 4 (art4) from triggering in the event of a joint attack, by "
                "agrees(g1) = false, agrees(g3) = false"
            ),
        ),
        (
            "g2+g3",
            (
                "g2 and g3 together can keep Art. 4 (art4) from triggering in the event of a joint attack, by "
                "agrees(g2) = false, agrees(g3) = false"
            ),
        ),
    ]
    assert [dict(f.details)["controls_event"] for f in fs] == [True, False, False]


def test_two_attackers_among_three_blockers() -> None:
    (f,) = check(joint("at least 1 of g in guarantors: agrees(g)"), size=3)
    assert said([f]) == [
        (
            "g1+g2+g3",
            (
                "g1, g2 and g3 together can keep Art. 4 (art4) from triggering even when g1 and g2 cause a "
                "joint attack themselves, by agrees(g1) = false, agrees(g2) = false, agrees(g3) = false"
            ),
        )
    ]


def test_a_finding_left_out_of_the_report_gets_no_world() -> None:
    """The minimal world is sought only for a finding that is shown: the problem is the kind, the
    clause, the first member and the group."""
    hidden = frozenset({problem_key(FindingKind.BLOCKABLE_GUARANTEE, ["art4"], "g1", ("g1", "g3"))})
    fs = check(ANY, hidden=hidden)
    assert [(f.coalition, f.scenario is not None) for f in fs] == [
        (("g1", "g2"), True),
        (("g1", "g3"), False),
        (("g2", "g3"), True),
    ]


def test_a_search_that_gives_up_is_an_unknown_and_does_not_hide_the_larger_groups(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = blockable_guarantee.blocking_search

    def search(ctx: CheckContext, g: Any, keys: Any, own_event: Any, *args: Any, **kw: Any) -> EFResult:
        if own_event is None and [str(ctx.enc.var_of(k)) for k in keys] == ["agrees(g1)"]:
            return EFResult("unknown", reason="canceled")
        return original(ctx, g, keys, own_event, *args, **kw)

    monkeypatch.setattr(blockable_guarantee, "blocking_search", search)
    # g1's search gives up: nothing is proved of g1 alone, so the pairs with g1 are still asked.
    fs = check(joint("a majority of g in guarantors: agrees(g)"))
    gave_up = fs[0]
    assert (gave_up.kind, gave_up.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert gave_up.message == "the solver gave up on whether g1 can block art4 (canceled); nothing is proved either way"
    assert [(c.id, c.role) for c in gave_up.clauses] == [("art4", "guarantee")]
    assert gave_up.details == (("reason", "canceled"),)
    assert [("+".join(f.coalition), f.kind) for f in fs[1:]] == [
        ("g1+g2", FindingKind.BLOCKABLE_GUARANTEE),
        ("g1+g3", FindingKind.BLOCKABLE_GUARANTEE),
        ("g2+g3", FindingKind.BLOCKABLE_GUARANTEE),
    ]


def test_a_guarantee_that_never_answers_its_event_does_not_end_the_check() -> None:
    never = (
        'clause h "Art. 4" { usa must assist(to: russia) when incident(_) and not incident(_) protects ukraine '
        "against incident(_); }\n"
    )
    assert said(check(ONE.replace("clause g", never + "clause g"))) == [
        ("usa", "usa can keep Art. 5 (g) from triggering in the event of incident(_), by agrees(usa) = false")
    ]


def test_a_veto_is_preferred_to_where_the_blocker_strikes() -> None:
    """Russia blocks by objecting (one true atom) or by striking Crimea only (one true atom as
    well, and no objection): the veto is what a text can change, and is shown."""
    spec = """
party ukraine, russia, usa;
enum area = {mainland, crimea};
fact strike(by: party, on: party, a: area) controlled by by;
fact objects(g: party) controlled by g;
act assist(actor: party, to: party);
assume not strike(by: ukraine, on: ukraine);
assume not strike(by: usa, on: ukraine);
clause g "Art. 5" { usa must assist(to: ukraine) when strike(on: ukraine, a: mainland) and not objects(russia)
  protects ukraine against strike(on: ukraine); }
"""
    (f,) = check(spec)
    assert f.message == (
        "russia can keep Art. 5 (g) from triggering even when it causes strike(on: ukraine) itself, "
        "by objects(russia) = true"
    )
    assert f.details == (("choice", "objects(russia) = true"), ("protected", "ukraine"), ("controls_event", True))


def test_only_one_of_interchangeable_guarantors_is_asked(tmp_path: Path) -> None:
    """g1 to g4 are interchangeable (no clause names one): g1 stands for them all (the report
    says so, verifier.symmetry), and the other representatives are not asked again."""
    path = tmp_path / "spec.nv"
    path.write_text(
        """
party ua, ru, g1, g2, g3, g4;
group guarantors = {g1, g2, g3, g4};
fact attack(by: party) controlled by by;
fact agrees(g: party) controlled by g;
act assist(actor: party, to: party);
assume not attack(by: ua);
assume all g in guarantors: (not attack(by: g));
clause art4 "Art. 4" {
  each g in guarantors must assist(to: ua) when attack(by: _) and all g in guarantors: agrees(g)
    protects ua against attack(by: _);
}
""",
        encoding="utf-8",
    )
    loaded = load([path], coalition_size=2)
    (inst,) = loaded.instruments
    assert [c.representatives for c in inst.symmetry] == [("g1", "g2", "g3")]
    assert [f.party for f in blockable_guarantee.run(context(inst))] == ["g1"]


def test_a_block_that_the_stated_situation_makes_is_found() -> None:
    """An alarm is raised only with usa's agreement: by refusing, usa keeps the guarantee from
    triggering. Every world the search rules out must break the assumptions too, not only the
    trigger (the alarm holds in the first world that answers the event)."""
    spec = (
        ONE.replace("fact agrees", "fact alarm(p: party);\nfact agrees").replace(
            "when incident(_) and agrees(usa)", "when incident(_) and alarm(ukraine)"
        )
        + "assume agrees(usa) or not alarm(ukraine);\n"
    )
    (f,) = check(spec)
    assert f.message == "usa can keep Art. 5 (g) from triggering in the event of incident(_), by agrees(usa) = false"


# ---- settled on 2026-12-03: the canonical block among several, and an event that the trigger
# does not mention whole

TWO_WAYS = """
party russia, ukraine, usa;
fact {event}(p: party) controlled by p;
fact absent(g: party) controlled by g;
fact objects(g: party) controlled by g;
act assist(actor: party, to: party);
clause g "Art. 5" {{ usa must assist(to: ukraine) when {event}(_) and not objects(usa) and not absent(usa)
  protects ukraine against {event}(_); }}
"""


@pytest.mark.parametrize(
    ("event", "how"),
    [("incident", "in the event of incident(_)"), ("attack", "even when it causes attack(_) itself")],
    ids=["by-decisions", "causing-the-event"],
)
def test_of_two_ways_to_block_the_first_declared_is_shown(event: str, how: str) -> None:
    """usa blocks by staying away or by objecting (either will do): the block shown is the
    canonical one, `absent` (declared first), not the solver's first answer. With `attack`, usa
    may cause the event itself, and the gravest case is shown."""
    spec = TWO_WAYS.format(event=event)
    if event == "incident":
        spec = spec.replace("fact incident(p: party) controlled by p;", "fact incident(p: party);")
    (f,) = blockable_guarantee.run(context(instrument(spec)))
    assert f.message == f"usa can keep Art. 5 (g) from triggering {how}, by absent(usa) = true"


def test_a_block_through_where_the_blocker_strikes_an_event_the_trigger_does_not_name() -> None:
    """The event is an attack on the north, or on the south without an alarm; usa must help on an
    alarm. By striking the south (not the north), usa makes the event one without an alarm: the
    search fixes where usa strikes, though the trigger names neither area."""
    spec = """
party ukraine, usa;
enum area = {north, south};
fact attack(by: party, on: area) controlled by by;
fact alarm();
act assist(actor: party, to: party);
assume not attack(by: ukraine);
clause g "Art. 5" { usa must assist(to: ukraine) when alarm()
  protects ukraine against attack(by: usa, on: north) or (attack(by: usa, on: south) and not alarm()) "an attack"; }
"""
    (f,) = blockable_guarantee.run(context(instrument(spec)))
    assert f.message == (
        "usa can keep Art. 5 (g) from triggering even when it causes an attack itself, by attack(usa, north) = false"
    )
    assert f.scenario is not None and f.scenario.facts == ("attack(usa, south)",)


def test_a_block_found_by_the_quantified_question_is_sought_in_the_draft_in_force(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """In the base draft the guarantee triggers only when ukraine's alert (at most 1,000) is
    usa's level plus one exactly: each level the search refutes rules out that one level only,
    so the block (a level of 1,000 or more) is found by Z3's quantified question, past
    QUANTIFIED_AFTER rounds. That question ranges over the inner variables, the bracket's
    selectors among them: held to the draft in force, it finds the block (without it, it would
    ask for a level that blocks the guarantee in russia's draft too, where it always triggers:
    none). In russia's draft, usa cannot block it."""
    spec = """
party russia, ukraine, usa;
fact incident(p: party);
quantity level(p: party) controlled by p;
quantity alert(p: party);
act assist(actor: party, to: party);
assume alert(ukraine) <= 1000;
clause g "Art. 5" { usa must assist(to: ukraine) when incident(_) and [base: alert(ukraine) == level(usa) + 1 | russia: true]
  protects ukraine against incident(_); }
"""
    original = qbf.exists_forall  # what blockable_guarantee imports as exists_forall, the function replaced below
    rounds: list[tuple[str, int]] = []

    def search(session: Any, **kw: Any) -> EFResult:
        result = original(session, **kw)
        rounds.append((result.status, result.rounds))
        return result

    monkeypatch.setattr(blockable_guarantee, "exists_forall", search)
    inst = instrument(spec)
    (f,) = blockable_guarantee.run(context(inst, draft=dict.fromkeys(inst.brackets, "base")))
    assert ("found", QUANTIFIED_AFTER) in rounds
    assert (f.kind, f.party, f.coalition) == (FindingKind.BLOCKABLE_GUARANTEE, "usa", ())
    assert f.message.startswith("usa can keep Art. 5 (g) from triggering in the event of incident(_), by level(usa) = ")
    # The lowest level that blocks it (`qbf._lowest_figures`).
    assert f.message.endswith(" by level(usa) = 1,000"), f.message
    assert f.scenario is not None and dict(f.scenario.quantities)["level(usa)"] == 1000
    assert blockable_guarantee.run(context(inst, draft=dict.fromkeys(inst.brackets, "russia"))) == []
