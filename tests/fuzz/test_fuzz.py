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
    """An internal error is a failure of the harness's check, not an allowed exit 2."""
    from verifier import pipeline

    def boom(*args: object, **kwargs: object) -> object:
        raise KeyError("planted")

    monkeypatch.setattr(pipeline, "check_instrument", boom)
    text = 'instrument r "R"; party pa; act a(actor: party); clause c "C" { pa must not a; }\n'
    outcome = run_cli(text)
    assert outcome.exit_code == 2 and outcome.problem is not None and "internal error" in outcome.problem


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
