"""verifier.checks.blocked_permission, vetoed permissions: the findings word for word, alone and
together, the `unknown`s, the world shown and the claims it is checked against."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dsl import load
from tests.unit.helpers import context, give_up_once, instrument, purposes_asked, run_checks, search_rounds
from verifier import qbf
from verifier.checks import blocked_permission, hollow_permission
from verifier.checks.context import CheckContext
from verifier.findings import Finding, FindingKind, Severity, problem_key
from verifier.pipeline import Options, run
from verifier.qbf import QUANTIFIED_AFTER, EFResult
from verifier.session import Outcome, Session

ROOT = Path(__file__).resolve().parents[3]

WORLD = """
party ukraine, russia, usa;
fact consents(g: party) controlled by g;
fact war();
act hold(actor: party, with: party);
"""
RUSSIA = (
    'clause art4 "Art. 4" { ukraine may hold(with: usa) when consents(russia);'
    " ukraine must not hold(with: usa) unless consents(russia); }\n"
)
BOTH = (
    'clause art5 "Art. 5" { ukraine may hold(with: russia) when consents(russia) and consents(usa);'
    " ukraine must not hold(with: russia) unless consents(russia) and consents(usa); }\n"
)
EITHER = (
    'clause art6 "Art. 6" { ukraine may hold(with: russia) when consents(russia) or consents(usa);'
    " ukraine must not hold(with: russia) unless consents(russia) or consents(usa); }\n"
)


def vetoes(text: str, **limits: Any) -> list[Finding]:
    return run_checks(WORLD + text, blocked_permission.run)


def test_a_veto_by_one_party_alone() -> None:
    (f,) = vetoes(RUSSIA)
    assert (f.kind, f.severity, f.party, f.coalition) == (FindingKind.HOLLOW_PERMISSION, Severity.WARNING, "russia", ())
    assert f.message == (
        "russia alone can stop ukraine from using Art. 4 (art4) to hold(ukraine, with: usa), by consents(russia) = false"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("art4", "permission")]
    assert f.details == (
        ("act", "hold(ukraine, with: usa)"),
        ("holder", "ukraine"),
        ("choice", "consents(russia) = false"),
        ("veto", True),
    )
    assert f.scenario is not None and (f.scenario.facts, f.scenario.acts) == ((), ())
    assert f.minimal is True


def test_a_veto_by_two_parties_together() -> None:
    (f,) = vetoes(EITHER)
    assert (f.party, f.coalition) == ("russia", ("russia", "usa"))
    assert f.message == (
        "russia and usa together can stop ukraine from using Art. 6 (art6) to hold(ukraine, with: russia), "
        "by consents(russia) = false, consents(usa) = false"
    )
    assert dict(f.details)["choice"] == "consents(russia) = false, consents(usa) = false"


def test_a_solver_that_gives_up_on_a_permission_is_an_unknown_and_the_next_is_still_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    give_up_once(monkeypatch, "vetoed permission: exercisable at all?")
    gave_up, veto = vetoes(RUSSIA + RUSSIA.replace("art4", "art7").replace("Art. 4", "Art. 7"))
    assert (gave_up.kind, gave_up.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert gave_up.message == (
        "the solver gave up on whether the permission in art4 can be used (canceled); nothing is proved either way"
    )
    assert [(c.id, c.role) for c in gave_up.clauses] == [("art4", None)]
    assert (veto.kind, veto.party, [c.id for c in veto.clauses]) == (FindingKind.HOLLOW_PERMISSION, "russia", ["art7"])


THREE = WORLD.replace("party ukraine, russia, usa;", "party ukraine, russia, usa, uk;") + (
    'clause art8 "Art. 8" { ukraine may hold(with: russia) when consents(russia) and (consents(usa) or consents(uk));'
    " ukraine must not hold(with: russia) unless consents(russia) and (consents(usa) or consents(uk)); }\n"
)


def test_a_search_that_gives_up_is_an_unknown_and_proves_no_veto(monkeypatch: pytest.MonkeyPatch) -> None:
    """russia's own search gives up: an unknown, and the pairs with russia are still asked."""
    original = qbf.exists_forall  # what blocked_permission imports as exists_forall, the function replaced below

    def search(session: Session, **kw: Any) -> EFResult:
        if kw["outer_keys"] == [("consents", ("russia",))]:
            return EFResult("unknown", reason="canceled")
        return original(session, **kw)

    monkeypatch.setattr(blocked_permission, "exists_forall", search)
    found = run_checks(THREE, blocked_permission.run)
    assert [(f.kind, f.coalition or (f.party,)) for f in found] == [
        (FindingKind.UNKNOWN, (None,)),
        (FindingKind.HOLLOW_PERMISSION, ("russia", "usa")),
        (FindingKind.HOLLOW_PERMISSION, ("russia", "uk")),
        (FindingKind.HOLLOW_PERMISSION, ("usa", "uk")),
    ]
    assert found[0].message == (
        "the solver gave up on whether russia can veto the permission in art8 (canceled); nothing is proved either way"
    )
    assert [(c.id, c.role) for c in found[0].clauses] == [("art8", None)]


def test_the_world_shown_is_checked_against_the_claim_of_the_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    claimed: list[tuple[Any, ...]] = []
    original = CheckContext.witness

    def recording(self: CheckContext, model: Any, claims: Any, **kw: Any) -> Any:
        claims = list(claims)
        claimed.extend(
            (type(c).__name__, c.norm.clause, c.holder, c.act, c.readings == self.readings, kw["what"]) for c in claims
        )
        return original(self, model, claims, **kw)

    monkeypatch.setattr(CheckContext, "witness", recording)
    (f,) = vetoes(RUSSIA)
    assert f.scenario is not None
    assert claimed == [
        ("NotExercised", "art4", "ukraine", ("hold", ("ukraine", "usa")), True, "veto by russia of art4")
    ]


def test_a_finding_left_out_of_the_report_gets_no_world() -> None:
    """The minimal world (an Optimize call) is sought only for a finding that is shown."""
    ctx = context(instrument(WORLD + RUSSIA + EITHER))
    ctx.hidden = frozenset({problem_key(FindingKind.HOLLOW_PERMISSION, ["art4"], "russia")})
    alone, together = blocked_permission.run(ctx)
    assert (alone.party, alone.coalition, alone.scenario) == ("russia", (), None)
    assert together.coalition == ("russia", "usa") and together.scenario is not None
    ctx.hidden = frozenset({problem_key(FindingKind.HOLLOW_PERMISSION, ["art6"], "russia", ("russia", "usa"))})
    alone, together = blocked_permission.run(ctx)
    assert alone.scenario is not None
    assert (together.coalition, together.scenario) == (("russia", "usa"), None)


def test_a_permission_already_hollow_for_its_holder_is_not_asked_about_vetoes() -> None:
    ctx = context(instrument(WORLD + RUSSIA + RUSSIA.replace("art4", "art7").replace("Art. 4", "Art. 7")))
    (veto, other) = blocked_permission.run(ctx)
    ctx.findings = [veto, other]  # (a hollow permission of russia's, not the holder's, hides nothing)
    assert [f.clauses[0].id for f in blocked_permission.run(ctx)] == ["art4", "art7"]
    ctx.findings = [
        Finding(FindingKind.HOLLOW_PERMISSION, Severity.ERROR, "", "t.nv", (ctx.clause_ref("art4"),), party="ukraine"),
        Finding(FindingKind.CONFLICT, Severity.ERROR, "", "t.nv", (ctx.clause_ref("art7"),), party="ukraine"),
        Finding(FindingKind.HOLLOW_PERMISSION, Severity.ERROR, "", "t.nv", (), party="ukraine"),
    ]
    assert [f.clauses[0].id for f in blocked_permission.run(ctx)] == ["art7"]


def test_whether_an_act_can_be_used_is_answered_by_the_hollow_permission_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run after the hollow-permission check on the same context, as the pipeline runs them, the
    question whether each act can be used at all reaches no solver; run alone, it is asked."""
    asked = purposes_asked(monkeypatch)
    alone = run_checks(WORLD + RUSSIA, blocked_permission.run)
    assert asked.count("vetoed permission: exercisable at all?") == 1
    asked.clear()
    after = run_checks(WORLD + RUSSIA, hollow_permission.run, blocked_permission.run)
    assert asked.count("hollow-permission: always blocked?") == 1
    assert asked.count("vetoed permission: exercisable at all?") == 0
    assert [(f.message, f.party) for f in after] == [(f.message, f.party) for f in alone]


def test_the_queries_name_their_parts(tmp_path: Path) -> None:
    """The question whether the permission can be used at all assumes the literals the
    hollow-permission check made for the same formulas (one name each): it is that check's
    question whether the act is always blocked, answered there and not asked again. The guess's
    choice among the acts is named for the permission, holder and blocker."""
    run([ROOT / "examples" / "23_vetoed_permission.nv"], Options(smt2_dir=tmp_path, jobs=1))
    scripts = [s.read_text(encoding="utf-8") for s in sorted(tmp_path.glob("*.smt2"))]
    (usable,) = [s for s in scripts if s.splitlines()[0].endswith("hollow-permission: always blocked?")]
    act = "('hold_exercise', ('ukraine', 'usa'))"
    assert (
        f"(check-sat-assuming (world |in force exercises#0 {act}| |exercise exercises#0 {act}| "
        "|clause exercises @ukraine|))"
    ) in usable
    assert not [s for s in scripts if s.splitlines()[0].endswith("vetoed permission: exercisable at all?")]
    text = "".join(scripts)
    for blocker in ("russia", "usa"):
        assert f"|veto pick exercises#0 @ukraine by {blocker} 0|" in text


def test_a_veto_through_the_world_the_first_guess_does_not_show() -> None:
    """The world lets ukraine hold the exercise only if russia does not refuse: refusing is a
    veto, found once the first guess (russia does not refuse, and ukraine holds it) is ruled
    out with the world as well as the act and ukraine's compliance."""
    text = (
        "fact refuses(g: party) controlled by g;\n"
        "assume refuses(russia) implies not hold(ukraine, with: usa);\n"
        'clause art4 "Art. 4" { ukraine may hold(with: usa) when not refuses(russia); }\n'
    )
    (f,) = vetoes(text)
    assert f.message == (
        "russia alone can stop ukraine from using Art. 4 (art4) to hold(ukraine, with: usa), by refuses(russia) = true"
    )


MANY = """
party ukraine, russia, usa;
fact consents(g: party) controlled by g;
fact approves(g: party, of: party) controlled by g;
quantity troops(p: party) controlled by p;
act hold(actor: party, partner: other party);
"""


def test_each_act_is_vetoed_by_whom_its_own_condition_names() -> None:
    """Exercises with russia need russia's consent, with usa usa's: each can veto its own."""
    text = MANY + (
        'clause art4 "Art. 4" { ukraine may hold when consents(partner);'
        " ukraine must not hold unless consents(partner); }\n"
    )
    found = run_checks(text, blocked_permission.run)
    assert [f.message for f in found] == [
        (
            "russia alone can stop ukraine from using Art. 4 (art4) to hold(ukraine, partner: russia), "
            "by consents(russia) = false"
        ),
        "usa alone can stop ukraine from using Art. 4 (art4) to hold(ukraine, partner: usa), by consents(usa) = false",
    ]


def test_a_permission_to_keep_a_state_vetoed_through_what_its_condition_says_of_the_holder() -> None:
    text = MANY + (
        'clause cap "Annex" { limit troops(ukraine) <= 100 unless approves(russia, ukraine); }\n'
        'clause army "Art. 3" { each p in {ukraine} may keep troops(p) >= 250 when approves(russia, p); }\n'
    )
    (f,) = run_checks(text, blocked_permission.run)
    assert f.message == (
        "russia alone can stop ukraine from using Art. 3 (army) to keep troops(ukraine) >= 250, "
        "by approves(russia, ukraine) = false"
    )


def test_the_question_names_the_permission_in_force_and_its_exercise(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asked first by this check (not after the hollow-permission check), the literals are its own."""
    original = Session.check
    asked: list[list[str]] = []

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label == "vetoed permission: exercisable at all?":
            asked.append([str(a) for a in assumptions])
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    vetoes(RUSSIA)
    act = "('hold', ('ukraine', 'usa'))"
    assert asked == [["world", f"in force art4#0 {act}", f"exercise art4#0 {act}", "clause art4 @ukraine"]]


def test_under_a_claimants_reading_only_the_permissions_that_read_otherwise_are_asked() -> None:
    """art4 reads as in the baseline (its answer is the baseline's); art7's condition does not."""
    text = (
        WORLD
        + "term assent() { reading ordinary: consents(russia); reading russia: consents(russia) and consents(usa); }\n"
        + RUSSIA
        + 'clause art7 "Art. 7" { ukraine may hold(with: russia) when assent();'
        + " ukraine must not hold(with: russia) unless consents(russia); }\n"
    )
    inst = instrument(text)
    ctx = context(inst, readings={"assent": "russia"})
    ctx.baseline = {"assent": "ordinary"}
    assert [(f.party, f.clauses[0].id) for f in blocked_permission.run(ctx)] == [("russia", "art7")]


ONE_ACT = """
party ukraine, russia, usa;
fact consents(g: party) controlled by g;
act hold(actor: party);
"""


def test_a_blocker_that_decides_only_what_the_condition_names() -> None:
    """russia decides two things, its consent and its own exercise, and the condition names both."""
    text = ONE_ACT + (
        'clause art4 "Art. 4" { ukraine may hold when consents(russia) and not hold(russia);'
        " ukraine must not hold unless consents(russia); }\n"
    )
    (f,) = run_checks(text, blocked_permission.run)
    assert (
        f.message
        == "russia alone can stop ukraine from using Art. 4 (art4) to hold(ukraine), by consents(russia) = false"
    )


@pytest.mark.parametrize(
    ("holders", "expected"),
    [
        ("ukraine", [("ukraine", "russia"), ("ukraine", "usa")]),
        (
            "each p in party",
            [
                ("ukraine", "russia"),
                ("ukraine", "usa"),
                ("russia", "ukraine"),
                ("russia", "usa"),
                ("usa", "ukraine"),
                ("usa", "russia"),
            ],
        ),
    ],
)
def test_interchangeable_blockers_are_each_reported(holders: str, expected: list[tuple[str, str]]) -> None:
    """Unanimity: each other party alone can veto, whichever party holds the permission."""
    text = ONE_ACT + (
        f'clause art4 "Art. 4" {{ {holders} may hold when all g in party: consents(g);'
        f" {holders} must not hold unless all g in party: consents(g); }}\n"
    )
    found = run_checks(text, blocked_permission.run)
    assert [(dict(f.details)["holder"], f.party) for f in found] == expected


def symmetric_context(tmp: Path, text: str) -> CheckContext:
    """A context of text loaded as nverify loads it: interchangeable parties found."""
    path = tmp / "spec.nv"
    path.write_text(text, encoding="utf-8")
    (inst,) = load([path], coalition_size=2).instruments
    assert inst.symmetry
    return context(inst)


@pytest.mark.parametrize("holders", ["ukraine", "each p in party"])
def test_of_interchangeable_blockers_only_the_first_is_asked(tmp_path: Path, holders: str) -> None:
    """The others' answers are its own, renamed (verifier.symmetry lifts them in the report);
    the holder, whatever its class, is not one of them."""
    text = ONE_ACT + (
        f'clause art4 "Art. 4" {{ {holders} may hold when all g in party: consents(g);'
        f" {holders} must not hold unless all g in party: consents(g); }}\n"
    )
    found = blocked_permission.run(symmetric_context(tmp_path, text))
    assert [(dict(f.details)["holder"], f.party) for f in found] == [("ukraine", "russia")]


# ukraine's troops must exceed russia's threat by one exactly (`need`, in the base draft only, and
# `match`): each threat the search refutes rules out that one threat only, so the veto (a threat
# of 1,000 or more, which leaves no room for the troops Art. 3 permits) is found by Z3's
# quantified question, past QUANTIFIED_AFTER rounds.
FIGURES = """
party ukraine, russia, usa;
quantity troops(p: party) controlled by p;
quantity threat(p: party) controlled by p;
clause need "Art. 1" { ukraine must keep troops(ukraine) >= threat(russia) + 1 when [base: true | russia: false]; }
clause match "Art. 2" { ukraine must keep troops(ukraine) <= threat(russia) + 1; }
clause army "Art. 3" { ukraine may keep troops(ukraine) <= 1000 when threat(russia) >= 0; }
"""


def test_a_veto_found_by_the_quantified_question_is_sought_in_the_draft_in_force(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The quantified question ranges over the inner variables, the bracket's selectors among
    them: held to the draft in force, it finds the threat by which russia vetoes the permission in
    the base draft (without it, it would ask for a threat that vetoes it in russia's draft too,
    where `need` says nothing: none). In russia's draft, no threat vetoes it."""
    rounds = search_rounds(monkeypatch, blocked_permission)
    inst = instrument(FIGURES)
    (f,) = blocked_permission.run(context(inst, draft=dict.fromkeys(inst.brackets, "base")))
    assert rounds == [QUANTIFIED_AFTER]
    assert (f.kind, f.party, f.coalition) == (FindingKind.HOLLOW_PERMISSION, "russia", ())
    # The lowest threat that vetoes it (`qbf._lowest_figures`).
    assert f.message == ("russia alone can stop ukraine from using Art. 3 (army) to keep troops(ukraine) <= 1,000, "
                         "by threat(russia) = 1,000"), f.message
    assert blocked_permission.run(context(inst, draft=dict.fromkeys(inst.brackets, "russia"))) == []
