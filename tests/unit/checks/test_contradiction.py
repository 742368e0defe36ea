"""verifier.checks.contradiction: every minimal set of clauses that no world of the situation satisfies."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
import z3

from tests.unit.helpers import clause_sets, findings_in, run_checks
from verifier.checks import contradiction
from verifier.findings import FindingKind, Severity

WORLD = """
party ukraine, russia;
enum org = {eu, nato};
fact war(p: party);
quantity personnel(p: party) controlled by p;
act join(actor: party, org: org);
"""


def found(text: str) -> list[frozenset[str]]:
    findings = run_checks(WORLD + text, contradiction.run)
    assert all(f.kind is FindingKind.CONTRADICTION and f.severity is Severity.ERROR for f in findings)
    return clause_sets(findings)


def test_no_clauses_no_finding() -> None:
    assert found("assume true;") == []


def test_compatible_clauses_no_finding() -> None:
    assert found('clause a "A" { ukraine must join(org: eu); }\nclause b "B" { ukraine must not join(org: nato); }') == []


def test_a_pair() -> None:
    assert found('clause a "A" { ukraine must join(org: eu); }\nclause b "B" { ukraine must not join; }') == \
        [frozenset({"a", "b"})]


def test_every_minimal_set_is_listed_and_nothing_bigger() -> None:
    sets = found("""
        clause a "A" { ukraine must join(org: eu); }
        clause b "B" { ukraine must not join(org: eu); }
        clause c "C" { ukraine must not join; }
        clause d "D" { russia must join; }
    """)
    assert sorted(sets, key=sorted) == [frozenset({"a", "b"}), frozenset({"a", "c"})]


def test_one_clause_that_contradicts_itself() -> None:
    findings = run_checks(WORLD + 'clause a "A" { ukraine must join(org: eu); ukraine must not join; }',
                          contradiction.run)
    assert clause_sets(findings) == [frozenset({"a"})]
    assert "can never be respected" in findings[0].message


def test_only_in_the_stated_situation() -> None:
    text = 'clause a "A" { ukraine must join when war(russia); }\nclause b "B" { ukraine must not join; }'
    assert found(text) == []                              # peace is a world where both hold
    assert found(text + "\nassume war(russia);") == [frozenset({"a", "b"})]


def test_permissions_never_contradict() -> None:
    assert found('clause a "A" { ukraine may join(org: eu); }\nclause b "B" { ukraine must not join; }') == []


def test_a_numeric_limit_against_an_obligation_to_keep() -> None:
    assert found('clause cap "Annex" { limit personnel(ukraine) <= 100; }\n'
                 'clause floor "Art. 9" { ukraine must keep personnel(ukraine) >= 200; }') == \
        [frozenset({"cap", "floor"})]
    assert found('clause cap "Annex" { limit personnel(ukraine) <= 100; }\n'
                 'clause floor "Art. 9" { ukraine must keep personnel(ukraine) >= 100; }') == []


def test_contradictory_assumptions_are_reported_without_clauses() -> None:
    findings = run_checks(WORLD + 'assume war(russia);\nassume not war(russia);\nclause a "A" { ukraine must join; }',
                          contradiction.run)
    (f,) = findings
    assert (f.kind, f.severity, f.clauses) == (FindingKind.CONTRADICTION, Severity.ERROR, ())
    assert f.message == "the `assume` statements contradict each other: no situation is left to check"


def test_findings_are_proved_minimal_and_cite_the_clauses() -> None:
    findings = run_checks(WORLD + 'clause a "Art. 1" text "join" { ukraine must join(org: eu); }\n'
                                  'clause b "Art. 2" { ukraine must not join; }', contradiction.run)
    (f,) = findings
    assert f.minimal and f.scenario is None
    assert [(c.id, c.label, c.line, c.text) for c in f.clauses] == [("a", "Art. 1", 7, "join"), ("b", "Art. 2", 8, None)]


def test_a_map_solver_that_gives_up_ends_the_enumeration_as_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    import z3

    from verifier.session import Session

    original = Session.side_check

    def giving_up(self: Session, solver: z3.Solver, purpose: str) -> z3.CheckSatResult:
        return z3.unknown if "MARCO map" in purpose else original(self, solver, purpose)

    monkeypatch.setattr(Session, "side_check", giving_up)
    findings = run_checks(WORLD + 'clause a "A" { ukraine must join(org: eu); }\n'
                                  'clause b "B" { ukraine must not join(org: eu); }', contradiction.run)
    (f,) = findings
    assert (f.kind, [c.id for c in f.clauses]) == (FindingKind.UNKNOWN, ["a", "b"])
    assert f.message == "the solver gave up on the search for further contradictions (unknown); nothing is proved either way"


@pytest.mark.parametrize(("purpose", "question", "cited"), [
    ("contradiction: the stated situation alone", "whether the `assume` statements can hold together", []),
    ("contradiction: all clauses", "the contradiction check", ["a", "b"]),
])
def test_a_solver_that_gives_up_is_one_unknown_that_says_where(monkeypatch: pytest.MonkeyPatch, purpose: str, question: str,
                                                               cited: list[str]) -> None:
    """Not a contradiction and not silence: one `unknown` that names the question, the reason
    and the clauses it was about."""
    from verifier.session import Outcome, Session, Status

    original = Session.check

    def giving_up(self: Session, assumptions: Sequence[z3.BoolRef], label: str = "") -> Outcome:
        return Outcome(Status.UNKNOWN, reason="canceled") if label == purpose else original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", giving_up)
    (f,) = run_checks(WORLD + 'assume war(russia);\nclause a "A" { ukraine must join; }\n'
                              'clause b "B" { ukraine must not join; }', contradiction.run)
    assert (f.kind, f.severity, [c.id for c in f.clauses]) == (FindingKind.UNKNOWN, Severity.WARNING, cited)
    assert f.message == f"the solver gave up on {question} (canceled); nothing is proved either way"


def test_a_set_lists_its_clauses_in_the_order_of_the_text() -> None:
    """Not alphabetically: `z` is written first, so it comes first."""
    (f,) = run_checks(WORLD + 'clause z "Z" { ukraine must join(org: eu); }\nclause a "A" { ukraine must not join; }',
                      contradiction.run)
    assert [(c.id, c.role) for c in f.clauses] == [("z", "conflicting"), ("a", "conflicting")]
    assert f.message.startswith("Z (z) and A (a) cannot all be respected")


def test_a_set_not_proved_minimal_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the shrinking gave up, the finding must not claim minimality."""
    monkeypatch.setattr(contradiction, "marco", lambda session, fixed, lits, limit: iter([(["a", "b"], False, "")]))
    (f,) = run_checks(WORLD + 'clause a "A" { ukraine must join(org: eu); }\nclause b "B" { ukraine must not join; }',
                      contradiction.run)
    assert f.kind is FindingKind.CONTRADICTION and f.minimal is False


def _pairs(n: int) -> str:
    """n independent contradictory pairs: `ukraine must act_i` against `ukraine must not act_i`."""
    acts = "".join(f"act act{i}(actor: party);\n" for i in range(n))
    clauses = "".join(f'clause must{i} "Must {i}" {{ ukraine must act{i}; }}\n'
                      f'clause not{i} "Not {i}" {{ ukraine must not act{i}; }}\n' for i in range(n))
    return "party ukraine, russia;\n" + acts + clauses


def test_ten_pairs_under_a_cap_of_eight_say_how_many_are_not_shown(tmp_path: Path) -> None:
    """Eight contradictions are listed, the first says "8 of 10", and no pair comes out as a conflict."""
    found = findings_in(tmp_path, _pairs(10), ["contradiction", "conflict"])
    assert [f.kind for f in found] == [FindingKind.CONTRADICTION] * 8
    noted = [f for f in found if "8 of 10 minimal sets" in f.message]
    assert len(noted) == 1 and "raise --max-findings" in noted[0].message
    assert {dict(f.details)["sets_shown"] for f in found} == {"8 of 10"}


def test_ten_pairs_with_room_for_ten_are_all_listed(tmp_path: Path) -> None:
    found = findings_in(tmp_path, _pairs(10), ["contradiction", "conflict"], max_findings=10)
    assert sorted(clause_sets(found, "contradiction"), key=sorted) == \
        sorted((frozenset({f"must{i}", f"not{i}"}) for i in range(10)), key=sorted)
    assert len(found) == 10 and not any("minimal sets" in f.message for f in found)


def test_past_four_times_the_cap_the_count_is_a_lower_bound(tmp_path: Path) -> None:
    found = findings_in(tmp_path, _pairs(10), ["contradiction", "conflict"], max_findings=2)
    assert [f.kind for f in found] == [FindingKind.CONTRADICTION] * 2
    assert {dict(f.details)["sets_shown"] for f in found} == {"2 of at least 8"}
    assert sum("2 of at least 8 minimal sets of contradictory clauses shown; raise --max-findings to list more"
               in f.message for f in found) == 1
