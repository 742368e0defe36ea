"""Blockable and vacuous guarantees: answers known by hand, including "no finding"."""

from __future__ import annotations

from pathlib import Path

import z3

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


def test_a_veto_is_shown_rather_than_where_the_attacker_strikes(tmp_path: Path) -> None:
    # Russia can keep the guarantee from triggering two ways: by striking only Crimea (which
    # the trigger leaves out) or by withholding its agreement. The veto is the finding.
    body = """
fact strike(by: party, on: party, a: area) controlled by by;
assume not strike(by: ukraine, on: ukraine);
assume not strike(by: usa, on: ukraine);
clause g "Art. 5" {
  each x in guarantors must assist(to: ukraine)
    when strike(on: ukraine, a: mainland) and (all h in guarantors: agrees(h))
    protects ukraine against strike(on: ukraine);
}
"""
    fs = findings(tmp_path, body, "blockable-guarantee")
    russia = next(f for f in fs if f.party == "russia")
    assert dict(russia.details)["choice"] == "agrees(russia) = false"
    assert dict(russia.details)["controls_event"] is True

    # And when a search comes upon the strike first, the veto is looked for and preferred.
    from tests.unit.helpers import context, instrument
    from verifier.checks.blockable_guarantee import _preferring_decisions, blocking_search
    from verifier.checks.guarantees import guarantees
    from verifier.session import among

    ctx = context(instrument(WORLD + body))
    [g] = guarantees(ctx)
    event = ctx.enc.mentioned([g.event])
    controlled = [k for k in ctx.vocab.controlled_by("russia") if k in ctx.enc.keys_named(ctx.enc.mentioned(
        [g.trigger, g.event, ctx.enc.assumptions(ctx.readings)]))]
    false = z3.BoolVal(False, ctx.session.ctx)
    own_event = z3.substitute(g.event, *[(ctx.enc.by_name[n][1], false) for n in sorted(event)
                                         if ctx.vocab.controller.get(ctx.enc.by_name[n][0]) != "russia"])
    striking = blocking_search(ctx, g, [k for k in controlled if k in ctx.enc.keys_named(event)], own_event)
    assert striking.status == "found"
    assert ctx.enc.mentioned(among(striking.core, striking.outer_lits)) <= event
    preferred = _preferring_decisions(ctx, g, controlled, own_event, striking, event)
    assert [str(lit) for lit in among(preferred.core, preferred.outer_lits)] == ["Not(agrees(russia))"]
