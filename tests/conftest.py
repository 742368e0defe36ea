"""Shared pytest set-up: the `--update-goldens` option, and the repository root as cwd."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.golden import ROOT


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
