"""What clashes in a conflict or a contradiction: the figures and acts its clauses require.

A conflict or a contradiction names clauses that cannot all be respected. This module
says why, in the clauses' own terms: two limits on one quantity that leave no value
between them ("the Annex caps personnel(ukraine) at 85,000; the duty requires at least
550,000"), or an act one clause obliges and another forbids. Each part points at the
comparison or the norm responsible (file:line:col). Only what clashes is named: a
quantity that one clause bounds and no other contradicts is left out.

It reads the clauses, not a world: a bracket takes the alternative of each draft in
which the finding holds, a vague term the reading in force. What it cannot read without
a world (a comparison between two quantities, a condition on an atom) it leaves out,
and a finding whose clash it cannot name keeps its message as it was.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from dsl import formula as F
from dsl.evaluate import EvalError, Evaluator, World, bindings
from dsl.model import AtomKey, Instrument, Modality, Norm
from dsl.source import Span
from verifier.explain import act_phrase
from verifier.findings import Finding, FindingKind
from verifier.ground import format_atom

Draft = tuple[str | None, Mapping[str, str]]  # a draft's name (None without brackets) and its choices

_UPPER = frozenset({"<=", "<", "=="})
_LOWER = frozenset({">=", ">", "=="})
_VERB = {"<=": "caps {q} at {n}", "<": "keeps {q} below {n}", ">=": "requires {q} of at least {n}",
         ">": "requires {q} above {n}", "==": "fixes {q} at {n}"}
_FLIP = {"<=": ">=", "<": ">", ">=": "<=", ">": "<", "==": "=="}
Opt = TypeVar("Opt")
# At most this many instances of an act a norm is read for (the product of its pattern's domains).
MAX_INSTANCES = 256


@dataclass(frozen=True)
class Bound:
    """`quantity op value`, as a clause requires it of a party in one draft."""

    clause: str
    quantity: str
    op: str
    value: int
    span: Span | None
    reading: str = ""  # ` (the ordinary reading of forces_needed)` when a term's reading says it
    bracketed: bool = False  # the figure is a bracket's: each draft's is named with the draft
    written: str = ""  # the figure as written, where a world gives its value (`threat(russia) + 1`)


@dataclass(frozen=True)
class ActRule:
    """The act instances a norm obliges (one of them) or forbids (every one)."""

    clause: str
    modality: Modality
    acts: frozenset[AtomKey]
    span: Span


def explain(instrument: Instrument, finding: Finding, drafts: Sequence[Draft]) -> Finding:
    """The finding with its clash named (message and `clash` detail), when it is a conflict or a
    contradiction whose clauses clash on figures or acts; else the finding unchanged."""
    if finding.kind not in (FindingKind.CONFLICT, FindingKind.CONTRADICTION) or not finding.clauses:
        return finding
    in_force = [(name, choice) for name, choice in drafts if not finding.drafts or name in finding.drafts]
    if not in_force:
        return finding
    readings = {t: (None if r == "open" else r) for t, r in finding.readings}
    clauses = [c.id for c in finding.clauses]
    parties = (finding.party,) if finding.kind is FindingKind.CONFLICT and finding.party else instrument.parties
    phrases, where = _bound_clash(instrument, clauses, parties, readings, in_force)
    if not phrases:
        phrases, where = _act_clash(instrument, clauses, parties, in_force[0][1])
    world = finding.scenario.world if finding.scenario is not None else None
    if not phrases and finding.kind is FindingKind.CONFLICT and world is not None:
        # What depends on the situation (a condition, a filter, a figure the world sets) is
        # read in the situation the witness shows.
        try:
            phrases, where = _clash_here(instrument, clauses, parties, readings, world)
        except EvalError:
            phrases, where = [], []
    if not phrases:
        return finding
    sentence = _sentence(phrases)
    # The clash takes the place of the general words ("no world complies with them together").
    general = next((g.format(party=finding.party) for g in _GENERAL if g.format(party=finding.party) in finding.message),
                   None)
    message = finding.message.replace(general, sentence, 1) if general else f"{finding.message}; {sentence}"
    return dataclasses.replace(finding, message=message, details=(*finding.details, ("clash", where)))


# What the conflict and contradiction checks say where they cannot name the clash.
_GENERAL = ("no world complies with them together", "whatever {party} does, it breaches one of them")


def _sentence(phrases: list[str]) -> str:
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + ", while " + phrases[-1]


def _at(span: Span | None) -> str:
    return f" at {span.path}:{span.line}:{span.column}" if span is not None else ""


def _label(instrument: Instrument, clause: str) -> str:
    """A clause as the clash names it: by its label (the message names its id just before)."""
    return instrument.clause(clause).label


# ---- figures -------------------------------------------------------------------------------

def _bound_clash(instrument: Instrument, clauses: Sequence[str], parties: Sequence[str],
                 readings: Mapping[str, str | None], drafts: Sequence[Draft]) -> tuple[list[str], list[str]]:
    """The bounds of each draft that leave a quantity no value, grouped across drafts: phrases
    for the message and `clause: q op n at file:line:col` lines for the detail."""
    per_draft: list[tuple[str | None, list[Bound]]] = []
    for name, choice in drafts:
        bounds = [b for c in clauses for b in _bounds(instrument, c, parties, readings, choice)]
        per_draft.append((name, _clashing(bounds)))
    # One entry per place in the text (clause, quantity, operator, span), with its value per draft.
    grouped: dict[tuple[str, str, str, object, str], list[tuple[str | None, int]]] = {}
    for name, bounds in per_draft:
        for b in bounds:
            key = (b.clause, b.quantity, b.op, (b.span.path, b.span.start) if b.span else None, b.reading)
            grouped.setdefault(key, []).append((name, b.value))
    phrases, where = [], []
    for (clause, quantity, op, _, reading), values in grouped.items():
        first = next(b for _, bs in per_draft for b in bs
                     if (b.clause, b.quantity, b.op, b.reading) == (clause, quantity, op, reading))
        span = first.span
        figures = _figures(values) if first.bracketed else f"{values[0][1]:,}"
        phrases.append(f"{_label(instrument, clause)} {_VERB[op].format(q=quantity, n=figures)}{reading}")
        where.append(f"{clause}: {quantity} {op} {figures}{reading}{_at(span)}")
    return phrases, where


def _figures(values: list[tuple[str | None, int]]) -> str:
    """A bracket's figures: `85,000 in draft russia and 250,000 in draft ukraine`, or `85,000 in
    drafts russia and ukraine` where they agree."""
    names = [name or "base" for name, _ in values]
    if len({v for _, v in values}) == 1:
        return f"{values[0][1]:,} in draft{'s' if len(names) > 1 else ''} {_and(names)}"
    return _and([f"{v:,} in draft {name}" for name, v in zip(names, (v for _, v in values), strict=True)])


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _clashing(bounds: list[Bound]) -> list[Bound]:
    """The bounds that take part in a clash: an upper bound below a lower bound of the same quantity."""
    keep: list[Bound] = []
    for upper, lower in itertools.product(bounds, repeat=2):
        if upper is lower or upper.quantity != lower.quantity or upper.op not in _UPPER or lower.op not in _LOWER:
            continue
        highest = upper.value - (1 if upper.op == "<" else 0)
        lowest = lower.value + (1 if lower.op == ">" else 0)
        if highest < lowest:
            keep += [b for b in (upper, lower) if b not in keep]
    order = {id(b): i for i, b in enumerate(bounds)}
    return sorted(keep, key=lambda b: order[id(b)])


def _bounds(instrument: Instrument, clause: str, parties: Sequence[str], readings: Mapping[str, str | None],
            choice: Mapping[str, str]) -> Iterator[Bound]:
    for norm in instrument.clause(clause).norms:
        if norm.modality is not Modality.MUST or norm.keep is None or _value(norm.guard, choice) is False:
            continue
        for subject in norm.subjects:
            if subject in parties:
                yield from _bounds_in(instrument, clause, norm.keep, {norm.subject_var: subject}, readings, choice, "")


def _bounds_in(instrument: Instrument, clause: str, f: F.Formula, env: Mapping[str, F.Value],
               readings: Mapping[str, str | None], choice: Mapping[str, str], reading: str) -> Iterator[Bound]:
    """The plain bounds `q op n` that f requires (in conjunctions, terms read, brackets chosen)."""
    match f:
        case F.And():
            for o in f.operands:
                yield from _bounds_in(instrument, clause, o, env, readings, choice, reading)
        case F.Choice():
            option = _option(f.bracket, f.options, choice)
            if option is not None:
                yield from _bounds_in(instrument, clause, option, env, readings, choice, reading)
        case F.TermApp():
            name = readings.get(f.term)
            term = instrument.terms[f.term]
            found = term.reading(name) if name else None
            if found is None:
                return
            args = {p.name: _term(a, env) for p, a in zip(term.params, f.args, strict=True)}
            yield from _bounds_in(instrument, clause, found.body, {**env, **args}, readings, choice,
                                  reading or f" (the {name} reading of {f.term})")
        case F.Cmp():
            left, right, number = _quantity(f.left, env), _number(f.right, choice), f.right
            op = f.op
            if left is None or right is None:
                left, right, number = _quantity(f.right, env), _number(f.left, choice), f.left
                op = _FLIP.get(f.op, "")
            if left is not None and right is not None and op in _VERB:
                bracketed = any(isinstance(e, F.IntChoice) for e in F.walk(number))
                yield Bound(clause, left, op, right, f.span, reading, bracketed)
        case _:
            return


def _quantity(e: F.IntExpr, env: Mapping[str, F.Value]) -> str | None:
    if isinstance(e, F.Qty):
        return format_atom((e.name, tuple(_term(a, env) for a in e.args)))
    return None


def _number(e: F.IntExpr, choice: Mapping[str, str]) -> int | None:
    match e:
        case F.Num():
            return e.value
        case F.IntChoice():
            option = _option(e.bracket, e.options, choice)
            return None if option is None else _number(option, choice)
        case F.Arith():
            a, b = _number(e.left, choice), _number(e.right, choice)
            return None if a is None or b is None else a + b if e.op == "+" else a - b
        case _:
            return None


def _term(t: F.Term, env: Mapping[str, F.Value]) -> F.Value:
    if isinstance(t, F.Const):
        return t.value
    return env.get(t.name, t.name.split("#")[0])


def _option(bracket: str, options: tuple[tuple[str, Opt], ...], choice: Mapping[str, str]) -> Opt | None:
    label = choice.get(bracket)
    return next((o for lab, o in options if lab == label), None)


def _value(f: F.Formula, choice: Mapping[str, str]) -> bool | None:
    """A bracket guard's value in a draft (None when it depends on the world)."""
    match f:
        case F.BoolConst():
            return f.value
        case F.Choice():
            option = _option(f.bracket, f.options, choice)
            return None if option is None else _value(option, choice)
        case F.Not():
            inner = _value(f.operand, choice)
            return None if inner is None else not inner
        case F.And():
            parts = [_value(o, choice) for o in f.operands]
            return False if False in parts else True if all(p is True for p in parts) else None
        case F.Or():
            parts = [_value(o, choice) for o in f.operands]
            return True if True in parts else False if all(p is False for p in parts) else None
        case _:
            return None


# ---- in the witness's situation -----------------------------------------------------------

def _clash_here(instrument: Instrument, clauses: Sequence[str], parties: Sequence[str],
                readings: Mapping[str, str | None], world: World) -> tuple[list[str], list[str]]:
    """The clash in one world: the bounds of the norms in force there, with the figures the
    world gives (`threat(russia)`, here 0), then the acts a duty asks for there and the bans
    that cover them, or a duty that nothing there can meet."""
    ev = Evaluator(instrument, world, readings)
    bounds: list[Bound] = []
    for norm in _in_force(ev, instrument, clauses, parties, keep=True):
        for subject in norm.subjects:
            env = {norm.subject_var: subject}
            if subject in parties and ev.holds(norm.condition, env):
                assert norm.keep is not None
                bounds += _bounds_here(ev, norm.clause, norm.keep, env, "")
    clashing = _clashing(bounds)
    if clashing:
        phrases = [f"{_label(instrument, b.clause)} {_VERB[b.op].format(q=b.quantity, n=_figure_here(b))}{b.reading}"
                   for b in clashing]
        return phrases, [f"{b.clause}: {b.quantity} {b.op} {_figure_here(b)}{b.reading}{_at(b.span)}" for b in clashing]
    rules: list[ActRule] = []
    for norm in _in_force(ev, instrument, clauses, parties, keep=False):
        for subject in norm.subjects:
            if subject not in parties:
                continue
            acts = _instances_here(ev, norm, subject)
            if acts is None:
                continue
            if norm.modality is Modality.MUST and not acts:
                what = f"{norm.act} where {norm.where_text}" if norm.where_text else f"{norm.act}"
                return ([(f"{_label(instrument, norm.clause)} obliges {subject} to {what}, and nothing "
                          f"{subject} can do in this situation meets it")],
                        [f"{norm.clause}: {subject} must {what}, which no act meets here{_at(norm.span)}"])
            if acts:
                rules.append(ActRule(norm.clause, norm.modality, acts, norm.span))
    return _duty_banned(instrument, rules)


def _in_force(ev: Evaluator, instrument: Instrument, clauses: Sequence[str], parties: Sequence[str], *,
              keep: bool) -> Iterator[Norm]:
    """The clauses' obligations and prohibitions of the draft the world reads (`keep`: the
    norms that keep a condition, else those about an act)."""
    for clause in clauses:
        for norm in instrument.clause(clause).norms:
            if norm.modality is Modality.MAY or (norm.keep is not None) != keep or (norm.act is not None) == keep:
                continue
            if keep and norm.modality is not Modality.MUST:
                continue
            if ev.holds(norm.guard, {}):
                yield norm


def _bounds_here(ev: Evaluator, clause: str, f: F.Formula, env: Mapping[str, F.Value],
                 reading: str) -> Iterator[Bound]:
    """The bounds `q op e` that f requires in the world, with e's value there."""
    match f:
        case F.And():
            for o in f.operands:
                yield from _bounds_here(ev, clause, o, env, reading)
        case F.Choice():
            yield from _bounds_here(ev, clause, _option(f.bracket, f.options, ev.world.draft) or F.BoolConst(True),
                                    env, reading)
        case F.TermApp():
            name = ev.readings.get(f.term)
            term = ev.instrument.terms[f.term]
            found = term.reading(name) if name else None
            if found is None:
                return
            args = {p.name: ev.term(a, env) for p, a in zip(term.params, f.args, strict=True)}
            yield from _bounds_here(ev, clause, found.body, {**env, **args},
                                    reading or f" (the {name} reading of {f.term})")
        case F.Cmp() if f.op in _VERB:
            for side, other, op in ((f.left, f.right, f.op), (f.right, f.left, _FLIP[f.op])):
                quantity = _quantity(side, env)
                if quantity is not None:
                    yield Bound(clause, quantity, op, ev.integer(other, env), f.span, reading,
                                written=_written(other, env, ev.world.draft))
                    return
        case _:
            return


def _figure_here(b: Bound) -> str:
    """A figure as written, with its value here when the text does not give it as a number."""
    plain = f"{b.value:,}"
    return plain if b.written in ("", plain) else f"{b.written} (here {plain})"


def _written(e: F.IntExpr, env: Mapping[str, F.Value], draft: Mapping[str, str]) -> str:
    match e:
        case F.Num():
            return f"{e.value:,}"
        case F.Qty():
            return format_atom((e.name, tuple(_term(a, env) for a in e.args)))
        case F.Arith():
            return f"{_written(e.left, env, draft)} {e.op} {_written(e.right, env, draft)}"
        case F.IntChoice():
            option = _option(e.bracket, e.options, draft)
            return "" if option is None else _written(option, env, draft)
        case _:
            return ""


def _instances_here(ev: Evaluator, norm: Norm, subject: str) -> frozenset[AtomKey] | None:
    """The act instances the norm covers for the subject in the world (a duty: none when it is
    not in force there); None past MAX_INSTANCES."""
    assert norm.act is not None
    size = 1
    for _, domain in norm.pattern_vars:
        size *= len(domain)
    if size > MAX_INSTANCES:
        return None
    env: dict[str, F.Value] = {norm.subject_var: subject}
    if norm.modality is Modality.MUST and not ev.holds(norm.condition, env):
        return None
    out = set()
    for b in bindings(norm):
        full = {**env, **b}
        if norm.modality is Modality.MUST_NOT and not ev.holds(norm.condition, full):
            continue
        if ev.holds(norm.where, full):
            out.add((norm.act, (subject, *(ev.term(t, full) for t in norm.pattern))))
    return frozenset(out)


# ---- acts ----------------------------------------------------------------------------------

def _act_clash(instrument: Instrument, clauses: Sequence[str], parties: Sequence[str],
               choice: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """An act one clause obliges (every way of doing it) and another forbids."""
    return _duty_banned(instrument, [r for c in clauses for r in _act_rules(instrument, c, parties, choice)])


def _duty_banned(instrument: Instrument, rules: list[ActRule]) -> tuple[list[str], list[str]]:
    """The first duty whose every act some ban covers: phrases and detail lines."""
    for duty in (r for r in rules if r.modality is Modality.MUST):
        bans = [r for r in rules if r.modality is Modality.MUST_NOT and r.acts & duty.acts]
        if not bans or not duty.acts <= frozenset().union(*(b.acts for b in bans)):
            continue
        acts = sorted(duty.acts, key=repr)
        shown = [act_phrase(instrument, a) for a in acts]
        what = shown[0] if len(shown) == 1 else "one of " + ", ".join(shown)
        subject = acts[0][1][0]
        phrases = [f"{_label(instrument, duty.clause)} obliges {subject} to {what}"]
        where = [f"{duty.clause}: {subject} must {what}{_at(duty.span)}"]
        if instrument.horizon is not None:
            # A timed norm is one per step: a clause's bans of the same wording are one ban of
            # the steps they cover.
            merged: dict[tuple[str, Span], frozenset[AtomKey]] = {}
            for b in bans:
                merged[(b.clause, b.span)] = merged.get((b.clause, b.span), frozenset()) | (b.acts & duty.acts)
            for (clause, span), banned in merged.items():
                phrases.append(f"{_label(instrument, clause)} forbids "
                               + ("it" if banned == duty.acts else _one_of(instrument, banned)))
                where.append(f"{clause}: {subject} must not {_one_of(instrument, banned)}{_at(span)}")
            return phrases, where
        phrases += [f"{_label(instrument, b.clause)} forbids it" for b in bans]
        where += [f"{b.clause}: {subject} must not {what}{_at(b.span)}" for b in bans]
        return phrases, where
    return [], []


def _one_of(instrument: Instrument, acts: frozenset[AtomKey]) -> str:
    shown = [act_phrase(instrument, a) for a in sorted(acts, key=repr)]
    return shown[0] if len(shown) == 1 else "one of " + ", ".join(shown)


def _act_rules(instrument: Instrument, clause: str, parties: Sequence[str],
               choice: Mapping[str, str]) -> Iterator[ActRule]:
    for norm in instrument.clause(clause).norms:
        if norm.act is None or norm.modality is Modality.MAY or _value(norm.guard, choice) is False:
            continue
        for subject in norm.subjects:
            if norm.step is not None and F.known(norm.condition, {norm.subject_var: subject}) is False:
                continue  # a timed norm that is in force at no step (`during` another phase)
            if subject in parties:
                acts = _instances(norm, subject)
                if acts:
                    yield ActRule(clause, norm.modality, acts, norm.span)


def _instances(norm: Norm, subject: str) -> frozenset[AtomKey]:
    """The act instances the norm surely covers for the subject (its filter true without a world)."""
    assert norm.act is not None
    size = 1
    for _, domain in norm.pattern_vars:
        size *= len(domain)
    if size > MAX_INSTANCES:
        return frozenset()
    names = [v for v, _ in norm.pattern_vars]
    out = set()
    for values in itertools.product(*(domain for _, domain in norm.pattern_vars)):
        env: dict[str, F.Value] = {norm.subject_var: subject, **dict(zip(names, values, strict=True))}
        if F.known(norm.where, env) is not True:
            continue
        out.add((norm.act, (subject, *(_term(t, env) for t in norm.pattern))))
    return frozenset(out)
