"""Determinism: the same input gives byte-identical JSON in every run (whatever the hash seed);
reports written with -o are atomic (a temporary file in the same folder, then a rename).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.oracle.gen import RandomChooser, generate
from verifier.cli import main

ROOT = Path(__file__).resolve().parent.parent
SPECS = ["examples/15_conflict.nv", "examples/20_pretext.nv", "examples/24_bracketed_drafts.nv",
         "specs/nato_art5.nv"]


def _json_in_subprocess(path: str, hash_seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    proc = subprocess.run([sys.executable, "-m", "verifier", "--format", "json", path], cwd=ROOT, env=env,
                          check=False, capture_output=True, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr.decode()
    return proc.stdout


@pytest.mark.parametrize("spec", [s for s in SPECS if (ROOT / s).exists()])
def test_json_is_byte_identical_across_processes(spec: str) -> None:
    """Set and dict orders differ between hash seeds; the report may not."""
    first = _json_in_subprocess(spec, "1")
    assert first == _json_in_subprocess(spec, "2")
    assert first == _json_in_subprocess(spec, "12345")


def test_json_is_byte_identical_in_process_for_generated_specs(tmp_path: Path) -> None:
    for seed in (0, 6, 25, 50):
        spec = tmp_path / f"gen{seed}.nv"
        spec.write_text(generate(RandomChooser(seed)), encoding="utf-8")
        runs = [CliRunner().invoke(main, ["--format", "json", str(spec)]).stdout for _ in range(3)]
        assert runs[0] == runs[1] == runs[2], seed


def test_output_file_equals_standard_output(tmp_path: Path) -> None:
    spec = str(ROOT / "examples" / "15_conflict.nv")
    out = tmp_path / "reports" / "report.json"
    out.parent.mkdir()
    shown = CliRunner().invoke(main, ["--format", "json", spec])
    written = CliRunner().invoke(main, ["--format", "json", "-o", str(out), spec])
    assert written.exit_code == shown.exit_code
    assert out.read_text(encoding="utf-8") == shown.stdout
    assert sorted(p.name for p in out.parent.iterdir()) == ["report.json"]  # no temporary file left


def test_an_unwritable_output_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["-o", str(blocker / "report.txt"), str(ROOT / "examples" / "15_conflict.nv")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "nverify: error: cannot write the report to" in result.stderr


def test_output_is_written_to_a_temporary_file_then_renamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.json"
    out.write_text("the previous report\n", encoding="utf-8")
    renames: list[tuple[str, str, str]] = []
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        # At the moment of the rename the old report is still whole and the new one complete.
        renames.append((str(src), str(dst), Path(dst).read_text(encoding="utf-8")))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    result = CliRunner().invoke(main, ["--format", "json", "-o", str(out), str(ROOT / "examples" / "15_conflict.nv")])
    assert result.exit_code in (0, 1)
    (src, dst, before), = renames
    assert Path(src).parent == out.parent and Path(src).name.startswith(".report.json.") and src.endswith(".tmp")
    assert dst == str(out) and before == "the previous report\n"
    assert out.read_text(encoding="utf-8").startswith("{")


def test_a_failed_write_leaves_the_old_report_and_no_temporary_file(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.json"
    out.write_text("the previous report\n", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    result = CliRunner().invoke(main, ["--format", "json", "-o", str(out), str(ROOT / "examples" / "15_conflict.nv")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "cannot write the report to" in result.stderr and "No space left on device" in result.stderr
    assert out.read_text(encoding="utf-8") == "the previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]
