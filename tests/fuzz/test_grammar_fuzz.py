"""Grammar-driven fuzzing: text drawn from dsl/grammar.lark through parse, elaboration and the CLI.

Every drawn text must come out as exit 0, 1 or 2, never a traceback or an
internal error, and every diagnostic must point inside the text
(tests/fuzz/grammar_texts.py). Long runs: `scripts/grammar_fuzz.py --count N`.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.fuzz.grammar_texts import check_text, spaced, texts

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


@SETTINGS
@given(texts())
def test_drawn_text_has_an_allowed_outcome(text: str) -> None:
    problem = check_text(text)
    assert problem is None, f"{problem}\n{text!r}"


@settings(SETTINGS, max_examples=25)
@given(spaced())
def test_text_the_grammar_derives_parses(text: str) -> None:
    """The parser accepts what its own grammar derives (tokens apart): no syntax error."""
    from dsl import load

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.nv"
        path.write_text(text, encoding="utf-8")
        syntax = [d for d in load([path]).diagnostics.sorted() if d.code.value == "syntax"]
    assert not syntax, f"{syntax[0].message} at {syntax[0].span.line}:{syntax[0].span.column}\n{text}"


def test_the_check_sees_a_location_outside_the_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import dsl
    from dsl.diagnostics import Code, Diagnostics
    from dsl.source import Span

    real = dsl.load

    def misplaced(paths: list[Path]) -> object:
        loaded = real(paths)
        bad = Diagnostics()
        bad.error(Code.SYNTAX, Span(str(paths[0]), 90, 91, 9, 1, 9, 2), "planted")
        loaded.diagnostics.extend(bad)
        return loaded

    monkeypatch.setattr(dsl, "load", misplaced)
    problem = check_text("party pa;\n")
    assert problem is not None and "outside the text" in problem
