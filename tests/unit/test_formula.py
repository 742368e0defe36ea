"""dsl.formula: the one traversal of the IR (children, walk, fold) and the visitors built on it.

The last test is the contract of the traversal: a node type added to the IR and not
handled in a visitor fails `mypy --strict`, instead of being skipped in silence.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dsl import formula as F

ROOT = Path(__file__).resolve().parents[2]

A = F.Atom("p", (F.Var("x"),))
B = F.Atom("q", (F.Const("ukraine"),))
QTY = F.Qty("personnel", (F.Var("y"),))
CHOICE = F.IntChoice("b1", (("low", F.Num(1)), ("high", F.Arith("+", QTY, F.Num(2)))))


def test_children_of_every_kind_of_node_in_source_order() -> None:
    cmp = F.Cmp("<=", QTY, CHOICE)
    assert F.children(A) == () and F.children(F.TRUE) == () and F.children(QTY) == ()
    assert F.children(F.Not(A)) == (A,)
    assert F.children(F.And((A, B))) == (A, B) and F.children(F.Or((B, A))) == (B, A)
    assert F.children(F.Implies(A, B)) == (A, B)
    assert F.children(F.Exists("x", ("a", "b"), A)) == (A,)
    assert F.children(cmp) == (QTY, CHOICE)
    assert F.children(CHOICE) == (F.Num(1), F.Arith("+", QTY, F.Num(2)))
    assert F.children(F.Choice("b2", (("x", A), ("y", B)))) == (A, B)



def test_known_values_without_a_world_are_three_valued() -> None:
    v_is_pb = F.Eq(F.Var("v"), F.Const("pb"))
    assert F.known(F.And((v_is_pb, A)), {"v": "pa", "x": "a"}) is False
    assert F.known(F.And((v_is_pb, A)), {"v": "pb", "x": "a"}) is None
    assert F.known(F.Or((F.Not(v_is_pb), A)), {"v": "pa", "x": "a"}) is True
    assert F.known(F.Implies(v_is_pb, A), {"v": "pa", "x": "a"}) is True
    assert F.known(F.Exists("x", ("a", "b"), F.Eq(F.Var("x"), F.Const("b"))), {}) is True
    assert F.known(F.Forall("x", ("a", "b"), F.Eq(F.Var("x"), F.Const("b"))), {}) is False
    assert F.known(F.Cmp("<", F.Arith("+", F.Num(1), F.Num(2)), F.Num(4)), {}) is True
    assert F.known(F.Cmp("<", QTY, F.Num(4)), {"y": "a"}) is None
    assert F.known(F.Choice("b", (("x", F.TRUE), ("y", F.TRUE))), {}) is None  # a bracket is open
    assert F.known(F.TermApp("t", ()), {}) is None  # whatever its reading


@pytest.mark.parametrize(("op", "bound", "expected"), [
    (">=", 1, True),    # pa passes whatever pc does
    (">=", 3, False),   # two can pass at most (pb is known not to)
    ("<=", 0, False),   # pa passes, so at least one does
    ("==", 2, None),    # depends on the open member
])
def test_a_count_is_settled_when_its_open_members_cannot_change_it(op: str, bound: int, expected: bool | None) -> None:
    body = F.Or((F.Eq(F.Var("u"), F.Const("pa")), F.And((F.Eq(F.Var("u"), F.Const("pc")), A))))
    count = F.Count(op, "u", ("pa", "pb", "pc"), body, F.Num(bound))
    assert F.known(count, {"x": "a"}) is expected
    assert F.known(F.Count(op, "u", ("pa", "pb"), body, F.Num(bound)), {"x": "a"}) is F.compare(op, 1, bound)


def test_walk_is_preorder_through_integer_expressions_and_bracket_options() -> None:
    f = F.And((F.Not(A), F.Cmp("<=", QTY, CHOICE)))
    kinds = [type(n).__name__ for n in F.walk(f)]
    assert kinds == ["And", "Not", "Atom", "Cmp", "Qty", "IntChoice", "Num", "Arith", "Qty", "Num"]


def test_fold_combines_a_shared_node_once() -> None:
    calls: list[F.Node] = []

    def count(node: F.Node, below: object) -> int:
        calls.append(node)
        return 1

    shared = F.Not(A)
    F.fold(F.And((shared, F.Or((shared, B)))), count)
    assert sum(1 for c in calls if c is shared) == 1


def test_fold_survives_formulas_deeper_than_the_recursion_limit() -> None:
    f: F.Formula = A
    for _ in range(sys.getrecursionlimit() * 2):
        f = F.Not(f)
    assert F.ground_size(f) == sys.getrecursionlimit() * 2 + 1


def test_ground_size_expands_quantifiers_and_counts_reuse() -> None:
    body = F.And((A, F.TermApp("imminent", (F.Var("x"),))))
    f = F.Forall("x", ("a", "b", "c"), body)
    assert F.ground_size(f) == 1 + 3 * 3
    assert F.ground_size(f, lambda name: 5) == 1 + 3 * (1 + 1 + 5)
    assert F.ground_size(F.Or((body, body))) == 1 + 2 * 3
    assert F.ground_size(F.Cmp("<=", QTY, CHOICE)) == 1 + 1 + (1 + 1 + 3)


def test_free_vars_sees_terms_in_atoms_quantities_and_equalities_but_not_bound_ones() -> None:
    f = F.And((F.Exists("x", ("a",), F.And((A, F.Eq(F.Var("x"), F.Var("z"))))), F.Cmp(">", QTY, F.Num(0))))
    assert F.free_vars(f) == {"y", "z"}
    assert F.free_vars(A) == {"x"}


def test_subst_replaces_free_variables_and_folds_equalities() -> None:
    f = F.And((A, F.Eq(F.Var("x"), F.Const("a")), F.Cmp(">", QTY, F.Num(0))))
    out = F.subst(f, {"x": F.Const("a"), "y": F.Const("usa")})
    assert out == F.And((F.Atom("p", (F.Const("a"),)), F.Cmp(">", F.Qty("personnel", (F.Const("usa"),)), F.Num(0))))


# ---- the contract: an unhandled node type fails the type check ------------------------------

# Modules holding a visitor of the formula IR that dispatches on the kind of node.
VISITORS = ["dsl/formula.py", "dsl/evaluate.py", "verifier/encode.py", "verifier/explain.py"]

NEW_NODE = '''
@dataclass(frozen=True, slots=True)
class Threshold:
    """At least `count` of the operands hold."""

    count: int
    operands: tuple[Formula, ...]


'''


def _mypy_never_errors(tree: Path) -> dict[str, list[str]]:
    """The `assert_never` errors mypy --strict reports for each visitor module under `tree`."""
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-error-summary",
         "--cache-dir", str(tree / ".mypy_cache"), *VISITORS],
        check=False, cwd=tree, capture_output=True, text=True, timeout=600)
    assert run.returncode in (0, 1), run.stderr  # 2: mypy itself failed
    out: dict[str, list[str]] = {path: [] for path in VISITORS}
    for line in run.stdout.splitlines():
        m = re.match(r"([\w/]+\.py):\d+: error: .*assert_never", line)
        if m:
            out[m.group(1)].append(line)
    return out


def test_a_formula_node_type_not_handled_by_a_visitor_fails_mypy(tmp_path: Path) -> None:
    pytest.importorskip("mypy", reason="mypy is not installed (it comes with the `test` extra)")
    for package in ("dsl", "verifier"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    # As the IR stands, every visitor handles every node: no assert_never error anywhere.
    assert _mypy_never_errors(tmp_path) == {path: [] for path in VISITORS}

    # A new kind of formula, added to the IR and to no visitor.
    source = tmp_path / "dsl" / "formula.py"
    text = source.read_text()
    assert "\nFormula = BoolConst | " in text
    text = text.replace("\nFormula = BoolConst | ", NEW_NODE + "Formula = Threshold | BoolConst | ", 1)
    source.write_text(text)
    errors = _mypy_never_errors(tmp_path)
    for path in VISITORS:
        assert errors[path], f"{path}: no visitor there reported the unhandled node"
        assert all('"Threshold"' in e for e in errors[path]), errors[path]
