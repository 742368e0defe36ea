"""Blocking a protection requirement (verifier/checks/protection_blocking.py): which obligations
give the response, the finding and its reference word for word, a requirement nobody answers
before one that is blocked, a responder's own attack, the witness's claims and the names of the
query's literals. Written against the mutants that survived the existing tests (docs/trust.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.helpers import context, instrument
from verifier.checks import blockable_guarantee
from verifier.checks.context import CheckContext
from verifier.checks.protection_blocking import responding_obligations
from verifier.findings import FindingKind, Severity
from verifier.pipeline import Options, run

GIVES = """
party g1, ukraine, russia, g2;
enum means = {consultation, armed_force};
fact attack(by: party) controlled by by;
act assist(actor: party, to: other party, means: means);
term decisive(m: means) { reading ordinary: m == armed_force; }
clause a "A" {
  g2 may assist(to: ukraine, means: armed_force);
  g1 must assist(to: ukraine) where means == armed_force when attack(by: russia);
}
clause b "B" {
  g1 must assist(means: armed_force) where to == ukraine or to == g1 when attack(by: russia);
  g1 must assist(to: ukraine) when attack(by: russia);
  russia must assist(to: ukraine, means: armed_force) where means == consultation;
}
protection ukraine against attack(by: russia) "an attack by Russia"
  by assist(to: ukraine) where [base: decisive(means) | ukraine: true];
"""


def test_the_obligations_that_give_the_response() -> None:
    """A permission gives nothing; an obligation gives the response when every act it allows is
    one (`where` read per act, the requirement's bracket and term read in the draft and readings in
    force); one that allows no act at all (russia's) or also consultation (b#1) does not."""
    inst = instrument(GIVES)
    (req,) = inst.requirements
    pairs = responding_obligations(context(inst), req)
    assert [(n.clause, n.index, s) for n, s in pairs] == [("a", 1, "g1"), ("b", 0, "g1")]


SPEC = """
party ukraine, russia, g1, g2;
group solo = {g1};
enum means = {consultation, armed_force};
fact attack(by: party) controlled by by;
fact agrees(g: party) controlled by g;
act assist(actor: party, to: other party, means: means);
term willing(p: party) { reading ordinary: true; }
assume not attack(by: ukraine) and not attack(by: g2);
protection russia against attack(by: ukraine) "an attack on Russia" by assist(to: russia);
clause art5 "Art. 5" {
  each g in solo must assist(to: ukraine, means: armed_force) when attack(by: _) and (agrees(g) or not willing(g));
}
protection ukraine against attack(by: _) "an attack" by assist(to: ukraine) where means == armed_force;
"""


def test_the_finding_word_for_word() -> None:
    """russia's requirement, which no obligation answers, is left to protection-gap; ukraine's
    is blocked by g1, whose response does not count while it attacks itself."""
    (f,) = blockable_guarantee.run(context(instrument(SPEC)))
    assert (f.kind, f.severity, f.party, f.coalition) == (FindingKind.BLOCKABLE_GUARANTEE, Severity.ERROR, "g1", ())
    assert f.message == (
        "g1 can keep anyone from being obliged to assist(to: ukraine) where means == armed_force for ukraine "
        "even when it causes an attack itself, by agrees(g1) = false"
    )
    ref = f.clauses[0]
    assert (ref.id, ref.label, ref.file, ref.line, ref.column, ref.text, ref.role) == (
        "protection_ukraine",
        "Protection of ukraine",
        "t.nv",
        14,
        1,
        None,
        "requirement",
    )
    assert [(c.id, c.role) for c in f.clauses] == [("protection_ukraine", "requirement"), ("art5", "obliging")]
    assert f.details == (("choice", "agrees(g1) = false"), ("protected", "ukraine"), ("controls_event", True))


def test_a_response_owed_only_by_the_attacker_is_not_for_blocking() -> None:
    """Only g1 can attack, and only g1 owes the response: that response never counts, so no
    coalition has anything to block (protection-gap reports it)."""
    spec = SPEC.replace(
        "assume not attack(by: ukraine) and not attack(by: g2);",
        "assume all p in party: (p == g1 or not attack(by: p));",
    )
    assert blockable_guarantee.run(context(instrument(spec))) == []


def test_the_world_shown_is_checked_against_the_event_and_no_response_obliged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    claimed: list[tuple[Any, ...]] = []
    original = CheckContext.witness

    def recording(self: CheckContext, model: Any, claims: Any, **kw: Any) -> Any:
        claims = list(claims)
        for c in claims:
            parts = {s: sorted(map(str, k)) for s, k in getattr(c, "event_atoms", {}).items()}
            claimed.append((type(c).__name__, getattr(c, "what", None), c.readings == self.readings, parts))
        return original(self, model, claims, **kw)

    monkeypatch.setattr(CheckContext, "witness", recording)
    (f,) = blockable_guarantee.run(context(instrument(SPEC)))
    assert f.scenario is not None
    assert claimed == [
        ("Holds", "the event the protection is for", True, {}),
        ("NotObliged", None, True, {"g1": ["('attack', ('g1',))"]}),
    ]


def test_the_query_names_the_response_obliged_and_the_event(tmp_path: Path) -> None:
    spec = tmp_path / "spec.nv"
    spec.write_text(SPEC, encoding="utf-8")
    run([spec], Options(smt2_dir=tmp_path / "smt2", jobs=1))
    scripts = [s.read_text(encoding="utf-8") for s in sorted((tmp_path / "smt2").glob("*.smt2"))]
    asked = [s.splitlines()[-1] for s in scripts if s.splitlines()[0].endswith("blockable-guarantee: can it answer E?")]
    assert asked == ["(check-sat-assuming (|world [willing=ordinary]| |event ukraine#1| |response obliged ukraine#1|))"]


def test_a_clause_named_like_a_requirement_does_not_lend_it_its_literals(tmp_path: Path) -> None:
    """A clause `protection_ukraine` guarantees the very event the requirement is for (the same
    formula): each question names its own literals (the requirement's keys were `protection_P`
    and its index, which were the clause's keys, so the requirement's question named the
    clause's event literal)."""
    spec = tmp_path / "spec.nv"
    spec.write_text(
        """party ukraine, russia, usa;
fact armed_attack(by: party, on: party) controlled by by;
act assist(actor: party, to: party);
assume not armed_attack(by: ukraine, on: ukraine);
assume not armed_attack(by: usa, on: ukraine);
protection ukraine against armed_attack(on: ukraine) "an armed attack on Ukraine" by assist(to: ukraine);
clause protection_ukraine "Art. 5" { usa must assist(to: ukraine) when armed_attack(on: ukraine)
  protects ukraine against armed_attack(on: ukraine) "an armed attack on Ukraine"; }
""",
        encoding="utf-8",
    )
    run([spec], Options(smt2_dir=tmp_path / "smt2", jobs=1))
    scripts = [s.read_text(encoding="utf-8") for s in sorted((tmp_path / "smt2").glob("*.smt2"))]
    asked = [s.splitlines()[-1] for s in scripts if s.splitlines()[0].endswith("blockable-guarantee: can it answer E?")]
    assert asked == [
        "(check-sat-assuming (world |event protection_ukraine#0| |trigger protection_ukraine#0|))",
        "(check-sat-assuming (world |event ukraine#0| |response obliged ukraine#0|))",
    ]
