"""verifier.checks.hollow_permission: permissions that cannot be exercised without a breach."""

from __future__ import annotations

import pytest

from tests.unit.helpers import run_checks
from verifier.checks import hollow_permission
from verifier.findings import Finding, FindingKind, Severity

WORLD = """
party ukraine, russia, usa;
enum kind = {alliance, training};
fact martial_law(p: party);
fact consents(p: party) controlled by p;
quantity troops(p: party) controlled by p;
act conclude(actor: party, partner: party, kind: kind);
"""


def hollow(text: str) -> list[Finding]:
    findings = run_checks(WORLD + text, hollow_permission.run)
    assert all(f.kind is FindingKind.HOLLOW_PERMISSION for f in findings)
    return findings


def roles(f: Finding) -> list[tuple[str, str | None]]:
    return [(c.id, c.role) for c in f.clauses]


def test_always_blocked_is_an_error() -> None:
    (f,) = hollow('clause ban "Art. 1" { ukraine must not conclude; }\n'
                  'clause train "Art. 2" { ukraine may conclude(partner: usa, kind: training); }')
    assert f.severity is Severity.ERROR and f.party == "ukraine" and dict(f.details)["always"] is True
    assert roles(f) == [("train", "permission"), ("ban", "blocking")]
    assert f.scenario is not None and f.scenario.acts == ("conclude(ukraine, usa, training)",)


def test_blocked_in_a_situation_is_a_warning() -> None:
    (f,) = hollow('clause ban "Art. 1" { ukraine must not conclude when martial_law(ukraine); }\n'
                  'clause train "Art. 2" { ukraine may conclude(partner: usa, kind: training); }')
    assert f.severity is Severity.WARNING and dict(f.details)["always"] is False
    assert f.scenario is not None and f.scenario.facts == ("martial_law(ukraine)",)
    assert f.scenario.acts == ("conclude(ukraine, usa, training)",)


def test_a_permission_that_fits_no_finding() -> None:
    assert hollow('clause ban "Art. 1" { ukraine must not conclude where kind == alliance; }\n'
                  'clause train "Art. 2" { ukraine may conclude(kind: training); }') == []


def test_other_parties_norms_do_not_hollow_a_permission() -> None:
    assert hollow('clause ban "Art. 1" { russia must not conclude; }\n'
                  'clause train "Art. 2" { ukraine may conclude; }') == []


def test_a_party_deciding_the_trigger_can_avoid_the_block() -> None:
    # The ban applies only when ukraine itself consents: it can exercise the permission by not consenting.
    assert hollow('clause ban "Art. 1" { ukraine must not conclude when consents(ukraine); }\n'
                  'clause train "Art. 2" { ukraine may conclude(partner: usa); }') == []


def test_only_the_blocked_instance_is_reported() -> None:
    (f,) = hollow('clause ban "Art. 1" { ukraine must not conclude(partner: russia, kind: alliance); }\n'
                  'clause any "Art. 2" { ukraine may conclude; }')
    assert dict(f.details)["act"] == "conclude(ukraine, partner: russia, kind: alliance)"


def test_an_override_keeps_the_permission_whole() -> None:
    assert hollow('clause ban "Art. 1" { ukraine must not conclude; }\n'
                  'clause train "Art. 2" overrides ban { ukraine may conclude(kind: training); }') == []


def test_a_permission_to_keep_a_state() -> None:
    (f,) = hollow('clause cap "Annex" { limit troops(ukraine) <= 100; }\n'
                  'clause army "Art. 3" { ukraine may keep troops(ukraine) >= 250; }')
    assert f.severity is Severity.ERROR and roles(f) == [("army", "permission"), ("cap", "blocking")]
    assert hollow('clause cap "Annex" { limit troops(ukraine) <= 300; }\n'
                  'clause army "Art. 3" { ukraine may keep troops(ukraine) >= 250; }') == []


def test_a_permission_never_in_force_is_not_hollow() -> None:
    assert hollow('assume not martial_law(usa);\n'
                  'clause ban "Art. 1" { ukraine must not conclude; }\n'
                  'clause train "Art. 2" { ukraine may conclude when martial_law(usa); }') == []


def test_one_finding_per_subject() -> None:
    found = hollow('clause ban "Art. 1" { ukraine must not conclude; russia must not conclude(kind: alliance); }\n'
                   'clause any "Art. 2" { each p in {ukraine, russia} may conclude(partner: usa, kind: alliance); }')
    assert sorted(f.party or "" for f in found) == ["russia", "ukraine"]


def test_clauses_on_other_choices_are_left_out_of_the_search_not_the_answer() -> None:
    # `deploy` shares no choice of Ukraine's with the permission: the search leaves it out,
    # and the situation that blocks the permission is still found.
    text = ('quantity deployed(p: party) controlled by p;\n'
            'clause ban "Art. 1" { ukraine must not conclude when martial_law(ukraine); }\n'
            'clause deploy "Art. 4" { ukraine must keep deployed(ukraine) >= 3 when martial_law(russia); }\n'
            'clause train "Art. 2" { ukraine may conclude(partner: usa, kind: training); }')
    from tests.unit.helpers import context, instrument

    ctx = context(instrument(WORLD + text))
    seeds = [ctx.enc.atom_vars[("conclude", ("ukraine", "usa", "training"))]]
    assert hollow_permission._connected(ctx, "ukraine", seeds) == ["ban"]
    (f,) = hollow(text)
    assert roles(f) == [("train", "permission"), ("ban", "blocking")] and dict(f.details)["always"] is False


def test_searching_linked_clauses_only_finds_what_the_whole_compliance_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """On the oracle's random specs: the same problems, whether the search leaves the unlinked
    clauses out or takes in the party's whole compliance."""
    from tests.oracle.gen import RandomChooser, generate
    from tests.unit.helpers import instrument
    from verifier.pipeline import Options, check_instrument

    def problems(text: str) -> list[tuple[object, ...]]:
        findings, _, _ = check_instrument(instrument(text), Options())
        return sorted((f.problem_key(), f.drafts, dict(f.details).get("always"), dict(f.details).get("reading"))
                      for f in findings if f.kind is FindingKind.HOLLOW_PERMISSION)

    found = 0
    for seed in range(60):
        text = generate(RandomChooser(seed))
        linked = problems(text)
        with monkeypatch.context() as patched:
            patched.setattr(hollow_permission, "_connected",
                            lambda ctx, subject, seeds: [c.id for c in ctx.clauses_of(subject)])
            whole = problems(text)
        assert linked == whole, seed
        found += bool(linked)
    assert found >= 3
