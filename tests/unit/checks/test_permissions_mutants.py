"""verifier.checks.permissions, what the permission checks share: a `keep` permission's
condition read for its holder and under the readings, the formulas compared with the
baseline's under a claimant's readings, and the bound on a permission's instances."""

from __future__ import annotations

import pytest

from tests.unit.helpers import baseline, context, instrument, run_checks
from verifier.checks import blocked_permission, hollow_permission
from verifier.checks.context import CheckContext
from verifier.findings import Finding, FindingKind, Severity

WORLD = """
party ukraine, russia;
fact martial_law(p: party);
fact emergency_declared();
quantity troops(p: party) controlled by p;
"""


def test_a_keep_permission_reads_its_condition_for_its_holder() -> None:
    """The condition names the holder (`martial_law(p)`): read with p bound to each holder."""
    text = WORLD + (
        'clause cap "Annex" { limit troops(ukraine) <= 100; }\n'
        'clause army "Art. 3" { each p in {ukraine, russia} may keep troops(p) >= 250 when martial_law(p); }\n'
    )
    (f,) = run_checks(text, hollow_permission.run)
    assert (f.kind, f.severity, f.party) == (FindingKind.HOLLOW_PERMISSION, Severity.ERROR, "ukraine")
    assert f.message == (
        "Art. 3 (army) permits ukraine to keep troops(ukraine) >= 250, but doing so always breaches Annex (cap)"
    )
    assert [(c.id, c.role) for c in f.clauses] == [("army", "permission"), ("cap", "blocking")]
    assert f.scenario is not None and f.scenario.facts == ("martial_law(ukraine)",)


def test_a_keep_permission_reads_its_condition_under_the_readings() -> None:
    """Under the ordinary reading the permission is never in force, so it is not hollow; an
    open term would let it be."""
    text = WORLD + (
        "term crisis() { reading ordinary: false; reading russia: emergency_declared(); }\n"
        'clause cap "Annex" { limit troops(ukraine) <= 100; }\n'
        'clause army "Art. 3" { ukraine may keep troops(ukraine) >= 250 when crisis(); }\n'
    )
    assert run_checks(text, hollow_permission.run) == []


CLAIMED = WORLD + (
    "term large() { reading ordinary: troops(ukraine) >= 50; reading russia: troops(ukraine) >= 250; }\n"
    "term strict() { reading ordinary: false; reading russia: true; }\n"
    'clause cap "Annex" { limit troops(ukraine) <= 100; }\n'
    'clause other "Art. 5" { russia must keep troops(russia) <= 10 when strict(); }\n'
)


def under_russias_reading(text: str) -> list[Finding]:
    """The hollow-permission findings under russia's readings, the baseline's being ordinary."""
    inst = instrument(text)
    ctx = context(inst, readings=dict.fromkeys(inst.terms, "russia"))
    ctx.baseline = baseline(inst)
    return list(hollow_permission.run(ctx))


def test_a_claimant_reading_of_the_kept_state_is_asked_again() -> None:
    """Only the state the permission keeps reads otherwise: not the baseline's formulas."""
    text = CLAIMED + 'clause army "Art. 3" { ukraine may keep large(); }\n'
    assert run_checks(text, hollow_permission.run) == []
    (f,) = under_russias_reading(text)
    assert f.message == "Art. 3 (army) permits ukraine to keep large(), but doing so always breaches Annex (cap)"


def test_a_claimant_reading_of_another_partys_clauses_is_not_asked_again() -> None:
    """Only russia's clause reads otherwise: ukraine's permission, its clauses and the world are
    the baseline's formulas, and the baseline's finding stands for the claimant's."""
    text = CLAIMED + 'clause army "Art. 3" { ukraine may keep troops(ukraine) >= 250; }\n'
    assert [f.kind for f in run_checks(text, hollow_permission.run)] == [FindingKind.HOLLOW_PERMISSION]
    assert under_russias_reading(text) == []


KINDS = ", ".join(f"k{i}" for i in range(65))


def test_a_permission_is_asked_about_its_first_64_acts_only() -> None:
    """The 65th act the permission grants (kind k64) is past the bound: its ban is not seen."""
    text = WORLD + (
        f"enum kind = {{{KINDS}}};\n"
        "act conclude(actor: party, kind: kind);\n"
        'clause ban "Art. 1" { ukraine must not conclude(kind: k64); }\n'
        'clause any "Art. 2" { ukraine may conclude; }\n'
    )
    assert run_checks(text, hollow_permission.run) == []
    (f,) = run_checks(text.replace("kind: k64", "kind: k63"), hollow_permission.run)
    assert dict(f.details)["act"] == "conclude(ukraine, kind: k63)"


def test_an_act_the_filter_rules_out_does_not_end_the_permissions_acts() -> None:
    """The first act (kind alliance) is filtered out; the next one is still asked about."""
    text = WORLD + (
        "enum kind = {alliance, training};\n"
        "act conclude(actor: party, kind: kind);\n"
        'clause ban "Art. 1" { ukraine must not conclude(kind: training); }\n'
        'clause any "Art. 2" { ukraine may conclude where kind != alliance; }\n'
    )
    (f,) = run_checks(text, hollow_permission.run)
    assert f.message == (
        "Art. 2 (any) permits ukraine to conclude(ukraine, kind: training), but doing so always breaches Art. 1 (ban)"
    )


def test_a_permission_left_out_of_the_report_does_not_end_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks that report a permission's clause alone skip a clause the report leaves out
    (as a regime does an import's), and go on to the next."""
    monkeypatch.setattr(CheckContext, "reported", lambda self, clause_ids: list(clause_ids) != ["first"])
    veto = "{ ukraine may hold(with: usa) when consents(russia); ukraine must not hold unless consents(russia); }\n"
    text = (
        "party ukraine, russia, usa;\n"
        "fact consents(g: party) controlled by g;\n"
        "act hold(actor: party, with: party);\n"
        f'clause first "Art. 1" {veto}clause second "Art. 2" {veto}'
    )
    assert [(f.party, [c.id for c in f.clauses]) for f in run_checks(text, blocked_permission.run)] == [
        ("russia", ["second"])
    ]
