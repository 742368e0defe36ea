"""The test suite's own time: `python -m pytest` as `make test` runs it (after lint), with
nverify's default jobs, timed whole and per test file.

Not part of the test suite itself (it runs it). Prints the figures and writes them into
bench/RESULTS.md between the `suite` markers: wall and CPU seconds of the run, the tests
passed, and the files that take longest. CI's limit is 30 minutes for `.ci/run`, so this
is the figure to watch when a change makes the corpus slower.

    .venv/bin/python bench/suite.py            # the whole suite
    .venv/bin/python bench/suite.py -- -k lsp  # arguments after -- go to pytest
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.series import write_section  # noqa: E402

BEGIN, END = "<!-- suite: begin -->", "<!-- suite: end -->"
SHOWN = 10  # the slowest files listed


def per_file(report: Path) -> tuple[defaultdict[str, float], Counter[str]]:
    """Seconds and outcomes per test file, from pytest's JUnit XML."""
    seconds: defaultdict[str, float] = defaultdict(float)
    outcomes: Counter[str] = Counter()
    for case in ET.parse(report).getroot().iter("testcase"):
        parts = case.get("classname", "").split(".")  # tests.unit.test_clash[.TestClass]
        while len(parts) > 1 and not (ROOT / f"{'/'.join(parts)}.py").is_file():
            parts.pop()
        seconds[f"{'/'.join(parts)}.py"] += float(case.get("time", "0"))
        kind = next((child.tag for child in case if child.tag in ("failure", "error", "skipped")), "passed")
        outcomes[kind] += 1
    return seconds, outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "suite.xml"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", f"--junitxml={report}", *args.pytest_args],
                              cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "0"}, check=False)
        wall = time.monotonic() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        seconds, outcomes = per_file(report)
    lines = [BEGIN, "",
             "The test suite (`bench/suite.py`: `python -m pytest` as `make test` runs it after lint, nverify's",
             (f"default jobs, {os.cpu_count()} cores): wall {wall / 60:.1f} min, CPU {cpu / 60:.1f} min; "
              f"{outcomes['passed']} passed, {outcomes['skipped']} skipped, "
              f"{outcomes['failure'] + outcomes['error']} failed (exit {done.returncode})."), "",
             "| slowest files | s |", "|---|---:|"]
    slowest = sorted(seconds.items(), key=lambda kv: kv[1], reverse=True)[:SHOWN]  # (as Counter.most_common orders)
    lines += [f"| `{path}` | {s:.0f} |" for path, s in slowest]
    lines += ["", END]
    text = "\n".join(lines)
    print(text)
    if not args.pytest_args:  # (a partial run is no figure for the suite)
        write_section(BEGIN, END, text)
    return done.returncode


if __name__ == "__main__":
    raise SystemExit(main())
