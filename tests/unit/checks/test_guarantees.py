"""Blockable and vacuous guarantees: answers known by hand, including "no finding"."""

from __future__ import annotations

from pathlib import Path

from dsl import load
from verifier.findings import Finding
from verifier.pipeline import Options, check_instrument

WORLD = """
party ukraine, russia, usa;
group guarantors = {russia, usa};
enum area = {mainland, crimea};
fact armed_attack(by: party, on: party) controlled by by;
fact attack_in(a: area);
fact agrees(g: party) controlled by g;
fact requested(p: party) controlled by p;
act assist(actor: party, to: party);
assume not armed_attack(by: ukraine, on: ukraine);
"""


def findings(tmp: Path, body: str, kind: str) -> list[Finding]:
    path = tmp / "spec.nv"
    path.write_text(WORLD + body, encoding="utf-8")
    loaded = load([path])
    assert not loaded.diagnostics.has_errors(), [d.message for d in loaded.diagnostics.sorted()]
    found, _, _ = check_instrument(loaded.instruments[0], Options())
    return [f for f in found if f.kind.value == kind]


GUARANTEE = """
clause g "Art. 5" {{
  each x in guarantors must assist(to: ukraine) when {trigger}
    protects ukraine against armed_attack(on: ukraine);
}}
"""


def test_unanimity_lets_each_guarantor_block(tmp_path: Path) -> None:
    fs = findings(tmp_path, GUARANTEE.format(trigger="armed_attack(on: ukraine) and (all h in guarantors: agrees(h))"),
                  "blockable-guarantee")
    assert sorted(f.party for f in fs) == ["russia", "usa"]
    russia = next(f for f in fs if f.party == "russia")
    assert dict(russia.details)["controls_event"] is True
    assert "agrees(russia) = false" in dict(russia.details)["choice"]
    assert russia.scenario is not None and "armed_attack(russia, ukraine)" in russia.scenario.facts


def test_request_of_the_protected_party_is_not_a_block(tmp_path: Path) -> None:
    fs = findings(tmp_path, GUARANTEE.format(trigger="armed_attack(on: ukraine) and requested(ukraine)"),
                  "blockable-guarantee")
    assert fs == []


def test_plain_trigger_is_neither_blockable_nor_vacuous(tmp_path: Path) -> None:
    body = GUARANTEE.format(trigger="armed_attack(on: ukraine)")
    assert findings(tmp_path, body, "blockable-guarantee") == []
    assert findings(tmp_path, body, "vacuous-guarantee") == []


def test_excluded_area_is_vacuous(tmp_path: Path) -> None:
    fs = findings(tmp_path, GUARANTEE.format(trigger="armed_attack(on: ukraine) and attack_in(mainland)"),
                  "vacuous-guarantee")
    assert len(fs) == 1 and dict(fs[0].details)["never"] is False
    assert "attack_in(mainland) = false" in dict(fs[0].details)["circumstance"]


def test_trigger_that_never_holds(tmp_path: Path) -> None:
    fs = findings(tmp_path, GUARANTEE.format(trigger="armed_attack(on: ukraine) and armed_attack(by: ukraine, on: ukraine)"),
                  "vacuous-guarantee")
    assert len(fs) == 1 and dict(fs[0].details)["never"] is True


def test_vetoed_permission(tmp_path: Path) -> None:
    body = """
act exercise(actor: party, with: party);
fact consents(g: party) controlled by g;
clause e "Art. 4" { ukraine may exercise(with: usa) when all g in guarantors: consents(g); }
"""
    fs = findings(tmp_path, body, "hollow-permission")
    assert sorted(f.party for f in fs) == ["russia", "usa"]
    assert all(dict(f.details)["veto"] for f in fs)


def test_permission_nobody_else_controls_is_not_vetoed(tmp_path: Path) -> None:
    body = """
act exercise(actor: party, with: party);
clause e "Art. 4" { ukraine may exercise(with: usa); }
"""
    assert findings(tmp_path, body, "hollow-permission") == []
