"""The command line contract: exit codes, JSON, usage errors, the default command, -o, and the entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden import ROOT, Run, run_cli

PASSING = 'party ukraine, russia;\nact join(actor: party);\nclause c "C" { ukraine must not join; }\n' \
          "assert never: not join(ukraine);\n"
FINDING = 'party ukraine;\nact join(actor: party);\nclause a "A" { ukraine must join; }\n' \
          'clause b "B" { ukraine must not join; }\n'
EXPECTED = FINDING + "expect contradiction on a, b;\n"
FAILED_ASSERT = PASSING + "assert joins: join(ukraine);\n"
BAD = "party ukraine\nact join(actor: party);\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def spec(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return name


# ---- exit codes ---------------------------------------------------------------------------

def summary(run: Run) -> dict[str, object]:
    counts: dict[str, object] = json.loads(run.stdout)["summary"]
    return counts


def test_exit_0_when_everything_is_as_expected(here: Path) -> None:
    run = run_cli(["--format", "json", spec(here, "ok.nv", PASSING)])
    assert run.exit_code == 0 and run.stderr.startswith("1 instrument checked; 0 findings")
    assert summary(run)["findings"] == 0 and summary(run)["expectations_met"] == 1


def test_exit_0_when_every_finding_is_expected(here: Path) -> None:
    run = run_cli(["--format", "json", spec(here, "expected.nv", EXPECTED)])
    assert run.exit_code == 0 and summary(run)["expected"] == 1 and summary(run)["unexpected"] == 0


def test_exit_1_for_an_unexpected_finding(here: Path) -> None:
    run = run_cli(["--format", "json", spec(here, "finding.nv", FINDING)])
    assert run.exit_code == 1 and summary(run)["by_kind"] == {"contradiction": 1}


def test_exit_1_for_a_failed_expectation(here: Path) -> None:
    run = run_cli(["--format", "json", spec(here, "failed.nv", FAILED_ASSERT)])
    assert run.exit_code == 1 and summary(run)["expectations_failed"] == 1


def test_text_is_the_default_format(here: Path) -> None:
    name = spec(here, "finding.nv", FINDING)
    assert run_cli(["--color", "never", name]).stdout == run_cli(["--format", "text", "--color", "never", name]).stdout
    assert "contradiction" in run_cli(["--color", "never", name]).stdout


def test_exit_2_for_bad_input_with_location_and_caret(here: Path) -> None:
    run = run_cli([spec(here, "bad.nv", BAD)])
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.startswith("bad.nv:1:14: error[syntax]: ")
    assert "    1 | party ukraine\n" in run.stderr and "^" in run.stderr
    assert "Traceback" not in run.stderr


def test_bad_input_anywhere_stops_the_whole_run(here: Path) -> None:
    spec(here, "a_ok.nv", PASSING)
    spec(here, "b_bad.nv", BAD)
    run = run_cli(["."])
    assert run.exit_code == 2 and run.stdout == ""


def test_a_folder_is_checked_recursively(here: Path) -> None:
    (here / "sub").mkdir()
    spec(here, "a.nv", PASSING)
    spec(here / "sub", "b.nv", EXPECTED)
    run = run_cli(["--format", "json", "."])
    assert run.exit_code == 0
    assert [f["path"] for f in json.loads(run.stdout)["files"]] == ["a.nv", "sub/b.nv"]


# ---- JSON ------------------------------------------------------------------------------------

def test_json_contract(here: Path) -> None:
    run = run_cli(["--format", "json", spec(here, "finding.nv", FINDING), spec(here, "ok.nv", PASSING)])
    assert run.exit_code == 1
    doc = json.loads(run.stdout)
    assert {"version", "files", "findings", "summary"} <= set(doc)
    assert doc["version"] == 1
    assert [f["path"] for f in doc["files"]] == ["finding.nv", "ok.nv"]
    (finding,) = doc["findings"]
    for key in ("kind", "severity", "expected", "party", "message", "clauses", "readings", "draft", "scenario"):
        assert key in finding
    assert finding["kind"] == "contradiction" and finding["expected"] is False
    assert [c["id"] for c in finding["clauses"]] == ["a", "b"]
    assert {"file", "line", "column", "label", "text"} <= set(finding["clauses"][0])
    summary = doc["summary"]
    assert summary["findings"] == 1 and summary["unexpected"] == 1 and summary["expected"] == 0
    assert summary["by_kind"] == {"contradiction": 1}
    assert summary["expectations_met"] == 1 and summary["expectations_failed"] == 0
    assert summary["unknown"] == 0


def test_json_is_deterministic(here: Path) -> None:
    name = spec(here, "finding.nv", FINDING)
    assert run_cli(["--format", "json", name]).stdout == run_cli(["--format", "json", name]).stdout


def test_bad_input_in_json_mode_is_json_on_stdout_and_text_on_stderr(here: Path) -> None:
    run = run_cli(["--format", "json", spec(here, "bad.nv", BAD)])
    assert run.exit_code == 2 and "bad.nv:1:14: error[syntax]" in run.stderr
    document = json.loads(run.stdout)
    assert document["version"] == 1 and document["findings"] == [] and document["summary"]["errors"] == 1
    [diag] = document["diagnostics"]
    assert (diag["file"], diag["line"], diag["column"], diag["code"], diag["severity"]) == \
        ("bad.nv", 1, 14, "syntax", "error")
    assert diag["message"] == "missing ';' at the end of this statement"


def test_bad_input_in_sarif_mode_is_sarif_with_a_region(here: Path) -> None:
    from tests.test_golden import validate_sarif

    run = run_cli(["--format", "sarif", spec(here, "bad.nv", BAD)])
    assert run.exit_code == 2 and "error[syntax]" in run.stderr
    document = json.loads(run.stdout)
    validate_sarif(document)
    [sarif_run] = document["runs"]
    assert sarif_run["invocations"] == [{"executionSuccessful": False, "exitCode": 2}]
    [result] = sarif_run["results"]
    assert result["level"] == "error" and result["ruleId"] == "syntax"
    assert result["message"]["text"].startswith("missing ';' at the end of this statement")
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "bad.nv"
    assert location["region"]["startLine"] == 1 and location["region"]["startColumn"] == 14


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_errors_without_a_place_are_machine_readable_too(here: Path, fmt: str) -> None:
    """A reading no spec has, a folder with nothing to check, a -o FILE that is a spec: stdout is parseable."""
    from tests.test_golden import validate_sarif

    name = spec(here, "ok.nv", PASSING)
    (here / "empty").mkdir()
    for args in (["--reading", "nonexistent", name], ["empty"], ["-o", name, name]):
        run = run_cli(["--format", fmt, *args])
        assert run.exit_code == 2 and run.stderr.startswith(("nverify: error:", "empty:1:1: error[io-error]")), args
        document = json.loads(run.stdout)
        if fmt == "json":
            [diag] = document["diagnostics"]
            assert diag["severity"] == "error" and diag["message"], args
        else:
            validate_sarif(document)
            [result] = document["runs"][0]["results"]
            assert result["level"] == "error" and result["message"]["text"], args
    assert (here / name).read_text(encoding="utf-8") == PASSING  # -o never wrote over the spec


def test_bad_input_in_diff_json_is_json(here: Path) -> None:
    name = spec(here, "bad.nv", BAD)
    run = run_cli(["diff", "--format", "json", name, name])
    assert run.exit_code == 2 and json.loads(run.stdout)["diagnostics"][0]["code"] == "syntax"


# ---- usage errors ---------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ["--no-such-option", "x.nv"],
    ["--format", "yaml", "x.nv"],
    ["--timeout", "0", "x.nv"],
    ["--rlimit", "-1", "x.nv"],
    ["--max-findings", "0", "x.nv"],
    ["check"],                            # the subcommand without a path
])
def test_usage_errors_exit_2(here: Path, args: list[str]) -> None:
    spec(here, "x.nv", PASSING)
    run = run_cli(args)
    assert run.exit_code == 2 and "Traceback" not in run.output
    assert "Usage:" in run.stderr or "Error" in run.stderr


def test_a_reading_the_spec_does_not_have_is_a_usage_error(here: Path) -> None:
    text = "party a;\nenum k = {x};\nact go(actor: party, kind: k);\n" \
           "term t(v: k) { reading ordinary: true; }\nclause c \"C\" { a must not go where t(kind); }\n"
    run = run_cli(["--reading", "t=nonexistent", spec(here, "t.nv", text)])
    assert run.exit_code == 2 and "no reading `nonexistent`" in run.stderr and "Traceback" not in run.output


def test_help_and_version() -> None:
    assert run_cli(["--help"]).exit_code == 0
    assert "PATH" in run_cli(["check", "--help"]).stdout
    version = run_cli(["--version"])
    assert version.exit_code == 0 and "version" in version.stdout


# ---- the default command ------------------------------------------------------------------

def test_check_is_the_default_command(here: Path) -> None:
    name = spec(here, "finding.nv", FINDING)
    implicit, explicit = run_cli(["--format", "json", name]), run_cli(["check", "--format", "json", name])
    assert implicit.exit_code == explicit.exit_code == 1
    assert implicit.stdout == explicit.stdout


def test_a_file_named_like_a_subcommand_is_reached_with_a_path(here: Path) -> None:
    spec(here, "check", EXPECTED)
    run = run_cli(["--format", "json", "./check"])
    assert run.exit_code == 0 and [f["path"] for f in json.loads(run.stdout)["files"]] == ["check"]
    assert run_cli(["check", "--format", "json", "./check"]).stdout == run.stdout


# ---- -o FILE ----------------------------------------------------------------------------

def test_output_file_gets_the_report_and_stdout_stays_empty(here: Path) -> None:
    name = spec(here, "finding.nv", FINDING)
    shown = run_cli(["--format", "json", name])
    (here / "out").mkdir()
    written = run_cli(["--format", "json", "-o", "out/report.json", name])
    assert written.exit_code == shown.exit_code == 1
    assert written.stdout == ""
    assert (here / "out" / "report.json").read_text(encoding="utf-8") == shown.stdout
    assert [p.name for p in (here / "out").iterdir()] == ["report.json"]   # no temporary file left behind


def test_output_file_is_replaced_atomically(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report is written to a temporary file beside the target, then renamed over it in one step."""
    name = spec(here, "ok.nv", PASSING)
    target = here / "report.txt"
    target.write_text("previous report\n", encoding="utf-8")
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        # At the moment of the rename, the target still holds the previous report in full.
        assert Path(dst).read_text(encoding="utf-8") == "previous report\n"
        assert Path(src).parent.resolve() == Path(dst).parent.resolve()
        renames.append((str(src), str(dst)))
        real_replace(src, dst)

    shown = run_cli(["--color", "never", name])
    monkeypatch.setattr(os, "replace", replace)
    run = run_cli(["--color", "never", "-o", str(target), name])
    assert run.exit_code == 0 and len(renames) == 1
    # The file holds the whole report: what standard output shows, then the summary line it leaves to stderr.
    assert target.read_text(encoding="utf-8") == shown.stdout + shown.stderr
    assert run.stdout == "" and run.stderr == shown.stderr


def test_output_file_has_the_mode_of_a_file_written_in_place(here: Path) -> None:
    """Not the private mode of the temporary file: a new report follows the umask, and a
    report written over an old one keeps the old one's mode."""
    name = spec(here, "ok.nv", PASSING)
    old = os.umask(0o022)
    try:
        assert run_cli(["-o", "new.txt", name]).exit_code == 0
        assert (here / "new.txt").stat().st_mode & 0o777 == 0o644
        (here / "kept.txt").write_text("previous\n", encoding="utf-8")
        os.chmod(here / "kept.txt", 0o640)
        assert run_cli(["-o", "kept.txt", name]).exit_code == 0
        assert (here / "kept.txt").stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


def test_no_output_file_on_bad_input(here: Path) -> None:
    run = run_cli(["-o", "report.txt", spec(here, "bad.nv", BAD)])
    assert run.exit_code == 2 and not (here / "report.txt").exists()


# ---- internal errors and the entry point -------------------------------------------------------

def test_an_internal_error_is_reported_without_a_traceback(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import verifier.pipeline

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(verifier.pipeline, "run", broken)
    name = spec(here, "ok.nv", PASSING)
    run = run_cli([name])
    assert run.exit_code == 3 and "internal error" in run.stderr and "simulated bug" in run.stderr
    assert "Traceback" not in run.output
    debug = run_cli(["--debug", name])
    assert debug.exit_code == 3 and "Traceback" in debug.output


@pytest.mark.parametrize("command", ["diff", "negotiate"])
def test_internal_errors_of_every_command_exit_3(command: str, monkeypatch: pytest.MonkeyPatch, in_root: None) -> None:
    import verifier.diff
    import verifier.negotiate

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(verifier.diff, "compare", broken)
    monkeypatch.setattr(verifier.negotiate, "negotiate", broken)
    args = ["diff", "examples/diff/earlier.nv", "examples/diff/later.nv"] if command == "diff" else \
        ["negotiate", "examples/26_negotiation.nv"]
    run = run_cli(args)
    assert run.exit_code == 3 and "internal error: RuntimeError: simulated bug" in run.stderr, run.output


def test_python_dash_m_verifier_on_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.nv"
    bad.write_text(BAD + "clause c 'single quotes' { }\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "verifier", str(bad)], check=False, capture_output=True, text=True,
                          timeout=60, cwd=tmp_path, env=env)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    assert "bad.nv:1:14: error[syntax]" in done.stderr and done.stdout == ""




def test_unknown_reading_or_draft_is_a_usage_error() -> None:
    from click.testing import CliRunner

    from verifier.cli import main

    for args in (["--reading", "rusia"], ["--reading", "nosuchterm=russia"], ["--draft", "nosuch"],
                 ["--draft", "art5#9=russia"]):
        result = CliRunner().invoke(main, [*args, "examples/24_bracketed_drafts.nv"])
        assert result.exit_code == 2, (args, result.output)
        assert "nverify: error:" in result.stderr and "Traceback" not in result.output


# ---- the reading a spec says it is checked under --------------------------------------------

READINGS = ('instrument demo "Demo";\nparty ukraine, russia, usa;\n'
            "enum kind = {alliance, training};\nact conclude(actor: party, partner: other party, kind: kind);\n"
            "term harms(kind: kind) { reading ordinary: kind == alliance; reading russia: true; }\n"
            'clause no_harm "Art. 2" { ukraine must not conclude where harms(kind); }\n'
            'clause training "Art. 3" { ukraine may conclude(partner: usa, kind: training); }\n'
            "expect hollow-permission on training, no_harm by ukraine under reading russia;\n")


def test_a_spec_is_checked_under_the_reading_it_states(here: Path) -> None:
    """`check under reading russia;` does what `--reading russia` did: the spec passes as written."""
    plain = spec(here, "plain.nv", READINGS)
    stated = spec(here, "stated.nv", READINGS.replace("party ukraine", "check under reading russia;\nparty ukraine"))
    assert run_cli(["--format", "json", plain]).exit_code == 1
    assert run_cli(["--format", "json", "--reading", "russia", plain]).exit_code == 0
    run = run_cli(["--format", "json", stated])
    assert run.exit_code == 0, run.output
    finding = json.loads(run.stdout)["findings"][0]
    assert finding["kind"] == "hollow-permission" and finding["expected"]


def test_the_command_line_reading_wins_over_the_spec(here: Path) -> None:
    stated = spec(here, "stated.nv", READINGS.replace("party ukraine", "check under reading russia;\nparty ukraine"))
    run = run_cli(["--format", "json", "--reading", "ordinary", stated])
    # Under the ordinary baseline Russia can call the training agreement a breach: a pretext nobody expected.
    assert run.exit_code == 1 and json.loads(run.stdout)["summary"]["by_kind"].get("pretext") == 1
    assert run_cli(["--format", "json", stated]).exit_code == 0


def test_a_stated_reading_for_one_term(here: Path) -> None:
    stated = spec(here, "stated.nv", READINGS.replace("party ukraine", "check under reading russia for harms;\nparty ukraine"))
    assert run_cli(["--format", "json", stated]).exit_code == 0


def test_a_stated_reading_no_term_has_is_a_located_error(here: Path) -> None:
    bad = spec(here, "bad.nv", READINGS.replace("party ukraine", "check under reading rusia;\nparty ukraine"))
    run = run_cli(["--color", "never", bad])
    assert run.exit_code == 2 and run.stdout == ""
    assert "bad.nv:2:21: error[bad-reading]: no term has a reading `rusia`" in run.stderr
    assert "check under reading rusia;" in run.stderr and "^^^^^" in run.stderr
    assert "did you mean `russia`?" in run.stderr


# ---- --draft and expectations about the drafts left out ---------------------------------------

def test_expectations_about_drafts_not_checked_are_skipped(in_root: None) -> None:
    """`--draft russia` checks Russia's version only: an `expect ... in draft ukraine` is skipped, not failed."""
    run = run_cli(["--format", "json", "--draft", "russia", "specs/istanbul_2022.nv"])
    assert run.exit_code == 0, run.output
    document = json.loads(run.stdout)
    skipped = [e for e in document["expectations"] if e["skipped"]]
    assert skipped and all("in draft ukraine" in e["statement"] and not e["met"] for e in skipped)
    assert all(e["met"] for e in document["expectations"] if not e["skipped"])
    assert document["summary"]["expectations_skipped"] == len(skipped)
    assert document["summary"]["expectations_failed"] == 0
    text = run_cli(["--color", "never", "--draft", "russia", "specs/istanbul_2022.nv"])
    assert text.exit_code == 0
    assert f"0 failed, {len(skipped)} skipped (about drafts not checked)" in text.output
    # Every draft checked: nothing is skipped.
    whole = json.loads(run_cli(["--format", "json", "specs/istanbul_2022.nv"]).stdout)
    assert whole["summary"]["expectations_skipped"] == 0


# ---- nothing to check ---------------------------------------------------------------------

@pytest.mark.parametrize("given", ["empty_folder", "no_nv_here", "empty.nv", "comments.nv", "no_such.nv"])
def test_nothing_to_check_is_an_error_naming_what_was_given(here: Path, given: str) -> None:
    (here / "empty_folder").mkdir()
    (here / "no_nv_here").mkdir()
    (here / "no_nv_here" / "notes.txt").write_text("party ukraine;\n", encoding="utf-8")
    (here / "empty.nv").write_text("", encoding="utf-8")
    (here / "comments.nv").write_text("# a comment\n\n", encoding="utf-8")
    run = run_cli(["--color", "never", given])
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.startswith(f"{given}:1:1: error["), run.stderr
    assert "instruments checked" not in run.output
    assert "nothing was checked" in run.stderr


def test_an_empty_file_fails_the_run_it_is_in(here: Path) -> None:
    (here / "empty.nv").write_text("", encoding="utf-8")
    run = run_cli(["--color", "never", spec(here, "ok.nv", PASSING), "empty.nv"])
    assert run.exit_code == 2
    assert "empty.nv:1:1: error[nothing-to-check]: empty.nv is empty" in run.stderr


def test_a_declarations_module_alone_is_checked_for_errors(here: Path) -> None:
    """A file of declarations only is a module (see docs/language.md): not an error."""
    run = run_cli(["--color", "never", spec(here, "world.nv", "party ukraine, russia;\n")])
    assert run.exit_code == 0, run.output


def test_no_paths_at_all_is_a_usage_error(here: Path) -> None:
    run = run_cli(["check"])
    assert run.exit_code == 2 and "PATHS" in run.stderr


# ---- nverify alone ----------------------------------------------------------------------------

def test_nverify_alone_prints_the_help_with_the_check_options() -> None:
    run = run_cli([])
    assert run.exit_code == 0 and run.stderr == ""
    assert run.stdout.startswith("Usage: nverify [OPTIONS] PATH...\n")
    assert "Missing argument" not in run.output
    for option in ("--format", "--reading", "--draft", "--timeout", "--max-time", "--max-findings", "-o, --output",
                   "-q, --quiet", "-j, --jobs", "--emit-smt2", "--color"):
        assert f"\n  {option} " in run.stdout, option
    for command in ("diff", "negotiate", "explain", "init"):
        assert f"\n  {command} " in run.stdout, command
    assert run_cli(["--help"]).stdout == run.stdout


# ---- expected findings, merged findings -----------------------------------------------------

def test_expected_findings_are_folded_unless_show_expected_or_verbose(here: Path) -> None:
    name = spec(here, "expected.nv", EXPECTED)
    folded = run_cli([name])
    assert folded.exit_code == 0
    assert folded.stdout.splitlines()[0].startswith("expected.nv:3:1: expected[contradiction]: A (a) and B (b)")
    assert folded.stdout.splitlines()[0].endswith("  (expected)") and "[conflicting]" not in folded.stdout
    for option in ("--show-expected", "--verbose"):
        full = run_cli([option, name])
        assert full.exit_code == 0 and "  - A (a) [conflicting] at expected.nv:3:1" in full.stdout, option
        assert full.stdout.splitlines()[0].startswith("expected.nv:3:1: expected[contradiction]: ")
    data = json.loads(run_cli(["--format", "json", name]).stdout)
    assert data["findings"][0]["expected"] is True and data["findings"][0]["severity"] == "error"


VETO = """party ukraine, russia, usa, uk;
group guarantors = {usa, uk};
fact attack(by: party, on: other party) controlled by by;
fact agrees(g: party) controlled by g;
act assist(actor: party, to: other party);
clause art5 "Art. 5" {
  each g in guarantors must assist(to: ukraine) when attack(on: ukraine) and (all h in guarantors: agrees(h))
    protects ukraine against attack(on: ukraine);
}
"""


def test_findings_that_differ_only_in_the_party_are_one_in_json(here: Path) -> None:
    run = run_cli(["--format", "json", spec(here, "veto.nv", VETO + "expect blockable-guarantee on art5;\n"
                                                              "assert no blockable-guarantee on art5 by russia;\n")])
    assert run.exit_code == 0, run.stdout
    vetoes = [f for f in json.loads(run.stdout)["findings"] if f["kind"] == "blockable-guarantee"]
    assert [(f["party"], f["parties"], f["merged"]) for f in vetoes] == \
        [("usa", ["usa", "uk"], {"on": "party", "parties": ["usa", "uk"]})]
    assert vetoes[0]["message"].endswith("; likewise with uk in place of usa")
    # `by P` matches every party merged, not only the first
    run = run_cli(["--format", "json", spec(here, "veto.nv", VETO + "expect blockable-guarantee on art5;\n"
                                                              "assert no blockable-guarantee on art5 by uk;\n")])
    assert run.exit_code == 1 and summary(run)["expectations_failed"] == 1
