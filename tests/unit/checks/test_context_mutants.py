"""The checks' shared context (verifier.checks.context): what is hidden from the report, what
a claimant's readings leave unchanged, the variables each clause of a party mentions, the
ranks a finding states, and the `unknown` without a reason. Written to kill the mutants that
survived the tests before (docs/trust.md, "Mutation testing")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dsl import formula as F
from dsl import load
from dsl.model import Instrument
from tests.unit.checks.test_excuse import TERM
from tests.unit.checks.test_excuse import WORLD as EXCUSE_WORLD
from tests.unit.checks.test_guarantees import coalition_findings
from tests.unit.checks.test_unanswered_deadline import WORLD as DEADLINE_WORLD
from tests.unit.helpers import baseline, context, findings_in, instrument, run_checks
from verifier.checks import contradiction, hollow_permission, unanswered_deadline
from verifier.checks.context import in_report
from verifier.findings import ClauseRef, FindingKind, Severity, problem_key
from verifier.minimal import witness as minimal_witness
from verifier.pipeline import Options, check_instrument
from verifier.session import Outcome, Session, Status
from verifier.witness import Holds, WitnessError

SPEC = """
party ukraine, russia, usa;
enum agreement_kind = {alliance, training};
act conclude(actor: party, partner: other party, kind: agreement_kind);
term harms(kind: agreement_kind) {
  reading ordinary: kind == alliance;
  reading russia: kind in {alliance, training};
}
clause c1 "Art. 1" {
  ukraine must not conclude(partner: usa, kind: training);
  usa must not conclude where harms(kind);
}
clause c2 "Art. 2" { ukraine may conclude(partner: usa, kind: training); }
"""

# A clause with no norm for ukraine, under a term with no ordinary reading (open).
USA_ONLY = (
    "term friendly(p: party) { reading russia: p == russia; }\n"
    'clause c4 "Art. 4" { usa must not conclude(partner: russia) where friendly(russia); }\n'
)


def test_a_problem_the_baseline_has_is_hidden_only_for_its_party_and_coalition() -> None:
    ctx = context(instrument(SPEC))
    ctx.hidden = frozenset(
        {
            problem_key(FindingKind.HOLLOW_PERMISSION, ["c2", "c1"], "ukraine"),
            problem_key(FindingKind.BLOCKABLE_GUARANTEE, ["c1"], "usa", ("usa", "russia")),
        }
    )
    assert not ctx.shown(FindingKind.HOLLOW_PERMISSION, ["c2", "c1"], "ukraine")
    assert ctx.shown(FindingKind.HOLLOW_PERMISSION, ["c2", "c1"], "russia")
    assert not ctx.shown(FindingKind.BLOCKABLE_GUARANTEE, ["c1"], "usa", ("usa", "russia"))
    assert ctx.shown(FindingKind.BLOCKABLE_GUARANTEE, ["c1"], "usa", ("usa", "ukraine"))


def test_a_permission_whose_holder_reads_its_own_norms_alike_is_not_asked_again() -> None:
    """Under russia's reading only usa's norm of Art. 1 changes: ukraine's compliance, and so
    its hollow permission, is the baseline's (already reported), and is not asked again."""
    inst = instrument(SPEC)
    (f,) = hollow_permission.run(context(inst))
    assert f.message == (
        "Art. 2 (c2) permits ukraine to conclude(ukraine, partner: usa, kind: training), "
        "but doing so always breaches Art. 1 (c1)"
    )
    claimant = context(inst, readings={"harms": "russia"})
    claimant.baseline, claimant.reading_name = baseline(inst), "russia"
    assert hollow_permission.run(claimant) == []


def test_a_clause_mentions_only_what_its_norms_for_the_party_mention() -> None:
    """Art. 3's condition on usa's norm mentions an act of ukraine's: not a variable of
    ukraine's own norms of Art. 3."""
    inst = instrument(
        SPEC + 'clause c3 "Art. 3" { ukraine must not conclude(partner: russia, kind: alliance);\n'
        "  usa must not conclude(partner: ukraine) when conclude(ukraine, usa, alliance); }\n" + USA_ONLY
    )
    assert context(inst).controlled_mentions("ukraine") == [
        ("c1", {("conclude", ("ukraine", "usa", "training"))}),
        ("c3", {("conclude", ("ukraine", "russia", "alliance"))}),
    ]


def test_the_ranks_of_three_instruments_are_listed_highest_first(tmp_path: Path) -> None:
    (tmp_path / "world.nv").write_text(
        "party ukraine, nato, eu;\nact join(actor: party, org: party);\n", encoding="utf-8"
    )
    for name, rank, clause in [("alpha", 1, "a"), ("beta", 3, "b"), ("gamma", 2, "c")]:
        norm = {
            "a": "ukraine must join(org: nato);",
            "b": "ukraine must join(org: eu);",
            "c": "ukraine must not join(org: nato) when join(ukraine, eu);",
        }[clause]
        (tmp_path / f"{name}.nv").write_text(
            f'instrument {name} "{name.title()}" rank {rank};\nimport "world.nv";\n'
            f'clause {clause} "{name.title()}, Art. 1" {{ {norm} }}\n',
            encoding="utf-8",
        )
    regime = tmp_path / "regime.nv"
    regime.write_text('import "alpha.nv";\nimport "beta.nv";\nimport "gamma.nv";\n', encoding="utf-8")
    findings, _, _ = check_instrument(load([regime]).instruments[0], Options())
    (f,) = [f for f in findings if f.kind is FindingKind.CONTRADICTION]
    assert f.message == (
        "Alpha, Art. 1 (a), Beta, Art. 1 (b) and Gamma, Art. 1 (c) cannot all be respected: "
        "Alpha, Art. 1 obliges ukraine to join(ukraine, org: nato), while Gamma, Art. 1 forbids it; "
        "in this regime, beta has rank 3, gamma rank 2 and alpha rank 1"
    )


def test_without_ranks_a_contradiction_says_nothing_of_them(tmp_path: Path) -> None:
    text = (
        "party ukraine, nato;\nact join(actor: party, org: party);\n"
        'clause t "Art. 1" { ukraine must not join(org: nato); }\n'
        'clause c "Art. 2" { ukraine must join(org: nato); }\n'
    )
    (f,) = findings_in(tmp_path, text, ["contradiction"])
    assert f.message == (
        "Art. 1 (t) and Art. 2 (c) cannot all be respected: Art. 2 obliges ukraine to "
        "join(ukraine, org: nato), while Art. 1 forbids it"
    )


def test_without_ranks_an_excuse_says_nothing_of_them(tmp_path: Path) -> None:
    (f,) = findings_in(tmp_path, EXCUSE_WORLD + TERM.format(russia="m in {consultation, armed_force}"), ["excuse"])
    assert f.message == (
        "russia can present its breach of Art. 3 (art3) by intervene(russia, target: ukraine, "
        "means: armed_force) as lawful: a breach under the ordinary reading of `necessary`, "
        "lawful under russia's own reading"
    )


def test_a_solver_that_gives_up_without_a_reason_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Session.check

    def check(self: Session, assumptions: Any, label: str = "") -> Outcome:
        if label.startswith("unanswered-deadline:"):
            return Outcome(Status.UNKNOWN, reason="")
        return original(self, assumptions, label)

    monkeypatch.setattr(Session, "check", check)
    (f,) = run_checks(DEADLINE_WORLD, unanswered_deadline.run)
    assert (f.kind, f.severity) == (FindingKind.UNKNOWN, Severity.WARNING)
    assert f.message == (
        "the solver gave up on whether a miss of the deadline in art12 by belligerent is answered "
        "(no reason given); nothing is proved either way"
    )
    assert f.details == (("reason", ""),)


def test_a_partys_literals_compliance_and_norms_are_of_its_own_clauses_only() -> None:
    """Art. 4 binds usa alone: it adds nothing to ukraine's literals, compliance or norms."""
    ctx = context(instrument(SPEC + USA_ONLY))
    own = ctx.session.norms_of("c1", ctx.readings, "ukraine")
    assert [str(lit) for lit in ctx.party_lits("ukraine")] == ["clause c1 @ukraine [harms=ordinary]"]
    assert ctx.party_compliance("ukraine").eq(own)
    comp = ctx.comp("ukraine", ctx.readings)
    assert len(comp) == 2 and comp[0].eq(ctx.enc.assumptions(ctx.readings)) and comp[1].eq(own)


def test_a_finding_cites_its_clauses_where_they_are_and_the_readings_in_force() -> None:
    text = (
        "party ukraine, nato;\nact join(actor: party, org: party);\n"
        'clause t "Art. 1"\n  source "Treaty, 1994"\n  note "As read by the court"\n'
        '  text "Ukraine shall not join NATO."\n{ ukraine must not join(org: nato); }\n'
        'clause c "Art. 2" { ukraine must join(org: nato); }\n'
    )
    (f,) = run_checks(text, contradiction.run)
    assert f.clauses == (
        ClauseRef(
            "t",
            "Art. 1",
            "t.nv",
            3,
            1,
            "Ukraine shall not join NATO.",
            "Treaty, 1994",
            "conflicting",
            "As read by the court",
        ),
        ClauseRef("c", "Art. 2", "t.nv", 8, 1, None, None, "conflicting", None),
    )
    (g,) = hollow_permission.run(context(instrument(SPEC + USA_ONLY)))
    assert g.readings == (("friendly", "open"), ("harms", "ordinary"))


def test_a_scenario_reaches_a_finding_only_as_a_witness() -> None:
    ctx = context(instrument(SPEC))
    with pytest.raises(TypeError) as raised:
        ctx.finding(FindingKind.CONTRADICTION, Severity.ERROR, "m", [], scenario=None)
    assert str(raised.value) == "a scenario reaches a finding only as a Witness (verifier.witness)"


def test_a_witness_that_fails_a_claim_is_an_error_that_names_it() -> None:
    ctx = context(instrument(SPEC))
    model, _ = minimal_witness(ctx.session, ctx.fixed())
    assert model is not None
    with pytest.raises(WitnessError) as raised:
        ctx.witness(model, [Holds(F.FALSE, ctx.readings, what="the impossible")], what="a test's witness")
    assert str(raised.value) == "a test's witness: the witness does not show the impossible"


def test_a_witness_is_minimal_unless_the_check_says_otherwise(tmp_path: Path) -> None:
    """The blockable-guarantee check leaves `minimal` to the default."""
    scenarios = [f.scenario for f in coalition_findings(tmp_path, "all g in guarantors: agrees(g)") if f.scenario]
    assert scenarios and all(s.minimal is True for s in scenarios)


def regime(tmp: Path) -> Instrument:
    """A regime (regime.nv) of two imported files, each with a clause."""
    (tmp / "world.nv").write_text("party ukraine, nato;\nact join(actor: party, org: party);\n", encoding="utf-8")
    (tmp / "a.nv").write_text(
        'import "world.nv";\nclause a1 "A, Art. 1" { ukraine must not join(org: nato); }\n', encoding="utf-8"
    )
    (tmp / "b.nv").write_text(
        'import "world.nv";\nclause b1 "B, Art. 1" { ukraine must join(org: nato); }\n', encoding="utf-8"
    )
    (tmp / "regime.nv").write_text('import "a.nv";\nimport "b.nv";\n', encoding="utf-8")
    return load([tmp / "regime.nv"]).instruments[0]


def test_a_regime_reports_what_crosses_files_or_concerns_its_own_not_one_import_alone(tmp_path: Path) -> None:
    inst = regime(tmp_path)
    a, b, root = (str(tmp_path / name) for name in ("a.nv", "b.nv", "regime.nv"))
    assert inst.path == root and len(inst.files) == 4
    assert [in_report(inst, files) for files in (set(), {a}, {root}, {a, b})] == [True, False, True, True]
    single = instrument(SPEC)
    assert in_report(single, {"elsewhere.nv"}) and in_report(single, {single.path})
    ctx = context(inst)
    assert ctx.reported(["a1"]) and ctx.reported(["protection_ukraine"])  # not for a report: everything
    ctx.for_report = True
    assert not ctx.reported(["a1"]) and not ctx.reported(["b1"])
    assert ctx.reported(["a1", "b1"]) and ctx.reported(["protection_ukraine"]) and ctx.reported([])


def test_a_finding_names_its_file_and_draft() -> None:
    drafted = SPEC.replace("where harms(kind);", "where [base: harms(kind) | russia: false];")
    (f,) = hollow_permission.run(context(instrument(drafted)))
    assert (f.file, f.draft) == ("t.nv", "base")
