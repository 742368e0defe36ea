"""Import layering, read from the source with `ast` (nothing is imported to check it).

The front-end never depends on the solver or the back-end, stages never
import later stages, and only the parser knows Lark. Python has no library
boundaries of its own, so this test is what keeps them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.golden import ROOT

# Front-end stages in order: a module may import only modules of a lower rank.
DSL_RANK = {
    "dsl.source": 0, "dsl.formula": 1,  # (formula nodes keep the spans where they are written)
    "dsl.diagnostics": 2, "dsl.syntax": 2, "dsl.model": 2,
    "dsl.render": 3, "dsl.parser": 3, "dsl.literals": 3,
    "dsl.symbols": 4, "dsl.symmetry": 4,  # (interchangeable parties, from the syntax tree)
    "dsl.estimate": 5,
    "dsl.expressions": 5,
    "dsl.breaches": 6, "dsl.elaborate": 7, "dsl.evaluate": 6,
    "dsl.loader": 8,
    "dsl": 9,
}
# Back-end modules below the checks: they never reach up to checks, the driver, reports or the CLI.
CORE = ("verifier.ground", "verifier.encode", "verifier.session", "verifier.scenario", "verifier.minimal", "verifier.qbf",
        "verifier.coalition_screen", "verifier.mus", "verifier.findings", "verifier.explain")
UPPER = ("verifier.checks", "verifier.pipeline", "verifier.report", "verifier.cli")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth of the file (functions included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from dsl import formula` imports the module dsl.formula.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


@pytest.mark.parametrize("path", sources("dsl"), ids=module_name)
def test_dsl_never_imports_the_solver_or_the_back_end(path: Path) -> None:
    bad = sorted(m for m in imports(path) if top(m) in ("z3", "verifier"))
    assert not bad, f"{module_name(path)} imports {bad}: the front-end must not depend on the back-end"


@pytest.mark.parametrize("path", sources("dsl"), ids=module_name)
def test_dsl_stages_import_only_earlier_stages(path: Path) -> None:
    me = module_name(path)
    assert me in DSL_RANK, f"new module {me}: give it a rank in DSL_RANK"
    later = sorted(m for m in imports(path) if m in DSL_RANK and m != me and DSL_RANK[m] >= DSL_RANK[me]
                   and not (m == "dsl" and me != "dsl"))
    assert not later, f"{me} imports {later}, which come at the same stage or later"


@pytest.mark.parametrize("path", [*sources("dsl"), *sources("verifier")], ids=module_name)
def test_only_the_parser_knows_lark(path: Path) -> None:
    if module_name(path) == "dsl.parser":
        return
    assert not [m for m in imports(path) if top(m) == "lark"], f"{module_name(path)} imports lark"


@pytest.mark.parametrize("name", CORE)
def test_verifier_core_does_not_reach_up(name: str) -> None:
    path = ROOT / (name.replace(".", "/") + ".py")
    bad = sorted(m for m in imports(path) if m.startswith(UPPER))
    assert not bad, f"{name} imports {bad}"


@pytest.mark.parametrize("path", sources("verifier/checks"), ids=module_name)
def test_checks_do_not_import_the_driver_reports_or_cli(path: Path) -> None:
    bad = sorted(m for m in imports(path) if m.startswith(("verifier.pipeline", "verifier.report", "verifier.cli")))
    assert not bad, f"{module_name(path)} imports {bad}"


@pytest.mark.parametrize("path", sources("verifier/checks"), ids=module_name)
def test_checks_never_import_the_solver(path: Path) -> None:
    # The solver is behind one door: terms through verifier.encode, questions through the
    # session, searches through verifier.qbf, verifier.coalition_screen and verifier.mus.
    bad = sorted(m for m in imports(path) if top(m) == "z3")
    assert not bad, f"{module_name(path)} imports {bad}"


def test_the_import_walker_sees_imports_inside_functions() -> None:
    # The CLI imports the pipeline lazily (inside a function) to start fast; the walker must see it.
    assert "verifier.pipeline" in imports(ROOT / "verifier" / "cli.py")
    assert "dsl.formula" in imports(ROOT / "dsl" / "elaborate.py")
