"""Syntax + Symbols -> model.Instrument: norms, clauses, overrides, terms and queries.

The root file's queries are elaborated; imported files contribute their
declarations, assumptions and clauses. Overrides (lex specialis) are resolved
here into each overridden norm's condition, so every later stage sees one
formula per norm and no override logic of its own.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Collection, Iterable, Mapping
from functools import partial
from pathlib import PurePath

from dsl import formula as F
from dsl import syntax as S
from dsl.breaches import breach_cycles
from dsl.diagnostics import Code, Diagnostics
from dsl.estimate import within_limits
from dsl.expressions import STEP_VAR, Binding, BracketSite, Elaborator, Scope
from dsl.model import STEP as STEP_TYPE
from dsl.model import (
    Clause,
    Direction,
    Goal,
    GoalKind,
    Instrument,
    Modality,
    Norm,
    Objective,
    Param,
    Protection,
    Query,
    QueryKind,
    Reading,
    Requirement,
    Term,
)
from dsl.source import SourceFile, Span
from dsl.symbols import Symbols


def elaborate(specs: list[S.Spec], sym: Symbols, diags: Diagnostics,
              finding_kinds: Collection[str] | None = None) -> Instrument:
    """Build the instrument of specs[-1] (the root) with everything it imports.

    `finding_kinds`: the kinds a finding pattern may name (the back-end's, verifier.registry);
    None accepts any (the front-end alone does not know which kinds the checks report).
    """
    root = specs[-1]
    el = Elaborator(sym, diags, texts={spec.source.path: spec.source.text for spec in specs})
    header = next((d for d in root.decls if isinstance(d, S.InstrumentDecl)), None)
    ranks = _ranks(specs)
    instrument_names = {spec.source.path: _instrument_name(spec) for spec in specs}
    sizes_ok = within_limits(specs, sym, diags)  # before anything is expanded: no clause is, past a limit

    terms = {name: _term(el, decl) for name, decl in sym.terms.items()}
    _term_cycles(terms, sym, diags)
    assumptions: list[F.Formula] = []
    assumption_spans: list[Span] = []
    clauses: list[Clause] = []
    for spec in specs:
        file_site = BracketSite(PurePath(spec.source.path).stem)
        for decl in spec.decls:
            if isinstance(decl, S.AssumeDecl):
                el.site, el.clause = file_site, None  # not the site of the clause elaborated before it
                assumptions.append(_every_step(el, partial(el.formula, decl.expr, {})))
                assumption_spans.append(decl.span)
            elif isinstance(decl, S.ClauseDecl) and sizes_ok and sym.clauses.get(decl.id.text) is decl:
                clauses.append(_clause(el, decl, instrument_names[spec.source.path], ranks[spec.source.path],
                                       spec.source.path))
        # Definitions are elaborated (and checked) even when nothing uses them.
        for decl in spec.decls:
            if isinstance(decl, S.DefineDecl) and sym.defines.get(decl.name.text) is decl:
                el.define_body(decl)
    clauses = _apply_overrides(el, clauses, sym)
    breach_cycles(clauses, terms, el.breach_uses, diags)
    # Who owes something under each clause (an obligation, a prohibition or a limit): only
    # they can breach it, in `while P breaches C`.
    owed = {c.id: {s for n in c.norms if n.modality is not Modality.MAY for s in n.subjects} for c in clauses}
    el.site = BracketSite(PurePath(root.source.path).stem + ":query", text=False)
    el.clause = None
    # Queries and protection requirements in the order written (their brackets are numbered so).
    queries: list[Query] = []
    requirements: list[Requirement] = []
    for d in root.decls:
        if isinstance(d, S.ProtectionDecl):
            if (r := _requirement(el, d, len(requirements), root.source.path)) is not None:
                requirements.append(r)
        elif (q := _query(el, d, sym, terms, finding_kinds, owed)) is not None:
            queries.append(q)
    _unique_query_names(root, diags)
    goals = [g for d in root.decls
             if isinstance(d, S.GoalDecl) and (g := _goal(el, d, sym, terms, root.source, finding_kinds)) is not None]
    objectives = [o for d in root.decls if isinstance(d, S.ObjectiveDecl) and (o := _objective(el, d, root.source)) is not None]
    checked_under = tuple(r for d in root.decls if isinstance(d, S.CheckReadingDecl)
                          for r in _check_reading(el, d, sym, terms))

    if not diags.has_errors():
        _ground_size_ok(terms, list(zip(assumptions, assumption_spans, strict=True)), clauses, queries, diags)
    predicates = dict(sym.predicates)
    if sym.horizon is not None:  # every fact, act and quantity holds at a step: its last argument
        predicates = {n: dataclasses.replace(p, params=(*p.params, Param(STEP_VAR, STEP_TYPE)))
                      for n, p in predicates.items()}
    return Instrument(
        name=header.name.text if header else PurePath(root.source.path).stem,
        title=header.title if header else PurePath(root.source.path).stem,
        source=header.source if header else None,
        path=root.source.path,
        parties=tuple(sym.parties),
        groups={name: members for name, (members, _) in sym.groups.items()},
        enums=dict(sym.enums),
        predicates=predicates,
        terms=terms,
        assumptions=tuple(a for a in assumptions if a != F.TRUE),
        clauses=tuple(clauses),
        brackets=dict(el.brackets),
        queries=tuple(queries),
        files=(root.source.path, *(s.source.path for s in specs[:-1])),
        sources={s.source.path: s.source for s in specs},
        goals=tuple(goals),
        objectives=tuple(objectives),
        requirements=tuple(requirements),
        checked_under=checked_under,
        horizon=sym.horizon,
    )


# ---- time (DESIGN 13) ----------------------------------------------------------------------

def _every_step(el: Elaborator, build: Callable[[], F.Formula]) -> F.Formula:
    """A statement that holds at every step (an assumption, an assertion); untimed: as written."""
    if el.sym.horizon is None:
        return build()
    return F.conj(*(el.at_step(t, build) for t in el.sym.horizon.steps))


def _some_step(el: Elaborator, build: Callable[[], F.Formula]) -> F.Formula:
    """A statement that holds at some step (a scenario, a possibility); untimed: as written."""
    if el.sym.horizon is None:
        return build()
    return F.disj(*(el.at_step(t, build) for t in el.sym.horizon.steps))


def _instrument_name(spec: S.Spec) -> str:
    header = next((d for d in spec.decls if isinstance(d, S.InstrumentDecl)), None)
    return header.name.text if header else PurePath(spec.source.path).stem


def _ranks(specs: list[S.Spec]) -> dict[str, int]:
    out = {}
    for spec in specs:
        header = next((d for d in spec.decls if isinstance(d, S.InstrumentDecl)), None)
        out[spec.source.path] = header.rank if header and header.rank is not None else 0
    return out


# ---- terms -------------------------------------------------------------------

def _term(el: Elaborator, decl: S.TermDecl) -> Term:
    el.site = BracketSite(f"term {decl.name.text}")
    el.clause = None
    el.step = F.Var(STEP_VAR) if el.sym.horizon is not None else None  # a reading is read at the step of each use
    scope = {p.name.text: Binding(F.Var(p.name.text), p.type.text) for p in decl.params}
    bodies: dict[str, F.Formula] = {}
    seen: dict[str, S.Reading] = {}
    for r in decl.readings:
        if r.name.text in seen:
            el.diags.error(Code.DUPLICATE_NAME, r.name.span, f"term `{decl.name.text}` has two readings `{r.name.text}`",
                           notes=(("first here", seen[r.name.text].name.span),))
            continue
        seen[r.name.text] = r
        if r.body is not None:
            bodies[r.name.text] = el.formula(r.body, scope)
    readings = []
    for r in decl.readings:
        if seen.get(r.name.text) is not r:
            continue
        if r.body is not None:
            readings.append(Reading(r.name.text, bodies[r.name.text]))
        else:
            assert r.alias is not None
            target = seen.get(r.alias.text)
            if target is None or target.body is None:
                el.diags.error(Code.BAD_READING, r.alias.span,
                               f"`{r.alias.text}` is not a reading of `{decl.name.text}` with its own formula",
                               help=f"its readings are {', '.join(sorted(bodies)) or 'none'}")
                continue
            readings.append(Reading(r.name.text, bodies[r.alias.text], alias_of=r.alias.text))
    params = tuple(Param(p.name.text, p.type.text) for p in decl.params)
    if el.sym.horizon is not None:
        params = (*params, Param(STEP_VAR, STEP_TYPE))
    el.step = None
    return Term(decl.name.text, params, tuple(readings), decl.span)


def _ground_size_ok(terms: dict[str, Term], assumptions: list[tuple[F.Formula, Span]], clauses: list[Clause],
                    queries: list[Query], diags: Diagnostics) -> None:
    """Refuse an instrument whose formulas, once grounded, exceed F.MAX_GROUND_SIZE nodes."""
    sizes: dict[str, int] = {}

    def term_size(name: str) -> int:
        if name not in sizes:
            sizes[name] = 1  # terms cannot be cyclic here (checked before)
            sizes[name] = 1 + max((F.ground_size(r.body, term_size, breach_size) for r in terms[name].readings), default=0)
        return sizes[name]

    by_id = {c.id: c for c in clauses}
    breach_sizes: dict[str, int] = {}

    def breach_size(clause: str) -> int:  # one party's norms of the clause (no breach cycles here)
        if clause not in breach_sizes:
            breach_sizes[clause] = 1 + sum(norm_size(n, event=False) // max(1, len(n.subjects))
                                           for n in by_id[clause].norms)
        return breach_sizes[clause]

    def norm_size(n: Norm, event: bool = True) -> int:
        # A breach of the clause is of its norms' constraints, not of the event a guarantee
        # protects against, which may itself be that breach (`protects p against breached(c3)`
        # in c3): no cycle (breach_cycles), and none here.
        per = 1 + sum(F.ground_size(x, term_size, breach_size) for x in (n.condition, n.where, n.keep) if x is not None)
        if n.protects is not None and event:
            per += F.ground_size(n.protects.event, term_size, breach_size)
        instances = len(n.subjects)
        for _, dom in n.pattern_vars:
            instances *= len(dom)
        return per * instances

    parts: list[tuple[int, Span]] = []
    for a, span in assumptions:
        parts.append((F.ground_size(a, term_size, breach_size), span))
    for c in clauses:
        for n in c.norms:
            parts.append((norm_size(n), n.span))
    for q in queries:
        if q.formula is not None:
            parts.append((F.ground_size(q.formula, term_size, breach_size), q.span))
    total = sum(size for size, _ in parts)
    if total <= F.MAX_GROUND_SIZE:
        return
    size, span = max(parts, key=lambda p: p[0])
    diags.error(Code.TOO_COMPLEX, span,
                f"this instrument grounds to about {total:,} conditions (this part to {size:,}); "
                f"the limit is {F.MAX_GROUND_SIZE:,}",
                help="nested quantifiers multiply: `exists a in party: (exists b in party: ...)` over n "
                     "parties is n*n conditions; use fewer nested quantifiers or smaller sets")


def _term_cycles(terms: dict[str, Term], sym: Symbols, diags: Diagnostics) -> None:
    """A reading may use other terms, but no term may depend on itself: its meaning would never end."""
    uses = {name: _terms_in(r.body for r in t.readings) for name, t in terms.items()}
    done: set[str] = set()

    def visit(name: str, stack: list[str]) -> None:
        if name in stack:
            cycle = [*stack[stack.index(name):], name]
            first = sym.terms[cycle[0]]
            diags.error(Code.DEFINITION_CYCLE, first.name.span,
                        f"term `{cycle[0]}` refers to itself ({' -> '.join(cycle)})",
                        help="a reading must say what the term means without using the term")
            return
        if name in done:
            return
        for used in sorted(uses.get(name, ())):
            visit(used, [*stack, name])
        done.add(name)

    for name in terms:
        visit(name, [])


def _terms_in(formulas: Iterable[F.Formula]) -> set[str]:
    return {node.term for f in formulas for node in F.walk(f) if isinstance(node, F.TermApp)}


# ---- clauses ----------------------------------------------------------------------

def _clause(el: Elaborator, decl: S.ClauseDecl, instrument: str, rank: int, path: str) -> Clause:
    el.site = BracketSite(decl.id.text)
    el.clause = decl.id.text
    norms: list[Norm] = []
    _items(el, decl.id.text, decl.items, F.TRUE, norms)
    firsts: dict[int, int] = {}  # a statement's instances are numbered by the first one's index
    norms = [dataclasses.replace(n, index=i, first=None if n.first is None else firsts.setdefault(n.first, i))
             for i, n in enumerate(norms)]
    return Clause(decl.id.text, decl.label, decl.source, _squash(decl.text), decl.note and _squash(decl.note),
                  tuple(norms), tuple(o.text for o in decl.overrides), instrument, rank, path, decl.span)


def _squash(text: str | None) -> str | None:
    """Quoted wording spans lines in the source; show it as one paragraph."""
    return " ".join(text.split()) if text is not None else None


def _items(el: Elaborator, clause: str, items: tuple[S.ClauseItem, ...], guard: F.Formula, out: list[Norm]) -> None:
    for item in items:
        if isinstance(item, S.NormDecl):
            out.extend(_norm_instances(el, clause, item, guard))
        elif isinstance(item, S.LimitDecl):
            if el.sym.horizon is None:
                norm = _limit(el, clause, item, guard)
                if norm is not None:
                    out.append(norm)
                continue
            statement = next(_statements)
            for t in el.sym.horizon.steps:
                limit = el.at_step(t, partial(_limit, el, clause, item, guard))
                if limit is None:
                    break  # its error is reported once
                out.append(dataclasses.replace(limit, step=t, first=statement))
        elif isinstance(item, S.ForItem):
            _for(el, clause, item, guard, out)
        else:
            _norm_bracket(el, clause, item, guard, out)


def _for(el: Elaborator, clause: str, item: S.ForItem, guard: F.Formula, out: list[Norm]) -> None:
    values = el.set_values(item.set)
    if values is None:
        return
    members, etype = values
    saved = dict(el.loop)
    for member in members:
        el.loop = {**saved, item.var.text: Binding(F.Const(member), etype)}
        _items(el, clause, (item.item,), guard, out)
    el.loop = saved


def _norm_bracket(el: Elaborator, clause: str, item: S.NormBracket, guard: F.Formula, out: list[Norm]) -> None:
    labels = []
    for alt in item.alts:
        if el.check_label(alt.label):
            if alt.label.text in labels:
                el.error(Code.BAD_ALTERNATIVE, alt.label.span, f"`{alt.label.text}` has two alternatives here")
                continue
            labels.append(alt.label.text)
    if "base" not in labels:
        labels.append("base")  # the agreed text has none of the bracketed norms
    ident = el.new_bracket(item.span, tuple(labels))
    for alt in item.alts:
        if alt.label.text not in labels:
            continue
        chosen = F.Choice(ident, tuple((lab, F.BoolConst(lab == alt.label.text)) for lab in labels))
        _items(el, clause, alt.items, F.conj(guard, chosen), out)


def _norm_instances(el: Elaborator, clause: str, decl: S.NormDecl, guard: F.Formula) -> list[Norm]:
    """The norm once (no time), or once per step: a deadline's once per step of the event
    whose window ends within the horizon (the later ones fall due beyond what is checked)."""
    horizon = el.sym.horizon
    if horizon is None:
        if decl.deadline is not None:
            el.error(Code.BAD_TIME, decl.deadline.span, "a deadline needs a timeline, and this spec has none",
                     help="declare one first, e.g. `time day 0..10;`")
            return []
        norm = _norm(el, clause, decl, guard)
        return [] if norm is None else [norm]
    if decl.deadline is None:
        return _timed_statement(el, clause, decl, guard, 0, list(horizon.steps))
    if decl.modality != "must" or not isinstance(decl.action, S.ActAction):
        el.error(Code.BAD_TIME, decl.deadline.span, "only an obligation to act has a deadline",
                 help="write `P must ACT within N of EVENT`")
        return []
    # A bracketed delay is the deadline once per number of steps from the least alternative to
    # the greatest, each in force where the bracket's figure is that number: a draft's
    # alternative, or any figure between them that `negotiate` tries.
    delays = _delay_alternatives(el, decl.deadline.steps)
    if not delays:
        return []
    out: list[Norm] = []
    least, most = min(d for d, _ in delays), max(d for d, _ in delays)
    for delay in range(least, most + 1):
        triggers = [t for t in horizon.steps if t + delay <= horizon.last]
        if not triggers:
            span = next((sp for d, sp in delays if d == delay), decl.deadline.steps.span)
            el.error(Code.BAD_TIME, span,
                     f"a deadline of {horizon.units(delay)} never falls due within the timeline ({horizon.phrase()})",
                     help="lengthen the timeline, so that what the deadline owes can be checked")
            return []
        instances = _timed_statement(el, clause, decl, guard, delay, triggers)
        if not instances:
            return []
        out += instances
    return out


def _timed_statement(el: Elaborator, clause: str, decl: S.NormDecl, guard: F.Formula, delay: int,
                     triggers: list[int]) -> list[Norm]:
    """A timed norm once per step of `triggers` (a deadline's, once per step of its event)."""
    out: list[Norm] = []
    statement = next(_statements)
    for t in triggers:
        norm = el.at_step(t, partial(_norm, el, clause, decl, guard, (t, delay)))
        if norm is None:
            return []  # its errors are reported once
        out.append(dataclasses.replace(norm, step=t + delay, first=statement))
    return out


def _delay_alternatives(el: Elaborator, steps: S.Number | S.ExprBracket) -> list[tuple[int, Span]]:
    """A deadline's delays as written: (N, where it is written), one per alternative."""
    if isinstance(steps, S.Number):
        return [(steps.value, steps.span)]
    out: list[tuple[int, Span]] = []
    for alt in steps.alts:
        if not isinstance(alt.expr, S.Number):
            el.error(Code.BAD_TIME, alt.expr.span, "a deadline's delay is a whole number of steps",
                     help="write each alternative as a number, e.g. `within [russia: 7 | ukraine: 3] of ...`")
            return []
        out.append((alt.expr.value, alt.expr.span))
    return out


# Tells the instances of one timed statement from another's until `_clause` numbers them.
_statements = itertools.count()


def _norm(el: Elaborator, clause: str, decl: S.NormDecl, guard: F.Formula,
          window: tuple[int, int] | None = None) -> Norm | None:
    """`window`: in a timed spec, the step read now and the deadline's delay (0: none)."""
    modality = Modality(decl.modality)
    subject = _subject(el, decl.subject)
    if subject is None:
        return None
    subject_var, subjects, subject_scope = subject
    base_scope: Scope = {**el.loop, **subject_scope}
    act_name: str | None = None
    pattern: tuple[F.Term, ...] = ()
    pattern_vars: list[tuple[str, tuple[F.Value, ...]]] = []
    pattern_scope: Scope = dict(base_scope)
    keep: F.Formula | None = None
    if isinstance(decl.action, S.ActAction):
        act = el.sym.predicates.get(decl.action.name.text)
        if act is None or act.kind != "act":
            kind = el.sym.kinds.get(decl.action.name.text)
            if kind is None:
                el.error(Code.UNKNOWN_NAME, decl.action.name.span, f"unknown act `{decl.action.name.text}`",
                         help=el.sym.suggest(decl.action.name.text,
                                             [n for n, p in el.sym.predicates.items() if p.kind == "act"]))
            elif kind in ("act",):
                return None  # its declaration already has an error
            else:
                el.error(Code.NOT_AN_ACT, decl.action.name.span,
                         f"`{decl.action.name.text}` is {'an' if kind[0] in 'aeiou' else 'a'} {kind}, not an act: "
                         f"only conduct can be obliged, forbidden or permitted",
                         help="declare it with `act`, or use `keep` for a state to maintain")
            return None
        act_name = act.name
        params = tuple((p.name, p.type) for p in act.params[1:])
        slots = el.match_args("act", decl.action.name, params, decl.action.args, base_scope, decl.action.span,
                              arity_help=f"the norm's subject is the actor (`{act.params[0].name}`); "
                                         "give only the other arguments")
        if slots is None:
            return None

        def missing(i: int, pname: str, ptype: str) -> F.Term:
            var = el.fresh(pname)
            pattern_vars.append((var, el.domain(ptype)))
            return F.Var(var)

        terms = el.arg_terms(slots, params, base_scope, missing)
        if terms is None:
            return None
        pattern = tuple(terms)
        actor_name = act.params[0].name
        pattern_scope[actor_name] = Binding(F.Var(subject_var), "party")
        for (pname, ptype), term in zip(params, pattern, strict=True):
            pattern_scope[pname] = Binding(term, ptype)
    else:
        keep = el.formula(decl.action.expr, base_scope)
        if modality is Modality.MUST_NOT:
            el.error(Code.BAD_NORM, decl.action.span, "`must not keep` is not a norm",
                     help="write `must keep` with the negated condition")
            return None
    # In a timed spec the act is done at the step read now, or, under a deadline, at some step
    # of its window (a pattern variable like the act's open arguments).
    act_step: F.Term | None = None
    if window is not None and act_name is not None:
        t, delay = window
        act_step = F.Const(t)
        if delay:
            var = el.fresh("step")
            pattern_vars.append((var, tuple(range(t, t + delay + 1))))
            act_step = F.Var(var)
    # An obligation's trigger may not depend on which act fulfils it.
    cond_scope = base_scope if modality is Modality.MUST else pattern_scope
    if modality is Modality.MUST and act_name is not None:
        cond_scope = dict(base_scope)
        cond_scope[el.sym.predicates[act_name].params[0].name] = Binding(F.Var(subject_var), "party")
    saved_step = el.step
    el.step = act_step if act_step is not None else el.step
    where = el.formula(decl.where, pattern_scope) if decl.where is not None else F.TRUE
    el.step = saved_step
    if act_name is not None:
        # The norm covers no act of the subject towards itself (`other party`): none exists.
        where = F.conj(*(F.neg(F.mk_eq(F.Var(subject_var), pattern[i - 1]))
                         for i in el.sym.predicates[act_name].others), where)
    if decl.where is not None and act_name is None:
        el.error(Code.BAD_NORM, decl.where.span, "`where` filters an act's parameters; a `keep` norm has none")
    if modality is Modality.MUST and act_name is not None:
        hidden = [p for p in pattern_scope if p not in cond_scope]
        el.out_of_scope = {p: ((f"`{p}` is a parameter of the act `{act_name}`: an obligation's `when` and `unless` "
                                "cannot depend on which act fulfils it"),
                               f"filter the act with `where` (`... must {act_name} where ...`)") for p in hidden}
    # In the order written: a bracketed delay, the deadline's event, then `when`, so that
    # brackets are numbered so.
    if decl.deadline is not None and window is not None and isinstance(decl.deadline.steps, S.ExprBracket):
        # This norm is the deadline of `window`'s delay: in force where the bracket's figure is it.
        figure = el.int_expr(decl.deadline.steps, {})
        if figure is None:
            return None
        guard = F.conj(guard, F.Cmp("==", figure, F.Num(window[1])))
    event = el.formula(decl.deadline.event, cond_scope) if decl.deadline is not None and window is not None \
        else F.TRUE
    when = _condition(el, decl.when, cond_scope, modality, "when")
    unless = _condition(el, decl.unless, cond_scope, modality, "unless")
    el.out_of_scope = {}
    protection = None
    if decl.protects is not None:
        protection = _protection(el, decl, modality)
    # A deadline is owed once its event has happened.
    condition = F.conj(guard, when, F.neg(unless), event)
    if act_step is not None:
        pattern = (*pattern, act_step)
    return Norm(clause, 0, modality, subject_var, subjects, act_name, pattern, tuple(pattern_vars), where, condition,
                keep, protection, False, decl.span, guard,
                where_text=el.written(decl.where.span) if decl.where is not None else None)


def _requirement(el: Elaborator, decl: S.ProtectionDecl, index: int, path: str) -> Requirement | None:
    """A protection requirement: its event, and its response as a formula of the responder."""
    party = decl.party.text
    if party not in el.sym.parties:
        el.error(Code.UNKNOWN_NAME, decl.party.span, f"unknown party `{party}`",
                 help=el.sym.suggest(party, list(el.sym.parties)))
        return None
    if not isinstance(decl.action, S.ActAction):
        el.error(Code.BAD_GUARANTEE, decl.action.span,
                 "the protection a party expects is an act of another party (`... by assist(to: ukraine)`)")
        return None
    # The response, read as a permission of every party (its actor left open): its act pattern
    # and `where` are elaborated as any norm's.
    responder = S.Name("responder", decl.action.span)
    every = S.EachSubject(responder, S.SetName(S.Name("party", decl.action.span), decl.action.span), decl.action.span)
    as_norm = S.NormDecl(every, "may", decl.action, decl.where, None, None, None, decl.span)
    actor = el.fresh("responder")

    def response() -> F.Formula | None:
        """R given by the party `actor`, at the step read now."""
        norm = _norm(el, "protection", as_norm, F.TRUE, None if el.step is None else (int(el.step.value), 0))  # type: ignore[union-attr]
        if norm is None or norm.act is None:
            return None
        body = F.conj(norm.where, F.Atom(norm.act, (F.Var(norm.subject_var), *norm.pattern)))
        for var, dom in reversed(norm.pattern_vars):
            body = F.Exists(var, dom, body)
        return F.subst(body, {norm.subject_var: F.Var(actor)})

    written = decl.action.span if decl.where is None else decl.action.span.to(decl.where.span)
    phrase = decl.phrase or el.written(decl.event.span)
    horizon = el.sym.horizon
    if horizon is None:
        if decl.within is not None:
            el.error(Code.BAD_TIME, decl.within.span, "a delay needs a timeline, and this spec has none",
                     help="declare one first, e.g. `time day 0..10;`")
            return None
        event, body = el.formula(decl.event, {}), response()
        if body is None:
            return None
        return Requirement(party, event, phrase, actor, body, el.written(written), index, path, decl.span)
    # Timed: the event's first occurrence, at a step t whose window [t, t+N] (to the end of the
    # timeline without `within`) the timeline holds; R counts when given in that window.
    delay = decl.within.value if decl.within is not None else None
    steps = horizon.steps
    happens = {t: el.at_step(t, lambda: el.formula(decl.event, {})) for t in steps}
    responses: dict[int, F.Formula] = {}
    for t in steps:
        r = el.at_step(t, response)
        if r is None:
            return None
        responses[t] = r
    firsts, answered = [], []
    for t in steps:
        if delay is not None and t + delay > horizon.last:
            break
        first = F.conj(happens[t], F.neg(F.disj(*(happens[s] for s in steps if s < t))))
        window = [s for s in steps if t <= s and (delay is None or s <= t + delay)]
        firsts.append(first)
        answered.append(F.conj(first, F.disj(*(responses[s] for s in window))))
    if not firsts:
        assert decl.within is not None
        el.error(Code.BAD_TIME, decl.within.span,
                 f"a delay of {delay} steps never ends within the timeline ({horizon.phrase()})",
                 help="lengthen the timeline, so that the response can be checked")
        return None
    text = el.written(written) + (f" within {horizon.units(delay)}" if delay is not None else "")
    return Requirement(party, F.disj(*firsts), phrase, actor, F.disj(*answered), text, index, path, decl.span,
                       within=delay, given=F.disj(*responses.values()))


def _condition(el: Elaborator, expr: S.Expr | None, scope: Scope, modality: Modality, word: str) -> F.Formula:
    if expr is None:
        return F.TRUE if word == "when" else F.FALSE
    return el.formula(expr, scope)


def _protection(el: Elaborator, decl: S.NormDecl, modality: Modality) -> Protection | None:
    assert decl.protects is not None
    if modality is not Modality.MUST or not isinstance(decl.action, S.ActAction):
        el.error(Code.BAD_GUARANTEE, decl.protects.span,
                 "only an obligation to act can be a guarantee (`... must ACT ... protects P against E`)")
        return None
    party = decl.protects.party.text
    bound = el.loop.get(party)
    if bound is not None and bound.type == "party":
        party = str(bound.term.value)  # type: ignore[union-attr]  # a party binding is a Const
    elif party not in el.sym.parties:
        el.error(Code.UNKNOWN_NAME, decl.protects.party.span, f"unknown party `{party}`",
                 help=el.sym.suggest(party, list(el.sym.parties)))
        return None
    phrase = decl.protects.phrase or el.written(decl.protects.event.span)
    return Protection(party, el.formula(decl.protects.event, dict(el.loop)), phrase)


def _subject(el: Elaborator, subject: S.Subject) -> tuple[str, tuple[str, ...], Scope] | None:
    if isinstance(subject, S.Name):
        bound = el.loop.get(subject.text)
        if bound is not None and bound.type == "party":
            return el.fresh("subject"), (str(bound.term.value),), {}  # type: ignore[union-attr]  # a party binding: Const
        if subject.text not in el.sym.parties:
            kind = el.sym.kinds.get(subject.text)
            if kind == "group":
                el.error(Code.WRONG_KIND, subject.span, f"`{subject.text}` is a group, not a party",
                         help=f"write `each x in {subject.text} must ...`")
            else:
                el.error(Code.UNKNOWN_NAME, subject.span, f"unknown party `{subject.text}`",
                         help=el.sym.suggest(subject.text, list(el.sym.parties)))
            return None
        var = el.fresh("subject")
        return var, (subject.text,), {}
    values = el.set_values(subject.set)
    if values is None:
        return None
    members, etype = values
    if etype != "party":
        el.error(Code.TYPE_MISMATCH, subject.set.span, f"the subject of a norm is a party, not a value of `{etype}`")
        return None
    var = el.fresh(subject.var.text)
    return var, tuple(str(m) for m in members), {subject.var.text: Binding(F.Var(var), "party")}


def _limit(el: Elaborator, clause: str, decl: S.LimitDecl, guard: F.Formula) -> Norm | None:
    keep = el.formula(decl.expr, dict(el.loop))
    owners = _quantity_owners(el, keep)
    if owners is None:
        return None
    if len(owners) != 1:
        if not owners:
            el.error(Code.BAD_LIMIT, decl.expr.span, "a limit must bound a quantity that a party controls",
                     help="declare the quantity with `controlled by`, e.g. `quantity personnel(p: party) controlled by p;`")
        else:
            el.error(Code.BAD_LIMIT, decl.expr.span,
                     f"this limit binds several parties ({', '.join(sorted(owners))}); write one limit per party")
        return None
    owner = next(iter(owners))
    when = _condition(el, decl.when, dict(el.loop), Modality.MUST, "when")
    unless = _condition(el, decl.unless, dict(el.loop), Modality.MUST, "unless")
    var = el.fresh("subject")
    return Norm(clause, 0, Modality.MUST, var, (owner,), None, (), (), F.TRUE, F.conj(guard, when, F.neg(unless)),
                keep, None, True, decl.span, guard)


def _quantity_owners(el: Elaborator, f: F.Formula) -> set[str] | None:
    owners: set[str] = set()
    for e in F.walk(f):
        if isinstance(e, F.Qty):
            pred = el.sym.predicates[e.name]
            if pred.control is None:
                continue
            arg = e.args[pred.control]
            if not isinstance(arg, F.Const):
                return set()
            owners.add(str(arg.value))
    return owners


# ---- overrides ------------------------------------------------------------------------

def _apply_overrides(el: Elaborator, clauses: list[Clause], sym: Symbols) -> list[Clause]:
    by_id = {c.id: c for c in clauses}
    suspensions: dict[str, list[Clause]] = {}
    for c in clauses:
        decl = sym.clauses[c.id]
        for target in decl.overrides:
            if target.text == c.id:
                el.error(Code.BAD_OVERRIDE, target.span, f"clause `{c.id}` cannot override itself")
            elif target.text not in by_id:
                el.error(Code.UNKNOWN_NAME, target.span, f"unknown clause `{target.text}`",
                         help=sym.suggest(target.text, list(by_id)))
            elif any(o.text == c.id for o in sym.clauses[target.text].overrides):
                el.error(Code.BAD_OVERRIDE, target.span,
                         f"clauses `{c.id}` and `{target.text}` override each other; one of them must prevail")
            else:
                suspensions.setdefault(target.text, []).append(c)
    out = []
    for c in clauses:
        special = suspensions.get(c.id)
        if not special:
            out.append(c)
            continue
        norms = tuple(dataclasses.replace(n, condition=F.conj(n.condition, F.neg(_suspended(n, special))))
                      for n in c.norms)
        out.append(dataclasses.replace(c, norms=norms))
    return out


def _suspended(n: Norm, special: list[Clause]) -> F.Formula:
    """When n is suspended by the overriding clauses.

    A prohibition or permission is suspended for each act instance the special
    clause covers. An obligation's condition may not depend on which act fulfils
    it (Norm's ground meaning), so an obligation with open act parameters is
    suspended when the special clause covers every act that would fulfil it.
    """
    covered = _covered(n, special)
    if n.modality is not Modality.MUST or n.act is None or not n.pattern_vars:
        return covered
    some = F.conj(n.where, covered)
    every: F.Formula = F.Implies(n.where, covered)
    for var, dom in reversed(n.pattern_vars):
        some = F.Exists(var, dom, some)
        every = F.Forall(var, dom, every)
    return F.conj(some, every)


def _covered(n: Norm, special: list[Clause]) -> F.Formula:
    """When a norm of an overriding clause covers n's instance (same act, or both `keep`)."""
    cases: list[F.Formula] = []
    for c in special:
        for m in c.norms:
            if (m.act is None) != (n.act is None) or (m.act is not None and m.act != n.act):
                continue
            if not set(m.subjects) & set(n.subjects):
                continue  # addressed to other parties: it never covers n (and its atoms are not n's condition)
            if m.act is None and m.step != n.step:
                continue  # a timed `keep` or limit covers its own step (an act's step is in its pattern)
            # m's subject is n's subject, and m's pattern matches n's pattern.
            env: dict[str, F.Term] = {m.subject_var: F.Var(n.subject_var)}
            same_subject = F.disj(*(F.mk_eq(F.Var(n.subject_var), F.Const(s)) for s in m.subjects))
            body = F.conj(same_subject, *(F.mk_eq(F.subst_term(a, env), b) for a, b in zip(m.pattern, n.pattern, strict=False)),
                          F.subst(m.condition, env), F.subst(m.where, env))
            for var, dom in reversed(m.pattern_vars):
                body = F.Exists(var, dom, body)
            cases.append(body)
    return F.disj(*cases)


# ---- the spec's own baseline reading ----------------------------------------------------

def _check_reading(el: Elaborator, decl: S.CheckReadingDecl, sym: Symbols, terms: dict[str, Term]) -> list[str]:
    """`check under reading NAME [for TERM, ...];` as the command line's `--reading [TERM=]NAME`
    items (a reading no term has, or a term without it, is an error at the name)."""
    name = decl.reading.text
    if not decl.terms:
        readings = sorted({r.name for t in terms.values() for r in t.readings})
        if name not in readings:
            el.error(Code.BAD_READING, decl.reading.span, f"no term has a reading `{name}`",
                     help=sym.suggest(name, readings) or (f"the readings are {', '.join(readings)}" if readings
                                                           else "declare a `term` with this `reading` first"))
            return []
        return [name]
    out = []
    for t in decl.terms:
        term = terms.get(t.text)
        if term is None:
            el.error(Code.UNKNOWN_NAME, t.span, f"unknown term `{t.text}`", help=sym.suggest(t.text, sorted(terms)))
        elif term.reading(name) is None:
            own = sorted(r.name for r in term.readings)
            el.error(Code.BAD_READING, decl.reading.span, f"term `{t.text}` has no reading `{name}`",
                     help=sym.suggest(name, own) or f"its readings are {', '.join(own) or 'none'}")
        else:
            out.append(f"{t.text}={name}")
    return out


# ---- queries ----------------------------------------------------------------------------

def _query(el: Elaborator, decl: S.Decl, sym: Symbols, terms: dict[str, Term],
           finding_kinds: Collection[str] | None, owed: Mapping[str, set[str]] | None = None) -> Query | None:
    if isinstance(decl, (S.ExpectDecl, S.AssertNoDecl)):
        p = decl.pattern
        ok = True
        if finding_kinds is not None and p.kind.text not in finding_kinds:
            el.error(Code.UNKNOWN_NAME, p.kind.span, f"unknown kind of finding `{p.kind.text}`",
                     help=sym.suggest(p.kind.text, sorted(finding_kinds))
                     or "a pattern names one of " + ", ".join(f"`{k}`" for k in finding_kinds))
            ok = False
        for c in p.clauses:
            if c.text not in sym.clauses:
                el.error(Code.UNKNOWN_NAME, c.span, f"unknown clause `{c.text}`",
                         help=sym.suggest(c.text, list(sym.clauses)))
                ok = False
        if p.party is not None and p.party.text not in sym.parties:
            el.error(Code.UNKNOWN_NAME, p.party.span, f"unknown party `{p.party.text}`",
                     help=sym.suggest(p.party.text, list(sym.parties)))
            ok = False
        if p.draft is not None and p.draft.text != "base" and p.draft.text not in sym.parties:
            el.error(Code.BAD_QUERY, p.draft.span, f"`{p.draft.text}` is not a draft: a draft is `base` or a party",
                     help=sym.suggest(p.draft.text, [*sym.parties, "base"]))
            ok = False
        readings = {r.name for t in terms.values() for r in t.readings}
        if p.reading is not None and p.reading.text not in readings:
            el.error(Code.BAD_READING, p.reading.span, f"no term has a reading `{p.reading.text}`",
                     help=sym.suggest(p.reading.text, sorted(readings)))
            ok = False
        if not ok:
            return None
        kind = QueryKind.EXPECT if isinstance(decl, S.ExpectDecl) else QueryKind.ASSERT_NO
        text = el_source_text(decl)
        return Query(kind, text, p.kind.text, tuple(c.text for c in p.clauses), _text(p.party), _text(p.draft),
                     _text(p.reading), None, decl.span)
    if isinstance(decl, (S.AssertDecl, S.ScenarioDecl)):
        # Timed: an assertion holds at every step, a scenario at some step.
        over = _every_step if isinstance(decl, S.AssertDecl) else _some_step
        formula = over(el, lambda: el.formula(decl.expr, {}))
        kind = QueryKind.ASSERT if isinstance(decl, S.AssertDecl) else QueryKind.SCENARIO
        return Query(kind, decl.name.text, formula=formula, span=decl.span, breaches=_while(el, decl.breaches, sym, owed or {}))
    return None


def _while(el: Elaborator, breaches: tuple[S.BreachOf, ...], sym: Symbols,
           owed: Mapping[str, set[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """`while P breaches C, D and Q breaches`: the parties and clauses, checked."""
    out: dict[str, list[str]] = {}
    for b in breaches:
        if b.party.text not in sym.parties:
            el.error(Code.UNKNOWN_NAME, b.party.span, f"unknown party `{b.party.text}`",
                     help=sym.suggest(b.party.text, list(sym.parties)))
            continue
        if b.party.text in out:
            el.error(Code.BAD_QUERY, b.party.span, f"`{b.party.text}` is named twice after `while`",
                     help="name each party once, with every clause it breaches: `russia breaches art2, art3`")
            continue
        out[b.party.text] = []
        for c in b.clauses:
            if c.text not in sym.clauses:
                el.error(Code.UNKNOWN_NAME, c.span, f"unknown clause `{c.text}`",
                         help=sym.suggest(c.text, list(sym.clauses)))
            elif c.text not in out[b.party.text]:
                if c.text in owed and b.party.text not in owed[c.text]:
                    # Not an error: a draft or a deleted clause can leave a party owing nothing.
                    el.warning(Code.BAD_QUERY, c.span, f"`{b.party.text}` owes nothing under clause `{c.text}`, so no "
                               "world has it breach the clause: this statement is about no world")
                out[b.party.text].append(c.text)
    return tuple((p, tuple(cs)) for p, cs in out.items())


def _goal(el: Elaborator, decl: S.GoalDecl, sym: Symbols, terms: dict[str, Term], source: SourceFile,
          finding_kinds: Collection[str] | None) -> Goal | None:
    if decl.party.text not in sym.parties:
        el.error(Code.UNKNOWN_NAME, decl.party.span, f"unknown party `{decl.party.text}`: a goal belongs to a party",
                 help=sym.suggest(decl.party.text, list(sym.parties)))
        return None
    label = decl.label or _statement(source, decl).split(":", 1)[1].strip()
    if decl.pattern is not None:
        pattern = _query(el, S.ExpectDecl(decl.pattern, decl.span), sym, terms, finding_kinds)
        if pattern is None:
            return None
        return Goal(decl.party.text, label, GoalKind(decl.kind), pattern=pattern, span=decl.span)
    expr = decl.expr
    assert expr is not None
    over = _every_step if decl.kind == "always" else _some_step
    return Goal(decl.party.text, label, GoalKind(decl.kind), formula=over(el, lambda: el.formula(expr, {})),
                span=decl.span)


def _statement(source: SourceFile, decl: S.GoalDecl | S.ObjectiveDecl) -> str:
    """The statement as written, on one line, without its `;`."""
    return " ".join(source.text[decl.span.start:decl.span.end].split()).rstrip(";").strip()


def _objective(el: Elaborator, decl: S.ObjectiveDecl, source: SourceFile) -> Objective | None:
    if el.sym.horizon is not None:
        el.error(Code.BAD_TIME, decl.span, f"`{decl.direction}` takes one number, and in a timed spec a quantity "
                 "has one per step", help="state the goal as `goal P: always ...` or `possible ...` instead")
        return None
    expr = el.int_expr(decl.expr, {})
    if expr is None:
        return None
    return Objective(Direction(decl.direction), expr, _statement(source, decl), decl.span)


def _unique_query_names(root: S.Spec, diags: Diagnostics) -> None:
    """`assert NAME` and `scenario NAME` name a statement in the report: one of each per name."""
    seen: dict[tuple[str, str], S.Name] = {}
    for d in root.decls:
        if isinstance(d, (S.AssertDecl, S.ScenarioDecl)):
            kind = "assert" if isinstance(d, S.AssertDecl) else "scenario"
            first = seen.setdefault((kind, d.name.text), d.name)
            if first is not d.name:
                diags.error(Code.DUPLICATE_NAME, d.name.span, f"`{kind} {d.name.text}` is already declared",
                            notes=(("first declared here", first.span),), help="give each statement its own name")


def el_source_text(decl: S.ExpectDecl | S.AssertNoDecl) -> str:
    """The statement as written (one line), for messages."""
    p = decl.pattern
    parts = ["expect" if isinstance(decl, S.ExpectDecl) else "assert no", p.kind.text]
    if p.clauses:
        parts.append("on " + ", ".join(c.text for c in p.clauses))
    if p.party:
        parts.append(f"by {p.party.text}")
    if p.draft:
        parts.append(f"in draft {p.draft.text}")
    if p.reading:
        parts.append(f"under reading {p.reading.text}")
    return " ".join(parts)


__all__ = ["elaborate"]


def _text(name: S.Name | None) -> str | None:
    return None if name is None else name.text
