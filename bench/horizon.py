"""Horizon scaling: how the time grows with the number of steps of a timed spec's timeline.

    .venv/bin/python bench/horizon.py [--steps 1,3,10,30] [--no-write]

One guarantee treaty written for every timeline length H (`time day 0..H-1`): an attack,
guarantors that must consult within a deadline of min(2, H - 1) days of it and assist
once they have consulted (in Russia's draft, only once every guarantor agrees), a
prohibition of attack, a breach that obliges the others to answer, and Ukraine's
protection requirement (assistance by the end of the timeline). For each H:
`nverify -q --jobs 1 FILE` (both drafts, every check), wall seconds, best of two, the
ground atoms and the norms once every step is unrolled, and the growth exponent b of
time ~ H^b over H >= 3. Writes its table into bench/RESULTS.md between the
horizon-scaling markers (unless --no-write).
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.series import fit, fmt, write_section  # noqa: E402
from dsl import load  # noqa: E402
from verifier.ground import vocabulary  # noqa: E402

NVERIFY = ROOT / ".venv" / "bin" / "nverify"
BEGIN, END = "<!-- horizon-scaling: begin -->", "<!-- horizon-scaling: end -->"

SPEC = """instrument horizon "Horizon benchmark, {steps} steps";
time day 0..{last};
party ukraine, russia, usa, uk, france;
group guarantors = {{usa, uk, france}};
act attack(actor: party, on: other party);
fact agrees(g: party) controlled by g;
act consult(actor: party, with: other party);
act assist(actor: party, to: other party);
clause art1 "Art. 1" {{ russia must not attack(on: ukraine); }}
clause art5 "Art. 5" {{
  each g in guarantors must consult(with: ukraine) within {delay} of attack(on: ukraine);
  each g in guarantors must assist(to: ukraine)
    when since attack(on: ukraine) and (since consult(g, ukraine))
         and [russia: all h in guarantors: agrees(h)]
    protects ukraine against attack(on: ukraine);
}}
clause art6 "Art. 6" {{
  each g in guarantors must assist(to: ukraine) when breached(art1, by: russia);
}}
protection ukraine against attack(on: ukraine) by assist(to: ukraine);
"""


def spec(steps: int) -> str:
    return SPEC.format(steps=steps, last=steps - 1, delay=min(2, steps - 1))


def sizes(path: Path) -> tuple[int, int]:
    """Ground atoms (facts and acts) and norms once the timeline is unrolled."""
    loaded = load([path])
    assert not loaded.diagnostics.has_errors(), loaded.diagnostics.sorted()
    inst = loaded.instruments[0]
    return len(vocabulary(inst).atoms), len(inst.norms)


def timed(path: Path, timeout: float) -> tuple[float | None, int]:
    """Best wall time of two runs (None past the timeout), and the exit code."""
    best, code = math.inf, 0
    for _ in range(2):
        start = time.perf_counter()
        try:
            done = subprocess.run([str(NVERIFY), "-q", "--jobs", "1", str(path)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return None, -1
        code = done.returncode
        best = min(best, time.perf_counter() - start)
    return best, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="1,3,10,30")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds per run before giving up")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for h in (int(s) for s in args.steps.split(",")):
            path = Path(tmp) / f"horizon{h}.nv"
            path.write_text(spec(h), encoding="utf-8")
            atoms, norms = sizes(path)
            seconds, code = timed(path, args.timeout)
            rows.append((h, atoms, norms, seconds, code))
            print(h, atoms, norms, fmt(seconds), code, flush=True)
    table = [BEGIN, "",
             "Horizon scaling (`bench/horizon.py`): one guarantee treaty (a deadline of min(2, H - 1) days,",
             "assistance once consulted, a breach answered, a protection requirement; two drafts) over a",
             "timeline of H days. `nverify -q --jobs 1 FILE`, wall seconds, best of two; atoms and norms",
             f"once every step is unrolled. Measured {time.strftime('%Y-%m-%d')}, on the machine above, with",
             "other work on the second core.", "",
             "| H (steps) | ground atoms | norms | nverify FILE s |", "|---:|---:|---:|---:|"]
    for h, atoms, norms, seconds, _ in rows:
        table.append(f"| {h} | {atoms:,} | {norms:,} | {fmt(seconds)} |")
    b = fit([(h, s) for h, _, _, s, _ in rows if s is not None and h >= 3])
    table += ["", f"Growth in the horizon over H >= 3: time ~ H^{fmt(b)}. The ground atoms grow as H (every fact",
              "and act once per step); the conditions that read back over the timeline (`since`, a deadline's",
              "window) grow as H per step, so the formulas as H^2 at worst: the solver does not pay for it here.",
              "", END]
    text = "\n".join(table)
    print(text)
    if not args.no_write:
        write_section(BEGIN, END, text)

if __name__ == "__main__":
    main()
