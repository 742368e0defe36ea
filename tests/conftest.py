"""Shared pytest set-up: the `--update-goldens` option, and the repository root as cwd."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.golden import ROOT

# tests/ is a package (tests.golden, tests.unit.helpers, tests.oracle); some modules import
# their helpers by plain name (`from report_support import ...`), so put tests/ on the path too.
if str(Path(__file__).parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).parent))


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("nverify")
    group.addoption("--update-goldens", action="store_true", default=False,
                    help="Rewrite the golden transcripts (tests/golden, tests/cases/**/*.out) instead of "
                         "comparing; review the diff afterwards.")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Run with the repository root as working directory, so paths in output are relative to it."""
    monkeypatch.chdir(ROOT)
    yield
