"""pipeline._merge_drafts: one finding per distinct problem, listing the drafts it holds in."""

from __future__ import annotations

import dataclasses

from verifier.findings import ClauseRef, Finding, FindingKind, Severity
from verifier.pipeline import _merge_drafts

ART5 = ClauseRef("art5", "Art. 5", "t.nv", 1, 1, None)
ART6 = ClauseRef("art6", "Art. 6", "t.nv", 2, 1, None)


def finding(kind: FindingKind, message: str, draft: str, *details: tuple[str, object],
            clauses: tuple[ClauseRef, ...] = (ART5, ART6)) -> Finding:
    return Finding(kind, Severity.ERROR, message, "t.nv", clauses, party="russia", draft=draft, drafts=(draft,),
                   details=details)


def test_the_same_problem_in_two_drafts_is_one_finding_with_the_first_drafts_example() -> None:
    a = finding(FindingKind.CONFLICT, "russia cannot respect ... when armed_attack(usa, ukraine)", "russia")
    b = finding(FindingKind.CONFLICT, "russia cannot respect ... when armed_attack(uk, ukraine)", "ukraine")
    [merged] = _merge_drafts([a, b])
    assert merged.drafts == ("russia", "ukraine") and merged.message == a.message and merged.draft == "russia"


def test_another_example_act_or_conduct_is_the_same_problem() -> None:
    a = finding(FindingKind.PRETEXT, "x by assist(a)", "russia", ("term", "t"), ("conduct", ["assist(a)"]))
    b = finding(FindingKind.PRETEXT, "x by assist(b)", "ukraine", ("term", "t"), ("conduct", ["assist(b)"]))
    c = finding(FindingKind.PRETEXT, "y by assist(b)", "base", ("term", "u"), ("conduct", ["assist(b)"]))
    merged = _merge_drafts([a, b, c])
    assert [f.drafts for f in merged] == [("russia", "ukraine"), ("base",)]  # another term: another problem


def test_how_a_guarantee_is_blocked_is_the_problem_not_an_example() -> None:
    veto = finding(FindingKind.BLOCKABLE_GUARANTEE, "by agrees(russia) = false", "russia",
                   ("choice", "agrees(russia) = false"), clauses=(ART5,))
    area = finding(FindingKind.BLOCKABLE_GUARANTEE, "by attacking elsewhere", "ukraine",
                   ("choice", "armed_attack(russia, ukraine, mainland) = false"), clauses=(ART5,))
    assert len(_merge_drafts([veto, area])) == 2


def test_findings_of_one_draft_merge_only_when_their_text_is_the_same() -> None:
    a = finding(FindingKind.CONFLICT, "first situation", "russia")
    same = dataclasses.replace(a)
    other = finding(FindingKind.CONFLICT, "second situation", "russia")
    assert [f.message for f in _merge_drafts([a, same, other])] == ["first situation", "second situation"]
