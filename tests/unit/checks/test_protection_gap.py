"""Protection gaps (DESIGN §12): answers known by hand, including "no finding"."""

from __future__ import annotations

from pathlib import Path

from tests.unit.helpers import findings_in
from verifier.findings import Finding

WORLD = """
party ukraine, russia, usa, uk;
group guarantors = {usa, uk};
enum means = {consultation, armed_force};
fact armed_attack(by: party, on: party) controlled by by;
fact requested(p: party) controlled by p;
act assist(actor: party, to: party, means: means);
assume not armed_attack(by: ukraine, on: ukraine);
protection ukraine against armed_attack(on: ukraine) "an armed attack on Ukraine"
  by assist(to: ukraine) where means == armed_force;
"""


def gaps(tmp: Path, body: str) -> list[Finding]:
    found = findings_in(tmp, WORLD + body, ["protection-gap", "unknown"])
    assert not [f for f in found if f.kind.value == "unknown"]
    return found


def test_a_duty_to_consult_is_no_protection_in_any_attack(tmp_path: Path) -> None:
    [gap] = gaps(tmp_path, """
    clause art4 "Art. 4" { each g in guarantors must assist(to: ukraine, means: consultation)
                             when armed_attack(on: ukraine); }
    """)
    d = dict(gap.details)
    assert gap.party == "ukraine" and d["never"] is True
    assert gap.message.startswith("no clause of this instrument obliges anyone to assist(to: ukraine) where "
                                  "means == armed_force in the event of an armed attack on Ukraine")
    assert gap.message.endswith("what the others must do instead: usa and uk must assist(to: ukraine, means: "
                                "consultation) (Art. 4)")
    assert [(c.id, c.role) for c in gap.clauses] == [("protection_ukraine", "requirement"), ("art4", "obliging instead")]
    assert gap.scenario is not None and any(f.startswith("armed_attack(") for f in gap.scenario.facts)


def test_help_owed_whatever_the_attacker_is_no_gap(tmp_path: Path) -> None:
    assert gaps(tmp_path, """
    clause art5 "Art. 5" { each g in guarantors must assist(to: ukraine, means: armed_force)
                             when armed_attack(on: ukraine); }
    assume all g in guarantors: (not armed_attack(by: g, on: ukraine));
    """) == []


def test_help_the_protected_party_must_ask_for_is_no_gap(tmp_path: Path) -> None:
    """Ukraine decides whether to ask: for every choice it can make (asking included), the
    question is whether the others can still leave it alone. Asking obliges help: no gap."""
    assert gaps(tmp_path, """
    clause art5 "Art. 5" { usa must assist(to: ukraine, means: armed_force)
                             when armed_attack(on: ukraine) and requested(ukraine); }
    assume all g in guarantors: (not armed_attack(by: g, on: ukraine));
    """) == []


def test_a_guarantor_that_attacks_too_leaves_a_gap(tmp_path: Path) -> None:
    """Only usa must help; when usa itself takes part in the attack, its help no longer counts
    and nobody else must give it: a gap, in that attack only."""
    [gap] = gaps(tmp_path, """
    clause art5 "Art. 5" { usa must assist(to: ukraine, means: armed_force) when armed_attack(on: ukraine); }
    """)
    d = dict(gap.details)
    assert d["never"] is False and "usa" in d["attackers"]
    head = gap.message.split("), ")[0]  # "in the event of ... by russia and usa (the attack atoms"
    assert head.startswith("in the event of an armed attack on Ukraine by ") and "usa" in head.split(" (")[0]


def test_help_that_only_an_attacker_owes_is_a_gap(tmp_path: Path) -> None:
    [gap] = gaps(tmp_path, """
    clause art5 "Art. 5" { russia must assist(to: ukraine, means: armed_force) when armed_attack(on: ukraine); }
    assume all g in guarantors: (not armed_attack(by: g, on: ukraine));
    """)
    assert dict(gap.details)["attackers"] == ("russia",)
