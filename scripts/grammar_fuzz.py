"""A long grammar-driven fuzzing run: spec text drawn from dsl/grammar.lark, through parse,
elaboration and the command line.

    .venv/bin/python scripts/grammar_fuzz.py --seed 1 --count 20000 [--form spaced|raw|cut|all]

Each text must come out as exit 0, 1 or 2 with every diagnostic inside the text
(tests/fuzz/grammar_texts.py). Hypothesis draws the texts from the seed and
shrinks the first failure to a small one, which is printed. Prints how many
texts ran, how they came out, and the failure if any. Exit status: 0 when
none failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzz import grammar_texts  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    from hypothesis import HealthCheck, given, seed, settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=2000, help="texts to draw (default 2000)")
    parser.add_argument("--form", choices=["all", "spaced", "raw", "cut"], default="all")
    args = parser.parse_args(argv)

    strategy = {"all": grammar_texts.texts, "spaced": grammar_texts.spaced, "raw": grammar_texts.raw,
                "cut": grammar_texts.cut}[args.form]()
    outcomes: Counter[str] = Counter()
    start = time.monotonic()

    @seed(args.seed)
    @settings(max_examples=args.count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def run(text: str) -> None:
        problem = grammar_texts.check_text(text)
        outcomes["failed" if problem else "ok"] += 1
        assert problem is None, f"{problem}\n{text!r}"

    failure = None
    try:
        run()
    except AssertionError as err:
        failure = str(err)
    print(f"grammar fuzz ({args.form}): seed {args.seed}; texts run: {sum(outcomes.values())} "
          f"({outcomes['failed']} failing, shrinking included); {time.monotonic() - start:.0f} s")
    if failure:
        print("first failure, shrunk:\n" + failure)
    return 1 if failure else 0


if __name__ == "__main__":
    sys.exit(main())
