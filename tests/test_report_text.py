"""The text report: expected findings folded, each quotation once, no empty scenario lines."""

from __future__ import annotations

import re

from verifier.findings import ClauseRef, Finding, FindingKind, Report, Scenario, Severity
from verifier.report import markdown, text

ART5 = ClauseRef("art5", "Art. 5", "t.nv", 3, 1, "each of the Guarantor States will provide assistance", "Draft")
ART2 = ClauseRef("art2", "Art. 2", "t.nv", 9, 1, "no agreement that would harm the security of others")


def veto(party: str, expected: bool = True) -> Finding:
    return Finding(FindingKind.BLOCKABLE_GUARANTEE, Severity.ERROR,
                   f"{party} can keep Art. 5 (art5) from triggering, by agrees({party}) = false", "t.nv", (ART5,),
                   party=party, scenario=Scenario(), details=(("choice", f"agrees({party}) = false"),),
                   expected=expected)


def test_expected_findings_are_labelled_expected_and_folded_to_one_line() -> None:
    report = Report(findings=[veto("usa"), veto("uk", expected=False)])
    out = text.render(report, with_summary=False).splitlines()
    assert out[0] == "t.nv:3:1: expected[blockable-guarantee]: usa can keep Art. 5 (art5) from triggering, " \
                     "by agrees(usa) = false  (expected)"
    assert out[1] == ""
    assert out[2].startswith("t.nv:3:1: error[blockable-guarantee]: uk can keep")
    assert "error[" not in "\n".join(out[:2])


def test_a_long_expected_message_is_shortened_on_its_line() -> None:
    long = Finding(FindingKind.PRETEXT, Severity.WARNING, "russia can claim " + "that ukraine breaches " * 20,
                   "t.nv", (ART2,), party="russia", expected=True)
    (line,) = text.render(Report(findings=[long]), with_summary=False).splitlines()[:1]
    assert line.endswith(" ...  (expected)") and len(line) < 180


def test_a_folded_message_is_cut_at_a_word_within_the_width_in_terminal_cells() -> None:
    """Names may be written in any alphabet; a wide letter takes two cells of the terminal."""
    from rich.cells import cell_len

    from verifier.report.text import FOLDED_WIDTH, _shorten

    wide = "\u4e2d\u56fd"  # two letters, four cells
    text_ = " ".join([wide] * 60)
    short = _shorten(text_, FOLDED_WIDTH)
    assert short.endswith(f"{wide} ...") and cell_len(short) <= FOLDED_WIDTH < len(short) * 2
    assert _shorten("a  short\n message", FOLDED_WIDTH) == "a short message"
    assert _shorten("x" * 200, 20) == "x" * 16 + " ..."  # one word longer than the line: cut inside it


def test_show_expected_prints_expected_findings_in_full() -> None:
    out = text.render(Report(findings=[veto("usa")]), with_summary=False, show_expected=True)
    assert "expected[blockable-guarantee]" in out and "\u201ceach of the Guarantor States" in out
    assert "  party: usa" in out


def test_a_quotation_is_printed_once_and_later_citations_refer_to_it() -> None:
    report = Report(findings=[veto("usa", expected=False), veto("uk", expected=False)])
    out = text.render(report, with_summary=False)
    assert out.count("each of the Guarantor States") == 1 and out.count("source: Draft") == 1
    assert "  - Art. 5 (art5) at t.nv:3:1 (quoted above)" in out


def test_a_folded_finding_does_not_count_as_quoted() -> None:
    out = text.render(Report(findings=[veto("usa"), veto("uk", expected=False)]), with_summary=False)
    assert out.count("each of the Guarantor States") == 1 and "(quoted above)" not in out


def test_an_empty_scenario_is_one_line_naming_the_choice() -> None:
    out = text.render(Report(findings=[veto("usa", expected=False)]), with_summary=False)
    assert "  scenario (minimal): nothing happens but the choice: agrees(usa) = false" in out
    assert "facts: none" not in out and "acts: none" not in out


def test_a_scenario_lists_only_what_it_has() -> None:
    f = Finding(FindingKind.CONFLICT, Severity.ERROR, "ukraine cannot respect ...", "t.nv", (ART2,), party="ukraine",
                scenario=Scenario(facts=("at_war(russia, usa)",)))
    out = text.render(Report(findings=[f]), with_summary=False)
    assert "    facts: at_war(russia, usa)" in out and "    acts:" not in out


def test_a_merged_finding_names_its_parties() -> None:
    f = Finding(FindingKind.BLOCKABLE_GUARANTEE, Severity.ERROR, "usa can keep ...; likewise with uk in place of usa",
                "t.nv", (ART5,), party="usa", merged=("usa", "uk"), merged_on="party")
    assert "  parties: usa, uk" in text.render(Report(findings=[f]), with_summary=False)
    g = Finding(FindingKind.PRETEXT, Severity.WARNING, "russia can claim ...", "t.nv", (ART2,), party="russia",
                merged=("usa", "uk"), merged_on="against")
    assert "  party: russia; against: usa, uk" in text.render(Report(findings=[g]), with_summary=False)


def test_markdown_quotes_a_clause_once_and_links_to_it() -> None:
    out = markdown.render(Report(findings=[veto("usa"), veto("uk")]))
    assert out.count("each of the Guarantor States") == 1
    assert "(quoted above, in [finding 1](#finding-1))" in out


def test_a_clause_note_is_shown_in_the_full_text_report_and_in_markdown() -> None:
    from dataclasses import replace

    from verifier.report import json_report

    noted = replace(ART5, note="The consultations (three days) are not modelled.")
    finding = replace(veto("usa", expected=False), clauses=(noted,))
    report = Report(findings=[finding])
    assert "note:" not in text.render(report, with_summary=False)  # the default report stays short
    full = text.render(report, with_summary=False, show_expected=True)
    assert "      note: The consultations (three days) are not modelled." in full
    assert "   Note: The consultations (three days) are not modelled." in markdown.render(report)
    assert '"note": "The consultations (three days) are not modelled."' in json_report.render(report)


def test_colour_only_paints_the_plain_report() -> None:
    """With colour, the heads and the summary carry the terminal's colour codes; without them,
    the report is the plain one character for character."""
    import re

    report = Report(findings=[veto("usa"), veto("uk", expected=False)])
    plain = text.render(report, show_expected=True)
    coloured = text.render(report, colour=True, show_expected=True)
    assert "\x1b[1;32mexpected[blockable-guarantee]\x1b[0m" in coloured
    assert "\x1b[1;31merror[blockable-guarantee]\x1b[0m" in coloured
    assert "\x1b[1;31m" in coloured.splitlines()[-1]  # (an unexpected finding: the summary in red)
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    assert "\x1b" not in plain


def test_readings_and_open_wording_are_said_in_words() -> None:
    f = Finding(FindingKind.PRETEXT, Severity.WARNING, "russia can claim that ukraine breaches Art. 2 (art2)", "t.nv",
                (ART2,), party="russia", readings=(("harms", "russia"), ("lawful", "open"), ("x", "ordinary")),
                scenario=Scenario(terms=("lawful(ukraine)",)),
                details=(("claimant_reading_alias", None), ("baseline", "open")))
    out = text.render(Report(findings=[f]), show_expected=True)
    assert "wording: harms in the russia reading; lawful left open (no reading); x in its ordinary meaning" in out
    assert "open wording read as true: lawful(ukraine)" in out
    assert "readings:" not in out and "open terms" not in out
    md = markdown.render(Report(findings=[f]))
    assert "claimant reading alias" not in md and "- lawful under: no reading (left open)" in md


def test_the_corpus_report_is_a_third_of_the_full_one_and_loses_no_finding() -> None:
    """The text report of every spec as it reads by default (expected findings folded) against
    the full one (`--show-expected`), from the transcripts that tests/test_golden.py keeps equal
    to the real output: at most a third of the lines, and the same findings in the same order,
    each folded to its one line."""
    from tests.golden import GOLDEN

    head = re.compile(r"^\S+:\d+:\d+: (?:expected|error|warning|info)\[[a-z-]+\]: ")
    folded_lines = full_lines = 0
    for folded in sorted((GOLDEN / "specs").glob("*.txt")):
        if folded.name.endswith(".full.txt"):
            continue
        full = folded.with_name(folded.name.removesuffix(".txt") + ".full.txt")
        short, whole = folded.read_text(encoding="utf-8").splitlines(), full.read_text(encoding="utf-8").splitlines()
        folded_lines, full_lines = folded_lines + len(short), full_lines + len(whole)
        heads = [line for line in whole if head.match(line)]
        assert [m.group(0) for line in short if (m := head.match(line))] == \
               [m.group(0) for line in heads if (m := head.match(line))], folded.name
    assert full_lines > 0 and folded_lines * 3 <= full_lines
