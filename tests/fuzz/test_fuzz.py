"""Fuzzing the CLI: replay every input that once crashed or hung, and run a short seeded session.

The only allowed outcomes are exit 0, 1 or 2 (2 with a message), never a
traceback or "internal error", never a hang (tests/fuzz/harness.py). Longer
sessions: `scripts/fuzz.py --save tests/fuzz/corpus`.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.fuzz.harness import companions, corpus, mutate, random_args, random_text, run_cli, seeds

CORPUS = list(corpus())


def test_the_corpus_is_not_empty() -> None:
    assert any(p.suffix == ".nv" for p in CORPUS)


@pytest.mark.parametrize("path", [p for p in CORPUS if p.suffix == ".nv"], ids=lambda p: p.name)
def test_corpus_input_has_an_allowed_outcome(path: Path) -> None:
    args_file = path.with_suffix(".args")
    args = tuple(args_file.read_text(encoding="utf-8").split()) if args_file.exists() else ()
    outcome = run_cli(path.read_bytes(), files=companions(), args=args, limit_s=60)
    assert outcome.problem is None, f"{path.name}: {outcome}\n{outcome.problem}\n{outcome.output[-2000:]}"


def test_a_short_fuzzing_session() -> None:
    """150 mutated or random inputs from a fixed seed (about 10 s)."""
    rng = random.Random(20261127)
    pool = seeds(generated=10)
    texts = [t for _, t in pool]
    files = companions()
    failures = []
    for n in range(150):
        data: str | bytes
        if rng.random() < 0.1:
            origin, data = "random", random_text(rng)
        else:
            origin, text = rng.choice(pool)
            data = mutate(text, rng, texts)
        args = random_args(rng, data if isinstance(data, str) else "")
        outcome = run_cli(data, files=files, args=args, limit_s=60)
        if outcome.problem is not None:
            failures.append(f"input {n} from {origin} with {args}: {outcome.problem}\n{data!r:.500}")
    assert not failures, "\n\n".join(failures)


def test_the_harness_sees_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    """An internal error (exit 3) is a failure of the harness's check, never an allowed outcome."""
    from verifier import pipeline

    def boom(*args: object, **kwargs: object) -> object:
        raise KeyError("planted")

    monkeypatch.setattr(pipeline, "check_instrument", boom)
    text = 'instrument r "R"; party pa; act a(actor: party); clause c "C" { pa must not a; }\n'
    outcome = run_cli(text)
    assert outcome.exit_code == 3 and outcome.problem is not None and "internal error" in outcome.problem


def test_the_harness_sees_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from verifier import pipeline

    def slow(*args: object, **kwargs: object) -> object:
        while True:
            time.sleep(0.05)

    monkeypatch.setattr(pipeline, "check_instrument", slow)
    text = 'instrument r "R"; party pa; act a(actor: party); clause c "C" { pa must not a; }\n'
    outcome = run_cli(text, limit_s=1)
    assert outcome.problem is not None and outcome.problem.startswith("hang")


def test_the_harness_sees_an_error_without_a_location(monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit 2 is allowed only with a message that points at the input (`file:line:col`)."""
    from verifier import pipeline

    def unlocated(*args: object, **kwargs: object) -> object:
        raise pipeline.UsageError("something is wrong somewhere")

    monkeypatch.setattr(pipeline, "check_instrument", unlocated)
    text = 'instrument r "R"; party pa; act a(actor: party); clause c "C" { pa must not a; }\n'
    outcome = run_cli(text)
    assert outcome.exit_code == 2 and outcome.problem is not None and "without a location" in outcome.problem
    # With options given, an error may be about them rather than the input.
    assert run_cli(text, args=("--max-findings", "1")).problem is None


def test_the_input_quoted_under_a_diagnostic_is_not_taken_for_a_crash() -> None:
    """A line of the input shown under an error may say anything, `internal error` too."""
    text = 'instrument r "R"; party 9; # internal error: Traceback (most recent call last)\n'
    outcome = run_cli(text)
    assert outcome.exit_code == 2 and "internal error" in outcome.output
    assert outcome.problem is None, outcome.problem


def test_a_token_quoted_in_a_message_is_not_taken_for_a_crash() -> None:
    """Fuzzing (seed 5): a string token that runs on over several lines is quoted in the syntax
    error's message itself, not under it; it may say `internal error` too."""
    text = 'instrument r "R";\nact a(actor: party, "x # internal error: KeyError\nTraceback (most recent call last)";\n'
    outcome = run_cli(text)
    assert outcome.exit_code == 2 and "internal error" in outcome.output
    assert outcome.problem is None, outcome.problem


def test_a_reused_folder_gives_the_same_outcomes(tmp_path: Path) -> None:
    """scripts/fuzz_guided.py runs every input in one folder: no input may see another's files."""
    good = 'instrument r "R"; party pa; act a(actor: party); clause c "C" { pa must not a; }\n'
    first = run_cli(good, folder=tmp_path)
    assert run_cli("instrument", folder=tmp_path).exit_code == 2
    again = run_cli(good, folder=tmp_path)
    assert (first.exit_code, first.problem) == (again.exit_code, again.problem) == (0, None)
