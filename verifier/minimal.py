"""Minimal worlds: of the worlds a query allows, one with the fewest true atoms, then the
lowest quantities (DESIGN: a finding's scenario is minimal).

The question is MaxSAT, asked of a fresh Optimize per witness (MaxSAT is not incremental):
every user-visible atom the switched-on formulas mention gets a soft `not atom`, then the
sum of the quantities is minimised, so a reader sees only what the finding needs.

Two cheaper routes were measured on the corpus and lost. Implicit hitting sets on the
session's own solver, which holds the formulas already, needed 3 to 120 of its queries per
witness at 1-10 ms each (1.24 s against 0.86 s). Disjoint cores on a fresh simple solver
give the optimum's lower bound in a few checks, but cost more than Optimize on the small
witnesses that are most of them (0.82 s against 0.67 s). Where Optimize is slow (hague_v,
600 soft atoms, 30 ms) the MaxSAT search is the cost, not taking in the formulas (2 ms).
What saves time is asking for fewer witnesses: the checks ask only for those of findings
the report shows (`CheckContext.shown`).
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from verifier.encode import Encoder, OpenTermKey
from verifier.session import Session
from verifier.z3_native import c_function


def minimal_model(session: Session, assumptions: Sequence[z3.BoolRef],
                  also: Sequence[Encoder] = ()) -> z3.ModelRef | None:
    """A model of the session's formulas under `assumptions` with the fewest true atoms (and
    then the lowest quantities). Variables that the switched-on formulas do not mention are
    false (or 0) in it. `also`: other encoders in the session's context whose variables the
    formulas use too (diff's second text), minimised alike.

    None when the solver gives up (see `witness`).
    """
    enc = session.enc
    opt = session.optimize(maxsat_engine="rc2")
    # Only what the assumptions switch on constrains the world; every other atom is
    # false (and every other quantity 0) in the model's completion.
    active = [*session.active(assumptions), *enc.background]
    keys = enc.keys_named(enc.mentioned(active))
    # The formulas, and one soft `not atom` per atom (the session's own negations), straight
    # through the C library: z3py checks the sort of each, which cost more than solving with
    # a thousand clauses.
    c, o = opt.ctx.ref(), opt.optimize
    for formula in active:
        _LIB.Z3_optimize_assert(c, o, formula.as_ast())
    group = z3.to_symbol("atoms", opt.ctx)
    # (In declaration order; what the formulas mention has been made, and only that is asked for.)
    variables = [enc.atom(key) for key in enc.atom_vars if key in keys]
    variables += [var for key, var in enc.open_vars.items() if OpenTermKey(*key) in keys]
    quantities = [v for k, v in enc.qty_vars.items() if k in keys]
    if also:
        for other in also:
            theirs = other.keys_named(other.mentioned(active))
            variables += [other.atom(key) for key in other.atom_vars.made() if key in theirs]
            variables += [var for key, var in other.open_vars.items() if OpenTermKey(*key) in theirs]
            quantities += [v for k, v in other.qty_vars.items() if k in theirs]
        # The same name is the same variable in every encoder of the context: one soft literal each.
        variables = list({v.get_id(): v for v in variables}.values())
        quantities = list({v.get_id(): v for v in quantities}.values())
    for var in variables:
        _LIB.Z3_optimize_assert_soft(c, o, session.negation(var).as_ast(), b"1", group)
    if quantities:
        opt.minimize(z3.Sum(quantities))
    if session.side_check(opt, "minimal witness") != z3.sat:
        return None
    return opt.model()


def witness(session: Session, assumptions: Sequence[z3.BoolRef],
            also: Sequence[Encoder] = ()) -> tuple[z3.ModelRef | None, bool]:
    """A minimal model and True; or, when the solver gives up on minimising, a plain model of
    the query and False (None if the solver gives up on that too)."""
    model = minimal_model(session, assumptions, also)
    if model is not None:
        return model, True
    outcome = session.check(assumptions, "witness (not minimised)")
    return (outcome.model if outcome.sat else None), False


class _LIB:  # straight from the C library (see verifier.z3_native)
    Z3_optimize_assert_soft = c_function(z3.Z3_optimize_assert_soft)
    Z3_optimize_assert = c_function(z3.Z3_optimize_assert)
