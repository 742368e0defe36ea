"""Party scaling: how the time grows with the number of parties the world declares.

    .venv/bin/python bench/parties.py [--sizes 10,20,40,60,120] [--full-max 20] [--no-write]

A copy of the corpus (`specs/`) whose `world.nv` declares N parties: the ten the specs
name, then N - 10 more that no clause names, all members of NATO and the EU (one class of
interchangeable parties). For each N: `nverify -q --jobs 1 specs/istanbul_2022.nv` and
`nverify -q specs/` (the whole corpus, default --jobs), through representatives (the
default) and, up to --full-max parties, with `--no-symmetry`. Wall seconds, best of two,
and the growth exponent b of time ~ N^b over the sizes. Writes its table into
bench/RESULTS.md between the party-scaling markers (unless --no-write).
"""

from __future__ import annotations

import argparse
import math
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Literal, TypedDict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.series import fit, fmt, write_section  # noqa: E402

NVERIFY = ROOT / ".venv" / "bin" / "nverify"
BEGIN, END = "<!-- party-scaling: begin -->", "<!-- party-scaling: end -->"
NAMED = 10  # the parties world.nv declares on its first `party` line
# The two timed runs per world: the row key and the table's label.
SPECS: tuple[tuple[Literal["istanbul", "corpus"], str], ...] = (("istanbul", "istanbul_2022.nv"), ("corpus", "corpus"))


class Times(TypedDict):
    """Seconds for one world of n parties (None past the timeout)."""

    n: int
    istanbul: float | None
    corpus: float | None


class Row(Times):
    """The same, and with --no-symmetry (None also above --full-max)."""

    istanbul_full: float | None
    corpus_full: float | None


def world_with(n: int, text: str) -> str:
    """world.nv with only its first ten parties, then n - 10 interchangeable NATO and EU members."""
    extra = [f"member{i}" for i in range(1, n - NAMED + 1)]
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("party "))
    # drop the later `party` declarations and their continuation lines (the real members)
    kept, skipping = [], False
    for i, line in enumerate(lines):
        if i > first and line.startswith("party "):
            skipping = True
        if skipping:
            skipping = not line.rstrip().endswith(";")
            continue
        kept.append(line)
    out = "\n".join(kept) + "\n"
    named = re.findall(r"\w+", lines[first][len("party "):])
    out = re.sub(r"group (states|nato_members|eu_members) = \{[^}]*\};",
                 lambda m: _group(m.group(1), named, extra), out)
    if extra:
        out += f"party {', '.join(extra)};\n"
    return out


def declared_parties(text: str) -> list[str]:
    """The parties a world file declares, in order."""
    return [name for decl in re.findall(r"^party ([^;]*);", text, re.MULTILINE) for name in re.findall(r"\w+", decl)]


def _group(name: str, named: list[str], extra: list[str]) -> str:
    base = {"states": [p for p in named if p not in ("eu", "nato")],
            "nato_members": ["usa", "uk", "france", "germany"],
            "eu_members": ["france", "germany", "austria"]}[name]
    return f"group {name} = {{{', '.join(base + extra)}}};"


def timed(args: list[str], cwd: Path, timeout: float) -> float | None:
    """Best wall time of two runs; None past the timeout."""
    best = math.inf
    for _ in range(2):
        start = time.perf_counter()
        try:
            subprocess.run([str(NVERIFY), *args], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return None
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,20,40,60,120")
    parser.add_argument("--full-max", type=int, default=20, help="largest N also run with --no-symmetry")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per run before giving up")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    original = (ROOT / "specs" / "world.nv").read_text(encoding="utf-8")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            folder = Path(tmp) / f"n{n}"
            shutil.copytree(ROOT / "specs", folder / "specs")
            (folder / "specs" / "world.nv").write_text(world_with(n, original), encoding="utf-8")
            ist = ["-q", "--jobs", "1", "specs/istanbul_2022.nv"]
            row: Row = {"n": n,
                        "istanbul": timed(ist, folder, args.timeout),
                        "corpus": timed(["-q", "specs/"], folder, args.timeout),
                        "istanbul_full": timed(["--no-symmetry", *ist], folder, args.timeout)
                        if n <= args.full_max else None,
                        "corpus_full": timed(["--no-symmetry", "-q", "specs/"], folder, args.timeout)
                        if n <= args.full_max else None}
            rows.append(row)
            print(n, {k: fmt(v) if isinstance(v, float) else v for k, v in row.items()}, flush=True)
        # world.nv as written: the real memberships (the states the specs name, NATO's and the
        # EU's other members), against the ten-party sample (the first size, when it is 10).
        folder = Path(tmp) / "real"
        shutil.copytree(ROOT / "specs", folder / "specs")
        real: Times = {"n": len(declared_parties(original)),
                       "istanbul": timed(["-q", "--jobs", "1", "specs/istanbul_2022.nv"], folder, args.timeout),
                       "corpus": timed(["-q", "specs/"], folder, args.timeout)}
        print("real", real, flush=True)
    table = [BEGIN, "",
             "Party scaling (`bench/parties.py`): the corpus's world with N parties, the ten the specs name and",
             "N - 10 interchangeable NATO and EU members. Wall seconds, best of two; `every party` is",
             f"`--no-symmetry` (run up to N = {args.full_max}).", "",
             "| N | istanbul_2022.nv | every party | corpus | every party |", "|---:|---:|---:|---:|---:|"]
    for r in rows:
        table.append(f"| {r['n']} | {fmt(r['istanbul'])} | {fmt(r['istanbul_full'])} | {fmt(r['corpus'])} | "
                     f"{fmt(r['corpus_full'])} |")
    for key, label in SPECS:
        b = fit([(r["n"], s) for r in rows if (s := r[key]) is not None])
        table.append("")
        table.append(f"Growth in N, {label}, through representatives: time ~ N^{fmt(b)}.")
    sample = next((r for r in rows if r["n"] == NAMED), None)
    table += ["", (f"Real memberships (`specs/world.nv` as written: {real['n']} parties, NATO's 32 members and the "
                  "EU's 27) against the ten-party sample (target: at most 1.5 times):"), "",
              "| spec | sample (10) s | real s | ratio |", "|---|---:|---:|---:|"]
    for key, label in SPECS:
        base = sample[key] if sample else None
        seconds = real[key]
        ratio = seconds / base if base and seconds is not None else None
        table.append(f"| {label} | {fmt(base)} | {fmt(seconds)} | {fmt(ratio)} |")
    table += ["", END]
    text = "\n".join(table)
    print(text)
    if not args.no_write:
        write_section(BEGIN, END, text)

if __name__ == "__main__":
    main()
