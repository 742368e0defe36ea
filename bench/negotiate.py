"""Negotiating over an imported draft against checking it: the two commands' wall times.

    .venv/bin/python bench/negotiate.py [--runs 3] [--no-write]

`nverify negotiate` on each negotiation spec of the corpus that imports its draft, and
`nverify -q --jobs 1` on the same file, each a process of its own (start-up included, as a
user meets them), best of `--runs`. The target of issue 17: negotiating within 3x of
checking. Writes its table into bench/RESULTS.md between the negotiate markers (unless
--no-write).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.series import fmt, publish, run_options  # noqa: E402

BEGIN, END = "<!-- negotiate: begin -->", "<!-- negotiate: end -->"
NVERIFY = ROOT / ".venv" / "bin" / "nverify"
SPECS = ("specs/negotiation_istanbul_imported.nv",)


def wall(args: list[str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(NVERIFY), *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    run_options(parser, runs=3)
    args = parser.parse_args()
    rows = []
    for spec in SPECS:
        check = wall(["-q", "--jobs", "1", spec], args.runs)
        negotiate = wall(["negotiate", spec], args.runs)
        rows.append((spec, check, negotiate))
        print(f"{spec}: check {check:.2f} s, negotiate {negotiate:.2f} s", file=sys.stderr)
    lines = [("Negotiating over an imported draft against checking it (`bench/negotiate.py`; wall time of "
              "each command in a process of its own, start-up included, best of the runs):"), "",
             "| spec | check s | negotiate s | negotiate / check |", "|---|---:|---:|---:|"]
    lines += [f"| `{spec}` | {check:.2f} | {negotiate:.2f} | {fmt(negotiate / check if check else None)} |"
              for spec, check, negotiate in rows]
    text = "\n".join(lines)
    publish(BEGIN, END, text, write=not args.no_write)


if __name__ == "__main__":
    main()
