"""Protection gaps (verifier/checks/protection_gap.py): the findings word for word (a gap in one
attack, with and without other duties; no attack that obliges the response), how other duties
are quoted, and the `unknown`s. Written against the mutants that survived the existing tests
(docs/trust.md)."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from dsl.evaluate import World
from tests.unit.helpers import context, instrument, run_checks, search_rounds
from verifier import scenario
from verifier import witness as witness_module
from verifier.checks import protection_gap
from verifier.checks.context import CheckContext
from verifier.findings import FindingKind, Severity
from verifier.pipeline import Options, run
from verifier.qbf import QUANTIFIED_AFTER, EveryChoiceResult
from verifier.session import Outcome, Session, Status
from verifier.witness import WitnessError

ROOT = Path(__file__).resolve().parents[3]

WORLD = """party ukraine, russia, usa, uk;
group guarantors = {usa, uk};
enum means = {consultation, armed_force};
fact armed_attack(by: party, on: party) controlled by by;
fact requested(p: party) controlled by p;
act assist(actor: party, to: party, means: means);
act consult(actor: party, with: other party);
act notify(actor: party, to: party, urgent: bool);
assume not armed_attack(by: ukraine, on: ukraine);
protection ukraine against armed_attack(on: ukraine) "an armed attack on Ukraine"
  by assist(to: ukraine) where means == armed_force;

"""
ART5 = 'clause art5 "Art. 5" { usa must assist(to: ukraine, means: armed_force) when armed_attack(on: ukraine); }\n'
ART6 = """clause art6 "Art. 6" { uk must notify(to: ukraine, urgent: true) when armed_attack(on: ukraine);
  uk may assist(to: ukraine, means: armed_force);
  uk must consult where (with == usa) or (with == russia) when armed_attack(on: ukraine); }
"""


def test_a_gap_in_one_attack_quotes_what_the_others_must_do_instead() -> None:
    """usa's help does not count when usa attacks; uk must only notify and consult (a permission
    to help is no duty). Each duty is quoted with the arguments it fixes and its `where` as written."""
    (f,) = run_checks(WORLD + ART5 + ART6, protection_gap.run)
    assert (f.kind, f.severity, f.party) == (FindingKind.PROTECTION_GAP, Severity.ERROR, "ukraine")
    obliged = (
        "uk must notify(to: ukraine, urgent: true) (Art. 6)",
        "uk must consult where (with == usa) or (with == russia) (Art. 6)",
    )
    assert f.message == (
        "in the event of an armed attack on Ukraine by usa (armed_attack(usa, ukraine)), no one must assist(to: "
        "ukraine) where means == armed_force; what the others must do instead: " + "; ".join(obliged)
    )
    assert [(c.id, c.role) for c in f.clauses] == [("protection_ukraine", "requirement"), ("art6", "obliging instead")]
    assert f.details == (
        ("protected", "ukraine"),
        ("requirement", 0),
        ("attackers", ("usa",)),
        ("obliged", obliged),
        ("never", False),
    )
    assert f.scenario is not None and f.scenario.facts == ("armed_attack(usa, ukraine)",)


def test_a_gap_in_one_attack_with_no_other_duty() -> None:
    (f,) = run_checks(WORLD + ART5, protection_gap.run)
    assert f.message == (
        "in the event of an armed attack on Ukraine by usa (armed_attack(usa, ukraine)), no clause "
        "obliges anyone to assist(to: ukraine) where means == armed_force"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("protection_ukraine", "requirement")]
    assert f.details == (
        ("protected", "ukraine"),
        ("requirement", 0),
        ("attackers", ("usa",)),
        ("obliged", ()),
        ("never", False),
    )


def test_no_attack_that_obliges_the_response() -> None:
    (f,) = run_checks(WORLD + ART6, protection_gap.run)
    assert f.message == (
        "no clause of this instrument obliges anyone to assist(to: ukraine) where means == armed_force in the event "
        "of an armed attack on Ukraine: in no such event is ukraine protected as it asks; what the others must do "
        "instead: uk must notify(to: ukraine, urgent: true) (Art. 6); uk must consult where (with == usa) or "
        "(with == russia) (Art. 6)"
    )
    assert dict(f.details)["never"] is True


def test_a_search_that_gives_up_is_an_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        protection_gap, "exists_for_every_choice", lambda *a, **kw: EveryChoiceResult("unknown", reason="canceled")
    )
    (f,) = run_checks(WORLD + ART5, protection_gap.run)
    assert (f.kind, f.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert f.message == (
        "the solver gave up on whether the protection of ukraine can fail (canceled); nothing is proved either way"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("protection_ukraine", "requirement")]


def test_a_world_that_cannot_be_read_is_an_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(protection_gap, "minimal_model", lambda *a, **kw: None)
    (f,) = run_checks(WORLD + ART5, protection_gap.run)
    assert (f.kind, f.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert f.message == (
        "the solver gave up on a scenario of the gap in the protection of ukraine (no witness "
        "could be read); nothing is proved either way"
    )
    assert f.details == (("reason", "no witness could be read"),)


def test_help_owed_whatever_the_attack_is_no_gap() -> None:
    guarded = "assume all g in guarantors: (not armed_attack(by: g, on: ukraine));\n"
    assert run_checks(WORLD + guarded + ART5 + ART6, protection_gap.run) == []


def test_an_attacker_need_not_comply_and_its_help_does_not_count() -> None:
    """usa may not attack, and helps whenever it does; still, when it attacks, neither its breach
    nor its help tells whether the others protect ukraine."""
    rules = (
        'clause art2 "Art. 2" { usa must keep not armed_attack(on: ukraine); }\n'
        "assume armed_attack(by: usa, on: ukraine) implies assist(usa, ukraine, armed_force);\n"
    )
    (f,) = run_checks(WORLD + ART5 + rules, protection_gap.run)
    assert f.message == (
        "in the event of an armed attack on Ukraine by usa (armed_attack(usa, ukraine)), no clause "
        "obliges anyone to assist(to: ukraine) where means == armed_force"
    )


def test_the_queries_name_the_outcome_of_the_requirement(tmp_path: Path) -> None:
    run([ROOT / "examples" / "28_protection_gap.nv"], Options(smt2_dir=tmp_path, jobs=1))
    scripts = "".join(s.read_text(encoding="utf-8") for s in sorted(tmp_path.glob("*.smt2")))
    assert "|outcome ukraine#0|" in scripts and "|not able ukraine#0|" in scripts


def test_the_world_shown_is_checked_against_every_claim_of_the_gap(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[tuple[Any, ...]]] = []
    original = CheckContext.witness

    def recording(self: CheckContext, model: Any, claims: Any, **kw: Any) -> Any:
        claims = list(claims)
        calls.append(
            [
                (
                    type(c).__name__,
                    getattr(c, "what", None),
                    getattr(c, "expected", None),
                    tuple(getattr(c, "env", {}).values()),
                    c.readings == self.readings,
                )
                for c in claims
            ]
        )
        return original(self, model, claims, **kw)

    monkeypatch.setattr(CheckContext, "witness", recording)
    (f,) = run_checks(WORLD + ART5, protection_gap.run)
    assert f.kind is FindingKind.PROTECTION_GAP
    event = ("Holds", "the event the protection is for", True, (), True)
    assert calls == [
        [event],
        [
            event,
            ("Complies", None, None, (), True),
            ("Complies", None, None, (), True),
            ("Holds", "no response by russia", False, ("russia",), True),
            ("Holds", "no response by uk", False, ("uk",), True),
        ],
    ]


# ---- settled on 2026-12-03: the survivors that needed a timed duty, a duty whose condition
# names its subject, an elaborated `where`, or a search the focus or the world steers

WITH = """party ukraine, russia, usa, uk;
group guarantors = {usa, uk};
enum means = {consultation, armed_force, UN_referral};
fact armed_attack(by: party, on: party) controlled by by;
act assist(actor: party, to: party, means: means);
act consult(actor: party, with: other party);
act mediate(actor: party, between: other party, among: other party);
act notify(actor: party, to: party, urgent: bool);
term distant(p: party) { reading ordinary: p != usa; }
assume not armed_attack(by: ukraine, on: ukraine);
protection ukraine against armed_attack(on: ukraine) "an armed attack on Ukraine"
  by assist(to: ukraine) where means == armed_force;
clause art6 "Art. 6" {
  uk must notify(to: ukraine) where urgent == true when armed_attack(on: ukraine);
  uk must consult when armed_attack(on: ukraine);
  uk must mediate when armed_attack(on: ukraine);
  uk must assist(to: ukraine, means: UN_referral) when armed_attack(on: ukraine);
  each g in guarantors must consult(with: russia) when armed_attack(on: ukraine) and distant(g); }
"""


def test_each_duty_is_quoted_with_the_arguments_it_fixes_and_its_where_as_written() -> None:
    """A fixed argument with its `where`; an act with no argument fixed and no `where` (only the
    `other party` exclusions elaboration adds, one or two of them, which are no condition); a
    value spelt with capitals; a duty whose condition names its subject through a term, in
    force for uk only (`distant(usa)` is false)."""
    (f,) = run_checks(WITH, protection_gap.run)
    obliged = (
        "uk must notify(to: ukraine) where urgent == true (Art. 6)",
        "uk must consult() (Art. 6)",
        "uk must mediate() (Art. 6)",
        "uk must assist(to: ukraine, means: UN_referral) (Art. 6)",
        "uk must consult(with: russia) (Art. 6)",
    )
    assert dict(f.details)["obliged"] == obliged
    assert f.message == (
        "no clause of this instrument obliges anyone to assist(to: ukraine) where means == armed_force in the event "
        "of an armed attack on Ukraine: in no such event is ukraine protected as it asks; what the others must do "
        "instead: " + "; ".join(obliged)
    )


TIMED = """party ukraine, russia, usa, uk;
time day 0..3;
fact armed_attack(by: party, on: party) controlled by by;
act assist(actor: party, to: party);
act consult(actor: party, with: other party);
assume not armed_attack(by: ukraine, on: ukraine);
protection ukraine against armed_attack(on: ukraine) "an armed attack on Ukraine" by assist(to: ukraine);
clause art5 "Art. 5" { usa must assist(to: ukraine) when armed_attack(on: ukraine); }
clause art6 "Art. 6" { uk must consult(with: usa) within 2 of armed_attack(on: ukraine);
  uk must consult(with: russia) when armed_attack(on: ukraine); }
"""


def test_in_a_timed_spec_a_deadline_is_quoted_with_the_step_it_falls_due_and_the_attack_with_its_step() -> None:
    """usa's help does not count when usa attacks; uk owes a consultation with usa by day 2 (a
    deadline falls due at the end of its window) and one with russia at once (a plain duty: the
    step it is in force, which the timeline shows)."""
    (f,) = run_checks(TIMED, protection_gap.run)
    assert f.message == (
        "in the event of an armed attack on Ukraine by usa (armed_attack(usa, ukraine) at day 0), no one must "
        "assist(to: ukraine); what the others must do instead: uk must consult(with: usa) by day 2 (Art. 6); "
        "uk must consult(with: russia) (Art. 6)"
    )


def test_the_atoms_of_the_attack_are_named_in_the_order_of_their_steps() -> None:
    """Day 2 before day 10 (in the order of their names as text, day 10 came first)."""
    spec = """party ukraine, russia, usa;
time day 0..10;
fact armed_attack(by: party, on: party) controlled by by;
act assist(actor: party, to: party);
assume not armed_attack(by: ukraine, on: ukraine);
protection ukraine against armed_attack(on: ukraine) at 2 and armed_attack(on: ukraine) at 10 "two attacks"
  by assist(to: ukraine);
clause art5 "Art. 5" { usa must assist(to: ukraine) when armed_attack(on: ukraine)
  and not armed_attack(by: usa, on: ukraine); }
"""
    (f,) = run_checks(spec, protection_gap.run)
    assert f.message == (
        "in the event of two attacks by russia and usa (armed_attack(russia, ukraine) at day 2, "
        "armed_attack(russia, ukraine) at day 10, armed_attack(usa, ukraine) at day 2), no clause obliges "
        "anyone to assist(to: ukraine)"
    )


def test_an_event_nobody_causes_and_no_atom_of_which_is_true_names_no_attacker() -> None:
    """The event is that a circumstance does not hold: no party causes it, no atom of it happens."""
    spec = """party ukraine, russia, usa;
fact ceasefire();
fact alarm();
act assist(actor: party, to: party);
protection ukraine against not ceasefire() "a breakdown of the ceasefire" by assist(to: ukraine);
clause art5 "Art. 5" { usa must assist(to: ukraine) when not ceasefire() and alarm(); }
"""
    (f,) = run_checks(spec, protection_gap.run)
    assert f.message == "in the event of a breakdown of the ceasefire, no clause obliges anyone to assist(to: ukraine)"
    assert dict(f.details)["attackers"] == ()


def test_no_clause_at_all_obliges_the_response() -> None:
    (f,) = run_checks(WORLD, protection_gap.run)
    assert f.message == (
        "no clause of this instrument obliges anyone to assist(to: ukraine) where means == armed_force in the event "
        "of an armed attack on Ukraine: in no such event is ukraine protected as it asks"
    )
    assert dict(f.details)["obliged"] == ()


CHOICE = """party ukraine, russia, usa;
fact armed_attack(by: party, on: party) controlled by by;
fact requested(p: party) controlled by p;
fact martial_law();
act assist(actor: party, to: party);
assume not armed_attack(by: ukraine, on: ukraine);
assume not armed_attack(by: usa, on: ukraine);
protection ukraine against armed_attack(on: ukraine) "an armed attack on Ukraine" by assist(to: ukraine);
"""
ON_REQUEST = (
    'clause art5 "Art. 5" { usa must assist(to: ukraine) when armed_attack(on: ukraine) and requested(ukraine); }\n'
)
BY_RUSSIA = (
    "in the event of an armed attack on Ukraine by russia (armed_attack(russia, ukraine)), no clause obliges anyone "
    "to assist(to: ukraine)"
)


def test_help_on_a_request_the_protected_party_may_not_make_is_no_protection() -> None:
    """Ukraine may never ask: of its choices only those it may lawfully make count, and without a
    request nobody must help."""
    (f,) = run_checks(
        CHOICE + ON_REQUEST + 'clause art3 "Art. 3" { ukraine must keep not requested(ukraine); }\n', protection_gap.run
    )
    assert f.message == (
        "no clause of this instrument obliges anyone to assist(to: ukraine) in the event of an armed attack on "
        "Ukraine: in no such event is ukraine protected as it asks"
    )


def test_help_the_stated_situation_brings_on_request_is_no_gap() -> None:
    """No clause obliges usa; the stated situation has it help whenever ukraine asks, and ukraine
    may ask: in no attack can it be left alone."""
    assert run_checks(CHOICE + "assume requested(ukraine) implies assist(usa, ukraine);\n", protection_gap.run) == []


@pytest.mark.parametrize("giving_up", [False, True], ids=["answered", "given-up"])
@pytest.mark.parametrize(
    "ruled_out",
    [
        "assume martial_law() implies not requested(ukraine);\n",
        'clause art3 "Art. 3" { ukraine must keep not requested(ukraine) when martial_law(); }\n',
    ],
    ids=["by-the-stated-situation", "by-its-own-clause"],
)
def test_an_attack_under_martial_law_where_the_protected_party_cannot_ask_is_a_gap(
    ruled_out: str, giving_up: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without martial law, ukraine's request obliges usa; under it ukraine may not ask (the
    stated situation or its own clause rules the request out). The request that refutes the
    attack without martial law refutes nothing under it. (The search asked whether the request
    can be made regardless with the stated situation assumed, which made it so: the gap was
    missed. When the solver gives up on that question, the refutation keeps what the stated
    situation and ukraine's compliance read of the attack.)"""
    if giving_up:
        original = Session.check

        def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
            if label == "every choice: can the refuting choice be made regardless?":
                return Outcome(Status.UNKNOWN, reason="canceled")
            return original(self, assumptions, label)

        monkeypatch.setattr(Session, "check", check)
    (f,) = run_checks(CHOICE + ON_REQUEST + ruled_out, protection_gap.run)
    assert f.message == BY_RUSSIA
    assert f.scenario is not None and f.scenario.facts == ("armed_attack(russia, ukraine)", "martial_law()")


def test_the_search_looks_first_where_one_attacker_acts_alone_in_any_circumstance() -> None:
    """russia attacking alone is a gap under martial law; usa attacking alone is one in any
    circumstance. The first is shown: the circumstances are not held false while the search
    looks at one attacker at a time."""
    spec = CHOICE.replace("assume not armed_attack(by: usa, on: ukraine);\n", "") + (
        'clause art5 "Art. 5" { usa must assist(to: ukraine) when armed_attack(on: ukraine) unless martial_law(); }\n'
    )
    (f,) = run_checks(spec, protection_gap.run)
    assert f.message == BY_RUSSIA
    assert f.scenario is not None and f.scenario.facts == ("armed_attack(russia, ukraine)", "martial_law()")


def test_an_open_term_is_a_circumstance_of_the_attack() -> None:
    """`grave` has no reading: whether the attack is grave is a circumstance nobody decides."""
    spec = (
        CHOICE
        + "term grave(p: party);\n"
        + ('clause art5 "Art. 5" { usa must assist(to: ukraine) when armed_attack(on: ukraine) and grave(ukraine); }\n')
    )
    (f,) = run_checks(spec, protection_gap.run)
    assert f.message == BY_RUSSIA


def test_the_outcome_of_the_requirement_is_one_literal_in_every_query(tmp_path: Path) -> None:
    """The search for a gap and the question whether some attack obliges the response ask about
    the same outcome: one literal, `outcome ukraine#0`, in every script that names it."""
    run([ROOT / "examples" / "28_protection_gap.nv"], Options(smt2_dir=tmp_path, jobs=1))
    scripts = [s.read_text(encoding="utf-8") for s in sorted(tmp_path.glob("*.smt2"))]
    named = [s for s in scripts if "|outcome " in s]
    assert len(named) > 1
    assert {m for s in named for m in re.findall(r"\|outcome [^|]*\|", s)} == {"|outcome ukraine#0|"}


def test_a_spoiled_world_of_the_others_is_caught_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """The world shown is checked twice: for the event, then for the others' compliance and
    silence. A world where uk helps passes the first and fails the second, which names the gap."""
    read = scenario.world_of  # what verifier.witness imports as world_of, the function replaced below
    calls: list[int] = []

    def spoiled(session: Any, model: Any, draft: Any) -> World:
        world = read(session, model, draft)
        calls.append(1)
        if len(calls) == 1:
            return world
        return dataclasses.replace(world, atoms=world.atoms | {("assist", ("uk", "ukraine", "armed_force"))})

    monkeypatch.setattr(witness_module, "world_of", spoiled)
    with pytest.raises(WitnessError, match=r"^protection gap of ukraine: "):
        run_checks(WORLD + ART5, protection_gap.run)
    assert len(calls) == 2


def test_whether_a_refuting_choice_can_be_made_regardless_is_asked_of_the_choices_the_question_reads(
    tmp_path: Path,
) -> None:
    """Example 28: ukraine's request refutes an attack by russia in the draft `ukraine`; whether
    it can be made regardless is asked with the draft, the attack and the request fixed, and the
    negation of `able` assumed: not the stated situation (which `able` holds), nor ukraine's
    other decisions, which nothing in the question reads, nor the attacks the world rules out
    (by ukraine and by the guarantors: false in every formula, see `Encoder._fold_world`)."""
    run([ROOT / "examples" / "28_protection_gap.nv"], Options(smt2_dir=tmp_path, jobs=1))
    (script,) = [
        text
        for s in sorted(tmp_path.glob("*.smt2"))
        if "every choice: can the refuting choice be made regardless?" in (text := s.read_text(encoding="utf-8"))
    ]
    (asked,) = [line for line in script.splitlines() if line.startswith("(check-sat-assuming")]
    assert asked == (
        "(check-sat-assuming (|draft art5#1=ukraine| |armed_attack(russia, ukraine)| |requested(ukraine)| "
        "|not able ukraine#0|))"
    )


def test_an_attack_that_obliges_the_response_found_by_the_quantified_question_is_sought_in_the_draft_in_force(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """usa must help unless its troops are at most 1,000, and (in the base draft only) keep them
    at russia's threat plus one exactly: a threat of 1,000 or more obliges the help. Each threat
    that "must someone respond?" refutes rules out that one threat only, so the attack that
    obliges it is found by Z3's quantified question, past QUANTIFIED_AFTER rounds. That question
    ranges over the inner variables, the bracket's selectors among them: held to the draft in
    force, it finds that attack, and the gap is in the attacks with a lower threat (without it,
    it would ask for a threat that obliges the help in russia's draft too, where usa may keep
    its troops low: none, and the gap would be said to be everywhere). In russia's draft it is."""
    spec = """party ukraine, russia, usa;
fact incident(by: party) controlled by by;
quantity threat(p: party);
quantity troops(p: party) controlled by p;
act assist(actor: party, to: party);
assume not incident(by: ukraine);
protection ukraine against incident(_) "an incident" by assist(to: ukraine);
clause match "Art. 1" { usa must keep troops(usa) == threat(russia) + 1 when [base: true | russia: false]; }
clause help "Art. 2" { usa must assist(to: ukraine) unless troops(usa) <= 1000; }
"""
    rounds = search_rounds(monkeypatch, protection_gap)
    inst = instrument(spec)
    (f,) = protection_gap.run(context(inst, draft=dict.fromkeys(inst.brackets, "base")))
    assert rounds == [QUANTIFIED_AFTER]
    assert (f.kind, f.party) == (FindingKind.PROTECTION_GAP, "ukraine")
    assert f.message == (
        "in the event of an incident by russia (incident(russia)), no clause obliges anyone to assist(to: ukraine)"
    )
    assert dict(f.details)["never"] is False
    (f,) = protection_gap.run(context(inst, draft=dict.fromkeys(inst.brackets, "russia")))
    assert f.message == (
        "no clause of this instrument obliges anyone to assist(to: ukraine) in the event of an incident: "
        "in no such event is ukraine protected as it asks"
    )
    assert dict(f.details)["never"] is True


def test_a_choice_of_the_protected_party_found_by_the_quantified_question_is_sought_in_the_draft_in_force() -> None:
    """usa must help unless its troops are at most 1,000, and (in the base draft only) keep them
    at ukraine's request plus one exactly: in an attack by russia, ukraine's request of 1,000 or
    more obliges usa to help, so that attack is no gap. Each request that the search for such a
    choice refutes rules out that one request only, so the choice is found by Z3's quantified
    question, past QUANTIFIED_AFTER rounds. That question ranges over the inner variables, the
    bracket's selectors among them: held to the draft in force, it finds the request (without
    it, it asked for a request that obliges usa in russia's draft too, where usa may keep its
    troops low: none, and an attack by russia was reported as a gap). The gap is where usa
    attacks, whose help then does not count; in russia's draft it is everywhere."""
    spec = """party ukraine, russia, usa;
fact incident(by: party) controlled by by;
quantity request(p: party) controlled by p;
quantity troops(p: party) controlled by p;
act assist(actor: party, to: party);
assume not incident(by: ukraine);
protection ukraine against incident(_) "an incident" by assist(to: ukraine);
clause match "Art. 1" { usa must keep troops(usa) == request(ukraine) + 1 when [base: true | russia: false]; }
clause help "Art. 2" { usa must assist(to: ukraine) unless troops(usa) <= 1000; }
"""
    inst = instrument(spec)
    (f,) = protection_gap.run(context(inst, draft=dict.fromkeys(inst.brackets, "base")))
    assert f.message == "in the event of an incident by usa (incident(usa)), no clause obliges anyone to assist(to: ukraine)"
    assert dict(f.details)["attackers"] == ("usa",)
    (f,) = protection_gap.run(context(inst, draft=dict.fromkeys(inst.brackets, "russia")))
    assert dict(f.details)["never"] is True
