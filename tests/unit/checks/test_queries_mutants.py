"""The spec's own queries (verifier.checks.queries): `expect` and `assert no` matched against
findings, and `assert` and `scenario` asked of the solver: their findings and expectations
word for word, the `unknown`s, the witness's claims and the queries' names. Written to kill
the mutants that survived the tests before (docs/trust.md, "Mutation testing")."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from tests.unit.helpers import context, instrument
from verifier import minimal
from verifier import session as session_module
from verifier.budget import BudgetExhausted
from verifier.checks import queries
from verifier.checks.context import CheckContext
from verifier.checks.queries import apply_expectations, matches, run_properties
from verifier.findings import ClauseRef, Expectation, Finding, FindingKind, Severity
from verifier.pipeline import Options, run
from verifier.session import Outcome, Session, Status

WORLD = """
instrument t "t";
party ukraine, russia, usa;
act attack(actor: party, on: other party);
act consult(actor: party);
clause art2 "Art. 2" { each p in {russia, usa} must not attack(on: ukraine); }
clause art4 "Art. 4" { usa must consult when breached(art2, by: russia); }
clause art5 "Art. 5" { usa may consult; }
"""
PROPERTIES = """scenario attack: attack(russia, ukraine);
scenario consults: consult(usa);
scenario nothing_at_all: attack(russia, ukraine) and not attack(russia, ukraine);
scenario during: attack(usa, ukraine) while russia breaches art2;
scenario during_none: attack(russia, ukraine) and not attack(russia, ukraine) while russia breaches art2;
scenario during_ok: attack(russia, ukraine) while russia breaches art2;
assert peace: not attack(russia, ukraine);
assert quiet: not consult(usa);
assert answered: consult(usa) while russia breaches art2;
assert unanswered: not consult(usa) while russia breaches art2;
"""
DURING = "world where russia breaches art2 and everyone else complies"


def properties(text: str = WORLD + PROPERTIES) -> tuple[list[Finding], list[Expectation]]:
    return run_properties(context(instrument(text)))


def test_each_assert_and_scenario_is_answered_word_for_word() -> None:
    findings, expectations = properties()
    assert [(e.line, e.statement, e.met, e.detail, e.skipped) for e in expectations] == [
        (9, "scenario attack", False, "no compliant world: ruled out by Art. 2 (art2)", False),
        (10, "scenario consults", True, "a compliant world exists", False),
        (11, "scenario nothing_at_all", False, "no world of the stated situation has it", False),
        (12, "scenario during", False, f"no {DURING}: ruled out by Art. 2 (art2)", False),
        (
            13,
            "scenario during_none",
            False,
            "no world of the stated situation has it where russia breaches art2",
            False,
        ),
        (14, "scenario during_ok", True, f"a {DURING} exists", False),
        (15, "assert peace", True, "holds in every compliant world", False),
        (16, "assert quiet", False, "counterexample found", False),
        (17, "assert answered", True, f"holds in every {DURING}", False),
        (18, "assert unanswered", False, "counterexample found", False),
    ]
    assert all(e.file == "t.nv" for e in expectations)
    assert [
        (f.kind, f.severity, f.file, f.message, [(c.id, c.role) for c in f.clauses], f.details) for f in findings
    ] == [
        (
            FindingKind.EXPECTATION_FAILED,
            Severity.ERROR,
            "t.nv",
            "`scenario attack` failed: no compliant world: ruled out by Art. 2 (art2)",
            [("art2", "ruling out")],
            (("statement", "scenario attack"), ("line", 9)),
        ),
        (
            FindingKind.EXPECTATION_FAILED,
            Severity.ERROR,
            "t.nv",
            "`scenario nothing_at_all` failed: no world of the stated situation has it",
            [],
            (("statement", "scenario nothing_at_all"), ("line", 11)),
        ),
        (
            FindingKind.EXPECTATION_FAILED,
            Severity.ERROR,
            "t.nv",
            f"`scenario during` failed: no {DURING}: ruled out by Art. 2 (art2)",
            [("art2", "ruling out")],
            (("statement", "scenario during"), ("line", 12)),
        ),
        (
            FindingKind.EXPECTATION_FAILED,
            Severity.ERROR,
            "t.nv",
            "`scenario during_none` failed: no world of the stated situation has it where russia breaches art2",
            [],
            (("statement", "scenario during_none"), ("line", 13)),
        ),
        (
            FindingKind.EXPECTATION_FAILED,
            Severity.ERROR,
            "t.nv",
            "`assert quiet` failed: a compliant world violates it",
            [],
            (("statement", "assert quiet"), ("line", 16)),
        ),
        (
            FindingKind.EXPECTATION_FAILED,
            Severity.ERROR,
            "t.nv",
            f"`assert unanswered` failed: a {DURING} violates it",
            [],
            (("statement", "assert unanswered"), ("line", 18)),
        ),
    ]
    scenarios = [f.scenario for f in findings]
    assert scenarios[:4] == [None] * 4 and all(f.minimal for f in findings)
    assert scenarios[4] is not None and scenarios[4].acts == ("consult(usa)",) and scenarios[4].minimal
    assert scenarios[5] is not None and scenarios[5].acts == ("attack(russia, ukraine)", "consult(usa)")


def test_in_a_draft_the_statements_say_which() -> None:
    drafted = WORLD.replace(
        "when breached(art2, by: russia)", "when [base: breached(art2, by: russia) | russia: false]"
    )
    findings, expectations = properties(drafted + PROPERTIES)
    assert expectations[0].statement == "scenario attack in draft base"
    assert expectations[-1].statement == "assert unanswered in draft base"
    assert (
        findings[0].message == "`scenario attack` failed in draft base: no compliant world: ruled out by Art. 2 (art2)"
    )
    assert findings[0].draft == "base"
    quiet = next(f for f in findings if "quiet" in f.message)
    assert quiet.message == "`assert quiet` failed in draft base: a compliant world violates it"


@pytest.mark.parametrize("statement", ["scenario attack", "assert quiet", "assert answered"])
def test_a_solver_that_gives_up_on_a_statement_is_an_unknown_and_the_next_is_still_asked(
    monkeypatch: pytest.MonkeyPatch, statement: str
) -> None:
    original = Session.check

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label == statement:
            return Outcome(Status.UNKNOWN, reason="canceled")
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    findings, expectations = properties()
    (unknown,) = [f for f in findings if f.kind is FindingKind.UNKNOWN]
    assert (unknown.severity, unknown.clauses) == (Severity.WARNING, ())
    assert unknown.message == f"the solver gave up on `{statement}` (canceled); nothing is proved either way"
    (e,) = [e for e in expectations if e.statement == statement]
    line = {"scenario attack": 9, "assert quiet": 16, "assert answered": 17}[statement]
    assert (e.file, e.line, e.met, e.detail) == ("t.nv", line, False, "unknown")
    assert len(expectations) == 10  # the others are still asked


def test_a_run_out_of_time_leaves_the_statement_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Session.check

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label == "assert quiet":
            raise BudgetExhausted("the time budget of 1 s is spent")
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    findings, expectations = properties()
    (unknown,) = [f for f in findings if f.kind is FindingKind.UNKNOWN]
    assert unknown.message == (
        "the solver gave up on `assert quiet` (the time budget of 1 s is spent); nothing is proved either way"
    )
    assert unknown.clauses == ()
    (e,) = [e for e in expectations if e.statement == "assert quiet"]
    assert (e.line, e.met, e.detail, e.file) == (16, False, "unknown", "t.nv")
    assert len(expectations) == 10


def test_a_counterexample_that_cannot_be_read_is_an_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "witness", lambda session, lits: (None, False))
    findings, expectations = properties(WORLD + "assert quiet: not consult(usa);\nassert peace: true;\n")
    (f,) = findings
    assert (f.kind, f.severity, f.clauses) == (FindingKind.UNKNOWN, Severity.WARNING, ())
    assert f.message == (
        "the solver gave up on `assert quiet` (no counterexample could be read); nothing is proved either way"
    )
    assert [(e.file, e.line, e.statement, e.met, e.detail) for e in expectations] == [
        ("t.nv", 9, "assert quiet", False, "unknown"),
        ("t.nv", 10, "assert peace", True, "holds in every compliant world"),
    ]


def test_a_counterexample_not_proved_minimal_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    original = minimal.witness  # what queries imports as witness, the function replaced below
    monkeypatch.setattr(queries, "witness", lambda session, lits: (original(session, lits)[0], False))
    (f,), _ = properties(WORLD + "assert quiet: not consult(usa);\n")
    assert f.scenario is not None and f.scenario.minimal is False


def test_a_scenario_ruled_out_by_a_core_not_proved_minimal_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    original = session_module.minimise_core  # what queries imports as minimise_core, the function replaced below
    monkeypatch.setattr(queries, "minimise_core", lambda *a: (original(*a)[0], False))
    (f,), _ = properties(WORLD + "scenario attack: attack(russia, ukraine);\n")
    assert f.minimal is False


def test_the_world_shown_is_checked_against_every_claim_of_the_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    claimed: list[tuple[Any, ...]] = []
    original = CheckContext.witness

    def recording(self: CheckContext, model: Any, claims: Any, **kw: Any) -> Any:
        claims = list(claims)
        claimed.append(
            (
                kw["what"],
                [
                    (
                        type(c).__name__,
                        getattr(c, "what", None),
                        getattr(c, "expected", None),
                        c.readings == self.readings,
                    )
                    for c in claims
                ],
            )
        )
        return original(self, model, claims, **kw)

    monkeypatch.setattr(CheckContext, "witness", recording)
    properties(
        WORLD + "assert quiet: not consult(usa);\nassert unanswered: not consult(usa) while russia breaches art2;\n"
    )
    assert claimed == [
        (
            "counterexample to assert quiet",
            [("Complies", None, None, True), ("Holds", "the assertion quiet", False, True)],
        ),
        (
            "counterexample to assert unanswered",
            [
                ("CompliesExcept", None, None, True),
                ("Holds", "the breaches after `while`", True, True),
                ("Holds", "the assertion unanswered", False, True),
            ],
        ),
    ]


def test_the_queries_are_named_after_their_statements(tmp_path: Path) -> None:
    spec = tmp_path / "t.nv"
    spec.write_text(
        WORLD + "assert unanswered: not consult(usa) while russia breaches art2;\n"
        "scenario attack: attack(russia, ukraine);\n",
        encoding="utf-8",
    )
    run([spec], Options(smt2_dir=tmp_path / "smt2", jobs=1))
    scripts = {
        s.read_text(encoding="utf-8").splitlines()[0].rsplit(": ", 1)[-1]: s.read_text(encoding="utf-8")
        for s in sorted((tmp_path / "smt2").glob("*.smt2"))
    }
    assert "|assert unanswered|" in scripts["assert unanswered"]
    assert "|assert unanswered: the breaches|" in scripts["assert unanswered"]
    assert "|scenario attack|" in scripts["scenario attack"]


# ---- expect and assert no ------------------------------------------------------------------------


def finding(kind: FindingKind, clauses: tuple[str, ...] = ("art5",), **kw: Any) -> Finding:
    refs = tuple(ClauseRef(c, c, "t.nv", 1, 1, None) for c in clauses)
    return Finding(
        kind, Severity.WARNING, kw.pop("message", f"{kind.value} on {', '.join(clauses)}"), "t.nv", refs, **kw
    )


def test_expect_marks_what_it_matches_and_assert_no_fails_on_it() -> None:
    inst = instrument(WORLD + "expect hollow-permission on art5 by usa;\nassert no conflict by usa;\n")
    hollow = finding(FindingKind.HOLLOW_PERMISSION, party="usa")
    conflicts = [
        finding(FindingKind.CONFLICT, ("art2", "art4"), party="usa", message=f"conflict {i}") for i in range(3)
    ]
    other = finding(FindingKind.CONFLICT, ("art2",), party="russia")
    marked, expectations = apply_expectations(inst, [hollow, *conflicts, other])
    assert [f.expected for f in marked[:5]] == [True, False, False, False, False]
    assert [(e.line, e.statement, e.met, e.detail) for e in expectations] == [
        (9, "expect hollow-permission on art5 by usa", True, "matched 1 finding"),
        (10, "assert no conflict by usa", False, "3 findings match: conflict 0; conflict 1"),
    ]
    (failure,) = marked[5:]
    assert (failure.kind, failure.severity, failure.file, failure.clauses) == (
        FindingKind.EXPECTATION_FAILED,
        Severity.ERROR,
        "t.nv",
        (),
    )
    assert failure.message == "`assert no conflict by usa` failed: 3 findings match: conflict 0; conflict 1"
    assert failure.details == (("statement", "assert no conflict by usa"), ("line", 10))


def test_the_counts_are_in_the_singular_for_one_and_the_plural_for_more() -> None:
    inst = instrument(
        WORLD + "expect conflict;\nassert no conflict;\nexpect contradiction;\nassert no contradiction;\n"
    )
    one = [finding(FindingKind.CONFLICT, message="only one")]
    two = [finding(FindingKind.CONTRADICTION, message="a"), finding(FindingKind.CONTRADICTION, message="b")]
    _, expectations = apply_expectations(inst, one + two)
    assert [(e.met, e.detail) for e in expectations] == [
        (True, "matched 1 finding"),
        (False, "1 finding match: only one"),
        (True, "matched 2 findings"),
        (False, "2 findings match: a; b"),
    ]
    _, none = apply_expectations(inst, [])
    assert [(e.met, e.detail) for e in none] == [(False, "no finding matches"), (True, "no finding matches")] * 2


def test_a_finding_already_expected_stays_as_it_is() -> None:
    inst = instrument(WORLD + "expect conflict;\n")
    already = dataclasses.replace(finding(FindingKind.CONFLICT), expected=True)
    marked, _ = apply_expectations(inst, [already])
    assert marked[0] is already


def test_a_pattern_matches_on_kind_clauses_party_draft_and_reading() -> None:
    inst = instrument(
        WORLD + "term t(p: party) { reading strict: true; }\n"
        "expect hollow-permission on art5 by usa in draft russia under reading strict;\n"
    )
    (q,) = inst.queries
    good = finding(
        FindingKind.HOLLOW_PERMISSION, ("art5", "art4"), party="usa", draft="russia", details=(("reading", "strict"),)
    )
    assert matches(q, good)
    assert not matches(q, dataclasses.replace(good, kind=FindingKind.CONFLICT))
    assert not matches(q, dataclasses.replace(good, clauses=good.clauses[1:]))
    assert not matches(q, dataclasses.replace(good, party="russia"))
    assert matches(q, dataclasses.replace(good, party="russia", coalition=("russia", "usa")))
    assert not matches(q, dataclasses.replace(good, coalition=("russia", "ukraine")))
    assert matches(q, dataclasses.replace(good, party="russia", merged=("russia", "usa"), merged_on="party"))
    assert not matches(q, dataclasses.replace(good, draft="base"))
    assert matches(q, dataclasses.replace(good, draft="base", drafts=("base", "russia")))
    assert not matches(q, dataclasses.replace(good, draft=None))
    assert not matches(q, dataclasses.replace(good, details=(("reading", "russia"),)))
    assert matches(q, dataclasses.replace(good, details=(), readings=(("t", "strict"),)))
    assert not matches(q, dataclasses.replace(good, details=(), readings=(("t", "ordinary"),)))


def test_a_pattern_without_a_draft_or_a_reading_matches_any_and_base_is_the_draft_of_none() -> None:
    inst = instrument(WORLD + "expect conflict;\nexpect conflict in draft base;\n")
    anything, base = inst.queries
    plain = finding(FindingKind.CONFLICT, readings=(("t", "strict"),), details=(("reading", "x"),))
    assert matches(anything, plain) and matches(base, plain)
    assert not matches(base, dataclasses.replace(plain, draft="russia"))


def test_expectations_about_drafts_not_checked_are_skipped_and_say_which_were() -> None:
    inst = instrument(
        WORLD + "expect conflict in draft russia;\nassert no conflict in draft ukraine;\n"
        "expect conflict in draft base;\nexpect conflict;\n"
    )
    _, expectations = apply_expectations(inst, [finding(FindingKind.CONFLICT)], checked={"usa", "base"})
    assert [(e.line, e.statement, e.met, e.detail, e.skipped) for e in expectations] == [
        (9, "expect conflict in draft russia", False, "draft russia was not checked (--draft chose base, usa)", True),
        (
            10,
            "assert no conflict in draft ukraine",
            False,
            "draft ukraine was not checked (--draft chose base, usa)",
            True,
        ),
        (11, "expect conflict in draft base", True, "matched 1 finding", False),
        (12, "expect conflict", True, "matched 1 finding", False),
    ]


def test_an_assert_no_that_an_unknown_may_concern_is_undecided() -> None:
    inst = instrument(WORLD + "assert no conflict on art2;\nassert no conflict on art4;\nassert no conflict;\n")
    about_art2 = finding(FindingKind.UNKNOWN, ("art2",), message="gave up on art2")
    marked, expectations = apply_expectations(inst, [about_art2])
    assert [(e.met, e.detail) for e in expectations] == [
        (False, "undecided: gave up on art2"),
        (True, "no finding matches"),
        (False, "undecided: gave up on art2"),
    ]
    assert [f.message for f in marked[1:]] == [
        "`assert no conflict on art2` failed: undecided: gave up on art2",
        "`assert no conflict` failed: undecided: gave up on art2",
    ]
    anywhere = finding(FindingKind.UNKNOWN, (), message="gave up")
    _, expectations = apply_expectations(inst, [anywhere])
    assert [e.detail for e in expectations] == ["undecided: gave up"] * 3


def test_the_findings_are_merged_once_marked_and_the_failures_come_after() -> None:
    inst = instrument(WORLD + "expect conflict by usa;\nassert no contradiction;\n")
    found = [finding(FindingKind.CONFLICT, party="usa"), finding(FindingKind.CONTRADICTION, message="c")]
    merged_from: list[list[Finding]] = []

    def merge(fs: list[Finding]) -> list[Finding]:
        merged_from.append(fs)
        return fs[:1]

    marked, expectations = apply_expectations(inst, found, merge=merge)
    assert [[(f.kind, f.expected) for f in fs] for fs in merged_from] == [
        [(FindingKind.CONFLICT, True), (FindingKind.CONTRADICTION, False)]
    ]
    assert [(f.kind, f.expected) for f in marked] == [(FindingKind.CONFLICT, True)]
    assert [(e.met, e.detail) for e in expectations] == [(True, "matched 1 finding"), (True, "no finding matches")]


def test_a_statement_about_a_draft_not_checked_marks_nothing_before_the_merge() -> None:
    inst = instrument(WORLD + "expect conflict in draft russia;\n")
    found = [finding(FindingKind.CONFLICT, draft="russia")]
    marked, expectations = apply_expectations(inst, found, checked={"base"}, merge=lambda fs: fs)
    assert [f.expected for f in marked] == [False]
    assert [(e.met, e.skipped) for e in expectations] == [(False, True)]


def test_a_skipped_expectation_names_its_file_and_line() -> None:
    inst = instrument(WORLD + "expect conflict in draft russia;\n")
    _, expectations = apply_expectations(inst, [], checked={"base"})
    assert [(e.file, e.line, e.skipped) for e in expectations] == [("t.nv", 9, True)]


def test_the_statements_after_an_expect_or_assert_no_are_still_asked() -> None:
    findings, expectations = properties(
        WORLD + "expect conflict;\nscenario consults: consult(usa);\nassert no conflict;\nassert quiet: not consult(usa);\n"
    )
    assert [(e.line, e.statement, e.met) for e in expectations] == [
        (10, "scenario consults", True),
        (12, "assert quiet", False),
    ]
    assert [f.message for f in findings] == ["`assert quiet` failed: a compliant world violates it"]
