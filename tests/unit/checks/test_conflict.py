"""verifier.checks.conflict: situations in which a party breaches something whatever it does."""

from __future__ import annotations

from dsl.evaluate import World, breaches
from tests.unit.helpers import clause_sets, instrument, run_checks
from verifier.checks import conflict, contradiction
from verifier.findings import Finding, FindingKind

WORLD = """
party ukraine, russia, usa;
fact war(p: party);
fact attack(by: party, on: party) controlled by by;
fact vote(p: party) controlled by p;
quantity troops(p: party) controlled by p;
act assist(actor: party, to: party);
act supply(actor: party, to: party);
"""


def conflicts(text: str) -> list[Finding]:
    findings = run_checks(WORLD + text, contradiction.run, conflict.run)
    return [f for f in findings if f.kind is FindingKind.CONFLICT]


def test_obligation_against_prohibition_in_a_circumstance() -> None:
    (f,) = conflicts('clause help "H" { usa must assist(to: ukraine) when war(ukraine); }\n'
                     'clause out "O" { usa must not assist when war(ukraine); }')
    assert f.party == "usa" and clause_sets([f]) == [frozenset({"help", "out"})]
    assert f.scenario is not None and f.scenario.facts == ("war(ukraine)",) and f.scenario.acts == ()
    assert f.minimal


def test_no_conflict_when_the_party_decides_the_trigger() -> None:
    assert conflicts('clause help "H" { usa must assist(to: ukraine) when vote(usa); }\n'
                     'clause out "O" { usa must not assist when vote(usa); }') == []


def test_another_partys_choice_is_part_of_the_situation() -> None:
    (f,) = conflicts('clause help "H" { usa must assist(to: ukraine) when attack(by: russia); }\n'
                     'clause out "O" { usa must not assist when attack(russia, ukraine); }')
    assert f.party == "usa" and f.scenario is not None and f.scenario.facts == ("attack(russia, ukraine)",)


def test_norms_of_other_parties_do_not_make_a_conflict() -> None:
    assert conflicts('clause help "H" { usa must assist(to: ukraine) when war(ukraine); }\n'
                     'clause out "O" { russia must not assist when war(ukraine); }') == []


def test_compatible_norms_no_conflict() -> None:
    assert conflicts('clause help "H" { usa must assist(to: ukraine) when war(ukraine); }\n'
                     'clause out "O" { usa must not assist(to: russia) when war(ukraine); }') == []


def test_the_clause_set_is_minimal() -> None:
    (f,) = conflicts('clause help "H" { usa must assist(to: ukraine) when war(ukraine); }\n'
                     'clause out "O" { usa must not assist when war(ukraine); }\n'
                     'clause extra "E" { usa must supply(to: ukraine) when war(ukraine); }')
    assert clause_sets([f]) == [frozenset({"help", "out"})]


def test_two_dilemmas_are_two_findings() -> None:
    found = conflicts('clause help "H" { usa must assist(to: ukraine) when war(ukraine); }\n'
                      'clause out "O" { usa must not assist when war(ukraine); }\n'
                      'clause give "G" { usa must supply(to: ukraine) when war(russia); }\n'
                      'clause keep "K" { usa must not supply when war(russia); }')
    assert sorted(clause_sets(found), key=sorted) == [frozenset({"give", "keep"}), frozenset({"help", "out"})]


def test_obligation_against_a_numeric_limit() -> None:
    (f,) = conflicts('clause cap "Annex" { limit troops(usa) <= 10; }\n'
                     'clause surge "S" { usa must keep troops(usa) >= 50 when war(usa); }')
    assert clause_sets([f]) == [frozenset({"cap", "surge"})]


def test_a_contradiction_is_not_reported_again_as_a_conflict() -> None:
    findings = run_checks(WORLD + 'clause a "A" { usa must assist(to: ukraine); }\nclause b "B" { usa must not assist; }',
                          contradiction.run, conflict.run)
    assert [f.kind for f in findings] == [FindingKind.CONTRADICTION]


def test_the_witness_really_is_a_dilemma() -> None:
    text = WORLD + ('clause help "H" { usa must assist(to: ukraine) when war(ukraine); }\n'
                    'clause out "O" { usa must not assist when war(ukraine); }')
    inst = instrument(text)
    situation = frozenset({("war", ("ukraine",))})
    for does_assist in (False, True):
        atoms = situation | ({("assist", ("usa", "ukraine"))} if does_assist else set())
        assert breaches(inst, World(atoms), {}, "usa")


def test_a_situation_that_is_another_partys_figure_is_named_in_the_message() -> None:
    """Only russia's troops make the dilemma: the message says so, not "even when nothing else
    happens"; usa's own conduct is not part of the situation."""
    (f,) = conflicts('clause help "H" { usa must assist(to: ukraine) when troops(russia) >= 2; }\n'
                     'clause out "O" { usa must not assist(to: ukraine); }')
    assert f.party == "usa"
    assert "usa cannot respect H (help) and O (out) together when troops(russia) = 2:" in f.message, f.message
