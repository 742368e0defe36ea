"""Ctrl-C during a long check of one large spec, in the main process (--jobs 1) and with
worker processes: exit 130, no report, no temporary file, whenever the signal comes.

Z3 takes SIGINT for itself during each solver call unless told not to; before that was
turned off, about half of the interrupts that landed in a solver call were swallowed (the
run went on, wrote its report and exited 1). Each mode is tried at several delays.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.gen import generate  # noqa: E402

DELAYS = (0.5, 0.8, 1.1, 1.5, 2.0)  # seconds after the start: parsing, encoding, solving


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = tmp_path_factory.mktemp("large") / "large.nv"
    spec.write_text(generate(300), encoding="utf-8")  # several seconds of checks, most inside Z3
    return spec


def _default_sigint() -> None:
    # A child of a non-interactive shell may inherit SIGINT ignored; a user's Ctrl-C is not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("jobs", [["--jobs", "1"], []], ids=["jobs-1", "default-jobs"])
def test_ctrl_c_always_stops_a_single_large_spec(tmp_path: Path, large: Path, jobs: list[str]) -> None:
    for trial, delay in enumerate(DELAYS):
        out = tmp_path / f"trial{trial}"
        out.mkdir()
        report = out / "report.json"
        proc = subprocess.Popen([sys.executable, "-m", "verifier", *jobs, "--format", "json", "-o", str(report),
                                 str(large)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                preexec_fn=_default_sigint)  # noqa: PLW1509 - no threads here
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=delay)
        assert proc.returncode is None, f"the check ended before the interrupt (delay {delay} s)"
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 130, (delay, proc.returncode, err)
        assert "nverify: interrupted; no report was written" in err
        assert "Traceback" not in err
        assert not report.exists(), delay
        assert sorted(p.name for p in out.iterdir()) == [], delay  # no temporary file either
