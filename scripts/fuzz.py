"""A fuzzing session on the command line: mutated and random spec text, in-process.

    .venv/bin/python scripts/fuzz.py --seed 1 --count 2000 [--minutes 30] [--save tests/fuzz/corpus]

Every input is run with `nverify --timeout 2 FILE` (tests/fuzz/harness.py); the
only allowed outcomes are exit 0, 1 or 2 with a message, within the time bound.
Failing inputs are reduced (delta debugging) and, with --save, written to the
folder as regression files (`crash-<hash>.nv`) that tests/fuzz/test_fuzz.py
replays. Prints how many inputs ran, the outcomes, and the failures.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fuzz.harness import companions, mutate, random_args, random_text, reduce, run_cli, seeds  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=500, help="inputs to run (default 500)")
    parser.add_argument("--minutes", type=float, default=0, help="stop after this long (0: no limit)")
    parser.add_argument("--save", type=Path, default=None, help="folder for reduced failing inputs")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before a run counts as a hang")
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    pool = seeds(generated=30)
    texts = [t for _, t in pool]
    files = companions()
    outcomes: Counter[str] = Counter()
    failures: list[tuple[str, str]] = []
    slowest = 0.0
    start = time.monotonic()
    ran = 0
    for n in range(args.count):
        if args.minutes and time.monotonic() - start > args.minutes * 60:
            break
        data: str | bytes
        if rng.random() < 0.1:
            origin, data = "random", random_text(rng)
        else:
            origin, text = rng.choice(pool)
            data = mutate(text, rng, texts)
        extra = random_args(rng, data if isinstance(data, str) else "")
        outcome = run_cli(data, files=files, args=extra, limit_s=args.limit)
        ran += 1
        slowest = max(slowest, outcome.seconds)
        outcomes[f"exit {outcome.exit_code}" if outcome.problem is None else "FAILURE"] += 1
        if outcome.problem is None:
            continue
        print(f"input {n} (from {origin}, options {' '.join(extra) or 'none'}): {outcome.problem.splitlines()[0]}",
              flush=True)

        def still_fails(candidate: str | bytes, kind: str = outcome.problem.splitlines()[0][:40],
                        extra: tuple[str, ...] = extra) -> bool:
            again = run_cli(candidate, files=files, args=extra, limit_s=args.limit)
            return again.problem is not None and again.problem.splitlines()[0][:40] == kind

        reduced = reduce(data, still_fails, budget_s=60 if not outcome.problem.startswith("hang") else 0)
        failures.append((outcome.problem.splitlines()[0], repr(reduced[:300])))
        if args.save is not None:
            args.save.mkdir(parents=True, exist_ok=True)
            raw = reduced if isinstance(reduced, bytes) else reduced.encode("utf-8", errors="surrogatepass")
            name = f"crash-{hashlib.sha256(raw).hexdigest()[:12]}"
            (args.save / f"{name}.nv").write_bytes(raw)
            if extra:  # the options it needs, one per line, replayed by tests/fuzz/test_fuzz.py
                (args.save / f"{name}.args").write_text("\n".join(extra) + "\n", encoding="utf-8")
            print(f"    saved {args.save / name}.nv ({len(raw)} bytes)")
    elapsed = time.monotonic() - start
    print(f"inputs run: {ran} in {elapsed:.0f} s (slowest {slowest:.1f} s); outcomes: "
          + ", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())))
    print(f"failures: {len(failures)}")
    for problem, reduced in failures:
        print(f"  {problem}\n      reduced: {reduced}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
