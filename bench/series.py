"""What the scaling benchmarks share: the growth exponent of a series, how figures are
printed, and writing a table into bench/RESULTS.md between its markers."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def fit(points: list[tuple[int, float]]) -> float | None:
    """Exponent b of time ~ a * N^b (least squares on logs); None with fewer than two points."""
    pts = [(math.log(n), math.log(t)) for n, t in points if t > 0]
    if len(pts) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in pts) / sxx


def fmt(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def write_section(begin: str, end: str, text: str) -> None:
    """Put text (which starts with `begin` and ends with `end`) in RESULTS.md in place of the
    section between those markers, or at the end if there is none yet."""
    current = RESULTS.read_text(encoding="utf-8")
    if begin in current:
        current = current[:current.index(begin)] + text + current[current.index(end) + len(end):]
    else:
        current = current.rstrip() + "\n\n" + text + "\n"
    RESULTS.write_text(current, encoding="utf-8")


def write_head(text: str) -> None:
    """Put text in RESULTS.md in place of what comes before its first section (bench/run.py's
    page), keeping every section the other benchmarks wrote."""
    current = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    at = current.find("<!-- ")
    RESULTS.write_text(text.rstrip() + "\n" + ("\n" + current[at:] if at >= 0 else ""), encoding="utf-8")


def run_options(parser: argparse.ArgumentParser, runs: int) -> None:
    """`--runs` (the fastest of that many kept) and `--no-write`, as the timing benchmarks take them."""
    parser.add_argument("--runs", type=int, default=runs, help="runs of each, the fastest kept (default: %(default)s)")
    parser.add_argument("--no-write", action="store_true", help="do not write bench/RESULTS.md")


def publish(begin: str, end: str, text: str, write: bool) -> None:
    """Print a benchmark's text and, if `write`, put it in RESULTS.md between its markers."""
    print(text)
    if write:
        write_section(begin, end, f"{begin}\n\n{text}\n\n{end}")
