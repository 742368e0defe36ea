"""Golden CLI transcripts of every example and every spec, in text and JSON.

Each spec states its own expectations (`expect`, `assert`, `scenario`), so an
example that passes exits 0; the transcript pins how the report reads. The
first line of a spec may carry extra arguments: `# nverify: --reading russia`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.golden import GOLDEN, ROOT, check_golden, directive_args, rel, run_cli, transcript

EXAMPLES = sorted(ROOT.glob("examples/**/*.nv"))
SPECS = sorted(ROOT.glob("specs/**/*.nv"))
CASES = [pytest.param(p, id=rel(p)) for p in EXAMPLES] + \
        [pytest.param(p, id=rel(p)) for p in SPECS]
SUFFIX = {"text": ".txt", "json": ".json"}


@pytest.fixture(scope="module")
def shared_reports() -> Iterator[None]:
    """Check each spec once for both formats: the report does not depend on the format.

    The CLI stays the code under test; only `verifier.pipeline.run` is memoised for
    the module, keyed on its arguments.
    """
    import verifier.pipeline as pipeline

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


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("spec", CASES)
def test_transcript(spec: Path, fmt: str, update_goldens: bool, in_root: None, shared_reports: None) -> None:
    args = [*directive_args(spec), "--format", fmt, *(["--color", "never"] if fmt == "text" else []), rel(spec)]
    run = run_cli(args)
    assert "Traceback" not in run.output
    if fmt == "json" and run.exit_code in (0, 1):
        document = json.loads(run.stdout)
        assert {"version", "files", "findings", "summary"} <= set(document)
    check_golden(GOLDEN / (rel(spec).removesuffix(".nv") + SUFFIX[fmt]),
                 transcript(args, run.output, run.exit_code), update=update_goldens)
    if spec.is_relative_to(ROOT / "examples"):
        # Examples state their own expectations: a correct example passes.
        assert run.exit_code == 0, run.output
