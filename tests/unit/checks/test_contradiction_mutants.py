"""Contradictions past --max-findings, word for word: the note on the set the report lists
first, and a solver that gives up once the cap is reached (mutation testing, docs/trust.md)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.helpers import context, instrument
from verifier.checks import contradiction
from verifier.findings import Finding, FindingKind

# Three independent contradictory pairs: every clause together is unsat, so the enumeration
# (here replaced, to fix its order) is reached.
PAIRS = """
party ukraine, russia;
act a0(actor: party);
act a1(actor: party);
act a2(actor: party);
clause a "A" { ukraine must a0; }
clause b "B" { ukraine must not a0; }
clause c "C" { ukraine must a1; }
clause d "D" { ukraine must not a1; }
clause e "E" { ukraine must a2; }
clause f "F" { ukraine must not a2; }
"""


def contradictions(
    monkeypatch: pytest.MonkeyPatch, sets: list[tuple[list[str], bool, str]], cap: int = 2
) -> list[Finding]:
    def enumerated(
        session: object, fixed: object, lits: object, limit: int | None
    ) -> Iterator[tuple[list[str], bool, str]]:
        assert limit == cap * contradiction.COUNT_FACTOR
        return iter(sets)

    monkeypatch.setattr(contradiction, "marco", enumerated)
    ctx = context(instrument(PAIRS))
    ctx.max_findings = cap
    return contradiction.run(ctx)


def test_the_set_listed_first_in_the_report_says_how_many_were_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The enumeration finds c+d first, but the report lists a+b first (its clause comes
    first in the text): the note goes on a+b, and every set carries the count."""
    found = contradictions(monkeypatch, [(["c", "d"], True, ""), (["a", "b"], True, ""), (["e", "f"], True, "")])
    assert [[c.id for c in f.clauses] for f in found] == [["c", "d"], ["a", "b"]]
    assert [f.message for f in found] == [
        "C (c) and D (d) cannot all be respected: no world complies with them together",
        (
            "A (a) and B (b) cannot all be respected: no world complies with them together (2 of 3 minimal sets of "
            "contradictory clauses shown; raise --max-findings to list them all)"
        ),
    ]
    assert [dict(f.details)["sets_shown"] for f in found] == ["2 of 3", "2 of 3"]


@pytest.mark.parametrize(
    ("sets", "count"),
    [
        ([(["a", "b"], True, ""), (["c", "d"], True, "")], "2 of at least 2"),
        ([(["a", "b"], True, ""), (["c", "d"], True, ""), (["e", "f"], True, "")], "2 of at least 3"),
    ],
    ids=["at-the-cap", "past-the-cap"],
)
def test_a_solver_that_gives_up_past_the_cap_makes_the_count_a_lower_bound(
    monkeypatch: pytest.MonkeyPatch, sets: list[tuple[list[str], bool, str]], count: str
) -> None:
    """What was found stands, no `unknown` is added, and the count says "at least": also when
    the solver gives up just after the last set shown (which used to end silently, as if the
    sets shown were all of them)."""
    found = contradictions(monkeypatch, [*sets, ([], False, "canceled")])
    assert [f.kind for f in found] == [FindingKind.CONTRADICTION] * 2
    assert found[0].message == (
        "A (a) and B (b) cannot all be respected: no world complies with them together "
        f"({count} minimal sets of contradictory clauses shown; raise --max-findings to "
        "list more)"
    )
    assert found[1].message == "C (c) and D (d) cannot all be respected: no world complies with them together"
    assert [dict(f.details)["sets_shown"] for f in found] == [count, count]


def test_a_solver_that_gives_up_below_the_cap_is_an_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    found = contradictions(monkeypatch, [(["a", "b"], True, ""), ([], False, "canceled")])
    assert [f.kind for f in found] == [FindingKind.CONTRADICTION, FindingKind.UNKNOWN]
    assert found[0].message == "A (a) and B (b) cannot all be respected: no world complies with them together"
    assert found[1].message == (
        "the solver gave up on the search for further contradictions (canceled); nothing is proved either way"
    )
    assert "sets_shown" not in dict(found[0].details)
