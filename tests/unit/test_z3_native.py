"""verifier.z3_native: the fast paths are taken under the pinned z3-solver release only, and
under any other release nverify reports the very same findings through z3py's public API."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import z3

from tests.golden import ROOT
from verifier import z3_native

# A fresh interpreter in which z3-solver reports another release: every fast path falls back.
_OTHER_RELEASE = """
import sys
from importlib import metadata
real = metadata.version
metadata.version = lambda name: "0.0.0" if name == "z3-solver" else real(name)
from verifier import z3_native
assert not z3_native.FAST
from verifier.__main__ import main
sys.argv = ["nverify", *sys.argv[1:]]
main()
"""

SPECS = ["specs/negotiation_istanbul_clash.nv", "specs/force_limits_and_neutrality.nv", "specs/nato_art5.nv"]


def test_the_pinned_release_is_the_measured_one() -> None:
    # Bumping z3-solver turns the fast paths off until they are measured again (see the module).
    assert metadata.version("z3-solver") == z3_native.MEASURED
    assert z3_native.FAST
    assert z3_native.c_function(z3.Z3_mk_and) is not z3.Z3_mk_and


def test_terms_count_their_references_either_way() -> None:
    ctx = z3.Context()
    x = z3.Bool("x", ctx)
    term = z3_native.Term(z3.Z3_mk_not(ctx.ref(), x.as_ast()), ctx)
    assert z3.is_not(term) and term.eq(z3.Not(x)) and z3_native.to_expr(term.as_ast(), ctx).eq(term)
    del term


def _run(code: str | None, spec: str) -> subprocess.CompletedProcess[str]:
    prefix = [sys.executable, "-c", code] if code else [sys.executable, "-m", "verifier"]
    return subprocess.run([*prefix, "--jobs", "1", "--format", "json", spec], cwd=ROOT, check=False,
                          capture_output=True, text=True, timeout=600)


def test_another_release_reports_the_same_findings_through_the_public_api() -> None:
    for spec in SPECS:
        fast, public = _run(None, spec), _run(_OTHER_RELEASE, spec)
        assert public.returncode == fast.returncode, public.stderr
        assert public.stdout == fast.stdout, spec
