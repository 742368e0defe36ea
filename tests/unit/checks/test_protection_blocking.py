"""Blocking a protection requirement (DESIGN §12, coalitions, with T := the response obliged):
who can keep anyone from being obliged to give the protected party the response it requires."""

from __future__ import annotations

from pathlib import Path

from tests.unit.helpers import findings_in, members
from verifier.findings import Finding
from verifier.merge import expand

SPEC = """
instrument t "t";
party ukraine, russia, g1, g2, g3;
group guarantors = {{g1, g2, g3}};
enum means = {{consultation, armed_force}};
fact attack(by: party) controlled by by;
fact agrees(g: party) controlled by g;
act assist(actor: party, to: other party, means: means);
assume all p in party: (p == russia or not attack(by: p));
clause art5 "Art. 5" {{
  each g in guarantors must assist(to: ukraine, means: {means}) when attack(by: russia) and {decision};
}}
protection ukraine against attack(by: russia) "an attack by Russia"
  by assist(to: ukraine) where means == armed_force;
"""


def blocks(tmp: Path, decision: str, means: str = "armed_force") -> list[Finding]:
    # (a finding merged over several parties stands for one per party: verifier.merge)
    found = findings_in(tmp, SPEC.format(decision=decision, means=means), ["blockable-guarantee"])
    return [e for f in found for e in expand(f)]


def test_a_majority_decision_is_blocked_by_any_two(tmp_path: Path) -> None:
    fs = blocks(tmp_path, "a majority of h in guarantors: agrees(h)")
    assert sorted(members(f) for f in fs) == ["g1+g2", "g1+g3", "g2+g3"]
    pair = next(f for f in fs if members(f) == "g1+g2")
    assert pair.message == ("g1 and g2 together can keep anyone from being obliged to assist(to: ukraine) where "
                            "means == armed_force for ukraine in the event of an attack by Russia, by "
                            "agrees(g1) = false, agrees(g2) = false")
    assert [(c.id, c.role) for c in pair.clauses] == [("protection_ukraine", "requirement"), ("art5", "obliging")]


def test_a_unanimous_decision_is_blocked_by_each_guarantor_and_by_the_attacker(tmp_path: Path) -> None:
    fs = blocks(tmp_path, "all h in party: (h in guarantors or h == russia implies agrees(h))")
    assert sorted(members(f) for f in fs) == ["g1", "g2", "g3", "russia"]
    attacker = next(f for f in fs if f.party == "russia")
    assert dict(attacker.details)["controls_event"] is True  # the gravest case: it attacks and vetoes
    assert "even when it causes an attack by Russia itself" in attacker.message


def test_no_decision_no_block(tmp_path: Path) -> None:
    assert blocks(tmp_path, "true") == []


def test_an_obligation_that_does_not_give_the_response_is_no_protection_to_block(tmp_path: Path) -> None:
    # Consultation is owed, never armed force: a protection gap (that check says so), not a block.
    assert blocks(tmp_path, "all h in guarantors: agrees(h)", means="consultation") == []
