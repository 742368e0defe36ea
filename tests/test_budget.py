"""The whole run's budget (`--max-time`): when it is spent, the checks left are `unknown`
findings that say so, and the report of what was done is still written; in one process,
with worker processes, and for `diff` and `negotiate`.

Reproducers: 300 parties with quantified clauses ran for minutes under `--timeout 1` (now
refused by the atom estimate: tests/test_bounds.py); 60 parties by 61 drafts took 65 s,
since `--timeout` bounds each query, not the run. (No timed assertions: a budget smaller
than loading takes leaves every check undone, whatever the machine.)
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from dsl import load
from verifier.budget import Budget
from verifier.cli import main
from verifier.findings import FindingKind
from verifier.pipeline import Options, check_all

ROOT = Path(__file__).resolve().parent.parent
SPENT = "run budget of 0.001 s exhausted"


def drafts(parties: int) -> str:
    """One bracket with an alternative per party: parties + 1 drafts, each checked in full."""
    names = [f"p{i}" for i in range(parties)]
    alternatives = " | ".join(["base: f", *(f"{p}: not f" for p in names)])
    return (f'instrument d "D";\nparty {", ".join(names)};\nfact f();\nact a(actor: party);\n'
            f'clause c "C" {{ each x in party must not a when [{alternatives}]; }}\n'
            'scenario some_act: a(p0);\n')


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_help_shows_the_default_budget() -> None:
    for command in ([], ["diff"], ["negotiate"]):
        _, out, _ = run(*command, "--help") if command else run("check", "--help")
        assert "--max-time SECONDS" in out and "[default: 600]" in " ".join(out.split())


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sixty_parties_by_sixty_one_drafts_under_a_tiny_budget(tmp_path: Path, jobs: str) -> None:
    spec = tmp_path / "drafts.nv"
    spec.write_text(drafts(60), encoding="utf-8")
    out = tmp_path / "report.json"
    code, _, err = run("--jobs", jobs, "--max-time", "0.001", "--format", "json", "-o", str(out), str(spec))
    assert code == 1, err
    report = json.loads(out.read_text(encoding="utf-8"))  # the report is written
    kinds = {f["kind"] for f in report["findings"]}
    assert kinds <= {"unknown", "expectation-failed"} and "unknown" in kinds
    assert all(SPENT in f["message"] for f in report["findings"] if f["kind"] == "unknown")
    assert [e["detail"] for e in report["expectations"]] == ["unknown"] * len(report["expectations"])


def test_a_folder_with_worker_processes_under_a_tiny_budget(tmp_path: Path) -> None:
    names = ("14_contradiction", "15_conflict", "16_hollow_permission")
    for name in names:
        shutil.copy(ROOT / "examples" / f"{name}.nv", tmp_path)
    code, out, err = run("--jobs", "2", "--max-time", "0.001", "--format", "json", str(tmp_path))
    assert code == 1, err
    report = json.loads(out)
    files = {f["file"] for f in report["findings"] if f["kind"] == "unknown" and SPENT in f["message"]}
    assert {Path(f).stem for f in files} == set(names)


def test_the_checks_done_before_the_budget_is_spent_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock that moves one second per reading: the budget runs out part-way through the checks."""
    loaded = load([ROOT / "examples" / "15_conflict.nv"])
    full = check_all(loaded.instruments, Options())[0][0]
    assert full and not any(f.kind is FindingKind.UNKNOWN for f in full)
    ticks = itertools.count()
    monkeypatch.setattr("verifier.budget.time.monotonic", lambda: float(next(ticks)))
    options = Options()
    options.budget = Budget.start(4)  # four readings of the clock, then spent
    findings = check_all(loaded.instruments, options)[0][0]
    unknown = [f for f in findings if f.kind is FindingKind.UNKNOWN]
    assert unknown and all("run budget of 4 s exhausted" in f.message for f in unknown)
    assert any(f.kind is not FindingKind.UNKNOWN for f in findings)  # what was done is kept


def test_diff_under_a_tiny_budget() -> None:
    a, b = ROOT / "specs" / "diff" / "eu_earlier.nv", ROOT / "specs" / "diff" / "eu_latest.nv"
    code, out, err = run("diff", "--max-time", "0.001", "--format", "json", str(a), str(b))
    assert code in (0, 1), err
    assert SPENT in out


def test_negotiate_under_a_tiny_budget() -> None:
    code, out, err = run("negotiate", "--max-time", "0.001", "--format", "json",
                         str(ROOT / "specs" / "negotiation_istanbul.nv"))
    assert code == 1, err
    result = json.loads(out)
    assert result["status"] == "unknown" and SPENT in result["reason"]
