"""`--jobs N`: instruments checked in worker processes give the very report of one process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.golden import ROOT, normalise, run_cli


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m verifier ARGS` in a fresh process (workers are forked there, as on the command line)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "verifier", *args], check=False, capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=600)


@pytest.mark.parametrize("folder", ["examples", "specs"])
def test_jobs_2_gives_the_report_of_jobs_1(folder: str, in_root: None) -> None:
    one = run_cli(["--jobs", "1", "--format", "json", folder])
    two = cli("--jobs", "2", "--format", "json", folder)
    assert one.exit_code in (0, 1), one.output
    assert (two.returncode, normalise(two.stdout)) == (one.exit_code, one.stdout)


def test_workers_started_fresh_give_the_same_report(in_root: None) -> None:
    # This process has run the solver already (other tests): workers are spawned, not forked.
    run_cli(["--jobs", "1", "-q", "examples/01_parties_and_acts.nv"])
    one = run_cli(["--jobs", "1", "--format", "json", "examples"])
    three = run_cli(["--jobs", "3", "--format", "json", "examples"])
    assert (three.exit_code, three.stdout) == (one.exit_code, one.stdout)


def test_an_error_in_a_worker_is_reported_as_in_one_process(tmp_path: Path, in_root: None) -> None:
    fine = 'party a;\nact go(actor: party);\nclause c "C" { a must not go; }\n'
    values = ", ".join(f"v{i}" for i in range(60))
    huge = f"party a;\nenum e = {{{values}}};\nact go(actor: party, x: e, y: e, z: e);\n" \
           'clause c "C" { a must not go; }\n'
    (tmp_path / "a.nv").write_text(fine, encoding="utf-8")
    (tmp_path / "b.nv").write_text(huge, encoding="utf-8")  # too many atoms: a usage error, exit 2
    (tmp_path / "c.nv").write_text(fine, encoding="utf-8")
    one = run_cli(["--jobs", "1", str(tmp_path)])
    two = cli("--jobs", "2", str(tmp_path))
    assert one.exit_code == 2 and "grounds to about" in one.stderr
    assert (two.returncode, normalise(two.stdout), normalise(two.stderr)) == (one.exit_code, one.stdout, one.stderr)


def test_a_large_instrument_is_checked_in_parts_side_by_side(in_root: None) -> None:
    from dsl import load
    from dsl.symmetry import COALITION_SIZE
    from verifier.pipeline import parts_of
    from verifier.registry import CHECKS, GROUPS

    # The groups are CHECKS in order, each check in one group.
    assert [i for group in GROUPS for i in group] == list(range(len(CHECKS)))
    hague = load([ROOT / "specs" / "hague_v.nv"], coalition_size=COALITION_SIZE).instruments[0]
    small = load([ROOT / "specs" / "malta.nv"], coalition_size=COALITION_SIZE).instruments[0]
    assert parts_of(hague) == GROUPS
    assert parts_of(small) == (tuple(range(len(CHECKS))),)
    # One instrument alone still goes to the workers, part by part, with the same report.
    one = run_cli(["--jobs", "1", "--format", "json", "specs/hague_v.nv"])
    two = cli("--jobs", "2", "--format", "json", "specs/hague_v.nv")
    assert one.exit_code in (0, 1), one.output
    assert (two.returncode, normalise(two.stdout)) == (one.exit_code, one.stdout)


def test_checking_in_parts_finds_the_same_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split into its check groups (each with a fresh session), every example has the same findings
    (kind, clauses, party, drafts) and expectations as in one session; only examples may differ."""
    from dsl import load
    from verifier import pipeline

    def problems(result: pipeline.CheckResult) -> tuple[object, ...]:
        findings, expectations, drafts = result
        return (sorted((f.kind.value, tuple(c.id for c in f.clauses), f.party or "", f.drafts) for f in findings),
                sorted((e.line, e.met) for e in expectations), drafts)

    loaded = load([ROOT / "examples"])
    whole = [problems(pipeline.check_instrument(i, pipeline.Options())) for i in loaded.instruments]
    monkeypatch.setattr(pipeline, "SPLIT_COST", 0)
    assert all(len(pipeline.parts_of(i)) > 1 for i in loaded.instruments)
    parts = [problems(pipeline.check_instrument(i, pipeline.Options())) for i in loaded.instruments]
    assert parts == whole
