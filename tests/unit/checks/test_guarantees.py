"""Blockable and vacuous guarantees: answers known by hand, including "no finding"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dsl import load
from tests.unit.helpers import context, findings_in, instrument, run_checks
from verifier.checks import blockable_guarantee, vacuous_guarantee
from verifier.findings import Finding, FindingKind, Severity, problem_key
from verifier.merge import expand
from verifier.pipeline import Options, check_instrument
from verifier.qbf import EFResult
from verifier.session import Outcome, Session, Status

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
    # (a finding merged over several parties stands for one per party: verifier.merge)
    return [e for f in found if f.kind.value == kind for e in expand(f)]


GUARANTEE = """
clause g "Art. 5" {{
  each x in guarantors must assist(to: ukraine) when {trigger}
    protects ukraine against armed_attack(on: ukraine);
}}
"""


def test_unanimity_lets_each_guarantor_block(tmp_path: Path) -> None:
    fs = findings(tmp_path, GUARANTEE.format(trigger="armed_attack(on: ukraine) and (all h in guarantors: agrees(h))"),
                  "blockable-guarantee")
    assert sorted((f.party for f in fs), key=str) == ["russia", "usa"]
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
    # Exercises are banned but with the consent of every guarantor: each can refuse, and the
    # exercise is then forbidden.
    body = """
act exercise(actor: party, with: party);
fact consents(g: party) controlled by g;
clause ban "Art. 3" { ukraine must not exercise; }
clause e "Art. 4" overrides ban { ukraine may exercise(with: usa) when all g in guarantors: consents(g); }
"""
    fs = findings(tmp_path, body, "hollow-permission")
    assert sorted((f.party for f in fs), key=str) == ["russia", "usa"]
    assert all(dict(f.details)["veto"] for f in fs)


def test_no_veto_where_the_act_stays_lawful_without_the_permission(tmp_path: Path) -> None:
    # Nothing forbids the exercise: a guarantor that refuses its consent takes nothing away.
    body = """
act exercise(actor: party, with: party);
fact consents(g: party) controlled by g;
clause e "Art. 4" { ukraine may exercise(with: usa) when all g in guarantors: consents(g); }
"""
    assert findings(tmp_path, body, "hollow-permission") == []


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



# ---- coalitions (DESIGN §12) ------------------------------------------------------------------

THREE = """
party ua, ru, g1, g2, g3;
group guarantors = {{g1, g2, g3}};
fact attack(by: party) controlled by by;
fact agrees(g: party) controlled by g;
act assist(actor: party, to: party);
assume not attack(by: ua);
assume not attack(by: g1) and not attack(by: g2) and not attack(by: g3);
clause art4 "Art. 4" {{
  each g in guarantors must assist(to: ua) when attack(by: _) and {decision}
    protects ua against attack(by: _) "an armed attack on Ukraine";
}}
{extra}
"""


def coalition_findings(tmp: Path, decision: str, extra: str = "", size: int = 2) -> list[Finding]:
    found = findings_in(tmp, THREE.format(decision=decision, extra=extra), ["blockable-guarantee"], coalition_size=size)
    return [e for f in found for e in expand(f)]


def members(f: Finding) -> tuple[str, ...]:
    return f.coalition or ((f.party,) if f.party else ())


def test_a_majority_draft_reports_the_minimal_blocking_pairs(tmp_path: Path) -> None:
    fs = coalition_findings(tmp_path, "a majority of g in guarantors: agrees(g)")
    assert sorted(members(f) for f in fs) == [("g1", "g2"), ("g1", "g3"), ("g2", "g3")]
    pair = next(f for f in fs if members(f) == ("g1", "g2"))
    assert pair.party == "g1"
    assert pair.message.startswith("g1 and g2 together can keep Art. 4 (art4) from triggering in the event of "
                                   "an armed attack on Ukraine, by agrees(g1) = false, agrees(g2) = false")
    assert dict(pair.details)["controls_event"] is False  # the guarantors do not attack here
    assert pair.to_json()["coalition"] == ["g1", "g2"]


def test_a_consensus_draft_reports_each_single_guarantor_and_no_pair(tmp_path: Path) -> None:
    fs = coalition_findings(tmp_path, "all g in guarantors: agrees(g)")
    assert sorted(members(f) for f in fs) == [("g1",), ("g2",), ("g3",)]
    assert all(f.coalition == () and f.to_json()["coalition"] is None for f in fs)


def test_coalitions_above_the_size_bound_are_not_asked(tmp_path: Path) -> None:
    assert coalition_findings(tmp_path, "a majority of g in guarantors: agrees(g)", size=1) == []
    # Unanimity of "not all refuse": only all three together can block it.
    decision = "at least 1 of g in guarantors: agrees(g)"
    assert coalition_findings(tmp_path, decision) == []
    assert sorted(members(f) for f in coalition_findings(tmp_path, decision, size=3)) == [("g1", "g2", "g3")]


def test_a_vote_the_treaty_obliges_is_no_lawful_block(tmp_path: Path) -> None:
    duty = 'clause art6 "Art. 6" { g1 must keep agrees(g1); }'
    fs = coalition_findings(tmp_path, "all g in guarantors: agrees(g)", extra=duty)
    assert sorted(members(f) for f in fs) == [("g2",), ("g3",)]


def test_not_causing_the_event_is_no_block(tmp_path: Path) -> None:
    """The guarantee answers only ru's attack, but protects against anyone's: ru "blocks" it
    by not attacking, which is no block (the gap is another party's attack)."""
    body = """
    clause g "Art. 5" {
      usa must assist(to: ukraine) when armed_attack(by: russia, on: ukraine)
        protects ukraine against armed_attack(on: ukraine);
    }
    """
    assert findings(tmp_path, body, "blockable-guarantee") == []


# The vacuous-guarantee check in full: its findings word for word, its `unknown`s, and the
# canonical circumstance and world it shows.

EXCLUDED = GUARANTEE.format(trigger="armed_attack(on: ukraine) and attack_in(mainland)")


def test_a_guarantee_that_leaves_out_a_case_is_a_warning_that_names_it() -> None:
    (f,) = run_checks(WORLD + EXCLUDED, vacuous_guarantee.run)
    assert (f.kind, f.severity) == (FindingKind.VACUOUS_GUARANTEE, Severity.WARNING)
    assert f.message == ("Art. 5 (g) does not trigger when attack_in(mainland) = false, even in the event of "
                         "armed_attack(on: ukraine): the case it exists for is left out, whatever anyone decides")
    assert [(c.id, c.role) for c in f.clauses] == [("g", "guarantee")]
    assert f.details == (("never", False), ("circumstance", "attack_in(mainland) = false"), ("protected", "ukraine"))
    assert f.scenario is not None and f.scenario.facts == ("armed_attack(russia, ukraine)",)


def test_a_trigger_that_never_holds_is_an_error_that_says_so() -> None:
    body = GUARANTEE.format(trigger="armed_attack(on: ukraine) and armed_attack(by: ukraine, on: ukraine)")
    (f,) = run_checks(WORLD + body, vacuous_guarantee.run)
    assert (f.kind, f.severity) == (FindingKind.VACUOUS_GUARANTEE, Severity.ERROR)
    assert f.message == ("Art. 5 (g) never triggers in the event of armed_attack(on: ukraine) in the stated "
                         "situation: it protects ukraine in no world")
    assert [(c.id, c.role) for c in f.clauses] == [("g", "guarantee")]
    assert f.details == (("never", True), ("protected", "ukraine"))


TWO = EXCLUDED + EXCLUDED.replace('clause g "Art. 5"', 'clause h "Art. 6"')


@pytest.mark.parametrize(("where", "question"), [
    ("trigger", "whether g can trigger"),
    ("search", "whether g covers every case of its event"),
])
def test_a_solver_that_gives_up_on_one_guarantee_is_an_unknown_and_the_next_is_still_asked(
        monkeypatch: pytest.MonkeyPatch, where: str, question: str) -> None:
    # (blocking_search: what vacuous_guarantee imports from blockable_guarantee, the function replaced below)
    original_check, original_search = Session.check, blockable_guarantee.blocking_search

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if where == "trigger" and label == "vacuous-guarantee: can g trigger when its event happens?":
            return Outcome(Status.UNKNOWN, reason="canceled")
        return original_check(self, assumptions, label)

    def search(ctx: Any, g: Any, *args: Any, **kw: Any) -> EFResult:
        if where == "search" and g.norm.clause == "g":
            return EFResult("unknown", reason="canceled")
        return original_search(ctx, g, *args, **kw)

    monkeypatch.setattr(Session, "check", check)
    monkeypatch.setattr(vacuous_guarantee, "blocking_search", search)
    gave_up, h = run_checks(WORLD + TWO, vacuous_guarantee.run)
    assert (gave_up.kind, gave_up.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert gave_up.message == f"the solver gave up on {question} (canceled); nothing is proved either way"
    assert [(c.id, c.role) for c in gave_up.clauses] == [("g", "guarantee")]
    assert (h.kind, [c.id for c in h.clauses]) == (FindingKind.VACUOUS_GUARANTEE, ["h"])


def test_a_guarantee_that_covers_its_event_does_not_end_the_check() -> None:
    body = GUARANTEE.format(trigger="armed_attack(on: ukraine)") + EXCLUDED.replace('clause g "Art. 5"',
                                                                                    'clause h "Art. 6"')
    assert [(f.kind, [c.id for c in f.clauses]) for f in run_checks(WORLD + body, vacuous_guarantee.run)] \
        == [(FindingKind.VACUOUS_GUARANTEE, ["h"])]


def test_a_finding_left_out_of_the_report_gets_no_world() -> None:
    """The minimal world (an Optimize call) is sought only for a finding that is shown."""
    ctx = context(instrument(WORLD + EXCLUDED))
    ctx.hidden = frozenset({problem_key(FindingKind.VACUOUS_GUARANTEE, ["g"], None)})
    (f,) = vacuous_guarantee.run(ctx)
    assert f.kind is FindingKind.VACUOUS_GUARANTEE and f.scenario is None


def test_the_circumstance_and_the_world_shown_name_the_protected_party() -> None:
    """Either sanction leaves the guarantee silent, and the event can happen to anyone: the
    finding shows the ones about ukraine, though russia is declared first."""
    spec = """
party russia, ukraine, usa;
fact incident(p: party);
fact sanctioned(p: party);
act assist(actor: party, to: party);
clause g "Art. 5" { usa must assist(to: ukraine) when incident(_) and not sanctioned(russia) and not sanctioned(ukraine)
    protects ukraine against incident(_); }
"""
    (f,) = run_checks(spec, vacuous_guarantee.run)
    assert dict(f.details)["circumstance"] == "sanctioned(ukraine) = true"
    assert f.scenario is not None and f.scenario.facts == ("incident(ukraine)", "sanctioned(ukraine)")
