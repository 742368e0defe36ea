"""Golden CLI transcripts of every example and every spec: text (as it reads by default,
and with expected findings in full), JSON, Markdown and SARIF.

Each spec states its own expectations (`expect`, `assert`, `scenario`), so an
example that passes exits 0; the transcript pins how the report reads. Every
spec is checked as written, without extra arguments: a spec says itself under
which reading it is checked (`check under reading russia;`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.golden import GOLDEN, ROOT, check_golden, rel, run_cli, transcript

EXAMPLES = sorted(ROOT.glob("examples/**/*.nv"))
SPECS = sorted(ROOT.glob("specs/**/*.nv"))
CASES = [pytest.param(p, id=rel(p)) for p in EXAMPLES] + \
        [pytest.param(p, id=rel(p)) for p in SPECS]
SUFFIX = {"text": ".txt", "text-full": ".full.txt", "json": ".json", "markdown": ".md", "sarif": ".sarif"}
# The text report as it reads by default (expected findings folded), and with them in full.
ARGS = {"text": ["--format", "text", "--color", "never"],
        "text-full": ["--format", "text", "--color", "never", "--show-expected"]}


def validate_sarif(document: dict[str, Any]) -> None:
    """Every corpus report validates against the OASIS SARIF 2.1.0 schema (tests/data)."""
    import jsonschema

    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, schema)


@pytest.mark.parametrize("spec", CASES)
def test_html_report(spec: Path, in_root: None, shared_reports: None) -> None:
    """The HTML report of every example and spec is one well-formed, self-contained page."""
    from html.parser import HTMLParser

    args = ["--format", "html", rel(spec)]
    run = run_cli(args)
    assert run.exit_code in (0, 1), run.output
    page = run.stdout
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "<script" not in page.lower() and "src=\"http" not in page.lower()

    class Balance(HTMLParser):
        VOID = frozenset({"meta", "link", "br", "hr", "img", "input", "col", "wbr"})

        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag not in self.VOID:
                self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
            self.stack.pop()

    parser = Balance()
    parser.feed(page)
    assert parser.stack == [], f"unclosed: {parser.stack}"


@pytest.fixture(scope="module")
def shared_reports() -> Iterator[None]:
    """Check each spec once for both formats: the report does not depend on the format.

    The CLI stays the code under test; only `verifier.pipeline.run` is memoised for
    the module, keyed on its arguments.
    """
    from verifier import pipeline

    original = getattr(pipeline, "run", None)
    if original is None:
        yield
        return
    cache: dict[str, Any] = {}

    def run(paths: list[Path], options: object, *args: Any, **kwargs: Any) -> Any:
        key = repr((paths, options, args, sorted(kwargs.items())))
        if key not in cache:
            cache[key] = original(paths, options, *args, **kwargs)
        return cache[key]

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "run", run)
        yield


@pytest.mark.parametrize("fmt", ["text", "text-full", "json", "markdown", "sarif"])
@pytest.mark.parametrize("spec", CASES)
def test_transcript(spec: Path, fmt: str, update_goldens: bool, in_root: None, shared_reports: None) -> None:
    args = [*ARGS.get(fmt, ["--format", fmt]), rel(spec)]
    run = run_cli(args)
    assert "Traceback" not in run.output
    if fmt == "json" and run.exit_code in (0, 1):
        document = json.loads(run.stdout)
        assert {"version", "files", "findings", "summary"} <= set(document)
    if fmt == "sarif" and run.exit_code in (0, 1):
        validate_sarif(json.loads(run.stdout))
    check_golden(GOLDEN / (rel(spec).removesuffix(".nv") + SUFFIX[fmt]),
                 transcript(args, run.output, run.exit_code), update=update_goldens)
    if spec.is_relative_to(ROOT / "examples"):
        # Examples state their own expectations: a correct example passes.
        assert run.exit_code == 0, run.output
