"""A long differential campaign: random specs, nverify against the brute-force oracle.

    .venv/bin/python scripts/campaign.py --seed 1 --count 500 [--save DIR] [--stop-after N] [--timed]
                                         [--fixing] [--coalition-size K]

Generates `count` specs from consecutive seeds (seed, seed+1, ...), checks each
with nverify (verifier.pipeline.check_instrument) and with the oracle
(tests/oracle), and prints how many specs and checks were compared and how many
disagreements were found. With --save, every spec that disagrees (or crashes)
is written to DIR/seedN/ (its files, the root with its disagreements and options), for reduction into a regression test.
With --timed, every spec is timed (a timeline of 1 to 4 steps, phases, temporal
conditions, deadlines, protection requirements with a delay: tests/oracle/gen.py);
docs/trust.md records these campaigns from seed 20000000 on. With --fixing, every spec may
also assume atoms false outright (`not A`, `not exists u in party: A(u)`), which the checks'
encoder folds into constants (verifier.encode). With --coalition-size, both
sides ask about coalitions of up to K parties (default: nverify's).
Exit status: 0 when nothing disagreed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dsl.symmetry import COALITION_SIZE  # noqa: E402
from tests.oracle.compare import compare_files  # noqa: E402
from tests.oracle.gen import RandomChooser, generate_case  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--count", type=int, default=200, help="number of specs (default 200)")
    parser.add_argument("--save", type=Path, default=None, help="folder for specs that disagree")
    parser.add_argument("--stop-after", type=int, default=0, help="stop after this many failing specs (0: never)")
    parser.add_argument("--quiet", action="store_true", help="only the summary")
    parser.add_argument("--timed", action="store_true", help="timed specs (time, deadlines, temporal conditions)")
    parser.add_argument("--fixing", action="store_true",
                        help="also assumptions that fix atoms false outright (which the checks' encoder folds)")
    parser.add_argument("--coalition-size", type=int, default=COALITION_SIZE,
                        help="the largest coalition asked about, on both sides (default %(default)s)")
    args = parser.parse_args(argv)

    specs = checks = failing = skipped = 0
    disagreements = 0
    kinds: Counter[str] = Counter()
    design = 0
    start = time.monotonic()
    for seed in range(args.seed, args.seed + args.count):
        # Some specs are split over imported files, some checked with --reading or --draft.
        case = generate_case(RandomChooser(seed), timed=args.timed, fixing=args.fixing)
        try:
            result = compare_files(case.files, case.root, readings=case.readings, drafts=case.drafts,
                                   coalition_size=args.coalition_size)
            problems = result.disagreements
            checks += result.checks
            design += len(result.design)
            if result.skipped:
                skipped += 1
                continue
        except Exception:  # noqa: BLE001 - a crash of nverify (or of the oracle) is a disagreement too
            problems = ["crash:\n" + traceback.format_exc()]
        specs += 1
        if problems:
            failing += 1
            disagreements += len(problems)
            for p in problems:
                kinds[_kind(p)] += 1
            if not args.quiet:
                print(f"seed {seed}: {len(problems)} disagreement(s)", flush=True)
                for p in problems[:3]:
                    print("   ", p.splitlines()[0] if not p.startswith("crash") else p.strip().splitlines()[-1])
            if args.save is not None:
                args.save.mkdir(parents=True, exist_ok=True)
                body = "\n".join("# " + line for p in problems for line in p.splitlines())
                shown = "".join(f" --reading {r}" for r in case.readings) + "".join(f" --draft {d}" for d in case.drafts)
                folder = args.save / f"seed{seed}"
                for name, text in case.files.items():
                    (folder / name).parent.mkdir(parents=True, exist_ok=True)
                    timed = (" --timed" if args.timed else "") + (" --fixing" if args.fixing else "") + \
                        (f" --coalition-size {args.coalition_size}" if args.coalition_size != COALITION_SIZE else "")
                    header = f"# campaign seed {seed}{timed}{shown}\n{body}\n" if name == case.root else ""
                    (folder / name).write_text(header + text, encoding="utf-8")
            if args.stop_after and failing >= args.stop_after:
                break
    elapsed = time.monotonic() - start
    print(f"specs compared: {specs} (skipped {skipped}); checks compared: {checks}; "
          f"disagreements: {disagreements} in {failing} spec(s); "
          f"DESIGN-level notes: {design}; {elapsed:.0f} s")
    for kind, n in kinds.most_common():
        print(f"  {n:5d}  {kind}")
    return 1 if failing else 0


def _kind(problem: str) -> str:
    if problem.startswith("crash"):
        last = problem.strip().splitlines()[-1]
        return "crash: " + last.split(":")[0]
    text = problem.split("] ", 1)[-1]
    return " ".join(text.split()[:2])


if __name__ == "__main__":
    sys.exit(main())
