"""verifier.checks.self_granted_permission: the findings word for word, alone and together,
the `unknown`s, the world shown and the claims it is checked against."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.helpers import context, give_up_once, instrument, run_checks
from verifier.checks import conflict, hollow_permission, self_granted_permission
from verifier.checks.context import CheckContext
from verifier.findings import Finding, FindingKind, Severity, problem_key
from verifier.qbf import EFResult
from verifier.session import Outcome, Session, Status

WORLD = """
party ukraine, russia, usa, uk;
group guarantors = {russia, usa, uk};
fact agrees(g: party) controlled by g;
quantity troops(p: party) controlled by p;
act act_alone(actor: party, in: party);
"""
ALL = 'clause art4 "Art. 4(2)" { usa may act_alone(in: ukraine) when not all h in guarantors: agrees(h); }\n'
MAJORITY = (
    'clause art6 "Art. 6" { usa may act_alone(in: ukraine) when a majority of h in guarantors: (not agrees(h)); }\n'
)


def grants(text: str) -> list[Finding]:
    return run_checks(WORLD + text, self_granted_permission.run)


def test_a_holder_that_grants_itself_a_permission_alone() -> None:
    (f,) = grants(ALL)
    assert (f.kind, f.severity, f.party, f.coalition) == (
        FindingKind.SELF_GRANTED_PERMISSION,
        Severity.WARNING,
        "usa",
        (),
    )
    assert f.message == (
        "usa can bring Art. 4(2) (art4) into force by agrees(usa) = false, whatever russia and uk decide: "
        "usa may then act_alone(usa, in: ukraine)"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("art4", "permission")]
    assert f.details == (
        ("act", "act_alone(usa, in: ukraine)"),
        ("holder", "usa"),
        ("choice", "agrees(usa) = false"),
        ("others", ("russia", "uk")),
    )
    assert f.scenario is not None and (f.scenario.facts, f.scenario.acts) == ((), ())


def test_a_holder_that_needs_one_ally() -> None:
    found = grants(MAJORITY)
    assert [(f.party, f.coalition) for f in found] == [("usa", ("usa", "russia")), ("usa", ("usa", "uk"))]
    assert found[0].message == (
        "usa and russia together can bring Art. 6 (art6) into force by agrees(russia) = false, agrees(usa) = false, "
        "whatever uk decides: usa may then act_alone(usa, in: ukraine)"
    )
    assert dict(found[1].details)["others"] == ("russia",)


SECOND = ALL.replace("art4", "art5").replace("Art. 4(2)", "Art. 5")


def test_a_solver_that_gives_up_on_a_condition_is_an_unknown_and_the_next_is_still_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    give_up_once(monkeypatch, "self-granted permission: ever out of force?")
    gave_up, granted = grants(ALL + SECOND.replace("in: ukraine", "in: russia"))
    assert (gave_up.kind, gave_up.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert gave_up.message == (
        "the solver gave up on whether the permission in art4 can be out of force (canceled); "
        "nothing is proved either way"
    )
    assert [(c.id, c.role) for c in gave_up.clauses] == [("art4", None)]
    assert (granted.kind, granted.party, [c.id for c in granted.clauses]) == (
        FindingKind.SELF_GRANTED_PERMISSION,
        "usa",
        ["art5"],
    )


def test_a_search_that_gives_up_is_an_unknown_and_the_next_permission_is_still_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = self_granted_permission._search

    def search(ctx: CheckContext, cond: Any, group: tuple[str, ...]) -> EFResult:
        if group == ("usa",) and cond.key == ("act_alone", ("usa", "ukraine")):
            return EFResult("unknown", reason="canceled")
        return original(ctx, cond, group)

    monkeypatch.setattr(self_granted_permission, "_search", search)
    gave_up, granted = grants(ALL + SECOND.replace("in: ukraine", "in: russia"))
    assert (gave_up.kind, gave_up.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert gave_up.message == (
        "the solver gave up on whether usa can bring art4 into force (canceled); nothing is proved either way"
    )
    assert [(c.id, c.role) for c in gave_up.clauses] == [("art4", None)]
    assert (granted.party, [c.id for c in granted.clauses]) == ("usa", ["art5"])


def recorded_claims(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    claimed: list[tuple[Any, ...]] = []
    original = CheckContext.witness

    def recording(self: CheckContext, model: Any, claims: Any, **kw: Any) -> Any:
        claims = list(claims)
        for c in claims:
            norm = getattr(c, "norm", None)
            claimed.append(
                (
                    type(c).__name__,
                    getattr(c, "party", None),
                    norm.clause if norm is not None else None,
                    getattr(c, "args", None),
                    getattr(c, "what", None),
                    tuple(getattr(c, "env", {}).values()),
                    c.readings == self.readings,
                    kw["what"],
                )
            )
        return original(self, model, claims, **kw)

    monkeypatch.setattr(CheckContext, "witness", recording)
    return claimed


def test_the_world_shown_is_checked_against_every_claim_of_the_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    claimed = recorded_claims(monkeypatch)
    (f,) = grants(ALL)
    assert f.scenario is not None
    what = "self-grant of art4 by usa"
    assert claimed == [
        ("Complies", "usa", None, None, None, (), True, what),
        ("Permits", None, "art4", ("usa", "ukraine"), None, (), True, what),
    ]
    claimed.clear()
    grants(MAJORITY)
    assert [c[:2] for c in claimed] == [
        ("Complies", "usa"),
        ("Complies", "russia"),
        ("Permits", None),
        ("Complies", "usa"),
        ("Complies", "uk"),
        ("Permits", None),
    ]
    assert claimed[0][-1] == "self-grant of art6 by usa and russia"


def test_a_permission_to_keep_a_state_claims_its_condition(monkeypatch: pytest.MonkeyPatch) -> None:
    claimed = recorded_claims(monkeypatch)
    (f,) = grants('clause art7 "Art. 7" { usa may keep troops(usa) >= 5 when not all h in guarantors: agrees(h); }\n')
    assert f.message == (
        "usa can bring Art. 7 (art7) into force by agrees(usa) = false, whatever russia and uk decide: "
        "usa may then keep troops(usa) >= 5"
    )
    what = "self-grant of art7 by usa"
    assert claimed == [
        ("Complies", "usa", None, None, None, (), True, what),
        ("Holds", None, None, None, "the permission's condition", ("usa",), True, what),
    ]


def test_a_finding_left_out_of_the_report_gets_no_world() -> None:
    """The minimal world (an Optimize call) is sought only for a finding that is shown."""
    ctx = context(instrument(WORLD + ALL + MAJORITY))
    ctx.hidden = frozenset({problem_key(FindingKind.SELF_GRANTED_PERMISSION, ["art4"], "usa")})
    alone, pair, other = self_granted_permission.run(ctx)
    assert (alone.coalition, alone.scenario) == ((), None)
    assert pair.scenario is not None and other.scenario is not None
    ctx.hidden = frozenset({problem_key(FindingKind.SELF_GRANTED_PERMISSION, ["art6"], "usa", ("usa", "uk"))})
    alone, pair, other = self_granted_permission.run(ctx)
    assert alone.scenario is not None and pair.scenario is not None
    assert (other.coalition, other.scenario) == (("usa", "uk"), None)


KINDS = ", ".join(f"k{i}" for i in range(65))


def under_russias_reading(text: str) -> list[Finding]:
    """The findings of text under russia's reading of `t`, the baseline's being ordinary."""
    inst = instrument(text)
    ctx = context(inst, readings={"t": "russia", "u": "ordinary"})
    ctx.baseline = {"t": "ordinary", "u": "ordinary"}
    return list(self_granted_permission.run(ctx))


def named_in(kind: str) -> str:
    """A permission over 65 acts whose conditions are the same formulas under both readings of
    `t` (`u()` is true), but under russia's the condition of the act of `kind` names what russia
    decides (`asked(russia)`)."""
    return WORLD + (
        f"enum kind = {{{KINDS}}};\n"
        "fact asked(p: party) controlled by p;\n"
        "act op(actor: party, kind: kind);\n"
        "term u() { reading ordinary: true; }\n"
        f"term t(k: kind) {{ reading ordinary: true; reading russia: u() or (k == {kind} and asked(russia)); }}\n"
        'clause art4 "Art. 4(2)" { usa may op when (not all h in guarantors: agrees(h)) and t(kind); }\n'
    )


def test_under_a_claimants_reading_a_condition_that_names_another_decision_is_asked_again() -> None:
    """The first act's condition names asked(russia) under russia's reading only: the same
    formulas, but not the same decisions, so the question is asked again."""
    (f,) = under_russias_reading(named_in("k0"))
    assert (f.party, dict(f.details)["act"]) == ("usa", "op(usa, kind: k0)")


def test_under_a_claimants_reading_only_the_first_64_acts_are_compared() -> None:
    """Only the 65th act's condition names asked(russia), past the bound: the baseline's answer."""
    assert under_russias_reading(named_in("k64")) == []


def test_under_a_claimants_reading_a_kept_states_condition_is_read_for_its_holder() -> None:
    """The same formulas; under russia's reading the condition names asked(usa), the holder's."""
    text = WORLD + (
        "fact asked(p: party) controlled by p;\n"
        "term u() { reading ordinary: true; }\n"
        "term t(x: party) { reading ordinary: true; reading russia: u() or asked(x); }\n"
        'clause art4 "Art. 4(2)" { each p in {usa} may keep troops(p) >= 5 '
        "when (not all h in guarantors: agrees(h)) and t(p); }\n"
    )
    (f,) = under_russias_reading(text)
    assert (f.party, dict(f.details)["act"]) == ("usa", "keep troops(usa) >= 5")


def test_the_world_shown_has_the_coalition_comply_not_the_others() -> None:
    """russia must act alone in every world where it complies: the minimal world shown, in which
    usa complies, need not have it."""
    (f,) = grants(ALL + 'clause duty "Art. 9" { russia must act_alone(in: ukraine); }\n')
    assert f.scenario is not None and (f.scenario.facts, f.scenario.acts) == ((), ())


def test_a_condition_forced_through_the_world_the_first_guess_does_not_show() -> None:
    """The world says russia does not agree once usa does: usa agreeing forces the condition,
    found once the first guess (usa does not agree, russia does) is ruled out with the world
    as well as the condition."""
    (f,) = grants(
        "assume agrees(usa) implies not agrees(russia);\n"
        'clause art5 "Art. 5" { usa may act_alone(in: ukraine) when not agrees(russia); }\n'
    )
    assert f.message == (
        "usa can bring Art. 5 (art5) into force by agrees(usa) = true, whatever russia decides: "
        "usa may then act_alone(usa, in: ukraine)"
    )


def test_a_pair_is_asked_after_a_pair_that_is_not_minimal() -> None:
    """russia alone forces the condition, so (russia, usa) is not minimal; (usa, uk) still is."""
    (f,) = grants(
        'clause art5 "Art. 5" { usa may act_alone(in: ukraine) '
        "when not agrees(russia) or (not agrees(usa) and not agrees(uk)); }\n"
    )
    assert f.message == (
        "usa and uk together can bring Art. 5 (art5) into force by agrees(uk) = false, agrees(usa) = false, "
        "whatever russia decides: usa may then act_alone(usa, in: ukraine)"
    )


def test_a_holder_that_decides_only_what_the_condition_names() -> None:
    """usa decides two things, its vote and its own act, and the condition names both."""
    text = (
        "party ukraine, russia, usa;\n"
        "fact agrees(g: party) controlled by g;\n"
        "act op(actor: party);\n"
        'clause art5 "Art. 5" { usa may op when not (agrees(usa) and agrees(russia)) and not op(usa); }\n'
    )
    found = run_checks(text, self_granted_permission.run)
    assert [(f.party, dict(f.details)["choice"]) for f in found] == [("usa", "agrees(usa) = false, op(usa) = false")]


def test_only_the_first_64_acts_of_a_permission_are_asked() -> None:
    """Only the 65th act (kind k64) has a condition the others have a say in: past the bound."""
    text = WORLD + (
        f"enum kind = {{{KINDS}}};\n"
        "act op(actor: party, kind: kind);\n"
        'clause art4 "Art. 4" { usa may op when kind != k64 or not all h in guarantors: agrees(h); }\n'
    )
    assert grants(text[len(WORLD) :]) == []
    (f,) = grants(text[len(WORLD) :].replace("k64 or", "k63 or"))
    assert dict(f.details)["act"] == "op(usa, kind: k63)"


def test_an_act_the_filter_rules_out_is_not_granted_and_does_not_end_the_acts(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Session.check
    asked: list[list[str]] = []

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label == "self-granted permission: ever out of force?":
            asked.append([str(a) for a in assumptions])
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    (f,) = grants(
        "enum kind = {k0, k1};\n"
        "act op(actor: party, kind: kind);\n"
        'clause art4 "Art. 4" { usa may op where kind == k1 when not all h in guarantors: agrees(h); }\n'
    )
    assert dict(f.details)["act"] == "op(usa, kind: k1)"
    assert asked == [["world", "not in force art4#0 ('op', ('usa', 'k1'))"]]


def test_a_condition_shared_by_several_acts_is_asked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The four acts (in each party) have one condition: one question, so one unknown."""
    original = Session.check

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label == "self-granted permission: ever out of force?":
            return Outcome(Status.UNKNOWN, reason="canceled")
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    found = grants('clause art4 "Art. 4(2)" { usa may act_alone when not all h in guarantors: agrees(h); }\n')
    assert [f.kind for f in found] == [FindingKind.UNKNOWN]


def test_the_question_names_the_act_whose_condition_it_asks_about(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both acts have the condition `not agrees(usa)`, but only k1's names russia's decision as
    written (`t`): the question is about k1's, and says so."""
    original = Session.check
    asked: list[list[str]] = []

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label == "self-granted permission: ever out of force?":
            asked.append([str(a) for a in assumptions])
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    (f,) = grants(
        "enum kind = {k0, k1};\n"
        "act op(actor: party, kind: kind);\n"
        "term u() { reading ordinary: true; }\n"
        "term t(k: kind) { reading ordinary: u() or (k == k1 and agrees(russia)); }\n"
        'clause art4 "Art. 4" { usa may op when not agrees(usa) and t(kind); }\n'
    )
    assert dict(f.details)["act"] == "op(usa, kind: k1)"
    assert asked == [["world [t=ordinary, u=ordinary]", "not in force art4#0 ('op', ('usa', 'k1'))"]]


def test_a_permission_left_out_of_the_report_is_not_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A finding about a permission's clause alone that the report leaves out (as a regime does
    an import's) is not sought; the next permission still is."""
    monkeypatch.setattr(CheckContext, "reported", lambda self, clause_ids: list(clause_ids) != ["art4"])
    found = grants(ALL + SECOND)
    assert [(f.party, [c.id for c in f.clauses]) for f in found] == [("usa", ["art5"])]


TWO_ACTS = WORLD + "enum kind = {k0, k1};\nact op(actor: party, kind: kind);\n"


def test_a_solver_that_gives_up_on_one_acts_condition_still_asks_about_the_next_act(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One permission, two acts with conditions of their own: the solver gives up on the first
    act's, and the second act's is still asked (and granted)."""
    give_up_once(monkeypatch, "self-granted permission: ever out of force?")
    found = run_checks(
        TWO_ACTS + 'clause art4 "Art. 4" { usa may op when not all h in guarantors: agrees(h) '
        "and (kind == k0 or troops(usa) >= 1); }\n",
        self_granted_permission.run,
    )
    assert [(f.kind, f.party, dict(f.details).get("act")) for f in found] == [
        (FindingKind.UNKNOWN, None, None),
        (FindingKind.SELF_GRANTED_PERMISSION, "usa", "op(usa, kind: k1)"),
    ]


def test_a_coalition_that_one_act_needs_is_passed_over_for_the_holder_alone_that_another_act_allows() -> None:
    """The first act needs an ally (a majority refusing), the second act's condition usa forces
    alone: the pairs are not minimal, and usa alone is reported, with the second act."""
    found = run_checks(
        TWO_ACTS + 'clause art4 "Art. 4" { usa may op when (kind == k0 and a majority of h in guarantors: '
        "(not agrees(h))) or (kind == k1 and not all h in guarantors: agrees(h)); }\n",
        self_granted_permission.run,
    )
    assert [(f.coalition, dict(f.details)["act"]) for f in found] == [((), "op(usa, kind: k1)")]


def test_under_a_claimants_reading_a_permission_that_reads_the_same_does_not_end_the_check() -> None:
    """art3 reads the same under both readings (the baseline's answer); art4's condition names
    russia's decision under russia's reading only, so it is asked again."""
    text = named_in("k0").replace(
        "clause art4",
        'clause art3 "Art. 3" { usa may act_alone(in: ukraine) when not all h in guarantors: agrees(h); }\nclause art4',
    )
    found = under_russias_reading(text)
    assert [(f.party, [c.id for c in f.clauses], dict(f.details)["act"]) for f in found] == [
        ("usa", ["art4"], "op(usa, kind: k0)")
    ]


def test_under_a_claimants_reading_the_decisions_named_are_read_for_the_holder() -> None:
    """The condition names the holder's own decision through its variable, and reads the same
    under both readings: the baseline's answer, not asked again."""
    text = WORLD + (
        "term u() { reading ordinary: true; reading russia: true; }\n"
        "term t(x: party) { reading ordinary: u() and agrees(x); reading russia: u() and agrees(x); }\n"
        'clause art4 "Art. 4(2)" { each p in {usa} may act_alone(in: ukraine) '
        "when not all h in guarantors: agrees(h) and not t(p); }\n"
    )
    assert len(grants(text[len(WORLD) :])) == 1
    assert under_russias_reading(text) == []


def test_the_choice_shown_is_the_same_whatever_the_solver_did_before() -> None:
    """pa can force its permission by f(pa), by h(pa) or (with pb) by h(pb): the choice shown is
    the canonical one, f(pa) (fewest true, then declaration order), whether the check runs alone
    or after the conflict check (which shares its guess solver) or the hollow-permission check
    (which leaves the session's solver otherwise). Before, the solver's first answer and core
    were shown: h(pa) after the conflict check."""
    text = (
        "party pa, pb, pc;\n"
        "fact f(g: party) controlled by g;\n"
        "fact h(g: party) controlled by g;\n"
        "act act1(actor: party, to: party);\n"
        "act act2(actor: party);\n"
        'clause c1 "C1" { pa may act2 when f(pa) or h(pa) or h(pb); }\n'
        'clause d0 "D0" { pb must not act1(to: pb) when h(pc); }\n'
    )
    for before in ((), (conflict.run,), (hollow_permission.run,)):
        found = [
            f
            for f in run_checks(text, *before, self_granted_permission.run)
            if f.kind is FindingKind.SELF_GRANTED_PERMISSION
        ]
        assert [f.message for f in found] == [
            "pa can bring C1 (c1) into force by f(pa) = true, whatever pb decides: pa may then act2(pa)"
        ], before


def test_a_condition_over_figures_forced_through_the_quantified_question_reads_the_draft() -> None:
    """usa's permission is in force when its personnel differs from russia's threat, or is at
    least 100 in the base draft only. Refuting one figure at a time never ends, so past 20 rounds
    Z3 is asked the question whole (a `forall` over russia's choice): in the base draft, 100 or
    more forces the condition; in russia's draft nothing does."""
    text = (
        "party ukraine, russia, usa;\n"
        "quantity personnel(p: party) controlled by p;\n"
        "quantity threat(p: party) controlled by p;\n"
        "act deploy(actor: party);\n"
        'clause c "C" { usa may deploy when personnel(usa) != threat(russia) '
        "or (personnel(usa) >= 100 and [base: true | russia: false]); }\n"
    )
    (f,) = self_granted_permission.run(context(instrument(text)))
    figure = f.message.removeprefix("usa can bring C (c) into force by personnel(usa) = ").split(",")[0]
    assert int(figure) >= 100
    assert f.message.endswith(", whatever russia decides: usa may then deploy(usa)")
    russias = context(instrument(text), draft=dict.fromkeys(instrument(text).brackets, "russia"))
    assert self_granted_permission.run(russias) == []
