"""What the permission checks share: a permission's conditions, and the acts it grants."""

from __future__ import annotations

from collections.abc import Iterator

from dsl.evaluate import bindings
from dsl.model import AtomKey, Modality, Norm
from verifier.checks.context import CheckContext
from verifier.encode import BoolTerm, Readings, and_, is_false
from verifier.symmetry import canonical, clause_classes

MAX_INSTANCES = 64


def permissions(ctx: CheckContext, *, reported_alone: bool) -> Iterator[tuple[Norm, str]]:
    """(permission, holder) for every permission of the instrument, in order. With
    `reported_alone`, only those of clauses whose findings about themselves alone can reach
    the report (see CheckContext.reported). Of interchangeable holders, only the first is
    asked (verifier.symmetry): the others' answers are its own, renamed. (A holder's permission
    that names it, one instance of `for v in G`, is the renaming of the first's instance, which
    is asked: a renaming within a class maps the norms of each clause onto themselves.)"""
    classes = clause_classes(ctx.instrument)
    for clause in ctx.instrument.clauses:
        if reported_alone and not ctx.reported([clause.id]):
            continue
        for norm in clause.norms:
            if norm.modality is Modality.MAY:
                for subject in canonical(norm.subjects, classes):
                    yield norm, subject


def permission_formulas(ctx: CheckContext, norm: Norm, subject: str, readings: Readings) -> list[BoolTerm]:
    """A permission's conditions for one subject, under readings (for comparing reading sets)."""
    enc = ctx.enc
    env = {norm.subject_var: subject}
    parts = [enc.formula(norm.condition, readings, {**env, **b}) for b in bindings(norm)]
    parts += [enc.formula(norm.where, readings, {**env, **b}) for b in bindings(norm)]
    if norm.keep is not None:
        parts.append(enc.formula(norm.keep, readings, env))
    return parts


def usable_formulas(ctx: CheckContext, norm: Norm, subject: str, readings: Readings) -> list[BoolTerm]:
    """The subject's compliance and the permission's conditions, under readings (the formulas a
    permission check asks about, for comparing reading sets)."""
    return [*ctx.comp(subject, readings), *permission_formulas(ctx, norm, subject, readings)]


def instances(ctx: CheckContext, norm: Norm, subject: str) -> Iterator[tuple[AtomKey | None, BoolTerm, BoolTerm]]:
    """(act key or None for `keep`, condition, exercise) for each act the permission grants."""
    enc = ctx.enc
    env = {norm.subject_var: subject}
    if norm.act is None:
        assert norm.keep is not None
        yield None, enc.formula(norm.condition, ctx.readings, env), enc.formula(norm.keep, ctx.readings, env)
        return
    for count, b in enumerate(bindings(norm)):
        if count >= MAX_INSTANCES:
            return
        full = {**env, **b}
        condition = and_(enc.formula(norm.condition, ctx.readings, full), enc.formula(norm.where, ctx.readings, full))
        if is_false(condition):
            continue
        key = enc.act_key(norm, subject, full)
        yield key, condition, enc.atom(key)
