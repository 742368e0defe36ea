"""z3py internals, in one place and for one z3-solver release: Z3's C functions without z3py's
per-call error check, Boolean terms whose references are counted straight in the C library,
and z3py's own wrapping of a term by its sort.

z3py's low-level wrappers (`z3.Z3_mk_and`, ...) ask Z3 for its error code after every call,
and `z3.BoolRef` takes and releases its reference through such wrappers: one more call into
the library for each. The encoder, the session and the model readers make millions of these
calls. Measured in one process, alternating, same findings (CPU seconds, best of 3 or 4):
the corpus (specs/) 5.48-5.89 here against 5.80-6.52 with z3py's wrappers, a generated
1,000-clause instrument 14.7 against 16.0.

Where the C function sits (the wrapper's last default argument, its `f`) is no part of z3py's
API, so the fast paths are taken only under the release they were measured with (MEASURED);
under any other, or where the function is not found, every name here is z3py's public API
doing the same calls with its checks.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence
from importlib import metadata
from typing import Any

import z3

MEASURED = "5.4.1.0"  # the z3-solver release the fast paths were written and measured for


def _release() -> str | None:
    try:
        return metadata.version("z3-solver")
    except metadata.PackageNotFoundError:
        return None


FAST = _release() == MEASURED


def c_function(wrapper: Callable[..., Any]) -> Callable[..., Any]:
    """The C function behind one of z3py's low-level wrappers, called without the wrapper's
    error check: for calls that cannot fail. The wrapper itself unless FAST."""
    if not FAST:
        return wrapper
    defaults = getattr(wrapper, "__defaults__", None) or ()
    raw = getattr(defaults[-1], "f", None) if defaults else None
    return raw if callable(raw) else wrapper


_INC_REF = c_function(z3.Z3_inc_ref)
_DEC_REF = c_function(z3.Z3_dec_ref)


class Term(z3.BoolRef):  # type: ignore[misc]  # z3 ships no types: BoolRef is Any to mypy
    """A Boolean term over an AST just made in Z3: a z3.BoolRef whose reference, with FAST, is
    taken and released straight in the C library (the calls z3py makes, without its checks)."""

    if FAST:
        def __init__(self, ast: z3.Ast, ctx: z3.Context) -> None:
            self.ast = ast
            self.ctx = ctx
            _INC_REF(ctx.ctx, ast)

        def __del__(self) -> None:
            # As z3.AstRef.__del__: nothing to release once the context (or the interpreter) is gone.
            if self.ctx.ctx is not None and self.ast is not None and _DEC_REF is not None:
                _DEC_REF(self.ctx.ctx, self.ast)
                self.ast = None


def to_expr(ast: z3.Ast, ctx: z3.Context) -> z3.ExprRef:
    """The z3py term of an AST, of the class its sort calls for (z3py's own `_to_expr_ref`, which
    asks Z3 for the kind and sort: with FAST the very calls made before; otherwise the same
    questions through z3py's public API)."""
    if FAST:
        made: z3.ExprRef = z3.z3._to_expr_ref(ast, ctx)
        return made
    c = ctx.ref()
    kind = z3.Z3_get_ast_kind(c, ast)
    if kind == z3.Z3_QUANTIFIER_AST:
        return z3.QuantifierRef(ast, ctx)
    sort = z3.Z3_get_sort_kind(c, z3.Z3_get_sort(c, ast))
    if sort == z3.Z3_BOOL_SORT:
        return z3.BoolRef(ast, ctx)
    if sort == z3.Z3_INT_SORT:
        return z3.IntNumRef(ast, ctx) if kind == z3.Z3_NUMERAL_AST else z3.ArithRef(ast, ctx)
    return z3.ExprRef(ast, ctx)


def _addresses_only(wrapper: Callable[..., Any]) -> Callable[..., int | None] | None:
    """With FAST, the C function behind a wrapper declared over plain addresses (ints in, an
    int or None out): ctypes then converts no z3py type, half the cost of a call that
    reads one value. None otherwise."""
    if not FAST:
        return None
    raw: Any = c_function(wrapper)
    if raw is wrapper:
        return None
    address = ctypes.cast(raw, ctypes.c_void_p).value
    if address is None:
        return None
    proto = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
    made: Callable[..., int | None] = proto(address)
    return made


_CONST_INTERP = _addresses_only(z3.Z3_model_get_const_interp)


def const_values(model: z3.ModelRef, decls: Sequence[int], default: int) -> list[int]:
    """The address of each constant's value in the model's table of constants (`decls`: their
    declarations' addresses), `default` for a constant the model leaves out. An exists-forall
    search reads hundreds of these per round."""
    c, m = model.ctx.ref().value, model.model.value
    if _CONST_INTERP is not None:
        get = _CONST_INTERP
        return [get(c, m, d) or default for d in decls]
    out = []
    for d in decls:
        found = z3.Z3_model_get_const_interp(model.ctx.ref(), model.model, ctypes.c_void_p(d))
        out.append(found.value if found else default)
    return out


_BOOL_VALUE = c_function(z3.Z3_get_bool_value)


def is_true_at(c: z3.ContextObj, address: int) -> bool:
    """Whether the Boolean term at `address` (a value `const_values` read) is `true`, asked of Z3:
    for a value that is neither Z3's own `true` nor its `false`, which callers compare first."""
    return bool(_BOOL_VALUE(c, ctypes.c_void_p(address)) == z3.Z3_L_TRUE)


_MK_BOOL_SORT = c_function(z3.Z3_mk_bool_sort)
_SOLVER_ASSERT = c_function(z3.Z3_solver_assert)


def assert_terms(solver: z3.Solver, *terms: z3.BoolRef) -> None:
    """`solver.add(*terms)` of Boolean terms: the Boolean sort asked for first, as z3py's `add`
    does (see `verifier.encode`: it keeps Z3's numbering of terms), then each term asserted
    straight in the C library (z3py checks and casts each one: most of the cost of the
    canonical questions' hundreds of thousands of small assertions)."""
    c = solver.ctx.ref()
    _MK_BOOL_SORT(c)
    for term in terms:
        _SOLVER_ASSERT(c, solver.solver, term.as_ast())


__all__ = ["FAST", "MEASURED", "Term", "assert_terms", "c_function", "const_values", "is_true_at", "to_expr"]
