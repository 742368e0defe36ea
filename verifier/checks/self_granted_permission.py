"""Self-granted permissions: a party can put its own permission in force whatever the others decide.

What it finds
    A permission of party p (its condition cond, an act it grants) whose
    condition mentions what another party decides (a consent, a vote, a
    request) and is false in some world of the stated situation, and a
    coalition C containing p, of up to --coalition-size parties, with a
    choice x of what C decides such that C's members can comply with x and,
    whatever everyone else does, cond holds. Only minimal coalitions are
    reported (no smaller group within C, with p or without, does the same),
    and only while cond mentions what some party outside C decides: usually
    C is p alone.
Why it matters
    "Where concerted action proves impossible, each party may act alone"
    lets a party make concerted action impossible by refusing, and then act
    alone: the others' say in the permission is illusory.
Query
    ∃ x ∈ ctrl(C): (∃ y: A ∧ Comp_C) ∧ ∀ y: (A → cond), by counterexample-guided
    search (verifier.qbf), after ∃ w: A ∧ ¬cond, for each distinct condition of
    the acts the permission grants (cond with the act's `where`); vars(cond) is
    what the condition mentions as written (as for vetoed permissions). The
    coalitions are asked smallest first, every group of the parties that decide
    something the condition or the situation mentions.
Evidence
    The coalition (the finding's party is the holder, its first member; the
    others follow in declaration order), its choice (the minimal part of x that
    forces cond), the permission, and a minimal world with the choice in which
    the members comply and the permission is in force.
Example
    examples/29_self_granted_permission.nv
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from itertools import combinations

from dsl.evaluate import bindings
from dsl.formula import Value
from dsl.model import AtomKey, Norm
from verifier.checks.coalitions import Coalition, coalition_phrase, none_left
from verifier.checks.context import CheckContext
from verifier.checks.permissions import MAX_INSTANCES, permission_formulas, permissions
from verifier.encode import BoolTerm, Model, Readings, VarKey, and_, is_false, not_
from verifier.explain import granted_phrase
from verifier.findings import Finding, FindingKind, Severity
from verifier.minimal import minimal_model
from verifier.qbf import EFResult, exists_forall
from verifier.scenario import choice_phrase
from verifier.witness import Claim, Complies, Holds, Permits


@dataclass(frozen=True)
class _Condition:
    """The condition under which a permission grants one act."""

    key: AtomKey | None   # the act; None for `keep`
    formula: BoolTerm
    off_lit: BoolTerm     # a literal for `not formula`
    mentions: frozenset[VarKey]


def run(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    # (every finding here is about the permission's clause alone)
    for norm, subject in permissions(ctx, reported_alone=True):
        if ctx.everyone_as_baseline() and (ctx.unchanged([norm]) or (
                ctx.same_as_baseline(partial(permission_formulas, ctx, norm, subject)) and ctx.baseline is not None
                and _mentions(ctx, norm, subject, ctx.readings) == _mentions(ctx, norm, subject, ctx.baseline))):
            continue  # the baseline's answer: the same formulas, naming the same decisions
        out.extend(_permission(ctx, norm, subject))
    return out


def _mentions(ctx: CheckContext, norm: Norm, subject: str, readings: Readings) -> set[VarKey]:
    """The decisions the permission's condition names under readings (`t1(pb)` may fold to
    true under two readings, one of which names act1(pb) in it)."""
    env = {norm.subject_var: subject}
    if norm.act is None:
        return set(ctx.enc.keys_mentioned(norm.condition, readings, env))
    out: set[VarKey] = set()
    for count, b in enumerate(bindings(norm)):
        if count >= MAX_INSTANCES:
            break
        out |= _mentioned(ctx, norm, readings, {**env, **b})
    return out


def _mentioned(ctx: CheckContext, norm: Norm, readings: Readings, env: dict[str, Value]) -> set[VarKey]:
    """The decisions one act instance's condition and filter name under readings."""
    return set(ctx.enc.keys_mentioned(norm.condition, readings, env) | ctx.enc.keys_mentioned(norm.where, readings, env))


def _conditions(ctx: CheckContext, norm: Norm, subject: str) -> list[_Condition]:
    enc, session = ctx.enc, ctx.session
    env = {norm.subject_var: subject}
    found: list[tuple[AtomKey | None, BoolTerm, set[VarKey]]] = []
    if norm.act is None:
        found.append((None, enc.formula(norm.condition, ctx.readings, env),
                      enc.keys_mentioned(norm.condition, ctx.readings, env)))
    else:
        for count, b in enumerate(bindings(norm)):
            if count >= MAX_INSTANCES:
                break
            full = {**env, **b}
            condition = and_(enc.formula(norm.condition, ctx.readings, full),
                             enc.formula(norm.where, ctx.readings, full))
            if is_false(condition):
                continue
            mentions = _mentioned(ctx, norm, ctx.readings, full)
            found.append((enc.act_key(norm, subject, full), condition, mentions))
    out: list[_Condition] = []
    for key, condition, mentions in found:
        tag = (norm.clause, norm.index, subject, repr(key))
        off = session.formula_lit(("permission-off", *tag), f"not in force {norm.clause}#{norm.index} {key}",
                                  not_(condition))
        out.append(_Condition(key, condition, off, frozenset(mentions)))
    return out


def _permission(ctx: CheckContext, norm: Norm, subject: str) -> list[Finding]:
    out: list[Finding] = []
    # coalition (holder first) -> (the condition, the search that found it)
    granted: dict[Coalition, tuple[_Condition, EFResult]] = {}
    # Per distinct condition: the minimal coalitions that force it, with their searches.
    forcing: dict[int, list[tuple[tuple[str, ...], EFResult]]] = {}
    for cond in _conditions(ctx, norm, subject):
        owners = _owners(ctx, cond.mentions)
        if not any(q != subject for q in owners):
            continue  # nobody else has a say in it
        known = forcing.get(cond.formula.get_id())
        if known is None:
            found = _forcing(ctx, norm, cond)
            if isinstance(found, Finding):
                out.append(found)  # the solver gave up: say so, never a silent "none"
                forcing[cond.formula.get_id()] = []
                continue
            known = forcing[cond.formula.get_id()] = found
        for group, result in known:
            if subject in group and any(q not in group for q in owners):
                granted.setdefault((subject, *(q for q in group if q != subject)), (cond, result))
    for coalition, (cond, result) in granted.items():
        if any(set(other) < set(coalition) for other in granted):
            continue  # another act's condition is granted by fewer of them
        out.append(_finding(ctx, norm, subject, coalition, cond, result))
    return out


def _forcing(ctx: CheckContext, norm: Norm, cond: _Condition) -> list[tuple[tuple[str, ...], EFResult]] | Finding:
    """The minimal coalitions (of any parties, smallest first) that can force a condition that is
    false in some world of the situation; none when it never is."""
    ref = [ctx.clause_ref(norm.clause)]
    off = ctx.session.check([*ctx.fixed(), cond.off_lit], "self-granted permission: ever out of force?")
    if off.status == "unknown":
        return ctx.unknown(f"whether the permission in {norm.clause} can be out of force", off.reason, ref)
    if not off.sat:
        return []  # always in force: nobody grants it
    out_of_force = off.model
    assert out_of_force is not None
    enc = ctx.enc
    # Only who decides something the condition or the situation mentions can force it.
    named = enc.keys_named(enc.mentioned([cond.formula, enc.assumptions(ctx.readings)]))
    deciders = ctx.vocab.deciders(named)
    candidates = [q for q in ctx.instrument.parties if q in deciders]
    out: list[tuple[tuple[str, ...], EFResult]] = []
    for size in range(1, ctx.coalition_size + 1):
        # (not minimal: a group within it forces the condition; none of one size holds another)
        level = [group for group in combinations(candidates, size)
                 if not any(set(smaller) <= set(group) for smaller, _ in out)]
        # One search first asks whether any group left can force it at all (most cannot).
        if len(level) > 1 and _none_left(ctx, norm, cond, candidates, out_of_force, size, [frozenset(g) for g, _ in out]):
            break
        for group in level:
            result = _search(ctx, cond, group)
            if result.status == "unknown":
                return ctx.unknown(f"whether {coalition_phrase(group)} can bring {norm.clause} into force",
                                   result.reason, ref)
            if result.status == "found":
                out.append((group, result))
    return out


def _none_left(ctx: CheckContext, norm: Norm, cond: _Condition, candidates: list[str], out_of_force: Model,
               at_least: int, found: list[frozenset[str]]) -> bool:
    """Whether no group of `at_least` or more candidates, containing none `found`, can force the
    condition (coalitions.none_left): `_search`'s question for all of them at once."""
    enc = ctx.enc
    world, draft = enc.assumptions(ctx.readings), enc.draft_literals(ctx.draft)
    return none_left(ctx, f"{norm.clause}#{norm.index} {cond.key}", "self-granted permission", candidates,
                     {m: ctx.vocab.controlled_by(m) for m in candidates}, ctx.party_compliance, [],
                     and_(world, *draft, not_(cond.formula)), [*ctx.fixed(), cond.off_lit], out_of_force,
                     at_least, found)


def _owners(ctx: CheckContext, keys: frozenset[VarKey]) -> list[str]:
    """The parties that decide something among keys, in declaration order."""
    deciders = ctx.vocab.deciders(keys)
    return [q for q in ctx.instrument.parties if q in deciders]


def _search(ctx: CheckContext, cond: _Condition, group: tuple[str, ...]) -> EFResult:
    """∃ x ∈ ctrl(C): (∃ y: A ∧ Comp_C) ∧ ∀ y: ¬(A ∧ ¬cond)."""
    enc = ctx.enc
    world = enc.assumptions(ctx.readings)
    draft = enc.draft_literals(ctx.draft)
    outer = [k for m in group for k in ctx.vocab.controlled_by(m)]
    comply = and_(*(ctx.party_compliance(m) for m in group))
    return exists_forall(ctx.session, guess=[world, *draft, comply], outer_keys=outer,
                         inner_formula=and_(world, *draft, not_(cond.formula)),
                         inner_assumptions=[*ctx.fixed(), cond.off_lit],
                         base=ctx.guess_base(("world",), [world, *draft]), prefer=group)


def _choice(ctx: CheckContext, cond: _Condition, result: EFResult) -> list[BoolTerm]:
    """The part of the choice found that forces the condition, in the order of the literals'
    names: each literal left out where the rest still force it, the figures first, then the
    yes/no variables. The search's answer is the canonical one in its yes/no variables
    (verifier.canonical), and this part is made by questions whose answers are facts, never from
    the core the solver returned, so it does not depend on what the solver did before; only a
    choice that needs a figure shows the figure the answer has."""
    figures = [lit for lit in result.outer_lits if not any(lit.eq(b) for b in result.booleans)]
    kept = [*sorted(figures, key=str), *sorted(result.booleans, key=str)]
    for lit in list(kept):
        trial = [k for k in kept if not k.eq(lit)]
        if ctx.session.check([*ctx.fixed(), cond.off_lit, *trial], "self-granted permission: the choice").unsat:
            kept = trial
    return sorted(kept, key=str)


def _finding(ctx: CheckContext, norm: Norm, subject: str, coalition: Coalition, cond: _Condition,
             result: EFResult) -> Finding:
    choice = _choice(ctx, cond, result)
    group = coalition if len(coalition) > 1 else ()
    shown = [*ctx.fixed(), *choice, *(lit for m in coalition for lit in ctx.party_lits(m))]
    model = minimal_model(ctx.session, shown) \
        if ctx.shown(FindingKind.SELF_GRANTED_PERMISSION, [norm.clause], subject, group) else None
    # With the choice, the members can comply and the permission is in force whatever the others do.
    claims: list[Claim] = [Complies(m, ctx.readings) for m in coalition]
    if cond.key is not None:
        claims.append(Permits(norm, cond.key[1], ctx.readings))
    else:
        claims.append(Holds(norm.condition, ctx.readings, what="the permission's condition",
                            env={norm.subject_var: subject}))
    who = coalition_phrase(coalition)
    seen = None if model is None else ctx.witness(model, claims, what=f"self-grant of {norm.clause} by {who}")
    permission = ctx.instrument.clause(norm.clause)
    what = granted_phrase(ctx.instrument, norm, subject, cond.key)
    how = choice_phrase(choice)
    others = [q for q in _owners(ctx, cond.mentions) if q not in coalition]
    decide = "decide" if len(others) > 1 else "decides"
    message = (f"{who}{' together' if group else ''} can bring {permission.label} ({permission.id}) into force "
               f"by {how}, whatever {coalition_phrase(others)} {decide}: {subject} may then {what}")
    details = (("act", what), ("holder", subject), ("choice", how), ("others", tuple(others)))
    return ctx.finding(FindingKind.SELF_GRANTED_PERMISSION, Severity.WARNING, message,
                       [ctx.clause_ref(norm.clause, "permission")], party=subject, coalition=group, witness=seen,
                       details=details)
