"""Vacuous guarantees: a trigger that never holds, or that leaves out the case it exists for.

What it finds
    For a guarantee protecting p against E with trigger T: either A ∧ E ∧ T
    is unsat (it never triggers when E happens), or some circumstance nobody controls (the area
    attacked, the weapon used, an open term) lets E happen while T stays false
    whatever every party decides.
Why it matters
    A guarantee that excludes the attack it was written for (an excluded
    area, a trigger limited to nuclear attacks) protects against nothing there.
Query
    A ∧ E ∧ T unsat; else ∃ x ∈ free: (∃ y: A ∧ E) ∧ ∀ y: ¬(A ∧ E ∧ T), by
    counterexample-guided search (verifier.qbf), with `free` as the blocker.
Evidence
    The guarantee, the circumstance (the minimal part of x that forces T
    false), and a minimal world where E happens without the trigger.
Example
    examples/22_vacuous_guarantee.nv
"""

from __future__ import annotations

from verifier.checks.blockable_guarantee import blocking_search
from verifier.checks.context import CheckContext
from verifier.checks.guarantees import is_free, to_check, untriggered
from verifier.findings import Finding, FindingKind, Severity
from verifier.minimal import minimal_model
from verifier.scenario import choice_phrase
from verifier.session import among


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for g in to_check(ctx):
        clause = ctx.instrument.clause(g.norm.clause)
        ref = [ctx.clause_ref(clause.id, "guarantee")]
        assert g.norm.protects is not None
        event = g.norm.protects.phrase  # the event as the spec names it
        ever = ctx.session.check([*ctx.fixed(), g.event_lit, g.trigger_lit],
                                 f"vacuous-guarantee: can {clause.id} trigger when its event happens?")
        if ever.status == "unknown":
            out.append(ctx.unknown(f"whether {clause.id} can trigger", ever.reason, ref))
            continue
        if ever.unsat:
            out.append(ctx.finding(FindingKind.VACUOUS_GUARANTEE, Severity.ERROR,
                                   f"{clause.label} ({clause.id}) never triggers in the event of {event} "
                                   f"in the stated situation: it protects {g.protected} in no world", ref,
                                   details=(("never", True), ("protected", g.protected))))
            continue
        # With no circumstance at all the question still stands, over the empty choice: does
        # the event ever happen with the trigger? (DESIGN §10: `free` as the blocker.)
        # (Among what the question mentions: the search fixes nothing else.)
        mentioned = ctx.enc.mentioned([g.trigger, g.event, ctx.enc.assumptions(ctx.readings)])
        free = [key for key in ctx.enc.keys_named(mentioned) if is_free(ctx, key)]
        result = blocking_search(ctx, g, free, None, prefer=(g.protected,))
        if result.status == "unknown":
            out.append(ctx.unknown(f"whether {clause.id} covers every case of its event", result.reason, ref))
            continue
        if result.status != "found":
            continue
        circumstance = among(result.core, result.outer_lits)
        model = minimal_model(ctx.session, [*ctx.fixed(), g.event_lit, *circumstance], prefer=(g.protected,)) \
            if ctx.shown(FindingKind.VACUOUS_GUARANTEE, [clause.id], None) else None
        seen = None if model is None else ctx.witness(model, untriggered(ctx, g),
                                                      what=f"vacuous guarantee {clause.id}")
        how = choice_phrase(circumstance)
        if how:
            message = (f"{clause.label} ({clause.id}) does not trigger when {how}, even in the event of {event}: "
                       f"the case it exists for is left out, whatever anyone decides")
        else:
            message = (f"{clause.label} ({clause.id}) never triggers in the event of {event}: "
                       f"the case it exists for is left out, whatever anyone decides")
        out.append(ctx.finding(FindingKind.VACUOUS_GUARANTEE, Severity.WARNING, message, ref, witness=seen,
                               details=(("never", False), ("circumstance", how), ("protected", g.protected))))
    return out

