"""Spec text drawn from the language's own grammar, for parser and elaboration robustness.

The grammar is read from the installed package (`dsl/grammar.lark`) when the
strategy is built, so a change to it changes what is drawn; nothing is copied.
Hypothesis's `from_lark` derives a text from the grammar's rules. Three forms:

* spaced: every token followed by a space, names from a small pool shared with
  a declaration header that is sometimes put in front, so the drawn clauses,
  goals and expressions reach name resolution, typing and expansion;
* raw: tokens as `from_lark` draws them, glued or not (lexical edge cases);
* cut: a spaced text with a span deleted or repeated (what an editor holds).

`check_text` runs one text through `dsl.load` and the command line
(tests/fuzz/harness.py) and returns what went wrong, or None.
"""

from __future__ import annotations

import re
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

NAMES = ("pa", "pb", "k1", "k2", "kind", "f", "a", "q", "t", "c1", "c2", "g", "x", "y", "party", "bool",
         "ordinary", "base", "actor")
KINDS = ("contradiction", "conflict", "hollow-permission", "pretext", "blockable-guarantee", "vacuous-guarantee",
         "protection-gap", "excuse", "no-such-kind")
HEADER = """instrument fz "Fuzz";
party pa, pb;
enum kind = {k1, k2};
group g = {pa};
fact f(x: party) controlled by x;
act a(actor: party, y: kind);
quantity q(x: party) controlled by x;
term t(y: kind) { reading ordinary: y == k1; reading pa: y in {k1, k2}; }
clause c1 "Art. 1" { pa must not a(y: k1); }
"""
LOCATED = re.compile(r"input\.nv:(\d+):(\d+)")


@lru_cache(maxsize=1)
def _grammar() -> Any:
    from lark import Lark

    text = resources.files("dsl").joinpath("grammar.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr")


def _token(grammar: Any, name: str) -> st.SearchStrategy[str]:
    terminal = next(t for t in grammar.terminals if t.name == name)
    if type(terminal.pattern).__name__ == "PatternStr":
        return st.just(terminal.pattern.value)
    if name == "NAME":
        return st.sampled_from(NAMES)
    if name == "FINDING_KIND":
        return st.sampled_from(KINDS)
    if name == "INT":
        return st.integers(0, 400).map(str)
    if name == "STRING":
        return st.from_regex(r'"[ !#-\[\]-~]{0,10}"', fullmatch=True)
    return st.from_regex(terminal.pattern.to_regexp(), fullmatch=True)


def spaced() -> st.SearchStrategy[str]:
    from hypothesis.extra.lark import from_lark

    grammar = _grammar()
    explicit = {t.name: _token(grammar, t.name).map(lambda s: s + " ")
                for t in grammar.terminals if t.name not in grammar.ignore_tokens}
    # What the grammar ignores between tokens: a comment ends its line here, or it would
    # swallow the tokens after it.
    explicit.update({name: st.sampled_from(["\n", "\t", "# note\n", "\r\n"]) for name in grammar.ignore_tokens})
    body = from_lark(grammar, explicit=explicit)
    return st.tuples(st.booleans(), body).map(lambda hb: (HEADER if hb[0] else "") + hb[1])


def raw() -> st.SearchStrategy[str]:
    from hypothesis.extra.lark import from_lark

    return from_lark(_grammar())


def cut() -> st.SearchStrategy[str]:
    @st.composite
    def edited(draw: st.DrawFn) -> str:
        text = draw(spaced())
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 40)))
        return text[:i] + text[j:] if draw(st.booleans()) else text[:j] + text[i:j] + text[j:]

    return edited()


def texts() -> st.SearchStrategy[str]:
    return st.one_of(spaced(), spaced(), raw(), cut())


def check_text(text: str, *, limit_s: float = 60.0) -> str | None:
    """None if the text has an allowed outcome; else what went wrong."""
    from dsl import load
    from tests.fuzz.harness import run_cli

    with tempfile.TemporaryDirectory(prefix="nverify-grammar-") as tmp:
        path = Path(tmp) / "input.nv"
        path.write_text(text, encoding="utf-8")
        try:
            loaded = load([path])
        except Exception as err:  # noqa: BLE001 - any escape from the front end is the failure sought
            return f"dsl.load raised {type(err).__name__}: {err}"
        # Offsets and lines as dsl.source counts them: "\r\n" and "\r" end a line too.
        normal = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = normal.split("\n")
        for d in loaded.diagnostics.sorted():
            s = d.span
            inside = 0 <= s.start <= s.end <= len(normal) and 1 <= s.line <= len(lines) \
                and 1 <= s.column <= len(lines[s.line - 1]) + 1
            if Path(s.path).name != "input.nv" or not inside:
                return f"diagnostic {d.message!r} at {s.path}:{s.line}:{s.column} [{s.start}, {s.end}] " \
                       f"lies outside the text"
        errors = loaded.diagnostics.has_errors()
    outcome = run_cli(text, limit_s=limit_s)
    if outcome.problem is not None:
        return f"nverify: {outcome.problem}"
    if errors:
        if outcome.exit_code != 2:
            return f"dsl.load found errors but nverify exited {outcome.exit_code}"
        located = [(int(a), int(b)) for a, b in LOCATED.findall(outcome.output)]
        if not located:
            return "nverify reported bad input without a file:line:col"
    return None
