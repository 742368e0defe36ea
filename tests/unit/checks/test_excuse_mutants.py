"""Excuses: the findings word for word (with and without conduct, an open baseline), the
`unknown`s, the witness's claims, and which clauses and terms are asked (mutation testing,
docs/trust.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.helpers import context, instrument, purposes_asked, run_checks
from verifier import minimal
from verifier.checks import excuse
from verifier.checks.context import CheckContext
from verifier.findings import Finding, FindingKind, Severity
from verifier.pipeline import Options, run
from verifier.session import Outcome, Session, Status

WORLD = """
party ukraine, russia, usa;
enum means = {consultation, weapons, armed_force};
act intervene(actor: party, target: party, means: means);
term necessary(m: means) {
  reading ordinary: m == consultation;
  reading russia: m in {consultation, armed_force};
}
"""
ART3 = (
    'clause art3 "Art. 3" { each p in {russia, usa} must not intervene(target: ukraine) where not necessary(means); }\n'
)


def excuses(text: str) -> list[Finding]:
    return run_checks(WORLD + text, excuse.run)


def test_an_excuse_word_for_word() -> None:
    (f,) = excuses(ART3)
    assert (f.kind, f.severity, f.party) == (FindingKind.EXCUSE, Severity.WARNING, "russia")
    assert f.message == (
        "russia can present its breach of Art. 3 (art3) by intervene(russia, target: ukraine, "
        "means: armed_force) as lawful: a breach under the ordinary reading of `necessary`, lawful "
        "under russia's own reading"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("art3", "breached")]
    assert f.details == (
        ("term", "necessary"),
        ("reading", "russia"),
        ("baseline", "ordinary"),
        ("conduct", ["intervene(russia, target: ukraine, means: armed_force)"]),
    )
    assert f.scenario is not None and f.scenario.minimal
    assert f.scenario.acts == ("intervene(russia, ukraine, armed_force)",)


def test_an_excuse_of_a_missed_obligation_names_no_conduct_and_an_open_term_its_baseline() -> None:
    """An obligation breached by doing nothing: no act to name. The term has no ordinary
    reading, so the baseline leaves it open."""
    text = """
term urgent(p: party) { reading russia: false; }
clause art4 "Art. 4" { russia must intervene(target: ukraine, means: consultation) when urgent(ukraine); }
"""
    (f,) = excuses(text)
    assert f.message == (
        "russia can present its breach of Art. 4 (art4) as lawful: a breach under the open reading "
        "of `urgent`, lawful under russia's own reading"
    )
    assert f.details == (("term", "urgent"), ("reading", "russia"), ("baseline", "open"), ("conduct", []))


def test_the_conduct_named_is_the_partys_own_and_each_act_once() -> None:
    """usa intervenes with weapons in every world (assumed), in breach of art3 too; only
    russia's act is its conduct, and two norms that it breaches by the same act name it once."""
    text = (
        "assume intervene(usa, ukraine, weapons);\n"
        'clause art3 "Art. 3" { each p in {russia, usa} must not intervene(target: ukraine) '
        "where not necessary(means);\n"
        "  russia must not intervene(target: ukraine, means: armed_force) where not necessary(means); }\n"
    )
    (f,) = excuses(text)
    assert dict(f.details)["conduct"] == ["intervene(russia, target: ukraine, means: armed_force)"]
    assert f.scenario is not None
    assert f.scenario.acts == ("intervene(russia, ukraine, armed_force)", "intervene(usa, ukraine, weapons)")


def test_lawful_is_the_partys_own_compliance(tmp_path: Path) -> None:
    """usa must intervene with consultation under art5: russia's excuse does not need usa to
    comply, so the world shown has russia's act alone; and the query's `lawful` part is
    russia's norms of its own clauses, nothing of art6 (which binds usa alone)."""
    text = (
        'instrument t "T";\n'
        + WORLD
        + 'clause art5 "Art. 5" { russia must not intervene(target: ukraine) where not necessary(means);\n'
        "  usa must intervene(target: russia, means: consultation); }\n"
        'clause art6 "Art. 6" { usa must not intervene(target: ukraine); }\n'
    )
    (f,) = run_checks(text, excuse.run)
    assert f.scenario is not None and f.scenario.acts == ("intervene(russia, ukraine, armed_force)",)
    path = tmp_path / "spec.nv"
    path.write_text(text, encoding="utf-8")
    run([path], Options(smt2_dir=tmp_path / "smt2", jobs=1))
    scripts = [s.read_text(encoding="utf-8") for s in sorted((tmp_path / "smt2").glob("*.smt2"))]
    (script,) = [s for s in scripts if s.splitlines()[0].endswith("excuse of russia via art5 (necessary)")]
    assert (
        "(assert (=> |breach of art5 @russia|\n"
        "    (not (and (not |intervene(russia, ukraine, weapons)|)\n"
        "              (not |intervene(russia, ukraine, armed_force)|)))))\n"
        "(assert (=> |lawful @russia as russia reads necessary|\n"
        "    (not |intervene(russia, ukraine, weapons)|)))\n"
    ) in script


# A second clause russia could be excused of, so that an `unknown` on the first is seen not to end the check.
ART7 = 'clause art7 "Art. 7" { russia must not intervene(target: usa) where not necessary(means); }\n'


def test_a_solver_that_gives_up_is_an_unknown_and_the_next_clause_is_still_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = Session.check

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label == "excuse of russia via art3 (necessary)":
            return Outcome(Status.UNKNOWN, reason="canceled")
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    (f, g) = excuses(ART3 + ART7)
    assert (f.kind, f.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert (
        f.message
        == "the solver gave up on the excuse check of art3 for russia (canceled); nothing is proved either way"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("art3", None)]
    assert f.details == (("reason", "canceled"),)
    assert (g.kind, [c.id for c in g.clauses]) == (FindingKind.EXCUSE, ["art7"])


def test_a_world_that_cannot_be_read_is_an_unknown_that_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(excuse, "witness", lambda session, lits: (None, False))
    (f,) = excuses(ART3)
    assert (f.kind, f.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert f.message == (
        "the solver gave up on the excuse check of art3 for russia (no witness could be read); "
        "nothing is proved either way"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("art3", None)]
    assert f.details == (("reason", "no witness could be read"),)


def test_a_world_not_proved_minimal_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    original = minimal.witness  # what excuse imports as witness, the function replaced below
    monkeypatch.setattr(excuse, "witness", lambda session, lits: (original(session, lits)[0], False))
    (f,) = excuses(ART3)
    assert f.scenario is not None and f.scenario.minimal is False


def test_a_clause_left_out_of_the_report_does_not_end_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CheckContext, "reported", lambda self, clause_ids: list(clause_ids) != ["art3"])
    assert [[c.id for c in f.clauses] for f in excuses(ART3 + ART7)] == [["art7"]]


def test_a_term_the_party_has_no_reading_of_is_passed_over_not_the_clause() -> None:
    """art8 reads `ordered` first, of which russia has no reading: `necessary`, after it, still
    excuses russia."""
    text = (
        "term ordered(p: party) { reading ordinary: false; }\n"
        'clause art8 "Art. 8" { russia must not intervene(target: ukraine) where not ordered(ukraine) '
        "and not necessary(means); }\n"
    )
    (f,) = excuses(text)
    assert (f.kind, dict(f.details)["term"]) == (FindingKind.EXCUSE, "necessary")


def test_under_the_partys_own_reading_no_excuse_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read as russia reads it, the term leaves russia nothing to be excused of: not asked."""
    labels = purposes_asked(monkeypatch)
    ctx = context(instrument(WORLD + ART3), readings={"necessary": "russia"})
    assert excuse.run(ctx) == []
    assert labels == []


def test_clauses_that_do_not_bind_the_party_are_passed_over() -> None:
    """art1 binds usa alone, art2 only permits russia: neither excuses russia, and neither
    ends the check before art3."""
    text = (
        'clause art1 "Art. 1" { usa must not intervene(target: russia) where not necessary(means); }\n'
        'clause art2 "Art. 2" { russia may intervene(target: usa) where necessary(means); }\n' + ART3
    )
    assert [(f.kind, [c.id for c in f.clauses]) for f in excuses(text)] == [(FindingKind.EXCUSE, ["art3"])]
