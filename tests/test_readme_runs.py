"""The README's example runs of `nverify diff` and `nverify negotiate` match a fresh run."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import readme_runs  # noqa: E402


def test_readme_runs_are_current() -> None:
    current = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_runs.refreshed(current) == current, "run `python scripts/readme_runs.py` and review the diff"
