"""A campaign for interchangeable parties: random specs with parties no clause names,
checked through representatives and with every party (`--no-symmetry`).

    .venv/bin/python scripts/symmetry_campaign.py --seed 1 --count 500 [--save DIR]

Each spec is one of the oracle campaign's (tests/oracle/gen.py, same seeds) with three to
six more parties, q1, q2, ..., that nothing names: in no group, or all in the group `grp`
when the spec has one (then they are a class of their own; the spec's own parties are
named by its clauses). Quantifiers over `party` range over them too, so every check sees
them. The two runs must agree on every expectation and on the findings party by party
(tests/symmetry_check.py). Specs where a solver gave up on either side are counted apart.
Exit status: 0 when nothing differed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.oracle.gen import RandomChooser, generate_case  # noqa: E402
from tests.symmetry_check import compare  # noqa: E402


def with_extra_parties(files: dict[str, str], seed: int) -> dict[str, str]:
    """The spec's files with 3-6 more parties that nothing names (in `grp` on odd seeds)."""
    extra = [f"q{i}" for i in range(1, 3 + seed % 4 + 1)]
    out = dict(files)
    for name, text in files.items():
        if re.search(r"^party ", text, re.MULTILINE):
            text = re.sub(r"^party ([^;]*);", lambda m: f"party {m.group(1)}, {', '.join(extra)};", text, count=1,
                          flags=re.MULTILINE)
            if seed % 2 and re.search(r"^group grp = \{", text, re.MULTILINE):
                text = re.sub(r"^group grp = \{", "group grp = {" + ", ".join(extra) + ", ", text, count=1,
                              flags=re.MULTILINE)
            out[name] = text
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--count", type=int, default=200, help="number of specs (default 200)")
    parser.add_argument("--save", type=Path, default=None, help="folder for specs that differ")
    args = parser.parse_args(argv)
    specs = differing = unknown = with_class = findings = 0
    start = time.monotonic()
    for seed in range(args.seed, args.seed + args.count):
        case = generate_case(RandomChooser(seed))
        files = with_extra_parties(case.files, seed)
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in files.items():
                (Path(tmp) / name).parent.mkdir(parents=True, exist_ok=True)
                (Path(tmp) / name).write_text(text, encoding="utf-8")
            try:
                outcome = compare(Path(tmp) / case.root, case.readings, case.drafts)
                problems = outcome.differences
            except Exception:  # noqa: BLE001 - a crash on either side is a difference too
                outcome, problems = None, ["crash:\n" + traceback.format_exc()]
        if outcome is not None and outcome.unknown:
            unknown += 1
            continue
        specs += 1
        if outcome is not None:
            with_class += bool(outcome.classes)
            findings += outcome.findings
        if problems:
            differing += 1
            print(f"seed {seed}: {len(problems)} difference(s)", flush=True)
            for p in problems[:3]:
                print("   ", p.strip().splitlines()[-1] if p.startswith("crash") else p)
            if args.save is not None:
                folder = args.save / f"seed{seed}"
                for name, text in files.items():
                    (folder / name).parent.mkdir(parents=True, exist_ok=True)
                    head = "".join(f"# {line}\n" for p in problems for line in p.splitlines()) if name == case.root else ""
                    (folder / name).write_text(f"# symmetry campaign seed {seed}\n{head}{text}" if head else text,
                                               encoding="utf-8")
    elapsed = time.monotonic() - start
    print(f"specs compared: {specs} ({with_class} with a class of interchangeable parties; {unknown} left out: "
          f"a solver gave up, or every party is past the limits); findings compared: {findings}; differing specs: {differing}; {elapsed:.0f} s")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
