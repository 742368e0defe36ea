"""Every raise reachable from input ends in exit 2 with a location, never "internal error".

SITES is read from the source: every call `X.error(Code.Y, ...)` in dsl/ and verifier/ (a
diagnostic: `file:line:col`, the line and a caret) and every construction of UsageError,
OutputError and click's UsageError (a usage error, which names the option or file at
fault). tests/raise_cases.py holds a small input for each. Every case must exit 2 with a
location; and every site must be reached by a case or by the bad-input corpus
(tests/cases/bad): a new raise site without an input that reaches it fails here.
UNREACHABLE lists the few sites no input can reach, each with the reason.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import click
import pytest
from click.testing import CliRunner

import verifier.output
import verifier.pipeline
from dsl.diagnostics import Diagnostics
from tests.raise_cases import CASES, FIFO, LINK_OUTSIDE
from tests.test_cases import EXTRA_ARGS
from verifier.cli import main

ROOT = Path(__file__).resolve().parent.parent
RAISED = {"UsageError", "OutputError"}
HEAD = re.compile(r"^\S+:\d+:\d+: error\[[a-z-]+\]: \S", re.MULTILINE)
CARET = re.compile(r"^ {5,}\| *\^+", re.MULTILINE)
PATH_CASES = {"path-name-too-long", "folder-link-outside", "folder-without-specs"}  # an error about a path given on the command line: no line to show

Site = tuple[str, str, str]  # file, enclosing function, what is reported (a Code or an exception class)

# (file, function, what): why no input reaches it.
UNREACHABLE: dict[Site, str] = {
    ("dsl/loader.py", "read", "TOO_LARGE"):
        "twice in `read`: the second is a file that grew past the limit between its size check and its reading",
    ("dsl/loader.py", "read", "IO_ERROR"):
        "a file that exists but cannot be opened: needs permissions the test user (root) does not lack",
    ("verifier/pipeline.py", "baseline_readings", "UsageError"):
        "validate_options refuses an unknown --reading TERM=NAME first, for every instrument of the run",
    ("verifier/diff.py", "_pick_draft", "UsageError"):
        "the first of two: drafts_of_interest always forms some draft when the instrument has brackets",
    ("dsl/parser.py", "_report", "SYNTAX"):
        "one of four: Lark's LALR parser reports the end of the input as an unexpected token ($END), never "
        "as UnexpectedEOF (which its other parsers raise); the end of the input is reported with the others",
}


def _sites() -> dict[tuple[str, int, int], Site]:
    """(file, first line, last line) of each reporting call -> its site."""
    out: dict[tuple[str, int, int], Site] = {}
    for path in sorted([*ROOT.glob("dsl/*.py"), *ROOT.glob("verifier/**/*.py")]):
        _visit(ast.parse(path.read_text(encoding="utf-8")), path.relative_to(ROOT).as_posix(), "", out)
    return out


def _visit(node: ast.AST, rel: str, function: str, out: dict[tuple[str, int, int], Site]) -> None:
    for child in ast.iter_child_nodes(node):
        what = _reported(child)
        if isinstance(child, ast.Call) and what is not None:
            out[(rel, child.lineno, child.end_lineno or child.lineno)] = (rel, function, what)
        inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
        _visit(child, rel, inner, out)


def _reported(node: ast.AST) -> str | None:
    """The Code of a `X.error(Code.Y, ...)` call, or the class of a UsageError or OutputError made."""
    if not isinstance(node, ast.Call):
        return None
    f = node.func
    if isinstance(f, ast.Attribute) and f.attr == "error" and node.args and isinstance(node.args[0], ast.Attribute) \
            and isinstance(node.args[0].value, ast.Name) and node.args[0].value.id == "Code":
        return node.args[0].attr
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
    return name if name in RAISED else None


SITES = _sites()


@pytest.fixture(scope="module")
def reached() -> Iterator[set[tuple[str, int]]]:
    """(file, line) of every frame of ours on the stack when something reports bad input."""
    seen: set[tuple[str, int]] = set()
    root = str(ROOT) + os.sep

    def record() -> None:
        frame: FrameType | None = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if name.startswith(root):
                seen.add((Path(name).relative_to(ROOT).as_posix(), frame.f_lineno))
            frame = frame.f_back

    patch = pytest.MonkeyPatch()
    original = Diagnostics.error

    def error(self: Diagnostics, *args: Any, **kwargs: Any) -> None:
        record()
        original(self, *args, **kwargs)

    patch.setattr(Diagnostics, "error", error)
    for cls in (verifier.pipeline.UsageError, verifier.output.OutputError, click.UsageError):
        init = cls.__init__

        def recording(self: Any, *args: Any, _init: Any = init, **kwargs: Any) -> None:
            record()
            _init(self, *args, **kwargs)

        patch.setattr(cls, "__init__", recording)
    yield seen
    patch.undo()


def _write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        if text == LINK_OUTSIDE:
            (folder / name).symlink_to(Path(__file__))
        elif text == FIFO:
            os.mkfifo(folder / name)
        else:  # (a file that is not UTF-8 is given as text to write in Latin-1)
            (folder / name).write_text(text, encoding="latin-1" if name.startswith("latin") else "utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_case_is_refused_with_a_location(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              reached: set[tuple[str, int]]) -> None:
    files, argv, usage = CASES[name]
    _write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, argv)
    output = result.stdout + result.stderr
    assert result.exit_code == 2, output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "internal error" not in output and "Traceback" not in output, output
    if usage:
        assert re.search(r"^(nverify: error: |Error: )", output, re.MULTILINE), output
    else:
        assert HEAD.search(output), output
        assert name in PATH_CASES or CARET.search(output), output


def test_every_raise_site_is_reached(reached: set[tuple[str, int]], tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs after the cases (same module, same recorder); adds the bad-input corpus."""
    for case in sorted((ROOT / "tests" / "cases" / "bad").glob("*.nv")):
        with monkeypatch.context() as patch:
            patch.chdir(ROOT)
            if case.stem == "too_large":
                patch.setattr("dsl.loader.MAX_FILE_BYTES", 300)
            CliRunner().invoke(main, [*EXTRA_ARGS.get(case.stem, []), "--color", "never", case.relative_to(ROOT).as_posix()])
    missed: dict[Site, list[int]] = {}
    for (rel, first, last), site in SITES.items():
        if not any((rel, line) in reached for line in range(first, last + 1)):
            missed.setdefault(site, []).append(first)
    unexplained = {site: lines for site, lines in missed.items() if site not in UNREACHABLE}
    assert not unexplained, "raise sites no input reaches (add a case to tests/raise_cases.py): " + \
        "; ".join(f"{f}:{lines} in {fn} ({what})" for (f, fn, what), lines in sorted(unexplained.items()))
    stale = [site for site in UNREACHABLE if site not in set(SITES.values())]
    assert not stale, f"UNREACHABLE names sites that no longer exist: {stale}"
