"""Hard limits, each with a clear error: file size, nesting depth, import depth, ground atoms,
ground formula size, solver time and resource limits, and Ctrl-C.

Every limit ends in exit 2 with `file:line:col` (or exit 1 with `unknown`
findings for the solver limits), never a traceback, never a run that does not end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from dsl.loader import MAX_FILE_BYTES, MAX_IMPORT_DEPTH
from dsl.parser import MAX_NESTING
from verifier.cli import main
from verifier.ground import MAX_ATOMS

ROOT = Path(__file__).resolve().parent.parent
HEAD = 'instrument r "R";\nparty pa, pb;\nfact f();\nact a(actor: party);\n'


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--color", "never", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_clean_error(code: int, out: str, err: str, *fragments: str) -> None:
    assert code == 2, (code, out, err)
    text = out + err
    for banned in ("Traceback", "internal error", "RecursionError"):
        assert banned not in text, text
    for fragment in fragments:
        assert fragment in text, text


# ---- input size ---------------------------------------------------------------------------------

def test_a_file_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.nv"
    big.write_text(HEAD + "#" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    code, out, err = run(str(big))
    assert_clean_error(code, out, err, "big.nv:1:1: error[too-large]", f"at most {MAX_FILE_BYTES:,} bytes")


def test_an_import_over_the_size_limit(tmp_path: Path) -> None:
    (tmp_path / "big.nv").write_text("#" * (MAX_FILE_BYTES + 1), encoding="utf-8")
    (tmp_path / "main.nv").write_text(HEAD + 'import "big.nv";\nclause c "C" { pa must not a; }\n',
                                      encoding="utf-8")
    code, out, err = run(str(tmp_path / "main.nv"))
    assert_clean_error(code, out, err, "main.nv:5:1: error[too-large]")


# ---- nesting ---------------------------------------------------------------------------------------

DEEP: dict[str, Callable[[int], str]] = {
    "not": lambda n: "not " * n + "f",
    "parentheses": lambda n: "(" * n + "f" + ")" * n,
    "and-chain": lambda n: " and ".join(["f"] * n),
    "nested-and": lambda n: "(f and " * n + "f" + ")" * n,
    "brackets": lambda n: "[pa: " * n + "f" + "]" * n,
    "quantifiers": lambda n: "exists x in party: (" * n + "f" + ")" * n,
}


@pytest.mark.parametrize("shape", sorted(DEEP))
def test_expressions_nested_too_deep(tmp_path: Path, shape: str) -> None:
    spec = tmp_path / "deep.nv"
    spec.write_text(HEAD + f'clause c "C" {{ pa must not a when {DEEP[shape](1000)}; }}\n', encoding="utf-8")
    code, out, err = run(str(spec))
    assert_clean_error(code, out, err, "deep.nv:5:", "error[too-complex]", f"more than {MAX_NESTING} levels")


@pytest.mark.parametrize("shape", ["not", "parentheses", "and-chain", "nested-and"])
def test_expressions_just_within_the_limit(tmp_path: Path, shape: str) -> None:
    spec = tmp_path / "ok.nv"
    spec.write_text(HEAD + f'clause c "C" {{ pa must not a when {DEEP[shape](MAX_NESTING - 10)}; }}\n',
                    encoding="utf-8")
    code, out, err = run("--format", "json", str(spec))
    assert code in (0, 1), err
    assert json.loads(out)["summary"]["unknown"] == 0


def test_imports_nested_too_deep(tmp_path: Path) -> None:
    n = MAX_IMPORT_DEPTH + 5
    for i in range(n):
        (tmp_path / f"f{i}.nv").write_text(f'import "f{i + 1}.nv";\n', encoding="utf-8")
    (tmp_path / f"f{n}.nv").write_text("party pa;\n", encoding="utf-8")
    code, out, err = run(str(tmp_path / "f0.nv"))
    assert_clean_error(code, out, err, "error[too-complex]", f"imports nest deeper than {MAX_IMPORT_DEPTH} files")


# ---- grounding ---------------------------------------------------------------------------------------

def test_too_many_ground_atoms(tmp_path: Path) -> None:
    parties = ", ".join(f"p{i}" for i in range(30))
    spec = tmp_path / "atoms.nv"
    spec.write_text(f'instrument big "Big";\nparty {parties};\nact a(actor: party, b: party, c: party, d: party);\n'
                    'clause c1 "C" { p0 must not a; }\n', encoding="utf-8")
    start = time.monotonic()
    # (Every party as declared: 29 of them are interchangeable, and three would stand for them.)
    code, out, err = run("--no-symmetry", str(spec))
    # Located at the declaration that grounds to the most atoms, with its line and a caret.
    assert_clean_error(code, out, err, "atoms.nv:3:1: error[too-complex]", "about 810,000 atoms",
                       f"the limit is {MAX_ATOMS:,}", "3 | act a(actor: party, b: party, c: party, d: party);\n      | ^^^")
    assert time.monotonic() - start < 20


def test_definitions_that_double(tmp_path: Path) -> None:
    lines = [HEAD, "define d0 = f;"] + [f"define d{i} = not (d{i - 1} and (d{i - 1}));" for i in range(1, 40)]
    spec = tmp_path / "double.nv"
    spec.write_text("\n".join(lines) + '\nclause c "C" { pa must not a when d39; }\n', encoding="utf-8")
    start = time.monotonic()
    code, out, err = run(str(spec))
    assert_clean_error(code, out, err, "error[too-complex]", "definitions used here expand to more than")
    assert time.monotonic() - start < 20


def test_nested_quantifiers_that_multiply(tmp_path: Path) -> None:
    parties = ", ".join(f"p{i}" for i in range(10))
    body = "".join(f"exists x{i} in party: (" for i in range(12)) + "g(x0) and g(x11)" + ")" * 12
    spec = tmp_path / "nested.nv"
    spec.write_text(f'instrument r "R";\nparty {parties};\nfact g(x: party);\nact a(actor: party);\n'
                    f'clause c "C" {{ p1 must not a when {body}; }}\n', encoding="utf-8")
    start = time.monotonic()
    code, out, err = run("--no-symmetry", str(spec))  # (every party as declared, as above)
    assert_clean_error(code, out, err, "nested.nv:5:", "error[too-complex]", "grounds to about 3,111,111,111,113")
    assert time.monotonic() - start < 20


# ---- solver limits ---------------------------------------------------------------------------------

def _json(args: list[str]) -> tuple[int, dict[str, Any]]:
    code, out, err = run("--format", "json", *args)
    assert code in (0, 1), err
    return code, json.loads(out)


# (A 1 ms timeout is checked on the largest spec: on a small one every query may well finish in time.)
@pytest.mark.parametrize("limit, spec", [(["--rlimit", "1"], "nato_art5"), (["--rlimit", "1000"], "nato_art5"),
                                         (["--timeout", "0.001"], "hague_v")])
def test_solver_limits_give_unknown_never_a_clean_pass(limit: list[str], spec: str) -> None:
    code, report = _json([*limit, str(ROOT / "specs" / f"{spec}.nv")])
    assert code == 1
    assert report["summary"]["unknown"] > 0
    assert not any(f["expected"] for f in report["findings"] if f["kind"] == "unknown")


def test_an_undecided_assert_no_is_not_met() -> None:
    code, report = _json(["--rlimit", "1", str(ROOT / "specs" / "nato_art5.nv")])
    assert code == 1
    asserts = [e for e in report["expectations"] if e["statement"].startswith("assert no")]
    assert asserts and not any(e["met"] for e in asserts)
    assert all(e["detail"].startswith("undecided") for e in asserts)


def test_the_same_spec_is_decided_without_limits() -> None:
    _, report = _json([str(ROOT / "specs" / "nato_art5.nv")])
    assert report["summary"]["unknown"] == 0


# ---- Ctrl-C ----------------------------------------------------------------------------------------

def _default_sigint() -> None:
    # A child of a non-interactive shell may inherit SIGINT ignored; a user's Ctrl-C is not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("queries", [1, 40])
def test_ctrl_c_stops_cleanly(tmp_path: Path, queries: int) -> None:
    """Interrupted while the checks run (after the first query, or some way in): exit 130 at once."""
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    smt2 = tmp_path / "smt2"
    proc = subprocess.Popen([sys.executable, "-m", "verifier", "--format", "json", "-o", str(report),
                             "--emit-smt2", str(smt2), str(ROOT / "specs")], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint)  # noqa: PLW1509 - SIGINT as a shell gives it
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline \
            and len(list(smt2.glob("*.smt2")) if smt2.exists() else []) < queries:
        time.sleep(0.05)
    if proc.poll() is not None:
        pytest.skip("the check finished before the interrupt")
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (proc.returncode, err)
    assert time.monotonic() - sent < 5  # at once, even inside a solver call
    assert "Traceback" not in out + err and "Aborted" not in err
    assert "nverify: interrupted; no report was written" in err
    assert not report.exists()
    assert not report.parent.exists() or not list(report.parent.iterdir())  # no temporary file left


def test_ctrl_c_in_a_background_job_is_left_ignored() -> None:
    """Started with SIGINT ignored (`nverify ... &` in a script), nverify keeps it ignored."""
    proc = subprocess.Popen([sys.executable, "-m", "verifier", str(ROOT / "specs" / "nato_art5.nv")], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))  # noqa: PLW1509 - as `nverify &` starts
    time.sleep(0.8)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 1), err  # it ran to the end
    assert "Traceback" not in err and "interrupted" not in err


def test_no_interrupt_handler_when_run_in_process() -> None:
    """CliRunner (and any caller passing its own arguments) keeps Python's own Ctrl-C."""
    before = signal.getsignal(signal.SIGINT)
    run(str(ROOT / "examples" / "01_parties_and_acts.nv"))
    assert signal.getsignal(signal.SIGINT) is before
    assert os.environ.get("NVERIFY_NEVER_SET") is None
