"""Coalitions (verifier.checks.coalitions): which groups are asked, in which order, which a
smaller group hides, and whose norms count as a coalition's lawful conduct. Written to kill
the mutants that survived the tests before (docs/trust.md, "Mutation testing")."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.model import PartyClass
from tests.unit.checks.test_guarantees import coalition_findings, members
from verifier.checks.coalitions import Coalition, Outcome, coalition_phrase, minimal_coalitions
from verifier.findings import Finding, FindingKind, Severity


def asked_by(
    achieved: set[Coalition],
    candidates: tuple[str, ...] = ("a", "b", "c"),
    size: int = 2,
    classes: tuple[PartyClass, ...] = (),
) -> tuple[list[Coalition], list[str]]:
    """The coalitions minimal_coalitions asks about, in order, and the messages of the findings
    it returns, when exactly the coalitions of `achieved` achieve the thing (the others give
    no finding)."""
    asked: list[Coalition] = []

    def test(coalition: Coalition) -> Outcome | None:
        asked.append(coalition)
        if coalition not in achieved:
            return None
        return Outcome(
            Finding(FindingKind.BLOCKABLE_GUARANTEE, Severity.WARNING, "+".join(coalition), "t.nv", ()), True
        )

    found = minimal_coalitions(candidates, size, test, classes)
    return asked, [f.message for f in found]


def test_every_group_is_asked_smallest_first_and_never_the_empty_one() -> None:
    assert asked_by(set()) == ([("a",), ("b",), ("c",), ("a", "b"), ("a", "c"), ("b", "c")], [])


def test_a_group_that_achieves_it_hides_only_the_larger_groups_that_contain_it() -> None:
    """a achieves it alone: (a, b) and (a, c) are not minimal and not asked; (b, c), after them,
    still is, and achieves it too."""
    assert asked_by({("a",), ("b", "c")}) == ([("a",), ("b",), ("c",), ("b", "c")], ["a", "b+c"])


def test_with_interchangeable_parties_only_the_canonical_groups_are_asked() -> None:
    """a and b are interchangeable (b's groups are a's, renamed): of the groups that take one
    of them, only those that take a (the first representative) are asked."""
    classes = (PartyClass(members=("a", "b"), groups=("g",), representatives=("a", "b")),)
    assert asked_by(set(), classes=classes) == ([("a",), ("c",), ("a", "b"), ("a", "c")], [])


@pytest.mark.parametrize(
    ("names", "phrase"),
    [((), ""), (("usa",), "usa"), (("usa", "uk"), "usa and uk"), (("usa", "uk", "france"), "usa, uk and france")],
)
def test_a_coalition_is_named_as_a_list(names: tuple[str, ...], phrase: str) -> None:
    assert coalition_phrase(names) == phrase


def test_a_duty_after_a_permission_in_the_same_clause_still_binds_the_coalition(tmp_path: Path) -> None:
    """g1 may not withhold its vote (Art. 6 obliges it, after a permission in the same clause):
    no lawful block by g1."""
    duty = 'clause art6 "Art. 6" { g1 may assist(to: ua); g1 must keep agrees(g1); }'
    fs = coalition_findings(tmp_path, "all g in guarantors: agrees(g)", extra=duty)
    assert sorted(members(f) for f in fs) == [("g2",), ("g3",)]


def test_another_partys_norm_in_a_members_clause_does_not_bind_the_member(tmp_path: Path) -> None:
    """Art. 6 obliges ua to see that g2 agrees: that binds ua, not g2, which can still block."""
    duty = 'clause art6 "Art. 6" { g2 must not assist(to: ru); ua must keep agrees(g2); }'
    fs = coalition_findings(tmp_path, "all g in guarantors: agrees(g)", extra=duty)
    assert sorted(members(f) for f in fs) == [("g1",), ("g2",), ("g3",)]
