"""Sizes are estimated before anything is expanded: a spec whose `for` loops or declarations
multiply past a limit is refused at once, at the construct responsible, with the estimate.

Reproducers: sixteen nested `for v in party:` over two parties (65,536 norms) ran for minutes
and grew without bound at thirty levels; 300 parties with a fact over two of them (90,600
atoms, 1.4 KB) ran for minutes under `--timeout 1`.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from dsl import load
from dsl.estimate import MAX_ATOMS, MAX_NORMS
from verifier.cli import main

HEAD = 'instrument r "R";\nparty pa, pb;\nact a(actor: party, t: party);\n'


def nested(levels: int) -> str:
    loops = "".join(f"for v{i} in party: " for i in range(levels))
    return HEAD + f'clause c "C" {{\n  {loops}pa must not a(v0);\n}}\n'


def parties(n: int) -> str:
    names = ", ".join(f"p{i}" for i in range(n))
    return (f'instrument big "Big";\nparty {names};\nfact f(a: party, b: party);\nact a(actor: party);\n'
            'act b(actor: party);\nclause c1 "C" { each x in party must not a when exists y in party: f(x, y); }\n')


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--color", "never", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout + result.stderr


def assert_refused(code: int, output: str, *fragments: str) -> None:
    assert code == 2, output
    assert "Traceback" not in output and "internal error" not in output, output
    for fragment in fragments:
        assert fragment in output, output


def test_sixteen_nested_for_loops_are_refused_at_the_outer_loop(tmp_path: Path) -> None:
    spec = tmp_path / "nested.nv"
    spec.write_text(nested(16), encoding="utf-8")
    assert_refused(*run(str(spec)), "nested.nv:5:3: error[too-complex]", "65,536 norms",
                   f"the limit is {MAX_NORMS:,}", "5 |   for v0 in party:", "  |   ^^^")


def test_thirty_nested_for_loops_are_refused_without_expanding_them(tmp_path: Path) -> None:
    spec = tmp_path / "nested.nv"
    spec.write_text(nested(30), encoding="utf-8")  # 2**30 norms: expanding them would never end
    assert_refused(*run(str(spec)), "nested.nv:5:3: error[too-complex]", "norms", f"the limit is {MAX_NORMS:,}")


def test_loops_inside_brackets_and_beside_each_other_add_up(tmp_path: Path) -> None:
    loops = "for x in party: for y in party: for z in party: "
    many = " ".join(f"{loops}pa must not a(x);" for _ in range(MAX_NORMS // 8 + 1))
    spec = tmp_path / "many.nv"
    spec.write_text(HEAD + f'clause c "C" {{ [pa: {many}] }}\n', encoding="utf-8")
    assert_refused(*run(str(spec)), "many.nv:4:", "error[too-complex]", f"{8 * (MAX_NORMS // 8 + 1):,} norms")


def test_nested_loops_within_the_limit_are_expanded() -> None:
    levels = MAX_NORMS.bit_length() - 1  # 2**levels <= MAX_NORMS
    loaded = load([Path("ok.nv")], overlay={Path("ok.nv").resolve(): nested(levels)})
    assert not loaded.diagnostics.has_errors(), loaded.diagnostics.sorted()
    assert len(loaded.instruments[0].clauses[0].norms) == 2 ** levels


def test_three_hundred_parties_are_refused_at_the_declaration_that_grounds_most(tmp_path: Path) -> None:
    spec = tmp_path / "parties.nv"
    spec.write_text(parties(300), encoding="utf-8")
    assert_refused(*run("--no-symmetry", str(spec)), "parties.nv:3:1: error[too-complex]", "about 90,600 atoms",
                   f"the limit is {MAX_ATOMS:,}", "`f` alone grounds to 90,000 = 300 (party) x 300 (party)",
                   "3 | fact f(a: party, b: party);")


def test_three_hundred_interchangeable_parties_are_checked_through_three(tmp_path: Path) -> None:
    # No clause names any of them and they are in no group: one class, three representatives
    # (one more than the coalitions of two asked about).
    spec = tmp_path / "parties.nv"
    spec.write_text(parties(300), encoding="utf-8")
    code, output = run(str(spec))
    assert code in (0, 1) and "too-complex" not in output, output
    (found,) = load([spec], coalition_size=2).instruments[0].symmetry
    assert len(found.members) == 300 and found.representatives == ("p0", "p1", "p2")


def test_the_same_shape_within_the_atom_limit_is_checked(tmp_path: Path) -> None:
    spec = tmp_path / "parties.nv"
    spec.write_text(parties(20), encoding="utf-8")
    loaded = load([spec])
    assert not loaded.diagnostics.has_errors(), loaded.diagnostics.sorted()
