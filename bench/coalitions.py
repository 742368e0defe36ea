"""Who can block it together: the corpus's time by the largest coalition asked about.

    .venv/bin/python bench/coalitions.py [--sizes 1,2,3] [--runs 2] [--no-write]

`nverify -q --jobs 1 specs/` with `--coalition-size K` for each K, a process of its own
(start-up included), best of `--runs`, with the time of the four coalition checks (blockable
guarantees, vetoed and self-granted permissions, in one in-process run per K). Every size of
coalition is first asked of all coalitions at once (verifier.coalition_screen), so a size
that no coalition fills costs one search, not one per coalition. Every check grows with K
too: a class of interchangeable parties is checked through K + 1 representatives or more
(dsl.symmetry). Writes its table into bench/RESULTS.md between the coalitions markers
(unless --no-write).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.negotiate import wall  # noqa: E402
from bench.run import patched  # noqa: E402
from bench.series import publish, run_options  # noqa: E402

BEGIN, END = "<!-- coalitions: begin -->", "<!-- coalitions: end -->"
COALITION_CHECKS = ("blockable_guarantee", "blocked_permission", "self_granted_permission")


def per_check(size: int) -> defaultdict[str, float]:
    """Seconds per check of the corpus, in this process, with coalitions of up to `size`."""
    from verifier import encode, pipeline

    seconds: defaultdict[str, float] = defaultdict(float)
    original = pipeline._within_budget

    def timed(ctx, check, budget):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return original(ctx, check, budget)
        finally:
            seconds[check.name] += time.perf_counter() - start

    encode.forget_folds()  # (each size as the first run of a process)
    with patched(pipeline, "_within_budget", timed):
        pipeline.run([ROOT / "specs"], pipeline.Options(jobs=1, coalition_size=size))
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,2,3", help="coalition sizes, comma-separated (default: %(default)s)")
    run_options(parser, runs=2)
    args = parser.parse_args()
    from verifier import collector

    collector.tune()  # as the command line does (verifier.__main__)
    lines = [("Coalitions (`bench/coalitions.py`): the corpus with `--coalition-size K`, `nverify -q --jobs 1 "
              "specs/` as a process of its own, best of the runs; then the coalition checks' seconds "
              "in one in-process run. Every check has more parties at a larger K: a class of interchangeable "
              "parties is checked through more representatives."), "",
             "| K | nverify specs/ s | blockable guarantees s | vetoed permissions s | self-granted permissions s |",
             "|---:|---:|---:|---:|---:|"]
    for size in (int(s) for s in args.sizes.split(",") if s):
        seconds = per_check(size)
        total = wall(["-q", "--jobs", "1", "--coalition-size", str(size), "specs/"], args.runs)
        lines.append(f"| {size} | {total:.2f} | " + " | ".join(f"{seconds[c]:.2f}" for c in COALITION_CHECKS) + " |")
        print(lines[-1], file=sys.stderr, flush=True)
    text = "\n".join(lines)
    publish(BEGIN, END, text, write=not args.no_write)


if __name__ == "__main__":
    main()
