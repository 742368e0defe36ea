"""What every report writer shares: registration, the command line's choices, edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import click

from verifier.cli import check as check_command
from verifier.findings import ClauseRef, Finding, FindingKind, Report, Scenario, Severity
from verifier.report import FORMATS
from verifier.report.common import message_parts, primary_location


def test_every_writer_is_offered_on_the_command_line() -> None:
    option = next(p for p in check_command.params if p.name == "fmt")
    assert isinstance(option.type, click.Choice)
    assert list(option.type.choices) == list(FORMATS)


def test_every_writer_handles_an_empty_report() -> None:
    for name, render in FORMATS.items():
        out = render(Report())
        assert "0 findings" in out or json.loads(out) is not None, name


def test_every_writer_handles_a_finding_without_clauses_or_line() -> None:
    f = Finding(FindingKind.CONTRADICTION, Severity.ERROR, "the `assume` statements contradict each other",
                "a.nv")
    g = Finding(FindingKind.PRETEXT, Severity.INFO, "x", "a.nv",
                (ClauseRef("c", "Art. 1", "a.nv", 3, 5, None),), scenario=Scenario(),
                details=(("terms", ["t1", "t2"]), ("readings", {"ordinary": "a"})))
    report = Report(findings=[f, g])
    for name, render in FORMATS.items():
        assert render(report), name
    assert str(primary_location(f)) == "a.nv:1:1"
    assert str(primary_location(g)) == "a.nv:3:5"


def test_message_parts() -> None:
    assert message_parts("`expect x` failed") == [("expect x", True), (" failed", False)]
    assert message_parts("odd ` backtick") == [("odd ` backtick", False)]


def test_a_failed_scenario_is_located_at_its_statement_in_every_format(tmp_path: Path) -> None:
    from verifier.pipeline import Options, run

    spec = tmp_path / "s.nv"
    spec.write_text('instrument s "S";\nparty a;\nact go(actor: party);\n'
                    'clause c "Art. 1" { a must not go; }\n'
                    'scenario going: go(a);\n', encoding="utf-8")
    _, report = run([spec], Options())
    assert report is not None
    [failed] = [f for f in report.findings if f.kind is FindingKind.EXPECTATION_FAILED]
    assert [c.id for c in failed.clauses] == ["c"]  # ruled out by the clause on line 4...
    where = f"{failed.file}:5:1"                     # ...but the finding is about line 5
    assert str(primary_location(failed)) == where
    assert FORMATS["text"](report).startswith(f"{where}: error[expectation-failed]")
    assert f"`{where}`" in FORMATS["markdown"](report)
    sarif = json.loads(FORMATS["sarif"](report))
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (5, 1)
