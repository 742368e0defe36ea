"""Unanswered deadlines: the findings word for word, the clauses that answer a breach or
only allow an answer, and the `unknown`s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.helpers import run_checks
from verifier import minimal
from verifier.checks import unanswered_deadline
from verifier.checks.context import CheckContext
from verifier.findings import FindingKind, Severity
from verifier.pipeline import Options, run
from verifier.session import Outcome, Session, Status

ROOT = Path(__file__).resolve().parents[3]

WORLD = """instrument t "T";
time day 0..3;
party neutral, belligerent, third;
group watchers = {neutral, third};
fact enters_port(ship_of: party, port_of: other party) controlled by ship_of;
fact asked(p: party) controlled by p;
act leave_port(actor: party, port_of: other party);
act intern(actor: party, ship_of: other party);
clause art12 "Art. 12" { belligerent must leave_port(port_of: neutral) within 1 of enters_port(belligerent, neutral); }
"""
ALLOWS = 'clause art24 "Art. 24" { neutral may intern(ship_of: belligerent) when since breached(art12, by: belligerent); }\n'
ANSWERS = ('clause art25 "Art. 25" { each x in watchers must intern(ship_of: belligerent) '
           'when breached(art12, by: belligerent) and asked(x); }\n')


def test_a_miss_that_one_clause_could_answer_and_one_allows_to_answer() -> None:
    (f,) = run_checks(WORLD + ALLOWS + ANSWERS, unanswered_deadline.run)
    assert (f.kind, f.severity, f.party) == (FindingKind.UNANSWERED_DEADLINE, Severity.WARNING, "belligerent")
    assert f.message == ("if belligerent misses the deadline of Art. 12 (art12) (leave_port within 1 day), no clause "
                         "obliges anyone to do anything about it; Art. 25 (art25) answers a breach of it, but not "
                         "this one; Art. 24 (art24) allows an answer, but obliges none")
    assert [(c.id, c.role) for c in f.clauses] == [("art12", "deadline"), ("art25", "answers a breach"),
                                                   ("art24", "allows an answer")]
    assert f.details == (("deadline", 0), ("within", 1), ("answered_by", ("art25",)))
    assert f.scenario is not None and f.scenario.facts == ("enters_port(belligerent, neutral) at day 0",)


def test_several_clauses_that_answer_or_allow_are_named_in_the_plural() -> None:
    """A clause that both allows and obliges an answer (`art26`, the permission first) is
    named once, among those that answer."""
    more = ('clause art26 "Art. 26" { neutral may leave_port(port_of: belligerent) when breached(art12, by: belligerent);\n'
            '  third must intern(ship_of: belligerent) when breached(art12, by: belligerent) and asked(third); }\n'
            'clause art27 "Art. 27" { third may intern(ship_of: belligerent) when breached(art12, by: belligerent); }\n')
    (f,) = run_checks(WORLD + ALLOWS + ANSWERS + more, unanswered_deadline.run)
    assert f.message == ("if belligerent misses the deadline of Art. 12 (art12) (leave_port within 1 day), no clause "
                         "obliges anyone to do anything about it; Art. 25 (art25) and Art. 26 (art26) answer a breach "
                         "of it, but not this one; Art. 24 (art24), Art. 26 (art26) and Art. 27 (art27) allow an "
                         "answer, but oblige none")
    assert [(c.id, c.role) for c in f.clauses] == [("art12", "deadline"), ("art25", "answers a breach"),
                                                   ("art26", "answers a breach"), ("art24", "allows an answer"),
                                                   ("art27", "allows an answer")]
    assert f.details == (("deadline", 0), ("within", 1), ("answered_by", ("art25", "art26")))


def test_a_miss_that_someone_must_answer_is_no_finding() -> None:
    answered = ('clause art25 "Art. 25" { each x in watchers must intern(ship_of: belligerent) '
                'when breached(art12, by: belligerent); }\n')
    assert run_checks(WORLD + answered, unanswered_deadline.run) == []


def test_a_deadline_left_out_of_the_report_does_not_end_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CheckContext, "reported", lambda self, clause_ids: list(clause_ids) != ["art11"])
    first = ('clause art11 "Art. 11" { belligerent must leave_port(port_of: third) '
             'within 1 of enters_port(belligerent, third); }\n')
    findings = run_checks(WORLD.replace('clause art12', first + 'clause art12'), unanswered_deadline.run)
    assert [(f.party, [c.id for c in f.clauses]) for f in findings] == [("belligerent", ["art12"])]


def test_a_solver_that_gives_up_is_an_unknown_that_says_where(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Session.check

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label == "unanswered-deadline: can belligerent miss the deadline of art12 unanswered?":
            return Outcome(Status.UNKNOWN, reason="canceled")
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    (f,) = run_checks(WORLD, unanswered_deadline.run)
    assert (f.kind, f.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert f.message == ("the solver gave up on whether a miss of the deadline in art12 by belligerent is answered "
                         "(canceled); nothing is proved either way")
    assert [(c.id, c.role) for c in f.clauses] == [("art12", "deadline")]


def test_a_world_that_cannot_be_read_is_an_unknown_that_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(unanswered_deadline, "witness", lambda session, lits: (None, False))
    (f,) = run_checks(WORLD, unanswered_deadline.run)
    assert (f.kind, f.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert f.message == ("the solver gave up on a scenario of belligerent missing the deadline in art12 "
                         "(no witness could be read); nothing is proved either way")
    assert [(c.id, c.role) for c in f.clauses] == [("art12", "deadline")]
    assert f.details == (("reason", "no witness could be read"),)


def test_the_query_names_its_question_and_its_parts(tmp_path: Path) -> None:
    run([ROOT / "examples" / "32_unanswered_deadline.nv"], Options(smt2_dir=tmp_path, jobs=1))
    scripts = [s.read_text(encoding="utf-8") for s in sorted(tmp_path.glob("*.smt2"))]
    (script,) = [s for s in scripts if "unanswered-deadline:" in s.splitlines()[0]]
    assert script.splitlines()[0].endswith("unanswered-deadline: can belligerent miss the deadline of art12 unanswered?")
    for name in ("deadline of art12 missed by belligerent", "everyone but belligerent complies",
                 "no answer to a breach of art12"):
        assert f"|{name}|" in script, name


def test_a_deadline_with_one_instance() -> None:
    """Over days 0 and 1, a deadline of one day can be owed only from day 0: one instance."""
    (f,) = run_checks(WORLD.replace("time day 0..3;", "time day 0..1;"), unanswered_deadline.run)
    assert f.message == ("if belligerent misses the deadline of Art. 12 (art12) (leave_port within 1 day), no clause "
                         "obliges anyone to do anything about it")
    assert f.details == (("deadline", 0), ("within", 1), ("answered_by", ()))


def test_the_world_shown_is_checked_against_every_claim_of_the_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    claimed: set[tuple[Any, ...]] = set()
    original = CheckContext.witness

    def recording(self: CheckContext, model: Any, claims: Any, **kw: Any) -> Any:
        claims = list(claims)
        claimed.update((type(c).__name__, getattr(c, "what", None), getattr(c, "expected", None),
                        tuple(getattr(c, "env", {}).values()), c.readings == self.readings) for c in claims)
        return original(self, model, claims, **kw)

    monkeypatch.setattr(CheckContext, "witness", recording)
    (f,) = run_checks(WORLD + ANSWERS, unanswered_deadline.run)
    assert f.kind is FindingKind.UNANSWERED_DEADLINE
    # (an answering norm is one per step, each with its own variable: the claims, as a set)
    assert claimed == {("BreachesClause", None, None, (), True), ("Complies", None, None, (), True),
                       ("Holds", "no answer by neutral", False, ("neutral",), True),
                       ("Holds", "no answer by third", False, ("third",), True)}


def test_a_world_not_proved_minimal_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    original = minimal.witness  # what unanswered_deadline imports as witness, the function replaced below
    monkeypatch.setattr(unanswered_deadline, "witness", lambda session, lits: (original(session, lits)[0], False))
    (f,) = run_checks(WORLD, unanswered_deadline.run)
    assert f.scenario is not None and f.scenario.minimal is False
