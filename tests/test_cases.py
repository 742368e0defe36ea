"""Bad input: every tests/cases/bad/*.nv is rejected with exit 2 and the diagnostics in its .out.

Each case is one kind of mistake. The .out beside it is the transcript of
`nverify --color never CASE` (standard error, then `[exit 2]`); a case may add
arguments before it (EXTRA_ARGS). Besides the transcript, every case
must report `file:line:col: error[code]: message`, show the source line with a
caret when the error is inside a file, print nothing on standard output, and
never show a Python traceback. Files under bad/support/ are imported by cases.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.golden import ROOT, check_golden, rel, run_cli, transcript

BAD = ROOT / "tests" / "cases" / "bad"
CASES = sorted(BAD.glob("*.nv"))

HEAD = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<col>\d+): error\[(?P<code>[a-z-]+)\]: \S", re.MULTILINE)
CARET = re.compile(r"^ {5,}\| *\^+", re.MULTILINE)

# Arguments given before a case's own path.
EXTRA_ARGS = {"unreadable_path": ["tests/cases/bad/support/no_such_file.nv"]}

# Cases whose error is not inside any file's text: there is no line to show.
NO_SOURCE_LINE = {"unreadable_path"}


def _lower_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dsl.loader.MAX_FILE_BYTES", 300)


SETUP: dict[str, Callable[[pytest.MonkeyPatch], None]] = {"too_large": _lower_size_limit}


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_bad_input(case: Path, update_goldens: bool, in_root: None, monkeypatch: pytest.MonkeyPatch) -> None:
    if case.stem in SETUP:
        SETUP[case.stem](monkeypatch)
    args = [*EXTRA_ARGS.get(case.stem, []), "--color", "never", rel(case)]
    run = run_cli(args)
    assert run.exit_code == 2, run.output
    assert run.stdout == ""
    assert "Traceback" not in run.output
    heads = list(HEAD.finditer(run.stderr))
    assert heads, f"no `file:line:col: error[code]: message` line in:\n{run.stderr}"
    if case.stem not in NO_SOURCE_LINE:
        assert CARET.search(run.stderr), f"no source line with a caret in:\n{run.stderr}"
    assert re.search(r"^nverify: \d+ errors? in the input; nothing was checked$", run.stderr, re.MULTILINE)
    check_golden(case.with_suffix(".out"), transcript(args, run.stderr, run.exit_code), update=update_goldens)


def test_every_bad_case_has_its_transcript() -> None:
    orphans = sorted(p.name for p in BAD.glob("*.out") if not p.with_suffix(".nv").exists())
    assert not orphans, f"transcripts without a case: {orphans}"


def test_bad_cases_cover_the_diagnostic_codes() -> None:
    """At least one case per kind of mistake the front-end reports (read from the transcripts)."""
    seen = {m.group("code") for p in BAD.glob("*.out") for m in HEAD.finditer(p.read_text(encoding="utf-8"))}
    wanted = {"syntax", "bad-string", "unknown-name", "unknown-type", "duplicate-name", "arity",
              "unknown-attribute", "duplicate-argument", "type-mismatch", "not-an-act", "bad-control",
              "bad-actor", "wrong-kind", "mixed-group", "import-not-found", "import-cycle", "import-outside",
              "definition-cycle", "breach-cycle", "bad-alternative", "bad-reading", "bad-limit", "bad-norm", "bad-override",
              "bad-guarantee", "bad-query", "io-error", "too-large", "nothing-to-check"}
    assert wanted <= seen, f"no bad case reports {sorted(wanted - seen)}"
    assert len(CASES) >= 20
