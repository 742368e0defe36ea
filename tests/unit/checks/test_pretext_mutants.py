"""Pretexts: the findings word for word (an open baseline, a breach with no act), the conduct
counted past the cap (exactly at four times it, or when the solver gives up), whose conduct
is named, and the query's parts (mutation testing, docs/trust.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.helpers import context, instrument, purposes_asked, run_checks
from verifier.checks import pretext
from verifier.findings import Finding, FindingKind, Severity
from verifier.pipeline import Options, run
from verifier.session import Outcome, Session, Status

WORLD = """
party ukraine, russia, usa;
enum kind = {alliance, training, economic};
act conclude(actor: party, partner: party, kind: kind);
term harms(k: kind) { reading ordinary: k == alliance; reading russia: k in {alliance, training}; }
"""
ART2 = 'clause art2 "Art. 2" { ukraine must not conclude(partner: usa) where harms(kind); }\n'


def pretexts(text: str) -> list[Finding]:
    return run_checks(WORLD + text, pretext.run)


def test_a_pretext_word_for_word() -> None:
    (f,) = pretexts(ART2)
    assert (f.kind, f.severity, f.party) == (FindingKind.PRETEXT, Severity.WARNING, "russia")
    assert f.message == (
        "russia can claim that ukraine breaches Art. 2 (art2) by conclude(ukraine, partner: usa, "
        "kind: training): lawful under the ordinary reading of `harms`, a breach under russia's "
        "reading"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("art2", "invoked")]
    assert f.details == (
        ("term", "harms"),
        ("reading", "russia"),
        ("baseline", "ordinary"),
        ("claimant_reading_alias", None),
        ("conduct", ["conclude(ukraine, partner: usa, kind: training)"]),
        ("against", "ukraine"),
    )
    assert f.scenario is not None and f.scenario.acts == ("conclude(ukraine, usa, training)",)


def test_an_open_baseline_is_some_reasonable_reading() -> None:
    (f,) = pretexts(
        "term rash(k: kind) { reading russia: k == training; }\n"
        'clause art3 "Art. 3" { ukraine must not conclude(partner: usa) where rash(kind); }\n'
    )
    assert f.message == (
        "russia can claim that ukraine breaches Art. 3 (art3) by conclude(ukraine, partner: usa, "
        "kind: training): lawful under some reasonable reading of `rash` (the spec gives the term no "
        "ordinary reading), a breach under russia's reading"
    )
    assert dict(f.details)["baseline"] == "open"


def test_a_breach_with_no_act_names_the_situation() -> None:
    """An obligation russia's reading triggers: ukraine breaches it by doing nothing."""
    (f,) = pretexts(
        "term urgent(p: party) { reading ordinary: false; reading russia: true; }\n"
        'clause art9 "Art. 9" { ukraine must conclude(partner: usa, kind: economic) when urgent(usa); }\n'
    )
    assert f.message == (
        "russia can claim that ukraine breaches Art. 9 (art9) in a situation where ukraine complies "
        "under the ordinary reading of `urgent`"
    )
    assert dict(f.details)["conduct"] == []
    assert f.scenario is not None and f.scenario.acts == ()


def test_the_conduct_named_is_the_accused_partys_own() -> None:
    """usa concludes a training pact with russia in every world (assumed): a breach of art4
    under russia's reading too, but not ukraine's conduct."""
    text = (
        "assume conclude(usa, russia, training);\n"
        'clause art4 "Art. 4" { each p in {ukraine, usa} must not conclude(partner: russia) where harms(kind); }\n'
    )
    against = {dict(f.details)["against"]: f for f in pretexts(text)}
    assert dict(against["ukraine"].details)["conduct"] == ["conclude(ukraine, partner: russia, kind: training)"]
    assert against["ukraine"].message.startswith(
        "russia can claim that ukraine breaches Art. 4 (art4) by "
        "conclude(ukraine, partner: russia, kind: training): lawful"
    )


def test_the_accused_party_alone_must_comply() -> None:
    """usa must conclude an economic pact with russia (art5): the world shown for the pretext
    against ukraine does not need usa to comply, so it has ukraine's act alone."""
    (f,) = pretexts(ART2 + 'clause art5 "Art. 5" { usa must conclude(partner: russia, kind: economic); }\n')
    assert f.scenario is not None and f.scenario.acts == ("conclude(ukraine, usa, training)",)


EIGHT = """
party ukraine, russia;
enum partner = {p0, p1, p2, p3, p4, p5, p6, p7};
act deal(actor: party, with: partner);
term harmful(with: partner) { reading ordinary: false; reading russia: true; }
clause c "C" { ukraine must not deal where harmful(with); }
"""


def eight_under_a_cap_of_two(monkeypatch: pytest.MonkeyPatch, more: Status | None) -> tuple[Finding, list[str]]:
    """Eight acts russia can object to, a cap of 2: the enumeration stops at four times the cap
    and asks whether there are more (`more`: the answer to give instead of the solver's)."""
    labels: list[str] = []
    original = Session.check

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        labels.append(label)
        if more is not None and label.endswith(": more?"):
            return Outcome(more, reason="canceled")
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    ctx = context(instrument(EIGHT))
    ctx.max_findings = 2
    (f,) = pretext.run(ctx)
    return f, labels


def test_exactly_four_times_the_cap_is_an_exact_count(monkeypatch: pytest.MonkeyPatch) -> None:
    f, labels = eight_under_a_cap_of_two(monkeypatch, None)
    assert f.message == (
        "russia can claim that ukraine breaches C (c) by deal(ukraine, with: p0) (and 7 other distinct "
        "acts): lawful under the ordinary reading of `harmful`, a breach under russia's reading (the "
        "details list 2 of the 8; raise --max-findings to list them all)"
    )
    assert dict(f.details)["conduct"] == ["deal(ukraine, with: p0)", "deal(ukraine, with: p1)"]
    assert dict(f.details)["conduct_listed"] == "2 of 8"
    assert labels.count("pretext by russia via c (harmful): more?") == 1


def test_a_solver_that_gives_up_on_more_makes_the_count_a_lower_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    f, _ = eight_under_a_cap_of_two(monkeypatch, Status.UNKNOWN)
    assert f.message.endswith(
        "(and at least 7 other distinct acts): lawful under the ordinary reading of `harmful`, "
        "a breach under russia's reading (the details list 2 of at least 8; raise "
        "--max-findings to list more)"
    )
    assert dict(f.details)["conduct_listed"] == "2 of at least 8"


def test_the_query_names_its_question_and_its_claim(tmp_path: Path) -> None:
    path = tmp_path / "spec.nv"
    path.write_text('instrument t "T";\n' + WORLD + ART2, encoding="utf-8")
    run([path], Options(smt2_dir=tmp_path / "smt2", jobs=1))
    scripts = [s.read_text(encoding="utf-8") for s in sorted((tmp_path / "smt2").glob("*.smt2"))]
    script = next(s for s in scripts if s.splitlines()[0].endswith(": pretext by russia via art2 (harms)"))
    assert "|breach of art2 @ukraine as russia reads harms|" in script


def giving_up_on(monkeypatch: pytest.MonkeyPatch, label: str, call: int) -> None:
    """The solver gives up on the `call`-th question with this label (1: the first)."""
    original = Session.check
    seen = [0]

    def check(self: Session, assumptions: Any, asked: str = "") -> Outcome:
        if asked == label:
            seen[0] += 1
            if seen[0] == call:
                return Outcome(Status.UNKNOWN, reason="canceled")
        return original(self, assumptions, asked)

    monkeypatch.setattr(Session, "check", check)


def test_a_solver_that_gives_up_before_any_conduct_is_an_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    giving_up_on(monkeypatch, "pretext by russia via art2 (harms)", 1)
    (f,) = pretexts(ART2)
    assert (f.kind, f.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert (
        f.message
        == "the solver gave up on the pretext check of art2 for russia (canceled); nothing is proved either way"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("art2", None)]
    assert f.details == (("reason", "canceled"),)


def test_a_solver_that_gives_up_once_the_cap_is_listed_makes_the_count_a_lower_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two acts found under a cap of two, then the solver gives up: what was found stands,
    and there may be more."""
    giving_up_on(monkeypatch, "pretext by russia via c (harmful)", 3)
    ctx = context(instrument(EIGHT))
    ctx.max_findings = 2
    (f,) = pretext.run(ctx)
    assert f.kind is FindingKind.PRETEXT
    assert f.message == (
        "russia can claim that ukraine breaches C (c) by deal(ukraine, with: p0) (and at least 1 other "
        "distinct act): lawful under the ordinary reading of `harmful`, a breach under russia's reading "
        "(the details list 2 of at least 2; raise --max-findings to list more)"
    )
    assert dict(f.details)["conduct_listed"] == "2 of at least 2"


def test_a_world_that_cannot_be_read_is_an_unknown_that_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pretext, "witness", lambda *args, **kwargs: (None, False))
    (f,) = pretexts(ART2)
    assert (f.kind, f.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert f.message == (
        "the solver gave up on the pretext check of art2 for russia (no witness could be read); "
        "nothing is proved either way"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("art2", None)]


def test_the_world_shown_prefers_the_claimant_and_the_accused() -> None:
    """Either alarm(usa) or tension(russia) makes art6 apply: the world shown names russia,
    the claimant, though alarm is declared first."""
    (f,) = pretexts(
        "fact alarm(p: party);\nfact tension(p: party);\n"
        'clause art6 "Art. 6" { ukraine must not conclude(partner: usa) where harms(kind) '
        "when alarm(usa) or tension(russia); }\n"
    )
    assert f.scenario is not None and f.scenario.facts == ("tension(russia)",)


def test_conduct_towards_the_claimant_is_listed_last() -> None:
    """A claimant complaining of what the accused did with it is the weakest example."""
    (f,) = pretexts('clause art7 "Art. 7" { ukraine must not conclude where harms(kind); }\n')
    assert dict(f.details)["conduct"] == [
        "conclude(ukraine, partner: ukraine, kind: training)",
        "conclude(ukraine, partner: usa, kind: training)",
        "conclude(ukraine, partner: russia, kind: training)",
    ]


def test_every_further_world_is_checked_against_the_claimed_breach(monkeypatch: pytest.MonkeyPatch) -> None:
    """A further world that does not bear out the claim (here: emptied) stops the check."""
    from dsl.evaluate import World
    from verifier.witness import WitnessError

    monkeypatch.setattr(
        pretext, "world_over", lambda session, model, keys, draft: World(frozenset(), {}, frozenset(), draft)
    )
    with pytest.raises(WitnessError, match=r"^pretext by russia via art7: a further witness does not breach art7 "):
        pretexts('clause art7 "Art. 7" { ukraine must not conclude where harms(kind); }\n')


def test_the_accused_are_taken_in_the_order_of_declaration() -> None:
    """belarus, declared last, comes after ukraine (not in the order of names)."""
    text = WORLD.replace("party ukraine, russia, usa;", "party ukraine, russia, usa, belarus;") + (
        'clause art8 "Art. 8" { each p in {belarus, ukraine} must not conclude(partner: usa) where harms(kind); }\n'
    )
    found = run_checks(text, pretext.run)
    assert [dict(f.details)["against"] for f in found] == ["ukraine", "belarus"]


def test_which_norms_and_terms_are_read() -> None:
    """art9's first norm is a permission (its term is not read), its second has no condition
    (its `where` is still read); `ordered` has no reading of russia's and is passed over,
    `harms` after it is not."""
    text = (
        "term ordered(p: party) { reading ordinary: false; }\n"
        'clause art9 "Art. 9" { ukraine may conclude(partner: russia) where not ordered(usa);\n'
        "  ukraine must not conclude(partner: usa) where not ordered(ukraine) and harms(kind); }\n"
    )
    (f,) = pretexts(text)
    assert (f.kind, dict(f.details)["term"], dict(f.details)["conduct"]) == (
        FindingKind.PRETEXT,
        "harms",
        ["conclude(ukraine, partner: usa, kind: training)"],
    )


def test_a_clause_left_out_of_the_report_does_not_end_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    from verifier.checks.context import CheckContext

    monkeypatch.setattr(CheckContext, "reported", lambda self, clause_ids: list(clause_ids) != ["art1"])
    text = 'clause art1 "Art. 1" { ukraine must not conclude(partner: russia) where harms(kind); }\n' + ART2
    assert [[c.id for c in f.clauses] for f in pretexts(text)] == [["art2"]]


def test_under_the_claimants_own_reading_no_pretext_is_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    labels = purposes_asked(monkeypatch)
    assert pretext.run(context(instrument(WORLD + ART2), readings={"harms": "russia"})) == []
    assert labels == []


def test_several_other_acts_are_named_in_the_plural() -> None:
    (f,) = pretexts('clause art7 "Art. 7" { ukraine must not conclude where harms(kind); }\n')
    assert f.message.startswith(
        "russia can claim that ukraine breaches Art. 7 (art7) by conclude(ukraine, partner: "
        "ukraine, kind: training) (and 2 other distinct acts): lawful"
    )


def test_a_further_world_is_minimal_in_the_atoms_of_the_claim_only() -> None:
    """Concluding a training pact with usa obliges ukraine to an economic one with russia
    (art11): an act outside the claim. A further world is minimal in the atoms of the claim
    only, so that act does not count against usa's pact, which comes before russia's (last,
    as the claimant's own)."""
    text = (
        'clause art10 "Art. 10" { ukraine must not conclude where harms(kind); }\n'
        'clause art11 "Art. 11" { ukraine must conclude(partner: russia, kind: economic) '
        "when conclude(ukraine, usa, training); }\n"
    )
    (f,) = pretexts(text)
    assert dict(f.details)["conduct"] == [
        "conclude(ukraine, partner: ukraine, kind: training)",
        "conclude(ukraine, partner: usa, kind: training)",
        "conclude(ukraine, partner: russia, kind: training)",
    ]


def test_further_conduct_is_listed_first_where_it_needs_a_circumstance_of_the_accused_or_the_claimant() -> None:
    """After the act that needs nothing else, two acts each need a circumstance: one of ukraine's
    (the accused), one of usa's, declared first. The further worlds prefer what names the parties
    of the finding, as the first does, so ukraine's alert comes before usa's."""
    spec = """party usa, uk, ukraine, russia;
enum kind = {alliance, training, exercise};
fact alert(p: party);
act conclude(actor: party, partner: other party, kind: kind);
term harms(k: kind) { reading ordinary: k == alliance; reading russia: k in {alliance, training, exercise}; }
clause art2 "Art. 2" {
  ukraine must not conclude(partner: usa, kind: training) where harms(kind);
  ukraine must not conclude(partner: uk, kind: training) where harms(kind) when alert(ukraine);
  ukraine must not conclude(partner: uk, kind: exercise) where harms(kind) when alert(usa);
}
"""
    (f,) = run_checks(spec, pretext.run)
    assert dict(f.details)["conduct"] == [
        "conclude(ukraine, partner: usa, kind: training)",
        "conclude(ukraine, partner: uk, kind: training)",
        "conclude(ukraine, partner: uk, kind: exercise)",
    ]


def test_conduct_towards_a_member_of_the_accuseds_own_class_counts_the_other_members_only(tmp_path: Path) -> None:
    """The four partners are interchangeable, and a1 is asked for them all: its agreements with
    a2, a3 and a4 are one act renamed within the class, which the whole world has three times
    (a1 concludes with the three others, never with itself, nor do a2, a3, a4 stand for a1)."""
    path = tmp_path / "partners.nv"
    path.write_text(
        """party russia, a1, a2, a3, a4;
group partners = {a1, a2, a3, a4};
enum kind = {training};
act conclude(actor: party, partner: other party, kind: kind);
term harmful(p: party) { reading ordinary: false; reading russia: true; }
clause no_harm "no harmful agreements" { each g in partners must not conclude where harmful(partner) and partner != russia; }
""",
        encoding="utf-8",
    )
    options = Options()
    options.jobs = 1
    _, report = run([path], options)
    assert report is not None
    (f,) = [f for f in report.findings if f.kind is FindingKind.PRETEXT]
    assert f.message.startswith(
        "russia can claim that a1 breaches no harmful agreements (no_harm) by conclude(a1, partner: a2, kind: "
        "training) (and 2 other distinct acts): "
    )
    assert "(the details list 1 of the 3; an act that names a party standing for its class is listed once;" in f.message
