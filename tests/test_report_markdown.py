"""--format markdown: summary tables, then per finding its sentence, clauses, drafts, readings and scenario."""

from __future__ import annotations

import re
from pathlib import Path

from tests.report_support import DATA, check, nverify
from verifier.report import FORMATS
from verifier.report.common import summary_line
from verifier.report.markdown import code, escape, sentence


def _cells(row: str) -> int:
    """Cells of a GitHub table row: pipes not escaped by a backslash."""
    return len(re.findall(r"(?<!\\)\|", row)) - 1


def test_summary_then_one_section_per_finding() -> None:
    report = check([DATA / "drafts.nv"])
    md = FORMATS["markdown"](report)
    assert md.startswith("# nverify report\n")
    assert summary_line(report) in md
    summary = md.index("## Summary")
    findings = md.index("## Findings")
    assert summary < findings < md.index("## Expectations")
    for kind in {f.kind.value for f in report.findings}:
        assert re.search(rf"^\| `{kind}` \| \d+ \| \d+ \| \d+ \|$", md, re.MULTILINE)
    for n, f in enumerate(report.findings, start=1):
        assert f'<a id="finding-{n}"></a>' in md
        assert f"[{n}](#finding-{n})" in md
        assert f"### {n}. {f.severity.value}[{f.kind.value}]" in md
    assert md.count("**Scenario**") == sum(1 for f in report.findings if f.scenario is not None)
    # The scenario as a table: each atom in a row of its own.
    for f in report.findings:
        for act in f.scenario.acts if f.scenario else ():
            assert f"| act | `{act}` | done |" in md
        for q, v in f.scenario.quantities if f.scenario else ():
            assert f"| quantity | `{q}` | {v:,} |" in md


def test_clauses_are_quoted_with_source_and_drafts_and_readings_shown() -> None:
    report = check([DATA / "drafts.nv"])
    md = FORMATS["markdown"](report)
    assert "   > \u201cUkraine's armed forces shall not exceed 85,000 personnel.\u201d" in md
    assert "   Source: Press reports \\| 2022" in md
    assert "**Drafts in force:** `russia`, `ukraine`" in md
    assert "**Wording read as:** `status_breach`: no reading (left open)" in md
    assert "**Party:** usa" in md


def test_tables_keep_their_shape_whatever_the_spec_says() -> None:
    md = FORMATS["markdown"](check([DATA / "escaping.nv"]))
    lines = md.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|") and i + 1 < len(lines) and re.fullmatch(r"\|(-+:?\|)+", lines[i + 1]):
            width = _cells(line)
            j = i + 2
            while j < len(lines) and lines[j].startswith("|"):
                assert _cells(lines[j]) == width, lines[j]
                j += 1


def test_spec_text_is_escaped_never_markup() -> None:
    md = FORMATS["markdown"](check([DATA / "escaping.nv"]))
    # Only the writer's own anchors are raw HTML.
    raw_tags = re.findall(r"(?<!\\)<(?!a id=\"finding-\d+\"></a>)(?!/a>)[a-zA-Z/]", md)
    assert raw_tags == []
    assert "\\<script\\>alert(1)\\</script\\>" in md
    assert "\\*alliance\\*" in md
    assert "&amp;amp;" in md  # a literal `&amp;` in the wording stays literal
    assert "**# Art. 2 \\[link\\](http://example.invalid/)**" in md  # mid-line: not a heading
    assert "\\<a href=\"http://example.invalid/\"\\>link\\</a\\>" in md


def test_escape_helpers() -> None:
    assert escape("a *b* _c_ <d> [e](f) | g ` h") == "a \\*b\\* \\_c\\_ \\<d\\> \\[e\\](f) \\| g \\` h"
    assert escape("1. first\n- second\n# third", starts_line=True) == "1\\. first\n\\- second\n\\# third"
    assert escape("version 0.1.0") == "version 0.1.0"
    assert code("a`b") == "``a`b``"
    assert sentence("`expect x` failed: <b>") == "`expect x` failed: \\<b\\>"


def test_cli_writes_markdown(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    proc = nverify("--format", "markdown", "-o", out, DATA / "drafts.nv")
    assert proc.returncode == 1, proc.stderr
    assert out.read_text(encoding="utf-8").startswith("# nverify report")
