"""Fuzzing the command line: random and mutated spec text, fed to the CLI in-process.

The only allowed outcomes of `nverify FILE` are exit 0, 1 or 2, with a message
when it is 2; never a traceback or an "internal error", never a hang. `run_cli`
runs one input (text or raw bytes, with optional companion files such as the
`world.nv` the real specs import) through `verifier.cli.main` with click's
CliRunner and a wall-clock bound, and says what, if anything, went wrong.
`mutate` derives a new input from a seed text; `seeds()` lists the seed texts
(the real specs in specs/, the teaching specs in examples/, the test cases in
tests/cases, and generated specs).
"""

from __future__ import annotations

import random
import re
import signal
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parent / "corpus"
ALLOWED = (0, 1, 2)
LIMIT_S = 60.0          # a run longer than this is a hang
QUERY_TIMEOUT = "2"     # --timeout for every solver query, so one query cannot eat the bound


class Hang(BaseException):
    """Raised by the alarm: not an Exception, so the CLI's own handlers cannot swallow it."""


@dataclass
class Outcome:
    exit_code: int | None
    output: str
    seconds: float
    problem: str | None  # None: an allowed outcome

    def __str__(self) -> str:
        return f"exit {self.exit_code} after {self.seconds:.1f}s: {self.problem or 'ok'}"


def run_cli(data: str | bytes, *, files: dict[str, str | bytes] | None = None, args: tuple[str, ...] = (),
            limit_s: float = LIMIT_S, name: str = "input.nv", folder: Path | None = None) -> Outcome:
    """Run `nverify [args] FILE` in-process on data; classify the outcome.

    The files are written to a new temporary folder, or to `folder` (reused by a long
    fuzzing session: a folder per input costs more than the parse of a small one).
    """
    if folder is not None:
        return _run_in(folder, data, files or {}, args, limit_s, name)
    with tempfile.TemporaryDirectory(prefix="nverify-fuzz-") as tmp:
        return _run_in(Path(tmp), data, files or {}, args, limit_s, name)


def _run_in(folder: Path, data: str | bytes, files: dict[str, str | bytes], args: tuple[str, ...],
            limit_s: float, name: str) -> Outcome:
    from click.testing import CliRunner

    from verifier.cli import main

    for fname, content in {**files, name: data}.items():
        path = folder / fname
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
    runner = CliRunner()

    def alarm(signum: int, frame: object) -> None:
        raise Hang()

    previous = signal.signal(signal.SIGALRM, alarm)
    # Repeats every second after the bound: an exception raised inside a destructor is
    # swallowed by Python, so one alarm might not be enough to stop the run.
    signal.setitimer(signal.ITIMER_REAL, limit_s, 1.0)
    start = time.monotonic()
    try:
        result = runner.invoke(main, [*args, "--timeout", QUERY_TIMEOUT, "--color", "never", "--jobs", "1",
                                      str(folder / name)], catch_exceptions=True)
    except Hang:
        return Outcome(None, "", time.monotonic() - start, f"hang: no answer within {limit_s:.0f} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        # None: the handler was not installed from Python (libFuzzer's, say); put the default back.
        signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
    seconds = time.monotonic() - start
    output = result.stdout + result.stderr
    return Outcome(result.exit_code, output, seconds, _problem(result, output, located=not args))


# `file:line:col: error[code]: message`: how every error about the input is shown.
EXCERPT = re.compile(r"^ *\d* \| ")  # a line of the input shown under a diagnostic
LOCATED = re.compile(r"^\S.*:\d+:\d+: error\[", re.MULTILINE)


def _problem(result: object, output: str, located: bool = False) -> str | None:
    """What is wrong with an outcome, or None. With `located` (no options were given, so no
    error can be about them), an exit 2 must point at the input: `file:line:col`."""
    exc = getattr(result, "exception", None)
    if exc is not None and not isinstance(exc, SystemExit):
        info = getattr(result, "exc_info", None)
        shown = "".join(traceback.format_exception(*info)) if info else repr(exc)
        return f"uncaught {type(exc).__name__}: {exc}\n{shown}"
    code = getattr(result, "exit_code", None)
    said = "\n".join(line for line in output.splitlines() if not EXCERPT.match(line))  # not the input's own words
    # How nverify itself says so, at the start of a line: a diagnostic's message may quote a
    # token of the input (`unexpected '"... internal error ..."'`), which may say anything.
    internal = [line for line in said.splitlines() if line.startswith("nverify: internal error")]
    if internal or code == 3:
        return "an internal error: " + (internal[0] if internal else "exit code 3")
    if code not in ALLOWED:
        return f"exit code {code}"
    if any(line.startswith("Traceback (most recent call last)") for line in said.splitlines()):
        return "a traceback in the output"
    stderr = getattr(result, "stderr", "")
    if code == 2 and not stderr.strip():
        return "exit 2 without a message"
    if code == 2 and located and not LOCATED.search(stderr):
        return "an error without a location: " + stderr.strip().splitlines()[0]
    return None


# ---- seeds ----------------------------------------------------------------------------------

def seed_files() -> list[Path]:
    out = sorted((ROOT / "specs").glob("*.nv")) + sorted((ROOT / "examples").glob("**/*.nv"))
    out += sorted((ROOT / "tests" / "cases").glob("**/*.nv"))
    return [p for p in out if p.is_file()]


def seeds(generated: int = 20) -> list[tuple[str, str]]:
    """(name, text) of every seed: files from the repository, then generated specs."""
    out = []
    for p in seed_files():
        try:
            out.append((str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError):
            continue
    from tests.oracle.gen import RandomChooser, generate

    out += [(f"generated:{i}", generate(RandomChooser(i))) for i in range(generated)]
    return out


def companions() -> dict[str, str | bytes]:
    """Files the real specs import, offered next to every input."""
    world = ROOT / "specs" / "world.nv"
    return {"world.nv": world.read_text(encoding="utf-8")} if world.exists() else {}


# ---- mutation -------------------------------------------------------------------------------

TOKENS = [
    "instrument", "import", "party", "group", "enum", "fact", "act", "quantity", "define", "term", "reading",
    "assume", "clause", "expect", "assert", "no", "scenario", "must", "must not", "may", "keep", "limit",
    "where", "when", "unless", "protects", "against", "overrides", "each", "in", "exists", "all", "not",
    "and", "or", "implies", "true", "false", "controlled by", "source", "text", "note", "rank", "base",
    ";", ",", ":", "(", ")", "{", "}", "[", "]", "|", "_", "=", "==", "!=", "<=", ">=", "<", ">", "+", "-",
    '"', '"unterminated', '"\\q"', '"\\x00"', "#", "\n", "\r", "\t", "\x00", "\x0c", "\u00e9", "\u202e",
    "\ud7ff", "\U0001f600", "0", "1", "-1", "99999999999999999999999999", "1_000", "_1", "9" * 400,
    "party", "bool", "ordinary", "world.nv", "import \"world.nv\";", "import \"../x.nv\";",
    "import \"/etc/passwd\";", "import \"input.nv\";", "hollow-permission", "conflict", "pretext",
]
NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def mutate(text: str, rng: random.Random, others: list[str] | None = None) -> str | bytes:
    """One to four random edits of text; sometimes the result is raw bytes (not UTF-8)."""
    for _ in range(rng.randint(1, 4)):
        text = _edit(text, rng, others or [])
    if rng.random() < 0.05:
        data = bytearray(text.encode("utf-8", errors="surrogatepass"))
        for _ in range(rng.randint(1, 3)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    return text


def _edit(text: str, rng: random.Random, others: list[str]) -> str:
    n = len(text)
    i = rng.randrange(n + 1)
    j = min(n, i + rng.choice([1, 2, 5, 20, 100, 1000]))
    op = rng.randrange(15)
    if op >= 12:     # delete or duplicate a whole line: often still a valid spec
        lines = text.split("\n")
        k = rng.randrange(len(lines))
        if op == 12:
            del lines[k]
        else:
            lines.insert(k, lines[k])
        return "\n".join(lines)
    if op == 0:      # delete a span
        return text[:i] + text[j:]
    if op == 1:      # duplicate a span
        return text[:j] + text[i:j] + text[j:]
    if op in (2, 3):  # insert a token
        return text[:i] + rng.choice([" ", ""]) + rng.choice(TOKENS) + rng.choice([" ", ""]) + text[i:]
    if op == 4:      # swap two lines
        lines = text.split("\n")
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        return "\n".join(lines)
    if op == 5:      # truncate
        return text[:i]
    if op == 6 and others:  # splice with another seed
        other = rng.choice(others)
        k = rng.randrange(len(other) + 1)
        return text[:i] + other[k:k + rng.randint(1, 400)] + text[j:]
    if op == 7:      # replace a name by another name of the text
        names = NAME.findall(text)
        if names:
            old, new = rng.choice(names), rng.choice(names + TOKENS[:40])
            return re.sub(rf"\b{re.escape(old)}\b", new, text, count=rng.randint(1, 3))
    if op == 8:      # deep nesting
        what = rng.choice(["not ", "(", "[pa: ", "exists x in party: (", "f and ", "{"])
        return text[:i] + what * rng.choice([50, 99, 101, 150, 400]) + text[i:]
    if op == 9:      # a number becomes extreme
        return re.sub(r"\b\d+\b", lambda m: rng.choice(["0", "10" + "0" * 40, "-5", "1_0", "007"]), text, count=1)
    if op == 10:     # a random character
        ch = chr(rng.choice([0, 9, 10, 13, 34, 35, 92, 127, 0xA0, 0x2028, 0xFEFF, rng.randrange(32, 0x3000)]))
        return text[:i] + ch + text[i:]
    return text[:i] + text[j:j + (j - i)] + text[i:j] + text[j + (j - i):]  # swap adjacent spans


def random_args(rng: random.Random, text: str) -> tuple[str, ...]:
    """Command-line options to go with an input: readings, drafts, limits, output formats."""
    names = NAME.findall(text) or ["x"]
    pool = [("--format", rng.choice(["text", "json", "sarif", "markdown", "html", "xml"])),
            ("--reading", rng.choice([*names, "ordinary", "t1=pb", "nope=x"])),
            ("--draft", rng.choice([*names, "base", "c1#1=pa", "zz#9=pa"])),
            ("--rlimit", rng.choice(["1", "5000", "200000", "-3"])),
            ("--max-findings", rng.choice(["1", "2", "0"])),
            ("--timeout", rng.choice(["0.001", "0.05"]))]
    out: list[str] = []
    for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
        out.extend(rng.choice(pool))
    return tuple(out)


def random_text(rng: random.Random) -> str:
    """Text from nothing: a soup of tokens and names."""
    words = [rng.choice([*TOKENS, "pa", "pb", "f", "a", "c1", "k1"]) for _ in range(rng.randint(1, 120))]
    return " ".join(words)


# ---- reduction ---------------------------------------------------------------------------------

def reduce(data: str | bytes, still_fails: Callable[[str | bytes], bool], budget_s: float = 120.0) -> str | bytes:
    """Shrink a failing input by deleting chunks while it keeps failing (delta debugging)."""
    deadline = time.monotonic() + budget_s
    current = data
    chunk = max(1, len(current) // 2)
    while chunk >= 1 and time.monotonic() < deadline:
        i = 0
        changed = False
        while i < len(current) and time.monotonic() < deadline:
            # (the two slices are of one type, both str or both bytes: the same expression twice,
            # once for each, as mypy types each half of the union apart)
            if isinstance(current, str):
                candidate: str | bytes = current[:i] + current[i + chunk:]
            else:
                candidate = current[:i] + current[i + chunk:]
            if candidate and still_fails(candidate):
                current = candidate
                changed = True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    return current


def corpus() -> Iterator[Path]:
    yield from sorted(p for p in CORPUS.glob("*") if p.is_file() and not p.name.startswith("."))
