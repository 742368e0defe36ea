"""Shared by the report, explain/init and terminal tests: specs to check, the CLI, the SARIF schema."""

from __future__ import annotations

import os
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

from verifier import kinds
from verifier.findings import FindingKind, Report
from verifier.pipeline import Options, run

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "tests" / "data" / "report"
SCHEMA_NAME = "sarif-schema-2.1.0.json"


def fixture_specs() -> list[Path]:
    return sorted(DATA.glob("*.nv"))


def write_kind_examples(folder: Path) -> dict[FindingKind, Path]:
    """Every finding kind's explain example as `<kind>.nv` in folder (unknown needs --rlimit 1).

    Each gets its own instrument name (`example_hollow_permission`), so files
    emitted per instrument (--emit-smt2) do not overwrite each other.
    """
    out = {}
    for info in kinds.all_kinds():
        path = folder / f"{info.kind.value}.nv"
        unique = "example_" + info.kind.value.replace("-", "_")
        path.write_text(info.example.replace("instrument example ", f"instrument {unique} ", 1), encoding="utf-8")
        out[info.kind] = path
    return out


def check(paths: list[Path], **options: Any) -> Report:
    loaded, report = run(paths, Options(**options))
    assert report is not None, [d.message for d in loaded.diagnostics.sorted()]
    return report


def nverify(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real command line, in a fresh interpreter (`python -m verifier`)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "verifier", *map(str, args)], cwd=cwd or REPO, env=full_env,
                          check=False, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def schema_path() -> Path:
    """The OASIS SARIF 2.1.0 schema, kept in the repository so the SARIF checks never skip."""
    return REPO / "tests" / "data" / SCHEMA_NAME


@cache
def z3_binary() -> Path | None:
    """The `z3` binary the z3-solver wheel installs next to the interpreter."""
    for name in ("z3", "z3.exe"):
        candidate = Path(sys.executable).parent / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None
