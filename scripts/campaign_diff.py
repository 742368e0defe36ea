"""A campaign for `nverify diff` or `nverify negotiate` against their brute-force oracles.

    .venv/bin/python scripts/campaign_diff.py --mode diff|negotiate --seed 1 --count 500 [--save DIR]

Generates `count` inputs from consecutive seeds (tests/oracle/pairs.py), runs
verifier.diff.compare or verifier.negotiate.negotiate in-process and compares
with tests/oracle/diff_oracle.py or negotiate_oracle.py. Prints how many inputs
and answers were compared and how many disagreed; with --save, each input that
disagrees (or crashes) is written to DIR with its disagreements. Exit status:
0 when nothing disagreed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.oracle.gen import RandomChooser  # noqa: E402
from tests.oracle.verdicts import Outcome  # noqa: E402


def _diff(seed: int) -> tuple[str, Outcome]:
    from tests.oracle.diff_compare import compare_pair
    from tests.oracle.pairs import diff_pair

    pair = diff_pair(RandomChooser(seed))
    text = f"# A{'@' + pair.draft_a if pair.draft_a else ''}\n{pair.a}\n# B" \
           f"{'@' + pair.draft_b if pair.draft_b else ''}\n{pair.b}"
    return text, _run(lambda: compare_pair(pair))


def _negotiate(seed: int) -> tuple[str, Outcome]:
    from tests.oracle.negotiate_compare import compare_negotiation
    from tests.oracle.pairs import negotiation

    text = negotiation(RandomChooser(seed))
    return text, _run(lambda: compare_negotiation(text))


def _run(compare: Callable[[], Outcome]) -> Outcome:
    try:
        return compare()
    except Exception:  # noqa: BLE001 - a crash of nverify (or of the oracle) is a disagreement too
        return Outcome(disagreements=["crash:\n" + traceback.format_exc()])


MODES = {"diff": _diff, "negotiate": _negotiate}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mode", choices=sorted(MODES), required=True)
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--count", type=int, default=200, help="number of inputs (default 200)")
    parser.add_argument("--save", type=Path, default=None, help="folder for inputs that disagree")
    parser.add_argument("--quiet", action="store_true", help="only the summary")
    args = parser.parse_args(argv)

    compared = checks = failing = skipped = disagreements = 0
    start = time.monotonic()
    for seed in range(args.seed, args.seed + args.count):
        text, outcome = MODES[args.mode](seed)
        if outcome.skipped:
            skipped += 1
            continue
        compared += 1
        checks += outcome.checks
        if not outcome.disagreements:
            continue
        failing += 1
        disagreements += len(outcome.disagreements)
        if not args.quiet:
            print(f"seed {seed}: {len(outcome.disagreements)} disagreement(s)", flush=True)
            for p in outcome.disagreements[:3]:
                print("   ", p.strip().splitlines()[-1] if p.startswith("crash") else p)
        if args.save is not None:
            args.save.mkdir(parents=True, exist_ok=True)
            body = "\n".join("# " + line for p in outcome.disagreements for line in p.splitlines())
            (args.save / f"{args.mode}-seed{seed}.nv").write_text(f"# {args.mode} campaign seed {seed}\n{body}\n{text}",
                                                                 encoding="utf-8")
    print(f"{args.mode}: seeds {args.seed}..{args.seed + args.count - 1}; inputs compared: {compared} "
          f"(skipped {skipped}); answers compared: {checks}; disagreements: {disagreements} in {failing} input(s); "
          f"{time.monotonic() - start:.0f} s")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
