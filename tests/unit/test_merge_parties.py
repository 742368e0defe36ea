"""verifier.merge: findings that differ only in one party are one finding listing the parties."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from tests.unit.helpers import findings_in
from verifier.checks.queries import matches
from verifier.findings import ClauseRef, Finding, FindingKind, Severity
from verifier.merge import merge_parties

PARTIES = ("ukraine", "russia", "usa", "uk", "france", "china")
ART5 = ClauseRef("art5", "Art. 5", "t.nv", 1, 1, None)
ART2 = ClauseRef("art2", "Art. 2", "t.nv", 2, 1, None)


def block(party: str, **changes: Any) -> Finding:
    f = Finding(FindingKind.BLOCKABLE_GUARANTEE, Severity.ERROR,
                f"{party} can keep Art. 5 (art5) from triggering, by agrees({party}) = false", "t.nv", (ART5,),
                party=party, details=(("choice", f"agrees({party}) = false"), ("controls_event", False)))
    return dataclasses.replace(f, **changes)


def pretext(against: str, acts: list[str]) -> Finding:
    return Finding(FindingKind.PRETEXT, Severity.WARNING,
                   f"russia can claim that {against} breaches Art. 2 (art2) by {acts[0]}", "t.nv", (ART2,),
                   party="russia", details=(("term", "t"), ("reading", "russia"), ("conduct", acts),
                                            ("against", against)))


def test_findings_that_differ_only_in_the_party_are_one_listing_them_in_declaration_order() -> None:
    [merged] = merge_parties([block("china"), block("usa"), block("uk")], PARTIES)
    assert merged.party == "usa" and merged.merged == ("usa", "uk", "china") and merged.merged_on == "party"
    assert merged.message == ("usa can keep Art. 5 (art5) from triggering, by agrees(usa) = false; "
                              "likewise with uk or china in place of usa")
    assert merged.parties == ("usa", "uk", "china")
    assert merged.to_json()["parties"] == ["usa", "uk", "china"]
    assert merged.to_json()["merged"] == {"on": "party", "parties": ["usa", "uk", "china"]}


def test_the_scenario_shown_is_the_first_partys() -> None:
    from verifier.findings import Scenario

    usa = block("usa", scenario=Scenario(facts=("attack(russia)",)))
    uk = block("uk", scenario=Scenario(facts=("attack(china)",)))
    [merged] = merge_parties([uk, usa], PARTIES)
    assert merged.scenario == usa.scenario


def test_by_p_matches_every_merged_party() -> None:
    from tests.unit.helpers import instrument

    inst = instrument("""
party ukraine, russia, usa, uk;
fact agrees(g: party) controlled by g;
fact attack(on: party);
act assist(actor: party, to: party);
clause art5 "Art. 5" { usa must assist(to: ukraine) when attack(on: ukraine) and agrees(usa) and agrees(uk); }
expect blockable-guarantee on art5 by uk;
assert no blockable-guarantee on art5 by russia;
""")
    [merged] = merge_parties([block("usa"), block("uk")], PARTIES)
    expect, assert_no = inst.queries
    assert matches(expect, merged) and not matches(assert_no, merged)


def test_a_finding_of_another_shape_is_not_merged() -> None:
    worse = block("russia", message="russia can keep Art. 5 (art5) from triggering even when it causes the attack "
                                     "itself, by agrees(russia) = false")
    found = merge_parties([worse, block("usa"), block("uk")], PARTIES)
    assert [f.merged for f in found] == [(), ("usa", "uk")]


def test_coalitions_are_never_merged() -> None:
    a = block("usa", coalition=("usa", "uk"))
    b = block("france", coalition=("france", "china"))
    assert merge_parties([a, b, block("uk")], PARTIES) == [a, b, block("uk")]


def test_expected_and_unexpected_findings_stay_apart() -> None:
    assert len(merge_parties([block("usa", expected=True), block("uk")], PARTIES)) == 2


def test_findings_in_other_drafts_or_readings_stay_apart() -> None:
    assert len(merge_parties([block("usa", drafts=("russia",)), block("uk", drafts=("ukraine",))], PARTIES)) == 2
    assert len(merge_parties([block("usa", readings=(("t", "ordinary"),)), block("uk", readings=(("t", "open"),))],
                             PARTIES)) == 2


def test_the_accused_of_a_pretext_can_be_the_party_that_differs() -> None:
    """The same claimant, clause and conduct (in any order) against each state: one finding."""
    usa = pretext("usa", ["assist(usa, to: ukraine)", "sell(usa, to: ukraine)", "lend(usa, to: ukraine)"])
    uk = pretext("uk", ["assist(uk, to: ukraine)", "lend(uk, to: ukraine)", "sell(uk, to: ukraine)"])
    china = pretext("china", ["assist(china, to: ukraine)"])  # less conduct: another shape
    found = merge_parties([uk, usa, china], PARTIES)
    assert [(f.party, f.merged, f.merged_on) for f in found] == [("russia", ("usa", "uk"), "against"),
                                                                 ("russia", (), None)]
    assert found[0].parties == ("russia",) and dict(found[0].details)["against"] == "usa"
    assert found[0].message.endswith("; likewise with uk in place of usa")


def test_a_veto_by_each_guarantor_is_one_finding_end_to_end(tmp_path: Path) -> None:
    text = """
party ukraine, russia, usa, uk, france;
group guarantors = {usa, uk, france};
fact attack(by: party, on: other party) controlled by by;
fact agrees(g: party) controlled by g;
act assist(actor: party, to: other party);
clause art5 "Art. 5" {
  each g in guarantors must assist(to: ukraine) when attack(on: ukraine) and (all h in guarantors: agrees(h))
    protects ukraine against attack(on: ukraine);
}
"""

    def vetoes(expectations: str) -> list[tuple[str | None, tuple[str, ...], bool]]:
        found = findings_in(tmp_path, text + expectations, ["blockable-guarantee", "expectation-failed"])
        assert not [f for f in found if f.kind is FindingKind.EXPECTATION_FAILED]
        return [(f.party, f.merged, f.expected) for f in found
                if f.kind is FindingKind.BLOCKABLE_GUARANTEE and not f.coalition]

    assert vetoes("expect blockable-guarantee on art5 by france;") == \
        [("usa", ("usa", "uk"), False), ("france", (), True)]  # an expected finding stands apart
    assert vetoes("expect blockable-guarantee on art5 by uk;\nexpect blockable-guarantee on art5 by usa;"
                  "\nexpect blockable-guarantee on art5 by france;") == [("usa", ("usa", "uk", "france"), True)]


def test_expand_gives_back_one_finding_per_party() -> None:
    from verifier.merge import expand

    [merged] = merge_parties([block("usa"), block("uk")], PARTIES)
    usa, uk = expand(merged)
    assert (usa.party, usa.message, usa.merged) == ("usa", block("usa").message, ())
    assert (uk.party, uk.message, uk.details, uk.scenario) == ("uk", block("uk").message, block("uk").details, None)
    [accused] = merge_parties([pretext("usa", ["assist(usa, to: ukraine)"]),
                               pretext("uk", ["assist(uk, to: ukraine)"])], PARTIES)
    assert [(f.party, dict(f.details)["against"], dict(f.details)["conduct"]) for f in expand(accused)] == \
        [("russia", "usa", ["assist(usa, to: ukraine)"]), ("russia", "uk", ["assist(uk, to: ukraine)"])]
    assert expand(block("usa")) == [block("usa")]
