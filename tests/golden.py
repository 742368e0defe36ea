"""Golden transcripts: run the CLI in-process and compare its output with a recorded file.

A transcript is what a reader would see in a terminal: the command on the
first line (`$ nverify ARGS`), the output (standard output, then standard
error), and the exit code on the last line (`[exit N]`). Paths are relative
to the repository root: tests run with the root as working directory, and
any absolute path to it that leaks into the output is cut to a relative one.
`pytest --update-goldens` (`make goldens`) rewrites the recorded files.
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


@dataclass(frozen=True)
class Run:
    """One in-process run of the CLI."""

    args: tuple[str, ...]
    stdout: str
    stderr: str
    exit_code: int

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def rel(path: Path) -> str:
    """The path as the transcripts show it: relative to the repository root, with `/`."""
    return path.resolve().relative_to(ROOT).as_posix()


def normalise(text: str) -> str:
    """Cut the absolute repository path out of output, so transcripts do not depend on the checkout."""
    return text.replace(str(ROOT) + "/", "").replace(str(ROOT), ".")


def run_cli(args: Sequence[str]) -> Run:
    """Run `nverify ARGS` in-process (the caller makes the repository root the working directory)."""
    from verifier.cli import main

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return Run(tuple(args), normalise(result.stdout), normalise(result.stderr), result.exit_code)


def transcript(args: Sequence[str], output: str, exit_code: int) -> str:
    command = "$ nverify " + " ".join(shlex.quote(a) for a in args)
    if output and not output.endswith("\n"):
        output += "\n"
    return f"{command}\n{output}[exit {exit_code}]\n"


def check_golden(path: Path, actual: str, *, update: bool) -> None:
    """Compare actual with the recorded transcript at path, or record it when updating."""
    if update:
        if not path.exists() or path.read_text(encoding="utf-8") != actual:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
        return
    if not path.exists():
        raise AssertionError(f"no golden transcript {rel(path)}; record it with `make goldens` and review it")
    expected = path.read_text(encoding="utf-8")
    if expected != actual:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            fromfile=f"{rel(path)} (recorded)", tofile="actual"))
        raise AssertionError(f"output differs from {rel(path)}; if the change is intended, run "
                             f"`make goldens` and review the diff:\n{diff}")
