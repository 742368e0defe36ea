"""Conflicts: the findings word for word, the world shown and when none is, the minimal sets that
are contradictions and those that are not, and the reuse of the baseline's answer under a
claimant's readings (mutation testing, docs/trust.md)."""

from __future__ import annotations

from typing import Any

import pytest

from dsl.evaluate import World
from tests.unit.helpers import baseline, clause_sets, context, instrument, run_checks
from verifier import witness
from verifier.checks import conflict
from verifier.findings import Finding, FindingKind, Severity, problem_key
from verifier.qbf import EFResult
from verifier.session import Outcome, Session, Status
from verifier.witness import WitnessError

WORLD = """
party ukraine, russia, usa;
fact war(p: party);
quantity troops(p: party) controlled by p;
act assist(actor: party, to: party);
act strike(actor: party);
term hostile(p: party) { reading ordinary: false; reading russia: true; }
"""
HELP = 'clause help "H" { usa must assist(to: ukraine) when war(ukraine); }\n'
OUT = 'clause out "O" { usa must not assist when war(ukraine); }\n'


def conflicts(text: str, world: str = WORLD) -> list[Finding]:
    return run_checks(world + text, conflict.run)


# The world with a fourth party (for situations of up to four facts).
WITH_UK = WORLD.replace("party ukraine, russia, usa;", "party ukraine, russia, usa, uk;")


def test_one_clause_that_puts_its_party_in_a_dilemma() -> None:
    (f,) = conflicts(
        'clause both "Art. 1" { usa must assist(to: ukraine) when war(ukraine);\n'
        "  usa must not assist when war(ukraine); }\n"
    )
    assert (f.kind, f.severity, f.party) == (FindingKind.CONFLICT, Severity.ERROR, "usa")
    assert f.message == "usa cannot respect Art. 1 (both) when war(ukraine): whatever usa does, it is in breach"
    assert [(c.id, c.role) for c in f.clauses] == [("both", "conflicting")]
    assert f.minimal and f.scenario is not None and f.scenario.facts == ("war(ukraine)",)


def test_two_clauses_word_for_word() -> None:
    (f,) = conflicts(HELP + OUT)
    assert f.message == (
        "usa cannot respect H (help) and O (out) together when war(ukraine): whatever usa does, it breaches one of them"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("help", "conflicting"), ("out", "conflicting")]


def test_a_finding_left_out_of_the_report_gets_no_world() -> None:
    """The minimal world (an Optimize call) is sought only for a finding the report can show."""
    ctx = context(instrument(WORLD + HELP + OUT))
    ctx.hidden = frozenset({problem_key(FindingKind.CONFLICT, ["help", "out"], "usa")})
    (f,) = conflict.run(ctx)
    assert (f.kind, f.party, [c.id for c in f.clauses]) == (FindingKind.CONFLICT, "usa", ["help", "out"])
    assert f.scenario is None


def test_a_set_not_proved_minimal_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from verifier.session import minimise_core as original

    monkeypatch.setattr(conflict, "minimise_core", lambda *args: (original(*args)[0], False))
    (f,) = conflicts(HELP + OUT)
    assert f.kind is FindingKind.CONFLICT and f.minimal is False


def test_the_world_shown_must_show_the_party_in_breach(monkeypatch: pytest.MonkeyPatch) -> None:
    """Emptied, the world has no war: usa breaches nothing, though russia breaches `out` (it
    must strike). The claim is about usa's breach, not anyone's."""
    monkeypatch.setattr(witness, "world_of", lambda session, model, draft: World(frozenset(), {}, frozenset(), draft))
    with pytest.raises(WitnessError, match=r"^conflict of usa"):
        conflicts(HELP + OUT.replace("}", "russia must strike; }"))


def test_the_world_shown_is_checked_under_the_readings() -> None:
    """A dilemma whose condition reads a vague term: the world is re-checked under its reading."""
    cond = "when war(ukraine) and not hostile(ukraine)"
    (f,) = conflicts(HELP.replace("when war(ukraine)", cond) + OUT.replace("when war(ukraine)", cond))
    assert f.message == (
        "usa cannot respect H (help) and O (out) together when war(ukraine): whatever usa does, it breaches one of them"
    )


def test_a_dilemma_of_three_clauses_two_of_which_contradict_through_another_party() -> None:
    """usa cannot respect all of a, b and c when war(ukraine), and no two of them make a
    dilemma for usa. a and b also bind russia to strike and not to: a contradiction, which
    makes a+b+c unsatisfiable with every party's norms but not a minimal such set. So a+b+c
    is no contradiction: it is usa's conflict."""
    text = (
        'clause a "A" { usa must assist(to: ukraine) when war(ukraine); russia must strike; }\n'
        'clause b "B" { usa must keep troops(usa) >= 1 when war(ukraine); russia must not strike; }\n'
        'clause c "C" { usa must not assist when war(ukraine) and troops(usa) >= 1; }\n'
    )
    found = conflicts(text)
    assert [(f.party, [c.id for c in f.clauses]) for f in found] == [("usa", ["a", "b", "c"])]


# Under russia's reading of `hostile`: only the questions whose formulas change are asked again.
CLAIMED: dict[str, str | None] = {"hostile": "russia"}


def claimed(text: str) -> list[Finding]:
    inst = instrument(WORLD + text)
    ctx = context(inst, readings=CLAIMED)
    ctx.baseline = baseline(inst)
    ctx.reading_name = "russia"
    return conflict.run(ctx)


def test_under_a_claimants_readings_a_party_whose_norms_do_not_change_is_not_asked_again() -> None:
    """Only russia's own clause reads the term: usa's dilemma is the baseline's, not asked again."""
    assert claimed(HELP + OUT + 'clause r "R" { russia must not strike when hostile(ukraine); }\n') == []


def test_under_a_claimants_readings_a_change_in_another_partys_norm_of_its_clauses_asks_again() -> None:
    """`z` binds usa to the impossible (no instance of assist is to no one): alone, a
    contradiction. Its russia norm reads the term: under russia's reading, z's clause literal
    changes, so whether a set with z is a contradiction may change, and usa is asked again."""
    found = claimed(
        HELP + OUT + 'clause z "Z" { usa must assist where false; russia must not strike when hostile(ukraine); }\n'
    )
    assert clause_sets(found) == [frozenset({"help", "out"})]


def test_the_claims_of_the_witness(monkeypatch: pytest.MonkeyPatch) -> None:
    from verifier.checks.context import CheckContext

    claims: list[Any] = []
    original = CheckContext.witness

    def recording(self: CheckContext, model: Any, made: Any, **kw: Any) -> Any:
        claims.extend(made)
        return original(self, model, made, **kw)

    monkeypatch.setattr(CheckContext, "witness", recording)
    conflicts(HELP + OUT)
    assert [(type(c).__name__, c.party, c.clauses, c.readings) for c in claims] == [
        ("Breaches", "usa", frozenset({"help", "out"}), {"hostile": "ordinary"})
    ]


def asked(monkeypatch: pytest.MonkeyPatch, text: str, world: str = WORLD) -> tuple[list[Finding], list[list[str]]]:
    """The findings, and the clause sets whose dilemma was asked for, in order."""
    calls: list[list[str]] = []
    original = conflict._dilemma

    def recording(ctx: Any, party: str, clauses: list[str]) -> Any:
        calls.append(list(clauses))
        return original(ctx, party, clauses)

    monkeypatch.setattr(conflict, "_dilemma", recording)
    return conflicts(text, world), calls


def test_a_set_minimal_in_its_situation_is_shrunk_to_one_minimal_in_every_situation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In war(ukraine), usa needs both x and z to be in a dilemma; but x alone is one, in
    war(russia). The conflict reported is x alone. Shrinking tries the clauses in the order of
    the text (z alone is none, x alone is one); z alone, next in the queue, is not asked again."""
    found, calls = asked(
        monkeypatch,
        'clause x "X" { usa must assist(to: ukraine) when war(ukraine) or war(russia);\n'
        "  usa must not assist(to: ukraine) when war(russia); }\n"
        'clause z "Z" { usa must not assist when war(ukraine); }\n',
    )
    assert [f.message for f in found] == [
        "usa cannot respect X (x) when war(russia): whatever usa does, it is in breach"
    ]
    assert calls == [["x", "z"], ["z"], ["x"]]


def test_a_single_clause_is_not_shrunk_and_the_empty_set_is_never_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    found, calls = asked(
        monkeypatch,
        'clause both "Art. 1" { usa must assist(to: ukraine) when war(ukraine);\n'
        "  usa must not assist when war(ukraine); }\n",
    )
    assert clause_sets(found) == [frozenset({"both"})]
    assert calls == [["both"]]


def test_the_clauses_of_a_conflict_are_in_the_order_of_the_text() -> None:
    (f,) = conflicts(OUT.replace("clause out", "clause z_out") + HELP.replace("clause help", "clause a_help"))
    assert [c.id for c in f.clauses] == ["z_out", "a_help"]


def test_under_a_claimants_readings_a_party_not_asked_again_does_not_end_the_check() -> None:
    """russia's norms do not change under its reading; usa's do (art help reads the term), and
    usa is still asked."""
    found = claimed(
        'clause r "R" { russia must not strike; }\n'
        + HELP.replace("when war(ukraine)", "when war(ukraine) or hostile(russia)")
        + OUT
    )
    assert [(f.party, sorted(c.id for c in f.clauses)) for f in found] == [("usa", ["help", "out"])]


def test_a_search_stopped_at_its_limit_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conflict, "MAX_SEARCHES", 1)
    (f,) = conflicts(HELP + OUT)
    assert f.message.endswith("(1 conflicts of usa shown; the search stopped at 1 searches: there may be more)")
    assert dict(f.details)["search_stopped"] == "1 searches"


def test_a_solver_that_gives_up_is_an_unknown_that_cites_the_partys_clauses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conflict, "_dilemma", lambda ctx, party, clauses: "canceled")
    found = conflicts('clause r "R" { russia must not strike; }\n' + HELP + OUT)
    assert [(f.kind, f.message, [c.id for c in f.clauses]) for f in found] == [
        (
            FindingKind.UNKNOWN,
            "the solver gave up on the conflict check for russia (canceled); nothing is proved either way",
            ["r"],
        ),
        (
            FindingKind.UNKNOWN,
            "the solver gave up on the conflict check for usa (canceled); nothing is proved either way",
            ["help", "out"],
        ),
    ]


def test_the_search_asks_no_more_than_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conflict, "MAX_SEARCHES", 1)
    _, calls = asked(monkeypatch, HELP + OUT)
    # one search, and the shrinking of what it found (in the order of the solver's core)
    assert calls[0] == ["help", "out"] and sorted(calls[1:]) == [["help"], ["out"]]


def test_a_search_stopped_at_max_findings_says_so() -> None:
    ctx = context(instrument(WORLD + HELP + OUT))
    ctx.max_findings = 1
    (f,) = conflict.run(ctx)
    assert f.message.endswith("(1 conflicts of usa shown; the search stopped at --max-findings: there may be more)")


def test_a_set_that_shrinks_twice_is_reported_minimal_in_every_situation(monkeypatch: pytest.MonkeyPatch) -> None:
    """When war(ukraine), usa needs a, b and c to be in a dilemma; a and b make one when
    war(uk) too, a and c when war(usa), and a alone when war(russia) and war(uk): the set is
    shrunk twice, to a alone, and no larger set is reported."""
    found, calls = asked(
        monkeypatch,
        'clause a "A" { usa must assist(to: ukraine) when war(ukraine);\n'
        "  usa must not assist when war(ukraine) and war(russia) and war(uk); }\n"
        'clause b "B" { usa must keep troops(usa) >= 1 when war(ukraine);\n'
        "  usa must not assist when war(ukraine) and war(uk); }\n"
        'clause c "C" { usa must not assist when war(ukraine) and troops(usa) >= 1;\n'
        "  usa must not assist when war(ukraine) and war(usa); }\n",
        WITH_UK,
    )
    assert [(f.party, [c.id for c in f.clauses]) for f in found] == [("usa", ["a"])]
    assert found[0].message == (
        "usa cannot respect A (a) when war(ukraine) and war(russia) and war(uk): whatever usa does, it is in breach"
    )
    assert len(calls) == len({frozenset(c) for c in calls})


# Four clauses, four conflicts of two: a+d when war(usa) (the smallest situation, naming usa,
# so found first), d+e when war(ukraine), a+b when war(russia), and a+e only when war(ukraine)
# and war(uk). The search from a+b+d+e asks b+d+e (d+e), a+b+e (a+b, with one fact), then b+e
# and b+d (none), b+e again (from a+b+e), and a+e.
FOUR = (
    'clause a "A" { usa must strike when war(usa) or war(russia) or (war(ukraine) and war(uk)); }\n'
    'clause b "B" { usa must not strike when war(russia); }\n'
    'clause d "D" { usa must not strike when war(usa); usa must assist(to: ukraine) when war(ukraine); }\n'
    'clause e "E" { usa must not assist when war(ukraine); usa must not strike when war(ukraine) and war(uk); }\n'
)


def test_the_search_goes_on_past_a_set_with_no_dilemma_and_a_set_asked_before(monkeypatch: pytest.MonkeyPatch) -> None:
    found, calls = asked(monkeypatch, FOUR, WITH_UK)
    assert [[c.id for c in f.clauses] for f in found] == [["a", "d"], ["d", "e"], ["a", "b"], ["a", "e"]]
    assert found[-1].message == (
        "usa cannot respect A (a) and E (e) together when war(ukraine) and war(uk): "
        "whatever usa does, it breaches one of them"
    )
    searched = [c for c in calls if len(c) > 1]  # (the singletons are the shrinking's)
    assert searched == [["a", "b", "d", "e"], ["b", "d", "e"], ["a", "b", "e"], ["b", "e"], ["b", "d"], ["a", "e"]]


def test_the_search_counts_each_set_it_asks_about(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conflict, "MAX_SEARCHES", 3)
    found = conflicts(FOUR, WITH_UK)
    assert [[c.id for c in f.clauses] for f in found] == [["a", "d"], ["d", "e"], ["a", "b"]]
    assert found[-1].message.endswith("(3 conflicts of usa shown; the search stopped at 3 searches: there may be more)")


def test_a_contradiction_met_twice_is_asked_about_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """p and q bind russia to strike and not to: a contradiction (the contradiction check's),
    and usa's dilemma when war(ukraine). usa's search finds d+e first (when war(usa)), then p+q
    from both d's side and e's: whether p+q is a contradiction is asked once per party."""
    asked_about: list[list[str]] = []
    original = conflict._contradictory

    def recording(ctx: Any, clauses: list[str]) -> bool:
        asked_about.append(list(clauses))
        return original(ctx, clauses)

    monkeypatch.setattr(conflict, "_contradictory", recording)
    found = conflicts(
        'clause p "P" { usa must assist(to: ukraine) when war(ukraine); russia must strike; }\n'
        'clause q "Q" { usa must not assist when war(ukraine); russia must not strike; }\n'
        'clause d "D" { usa must strike when war(usa); }\n'
        'clause e "E" { usa must not strike when war(usa); }\n'
    )
    assert [(f.party, [c.id for c in f.clauses]) for f in found] == [("usa", ["d", "e"])]
    # russia's search asks about p+q once; usa's about d+e, then p+q (from the side without d)
    assert asked_about == [["p", "q"], ["d", "e"], ["p", "q"]]


def test_a_solver_that_gives_up_while_shrinking_is_an_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first search finds help+out; the solver gives up on the smaller sets."""
    original = conflict._dilemma
    calls: list[list[str]] = []

    def giving_up(ctx: Any, party: str, clauses: list[str]) -> Any:
        calls.append(clauses)
        return original(ctx, party, clauses) if len(calls) == 1 else "canceled"

    monkeypatch.setattr(conflict, "_dilemma", giving_up)
    found = conflicts(HELP + OUT)
    assert [(f.kind, f.message, [c.id for c in f.clauses]) for f in found] == [
        (
            FindingKind.UNKNOWN,
            "the solver gave up on the conflict check for usa (canceled); nothing is proved either way",
            ["help", "out"],
        )
    ]


def test_a_search_that_gives_up_is_an_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conflict, "exists_forall", lambda *args, **kw: EFResult("unknown", reason="canceled"))
    found = conflicts(HELP + OUT)
    assert [(f.kind, f.message, [c.id for c in f.clauses]) for f in found] == [
        (
            FindingKind.UNKNOWN,
            "the solver gave up on the conflict check for usa (canceled); nothing is proved either way",
            ["help", "out"],
        )
    ]


def test_the_situation_shown_is_the_smallest_of_the_whole_search() -> None:
    """The dilemma arises with one fact (war(usa)) or with three (war of the others): the
    situation shown has the one, whichever the search met first."""
    pressed = "(war(ukraine) and war(russia) and war(uk)) or war(usa)"
    (f,) = conflicts(HELP.replace("war(ukraine)", pressed) + OUT.replace("war(ukraine)", pressed), WITH_UK)
    assert f.scenario is not None and (f.scenario.facts, f.scenario.acts) == (("war(usa)",), ())


def test_a_dilemma_through_the_stated_situation_is_found() -> None:
    """The world says usa does not strike while russia is at war: usa, bound to strike when
    ukraine is, cannot comply when both are. A choice that complies in another situation
    (usa strikes, russia at peace) rules out only the situations where it is still lawful."""
    (f,) = conflicts(
        'assume strike(usa) implies not war(russia);\nclause c1 "C1" { usa must strike when war(ukraine); }\n'
    )
    assert f.message == (
        "usa cannot respect C1 (c1) when war(ukraine) and war(russia): whatever usa does, it is in breach"
    )


def test_the_world_shown_leaves_free_a_figure_the_dilemma_does_not_need() -> None:
    """troops(uk) is part of the situation (the world names it) but the dilemma does not need
    it: the world shown leaves it to the minimal choice, in which usa does not wave."""
    (f,) = conflicts(
        "act wave(actor: party);\n"
        "assume troops(uk) >= 2 implies wave(usa);\n"
        'clause a "A" { usa must assist(to: ukraine) when troops(russia) >= 3; }\n'
        'clause b "B" { usa must not assist when troops(russia) >= 2; }\n',
        WITH_UK,
    )
    assert f.scenario is not None and f.scenario.acts == ()
    assert [name for name, _ in f.scenario.quantities] == ["troops(russia)"]


def test_a_solver_that_gives_up_on_the_situations_core_shows_the_whole_situation(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Which figures force the dilemma is not known: the world shown keeps all of them."""
    original = Session.check

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label == "conflict: situation core":
            return Outcome(Status.UNKNOWN, reason="canceled")
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    (f,) = conflicts(
        'clause a "A" { usa must assist(to: ukraine) when troops(russia) >= 3;\n'
        "  usa must assist(to: uk) when troops(uk) >= 2; }\n"
        'clause b "B" { usa must not assist when troops(russia) >= 2; }\n',
        WITH_UK,
    )
    assert f.kind is FindingKind.CONFLICT and f.scenario is not None
    assert "troops(russia)" in dict(f.scenario.quantities)


def test_with_room_for_one_conflict_the_first_clauses_of_the_text_are_listed() -> None:
    """Two dilemmas in the same situation: z1+z2 come first in the text, a1+a2 first by name."""
    ctx = context(
        instrument(
            WORLD + 'clause z1 "Z1" { usa must strike when war(usa); }\n'
            'clause z2 "Z2" { usa must not strike when war(usa); }\n'
            'clause a1 "A1" { usa must assist(to: ukraine) when war(usa); }\n'
            'clause a2 "A2" { usa must not assist when war(usa); }\n'
        )
    )
    ctx.max_findings = 1
    (f,) = conflict.run(ctx)
    assert [c.id for c in f.clauses] == ["z1", "z2"]


def test_a_dilemma_over_figures_found_by_the_quantified_question_reads_the_draft() -> None:
    """usa must keep personnel(usa) equal to russia's threat, and at most 100 in the base draft
    only. Refuting one threat at a time never ends, so past 20 rounds Z3 is asked the question
    whole (a `forall` over usa's choices): in the base draft a threat over 100 is a dilemma,
    though in russia's draft none is."""
    text = (
        "party ukraine, russia, usa;\n"
        "quantity personnel(p: party) controlled by p;\n"
        "quantity threat(p: party) controlled by p;\n"
        'clause a "A" { usa must keep personnel(usa) == threat(russia); }\n'
        'clause b "B" { usa must keep personnel(usa) <= 100 when [base: true | russia: false]; }\n'
    )
    (f,) = conflict.run(context(instrument(text)))
    assert (f.kind, f.party, [c.id for c in f.clauses]) == (FindingKind.CONFLICT, "usa", ["a", "b"])
    assert f.scenario is not None and dict(f.scenario.quantities)["threat(russia)"] > 100
    assert conflict.run(context(instrument(text), draft=dict.fromkeys(instrument(text).brackets, "russia"))) == []
