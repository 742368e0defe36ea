"""Bracketed quotations show the alternatives in force in the drafts of a finding."""

from __future__ import annotations

from verifier.findings import ClauseRef, Finding, FindingKind, Severity
from verifier.quotation import in_force, quoted

LABELS = ("base", "russia", "ukraine", "uk")
ART5 = ("each Guarantor State, [Russian revision: on the basis of a decision agreed upon by all], will provide "
        "assistance, [Ukraine revision: including closing the airspace], using armed force [support]")


def test_a_draft_shows_its_own_alternative_and_says_which_are_not_in_it() -> None:
    assert quoted(ART5, ["russia"], LABELS) == (
        "each Guarantor State, [Russian revision: on the basis of a decision agreed upon by all], will provide "
        "assistance, [Ukraine revision: not in draft russia], using armed force [support]")


def test_several_drafts_show_each_alternative_in_force_in_one_of_them() -> None:
    assert quoted(ART5, ["russia", "ukraine"], LABELS) == ART5


def test_labelled_figures_take_the_base_text_where_a_draft_has_none() -> None:
    text = "personnel: [base: 250,000 | russia: 85,000]"
    assert quoted(text, ["russia"], LABELS) == "personnel: [russia: 85,000]"
    assert quoted(text, ["ukraine"], LABELS) == "personnel: [base: 250,000]"
    assert quoted(text, ["base"], LABELS) == "personnel: [base: 250,000]"


def test_other_brackets_are_quoted_as_written() -> None:
    assert quoted("maintain [support] its neutrality [see: Art. 2]", ["russia"], LABELS) == \
        "maintain [support] its neutrality [see: Art. 2]"
    # (A label of fewer than four letters names a draft only as itself: `Ukraine` is not `uk`.)
    assert quoted("[Ukrainian text: x]", ["uk"], ("base", "uk")) == "[Ukrainian text: x]"


def test_a_finding_quotes_its_clauses_in_its_drafts() -> None:
    ref = ClauseRef("art5", "Art. 5", "t.nv", 1, 1, ART5)
    f = Finding(FindingKind.BLOCKABLE_GUARANTEE, Severity.ERROR, "m", "t.nv", (ref,), drafts=("russia",))
    text = in_force(f, LABELS).clauses[0].text
    assert text is not None and "[Ukraine revision: not in draft russia]" in text
    undrafted = Finding(FindingKind.BLOCKABLE_GUARANTEE, Severity.ERROR, "m", "t.nv", (ref,))
    assert in_force(undrafted, LABELS) == undrafted
