"""Protection gaps (verifier/checks/protection_gap.py): the findings word for word (a gap in one
attack, with and without other duties; no attack that obliges the response), how other duties
are quoted, and the `unknown`s. Written against the mutants that survived the existing tests
(docs/trust.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.helpers import run_checks
from verifier.checks import protection_gap
from verifier.checks.context import CheckContext
from verifier.findings import FindingKind, Severity
from verifier.pipeline import Options, run
from verifier.qbf import EveryChoiceResult

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
