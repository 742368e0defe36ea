"""Coverage-guided fuzzing of the command line with atheris (libFuzzer), in-process.

    make fuzz                                    # 100,000 inputs from seed 1
    .venv/bin/python scripts/fuzz_guided.py [--work DIR] [--limit S] -- -runs=N -seed=S [libFuzzer flags]

Every input runs `nverify --timeout 2 --jobs 1 FILE` through tests/fuzz/harness.py,
whose oracle says what a crash is: an uncaught exception, a traceback or an
"internal error" in the output, an exit code other than 0, 1 or 2, an exit 2 whose
message does not point at the input (`file:line:col`), or no answer within --limit
seconds. A crash stops the run; libFuzzer writes the input to DIR/crash-<sha1>.

libFuzzer mutates the input bytes, keeps those that reach new code of `dsl` and
`verifier` (the only modules instrumented), and writes them to DIR/corpus. The seeds
are the repository's specs (specs/, examples/, tests/cases, tests/fuzz/corpus) and
generated specs (tests/oracle/gen.py), copied to DIR/seeds; DIR/nverify.dict holds the
language's keywords and punctuation for the mutator to insert. With --world, each input
may import `world.nv`, the vocabulary the real specs share, written beside it.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import pkgutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import atheris  # noqa: E402

from tests.fuzz.harness import TOKENS, companions, corpus, run_cli, seed_files  # noqa: E402


class Crash(Exception):
    """An outcome the harness's oracle does not allow."""


# Breaks already filed (issue 19, items 1-4) whose fixes are under way: an input that shows
# one is kept in DIR/known/ (to replay once the fix is in) instead of stopping the run.
# Empty this list when they are fixed: a known break found again is then a crash.
KNOWN = ("embedded null byte", "Exceeds the limit", "grounds to about", "hang: ")


def instrumented() -> None:
    """Import every module of dsl and verifier under atheris's coverage instrumentation
    (the CLI imports most of them lazily, after instrument_imports would have ended)."""
    with atheris.instrument_imports(include=["dsl", "verifier"]):
        for package in ("dsl", "verifier"):
            root = importlib.import_module(package)
            for info in pkgutil.walk_packages(root.__path__, package + "."):
                importlib.import_module(info.name)


def write_seeds(folder: Path, generated: int) -> int:
    """The seed inputs, one file each (named by content, so a rerun writes the same set)."""
    from tests.oracle.gen import RandomChooser, generate

    folder.mkdir(parents=True, exist_ok=True)
    datas = [p.read_bytes() for p in seed_files()]
    datas += [p.read_bytes() for p in corpus() if p.suffix == ".nv"]
    datas += [generate(RandomChooser(i)).encode("utf-8") for i in range(generated)]
    for data in datas:
        (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)
    return len(datas)


def write_dict(path: Path) -> None:
    """libFuzzer's dictionary: the tokens the mutator may insert, in its quoted form."""
    def quoted(token: str) -> str:
        raw = token.encode("utf-8", errors="surrogatepass")
        return '"' + "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\x{b:02x}" for b in raw) + '"'

    path.write_text("".join(quoted(t) + "\n" for t in sorted(set(TOKENS))), encoding="ascii")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "fuzz", help="working folder (build/fuzz)")
    parser.add_argument("--limit", type=float, default=10.0, help="seconds before an input counts as a hang")
    parser.add_argument("--generated", type=int, default=60, help="generated specs among the seeds")
    parser.add_argument("--world", action="store_true",
                        help="write specs/world.nv beside each input (its parse makes every input that imports "
                             "it ten times slower; without it such an import is an error)")
    args, libfuzzer = parser.parse_known_args()
    libfuzzer = [a for a in libfuzzer if a != "--"]

    work = args.work.resolve()
    seeds, found, scratch = work / "seeds", work / "corpus", work / "scratch"
    for folder in (found, scratch):
        folder.mkdir(parents=True, exist_ok=True)
    print(f"seeds: {write_seeds(seeds, args.generated)} in {seeds}", file=sys.stderr)
    write_dict(work / "nverify.dict")
    files = companions() if args.world else {}

    known = work / "known"
    known.mkdir(exist_ok=True)

    def one_input(data: bytes) -> None:
        outcome = run_cli(data, files=files, limit_s=args.limit, folder=scratch)
        if outcome.problem is None:
            return
        if any(k in outcome.problem for k in KNOWN):
            (known / hashlib.sha1(data).hexdigest()).write_bytes(data)
            print(f"KNOWN {outcome.problem.splitlines()[0][:200]}", file=sys.stderr, flush=True)
            return
        raise Crash(f"{outcome}\n{outcome.problem}\n{outcome.output[-2000:]}")

    instrumented()
    # -timeout=0: the harness's own alarm bounds each input (libFuzzer's would take SIGALRM from it).
    flags = ["-timeout=0", "-max_len=1024", "-rss_limit_mb=6144", f"-dict={work / 'nverify.dict'}",
             f"-artifact_prefix={work}/", *libfuzzer]
    atheris.Setup([sys.argv[0], *flags, str(found), str(seeds)], one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
